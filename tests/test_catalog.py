"""Data packs: opening catalogs and reading files of every format, with clear problems."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from fixtures.packs import areas_frame, coverage_pack, sites_frame, write_pack

from workbench.errors import DataError, WorkbenchError
from workbench.intake.catalog import default_pack_dir, open_pack
from workbench.intake.loading import load_datasets, validate_pack
from workbench.intake.readers import read_raw


def problems_of(call, *args) -> list:
    with pytest.raises(DataError) as caught:
        call(*args)
    return caught.value.problems


def single_file_pack(root: Path, name: str, frame, entry=None, **pack_keys) -> Path:
    """A pack of one dataset ``testing_sites`` stored as ``name``."""
    return write_pack(root, {name: frame}, {"testing_sites": entry or name}, **pack_keys)


def read_sites(root: Path, content, entry=None, name: str = "sites.csv") -> pd.DataFrame:
    """``read_raw`` of a one-dataset pack holding ``content`` (a frame or bytes)."""
    return read_raw(open_pack(single_file_pack(root, name, content, entry)), "testing_sites")


def read_problems(root: Path, content, entry=None, name: str = "sites.csv") -> list:
    """The problems ``read_sites`` raises."""
    return problems_of(read_sites, root, content, entry, name)


# ---------------------------------------------------------------- locating and opening


def test_default_pack_dir_is_repo_sample_from_any_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKBENCH_PACK", raising=False)
    monkeypatch.chdir(tmp_path)
    expected = Path(__file__).resolve().parents[1] / "data" / "sample"
    assert default_pack_dir() == expected


def test_default_pack_dir_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_PACK", str(tmp_path))
    assert default_pack_dir() == tmp_path


def test_open_pack_reads_pack_keys_and_defaults(tmp_path):
    pack = open_pack(coverage_pack(tmp_path))
    assert pack.name == "test pack"
    assert pack.timezone == "Asia/Shanghai"
    assert pack.datum == "wgs84"
    assert str(pack.report_date) == "2022-10-09"
    assert pack.has("sampling") and not pack.has("zones")
    assert pack.datasets["areas"].format == "geojson"
    assert open_pack(tmp_path / "catalog.yaml").root == pack.root


def test_missing_folder_and_catalog_are_clear(tmp_path):
    [problem] = problems_of(open_pack, tmp_path / "nowhere")
    assert "nowhere" in problem.found
    [problem] = problems_of(open_pack, tmp_path)
    assert problem.file == "catalog.yaml" and "catalog.yaml" in problem.expected


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "catalog.yaml").write_text("name: x\ndatasets: [unclosed\n", encoding="utf-8")
    [problem] = problems_of(open_pack, tmp_path)
    assert problem.expected == "valid YAML" and problem.row is not None


def test_missing_dataset_file_is_named(tmp_path):
    write_pack(tmp_path, {}, {"areas": "areas.geojson", "sampling": "采样.csv"})
    pack = open_pack(tmp_path)  # a dataset's fault is that dataset's: the pack opens
    assert pack.has("areas") and pack.has("sampling") and pack.listed == ["areas", "sampling"]
    problems = problems_of(load_datasets, pack)
    assert {p.file for p in problems} == {"areas.geojson", "采样.csv"}
    assert all(p.expected == "an existing file" and p.severity == "error" for p in problems)
    assert problems_of(pack.spec, "sampling") == list(pack.unusable["sampling"])


def test_a_missing_file_stops_only_what_needs_it(tmp_path):
    coverage_pack(tmp_path)
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.csv",
                "checkpoint_daily": "卡口日报.xlsx"}
    write_pack(tmp_path, {}, datasets, report_date="2022-10-09")
    pack = open_pack(tmp_path)
    data = load_datasets(pack, ["areas", "sampling"])  # no error: checkpoint_daily is not asked for
    assert len(data.sampling) and not data.errors
    [problem] = [p for p in load_datasets(pack, strict=False).errors if p.dataset == "checkpoint_daily"]
    assert (problem.file, problem.found) == ("卡口日报.xlsx", "no file 卡口日报.xlsx")


@pytest.mark.parametrize("datum", ["mars", "EPSG:999999"])
def test_unknown_datum_is_a_problem(tmp_path, datum):
    coverage_pack(tmp_path)
    catalog = (tmp_path / "catalog.yaml").read_text(encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(f"datum: '{datum}'\n{catalog}", encoding="utf-8")
    [problem] = problems_of(open_pack, tmp_path)
    assert problem.column == "datum" and datum in problem.found


@pytest.mark.parametrize(("declared", "canonical"), [("EPSG:4490", "EPSG:4490"), (4490, "EPSG:4490"),
                                                      ("GCJ-02", "gcj02"), ("bd09", "bd09")])  # fmt: skip
def test_datums_are_normalised(tmp_path, declared, canonical):
    single_file_pack(tmp_path, "sites.csv", sites_frame(), {"path": "sites.csv", "datum": declared})
    assert open_pack(tmp_path).datum_of("testing_sites") == canonical


def test_unknown_dataset_key_and_bad_timezone_are_reported_together(tmp_path):
    entry = {"path": "sites.csv", "encodng": "gbk"}
    single_file_pack(tmp_path, "sites.csv", sites_frame(), entry, timezone="Mars/Olympus")
    problems = problems_of(open_pack, tmp_path)
    assert len(problems) == 2
    assert any("encodng" in p.found for p in problems)
    assert any("Mars/Olympus" in p.found for p in problems)


def test_fingerprint_is_short_stable_and_follows_content(tmp_path):
    coverage_pack(tmp_path)
    first = open_pack(tmp_path).fingerprint()
    assert len(first) == 16 and int(first, 16) >= 0
    assert open_pack(tmp_path).fingerprint() == first
    with open(tmp_path / "sampling.csv", "a", encoding="utf-8") as f:
        f.write("p004,008,T2,2022-10-05 11:00:00\n")
    assert open_pack(tmp_path).fingerprint() != first


def test_unknown_dataset_name_is_a_workbench_error(tmp_path):
    pack = open_pack(coverage_pack(tmp_path))
    with pytest.raises(WorkbenchError, match="zones"):
        read_raw(pack, "zones")


# ---------------------------------------------------------------- CSV


def test_utf8_bom_csv_keeps_leading_zeros(tmp_path):
    frame = pd.DataFrame({"site_id": ["007", "010"], "name": ["a", "b"]})
    data = frame.to_csv(index=False).encode("utf-8-sig")
    raw = read_sites(tmp_path, data)
    assert list(raw.columns) == ["site_id", "name"]
    assert raw["site_id"].tolist() == ["007", "010"]


def test_gb18030_csv_without_declared_encoding_is_detected(tmp_path):
    frame = pd.DataFrame({"采样点编码": ["007"], "名称": ["稀土高新区一号点"]})
    entry = {"path": "sites.csv", "columns": {"采样点编码": "site_id", "名称": "name"}}
    raw = read_sites(tmp_path, frame.to_csv(index=False).encode("gbk"), entry)
    assert raw.to_dict("records") == [{"site_id": "007", "name": "稀土高新区一号点"}]


def test_undecodable_csv_names_the_line(tmp_path):
    data = b"site_id,name\n007,ok\n008,\xff\xfe\xff\n"
    [problem] = read_problems(tmp_path, data)
    assert "line 3" in problem.found and problem.row == 3  # the line the analyst sees
    assert "GB18030" in problem.expected


def test_wrongly_declared_encoding_is_reported(tmp_path):
    data = "site_id,name\n007,一号点\n".encode("gbk")
    [problem] = read_problems(tmp_path, data, {"path": "sites.csv", "encoding": "utf-8"})
    assert "declared" in problem.expected and problem.row == 2  # line 2


def test_ragged_csv_names_the_line(tmp_path):
    data = b"site_id,name\n007,ok\n008,ok,extra\n"
    [problem] = read_problems(tmp_path, data)
    assert "line 3" in problem.found


def test_short_csv_rows_are_padded_for_validation(tmp_path):
    data = b"site_id,name\n007,ok\n008\n"
    raw = read_sites(tmp_path, data)
    assert raw["site_id"].tolist() == ["007", "008"] and raw["name"].isna().tolist() == [False, True]


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file_is_a_problem(tmp_path, content):
    [problem] = read_problems(tmp_path, content)
    assert problem.found == "file is empty" and problem.file == "sites.csv"


def test_duplicate_columns_after_rename_are_refused(tmp_path):
    frame = pd.DataFrame({"编码": ["1"], "site_id": ["2"]})
    entry = {"path": "sites.csv", "columns": {"编码": "site_id"}}
    [problem] = read_problems(tmp_path, frame, entry)
    assert problem.found == "site_id"


# ---------------------------------------------------------------- other formats


def test_xlsx_sheet_is_read_as_text(tmp_path):
    path = tmp_path / "sites.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"x": [1]}).to_excel(book, sheet_name="说明", index=False)
        sites_frame().assign(site_id=["007", "008"]).to_excel(book, sheet_name="采样点", index=False)
    write_pack(tmp_path, {}, {"testing_sites": {"path": "sites.xlsx", "sheet": "采样点"}})
    raw = read_raw(open_pack(tmp_path), "testing_sites")
    assert raw["site_id"].tolist() == ["007", "008"]
    assert raw["capacity_per_hour"].tolist() == ["120", "80"]


def test_missing_xlsx_sheet_lists_the_sheets(tmp_path):
    sites_frame().to_excel(tmp_path / "sites.xlsx", sheet_name="Sheet1", index=False)
    write_pack(tmp_path, {}, {"testing_sites": {"path": "sites.xlsx", "sheet": "采样点"}})
    [problem] = problems_of(read_raw, open_pack(tmp_path), "testing_sites")
    assert "采样点" in problem.expected and "Sheet1" in problem.found


def test_parquet_keeps_types(tmp_path):
    raw = read_sites(tmp_path, sites_frame(), name="sites.parquet")
    assert raw["lon"].dtype == "float64" and raw["site_id"].tolist() == ["T1", "T2"]


@pytest.mark.parametrize("name", ["areas.geojson", "areas.gpkg"])
def test_geo_formats(tmp_path, name):
    write_pack(tmp_path, {name: areas_frame()}, {"areas": name})
    raw = read_raw(open_pack(tmp_path), "areas")
    assert isinstance(raw, gpd.GeoDataFrame)
    assert raw["area_id"].tolist() == ["S1", "007", "008"]
    assert raw.geometry.geom_type.tolist() == ["Polygon"] * 3


def test_shapefile_with_gbk_encoding_and_renames(tmp_path):
    frame = areas_frame().rename(columns={"area_id": "编码", "name": "名称"}).drop(columns="parent_id")
    frame.to_file(tmp_path / "areas.shp", engine="pyogrio", encoding="gbk")
    (tmp_path / "areas.cpg").unlink(missing_ok=True)
    entry = {"path": "areas.shp", "encoding": "gbk", "columns": {"编码": "area_id", "名称": "name"}}
    write_pack(tmp_path, {}, {"areas": entry})
    raw = read_raw(open_pack(tmp_path), "areas")
    assert raw["name"].tolist() == ["滨河街道", "社区007", "社区008"]
    assert raw["area_id"].tolist() == ["S1", "007", "008"]


def test_a_misspelt_dataset_key_is_a_warning_naming_the_one_meant(tmp_path):
    root = coverage_pack(tmp_path)
    write_pack(root, {"waste.csv": "collected_at,site_id,weight_kg,bags\n2022-10-09 08:00,T1,3,2\n"},
               {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.csv",
                "medical_wastes": "waste.csv", "hospitals": "waste.csv"})  # fmt: skip
    problems = validate_pack(open_pack(root))
    found = {(p.dataset, p.severity, p.found) for p in problems if p.file == "catalog.yaml"}
    assert found == {
        ("medical_wastes", "warning", "no report reads it: did you mean medical_waste?"),
        ("hospitals", "warning", "no report reads it"),  # a department's own dataset: kept, said
    }


# ---------------------------------------------------------------- the pack's name per language


def named_pack(root: Path, **names) -> Path:
    """:func:`coverage_pack` with pack-level name keys (``name``, ``name_en``...) added to its catalog."""
    import yaml

    pack = coverage_pack(root)
    catalog = yaml.safe_load((pack / "catalog.yaml").read_text(encoding="utf-8")) | names
    (pack / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    return pack


def test_the_pages_of_each_language_show_the_packs_name_in_it(tmp_path):
    from workbench.present.display import meta_block, title_block

    pack = open_pack(named_pack(tmp_path, name="稀土高新区", name_en="Rare Earth High-tech Zone"))
    assert pack.name == "稀土高新区" and pack.names == {"en": "Rare Earth High-tech Zone"}
    assert pack.display_name("zh") == "稀土高新区"
    assert pack.display_name("en") == "Rare Earth High-tech Zone"
    english = title_block("testing_coverage", pack, "District", "2022-10-09", "en").data
    chinese = title_block("testing_coverage", pack, "全区", "2022-10-09", "zh").data
    assert "Rare Earth High-tech Zone" in english and "稀土高新区" not in english
    assert "稀土高新区" in chinese and "Rare Earth" not in chinese
    assert "Rare Earth High-tech Zone" in meta_block(pack, "District", "2022-10-09", "en").data


def test_a_pack_without_names_per_language_shows_its_name_everywhere(tmp_path):
    pack = open_pack(coverage_pack(tmp_path))
    assert pack.names == {} and pack.display_name("en") == pack.display_name("zh") == "test pack"


@pytest.mark.parametrize("value", ["", {"zh": "x"}, ["x"]])
def test_a_name_per_language_must_be_text(tmp_path, value):
    problems = problems_of(open_pack, named_pack(tmp_path, name_en=value))
    assert [(p.file, p.column) for p in problems] == [("catalog.yaml", "name_en")]
    assert "as text" in problems[0].expected
