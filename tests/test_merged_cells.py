"""A supervision sheet typed for the eye: the date and the team merged down their visits' rows.

Hand-made sheet (``督查记录``): a title merged across the table in row 1, headers in row 2, six
visits in rows 3-8. ``日期`` (column B) is merged B3:B5 (10-08) and B6:B8 (10-09); ``督查组``
(column C) is merged C3:C8 (第一督查组); row 9 holds a note merged across A9:I10. Excel shows
every row with its date and team; the file holds them in B3, B6 and C3 only.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures.packs import write_pack

import workbench.intake.merged_cells as merged_cells
from workbench.domains.inspections import analyse_inspections
from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.merged_cells import fill_merged_down, header_rows, merged_ranges
from workbench.present.problem_wording import problem_text

HEADERS = ["督查编号", "日期", "督查组", "场所编码", "人员配备", "消杀台账", "登记台账", "问题", "整改日期"]
#: rows 3-8: id, date (first row of its range only), team (row 3 only), place, the three items,
#: finding, rectified on. Passed: D1, D2, D4, D6 (4 of 6); D3 and D5 failed.
VISITS = [
    ["D1", "2022-10-08", "第一督查组", "P1", "是", "是", "是", None, None],
    ["D2", None, None, "P2", "是", "是", "是", None, None],
    ["D3", None, None, "P3", "否", "是", "是", "未配备专人", "2022-10-09"],
    ["D4", "2022-10-09", None, "P1", "是", "是", "是", None, None],
    ["D5", None, None, "P2", "是", "否", "是", "消杀台账缺失", None],
    ["D6", None, None, "P3", "是", "是", "是", None, None],
]
MERGES = ["A1:I1", "B3:B5", "B6:B8", "C3:C8", "A9:I10"]
RENAMES = {"督查编号": "inspection_id", "日期": "date", "督查组": "team", "场所编码": "place_id",
           "人员配备": "staffing_ok", "消杀台账": "disinfection_log_ok", "登记台账": "registration_log_ok",
           "问题": "finding", "整改日期": "rectified_on"}  # fmt: skip
PLACES = pd.DataFrame({"place_id": ["P1", "P2", "P3"], "name": ["万达广场", "希望公园", "阿尔丁广场"],
                       "kind": ["square", "park", "square"], "lon": [109.83] * 3, "lat": [40.65] * 3})


def merged_sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "督查记录"
    sheet.append(["稀土高新区疫情防控督查记录表"])
    sheet.append(HEADERS)
    for row in VISITS:
        sheet.append(row)
    sheet.append(["说明：本表由督查组每日汇总"])
    for ref in MERGES:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def inspections_pack(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    merged_sheet(root / "督查记录.xlsx")
    entry = {"path": "督查记录.xlsx", "sheet": "督查记录", "columns": RENAMES}
    return write_pack(root, {"places.csv": PLACES}, {"places": "places.csv", "inspections": entry},
                      report_date="2022-10-09")


def test_fill_merged_down_fills_one_column_ranges_below_the_header_only():
    rows = [["title", None], ["h1", "h2"], ["a", "x"], [None, None], [None, "y"], ["n", None], [None, None]]
    filled = fill_merged_down(rows, ["A1:B1", "A3:A5", "B5:B6", "A6:B7"], header=1)
    assert filled == ["A3:A5", "B5:B6"]
    assert rows == [["title", None], ["h1", "h2"], ["a", "x"], ["a", None], ["a", "y"], ["n", "y"],
                    [None, None]]


@pytest.mark.parametrize("chunk", [merged_cells.CHUNK_BYTES, 7])
def test_merged_ranges_are_read_from_a_read_only_sheet(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(merged_cells, "CHUNK_BYTES", chunk)  # 7 bytes: every element cut by a chunk's end
    book = openpyxl.load_workbook(merged_sheet(tmp_path / "m.xlsx"), read_only=True)
    try:
        assert sorted(merged_ranges(book.active)) == sorted(MERGES)
    finally:
        book.close()


def test_each_visit_gets_the_date_and_team_merged_down_its_rows(tmp_path):
    data = load_datasets(open_pack(inspections_pack(tmp_path)), ["places", "inspections"])
    visits = data["inspections"]
    assert list(visits["inspection_id"]) == ["D1", "D2", "D3", "D4", "D5", "D6"]  # no note row a visit
    assert list(visits["date"].dt.strftime("%m-%d")) == ["10-08"] * 3 + ["10-09"] * 3
    assert set(visits["team"]) == {"第一督查组"}
    result = analyse_inspections(visits, data["places"], "2022-10-09", window_days=7)
    assert (int(result.in_window["passed"].sum()), len(result.in_window)) == (4, 6)
    merges = [p for p in data.warnings if p.expected == merged_cells.MERGED_EXPECTED]
    warnings = sorted((p.column, p.found) for p in merges)
    assert warnings == [
        ("date", "2 merged range(s) read for each of their rows: 督查记录!B3:B5, 督查记录!B6:B8"),
        ("team", "1 merged range(s) read for each of their rows: 督查记录!C3:C8"),
    ]
    assert all(p.file == "督查记录.xlsx" and p.severity == "warning" for p in merges)


def test_the_warning_reads_in_chinese_on_chinese_pages():
    worded = "每格一个值（向下合并的单元格已按其所跨的每一行读取）"
    assert problem_text(merged_cells.MERGED_EXPECTED) == worded
    found = "2 merged range(s) read for each of their rows: 督查记录!B3:B5, 督查记录!B6:B8"
    assert problem_text(found) == "2 个合并单元格区域已按每一行读取：督查记录!B3:B5, 督查记录!B6:B8"


def test_without_merges_the_empty_cells_stay_errors(tmp_path):
    root = inspections_pack(tmp_path)
    book = openpyxl.load_workbook(root / "督查记录.xlsx")
    for ref in list(book.active.merged_cells.ranges):
        book.active.unmerge_cells(str(ref))
    book.save(root / "督查记录.xlsx")
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(root), ["places", "inspections"])
    cells = sorted(p.cell for p in caught.value.problems if p.severity == "error")
    assert cells == [f"督查记录!{c}" for c in ("B4", "B5", "B7", "B8", "C4", "C5", "C6", "C7", "C8")]


# ---------------------------------------------------------------- a header of two rows

#: Row 2: the headings, ``检查项目`` merged across E2:G2 over its three items in row 3; the other
#: headings merged down rows 2-3. Visits from row 4.
TWO_ROW_MERGES = ["A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:G2", "H2:H3", "I2:I3"]


def two_row_header_sheet(path: Path, group: str = "检查项目") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "督查记录"
    sheet.append(["稀土高新区疫情防控督查记录表"])
    sheet.append(HEADERS[:4] + [group, None, None] + HEADERS[7:])
    sheet.append([None] * 4 + HEADERS[4:7] + [None, None])
    for row in VISITS:
        sheet.append(row[:1] + ["2022-10-09", "第一督查组"] + row[3:])
    for ref in TWO_ROW_MERGES:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def test_a_header_of_two_rows_names_each_column_by_its_lowest_heading(tmp_path):
    root = inspections_pack(tmp_path)
    two_row_header_sheet(root / "督查记录.xlsx")
    data = load_datasets(open_pack(root), ["places", "inspections"])
    visits = data["inspections"]
    assert list(visits["inspection_id"]) == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert list(visits["staffing_ok"]) == [True, True, False, True, True, True]
    assert list(visits["disinfection_log_ok"]) == [True, True, True, True, False, True]
    assert data.origins["inspections"].locate([0], "staffing_ok") == [("督查记录.xlsx", 4, "督查记录!E4")]
    assert not [p for p in data.warnings if p.expected == merged_cells.MERGED_EXPECTED]  # headers only


def test_the_header_is_found_by_either_of_its_two_rows():
    """The row holding most of the names looked for may be the upper or the lower one."""
    rows = [[None], ["督查编号", "日期", "督查组", "场所编码", "检查项目", None, None, "问题", "整改日期"],
            [None] * 4 + HEADERS[4:7] + [None, None], ["D1"] * 9]
    assert header_rows(rows, TWO_ROW_MERGES, 2) == header_rows(rows, TWO_ROW_MERGES, 1) == (1, 2)


def test_a_row_with_values_beside_a_merged_heading_is_data_not_a_header():
    rows = [["编号", "问题及整改", None], ["D1", "未配备专人", "2022-10-09"]]
    assert header_rows(rows, ["B1:C1"], 0) == (0, 0)  # D1 lies under no heading merged across
    title = [["督查记录表", None, None], ["编号", "问题", "整改日期"], ["D1", "x", "2022-10-09"]]
    assert header_rows(title, ["A1:C1"], 1) == (1, 1)  # a title is one cell: no heading of a header


#: The two-row header saved as CSV: a heading merged across columns is written in its first
#: column, the cells after it empty; the headings merged down both rows, in the upper row.
TWO_ROW_CSV = (
    "稀土高新区疫情防控督查记录表,,,,,,,,\n"
    "督查编号,日期,督查组,场所编码,检查项目,,,问题,整改日期\n"
    ",,,,人员配备,消杀台账,登记台账,,\n"
    "D1,2022-10-09,第一督查组,P1,是,是,是,,\n"
    "D3,2022-10-09,第一督查组,P3,否,是,是,未配备专人,\n"
)


def test_a_csv_saved_from_a_two_row_header_names_its_columns_the_same_way(tmp_path):
    entry = {"path": "督查记录.csv", "columns": RENAMES}
    root = write_pack(tmp_path, {"places.csv": PLACES, "督查记录.csv": TWO_ROW_CSV.encode("utf-8")},
                      {"places": "places.csv", "inspections": entry}, report_date="2022-10-09")
    data = load_datasets(open_pack(root), ["places", "inspections"])
    visits = data["inspections"]
    assert list(visits["staffing_ok"]) == [True, False]
    assert list(visits["finding"].fillna("")) == ["", "未配备专人"]
    assert data.origins["inspections"].locate([1], "staffing_ok")[0][:2] == ("督查记录.csv", 5)


def test_a_csv_heading_followed_by_an_empty_cell_over_a_data_row_is_one_header():
    from workbench.intake.merged_cells import csv_header_rows

    rows = [["编号", "问题", "", "日期"], ["D1", "未配备专人", "已整改", "2022-10-09"]]
    assert csv_header_rows(rows, 0, frozenset({"编号", "日期"})) == (0, 0)
    sub = [["编号", "检查项目", "", "日期"], ["", "人员配备", "消杀台账", ""]]
    assert csv_header_rows(sub, 0, frozenset({"编号", "日期"})) == (0, 0)  # no name looked for below
    assert csv_header_rows(sub, 0, frozenset({"编号", "人员配备"})) == (0, 1)
