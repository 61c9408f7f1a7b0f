"""HTML pieces of a report: title block, headline figures, tables, notes; and ``publish``.

Every function returns an ``IPython.display.HTML`` (or a raw MIME bundle) for the notebook to
display; none reads files. Every value from data is escaped, and every text from data passes
through the privacy filter (:mod:`workbench.privacy`): table cells, CSV downloads (also made
safe for spreadsheets), warnings and the published figures. A table shows only the columns its
view chooses, so a column the contract does not know never reaches a page or a download.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
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
                                                               overflow-wrap: anywhere;}}
.wb-table tr:target {{background: #fff3bf;}}
.wb-more > summary {{font-size: .9em; color: #1565c0; margin: .3em 0;}}
.wb-downloads {{display: flex; flex-wrap: wrap; gap: .2em 1em; margin: .2em 0 .6em;}}
@media print {{
  .wb-downloads, .wb-download {{display: none;}}
  .wb-scroll {{overflow: visible; background: none;}}
  .wb-scroll.wb-overflow::before {{content: none;}}
  .wb-table {{font-size: 8.5pt; width: 100%; table-layout: auto;}}
  .wb-table th, .wb-table td {{max-width: none; white-space: normal; overflow-wrap: anywhere;
                               padding: 1pt 3pt;}}
  .wb-table td.num {{white-space: nowrap;}}
  .wb-table tr {{break-inside: avoid;}}
  .wb-table th.wb-sort::after {{content: none;}}
  .wb-badge, .wb-card, .wb-swatch {{-webkit-print-color-adjust: exact; print-color-adjust: exact;}}
}}
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
                generated_at: dt.datetime | None = None, meta: bool = True) -> HTML:
    """The block every report opens with: name, district, scope, date, generation time, pack.

    The generation time is shown in the pack's time zone (``pack.timezone``, e.g. Asia/Shanghai).
    With ``meta=False`` only the heading and the report date: the page shows :func:`meta_block`
    further down (the brief, whose first phone screen is for its actions).
    """
    heading = f'<h1>{escape(label(report, lang))} · {escape(mask_personal(pack.name))}</h1>'
    if not meta:
        day = pd.Timestamp(report_date).strftime("%Y-%m-%d")
        return HTML(f'{REPORT_CSS}<div class="wb-title">{heading}'
                    f'<div class="wb-meta"><span><b>{escape(label("report_date", lang))}</b>: {day}</span>'
                    f"</div></div>")
    return HTML(f'{REPORT_CSS}<div class="wb-title">{heading}'
                f'{meta_block(pack, scope_label, report_date, lang, generated_at).data}</div>')


def meta_block(pack, scope_label: str, report_date, lang: str = "zh",
               generated_at: dt.datetime | None = None) -> HTML:
    """A report's metadata line: scope, report date, generation time (pack's zone), pack, fingerprint."""
    generated_at = local_time(generated_at or dt.datetime.now(dt.UTC), getattr(pack, "timezone", None))
    meta = [
        (label("scope", lang), scope_label),
        (label("report_date", lang), pd.Timestamp(report_date).strftime("%Y-%m-%d")),
        (label("generated_at", lang), f"{generated_at:%Y-%m-%d %H:%M} ({generated_at.tzname()})"),
        (label("data_pack", lang), mask_personal(pack.name)),
        (label("fingerprint", lang), pack.fingerprint()),
    ]
    items = "".join(f"<span><b>{escape(k)}</b>: {escape(v)}</span>" for k, v in meta)
    return HTML(f'{REPORT_CSS}<div class="wb-meta">{items}</div>')


def local_time(moment: dt.datetime, timezone: str | None) -> dt.datetime:
    """``moment`` in ``timezone`` (an IANA name; a naive moment is taken as UTC); unchanged without one."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if not timezone:
        return moment.astimezone()
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone))


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


# ---------------------------------------------------------------- tables

#: Column kinds a table knows (``kinds=``): how a cell is shown, aligned, sorted and downloaded.
#: ``rate`` is a share (0.862): shown 86.2 %, downloaded as the number with a percent format;
#: ``count`` a whole number; ``number`` a quantity; ``date`` a day; ``text`` left and wrapping;
#: ``status`` a code shown as a coloured badge with its label (``status:PREFIX``: the label of
#: PREFIX + code) and downloaded as that label, in the report's language.
KINDS = ("text", "count", "number", "rate", "status", "date")
NUMERIC_KINDS = frozenset({"count", "number", "rate"})
#: Anchor of a table row: ``REPORT.html#row-<key>`` (see :func:`row_anchor`).
ROW_ANCHOR_PREFIX = "row-"
#: A table of more columns than this prints on a landscape page (``wb-wide``).
WIDE_COLUMNS = 8
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel number formats of the numeric kinds.
XLSX_FORMATS = {"rate": "0.0%", "count": "#,##0", "number": "#,##0.##", "date": "yyyy-mm-dd"}

