"""Parsing, validation, references, datum conversion and area placement of loaded packs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures.packs import (
    areas_frame,
    coverage_pack,
    inspections_frame,
    places_frame,
    sampling_frame,
    sites_frame,
    write_pack,
)

from workbench.errors import DataError
from workbench.intake import geo
from workbench.intake.catalog import open_pack
from workbench.intake.contract import REQUIRED_COLUMNS, SCHEMAS
from workbench.intake.loading import Datasets, format_problems, load_datasets, validate_pack
from workbench.intake.parsing import (
    parse_booleans,
    parse_dates,
    parse_numbers,
    parse_strings,
    parse_timestamps,
)
from workbench.intake.problems import MAX_ROWS_PER_CHECK
from workbench.intake.setaside import SET_ASIDE

SAMPLE_PACK = Path(__file__).resolve().parents[1] / "data" / "sample"


def load_problems(root: Path, names=None) -> list:
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(root), names)
    return caught.value.problems


def errors_in(problems, column) -> list:
    return [p for p in problems if p.column == column and p.severity == "error"]


def inspections_pack(root: Path, inspections: pd.DataFrame) -> Path:
    files = {"places.csv": places_frame(), "inspections.csv": inspections}
    return write_pack(root, files, {"places": "places.csv", "inspections": "inspections.csv"})


# ---------------------------------------------------------------- parsing, step by step


def test_parse_booleans_accepts_the_usual_spellings():
    values = pd.Series(["是", "否", "true", "FALSE", "1", "0", "Y", "n", "Yes", "no", None, " "], dtype="str")
    parsed, bad = parse_booleans(values)
    assert parsed.tolist()[:10] == [True, False] * 5
    assert parsed[10:].isna().all() and not bad.any()
    assert str(parsed.dtype) == "boolean"


def test_parse_booleans_flags_the_rest():
    parsed, bad = parse_booleans(pd.Series(["是", "maybe", "2"], dtype="str"))
    assert bad.tolist() == [False, True, True]
    assert parsed[1:].isna().all()


def test_parse_numbers_with_thousands_separators_and_bad_values():
    numbers, bad = parse_numbers(pd.Series(["1,234", " 12 ", "x", None, "2.5", "1,2"], dtype="str"))
    assert numbers[:2].tolist() == [1234.0, 12.0] and numbers[4] == 2.5
    assert bad.tolist() == [False, False, True, False, False, True]
    whole, bad = parse_numbers(pd.Series(["3", "2.5"], dtype="str"), integer=True)
    assert str(whole.dtype) == "Int64" and whole[0] == 3 and bad.tolist() == [False, True]


def test_parse_timestamps_converts_offsets_to_local_naive_time():
    values = pd.Series(["2022-10-09 08:00", "2022-10-09T00:00:00Z", "2022-10-09T08:00:00+08:00",
                        "2022/10/9 8:00", "2022年10月9日 08:00", "later", None], dtype="str")  # fmt: skip
    stamps, bad = parse_timestamps(values, "Asia/Shanghai")
    assert stamps.dtype == "datetime64[ns]"
    assert (stamps[:5] == pd.Timestamp("2022-10-09 08:00")).all()
    assert bad.tolist() == [False] * 5 + [True, False]


def test_a_date_alone_beside_stamps_with_offsets_stays_local_midnight():
    """``-08`` ending ``2022-10-08`` is its day, not an offset: the date alone is 00:00 local
    (and known as a date alone), not 00:00 UTC read as 08:00."""
    from workbench.intake.stamps import date_only

    values = pd.Series(["2022-10-08", "2022-10-08T01:00:00Z", "2022-10-08 09:00", "20221008T0100Z",
                        "2022-10-08T01:00:00.5-01:00"], dtype="str")
    stamps, bad = parse_timestamps(values, "Asia/Shanghai")
    assert stamps.tolist() == [pd.Timestamp("2022-10-08 00:00"), *[pd.Timestamp("2022-10-08 09:00")] * 3,
                               pd.Timestamp("2022-10-08 10:00:00.5")]
    assert not bad.any() and date_only(values, stamps).tolist() == [True, False, False, False, False]


def test_parse_timestamps_of_tz_aware_columns():
    aware = pd.Series(pd.to_datetime(["2022-10-09 00:00"]).tz_localize("UTC"))
    stamps, _ = parse_timestamps(aware, "Asia/Shanghai")
    assert stamps[0] == pd.Timestamp("2022-10-09 08:00") and stamps.dt.tz is None


def test_parse_dates_are_midnight():
    dates, bad = parse_dates(pd.Series(["2022-10-09 17:45", "2022-10-10"], dtype="str"))
    assert dates.tolist() == [pd.Timestamp("2022-10-09"), pd.Timestamp("2022-10-10")]
    assert not bad.any()


def test_parse_strings_keeps_codes():
    assert parse_strings(pd.Series(["007", " 008 ", ""], dtype="str")).tolist()[:2] == ["007", "008"]
    assert parse_strings(pd.Series([7.0, np.nan])).tolist()[0] == "7"


def test_every_dataset_of_the_contract_has_a_schema():
    core = {"areas", "zones", "testing_sites", "rounds", "sampling", "checkpoints", "checkpoint_daily",
            "places", "inspections", "enterprises", "production", "targets"}  # fmt: skip
    assert core | {"enterprise_checks", "admin_boundaries"} <= set(SCHEMAS)
    assert REQUIRED_COLUMNS["sampling"] == ("person_key", "area_id", "site_id", "sampled_at")


# ---------------------------------------------------------------- a valid pack


def test_valid_pack_loads_with_contract_types(tmp_path):
    data = load_datasets(open_pack(coverage_pack(tmp_path)))
    assert isinstance(data, Datasets) and set(data) == {"areas", "testing_sites", "sampling"}
    assert data.sampling is data["sampling"]
    assert pd.api.types.is_datetime64_dtype(data.sampling.preview()["sampled_at"])
    assert data.areas.crs.to_epsg() == 4326
    assert data.areas["area_id"].tolist() == ["S1", "007", "008"]
    assert str(data.areas["population"].dtype) == "Int64"
    assert data.testing_sites["area_id"].tolist() == ["007", "008"]  # placed by coordinates
    assert data.warnings == []
    with pytest.raises(AttributeError, match="zones"):
        _ = data.zones


def test_only_requested_datasets_and_their_references_are_loaded(tmp_path):
    inspections_pack(tmp_path, inspections_frame())
    data = load_datasets(open_pack(tmp_path), ["places"])
    assert set(data) == {"places"}
    data = load_datasets(open_pack(tmp_path), ["inspections"])
    assert set(data) == {"places", "inspections"}


def test_boolean_variants_and_empty_optional_columns(tmp_path):
    data = load_datasets(open_pack(inspections_pack(tmp_path, inspections_frame())))
    inspections = data.inspections
    assert inspections["staffing_ok"].tolist() == [True, False]
    assert inspections["disinfection_log_ok"].tolist() == [True, False]
    assert inspections["registration_log_ok"].tolist() == [True, False]
    assert inspections["rectified_on"].isna().tolist() == [True, False]


def test_tz_aware_parquet_timestamps_become_local(tmp_path):
    sampling = sampling_frame()
    sampling["sampled_at"] = pd.to_datetime(sampling["sampled_at"]).dt.tz_localize("Asia/Shanghai")
    sampling["sampled_at"] = sampling["sampled_at"].dt.tz_convert("UTC")
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), "sampling.parquet": sampling}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.parquet"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)), ["sampling"])
    assert data.sampling.preview()["sampled_at"].tolist()[0] == pd.Timestamp("2022-10-04 08:00")


def test_chinese_headers_are_renamed_from_a_gb18030_file(tmp_path):
    headers = {"person_key": "人员编号", "area_id": "社区编码"}
    headers |= {"site_id": "采样点编码", "sampled_at": "采样时间"}
    sampling = sampling_frame().rename(columns=headers)
    coverage_pack(tmp_path)
    (tmp_path / "sampling.csv").write_bytes(sampling.to_csv(index=False).encode("gb18030"))
    catalog = (
        (tmp_path / "catalog.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "sampling: sampling.csv",
            "sampling: {path: sampling.csv, columns: {人员编号: person_key, 社区编码: area_id, "
            "采样点编码: site_id, 采样时间: sampled_at}}",
        )
    )
    (tmp_path / "catalog.yaml").write_text(catalog, encoding="utf-8")
    data = load_datasets(open_pack(tmp_path), ["sampling"])
    assert data.sampling.preview()["area_id"].tolist() == ["007", "007", "008"]


# ---------------------------------------------------------------- problems


def test_missing_column_names_file_and_column(tmp_path):
    problems = load_problems(coverage_pack(tmp_path, sampling=sampling_frame().drop(columns="site_id")))
    [problem] = errors_in(problems, "site_id")
    assert problem.file == "sampling.csv" and problem.row is None
    assert "person_key" in problem.found


def test_missing_renamed_column_quotes_the_catalog(tmp_path):
    frame = sites_frame().rename(columns={"name": "名字"})
    files = {"sites.csv": frame}
    write_pack(tmp_path, files, {"testing_sites": {"path": "sites.csv", "columns": {"名称": "name"}}})
    [problem] = errors_in(load_problems(tmp_path), "name")
    assert "名称" in problem.expected


def test_non_numeric_population_names_row_column_and_value(tmp_path):
    areas = areas_frame()
    areas["population"] = ["3000", "many", "1500"]
    [problem] = errors_in(load_problems(coverage_pack(tmp_path, areas=areas)), "population")
    assert (problem.file, problem.row, problem.found) == ("areas.geojson", 2, "many")
    assert problem.expected == "a whole number (below 10^12)"


def test_duplicate_area_id_reports_both_rows(tmp_path):
    areas = areas_frame()
    areas.loc[2, "area_id"] = "007"
    problems = errors_in(load_problems(coverage_pack(tmp_path, areas=areas)), "area_id")
    duplicates = [p for p in problems if p.file == "areas.geojson"]
    assert [p.row for p in duplicates] == [2, 3] and "unique" in duplicates[0].expected


def warnings_in(data, column) -> list:
    return [p for p in data.warnings if p.column == column and p.severity == "warning"]


def test_sample_for_an_unknown_area_is_set_aside_and_reported(tmp_path):
    sampling = sampling_frame()
    sampling.loc[2, "area_id"] = "999"
    data = load_datasets(open_pack(coverage_pack(tmp_path, sampling=sampling)))
    [problem] = warnings_in(data, "area_id")
    assert (problem.file, problem.row, problem.found) == ("sampling.csv", 4, "999")  # data row 3: line 4
    assert "areas.geojson" in problem.expected and "set aside" in problem.expected
    assert list(data.sampling.preview()["person_key"]) == ["p001", "p002"]


def test_sample_in_a_street_is_set_aside_and_reported(tmp_path):
    sampling = sampling_frame()
    sampling.loc[0, "area_id"] = "S1"
    data = load_datasets(open_pack(coverage_pack(tmp_path, sampling=sampling)))
    [problem] = warnings_in(data, "area_id")
    assert (problem.row, problem.found) == (2, "S1") and "level community" in problem.expected
    assert list(data.sampling.preview()["person_key"]) == ["p002", "p003"]


def test_unknown_areas_in_every_sample_are_an_error(tmp_path):
    sampling = sampling_frame().assign(area_id="999")
    problems = errors_in(load_problems(coverage_pack(tmp_path, sampling=sampling)), "area_id")
    assert [p.row for p in problems] == [2, 3, 4] and "set aside" not in problems[0].expected


def test_unparseable_boolean_sets_the_visit_aside(tmp_path):
    inspections = inspections_frame()
    inspections.loc[0, "staffing_ok"] = "maybe"  # its other items are true: passed or failed, unknown
    data = load_datasets(open_pack(inspections_pack(tmp_path, inspections)))
    [problem] = warnings_in(data, "staffing_ok")
    assert (problem.row, problem.found) == (2, "maybe")  # the line, header on line 1
    assert problem.expected.endswith(SET_ASIDE)
    assert list(data.inspections["inspection_id"]) == ["I2"]


def test_an_unparseable_item_of_a_visit_failed_on_another_keeps_the_visit(tmp_path):
    from workbench.domains import inspections as domain
    from workbench.intake.validation import SETTLED_ELSEWHERE

    inspections = inspections_frame()
    inspections.loc[1, "staffing_ok"] = "基本到位"  # its disinfection log is 否: it failed either way
    data = load_datasets(open_pack(inspections_pack(tmp_path, inspections)))
    [problem] = warnings_in(data, "staffing_ok")
    assert (problem.row, problem.found, problem.severity) == (3, "基本到位", "warning")
    assert problem.expected.endswith(SETTLED_ELSEWHERE)
    assert list(data.inspections["inspection_id"]) == ["I1", "I2"]
    assert pd.isna(data.inspections.loc[1, "staffing_ok"])
    assert domain.classify_visits(data.inspections, "2022-10-09")["failed"].tolist() == [False, True]


def test_all_problems_are_reported_together(tmp_path):
    areas, sites = areas_frame(), sites_frame()
    areas.loc[0, "level"] = "district"
    sites["lat"] = ["40.605", "north"]
    problems = load_problems(coverage_pack(tmp_path, areas=areas, testing_sites=sites))
    assert {(p.file, p.column) for p in problems} >= {("areas.geojson", "level"), ("sites.csv", "lat")}


def test_problems_per_check_are_capped_with_an_exact_count(tmp_path):
    n = MAX_ROWS_PER_CHECK + 15
    sampling = pd.DataFrame({"person_key": [f"p{i}" for i in range(n)], "area_id": "007",
                             "site_id": "T1", "sampled_at": "soon"})  # fmt: skip
    problems = errors_in(load_problems(coverage_pack(tmp_path, sampling=sampling)), "sampled_at")
    assert len(problems) == MAX_ROWS_PER_CHECK + 1
    assert problems[-1].found == "... and 15 more rows"


def test_community_parent_must_be_a_street(tmp_path):
    areas = areas_frame()
    areas.loc[2, "parent_id"] = "007"
    [problem] = errors_in(load_problems(coverage_pack(tmp_path, areas=areas)), "parent_id")
    assert (problem.row, problem.found) == (3, "007")


def test_round_start_after_end(tmp_path):
    rounds = pd.DataFrame({"round_id": ["R1"], "name": ["第一轮"], "start": ["2022-10-05 07:00"],
                           "end": ["2022-10-04 18:00"]})  # fmt: skip
    [problem] = load_problems(write_pack(tmp_path, {"rounds.csv": rounds}, {"rounds": "rounds.csv"}))
    assert problem.column == "start, end" and problem.row == 2


def test_validate_pack_never_raises_and_formats_a_table(tmp_path):
    sampling = sampling_frame()
    sampling.loc[0, "site_id"] = "T9"
    problems = validate_pack(open_pack(coverage_pack(tmp_path, sampling=sampling)))
    assert [(p.column, p.row, p.severity) for p in problems] == [("site_id", 2, "warning")]
    text = format_problems(problems)
    assert text.splitlines()[0].split() == [
        "severity",
        "dataset",
        "file",
        "row",
        "column",
        "expected",
        "found",
    ]
    assert "T9" in text and "\n0 error(s), 1 warning(s)\n" in text
    # validate ends with the reports this pack can run: sampling has an error, coverage cannot run
    assert "\n  testing_coverage: rounds is not in catalog.yaml\n" in text


def test_validate_pack_reports_catalog_problems_of_a_folder(tmp_path):
    [problem] = validate_pack(tmp_path)
    assert problem.file == "catalog.yaml" and "no such file" in format_problems([problem])


def test_not_strict_returns_errors_with_the_frames(tmp_path):
    sites = sites_frame()
    sites.loc[0, "capacity_per_hour"] = -5  # a reference dataset: an error, not set aside
    data = load_datasets(open_pack(coverage_pack(tmp_path, testing_sites=sites)), strict=False)
    assert len(data.testing_sites) == 2 and len(data.errors) == 1


# ---------------------------------------------------------------- coordinates and placement


def test_coordinates_are_converted_to_wgs84_from_the_declared_datum(tmp_path):
    coverage_pack(tmp_path)
    catalog = (tmp_path / "catalog.yaml").read_text(encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text("datum: gcj02\n" + catalog, encoding="utf-8")
    data = load_datasets(open_pack(tmp_path), ["testing_sites"])
    lon, lat = geo.to_wgs84(sites_frame()["lon"], sites_frame()["lat"], "gcj02")
    np.testing.assert_allclose(data.testing_sites["lon"], lon)
    np.testing.assert_allclose(data.testing_sites["lat"], lat)
    expected = geo.geometry_to_wgs84(areas_frame(), "gcj02").geometry
    assert data.areas.geometry.geom_equals_exact(expected, tolerance=1e-9).all()


def test_dataset_datum_overrides_the_pack(tmp_path):
    files = {"sites.csv": sites_frame()}
    write_pack(tmp_path, files, {"testing_sites": {"path": "sites.csv", "datum": "wgs84"}}, datum="bd09")
    data = load_datasets(open_pack(tmp_path))
    assert data.testing_sites["lon"].tolist() == sites_frame()["lon"].tolist()


def test_points_without_area_are_placed_with_a_warning(tmp_path):
    sites = sites_frame().assign(area_id=[None, "008"])
    sites.loc[1, ["lon", "lat"]] = [109.90, 40.70]  # outside every area, keeps its declared area
    data = load_datasets(open_pack(coverage_pack(tmp_path, testing_sites=sites)), ["testing_sites"])
    assert data.testing_sites["area_id"].tolist() == ["007", "008"]
    [warning] = data.warnings
    assert warning.severity == "warning" and warning.found.startswith("1 row without")


def test_samples_without_area_use_their_site_or_are_set_aside(tmp_path):
    sites = sites_frame()
    sites.loc[1, ["lon", "lat"]] = [109.90, 40.70]  # T2 lies in no area
    sampling = sampling_frame().assign(area_id=[None, "007", None])
    data = load_datasets(open_pack(coverage_pack(tmp_path, testing_sites=sites, sampling=sampling)))
    assert data.sampling.preview()["area_id"].tolist() == ["007", "007"]
    founds = [p.found for p in data.warnings if p.dataset == "sampling"]
    assert founds == ["1 row without area_id placed by their site's coordinates",
                      "1 row set aside: no area_id, and their site is unknown or in no area"]  # fmt: skip


# ---------------------------------------------------------------- the embedded sample pack


@pytest.mark.skipif(not (SAMPLE_PACK / "catalog.yaml").exists(), reason="data/sample not generated")
def test_sample_pack_has_no_errors():
    problems = validate_pack(open_pack(SAMPLE_PACK))
    assert [p for p in problems if p.severity == "error"] == [], format_problems(problems)
