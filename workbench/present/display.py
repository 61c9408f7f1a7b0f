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
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from workbench.present.downloads import KINDS, csv_download_link, spreadsheet_frame
from workbench.present.i18n import format_share, label
from workbench.present.notes import note_text
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.present.tables import badge, row_anchor, table
from workbench.privacy import mask_personal, mask_values

#: Tables and their downloads live in :mod:`~workbench.present.tables` and
#: :mod:`~workbench.present.downloads`; every view calls them as ``display.table`` etc.
__all__ = ["FIGURES_MIMETYPE", "KINDS", "REPORT_CSS", "badge", "csv_download_link", "display_names",
           "headline", "meta_block", "parameters_table", "publish", "report_details", "row_anchor",
           "section", "share_formatter", "spreadsheet_frame", "table", "title_block", "to_jsonable",
           "warnings_box"]

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
.wb-scroll {{position: relative; max-width: 100%; overflow-x: auto; -webkit-overflow-scrolling: touch;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 2em 100% no-repeat local,
              linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 2em 100% no-repeat local,
              radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0))
                left / .8em 100% no-repeat scroll,
              radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0))
                right / .8em 100% no-repeat scroll;}}
.wb-scroll.wb-overflow::before {{content: attr(data-hint); position: sticky; left: 0; display: block;
  font-size: .8em; color: #1565c0; padding: 0 .2em .1em;}}
.jp-RenderedHTMLCommon .wb-scroll table.wb-table, .wb-scroll table.wb-table {{display: table;
  overflow: visible;
  max-width: none; background: transparent;}}
.wb-table {{border-collapse: collapse; font-size: .9em;}}
.jp-RenderedHTMLCommon .wb-table th, .jp-RenderedHTMLCommon .wb-table td,
.wb-table th, .wb-table td {{border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left;
                             vertical-align: top; min-width: 3.5em; max-width: 26em;}}
.wb-table th.wb-sort {{cursor: pointer; user-select: none; white-space: normal;}}
.wb-table th.wb-sort::after {{content: " \\2195"; color: #aaa; font-size: .8em;}}
.wb-table th[aria-sort=ascending]::after {{content: " \\25B2"; color: #333;}}
.wb-table th[aria-sort=descending]::after {{content: " \\25BC"; color: #333;}}
.jp-RenderedHTMLCommon .wb-table th.num, .wb-table th.num {{text-align: right;}}
.jp-RenderedHTMLCommon .wb-table td.num, .wb-table td.num {{text-align: right; white-space: nowrap;
                                                             font-variant-numeric: tabular-nums;}}
.jp-RenderedHTMLCommon .wb-table td.text, .wb-table td.text {{text-align: left; white-space: normal;
                                                               overflow-wrap: break-word;}}
.wb-scroll .wb-table th:first-child, .wb-scroll .wb-table td:first-child {{position: sticky; left: 0;
  z-index: 1; background: #fff; min-width: 5em;}}
.wb-table tr:target, .wb-table tr:target td:first-child {{background: #fff3bf;}}
.wb-more > summary {{font-size: .9em; color: #1565c0; margin: .3em 0;}}
.wb-downloads {{display: flex; flex-wrap: wrap; gap: .2em 1em; margin: .2em 0 .6em;}}
@media print {{
  .wb-downloads, .wb-download {{display: none;}}
  .wb-scroll {{overflow: visible; background: none;}}
  .wb-scroll .wb-table th:first-child, .wb-scroll .wb-table td:first-child {{position: static;}}
  .wb-scroll.wb-overflow::before {{content: none;}}
  .wb-table {{font-size: 8.5pt; width: 100%; table-layout: auto;}}
  .wb-table th, .wb-table td {{max-width: none; white-space: normal; overflow-wrap: anywhere;
                               padding: 1pt 3pt;}}
  .wb-table th {{overflow-wrap: break-word;}}  /* a heading breaks between its words, never inside one */
  .wb-table td.num {{white-space: nowrap;}}
  .wb-table tr {{break-inside: avoid;}}
  .wb-table th.wb-sort::after {{content: none;}}
  .wb-badge, .wb-card, .wb-swatch {{-webkit-print-color-adjust: exact; print-color-adjust: exact;}}
}}
.wb-badge {{display: inline-block; padding: 0 .45em; border-radius: .6em; color: #fff; font-size: .85em;}}
.wb-note {{color: #555; font-size: .85em;}}
.wb-counts {{color: #666; font-size: .8em; font-weight: normal;}}
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
                generated_at: dt.datetime | None = None, meta: bool = False, scoped: bool = False) -> HTML:
    """The block every report opens with: its name and district, then scope and report date.

    A leader's first phone screen is for the headline figures, so the run's metadata (generation
    time, pack, fingerprint, parameters) closes the page, in :func:`report_details`. With
    ``meta=True`` the block holds the whole :func:`meta_block` (the data-quality page, whose
    subject it is). ``scoped``: the scope is in the heading too (a street's report, forwarded as
    a screenshot, must not read as the district's).
    """
    names = [label(report, lang), *([scope_label] if scoped else []), mask_personal(pack.display_name(lang))]
    heading = f"<h1>{escape(' · '.join(names))}</h1>"
    if meta:
        return HTML(f'{REPORT_CSS}<div class="wb-title">{heading}'
                    f'{meta_block(pack, scope_label, report_date, lang, generated_at).data}</div>')
    day = pd.Timestamp(report_date).strftime("%Y-%m-%d")
    items = "".join(f"<span><b>{escape(k)}</b>: {escape(v)}</span>" for k, v in
                    ((label("scope", lang), scope_label), (label("report_date", lang), day)))
    return HTML(f'{REPORT_CSS}<div class="wb-title">{heading}<div class="wb-meta">{items}</div></div>')


def report_details(pack, scope_label: str, report_date, parameters: Mapping, lang: str = "zh",
                   generated_at: dt.datetime | None = None) -> HTML:
    """The section that closes a report: its :func:`meta_block` and its :func:`parameters_table`."""
    return HTML(section(label("details_section", lang)).data
                + meta_block(pack, scope_label, report_date, lang, generated_at).data
                + parameters_table(parameters, lang).data)


def meta_block(pack, scope_label: str, report_date, lang: str = "zh",
               generated_at: dt.datetime | None = None) -> HTML:
    """A report's metadata line: scope, report date, generation time (pack's zone), pack, fingerprint."""
    generated_at = local_time(generated_at or dt.datetime.now(dt.UTC), getattr(pack, "timezone", None))
    meta = [
        (label("scope", lang), scope_label),
        (label("report_date", lang), pd.Timestamp(report_date).strftime("%Y-%m-%d")),
        (label("generated_at", lang), f"{generated_at:%Y-%m-%d %H:%M} ({generated_at.tzname()})"),
        (label("data_pack", lang), mask_personal(pack.display_name(lang))),
        (label("fingerprint", lang), pack.fingerprint()),
    ]
    items = "".join(f"<span><b>{escape(k)}</b>: {escape(v)}</span>" for k, v in meta)
    link = escape(label("data_quality_link", lang))
    items += f'<span><a href="{data_quality_page(lang)}">{link}</a></span>'
    return HTML(f'{REPORT_CSS}<div class="wb-meta">{items}</div>')


def local_time(moment: dt.datetime, timezone: str | None) -> dt.datetime:
    """``moment`` in ``timezone`` (an IANA name; a naive moment is taken as UTC); unchanged without one."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if not timezone:
        return moment.astimezone()
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone))


def display_names(frame: pd.DataFrame, code: str) -> str:
    """``name (code)`` of each row of ``frame`` (needs ``name`` and ``code``), comma-separated, masked."""
    return ", ".join(mask_personal(f"{n} ({c})") for n, c in zip(frame["name"], frame[code], strict=True))


def section(title: str, note: str = "") -> HTML:
    """A section heading, with an optional explanatory line under it."""
    extra = f'<p class="wb-note">{escape(note)}</p>' if note else ""
    return HTML(f"<h2>{escape(title)}</h2>{extra}")


def unknown_card(title: str, why: str, lang: str = "zh") -> dict:
    """The card of a section the pack has no data for (label keys ``title``, ``why``): a dash,
    never 0 or "none", which would read as an all-clear."""
    return {"label": label(title, lang), "value": "—", "detail": label(why, lang), "status": "neutral"}


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


def share_formatter(digits: int = 1) -> Callable:
    """A cell formatter for shares (0.953 → 95.3%)."""
    return lambda value: escape(format_share(value, digits))


def parameters_table(parameters: Mapping, lang: str = "zh") -> HTML:
    """The run's parameters, readable (papermill injects strings unicode-escaped).

    Each parameter by its label with its name as code; values as given, as code (what the
    analyst types: ``none``, ``S01``), a missing value as a dash.
    """
    frame = pd.DataFrame({"parameter": list(parameters), "value": list(parameters.values())})
    formats = {"parameter": lambda name: parameter_name(name, lang), "value": parameter_value}
    return HTML(f'<details><summary>{escape(label("parameters", lang))}</summary>'
                f'{table(frame, {"parameter": "parameter", "value": "value"}, lang, formats=formats).data}'
                "</details>")


def parameter_name(name: str, lang: str = "zh") -> str:
    """A parameter's label (``param_<name>``) and its name as code (safe HTML); without a label, the name."""
    key = f"param_{name}"
    worded, code = label(key, lang), f"<code>{escape(name)}</code>"
    return code if worded == key else f"{escape(worded)} ({code})"


def parameter_value(value) -> str:
    """A parameter's value as code (safe HTML), a dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"<code>{escape(mask_personal(str(value)))}</code>"


#: The data-quality page every batch writes beside the reports of its date (``reports/D/``).
DATA_QUALITY_PAGE = "data_quality.html"


def data_quality_page(lang: str = "zh") -> str:
    """The date's data-quality page in ``lang``: ``data_quality.html``, en ``data_quality_en.html``."""
    return DATA_QUALITY_PAGE if lang == "zh" else DATA_QUALITY_PAGE.replace(".html", f"_{lang}.html")


def warnings_box(warnings: Sequence[str], lang: str = "zh") -> HTML:
    """Data notes (rows set aside, values guessed) in ``lang`` (:func:`workbench.present.notes.note_text`)."""
    if not warnings:
        return HTML("")
    items = "".join(f"<li>{escape(note_text(mask_personal(w), lang))}</li>" for w in warnings)
    more = f'<p><a href="{data_quality_page(lang)}">{escape(label("warnings_data_quality", lang))}</a></p>'
    title = escape(label("warnings", lang))
    return HTML(f'<div class="wb-warnings"><b>{title}</b><ul>{items}</ul>{more}</div>')
