"""Shapes of real department exports that are not faults: rows of only commas, extra columns.

Excel's "save as CSV" ends a sheet whose empty rows were once formatted with lines of only
commas (``,,,``); a department adds a column (a phone number, a note) to one day's export. A
row whose every cell is blank is no data: dropped when read, as XLSX blank rows and blank
lines are, counted neither as read nor as set aside, never a problem. The files of one
dataset must share the contract's columns, not every column. Hand-made packs: every row's
line and fate is written beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.packs import areas_frame, sites_frame, write_pack

import workbench.intake.person_sources as person_sources
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.quality import files_read

SAMPLING_HEADER = "person_key,area_id,site_id,sampled_at\n"
DAY_8 = "p001,007,T1,2022-10-08 08:00:00\np002,007,T1,2022-10-08 09:00:00\n"  # lines 2, 3
DAY_9 = "p003,008,T2,2022-10-09 10:00:00\np004,008,T2,2022-10-09 11:00:00\n"  # lines 2, 3
#: What Excel's "save as CSV" leaves below the data: rows of only commas, blanks, empty quotes.
BLANK_TAIL = ',,,\r\n,,,\r\n ,\u3000, ,\r\n"",,,\r\n'
PRICES_HEADER = "date,market,commodity,price,unit\n"
PRICES = "2022-10-08,万水泉农贸市场,土豆,1.46,元/斤\n2022-10-08,万水泉农贸市场,大米,2.84,元/斤\n"


def sampling_pack(root: Path, days: dict[str, str], encoding: str = "utf-8") -> Path:
    """areas, testing_sites and ``sampling`` as a folder of daily CSV files (text as given)."""
    (root / "sampling").mkdir(parents=True)
    for name, text in days.items():
        (root / "sampling" / name).write_bytes(text.encode(encoding))
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame()}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling"}
    return write_pack(root, files, datasets, report_date="2022-10-09")


def kept_keys(data) -> list[str]:
    return sorted(data.sampling.preview()["person_key"])


def problems_of(data, dataset: str) -> list[tuple]:
    found = [
        (p.severity, p.file, p.row, p.column, p.expected, p.found)
        for p in data.warnings
        if p.dataset == dataset
    ]
    return sorted(found, key=lambda problem: tuple("" if v is None else str(v) for v in problem))


def rows_read(data, dataset: str) -> list[tuple]:
    frame, origin = data[dataset], data.origins[dataset]
    return [
        (f["file"], f["rows_read"], f["rows_kept"], f["rows_set_aside"]) for f in files_read(origin, frame)
    ]


@pytest.fixture
def duckdb_only(monkeypatch):
    """Fail if a person-level file goes to the general readers: DuckDB must read it."""
    monkeypatch.setattr(person_sources, "read_file", lambda *a: pytest.fail("read by the general readers"))


# ---------------------------------------------------------------- rows of only commas


def test_blank_trailing_rows_of_a_daily_sampling_csv_are_no_data(tmp_path, duckdb_only):
    days = {"2022-10-08.csv": SAMPLING_HEADER + DAY_8, "2022-10-09.csv": SAMPLING_HEADER + DAY_9 + BLANK_TAIL}
    data = load_datasets(open_pack(sampling_pack(tmp_path, days)), strict=False)
    assert problems_of(data, "sampling") == []
    assert kept_keys(data) == ["p001", "p002", "p003", "p004"]
    assert data.sampling.rows_read == 4
    assert rows_read(data, "sampling") == [
        ("sampling/2022-10-08.csv", 2, 2, 0),
        ("sampling/2022-10-09.csv", 2, 2, 0),
    ]


def test_a_blank_row_inside_a_sampling_csv_keeps_the_lines_after_it_exact(tmp_path):
    bad = "p005,008,T9,2022-10-09 12:00:00\n"  # line 5, after the blank row on line 4: no such site
    days = {
        "2022-10-08.csv": SAMPLING_HEADER + DAY_8,
        "2022-10-09.csv": SAMPLING_HEADER + DAY_9 + ",,,\n" + bad,
    }
    data = load_datasets(open_pack(sampling_pack(tmp_path, days)), strict=False)
    [unknown] = [p for p in data.warnings if p.column == "site_id"]
    assert (unknown.severity, unknown.file, unknown.row, unknown.found) == (
        "warning",
        "sampling/2022-10-09.csv",
        5,
        "T9",
    )
    assert kept_keys(data) == ["p001", "p002", "p003", "p004"]
    assert rows_read(data, "sampling") == [
        ("sampling/2022-10-08.csv", 2, 2, 0),
        ("sampling/2022-10-09.csv", 3, 2, 1),
    ]


def test_a_sampling_row_with_some_cells_filled_stays_an_error(tmp_path):
    days = {"2022-10-08.csv": SAMPLING_HEADER + DAY_8 + "p009,,,\n" + BLANK_TAIL}
    data = load_datasets(open_pack(sampling_pack(tmp_path, days)), strict=False)
    found = {(p.severity, p.row, p.column, p.found) for p in data.warnings if p.dataset == "sampling"}
    assert found == {  # as without the blank rows below it
        ("error", 4, "site_id", ""),
        ("error", 4, "sampled_at", ""),
        ("warning", None, "area_id", "1 row set aside: no area_id, and their site is unknown or in no area"),
    }


def prices_pack(root: Path, text: str) -> Path:
    return write_pack(root, {"prices.csv": text}, {"prices": "prices.csv"})


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_blank_trailing_rows_of_a_small_csv_are_no_data(tmp_path, line_end):
    text = (PRICES_HEADER + PRICES).replace("\n", line_end) + BLANK_TAIL
    data = load_datasets(open_pack(prices_pack(tmp_path, text)), strict=False)
    assert problems_of(data, "prices") == []
    assert list(data.prices["commodity"]) == ["土豆", "大米"] and list(data.prices["price"]) == [1.46, 2.84]
    assert rows_read(data, "prices") == [("prices.csv", 2, 2, 0)]


def test_a_blank_row_inside_a_small_csv_keeps_the_lines_after_it_exact(tmp_path):
    # lines 4 and 5 blank (pandas' own parser skips a line of spaces: its number too)
    bad = "2022-10-08,万水泉农贸市场,白菜,很贵,元/斤\n"  # line 6
    text = PRICES_HEADER + PRICES + ", , ,,\n   \n" + bad + BLANK_TAIL
    data = load_datasets(open_pack(prices_pack(tmp_path, text)), strict=False)
    [bad] = [p for p in data.warnings if p.dataset == "prices"]
    assert (bad.severity, bad.row, bad.column, bad.found) == ("warning", 6, "price", "很贵")  # set aside
    assert rows_read(data, "prices") == [("prices.csv", 3, 2, 1)]


def test_a_small_csv_row_with_some_cells_filled_stays_an_error(tmp_path):
    text = PRICES_HEADER + PRICES + "2022-10-09,,,,\n" + BLANK_TAIL
    data = load_datasets(open_pack(prices_pack(tmp_path, text)), strict=False)
    found = {(p.severity, p.row, p.column) for p in data.warnings if p.dataset == "prices"}
    assert found == {("error", 4, column) for column in ("market", "commodity", "price", "unit")}


# ---------------------------------------------------------------- extra columns in one file


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # read by DuckDB; by the general readers
def test_an_extra_column_in_one_daily_sampling_file_is_kept_out_of_the_way(tmp_path, encoding):
    extra = "联系电话,site_id,person_key,sampled_at,area_id\n" + "".join(
        f"13912345678,{site},{key},{stamp},{area}\n"
        for key, area, site, stamp in (line.split(",") for line in DAY_9.splitlines())
    )
    days = {"2022-10-08.csv": SAMPLING_HEADER + DAY_8, "2022-10-09.csv": extra}
    data = load_datasets(open_pack(sampling_pack(tmp_path, days, encoding)), strict=False)
    named = [(p[0], p[3]) for p in problems_of(data, "sampling")]
    assert named == [("warning", "联系电话")]  # named, not read
    assert kept_keys(data) == ["p001", "p002", "p003", "p004"]
    assert list(data.sampling.preview().columns) == ["person_key", "area_id", "site_id", "sampled_at"]
    assert rows_read(data, "sampling") == [
        ("sampling/2022-10-08.csv", 2, 2, 0),
        ("sampling/2022-10-09.csv", 2, 2, 0),
    ]


def test_different_extra_columns_in_every_daily_file_union_in_duckdb(tmp_path, duckdb_only):
    days = {
        "2022-10-08.csv": "备注,"
        + SAMPLING_HEADER
        + "".join("首日," + line + "\n" for line in DAY_8.splitlines()),
        "2022-10-09.csv": SAMPLING_HEADER.replace("\n", ",联系电话,采样员\n")
        + "".join(line + ",13912345678,张三\n" for line in DAY_9.splitlines()),
    }
    data = load_datasets(open_pack(sampling_pack(tmp_path, days)), strict=False)
    [warning] = problems_of(data, "sampling")  # 联系电话 named (not read); 备注 and 采样员 are no identifiers
    assert warning[0] == "warning" and warning[5].startswith("columns 联系电话 announce")
    assert kept_keys(data) == ["p001", "p002", "p003", "p004"]


def test_a_contract_column_missing_from_one_daily_file_is_its_error(tmp_path):
    no_site = "person_key,area_id,sampled_at,联系电话\np005,008,2022-10-09 12:00:00,13912345678\n"
    days = {"2022-10-08.csv": SAMPLING_HEADER + DAY_8, "2022-10-09.csv": no_site}
    data = load_datasets(open_pack(sampling_pack(tmp_path, days)), strict=False)
    assert problems_of(data, "sampling") == [
        ("error", "sampling/2022-10-09.csv", None, "site_id", "a column 'site_id'",
         "columns: person_key, area_id, sampled_at, 联系电话"),
    ]  # fmt: skip
    assert "sampling" not in data


CHECKPOINTS = "checkpoint_id,name,lon,lat\nK1,一号卡口,109.805,40.605\nK2,二号卡口,109.815,40.605\n"
DAY_HEADER = "date,checkpoint_id,vehicles,people,from_risk_areas,landing_tests\n"


def daily_pack(root: Path, days: dict[str, str]) -> Path:
    """checkpoints, and checkpoint_daily as a folder of CSV files (read by the general readers)."""
    (root / "checkpoint_daily").mkdir(parents=True)
    for name, text in days.items():
        (root / "checkpoint_daily" / name).write_text(text, encoding="utf-8")
    datasets = {"checkpoints": "checkpoints.csv", "checkpoint_daily": "checkpoint_daily"}
    return write_pack(root, {"checkpoints.csv": CHECKPOINTS}, datasets)


def test_an_extra_column_in_one_file_of_a_small_dataset_is_kept_out_of_the_way(tmp_path):
    days = {
        "2022-10-08.csv": DAY_HEADER + "2022-10-08,K1,1,2,0,0\n",
        "2022-10-09.csv": "备注,landing_tests,date,checkpoint_id,vehicles,people,from_risk_areas\n"
        "夜班,1,2022-10-09,K2,5,6,1\n" + BLANK_TAIL,
    }
    data = load_datasets(open_pack(daily_pack(tmp_path, days)), strict=False)
    assert problems_of(data, "checkpoint_daily") == []
    frame = data.checkpoint_daily
    assert list(frame["checkpoint_id"]) == ["K1", "K2"] and list(frame["vehicles"]) == [1, 5]
    assert list(frame["landing_tests"]) == [0, 1]
    assert rows_read(data, "checkpoint_daily") == [
        ("checkpoint_daily/2022-10-08.csv", 1, 1, 0), ("checkpoint_daily/2022-10-09.csv", 1, 1, 0),
    ]  # fmt: skip


def test_the_same_row_in_two_files_with_different_extra_columns_is_kept_once(tmp_path):
    days = {
        "2022-10-08.csv": DAY_HEADER + "2022-10-08,K1,1,2,0,0\n",
        "2022-10-09.csv": DAY_HEADER.replace("\n", ",备注\n")
        + "2022-10-09,K2,5,6,1,1,夜班\n2022-10-08,K1,1,2,0,0,补报\n",
    }
    data = load_datasets(open_pack(daily_pack(tmp_path, days)), strict=False)
    [repeated] = [p for p in data.warnings if p.dataset == "checkpoint_daily"]
    # compared on the columns both files hold: the note of the copy makes it no other row
    assert (repeated.severity, repeated.file, repeated.row) == (
        "warning",
        "checkpoint_daily/2022-10-09.csv",
        3,
    )
    assert repeated.found.startswith("same row as checkpoint_daily/2022-10-08")  # cut at 40 characters
    assert list(data.checkpoint_daily["checkpoint_id"]) == ["K1", "K2"]


def test_a_contract_column_missing_from_one_file_of_a_small_dataset_is_its_error(tmp_path):
    days = {
        "2022-10-08.csv": DAY_HEADER + "2022-10-08,K1,1,2,0,0\n",
        "2022-10-09.csv": "date,checkpoint_id,vehicles,备注\n2022-10-09,K2,5,夜班\n",
    }
    data = load_datasets(open_pack(daily_pack(tmp_path, days)), strict=False)
    assert problems_of(data, "checkpoint_daily") == [
        ("error", "checkpoint_daily/2022-10-09.csv", None, None,
         "the same columns as checkpoint_daily/2022-10-08.csv (one dataset, many files)",
         "missing: from_risk_areas, landing_tests, people"),
    ]  # fmt: skip
    assert "checkpoint_daily" not in data
