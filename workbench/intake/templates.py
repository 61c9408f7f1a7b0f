"""Department templates: one XLSX per dataset of the contract, and the ``catalog.yaml`` that reads them.

Layout of every template (the same in Chinese and English, and stated in the workbook):

- sheet ``填报`` (``data`` in English) is the one the workbench reads: row 1 the title and how to
  fill it, row 2 a note on each column (required or optional, allowed values, unit), row 3 the
  headers, data from row 4 on. The catalog says ``sheet:`` and ``header_row: 3``, so rows 1-2 are
  never read as data and no example row sits among the data;
- sheet ``示例`` (``example``) shows the same layout with one filled example row;
- sheet ``说明`` (``about``) lists every column with its contract name.

Enumerations, booleans (是/否) and units (吨, 万吨, 元, 万元, 亿元) get a dropdown; numbers a
range check where the contract has one; identifiers are text cells (``007`` keeps its zeros);
dates and times are date cells. Geometry datasets (``areas``, ``admin_boundaries``) cannot be
filled in Excel: no XLSX is written for them, and the catalog says how to provide them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandera.pandas as pa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.errors import WorkbenchError
from workbench.intake.catalog import CATALOG_FILE
from workbench.intake.contract import POLYGON_DATASETS, SCHEMAS
from workbench.intake.template_labels import labels_of
from workbench.intake.template_labels.values import allowed_values, range_rule, range_text, spell_value

__all__ = [
    "allowed_values",
    "catalog_text",
    "spell_value",
    "tabular_datasets",
    "write_template",
    "write_templates",
]

LANGUAGES = ("zh", "en")
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
SHEETS = {
    "zh": {"data": "填报", "example": "示例", "about": "说明"},
    "en": {"data": "data", "example": "example", "about": "about"},
}
#: Datasets drawn only as map context: left commented out in the catalog (a listed file must exist).
CONTEXT_DATASETS = ("admin_boundaries",)
#: Excel number formats by column kind (ids and text are text cells: ``007`` stays ``007``).
NUMBER_FORMATS = {"id": "@", "text": "@", "date": "yyyy-mm-dd", "timestamp": "yyyy-mm-dd hh:mm:ss"}
_LAST_ROW = 1_048_576
_WORDS = {
    "zh": {
        "title": "{title}：请从第{first}行起逐行填写，一行为{row}。第{note}行为说明、第{header}行为表头，"
        "请勿修改或删除；“{example}”页为填写示例，不会被读取。",
        "required": "必填",
        "optional": "选填",
        "values": "可选值",
        "unique": "不重复",
        "end_of_day": "；只填日期视为当天结束",
        "about_header": ("表头", "字段名", "必填", "可选值与检查", "说明"),
        "yes": "是",
        "no": "否",
    },
    "en": {
        "title": "{title}: one row is {row}; fill from row {first} on. Row {note} holds the notes and "
        "row {header} the headers: do not change or delete them. The '{example}' sheet is an example "
        "and is never read.",
        "required": "required",
        "optional": "optional",
        "values": "values",
        "unique": "unique",
        "end_of_day": "; a date alone means the end of that day",
        "about_header": ("header", "contract name", "required", "values and checks", "meaning"),
        "yes": "yes",
        "no": "no",
    },
}
_BOLD, _GREY = Font(bold=True), Font(italic=True, color="595959")
_REQUIRED_FILL = PatternFill("solid", fgColor="D9E1F2")
_OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")


def tabular_datasets() -> tuple[str, ...]:
    """Datasets of the contract that a department can fill in Excel (every one without geometry)."""
    return tuple(name for name in SCHEMAS if name not in POLYGON_DATASETS)


def template_file(dataset: str) -> str:
    """The file name of a dataset's template (``zones.xlsx``)."""
    return f"{dataset}.xlsx"


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise WorkbenchError(f"template language {lang!r}: expected one of {', '.join(LANGUAGES)}")


def column_note(dataset: str, name: str, lang: str) -> str:
    """The note row's text of a column: required or optional, its meaning, its dropdown values."""
    column = SCHEMAS[dataset].columns[name]
    words = _WORDS[lang]
    need = words["required"] if column.required and not column.nullable else words["optional"]
    note = (
        f"{need}｜{labels_of(dataset).note(name, lang)}"
        if lang == "zh"
        else f"{need}: {labels_of(dataset).note(name, lang)}"
    )
    if column.metadata.get("date_only") == "end_of_day":
        note += words["end_of_day"]
    values = allowed_values(column, lang)
    if values and column.metadata["kind"] == "enum" and not all(v in note for v in values):
        note += (
            f"（{words['values']}：{'、'.join(values)}）"
            if lang == "zh"
            else f" ({words['values']}: {', '.join(values)})"
        )
    return note