TABLE_SCRIPT = """
<script>
(function () {
  if (window.wbTables) { window.wbTables.mark(); return; }
  function value(cell) {
    var raw = cell.getAttribute("data-sort");
    return raw === null ? cell.textContent.trim() : raw;
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y) && isFinite(a) && isFinite(b)) { return x - y; }
    return a.localeCompare(b, document.documentElement.lang || undefined);
  }
  function sort(th) {
    var table = th.closest("table"), index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var up = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r, s) {
        var c = compare(value(r.cells[index]), value(s.cells[index]));
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  }
  function mark() {
    var boxes = document.querySelectorAll(".wb-scroll");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].classList.toggle("wb-overflow", boxes[i].scrollWidth > boxes[i].clientWidth + 1);
    }
  }
  document.addEventListener("click", function (event) {
    var th = event.target.closest && event.target.closest("th.wb-sort");
    if (th) { sort(th); }
  });
  document.addEventListener("keydown", function (event) {
    var th = event.target.closest && event.target.closest("th.wb-sort");
    if (th && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); sort(th); }
  });
  window.addEventListener("resize", mark);
  window.addEventListener("load", mark);
  window.addEventListener("beforeprint", function () {
    var folded = document.querySelectorAll("details.wb-more");
    for (var i = 0; i < folded.length; i++) { folded[i].open = true; }
  });
  window.wbTables = {mark: mark};
  mark();
})();
</script>
"""


def row_anchor(key) -> str:
    """The ``id`` of a table row whose key is ``key`` (``row-S01C002``), link with ``#`` + it.

    Letters, digits, ``_`` and ``-`` are kept; any other character becomes ``_`` + its code
    point in hex, so a key of data gives a valid, unambiguous id. The same function builds the
    brief's links to the full reports' rows.
    """
    text = str(key)
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else f"_{ord(c):x}" for c in text)
    return ROW_ANCHOR_PREFIX + kept


def _kind(spec: str | None) -> tuple[str | None, str]:
    """A ``kinds`` entry split into (kind, status label prefix); checked against :data:`KINDS`."""
    if spec is None:
        return None, ""
    kind, _, prefix = spec.partition(":")
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {spec!r}: expected one of {', '.join(KINDS)}")
    return kind, prefix


def _missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _kind_cell(value, kind: str, prefix: str, lang: str, tones: Mapping[str, str],
               decimals: int | None) -> tuple[str, str | None]:
    """One cell of a declared kind: (escaped HTML, sort key or None)."""
    if _missing(value):
        return "—", ""
    if kind == "rate":
        return escape(format_share(value)), repr(float(value))
    if kind == "count":
        return escape(format_count(value, lang)), repr(float(value))
    if kind == "number":
        digits = 2 if decimals is None else decimals
        return escape(f"{float(value):,.{digits}f}"), repr(float(value))
    if kind == "date":
        day = pd.Timestamp(value)
        return escape(day.strftime("%Y-%m-%d")), day.strftime("%Y-%m-%d")
    if kind == "status":
        return badge(label(prefix + str(value), lang), tones.get(str(value), "neutral")), None
    return escape(value), None


def _export_value(value, kind: str | None, prefix: str, lang: str, decimals: int | None):
    """A download's cell: numbers as numbers, dates as dates, statuses as their words."""
    if _missing(value):
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
        kind, prefix = _kind(kinds.get(column))
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
        kind = _kind(kinds_by_label.get(name))[0]
        if kind in XLSX_FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = XLSX_FORMATS[kind]
        ws.column_dimensions[ws.cell(1, number).column_letter].width = 14 if kind else 22
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if _missing(value):
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


def _lead_first(columns: Mapping[str, str], lead: Sequence[str]) -> dict[str, str]:
    unknown = [c for c in lead if c not in columns]
    if unknown:
        raise ValueError(f"lead columns not among the table's columns: {', '.join(unknown)}")
    return {**{c: columns[c] for c in lead}, **{c: k for c, k in columns.items() if c not in lead}}


def _row_keys(frame: pd.DataFrame, key: str | Sequence[str] | None) -> list[str | None]:
    """Each row's anchor id (the first row of a key only: an id is unique in a page)."""
    if key is None:
        return [None] * len(frame)
    names = [key] if isinstance(key, str) else list(key)
    seen, ids = set(), []
    for values in frame[names].itertuples(index=False):
        anchor = row_anchor("-".join("" if _missing(v) else str(v) for v in values))
        ids.append(None if anchor in seen else anchor)
        seen.add(anchor)
    return ids


