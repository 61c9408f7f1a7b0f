"""Downloads of a table: CSV (UTF-8 with BOM) and XLSX from the page itself, values by column kind.

A table's columns may declare a *kind* (:data:`KINDS`); its downloads then hold numbers as
numbers (a rate as the share, with a percent format in Excel; counts as whole numbers), dates
as dates and statuses as their words in the report's language. Every text cell is masked and
neutralised as a formula (:func:`workbench.privacy.spreadsheet_safe`); column names too.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import urllib.parse
from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.present.i18n import label
from workbench.present.safe_html import escape
from workbench.privacy import spreadsheet_safe

#: Column kinds a table knows (``kinds=``): how a cell is shown, aligned, sorted and downloaded.
#: ``rate`` is a share (0.862): shown 86.2 %, downloaded as the number with a percent format;
#: ``count`` a whole number; ``number`` a quantity; ``date`` a day; ``text`` left and wrapping;
#: ``status`` a code shown as a coloured badge with its label (``status:PREFIX``: the label of
#: PREFIX + code) and downloaded as that label, in the report's language.
KINDS = ("text", "count", "number", "rate", "status", "date")
NUMERIC_KINDS = frozenset({"count", "number", "rate"})

def parse_kind(spec: str | None) -> tuple[str | None, str]:
    """A ``kinds`` entry split into (kind, status label prefix); checked against :data:`KINDS`."""
    if spec is None:
        return None, ""
    kind, _, prefix = spec.partition(":")
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {spec!r}: expected one of {', '.join(KINDS)}")
    return kind, prefix


def is_missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` safe for a spreadsheet: every text cell masked and neutralised as a formula.

    Numbers (negative ones too) stay numbers; text starting with ``= + - @ TAB CR`` gets a
    leading ``'`` (:func:`workbench.privacy.spreadsheet_safe`). Column names too.
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
            safe[column] = safe[column].map(spreadsheet_safe, na_action="ignore")
    return safe.rename(columns=lambda name: spreadsheet_safe(str(name)))


def csv_download_link(frame: pd.DataFrame, filename: str, lang: str = "zh") -> str:
    """A link that downloads ``frame`` as CSV (UTF-8 with BOM, for Excel) from the page itself.

    The cells are made safe first (:func:`spreadsheet_frame`): masked, no formula.
    """
    # CRLF rows: the csv writer then quotes a cell holding a bare CR, which would otherwise start a row
    text = "\ufeff" + spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n")
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(text)
    return (f'<a class="wb-download" download="{escape(filename)}" href="{href}">'
            f'{escape(label("download_csv", lang))} ({escape(filename)})</a>')


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel number formats of the numeric kinds.
XLSX_FORMATS = {"rate": "0.0%", "count": "#,##0", "number": "#,##0.##", "date": "yyyy-mm-dd"}

def _export_value(value, kind: str | None, prefix: str, lang: str, decimals: int | None):
    """A download's cell: numbers as numbers, dates as dates, statuses as their words."""
    if is_missing(value):
        return None
    if kind == "status":
        return label(prefix + str(value), lang)
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind in NUMERIC_KINDS:
        number = float(value)
        if kind == "count" and number.is_integer():
            return int(number)
        return round(number, decimals) if decimals is not None and kind == "number" else number
    return value


def export_frame(frame: pd.DataFrame, columns: Mapping[str, str], kinds: Mapping[str, str], lang: str = "zh",
                 decimals: int | None = None) -> pd.DataFrame:
    """The frame a table's downloads hold: ``columns`` under their labels, values by kind.

    Parameters
    ----------
    frame : DataFrame
        Needs ``columns``; its text already masked.
    columns : mapping
        Column → label key.
    kinds : mapping
        Column → kind (:data:`KINDS`); a column without one is downloaded as it is.

    Returns
    -------
    DataFrame
        One column per shown column: rates and counts as numbers, dates as dates, statuses
        as their label in ``lang``, missing values empty.
    """
    out = {}
    for column, key in columns.items():
        kind, prefix = parse_kind(kinds.get(column))
        values = frame[column].tolist()
        if kind is None:
            out[label(key, lang)] = values
        else:
            out[label(key, lang)] = [_export_value(v, kind, prefix, lang, decimals) for v in values]
    return pd.DataFrame(out, columns=[label(key, lang) for key in columns.values()])


def xlsx_bytes(frame: pd.DataFrame, kinds_by_label: Mapping[str, str], sheet: str = "data") -> bytes:
    """``frame`` as an XLSX workbook: numbers as numbers, percent format for rates, header frozen.

    Text cells are made safe first (:func:`workbench.privacy.spreadsheet_safe`: masked, never a formula).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([spreadsheet_safe(str(name)) for name in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        ws.append([_xlsx_value(v) for v in record])
    for number, name in enumerate(frame.columns, start=1):
        kind = parse_kind(kinds_by_label.get(name))[0]
        if kind in XLSX_FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = XLSX_FORMATS[kind]
        ws.column_dimensions[ws.cell(1, number).column_letter].width = 14 if kind else 22
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if is_missing(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, int | float | bool | dt.date | dt.datetime):
        return value
    return spreadsheet_safe(str(value))


def xlsx_download_link(frame: pd.DataFrame, filename: str, kinds_by_label: Mapping[str, str],
                       lang: str = "zh") -> str:
    """A link that downloads ``frame`` as an XLSX workbook (:func:`xlsx_bytes`) from the page itself."""
    data = base64.b64encode(xlsx_bytes(frame, kinds_by_label)).decode("ascii")
    href = f"data:{XLSX_MIMETYPE};base64,{data}"
    return (f'<a class="wb-download" download="{escape(filename)}" href="{href}">'
            f'{escape(label("download_xlsx", lang))} ({escape(filename)})</a>')


