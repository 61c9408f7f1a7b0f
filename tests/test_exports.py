"""Real export shapes: title and note rows above the header, many files, totals, odd spellings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import shapely
import yaml
from fixtures.packs import (
    areas_frame,
    coverage_pack,
    inspections_frame,
    places_frame,
    sampling_frame,
    write_pack,
)

from workbench.domains import coverage
from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.header_row import find_header
from workbench.intake.loading import format_problems, load_datasets, validate_pack
from workbench.intake.needs import empty_frame
from workbench.intake.parsing import parse_timestamps
from workbench.intake.readers import read_raw, read_with_origin
from workbench.privacy import HIDDEN_CELL

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
        load_datasets(open_pack(tmp_path))  # the dataset's fault: its loading raises
    [problem] = caught.value.problems
    assert problem.column == "header_row" and problem.file == "catalog.yaml"


def test_header_row_refused_for_formats_without_lines(tmp_path):
    entry = {"path": "sites.parquet", "header_row": 2}
    write_pack(tmp_path, {"sites.parquet": b"x"}, {"testing_sites": entry})
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(tmp_path))  # the dataset's fault: its loading raises
    assert [p.column for p in caught.value.problems] == ["header_row"]


def test_find_header_takes_the_row_with_most_names_and_the_first_without_any():
    names = frozenset({"site_id", "name", "lon"})
    rows = [["标题"], [], ["site_id", "名称"], ["site_id", "name", "lon"], ["name", "lon", "site_id"]]
    assert find_header(rows, names) == 3
    assert find_header([["a"], ["b"]], names) == 0


# ---------------------------------------------------------------- one dataset, many files

CHECKPOINTS = "checkpoint_id,name,lon,lat\nK1,一号卡口,109.805,40.605\nK2,二号卡口,109.815,40.605\n"
DAY_HEADER = "date,checkpoint_id,vehicles,people,from_risk_areas,landing_tests\n"


def daily_pack(root: Path, days: dict[str, str], path="checkpoint_daily/*.csv") -> Path:
    """checkpoints, and checkpoint_daily as one CSV per day in a folder."""
    (root / "checkpoint_daily").mkdir(parents=True)
    for name, text in days.items():
        (root / "checkpoint_daily" / name).write_text(DAY_HEADER + text, encoding="utf-8")
    return write_pack(root, {"checkpoints.csv": CHECKPOINTS},
                      {"checkpoints": "checkpoints.csv", "checkpoint_daily": path})  # fmt: skip


@pytest.mark.parametrize("path", ["checkpoint_daily/*.csv", "checkpoint_daily", "checkpoint_daily/"])
def test_a_dataset_as_a_glob_or_a_folder_reads_every_file_in_order(tmp_path, path):
    days = {
        "2022-10-09.csv": "2022-10-09,K1,3,4,0,1\n",
        "2022-10-08.csv": "2022-10-08,K1,1,2,0,0\n2022-10-08,K2,5,6,1,1\n",
    }
    daily_pack(tmp_path, days, path)
    data = load_datasets(open_pack(tmp_path), ["checkpoint_daily"])
    frame = data.checkpoint_daily
    assert list(frame["vehicles"]) == [1, 5, 3]  # files sorted by name: the 8th first
    assert data.origins["checkpoint_daily"].locate([0, 1, 2]) == [
        ("checkpoint_daily/2022-10-08.csv", 2, None),
        ("checkpoint_daily/2022-10-08.csv", 3, None),
        ("checkpoint_daily/2022-10-09.csv", 2, None),
    ]


def test_every_problem_of_a_many_file_dataset_names_its_file_and_line(tmp_path):
    daily_pack(
        tmp_path,
        {"a.csv": "2022-10-08,K1,1,2,0,0\n", "b.csv": "2022-10-09,K1,1,2,0,0\n2022-10-09,K1,x,2,0,0\n"},
    )
    problems = validate_pack(open_pack(tmp_path))
    [bad] = [p for p in problems if p.column == "vehicles"]
    assert (bad.file, bad.row, bad.found) == ("checkpoint_daily/b.csv", 3, "x")


def test_the_same_row_in_two_files_is_kept_once_and_reported(tmp_path):
    daily_pack(
        tmp_path,
        {"a.csv": "2022-10-08,K1,1,2,0,0\n", "b.csv": "2022-10-09,K2,4,4,0,0\n2022-10-08,K1,1,2,0,0\n"},
    )
    data = load_datasets(open_pack(tmp_path), ["checkpoint_daily"])
    assert len(data.checkpoint_daily) == 2
    [warning] = [p for p in data.warnings if p.dataset == "checkpoint_daily"]
    assert (warning.severity, warning.file, warning.row) == ("warning", "checkpoint_daily/b.csv", 3)
    assert warning.found == "same row as checkpoint_daily/a.csv row 2"


def test_files_of_one_dataset_must_share_their_columns(tmp_path):
    daily_pack(tmp_path, {"a.csv": "2022-10-08,K1,1,2,0,0\n"})
    (tmp_path / "checkpoint_daily" / "b.csv").write_text(
        "date,checkpoint_id\n2022-10-09,K1\n", encoding="utf-8"
    )
    [problem] = [p for p in validate_pack(open_pack(tmp_path)) if p.dataset == "checkpoint_daily"]
    assert problem.file == "checkpoint_daily/b.csv" and "missing: from_risk_areas" in problem.found


def test_a_glob_matching_nothing_is_a_catalog_problem(tmp_path):
    daily_pack(tmp_path, {}, "checkpoint_daily/*.csv")
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(tmp_path))  # the dataset's fault: its loading raises
    [problem] = caught.value.problems
    assert problem.dataset == "checkpoint_daily" and problem.found == "none found"


# ---------------------------------------------------------------- packs are closed (issue 12.7)


@pytest.mark.parametrize(
    "path", ["../secret.csv", "/tmp/../{root}/../secret.csv", "../*.csv", "sub/../../secret.csv"]
)
def test_a_path_outside_the_pack_is_refused_without_reading_it(tmp_path, path):
    (tmp_path / "secret.csv").write_text("site_id,name\nT1,机密 13912345678\n", encoding="utf-8")
    root = tmp_path / "pack"
    write_pack(root, {}, {"testing_sites": path.format(root=root)})
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(root))  # the dataset's fault: its loading raises
    [problem] = caught.value.problems
    assert (problem.dataset, problem.column, problem.expected) == (
        "testing_sites",
        "path",
        "a path inside the pack folder",
    )
    assert "机密" not in str(caught.value) and "13912345678" not in str(caught.value)


def test_a_symlink_leading_out_of_the_pack_is_refused(tmp_path):
    (tmp_path / "secret.csv").write_text("site_id,name\nT1,机密\n", encoding="utf-8")
    root = write_pack(tmp_path / "pack", {}, {"testing_sites": "sites.csv"})
    (root / "sites.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(root))  # the dataset's fault: its loading raises
    assert caught.value.problems[0].expected == "a path inside the pack folder"


# ---------------------------------------------------------------- masked samples (issue 12.1)


def test_a_bad_cell_is_shown_short_and_a_personal_one_not_at_all(tmp_path):
    inspections = inspections_frame()
    inspections.loc[1, "staffing_ok"] = "很长的备注" * 40
    inspections.loc[2, "staffing_ok"] = "张伟 13912345678 " + "很长的备注" * 40
    write_pack(tmp_path, {"places.csv": places_frame(), "inspections.csv": inspections},
               {"places": "places.csv", "inspections": "inspections.csv"})  # fmt: skip
    long, personal = [p for p in validate_pack(open_pack(tmp_path)) if p.column == "staffing_ok"]
    assert long.found.startswith("很长的备注很长的备注") and len(long.found) == 40
    assert personal.found == HIDDEN_CELL  # the name beside the number is not shown either
    shown = format_problems([personal]) + str(personal)
    assert "13912345678" not in shown and "张伟" not in shown


# ---------------------------------------------------------------- validate never tracebacks


def _areas_pack(root: Path, areas, name="areas.geojson") -> Path:
    return write_pack(root, {name: areas}, {"areas": name})


def _swapped(areas):
    return areas.set_geometry(areas.geometry.map(lambda g: shapely.transform(g, lambda xy: xy[:, ::-1])))


def _bowtie(areas):
    areas = areas.copy()
    areas.loc[1, "geometry"] = shapely.Polygon(
        [(109.80, 40.60), (109.81, 40.61), (109.81, 40.60), (109.80, 40.61)]
    )
    return areas


def _without(root: Path, suffix: str) -> Path:
    (root / f"areas{suffix}").unlink()
    return root


def test_areas_id_column_still_in_chinese_is_a_missing_column(tmp_path):
    root = coverage_pack(tmp_path, areas=areas_frame().rename(columns={"area_id": "社区编码"}))
    problems = validate_pack(open_pack(root))
    assert [(p.dataset, p.column, p.expected) for p in problems if p.severity == "error"] == [
        ("areas", "area_id", "a column 'area_id'")
    ]
    assert "社区编码" in problems[0].found


@pytest.mark.parametrize("suffix", [".dbf", ".shx"])
def test_a_shapefile_without_its_sidecar_is_a_clear_error(tmp_path, suffix):
    root = _without(_areas_pack(tmp_path, areas_frame(), "areas.shp"), suffix)
    [problem] = validate_pack(root)
    assert problem.file == "areas.shp" and suffix in problem.expected and problem.found == f"no areas{suffix}"


def test_a_self_intersecting_polygon_is_repaired_with_a_warning_naming_the_row(tmp_path):
    root = coverage_pack(tmp_path, areas=_bowtie(areas_frame()))
    data = load_datasets(open_pack(root))
    [warning] = [p for p in data.warnings if p.column == "geometry"]
    assert (warning.severity, warning.row) == ("warning", 2) and "Self-intersection" in warning.found
    assert data.areas.geometry.is_valid.all()
    assert list(data.sampling.preview()["area_id"]) == ["007", "007", "008"]  # placement still works


def test_polygons_with_swapped_axes_are_refused_like_points(tmp_path):
    problems = validate_pack(open_pack(_areas_pack(tmp_path, _swapped(areas_frame()))))
    assert [(p.row, p.column) for p in problems] == [(1, "geometry"), (2, "geometry"), (3, "geometry")]
    assert "swapped" in problems[0].expected and problems[0].found.startswith("extent 40.6, 109.8")


@pytest.mark.parametrize("name,content", [
    ("areas.geojson", b"\x00\x01 not json {"),
    ("areas.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature"}]}'),
    ("areas.xlsx", b"PK\x03\x04 broken zip"),
    ("areas.parquet", b"PAR1 nonsense"),
    ("areas.csv", bytes(range(256)) * 4),
    ("areas.csv", b"area_id,name\n\"unclosed,x\n"),
    ("areas.csv", b""),
    ("areas.gpkg", b"SQLite format 3\x00garbage"),
])  # fmt: skip
def test_garbage_files_end_as_problems_never_a_traceback(tmp_path, name, content):
    root = _areas_pack(tmp_path, content, name)
    problems = validate_pack(root)
    assert problems and all(p.dataset == "areas" and p.file == name for p in problems)
    assert "reports it cannot run:" in format_problems(problems)


def test_an_xlsx_problem_names_the_sheet_and_cell(tmp_path):
    rows = [list(inspections_frame().columns), *inspections_frame().astype(object).where(
        inspections_frame().notna(), None).values.tolist()]  # fmt: skip
    rows[2][4] = "maybe"  # staffing_ok of the second visit
    titled_workbook(tmp_path / "督查.xlsx", rows)
    entry = {"path": "督查.xlsx", "sheet": "督查记录"}
    write_pack(tmp_path, {"places.csv": places_frame()}, {"places": "places.csv", "inspections": entry})
    [problem] = [p for p in validate_pack(open_pack(tmp_path)) if p.column == "staffing_ok"]
    # title line 1, blank line 2, header line 3, the second visit on line 5; staffing_ok in column E
    assert (problem.file, problem.row, problem.cell, problem.found) == (
        "督查.xlsx",
        5,
        "督查记录!E5",
        "maybe",
    )
    assert "督查记录!E5" in str(problem) and "督查记录!E5" in format_problems([problem])


def test_a_feed_with_a_header_only_is_a_no_rows_warning(tmp_path):
    root = coverage_pack(tmp_path)
    (root / "zones.csv").write_text("date,area_id,zone\n", encoding="utf-8")
    catalog = yaml.safe_load((root / "catalog.yaml").read_text("utf-8"))
    catalog["datasets"]["zones"] = "zones.csv"
    (root / "catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    data = load_datasets(open_pack(root), ["zones"])
    assert len(data.zones) == 0
    [warning] = [p for p in data.warnings if p.dataset == "zones"]
    assert (warning.severity, warning.found) == ("warning", "no rows: the file has a header only")


# ---------------------------------------------------------------- dates, times, normalisation


@pytest.mark.parametrize("text,expected", [
    ("44835", "2022-10-01 00:00:00"),
    ("44835.5", "2022-10-01 12:00:00"),
    ("44843.336805555555", "2022-10-09 08:05:00"),
    ("2022年10月9日", "2022-10-09 00:00:00"),
    ("2022年10月9日 8时5分", "2022-10-09 08:05:00"),
    ("2022年10月9日8时", "2022-10-09 08:00:00"),
    ("2022年10月9日 8时5分30秒", "2022-10-09 08:05:30"),
    ("2022/10/9 8:05", "2022-10-09 08:05:00"),
    ("2022-10-09T08:05:00+00:00", "2022-10-09 16:05:00"),
])  # fmt: skip
def test_department_spellings_of_dates_and_times(text, expected):
    stamps, bad = parse_timestamps(pd.Series([text, "2022-10-09 07:00"]))
    assert str(stamps[0]) == expected and not bad.any()


def test_a_time_alone_and_numbers_beyond_excel_serials_are_not_dates():
    stamps, bad = parse_timestamps(pd.Series(["8时5分", "12", "100000", "2022-10-09"]))
    assert bad.tolist() == [True, True, True, False]


def test_identifiers_and_numbers_are_normalised_with_a_warning_count(tmp_path):
    sites = (
        "site_id,name,kind,lon,lat,capacity_per_hour\n"
        "T０1,一号点,ｆｉｘｅｄ,109.805,40.605,１２０\nT 02 ,二号点,mobile,109.815,40.605,80\n"
    )
    write_pack(tmp_path, {"sites.csv": sites}, {"testing_sites": "sites.csv"})
    data = load_datasets(open_pack(tmp_path), ["testing_sites"])
    frame = data.testing_sites
    assert list(frame["site_id"]) == ["T01", "T02"] and list(frame["kind"]) == ["fixed", "mobile"]
    assert list(frame["capacity_per_hour"]) == [120, 80]
    counts = {p.column: p.found.split()[0] for p in data.warnings if "normalised" in p.found}
    assert counts == {"site_id": "2", "kind": "1", "capacity_per_hour": "1"}
    examples = {p.column: p.found for p in data.warnings if "normalised" in p.found}
    assert examples["site_id"] == '2 value(s) normalised, e.g. "T０1" read as "T01"'  # the pack's own value
    assert examples["kind"] == '1 value(s) normalised, e.g. "ｆｉｘｅｄ" read as "fixed"'
    assert frame["name"].tolist() == ["一号点", "二号点"]  # free text is left as written


def _rounds_pack(root: Path, rounds_csv: str, sampled: list[str]) -> Path:
    sampling = sampling_frame().assign(sampled_at=sampled)
    root = coverage_pack(root, sampling=sampling)
    (root / "rounds.csv").write_text("round_id,name,start,end\n" + rounds_csv, encoding="utf-8")
    catalog = yaml.safe_load((root / "catalog.yaml").read_text("utf-8"))
    catalog["datasets"]["rounds"] = "rounds.csv"
    (root / "catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    return root


def test_a_round_given_as_dates_ends_at_the_end_of_its_last_day(tmp_path):
    root = _rounds_pack(
        tmp_path, "R1,第一轮,2022-10-08,2022-10-08\n", ["2022-10-08", "2022-10-08", "2022-10-08"]
    )
    data = load_datasets(open_pack(root))
    [end] = data.rounds["end"]
    assert end == pd.Timestamp("2022-10-08 23:59:59.999999")
    assert data.rounds["start"][0] == pd.Timestamp("2022-10-08 00:00")
    result = coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds,
                                       empty_frame("zones"), pd.Timestamp("2022-10-09"))  # fmt: skip
    # p001, p002 in 007 and p003 in 008: 3 persons of 3,000 in the street, not 0
    assert coverage.coverage_figures(result)["district"]["tested"] == 3


def test_a_round_end_with_a_time_keeps_it(tmp_path):
    root = _rounds_pack(tmp_path, "R1,第一轮,2022-10-08 07:00,2022年10月8日 18时\n", ["2022-10-08 08:00"] * 3)
    assert load_datasets(open_pack(root)).rounds["end"][0] == pd.Timestamp("2022-10-08 18:00")


def test_an_xlsx_round_ending_at_midnight_in_a_date_time_cell_stays_midnight(tmp_path):
    """Excel stores 2022-10-09 00:00 and the date 2022-10-09 alike: the cell's format tells them apart."""
    import datetime as dt

    root = _rounds_pack(tmp_path, "R1,x,2022-10-08,2022-10-08\n", ["2022-10-08 08:00"] * 3)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["round_id", "name", "start", "end"])
    ws.append(["R1", "第一轮", dt.datetime(2022, 10, 8, 7, 0), dt.datetime(2022, 10, 9, 0, 0)])
    ws.append(["R2", "第二轮", dt.datetime(2022, 10, 10), dt.datetime(2022, 10, 10)])
    for cell in ("C2", "D2"):
        ws[cell].number_format = "yyyy-mm-dd hh:mm"
    for cell in ("C3", "D3"):
        ws[cell].number_format = "yyyy-mm-dd"
    book.save(root / "rounds.xlsx")
    catalog = yaml.safe_load((root / "catalog.yaml").read_text("utf-8"))
    catalog["datasets"]["rounds"] = "rounds.xlsx"
    (root / "catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    rounds = load_datasets(open_pack(root), ["rounds"]).rounds.set_index("round_id")
    assert rounds.loc["R1", "end"] == pd.Timestamp("2022-10-09 00:00")
    assert rounds.loc["R2", "start"] == pd.Timestamp("2022-10-10 00:00")
    assert rounds.loc["R2", "end"] == pd.Timestamp("2022-10-10 23:59:59.999999")


def test_date_only_samples_before_a_round_starting_that_morning_are_dated_at_its_start(tmp_path):
    sampled = ["2022-10-08", "2022-10-08", "2022-10-07"]
    root = _rounds_pack(tmp_path, "R1,第一轮,2022-10-08 07:00,2022-10-08 18:00\n", sampled)
    data = load_datasets(open_pack(root))
    stamps = [str(t) for t in data.sampling.preview()["sampled_at"]]
    assert stamps == ["2022-10-08 07:00:00", "2022-10-08 07:00:00", "2022-10-07 00:00:00"]
    [warning] = [p for p in data.warnings if p.column == "sampled_at"]
    assert warning.severity == "warning" and warning.found.startswith("2 rows at 00:00 (a date alone)")


# ---------------------------------------------------------------- totals, rows set aside


def test_total_and_subtotal_rows_are_set_aside_with_a_count(tmp_path):
    rows = [
        ["date", "checkpoint_id", "vehicles", "people", "from_risk_areas", "landing_tests"],
        ["2022-10-08", "K1", 1, 2, 0, 0],
        ["小计", None, 1, 2, 0, 0],
        ["2022-10-08", "K2", 5, 6, 1, 1],
        ["合 计：", None, 6, 8, 1, 1],
    ]
    titled_workbook(tmp_path / "daily.xlsx", rows, title="卡口日报", sheet="日报")
    write_pack(tmp_path, {"checkpoints.csv": CHECKPOINTS},
               {"checkpoints": "checkpoints.csv", "checkpoint_daily": "daily.xlsx"})  # fmt: skip
    data = load_datasets(open_pack(tmp_path))
    assert list(data.checkpoint_daily["vehicles"]) == [1, 5]  # 1 + 5, not 1 + 1 + 5 + 6
    [warning] = [p for p in data.warnings if "total" in p.found]
    assert (warning.severity, warning.file) == ("warning", "daily.xlsx")
    assert warning.found == "2 total/subtotal row(s) set aside (line 5, 7)"


def test_one_bad_count_sets_its_row_aside_and_the_rest_is_used(tmp_path):
    daily_pack(
        tmp_path, {"a.csv": "2022-10-08,K1,1,2,0,0\n2022-10-08,K2,many,2,0,0\n2022-10-09,K1,4,4,0,0\n"}
    )
    data = load_datasets(open_pack(tmp_path))
    assert list(data.checkpoint_daily["vehicles"]) == [1, 4]
    [warning] = [p for p in data.warnings if p.column == "vehicles"]
    assert (warning.file, warning.row, warning.found) == ("checkpoint_daily/a.csv", 3, "many")
    assert warning.severity == "warning" and "set aside" in warning.expected


def test_a_bad_row_of_a_reference_dataset_stops_it(tmp_path):
    (tmp_path / "checkpoints.csv").write_text(CHECKPOINTS + "K3,三号卡口,east,40.6\n", encoding="utf-8")
    write_pack(tmp_path, {}, {"checkpoints": "checkpoints.csv"})
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(tmp_path))
    [problem] = caught.value.problems
    assert (problem.severity, problem.row, problem.column) == ("error", 4, "lon")


