"""Real export shapes: title and note rows above the header, many files, totals, odd spellings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from fixtures.packs import write_pack

from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.readers import find_header, read_raw, read_with_origin

SITES_CSV = (
    "site_id,name,kind,lon,lat,capacity_per_hour\n"
    "T1,一号点,fixed,109.805,40.605,120\nT2,二号点,mobile,109.815,40.605,80\n"
)
TITLE = "稀土高新区督查记录表 2022年10月"


def sites_pack(root: Path, files: dict, entry) -> Path:
    return write_pack(root, files, {"testing_sites": entry})


def titled_workbook(path: Path, rows: list[list], title=TITLE, sheet="督查记录") -> Path:
    """An XLSX like a department's: a title row, a blank row, then ``rows`` (header first)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.append([])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


SITE_ROWS = [
    ["site_id", "name", "kind", "lon", "lat", "capacity_per_hour"],
    ["T1", "一号点", "fixed", 109.805, 40.605, 120],
    ["T2", "二号点", "mobile", 109.815, 40.605, 80],
]


def test_header_row_in_catalog_skips_lines_above_it_in_a_csv(tmp_path):
    text = "测试点位表 2022年10月\n说明：每日更新\n" + SITES_CSV
    sites_pack(tmp_path, {"sites.csv": text}, {"path": "sites.csv", "header_row": 3})
    frame, origin = read_with_origin(open_pack(tmp_path), "testing_sites")
    assert list(frame["site_id"]) == ["T1", "T2"]
    # header on line 3: the first data row is line 4 of the file
    assert origin.locate([0, 1]) == [("sites.csv", 4, None), ("sites.csv", 5, None)]


def test_header_found_below_title_and_blank_rows_in_an_xlsx(tmp_path):
    titled_workbook(tmp_path / "sites.xlsx", SITE_ROWS)
    sites_pack(tmp_path, {}, "sites.xlsx")
    frame, origin = read_with_origin(open_pack(tmp_path), "testing_sites")
    assert list(frame.columns) == SITE_ROWS[0]
    assert list(frame["capacity_per_hour"]) == ["120", "80"]
    # title on line 1, blank line 2, header line 3: T2 is on line 5, its name in column B
    assert origin.locate([1], "name") == [("sites.xlsx", 5, "督查记录!B5")]


def test_header_found_by_renamed_chinese_names(tmp_path):
    rows = [["点位编号", "点位名称", "kind", "lon", "lat", "capacity_per_hour"], *SITE_ROWS[1:]]
    titled_workbook(tmp_path / "sites.xlsx", rows)
    sites_pack(tmp_path, {}, {"path": "sites.xlsx", "columns": {"点位编号": "site_id", "点位名称": "name"}})
    frame = read_raw(open_pack(tmp_path), "testing_sites")
    assert list(frame["site_id"]) == ["T1", "T2"]


def test_header_row_in_catalog_wins_over_detection_in_an_xlsx(tmp_path):
    titled_workbook(tmp_path / "sites.xlsx", SITE_ROWS)
    sites_pack(tmp_path, {}, {"path": "sites.xlsx", "header_row": 4})
    frame = read_raw(open_pack(tmp_path), "testing_sites")
    assert list(frame.columns)[0] == "T1"  # the analyst said line 4: the first data row


@pytest.mark.parametrize("value", [0, -1, "three", True])
def test_bad_header_row_is_a_catalog_problem(tmp_path, value):
    sites_pack(tmp_path, {"sites.csv": SITES_CSV}, {"path": "sites.csv", "header_row": value})
    with pytest.raises(DataError) as caught:
        open_pack(tmp_path)
    [problem] = caught.value.problems
    assert problem.column == "header_row" and problem.file == "catalog.yaml"


def test_header_row_refused_for_formats_without_lines(tmp_path):
    entry = {"path": "sites.parquet", "header_row": 2}
    write_pack(tmp_path, {"sites.parquet": b"x"}, {"testing_sites": entry})
    with pytest.raises(DataError) as caught:
        open_pack(tmp_path)
    assert [p.column for p in caught.value.problems] == ["header_row"]


def test_find_header_takes_the_row_with_most_names_and_the_first_without_any():
    names = frozenset({"site_id", "name", "lon"})
    rows = [["标题"], [], ["site_id", "名称"], ["site_id", "name", "lon"], ["name", "lon", "site_id"]]
    assert find_header(rows, names) == 3
    assert find_header([["a"], ["b"]], names) == 0
