"""Tables of a report (``display.table``): escaped, sortable, fitting a phone, downloadable.

Every view draws its tables with :func:`table`. A column shows its raw value by its declared
kind (:data:`workbench.present.downloads.KINDS`) or through a formatter; numbers are right-aligned,
text left-aligned and wrapping; rows can carry an anchor (:func:`row_anchor`) for links from the
brief; long tables fold their rest; a small inline script sorts by a header and marks a table
that scrolls sideways (a shadow and a hint). Text from data is masked before anything sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML

from workbench.present.downloads import (
    KINDS,
    NUMERIC_KINDS,
    csv_download_link,
    export_frame,
    is_missing,
    parse_kind,
    xlsx_download_link,
)
from workbench.present.i18n import format_count, format_share, label, unit_text
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal

__all__ = ["KINDS", "badge", "row_anchor", "table"]

def badge(text: str, status: str) -> str:
    """An escaped coloured badge (HTML string) for a status palette key."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])
    return f'<span class="wb-badge" style="background:{colour}">{escape(text)}</span>'


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
    if value is pd.NA:  # a whole number not known (nullable Int64): no "<NA>" on a page
        return "—", numeric
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


#: Columns that hold a unit of the data, shown (and downloaded) in the page's language (:func:`unit_text`).
UNIT_COLUMNS = ("unit",)


