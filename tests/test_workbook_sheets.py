"""A workbook with one sheet per day: ``sheet:`` names the sheets one dataset reads.

Hand-made workbook ``卡口日报.xlsx``: sheet ``说明`` (a line of text), sheets ``10月8日`` and
``10月9日`` (header in row 1, two checkpoints each, rows 2-3). Figures by hand: people on 10-08
are 120 + 80 = 200, on 10-09 130 + 90 = 220.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures.packs import areas_frame, sites_frame, write_pack

from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.xlsx import EMPTY_SHEETS_EXPECTED, UNREAD_SHEETS_EXPECTED
from workbench.present.problem_wording import problem_text

HEADER = ["date", "checkpoint_id", "vehicles", "people", "from_risk_areas", "landing_tests"]
DAYS = {
    "10月8日": [["2022-10-08", "CP1", 40, 120, 3, 118], ["2022-10-08", "CP2", 30, 80, 1, 80]],
    "10月9日": [["2022-10-09", "CP1", 42, 130, 2, 129], ["2022-10-09", "CP2", 33, 90, 0, 90]],
}
CHECKPOINTS = pd.DataFrame({"checkpoint_id": ["CP1", "CP2"], "name": ["包茂高速卡口", "110国道卡口"],
                            "lon": [109.85, 109.80], "lat": [40.62, 40.60]})  # fmt: skip


def workbook(path: Path, days: dict = DAYS, about: bool = True, empty: bool = False) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    if about:
        book.create_sheet("说明").append(["每日 8 时前报送，一天一个工作表"])
    for name, rows in days.items():
        sheet = book.create_sheet(name)
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
    if empty:
        book.create_sheet("10月10日")
    book.save(path)
    return path


def daily_pack(root: Path, sheet=None, **options) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    workbook(root / "卡口日报.xlsx", **options)
    entry = {"path": "卡口日报.xlsx", **({"sheet": sheet} if sheet is not None else {})}
    return write_pack(root, {"checkpoints.csv": CHECKPOINTS},
                      {"checkpoints": "checkpoints.csv", "checkpoint_daily": entry}, report_date="2022-10-09")


def people_by_day(data) -> dict[str, int]:
    daily = data["checkpoint_daily"]
    return {f"{d:%m-%d}": int(n) for d, n in daily.groupby("date")["people"].sum().items()}


@pytest.mark.parametrize("sheet", ["10月*", ["10月8日", "10月9日"], [1, "10月9日"]])
def test_the_sheets_of_a_workbook_are_one_dataset(tmp_path, sheet):
    data = load_datasets(open_pack(daily_pack(tmp_path, sheet)), ["checkpoints", "checkpoint_daily"])
    assert people_by_day(data) == {"10-08": 200, "10-09": 220}
    origin = data.origins["checkpoint_daily"]
    assert origin.locate([1, 2], "people") == [("卡口日报.xlsx", 3, "10月8日!D3"),
                                               ("卡口日报.xlsx", 2, "10月9日!D2")]
    assert not [p for p in data.warnings if p.dataset == "checkpoint_daily"]


def test_a_bad_value_names_its_sheet_and_cell(tmp_path):
    days = DAYS | {"10月9日": [["2022-10-09", "CP1", 42, "很多", 2, 129], DAYS["10月9日"][1]]}
    pack = open_pack(daily_pack(tmp_path, "10月*", days=days))
    data = load_datasets(pack, ["checkpoints", "checkpoint_daily"])
    [problem] = [p for p in data.warnings if p.dataset == "checkpoint_daily"]  # its row set aside
    where = (problem.file, problem.row, problem.cell, problem.column)
    assert where == ("卡口日报.xlsx", 2, "10月9日!D2", "people")
    assert people_by_day(data) == {"10-08": 200, "10-09": 90}


def test_a_workbook_of_several_sheets_read_without_sheet_says_what_it_left_unread(tmp_path):
    pack = daily_pack(tmp_path, about=False)
    data = load_datasets(open_pack(pack), ["checkpoints", "checkpoint_daily"])
    assert people_by_day(data) == {"10-08": 200}
    [warning] = [p for p in data.warnings if p.dataset == "checkpoint_daily"]
    assert (warning.severity, warning.expected) == ("warning", UNREAD_SHEETS_EXPECTED)
    assert warning.found == "the first sheet (10月8日) read; 1 other sheet(s) not read: 10月9日"
    assert problem_text(warning.found) == "只读取了第一个工作表（10月8日）；另有 1 个工作表未读取：10月9日"
    worded = "在 catalog.yaml 中写明要读取的工作表（sheet：表名、列表或 10月* 这样的模式）"
    assert problem_text(warning.expected) == worded


def test_sheets_the_catalog_names_must_be_in_the_workbook(tmp_path):
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(daily_pack(tmp_path, ["10月8日", "11月*", 7])), ["checkpoint_daily"])
    found = sorted((p.expected, p.found) for p in caught.value.problems if p.dataset == "checkpoint_daily")
    listed = "sheets: 说明, 10月8日, 10月9日"
    assert found == [("a sheet matching '11月*'", listed),
                     ("a sheet number 7 (0 is the first)", "3 sheet(s): 说明, 10月8日, 10月9日")]


def test_an_empty_sheet_among_several_is_passed_over_with_a_warning(tmp_path):
    pack = daily_pack(tmp_path, "10月*", empty=True)
    data = load_datasets(open_pack(pack), ["checkpoints", "checkpoint_daily"])
    assert people_by_day(data) == {"10-08": 200, "10-09": 220}
    [warning] = [p for p in data.warnings if p.dataset == "checkpoint_daily"]
    assert warning.expected == EMPTY_SHEETS_EXPECTED
    assert warning.found == "1 empty sheet(s) passed over: 10月10日"
    assert problem_text(warning.found) == "跳过 1 个空工作表：10月10日"


def sampling_workbook(path: Path) -> Path:
    """``sampling.xlsx``: sheets 10月08日 and 10月09日, rows 2-3 each; line 3 of 10月09日 names no site."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for day, site in (("08", "T1"), ("09", "T9")):
        sheet = book.create_sheet(f"10月{day}日")
        sheet.append(["person_key", "area_id", "site_id", "sampled_at"])
        sheet.append(["p1", "007", "T1", f"2022-10-{day} 08:00:00"])
        sheet.append(["p2", "008", site, f"2022-10-{day} 09:00:00"])
    book.save(path)
    return path