def table(frame: pd.DataFrame, columns: Mapping[str, str], lang: str = "zh",
          formats: Mapping[str, Callable] | None = None, csv_name: str | None = None,
          empty_text: str | None = None, decimals: int | None = None, *,
          kinds: Mapping[str, str] | None = None, key: str | Sequence[str] | None = None,
          lead: Sequence[str] = (), exceptions: str | None = None, fold_after: int | None = None,
          tones: Mapping[str, str] | None = None) -> HTML:
    """An escaped HTML table of ``columns`` (column → label key), sortable, scrolling inside its box.

    Parameters
    ----------
    frame : DataFrame
        Needs ``columns`` (and ``key``, ``exceptions`` when given); not modified.
    columns : mapping
        Column → label key, in the order shown.
    formats : mapping, optional
        Column → function returning already-safe HTML (e.g. :func:`badge`). The older way:
        a formatted column is downloaded as its raw value.
    csv_name : str, optional
        With it, the table downloads as CSV (UTF-8 with BOM) and as XLSX (same stem).
    decimals : int, optional
        Rounds the float columns (shown and downloaded).
    kinds : mapping, optional
        Column → kind (:data:`KINDS`): the raw value is shown, aligned, sorted and downloaded
        by its kind (a rate shown 86.2 %, downloaded 0.862 with a percent format; a status
        shown as a badge with its label, downloaded as the label). A column without kind or
        format is shown as before (numbers right, text left).
    key : str or sequence of str, optional
        Column(s) whose value gives each row its ``id`` (:func:`row_anchor`), the target of
        ``REPORT.html#row-<key>`` links.
    lead : sequence of str
        Columns shown first (the status and the key figure), whatever their order in ``columns``.
    exceptions : str, optional
        A boolean column: its true rows come first (in their order), the others after.
    fold_after : int, optional
        Rows after this many are folded under a ``<details>`` line (same columns, sortable).
    tones : mapping, optional
        Status code → palette key of its badge (``bad``, ``warn``, ``good``, ``no_data``,
        ``neutral``; default neutral).

    Returns
    -------
    HTML
        Only ``columns`` are shown and downloaded; their text is masked
        (:mod:`workbench.privacy`) before any formatter sees it; numbers right-aligned, text
        left-aligned and wrapping; an overflowing table shows a shadow and a "scroll" hint.
    """
    kinds = dict(kinds or {})
    for column in kinds:
        _kind(kinds[column])
    if decimals is not None:
        floats = frame.select_dtypes("floating").columns
        frame = frame.assign(**{c: frame[c].round(decimals) for c in floats})
    if frame.empty:
        return HTML(f'<p class="wb-note">{escape(empty_text or label("none", lang))}</p>')
    columns = _lead_first(columns, lead)
    if exceptions is not None:
        flagged = frame[exceptions].fillna(False).astype(bool)
        frame = pd.concat([frame[flagged], frame[~flagged]])
    shown = _masked(frame[list(columns)])
    ids = _row_keys(_masked(frame), key)
    head = "".join(
        f'<th class="wb-sort{" num" if _kind(kinds.get(c))[0] in NUMERIC_KINDS else ""}" tabindex="0">'
        f"{escape(label(k, lang))}</th>" for c, k in columns.items())
    rows = _table_rows(shown, columns, ids, lang, formats or {}, kinds, tones or {}, decimals)
    limit = len(rows) if fold_after is None else max(0, fold_after)
    hint, wide = label("table_scroll_hint", lang), len(columns) > WIDE_COLUMNS
    body = _table_html(head, rows[:limit], hint, wide)
    if rows[limit:]:
        more = label("table_more_rows", lang, n=len(rows) - limit)
        folded = _table_html(head, rows[limit:], hint, wide)
        body += f'<details class="wb-more"><summary>{escape(more)}</summary>{folded}</details>'
    download = ""
    if csv_name:
        export = export_frame(shown, columns, kinds, lang, decimals)
        by_label = {label(k, lang): kinds.get(c) for c, k in columns.items() if kinds.get(c)}
        stem = csv_name[:-4] if csv_name.lower().endswith(".csv") else csv_name
        download = (f'<div class="wb-downloads">{csv_download_link(export, csv_name, lang)} '
                    f"{xlsx_download_link(export, stem + '.xlsx', by_label, lang)}</div>")
    return HTML(f"{body}{download}{TABLE_SCRIPT}")


def _table_html(head: str, rows: Sequence[str], hint: str, wide: bool = False) -> str:
    css = "wb-scroll wb-wide" if wide else "wb-scroll"
    return (f'<div class="{css}" data-hint="{escape(hint)}">'
            f'<table class="wb-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _table_rows(shown: pd.DataFrame, columns: Mapping[str, str], ids: Sequence[str | None], lang: str,
                formats: Mapping[str, Callable], kinds: Mapping[str, str], tones: Mapping[str, str],
                decimals: int | None) -> list[str]:
    numeric_columns = {column: _is_numeric_column(shown[column]) for column in columns}
    rows = []
    for record, anchor in zip(shown.itertuples(index=False), ids, strict=True):
        cells = []
        for column, value in zip(columns, record, strict=True):
            kind, prefix = _kind(kinds.get(column))
            if kind is not None and column not in formats:
                text, sort_key = _kind_cell(value, kind, prefix, lang, tones, decimals)
                numeric = kind in NUMERIC_KINDS
            else:
                text, numeric = _format_cell(value, formats.get(column), numeric_columns[column])
                sort_key = repr(float(value)) if _is_number(value) and not _missing(value) else None
            sort_attr = "" if sort_key is None else f' data-sort="{escape(sort_key)}"'
            css = "num" if numeric else "text"
            cells.append(f'<td class="{css}"{sort_attr}>{text}</td>')
        row_id = f' id="{anchor}"' if anchor else ""
        rows.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    return rows


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