def _in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its unit columns in ``lang`` (``元/斤`` → ``yuan/jin`` in en)."""
    units = [c for c in UNIT_COLUMNS if c in frame.columns]
    if lang == "zh" or not units:
        return frame
    return frame.assign(**{c: frame[c].map(lambda u: unit_text(u, lang)) for c in units})


def _is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


#: Anchor of a table row: ``REPORT.html#row-<key>`` (see :func:`row_anchor`).
ROW_ANCHOR_PREFIX = "row-"
#: Rows a long reference table shows before folding the rest (the exceptions have their own table).
REFERENCE_ROWS = 10
#: A table of more columns than this prints on a landscape page (``wb-wide``).
WIDE_COLUMNS = 8
TABLE_SCRIPT = """
<script>
(function () {
  if (window.wbTables) { window.wbTables.mark(); return; }
  function value(cell) {
    var key = cell.querySelector("data");
    return key ? key.value : cell.textContent.trim();
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


def _kind_cell(value, kind: str, prefix: str, lang: str, tones: Mapping[str, str],
               decimals: int | None) -> tuple[str, str | None]:
    """One cell of a declared kind: (escaped HTML, sort key or None)."""
    if is_missing(value):
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


def _lead_first(columns: Mapping[str, str], lead: Sequence[str], kinds: Mapping[str, str]) -> dict[str, str]:
    """``columns`` in the order shown: the lead ones, then any status column (:func:`is_status`) not
    among them, then the rest; without lead, the first column (the row's name), then the status ones.
    A status column is thus on a phone's screen without scrolling."""
    unknown = [c for c in lead if c not in columns]
    if unknown:
        raise ValueError(f"lead columns not among the table's columns: {', '.join(unknown)}")
    first = list(lead) or list(columns)[:1]
    first += [c for c in columns if is_status(c, kinds) and c not in first]
    return {**{c: columns[c] for c in first}, **{c: k for c, k in columns.items() if c not in first}}


def is_status(column: str, kinds: Mapping[str, str]) -> bool:
    """Whether a column holds a status: of kind ``status``, or named status (``*_status``, ``status_*``)."""
    return (parse_kind(kinds.get(column))[0] == "status" or column == "status" or column.endswith("_status")
            or column.startswith("status_"))


def _row_keys(frame: pd.DataFrame, key: str | Sequence[str] | None) -> list[str | None]:
    """Each row's anchor id (the first row of a key only: an id is unique in a page)."""
    if key is None:
        return [None] * len(frame)
    names = [key] if isinstance(key, str) else list(key)
    seen, ids = set(), []
    for values in frame[names].itertuples(index=False):
        anchor = row_anchor("-".join("" if is_missing(v) else str(v) for v in values))
        ids.append(None if anchor in seen else anchor)
        seen.add(anchor)
    return ids


def table(frame: pd.DataFrame, columns: Mapping[str, str], lang: str = "zh",
          formats: Mapping[str, Callable] | None = None, csv_name: str | None = None,
          empty_text: str | None = None, decimals: int | None = None, *,
          kinds: Mapping[str, str] | None = None, key: str | Sequence[str] | None = None,
          lead: Sequence[str] = (), exceptions: str | None = None, fold_after: int | None = None,
          tones: Mapping[str, str] | None = None,
          counts: Mapping[str, tuple[str, str]] | None = None) -> HTML:
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
        Columns shown first (the status and the key figure), whatever their order in ``columns``;
        a status column not among them follows them (without lead: follows the first column).
    exceptions : str, optional
        A boolean column: its true rows come first (in their order), the others after.
    fold_after : int, optional
        Rows after this many are folded under a ``<details>`` line (same columns, sortable).
    tones : mapping, optional
        Status code → palette key of its badge (``bad``, ``warn``, ``good``, ``no_data``,
        ``neutral``; default neutral).
    counts : mapping, optional
        Rate column → (numerator column, denominator column): the cell shows the rate and, under
        it, ``numerator / denominator`` (every rate carries its definition); sorting stays on the rate.

    Returns
    -------
    HTML
        Only ``columns`` are shown and downloaded; their text is masked
        (:mod:`workbench.privacy`) before any formatter sees it; numbers right-aligned, text
        left-aligned and wrapping; an overflowing table shows a shadow and a "scroll" hint.
    """
    kinds = dict(kinds or {})
    for column in kinds:
        parse_kind(kinds[column])
    if decimals is not None:
        floats = frame.select_dtypes("floating").columns
        frame = frame.assign(**{c: frame[c].round(decimals) for c in floats})
    if frame.empty:
        return HTML(f'<p class="wb-note">{escape(empty_text or label("none", lang))}</p>')
    columns = _lead_first(columns, lead, kinds)
    if exceptions is not None:
        flagged = frame[exceptions].fillna(False).astype(bool)
        frame = pd.concat([frame[flagged], frame[~flagged]])
    shown = _in_language(_masked(frame[list(columns)]), lang)
    ids = _row_keys(_masked(frame), key)
    keys = priority_columns(columns, lead, kinds)
    head = "".join(
        f'<th class="wb-sort{" num" if parse_kind(kinds.get(c))[0] in NUMERIC_KINDS else ""}'
        f'{" wb-key" if c in keys else ""}" tabindex="0">'
        f"{escape(label(k, lang))}</th>" for c, k in columns.items())
    rows = _table_rows(shown, columns, ids, lang, formats or {}, kinds, tones or {}, decimals,
                       _count_lines(frame, counts or {}, lang))
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


def priority_columns(columns: Mapping[str, str], lead: Sequence[str], kinds: Mapping[str, str]) -> set[str]:
    """The columns a reader must always see (``wb-key``): the first (the row's name), lead and status ones.

    A status column (:func:`is_status`) is one of kind ``status`` or named as views name their badge
    columns. The browser checks hold them visible without scrolling, at 390 and 1280 px.
    """
    first = next(iter(columns), None)
    status = {c for c in columns if is_status(c, kinds)}
    return {first, *lead, *status} - {None}


def _table_html(head: str, rows: Sequence[str], hint: str, wide: bool = False) -> str:
    css = "wb-scroll wb-wide" if wide else "wb-scroll"
    return (f'<div class="{css}" data-hint="{escape(hint)}">'
            f'<table class="wb-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _count_lines(frame: pd.DataFrame, counts: Mapping[str, tuple[str, str]],
                 lang: str) -> dict[str, list[str]]:
    """Rate column → each row's ``numerator / denominator`` as escaped HTML (empty without a denominator)."""
    lines = {}
    for column, (numerator, denominator) in counts.items():
        lines[column] = [
            "" if is_missing(d) or not d else
            f'<br><small class="wb-counts">{escape(format_count(n, lang))} / '
            f"{escape(format_count(d, lang))}</small>"
            for n, d in zip(frame[numerator], frame[denominator], strict=True)]
    return lines


def _table_rows(shown: pd.DataFrame, columns: Mapping[str, str], ids: Sequence[str | None], lang: str,
                formats: Mapping[str, Callable], kinds: Mapping[str, str], tones: Mapping[str, str],
                decimals: int | None, count_lines: Mapping[str, list[str]]) -> list[str]:
    numeric_columns = {column: _is_numeric_column(shown[column]) for column in columns}
    rows = []
    for row, (record, anchor) in enumerate(zip(shown.itertuples(index=False), ids, strict=True)):
        cells = []
        for column, value in zip(columns, record, strict=True):
            kind, prefix = parse_kind(kinds.get(column))
            if kind is not None and column not in formats:
                text, sort_key = _kind_cell(value, kind, prefix, lang, tones, decimals)
                numeric = kind in NUMERIC_KINDS
            else:
                text, numeric = _format_cell(value, formats.get(column), numeric_columns[column])
                sort_key = repr(float(value)) if _is_number(value) and not is_missing(value) else None
            if sort_key is not None:  # the raw value, for sorting: <data> keeps the cell's own attributes
                text = f'<data value="{escape(sort_key)}">{text}</data>'
            if column in count_lines:
                text += count_lines[column][row]
            css = "num" if numeric else "text"
            cells.append(f'<td class="{css}">{text}</td>')
        row_id = f' id="{anchor}"' if anchor else ""
        rows.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    return rows