# ---------------------------------------------------------------- workbooks


def write_template(dataset: str, path: str | os.PathLike, lang: str = "zh") -> Path:
    """Write the XLSX template of ``dataset`` to ``path``; see the module docstring for its layout.

    Parameters
    ----------
    dataset : str
        A dataset of the contract without geometry (see :func:`tabular_datasets`).
    path : path-like
        The file to write (written to a temporary name, then renamed into place).
    lang : {"zh", "en"}
        Language of the headers, notes, dropdown words and sheet names.

    Returns
    -------
    Path
    """
    _check_lang(lang)
    if dataset not in tabular_datasets():
        raise WorkbenchError(
            f"no XLSX template for {dataset!r}: expected one of {', '.join(tabular_datasets())}"
        )
    book = Workbook()
    data = book.active
    data.title = SHEETS[lang]["data"]
    _lay_out(data, dataset, lang)
    _add_input_rules(data, dataset, lang)
    example = book.create_sheet(SHEETS[lang]["example"])
    _lay_out(example, dataset, lang)
    _write_example_row(example, dataset, lang)
    _write_about(book.create_sheet(SHEETS[lang]["about"]), dataset, lang)
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    book.save(partial)
    os.replace(partial, path)
    return path


def _lay_out(sheet: Worksheet, dataset: str, lang: str) -> None:
    """Title, note and header rows, column widths and formats, panes frozen above the data."""
    labels, columns = labels_of(dataset), SCHEMAS[dataset].columns
    title = labels.title_zh if lang == "zh" else labels.title_en
    row = labels.row_zh if lang == "zh" else labels.row_en
    sheet.cell(
        TITLE_ROW,
        1,
        _WORDS[lang]["title"].format(
            title=title,
            row=row,
            first=FIRST_DATA_ROW,
            note=NOTE_ROW,
            header=HEADER_ROW,
            example=SHEETS[lang]["example"],
        ),
    ).font = _BOLD
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
    sheet.row_dimensions[TITLE_ROW].height = 45
    sheet.cell(TITLE_ROW, 1).alignment = _WRAP
    sheet.row_dimensions[NOTE_ROW].height = 60
    for index, (name, column) in enumerate(columns.items(), start=1):
        note = sheet.cell(NOTE_ROW, index, column_note(dataset, name, lang))
        note.font, note.alignment = _GREY, _WRAP
        header = sheet.cell(HEADER_ROW, index, labels.header(name, lang))
        header.font = _BOLD
        header.fill = _REQUIRED_FILL if column.required and not column.nullable else _OPTIONAL_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, 2 * len(labels.header(name, lang)) + 4))
        number_format = NUMBER_FORMATS.get(column.metadata["kind"])
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)


def _add_input_rules(sheet: Worksheet, dataset: str, lang: str) -> None:
    """Dropdowns for enumerations and booleans, range checks for numbers, over every data row."""
    for index, (name, column) in enumerate(SCHEMAS[dataset].columns.items(), start=1):
        cells = f"{get_column_letter(index)}{FIRST_DATA_ROW}:{get_column_letter(index)}{_LAST_ROW}"
        rule = _input_rule(column, lang)
        if rule is not None:
            rule.error = column_note(dataset, name, lang)
            rule.add(cells)
            sheet.add_data_validation(rule)


def _input_rule(column: pa.Column, lang: str) -> DataValidation | None:
    values = allowed_values(column, lang)
    if values:
        return DataValidation(
            type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True
        )
    kind = column.metadata["kind"]
    bounds = range_rule(column)
    if kind not in ("int", "float") or bounds is None:
        return None
    operator, limits = bounds
    excel_operator = {">": "greaterThan", ">=": "greaterThanOrEqual", "between": "between"}[operator]
    formulas = dict(zip(("formula1", "formula2"), (f"{limit:g}" for limit in limits), strict=False))
    return DataValidation(
        type="whole" if kind == "int" else "decimal",
        operator=excel_operator,
        allow_blank=True,
        showErrorMessage=True,
        **formulas,
    )


def _write_example_row(sheet: Worksheet, dataset: str, lang: str) -> None:
    for index, (name, column) in enumerate(SCHEMAS[dataset].columns.items(), start=1):
        example = labels_of(dataset).columns[name].example
        sheet.cell(FIRST_DATA_ROW, index, spell_value(example, column, lang))


