"""Department templates: layout, dropdowns, catalog, and a filled template that runs like the sample.

The round trip (marked slow) fills the Chinese templates with the sample pack's rows, as a
department would (Chinese headers, 是/否, Chinese enum words; sampling as a CSV with the
template's headers), copies the geo files, validates the result and runs reports on it:
their figures must equal the same reports' figures on ``data/sample``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from workbench.cli import main as cli_main
from workbench.errors import WorkbenchError
from workbench.intake.catalog import open_pack
from workbench.intake.contract import SCHEMAS
from workbench.intake.loading import load_datasets, validate_pack
from workbench.intake.template_labels import LABELS, DatasetLabels, labels_of
from workbench.intake.templates import (
    allowed_values,
    catalog_text,
    spell_value,
    tabular_datasets,
    write_template,
    write_templates,
)
from workbench.paths import SAMPLE_PACK_DIR

GEO_DATASETS = ("areas", "admin_boundaries")


def rows_of(path: Path, sheet: str, first: int = 1, last: int | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return list(book[sheet].iter_rows(min_row=first, max_row=last, values_only=True))


def validations(path: Path, sheet: str) -> dict[str, str]:
    """Data validations of a sheet: cell range → list formula (or the type and bounds)."""
    found = {}
    for rule in openpyxl.load_workbook(path)[sheet].data_validations.dataValidation:
        found[str(rule.sqref)] = (
            rule.formula1 if rule.type == "list" else (rule.type, rule.operator, rule.formula1, rule.formula2)
        )
    return found


@pytest.fixture(scope="module")
def zh_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("templates_zh")
    write_templates(folder, "zh")
    return folder


# ---------------------------------------------------------------- files and layout


def test_one_xlsx_per_tabular_dataset_and_none_for_geometry(zh_folder):
    names = sorted(p.name for p in zh_folder.iterdir())
    expected = sorted([f"{name}.xlsx" for name in SCHEMAS if name not in GEO_DATASETS] + ["catalog.yaml"])
    assert names == expected
    assert len(tabular_datasets()) == len(SCHEMAS) - 2


def test_zones_layout_title_notes_headers_then_empty_data(zh_folder):
    path = zh_folder / "zones.xlsx"
    assert openpyxl.load_workbook(path).sheetnames == ["填报", "示例", "说明"]
    title, notes, headers, first_data = rows_of(path, "填报", 1, 4)
    assert title[0].startswith("风险区划：请从第4行起逐行填写")
    assert "“示例”页为填写示例，不会被读取" in title[0]
    assert notes == (
        "必填｜所属日期，如 2022-10-09",
        "必填｜街道或社区编码，与区划数据一致",
        "必填｜封控区、管控区或防范区",
    )
    assert headers == ("日期", "区划编码", "风险等级")
    assert first_data == (None, None, None)


def test_a_round_end_note_says_what_a_date_alone_means(zh_folder, tmp_path):
    zh_note = rows_of(zh_folder / "rounds.xlsx", "填报", 2, 2)[0][3]
    assert zh_note == "必填｜结束时间，不早于开始时间；只填日期视为当天结束"
    en_note = rows_of(write_template("rounds", tmp_path / "rounds.xlsx", "en"), "data", 2, 2)[0][3]
    assert en_note == "required: end, not before the start; a date alone means the end of that day"


def test_example_row_is_on_its_own_sheet_spelled_in_chinese(zh_folder):
    example = rows_of(zh_folder / "zones.xlsx", "示例", 4, 4)[0]
    assert example == (pd.Timestamp("2022-10-09").to_pydatetime(), "S01C004", "封控区")
    inspection = rows_of(zh_folder / "inspections.xlsx", "示例", 4, 4)[0]
    assert inspection[4:7] == ("是", "是", "否")


def test_about_sheet_lists_every_column_with_its_contract_name(zh_folder):
    about = rows_of(zh_folder / "inspections.xlsx", "说明")
    assert about[0] == ("表头", "字段名", "必填", "可选值与检查", "说明")
    assert about[1] == ("督查编号", "inspection_id", "是", "不重复", "每次督查的唯一编号")
    assert about[5] == ("人员配备", "staffing_ok", "是", "是, 否", "人员配备是否到位：是/否")
    assert about[8][:3] == ("问题", "finding", "否")
    assert [row[1] for row in about[1:]] == list(SCHEMAS["inspections"].columns)
    targets = rows_of(zh_folder / "targets.xlsx", "说明")
    assert [row[3] for row in targets[1:]] == ["2000 … 2100", None, None, "> 0", "吨, 万吨, 元, 万元, 亿元"]


def test_dropdowns_for_enumerations_booleans_and_units(zh_folder):
    assert validations(zh_folder / "zones.xlsx", "填报") == {"C4:C1048576": '"封控区,管控区,防范区"'}
    inspections = validations(zh_folder / "inspections.xlsx", "填报")
    assert [inspections[f"{c}4:{c}1048576"] for c in "EFG"] == ['"是,否"'] * 3
    production = validations(zh_folder / "production.xlsx", "填报")
    assert production["E4:E1048576"] == '"吨,万吨,元,万元,亿元"'
    assert production["D4:D1048576"] == ("decimal", "greaterThanOrEqual", "0", None)
    suppliers = validations(zh_folder / "suppliers.xlsx", "填报")
    assert suppliers["C4:C1048576"] == '"超市,农贸市场,商贸公司,电商平台,其他"'
    targets = validations(zh_folder / "targets.xlsx", "填报")
    assert targets["A4:A1048576"] == ("whole", "between", "2000", "2100")
    assert targets["D4:D1048576"] == ("decimal", "greaterThan", "0", None)


def test_identifiers_are_text_cells_and_dates_date_cells(zh_folder):
    sheet = openpyxl.load_workbook(zh_folder / "checkpoint_daily.xlsx")["填报"]
    assert sheet.column_dimensions["B"].number_format == "@"  # checkpoint_id: 007 keeps its zeros
    assert sheet.column_dimensions["A"].number_format == "yyyy-mm-dd"


def test_english_templates(tmp_path):
    path = write_template("zones", tmp_path / "zones.xlsx", "en")
    assert openpyxl.load_workbook(path).sheetnames == ["data", "example", "about"]
    assert rows_of(path, "data", 3, 3)[0] == ("date", "area code", "zone")
    assert validations(path, "data") == {"C4:C1048576": '"sealed,controlled,prevention"'}
    assert rows_of(path, "example", 4, 4)[0][2] == "sealed"
    inspections = write_template("inspections", tmp_path / "inspections.xlsx", "en")
    assert validations(inspections, "data")["E4:E1048576"] == '"yes,no"'


def test_values_spelled_for_departments():
    zone, level = SCHEMAS["zones"].columns["zone"], SCHEMAS["areas"].columns["level"]
    unit, flag = SCHEMAS["production"].columns["unit"], SCHEMAS["inspections"].columns["staffing_ok"]
    assert allowed_values(level, "zh") == ["街道", "社区"]
    site_kind, place_kind = SCHEMAS["testing_sites"].columns["kind"], SCHEMAS["places"].columns["kind"]
    assert allowed_values(site_kind, "zh") == ["固定点", "流动点", "入户", "卡口"]
    assert allowed_values(place_kind, "zh")[:3] == ["垃圾转运站", "公共卫生间", "公园"]
    assert [spell_value(v, zone, "zh") for v in ("sealed", "controlled", "prevention")] == [
        "封控区",
        "管控区",
        "防范区",
    ]
    assert spell_value("万吨", unit, "zh") == "万吨" and spell_value("t", unit, "zh") == "吨"
    assert spell_value("t", unit, "en") == "t"
    assert (
        spell_value(True, flag, "zh"),
        spell_value(False, flag, "zh"),
        spell_value(False, flag, "en"),
    ) == ("是", "否", "no")
    assert spell_value(pd.NA, flag, "zh") is None and spell_value(float("nan"), unit, "zh") is None


def test_catalog_maps_headers_to_the_contract(zh_folder):
    catalog = yaml.safe_load((zh_folder / "catalog.yaml").read_text("utf-8"))
    datasets = catalog["datasets"]
    assert "admin_boundaries" not in datasets  # optional context: commented out, with how to provide it
    assert datasets["areas"] == {"path": "areas.geojson"}
    assert datasets["zones"] == {
        "path": "zones.xlsx",
        "sheet": "填报",
        "header_row": 3,
        "columns": {"日期": "date", "区划编码": "area_id", "风险等级": "zone"},
    }
    for name in tabular_datasets():
        headers = rows_of(zh_folder / f"{name}.xlsx", "填报", 3, 3)[0]
        assert [datasets[name]["columns"][h] for h in headers] == list(SCHEMAS[name].columns)
    text = (zh_folder / "catalog.yaml").read_text("utf-8")
    assert "# admin_boundaries: {path: admin_boundaries.geojson}" in text
    assert "GeoJSON, a GeoPackage or a Shapefile" in text


def test_an_existing_template_is_never_overwritten(tmp_path):
    (tmp_path / "zones.xlsx").write_bytes(b"filled by a department")
    with pytest.raises(WorkbenchError, match="already holds zones.xlsx"):
        write_templates(tmp_path)
    assert (tmp_path / "zones.xlsx").read_bytes() == b"filled by a department"


def test_no_template_for_geometry_or_an_unknown_language(tmp_path):
    with pytest.raises(WorkbenchError, match="no XLSX template for 'areas'"):
        write_template("areas", tmp_path / "areas.xlsx")
    with pytest.raises(WorkbenchError, match="template language 'fr'"):
        catalog_text("fr")


def test_cli_template(tmp_path, capsys):
    assert cli_main(["template", "--out", str(tmp_path / "t"), "--lang", "en"]) == 0
    assert (tmp_path / "t" / "catalog.yaml").is_file()
    assert str(tmp_path / "t" / "zones.xlsx") in capsys.readouterr().out
    assert cli_main(["template", "--out", str(tmp_path / "t")]) == 2  # files exist: a clean error
    assert "already holds" in capsys.readouterr().err
    assert cli_main(["template", "--lang", "fr"]) == 2


def fill_zones(folder: Path, sheet: str, rows: list[tuple]) -> None:
    book = openpyxl.load_workbook(folder / "zones.xlsx")
    for row in rows:
        book[sheet].append(row)
    book.save(folder / "zones.xlsx")


@pytest.mark.parametrize(("lang", "sheet", "sealed", "controlled"), [("zh", "填报", "封控区", "管控区"),
                                                                     ("en", "data", "sealed", "Controlled")])
def test_a_filled_template_reads_from_row_4_with_the_catalog(tmp_path, lang, sheet, sealed, controlled):
    write_templates(tmp_path, lang)
    fill_zones(tmp_path, sheet, [(pd.Timestamp("2022-10-09").to_pydatetime(), "S01C004", sealed),
                                 ("2022-10-09", "S01C005", controlled)])
    shutil.copy(SAMPLE_PACK_DIR / "areas.geojson", tmp_path / "areas.geojson")
    catalog = yaml.safe_load((tmp_path / "catalog.yaml").read_text("utf-8"))
    zones_entry = catalog["datasets"]["zones"]
    catalog["datasets"] = {"areas": {"path": "areas.geojson", "datum": "gcj02"}, "zones": zones_entry}
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")
    zones = load_datasets(open_pack(tmp_path), ["zones"]).zones
    assert zones[["area_id", "zone"]].to_dict("list") == {"area_id": ["S01C004", "S01C005"],
                                                          "zone": ["sealed", "controlled"]}
    assert zones["date"].tolist() == [pd.Timestamp("2022-10-09")] * 2


# ---------------------------------------------------------------- the round trip


def fill_from_pack(folder: Path, data) -> None:
    """Fill the Chinese templates in ``folder`` with the frames of ``data``, as a department would.

    Every tabular dataset goes into its template's data sheet from row 4, spelled in Chinese
    (是/否, 封控区, 吨); sampling, too big for a sheet filled by hand, goes into a CSV with the
    template's headers; the geo files are copied; the catalog is pointed at them.
    """
    write_templates(folder, "zh")
    catalog = yaml.safe_load((folder / "catalog.yaml").read_text("utf-8"))
    for name in tabular_datasets():
        columns = SCHEMAS[name].columns
        rows = data[name].preview(10**7) if name == "sampling" else data[name]  # person-level: a view
        frame = rows.reindex(columns=list(columns))
        if name == "sampling":
            headers = {h: c for h, c in catalog["datasets"][name]["columns"].items()}
            out = frame.assign(sampled_at=frame["sampled_at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
            out.rename(columns={c: h for h, c in headers.items()}).to_csv(
                folder / "sampling.csv", index=False, encoding="utf-8-sig"
            )
            catalog["datasets"][name] = {"path": "sampling.csv", "columns": headers}
            continue
        book = openpyxl.load_workbook(folder / f"{name}.xlsx")
        sheet = book["填报"]
        for row in frame.itertuples(index=False):
            sheet.append(
                [
                    spell_value(value, column, "zh")
                    for value, column in zip(row, columns.values(), strict=True)
                ]
            )
        book.save(folder / f"{name}.xlsx")
    shutil.copy(SAMPLE_PACK_DIR / "areas.geojson", folder / "areas.geojson")
    shutil.copy(SAMPLE_PACK_DIR / "baotou_admin_gcj02.geojson", folder / "admin_boundaries.geojson")
    catalog["datasets"]["areas"] = {"path": "areas.geojson", "datum": "gcj02"}
    catalog["datasets"]["admin_boundaries"] = {"path": "admin_boundaries.geojson", "datum": "gcj02"}
    catalog["report_date"] = "2022-10-09"
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")


@pytest.fixture(scope="module")
def filled_pack(tmp_path_factory, sample_data) -> Path:
    folder = tmp_path_factory.mktemp("filled_templates")
    fill_from_pack(folder, sample_data)
    return folder


@pytest.mark.slow
def test_filled_templates_validate_without_errors(filled_pack, capsys, tmp_path):
    errors = [str(p) for p in validate_pack(open_pack(filled_pack)) if p.severity == "error"]
    assert errors == []
    assert cli_main(["validate", "--pack", str(filled_pack), "--reports", str(tmp_path)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


@pytest.mark.slow
def test_filled_templates_give_the_sample_figures(filled_pack, sample_batch, tmp_path):
    from workbench.runner.batch import run_batch

    schedule = SAMPLE_PACK_DIR.parents[1] / "parameters" / "daily.yaml"
    results = run_batch(
        schedule,
        pack=filled_pack,
        jobs=2,
        reports_dir=tmp_path / "reports",
        runs_dir=tmp_path / "runs",
        progress=False,
    )
    assert {r.stem: r.error for r in results if not r.ok} == {}
    sample_reports = sample_batch[0]
    compared = 0
    for result in results:
        ours = json.loads(result.json_path.read_text("utf-8"))
        (theirs_path,) = sample_reports.glob(f"*/{result.json_path.name}")
        theirs = json.loads(theirs_path.read_text("utf-8"))
        assert ours["figures"] and ours["figures"] == theirs["figures"], result.stem
        compared += 1
    coverage = json.loads((tmp_path / "reports" / "2022-10-09" / "testing_coverage.json").read_text("utf-8"))
    assert coverage["figures"]["district"]["tested"] == 242_677  # as tests/test_sample_reports.py pins it
    assert compared == len(results) == len(sample_batch[2])  # every report of the schedule


def test_every_dataset_and_column_of_the_contract_has_its_own_labels():
    for name, schema in SCHEMAS.items():
        assert list(LABELS[name].columns) == list(schema.columns), name
        headers = [LABELS[name].header(c, "zh") for c in schema.columns]
        assert len(set(headers)) == len(headers), f"{name}: two columns share a header"


def test_a_column_without_labels_still_gets_a_template_header():
    assert labels_of("zones").header("zone", "zh") == "风险等级"
    bare = DatasetLabels("t", "t", "r", "r")
    assert bare.columns == {}
    import workbench.intake.template_labels as package

    saved = package.LABELS.pop("zones")
    try:
        fallback = labels_of("zones")
        assert (fallback.header("zone", "zh"), fallback.note("zone", "en")) == ("zone", "enum")
    finally:
        package.LABELS["zones"] = saved


def test_excel_limits_of_lists_and_messages(zh_folder, tmp_path):
    write_templates(tmp_path / "en", "en")
    for path in [*zh_folder.glob("*.xlsx"), *(tmp_path / "en").glob("*.xlsx")]:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for rule in sheet.data_validations.dataValidation:
                assert len(rule.formula1 or "") <= 255 and len(rule.error or "") <= 255, path.name


def test_unfilled_templates_validate_as_empty_feeds_never_reading_notes_or_examples(tmp_path):
    write_templates(tmp_path, "zh")
    shutil.copy(SAMPLE_PACK_DIR / "areas.geojson", tmp_path / "areas.geojson")
    catalog = yaml.safe_load((tmp_path / "catalog.yaml").read_text("utf-8"))
    catalog["datasets"]["areas"]["datum"] = "gcj02"
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")
    problems = validate_pack(open_pack(tmp_path))
    assert [p for p in problems if p.severity == "error"] == []
    empty = sorted(p.dataset for p in problems if p.severity == "warning" and "no rows" in p.found)
    assert empty == sorted(tabular_datasets())