# ---------------------------------------------------------------- shapefile encodings


def _gbk_shapefile(root: Path, cpg: str | None) -> Path:
    areas = areas_frame().assign(name=["滨河街道", "阿尔丁社区", "友谊社区"])
    areas.to_file(root / "areas.shp", driver="ESRI Shapefile", engine="pyogrio", encoding="GBK")
    (root / "areas.cpg").unlink(missing_ok=True)
    if cpg is not None:
        (root / "areas.cpg").write_text(cpg, encoding="ascii")
    return root


@pytest.mark.parametrize("cpg,entry", [
    (None, "areas.shp"),  # detected
    ("GBK", "areas.shp"),  # from the .cpg
    (None, {"path": "areas.shp", "encoding": "gbk"}),  # from the catalog
])  # fmt: skip
def test_a_gbk_shapefile_reads_without_mojibake(tmp_path, cpg, entry):
    write_pack(_gbk_shapefile(tmp_path, cpg), {}, {"areas": entry})
    frame = read_raw(open_pack(tmp_path), "areas")
    assert list(frame["name"]) == ["滨河街道", "阿尔丁社区", "友谊社区"]


# ---------------------------------------------------------------- units (issue 10.8)

ENTERPRISES = "enterprise_id,name,sector,lon,lat,employees,closed_loop\nE1,稀土一厂,稀土,109.8,40.6,120,是\n"
TARGETS = "year,enterprise_id,product,target,unit\n2022,E1,氧化镨钕,1000,t\n2022,E1,产值,5,亿元\n"