def _write_about(sheet: Worksheet, dataset: str, lang: str) -> None:
    """One row per column: header, contract name, required, values and checks, meaning."""
    sheet.append(list(_WORDS[lang]["about_header"]))
    for cell in sheet[1]:
        cell.font = _BOLD
    yes, no = _WORDS[lang]["yes"], _WORDS[lang]["no"]
    for name, column in SCHEMAS[dataset].columns.items():
        values = allowed_values(column, lang)
        rule = ", ".join(values) if values else range_text(column)
        rule = "; ".join(part for part in (rule, _WORDS[lang]["unique"] if column.unique else "") if part)
        required = yes if column.required and not column.nullable else no
        sheet.append(
            [labels_of(dataset).header(name, lang), name, required, rule, labels_of(dataset).note(name, lang)]
        )
    for letter, width in zip("ABCDE", (22, 24, 8, 40, 60), strict=True):
        sheet.column_dimensions[letter].width = width


# ---------------------------------------------------------------- the catalog and the command


def catalog_text(lang: str = "zh") -> str:
    """The ``catalog.yaml`` of a template folder: every dataset, its sheet, header row and renames.

    Geometry datasets are listed with the geo file a department must add (``areas``) or
    commented out when optional (``admin_boundaries``), with how to provide them.
    """
    _check_lang(lang)
    sheet = SHEETS[lang]["data"]
    lines = [
        "# Data pack written by `workbench template`. Fill each XLSX on its sheet "
        f"'{sheet}' from row {FIRST_DATA_ROW} on",
        f"# (row {HEADER_ROW} holds the headers; rows above it are ignored). Remove a dataset you do "
        "not supply; a CSV export",
        "# (e.g. sampling) works too: give its path, drop sheet and header_row, keep the column renames.",
        "name: 数据包" if lang == "zh" else "name: data pack",
        "# name_en: Data pack   # the name of the English pages (name_zh: the Chinese ones), when it differs",
        "timezone: Asia/Shanghai",
        "datum: wgs84        # coordinates: wgs84 (GPS), gcj02 (AMap, Tencent), bd09 (Baidu) or an EPSG code",
        "# report_date: 2022-10-09",
        "datasets:",
    ]
    for name in SCHEMAS:
        lines += _catalog_entry(name, lang)
    return "\n".join(lines) + "\n"


def _renames(dataset: str, lang: str) -> str:
    pairs = (
        f"{_yaml_key(labels_of(dataset).header(c, lang))}: {c}"
        for c in SCHEMAS[dataset].columns
        if c != "geometry"
    )
    return "{" + ", ".join(pairs) + "}"


def _yaml_key(text: str) -> str:
    """A header as a YAML key, quoted when it holds characters YAML would read otherwise."""
    return f'"{text}"' if any(ch in text for ch in ":{}[],#&*!|>'\"%@`") or text != text.strip() else text


def _catalog_entry(dataset: str, lang: str) -> list[str]:
    if dataset not in POLYGON_DATASETS:
        return [
            f"  {dataset}:",
            f"    path: {template_file(dataset)}",
            f"    sheet: {SHEETS[lang]['data']}",
            f"    header_row: {HEADER_ROW}",
            f"    columns: {_renames(dataset, lang)}",
        ]
    how = [
        f"  # {dataset}: polygons cannot be filled in Excel. Provide a GeoJSON, a GeoPackage or a Shapefile",
        "  # (.shp with its .shx, .dbf, .prj and .cpg) holding the columns "
        + ", ".join(c for c in SCHEMAS[dataset].columns if c != "geometry")
        + "; rename Chinese attribute names with columns:",
        f"  #   columns: {_renames(dataset, lang)}",
    ]
    if dataset in CONTEXT_DATASETS:
        return how + [f"  # {dataset}: {{path: {dataset}.geojson}}   # optional: map context only"]
    return how + [f"  {dataset}:", f"    path: {dataset}.geojson"]


def write_templates(out: str | os.PathLike = "templates", lang: str = "zh") -> list[Path]:
    """Write every dataset's XLSX template and the folder's ``catalog.yaml`` into ``out``.

    Returns
    -------
    list of Path
        The files written, the catalog last.

    Raises
    ------
    WorkbenchError
        When any of these files exists already (a filled template is never overwritten).
    """
    _check_lang(lang)
    folder = Path(out)
    targets = [folder / template_file(name) for name in tabular_datasets()]
    catalog = folder / CATALOG_FILE
    existing = [path.name for path in (*targets, catalog) if path.exists()]
    if existing:
        raise WorkbenchError(f"{folder} already holds {', '.join(existing)}: choose an empty or new folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_template(path.stem, path, lang) for path in targets]
    partial = catalog.with_name(f".{CATALOG_FILE}.partial")
    partial.write_text(catalog_text(lang), encoding="utf-8")
    os.replace(partial, catalog)
    return [*written, catalog]
