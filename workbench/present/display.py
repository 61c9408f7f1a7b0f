"""HTML pieces of a report: title block, headline figures, tables, notes; and ``publish``.

Every function returns an ``IPython.display.HTML`` (or a raw MIME bundle) for the notebook to
display; none reads files. Every value from data is escaped.
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
    payload = {"figures": to_jsonable(figures), "warnings": [str(w) for w in warnings]}
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
        (label("data_pack", lang), pack.name),
        (label("fingerprint", lang), pack.fingerprint()),
    ]
    items = "".join(f"<span><b>{escape(k)}</b>: {escape(v)}</span>" for k, v in meta)
    return HTML(
        f'{REPORT_CSS}<div class="wb-title"><h1>{escape(label(report, lang))} · {escape(pack.name)}</h1>'
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


def csv_download_link(frame: pd.DataFrame, filename: str, lang: str = "zh") -> str:
    """A link that downloads ``frame`` as CSV (UTF-8 with BOM, for Excel) from the page itself."""
    text = "\ufeff" + frame.to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(text)
    return (f'<a class="wb-download" download="{escape(filename)}" href="{href}">'
            f'{escape(label("download_csv", lang))} ({escape(filename)})</a>')


def _format_cell(value, formatter) -> tuple[str, bool]:
    """Format one cell; returns the escaped HTML and whether it is numeric."""
    if formatter is not None:
        return formatter(value), True
    if isinstance(value, pd.Timestamp):
        return escape("" if pd.isna(value) else value.strftime("%Y-%m-%d")), False
    if isinstance(value, int | np.integer):
        return escape(format_count(value)), True
    return escape(value), False


def table(frame: pd.DataFrame, columns: Mapping[str, str], lang: str = "zh",
          formats: Mapping[str, Callable] | None = None, csv_name: str | None = None,
          empty_text: str | None = None, decimals: int | None = None) -> HTML:
    """An escaped HTML table of ``columns`` (column → label key), scrolling inside its box.

    ``formats`` maps a column to a function returning already-safe HTML (e.g. :func:`badge`
    or a share formatter). With ``csv_name`` the table's data can be downloaded as CSV.
    ``decimals`` rounds the float columns (shown and downloaded) to that many decimals.
    """
    if decimals is not None:
        floats = frame.select_dtypes("floating").columns
        frame = frame.assign(**{c: frame[c].round(decimals) for c in floats})
    if frame.empty:
        return HTML(f'<p class="wb-note">{escape(empty_text or label("none", lang))}</p>')
    formats = formats or {}
    head = "".join(f"<th>{escape(label(key, lang))}</th>" for key in columns.values())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = []
        for column, value in zip(columns, record, strict=True):
            text, numeric = _format_cell(value, formats.get(column))
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    download = ""
    if csv_name:
        export = frame[list(columns)].rename(columns={c: label(k, lang) for c, k in columns.items()})
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
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return HTML(f'<div class="wb-warnings"><b>{escape(label("warnings", lang))}</b><ul>{items}</ul></div>')