def test_a_production_unit_of_another_kind_than_its_target_is_reported_with_file_and_row(tmp_path):
    production = (
        "date,enterprise_id,product,quantity,unit\n"
        "2022-10-08,E1,氧化镨钕,3,t\n"
        "2022-10-08,E1,产值,2,万元\n"
        "2022-10-09,E1,氧化镨钕,4,万元\n"  # 万元 against a target in t: cannot be compared
        "2021-10-09,E1,氧化镨钕,4,万元\n"  # no target in 2021: counts towards nothing
    )
    files = {"enterprises.csv": ENTERPRISES, "targets.csv": TARGETS, "production.csv": production}
    names = {"enterprises": "enterprises.csv", "targets": "targets.csv", "production": "production.csv"}
    problems = validate_pack(open_pack(write_pack(tmp_path, files, names)))
    [problem] = [p for p in problems if p.severity == "error"]
    where = (problem.dataset, problem.file, problem.row, problem.column)
    assert where == ("production", "production.csv", 4, "unit")
    assert problem.found == "万元 (its target is in t)"


def test_blank_lines_above_and_inside_a_csv_keep_the_line_numbers_exact(tmp_path):
    lines = SITES_CSV.splitlines()
    boat = lines[2].replace("mobile", "boat")
    text = "测试点位表\n\n" + lines[0] + "\n" + lines[1] + "\n\n" + boat + "\n\n"
    sites_pack(tmp_path, {"sites.csv": text}, "sites.csv")
    problems = validate_pack(open_pack(tmp_path))
    [problem] = [p for p in problems if p.column == "kind"]
    # title 1, blank 2, header 3, T1 on 4, blank 5, T2 on 6
    assert (problem.row, problem.found) == (6, "boat")


def test_column_names_quoted_in_a_problem_are_masked(tmp_path):
    text = "site_id,张伟13912345678,kind,lon,lat,capacity_per_hour\nT1,一号点,fixed,109.805,40.605,120\n"
    sites_pack(tmp_path, {"sites.csv": text}, "sites.csv")
    [problem] = [p for p in validate_pack(open_pack(tmp_path)) if p.severity == "error"]
    assert problem.column == "name" and "13912345678" not in problem.found
    assert "[***][***]" in problem.found  # the name before the number too


def test_a_folder_dataset_skips_hidden_and_lock_files(tmp_path):
    daily_pack(tmp_path, {"a.csv": "2022-10-08,K1,1,2,0,0\n"}, "checkpoint_daily")
    (tmp_path / "checkpoint_daily" / "~$b.csv").write_bytes(b"\x00lock")
    (tmp_path / "checkpoint_daily" / ".c.csv").write_bytes(b"\x00hidden")
    assert open_pack(tmp_path).spec("checkpoint_daily").files == ("checkpoint_daily/a.csv",)
