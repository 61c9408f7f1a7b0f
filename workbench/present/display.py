"""HTML pieces of a report: title block, headline figures, tables, notes; and ``publish``.

Every function returns an ``IPython.display.HTML`` (or a raw MIME bundle) for the notebook to
display; none reads files. Every value from data is escaped, and every text from data passes
through the privacy filter (:mod:`workbench.privacy`): table cells, CSV downloads (also made
safe for spreadsheets), warnings and the published figures. A table shows only the columns its
view chooses, so a column the contract does not know never reaches a page or a download.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import urllib.parse
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from workbench.present.i18n import format_count, format_share, label
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal, mask_values, spreadsheet_safe

#: MIME type of the output through which a notebook hands its figures to the runner.
FIGURES_MIMETYPE = "application/vnd.workbench.figures+json"

REPORT_CSS = f"""
<style>
.wb-title {{border-bottom: 3px solid {STATUS_COLOURS["neutral"]}; margin-bottom: .8em;}}
.wb-title h1 {{font-size: 1.6em; margin: .2em 0;}}
.wb-meta {{display: flex; flex-wrap: wrap; gap: .2em 1.4em; color: #555; font-size: .9em;}}
.wb-cards {{display: flex; flex-wrap: wrap; gap: .6em; margin: .6em 0;}}
.wb-card {{flex: 1 1 10em; border-left: 5px solid #999; background: #f7f7f7; padding: .5em .7em;}}
.wb-card .wb-value {{font-size: 1.5em; font-weight: 600;}}
.wb-card .wb-label, .wb-card .wb-detail {{font-size: .85em; color: #444;}}
.wb-scroll {{max-width: 100%; overflow-x: auto;}}
.wb-table {{border-collapse: collapse; font-size: .9em;}}
.jp-RenderedHTMLCommon .wb-table th, .jp-RenderedHTMLCommon .wb-table td,
.wb-table th, .wb-table td {{border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left;
                             vertical-align: top; min-width: 4.5em; max-width: 26em;}}
.jp-RenderedHTMLCommon .wb-table td.num, .wb-table td.num {{text-align: right; white-space: nowrap;
                                                             font-variant-numeric: tabular-nums;}}
.jp-RenderedHTMLCommon .wb-table td.text, .wb-table td.text {{text-align: left; white-space: normal;
                                                               overflow-wrap: anywhere;}}
.wb-badge {{display: inline-block; padding: 0 .45em; border-radius: .6em; color: #fff; font-size: .85em;}}
.wb-note {{color: #555; font-size: .85em;}}
.wb-warnings {{background: #fff4e5; border-left: 5px solid {STATUS_COLOURS["warn"]}; padding: .4em .8em;}}
.wb-download {{font-size: .85em;}}
</style>
"""


def to_jsonable(value):
    """Convert numpy/pandas scalars and containers into plain JSON values (NaN → None)."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray | pd.Index | pd.Series):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    return value


def publish(figures: Mapping, warnings: Sequence[str] = ()) -> None:
    """Hand the report's key figures and warnings to the runner (and show nothing in HTML)."""
    payload = {"figures": mask_values(to_jsonable(figures)),
               "warnings": [mask_personal(w) for w in warnings]}
    json.dumps(payload)  # fail here, inside the notebook, if something is not serialisable
    display({FIGURES_MIMETYPE: payload, "text/plain": f"<figures: {', '.join(payload['figures'])}>"},
            raw=True)


def title_block(report: str, pack, scope_label: str, report_date, lang: str = "zh",
                generated_at: dt.datetime | None = None) -> HTML:
    """The block every report opens with: name, district, scope, date, generation time, pack."""
    generated_at = generated_at or dt.datetime.now().astimezone()
    meta = [
        (label("scope", lang), scope_label),
        (label("report_date", lang), pd.Timestamp(report_date).strftime("%Y-%m-%d")),
        (label("generated_at", lang), generated_at.strftime("%Y-%m-%d %H:%M %Z")),
        (label("data_pack", lang), mask_personal(pack.name)),
        (label("fingerprint", lang), pack.fingerprint()),
    ]
    items = "".join(f"<span><b>{escape(k)}</b>: {escape(v)}</span>" for k, v in meta)
    return HTML(
        f'{REPORT_CSS}<div class="wb-title">'
        f'<h1>{escape(label(report, lang))} · {escape(mask_personal(pack.name))}</h1>'
        f'<div class="wb-meta">{items}</div></div>'
    )


def section(title: str, note: str = "") -> HTML:
    """A section heading, with an optional explanatory line under it."""
    extra = f'<p class="wb-note">{escape(note)}</p>' if note else ""
    return HTML(f"<h2>{escape(title)}</h2>{extra}")


def headline(cards: Sequence[Mapping]) -> HTML:
    """Headline figures as cards: each ``{label, value, detail, status}`` (status: palette key)."""
    parts = []
    for card in cards:
        colour = STATUS_COLOURS.get(card.get("status", "neutral"), STATUS_COLOURS["neutral"])
        parts.append(
            f'<div class="wb-card" style="border-left-color:{colour}">'
            f'<div class="wb-label">{escape(card["label"])}</div>'
            f'<div class="wb-value">{escape(card["value"])}</div>'
            f'<div class="wb-detail">{escape(card.get("detail", ""))}</div></div>'
        )
    return HTML(f'<div class="wb-cards">{"".join(parts)}</div>')


def badge(text: str, status: str) -> str:
    """An escaped coloured badge (HTML string) for a status palette key."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])
    return f'<span class="wb-badge" style="background:{colour}">{escape(text)}</span>'


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


def _is_number(value) -> bool:
    numbers = int | float | np.integer | np.floating
    return isinstance(value, numbers) and not isinstance(value, bool | np.bool_)


def _format_cell(value, formatter, numeric_column: bool = False) -> tuple[str, bool]:
    """Format one cell; returns the escaped HTML and whether it is numeric (right-aligned, one line).

    A cell is numeric when its column holds numbers or its value is a number, whether or not
    the column has a ``formatter``: text (findings, names, badges) stays left-aligned and wraps.
    """
    numeric = numeric_column or _is_number(value)
    if formatter is not None:
        return formatter(value), numeric
    if isinstance(value, pd.Timestamp):
        return escape("" if pd.isna(value) else value.strftime("%Y-%m-%d")), False
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return escape(format_count(value)), True
    return escape(value), numeric


def _masked(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through :func:`workbench.privacy.mask_personal`."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object)
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: mask_personal(v) if isinstance(v, str) else v)
    return out


def _is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def table(frame: pd.DataFrame, columns: Mapping[str, str], lang: str = "zh",
          formats: Mapping[str, Callable] | None = None, csv_name: str | None = None,
          empty_text: str | None = None, decimals: int | None = None) -> HTML:
    """An escaped HTML table of ``columns`` (column → label key), scrolling inside its box.

    ``formats`` maps a column to a function returning already-safe HTML (e.g. :func:`badge`
    or a share formatter). With ``csv_name`` the table's data can be downloaded as CSV.
    ``decimals`` rounds the float columns (shown and downloaded) to that many decimals.
    Only ``columns`` are shown and downloaded; their text is masked (:mod:`workbench.privacy`)
    before any formatter sees it. Number columns are right-aligned, text columns left-aligned
    and wrapping.
    """
    if decimals is not None:
        floats = frame.select_dtypes("floating").columns
        frame = frame.assign(**{c: frame[c].round(decimals) for c in floats})
    if frame.empty:
        return HTML(f'<p class="wb-note">{escape(empty_text or label("none", lang))}</p>')
    formats = formats or {}
    shown = _masked(frame[list(columns)])
    numeric_columns = {column: _is_numeric_column(shown[column]) for column in columns}
    head = "".join(f"<th>{escape(label(key, lang))}</th>" for key in columns.values())
    rows = []
    for record in shown.itertuples(index=False):
        cells = []
        for column, value in zip(columns, record, strict=True):
            text, numeric = _format_cell(value, formats.get(column), numeric_columns[column])
            cells.append(f'<td class="num">{text}</td>' if numeric else f'<td class="text">{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    download = ""
    if csv_name:
        export = shown.rename(columns={c: label(k, lang) for c, k in columns.items()})
        download = csv_download_link(export, csv_name, lang)
    return HTML(
        f'<div class="wb-scroll"><table class="wb-table"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>{download}'
    )


def share_formatter(digits: int = 1) -> Callable:
    """A cell formatter for shares (0.953 → 95.3%)."""
    return lambda value: escape(format_share(value, digits))


def parameters_table(parameters: Mapping, lang: str = "zh") -> HTML:
    """The run's parameters, readable (papermill injects strings unicode-escaped)."""
    frame = pd.DataFrame({"parameter": list(parameters), "value": [str(v) for v in parameters.values()]})
    return HTML(f'<details><summary>{escape(label("parameters", lang))}</summary>'
                f'{table(frame, {"parameter": "parameter", "value": "value"}, lang).data}</details>')


def warnings_box(warnings: Sequence[str], lang: str = "zh") -> HTML:
    """Data notes (rows set aside, values guessed) shown in the report; nothing when empty."""
    if not warnings:
        return HTML("")
    items = "".join(f"<li>{escape(mask_personal(w))}</li>" for w in warnings)
    return HTML(f'<div class="wb-warnings"><b>{escape(label("warnings", lang))}</b><ul>{items}</ul></div>')