def sampling_pack(tmp_path: Path, sheet) -> Path:
    sampling_workbook(tmp_path / "sampling.xlsx")
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame()}
    entry = {"path": "sampling.xlsx"} | ({"sheet": sheet} if sheet is not None else {})
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": entry}
    return write_pack(tmp_path, files, datasets)


def test_a_person_level_workbook_reads_every_sheet_named(tmp_path):
    from workbench.domains import coverage

    data = load_datasets(open_pack(sampling_pack(tmp_path, "10月*")), ["areas", "testing_sites", "sampling"])
    assert len(data.sampling) == 3 and data.sampling.rows_read == 4
    tested = coverage.count_tested(data.sampling, "2022-10-08 00:00", "2022-10-09 23:59")
    assert tested.to_dict("list") == {"area_id": ["007", "008"], "tested": [1, 1]}
    [unknown] = [p for p in data.warnings if p.dataset == "sampling"]
    where = (unknown.file, unknown.cell, unknown.column, unknown.found)
    assert where == ("sampling.xlsx", "10月09日!C3", "site_id", "T9")


def test_a_person_level_workbook_says_which_sheets_it_left_unread(tmp_path):
    data = load_datasets(open_pack(sampling_pack(tmp_path, None)), ["areas", "testing_sites", "sampling"])
    assert len(data.sampling) == 2  # the first sheet only, as for any dataset without sheet:
    [unread] = [p for p in data.warnings if p.dataset == "sampling"]
    assert unread.expected == UNREAD_SHEETS_EXPECTED and "10月09日" in unread.found


def test_the_data_quality_page_lists_each_sheet_read(tmp_path):
    from workbench.intake.quality import files_read

    data = load_datasets(open_pack(daily_pack(tmp_path, "10月*")), ["checkpoints", "checkpoint_daily"])
    rows = files_read(data.origins["checkpoint_daily"], data["checkpoint_daily"])
    assert [(r["file"], r["rows_read"], r["rows_kept"]) for r in rows] == [
        ("卡口日报.xlsx (10月8日)", 2, 2), ("卡口日报.xlsx (10月9日)", 2, 2)]
