"""The index of every run: ``reports/index.html``, self-contained and escaped.

``collect_runs`` reads the run records (``reports/D/NAME[__S].json``); ``render_index``
turns them into one page with a small inline filter (by report and date) and no external
asset. Links are built from the files' own locations, never from values inside a record, and
errors are masked (records written before the privacy filter may hold raw text).
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from workbench.privacy import mask_personal

_STYLE = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:1.4em;margin:.3em 0}
form{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
label{min-width:0;max-width:100%}
select{font-size:1em;max-width:100%;width:auto}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.95em;min-width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #ddd;white-space:nowrap;vertical-align:top}
td.error{white-space:normal;min-width:14em;color:#8a1c1c}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:.85em;background:#777}
.badge.ok{background:#2e7d32}.badge.failed{background:#c62828}
.stale{color:#8a5a00;font-size:.85em}
"""

_FILTER_SCRIPT = """
(function () {
  var report = document.getElementById("f-report"), date = document.getElementById("f-date");
  function apply() {
    var rows = document.querySelectorAll("tbody tr"), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!report.value || rows[i].dataset.report === report.value) &&
               (!date.value || rows[i].dataset.date === date.value);
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    document.getElementById("f-count").textContent = shown + " / " + rows.length;
  }
  report.addEventListener("change", apply);
  date.addEventListener("change", apply);
  apply();
})();
"""


def collect_runs(reports_dir: str | os.PathLike) -> list[dict]:
    """Return one row per run record under ``reports_dir``, newest first.

    Each row holds date, report, scope, status, finished_at, duration_s, error, ``stem`` (the
    record's file name), and the relative links ``json_href``, ``html_href`` (None when there
    is no HTML) and ``html_is_last_good`` (the HTML is an earlier good run's, because this one
    failed). An unreadable record is listed with status ``unreadable``.
    """
    reports_dir = Path(reports_dir)
    rows = []
    for path in reports_dir.glob("*/*.json"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            record = {"report": path.stem, "status": "unreadable", "error": str(exc)}
        html = path.with_suffix(".html")
        has_html = html.is_file()
        rows.append({
            "date": str(record.get("date") or path.parent.name),
            "report": str(record.get("report") or path.stem),
            "scope": "" if record.get("scope") is None else str(record["scope"]),
            "status": str(record.get("status") or "unknown"),
            "finished_at": str(record.get("finished_at") or ""),
            "duration_s": record.get("duration_s"),
            "error": str(record.get("error") or ""),
            "stem": path.stem,
            "json_href": _href(path, reports_dir),
            "html_href": _href(html, reports_dir) if has_html else None,
            "html_is_last_good": has_html and record.get("status") != "ok",
        })
    rows.sort(key=lambda row: (row["date"], row["finished_at"]), reverse=True)
    return rows


def unrecorded_row(date: str, stem: str, error: str, reports_dir: str | os.PathLike) -> dict:
    """The row of a failed run whose record could not be written (a full or read-only disk)."""
    html = Path(reports_dir) / date / f"{stem}.html"
    has_html = html.is_file()
    return {"date": date, "report": stem, "scope": "", "status": "failed", "finished_at": "",
            "duration_s": None, "error": f"{error} (no record written)", "stem": stem, "json_href": None,
            "html_href": _href(html, Path(reports_dir)) if has_html else None, "html_is_last_good": has_html}


def _href(path: Path, root: Path) -> str:
    return "/".join(quote(part) for part in path.relative_to(root).parts)


def render_row(row: dict) -> str:
    """Return the ``<tr>`` of one run; every value is escaped."""
    status = row["status"]
    if row["html_href"] is None:
        html_link = "—"
    else:
        label = "last good HTML" if row["html_is_last_good"] else "HTML"
        html_link = f'<a href="{escape(row["html_href"])}">{label}</a>'
        if row["html_is_last_good"]:
            html_link += ' <span class="stale">(from an earlier run)</span>'
    duration = row["duration_s"]
    duration_text = f"{duration:.1f} s" if isinstance(duration, int | float) else ""
    error = mask_personal(row["error"].splitlines()[0]) if row["error"] and status != "ok" else ""
    cells = [
        escape(row["date"]), escape(row["report"]), escape(row["scope"]),
        f'<span class="badge {escape(status)}">{escape(status)}</span>',
        html_link, "—" if row["json_href"] is None else f'<a href="{escape(row["json_href"])}">JSON</a>',
        escape(duration_text),
    ]
    return (f'<tr data-report="{escape(row["report"])}" data-date="{escape(row["date"])}">'
            + "".join(f"<td>{cell}</td>" for cell in cells)
            + f'<td class="error">{escape(error)}</td></tr>')


def render_options(values: list[str], everything: str) -> str:
    """Return the ``<option>`` list of a filter: one for all, then each value (escaped)."""
    options = [f'<option value="">{everything}</option>']
    options += [f'<option value="{escape(v)}">{escape(v)}</option>' for v in values]
    return "".join(options)


def render_index(runs: list[dict], title: str = "Workbench reports") -> str:
    """Return the index page for ``runs`` (rows of ``collect_runs``, in display order)."""
    reports = sorted({row["report"] for row in runs})
    dates = sorted({row["date"] for row in runs}, reverse=True)
    failed = sum(row["status"] != "ok" for row in runs)
    header = "".join(f"<th>{h}</th>" for h in
                     ("Date", "Report", "Scope", "Status", "Report page", "Record", "Duration", "Error"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<p>{len(runs)} run(s), {failed} not ok.</p>
<form>
<label>Report <select id="f-report">{render_options(reports, "all")}</select></label>
<label>Date <select id="f-date">{render_options(dates, "all")}</select></label>
<span id="f-count"></span>
</form>
<div class="scroll">
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{"".join(render_row(row) + chr(10) for row in runs)}</tbody>
</table>
</div>
</main>
<script>{_FILTER_SCRIPT}</script>
</body>
</html>
"""
