"""The index of every run: ``reports/index.html``, self-contained and escaped.

``collect_runs`` reads the run records (``reports/D/NAME[__S].json``); ``render_index``
turns them into one page in one language (zh by default, ``lang``): one section per date,
newest first, the brief first in each, reports by their titles (labels, not ids), status as a
badge, links to the page, its record and the date's data-quality page; a small inline filter
(by report and date) and no external asset; a phone shows three columns. Links are built
from the files' own locations, never from values inside a record, and errors are masked
(records written before the privacy filter may hold raw text).
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from workbench.errors import error_headline
from workbench.present.i18n import label
from workbench.privacy import mask_personal

#: A date folder's data-quality page, linked from its section when it exists.
DATA_QUALITY_PAGE = "data_quality.html"
DATA_QUALITY_PAGE_EN = "data_quality_en.html"
DATA_QUALITY_RECORD = "data_quality.json"
#: Reports listed first in a date's section (the page a leader reads first).
FIRST_REPORTS = ("daily_brief",)
#: Endings of a report name that give its language (``daily_brief_en``).
LANGUAGE_SUFFIXES = ("_en", "_zh")

_STYLE = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
     margin:0;color:#222;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:12px;box-sizing:border-box}
h1{font-size:1.4em;margin:.3em 0}
h2{font-size:1.15em;margin:1.2em 0 .3em;border-bottom:1px solid #ddd;padding-bottom:.2em;
   display:flex;flex-wrap:wrap;gap:.2em 1em;align-items:baseline}
h2 a{font-size:.8em;font-weight:normal}
form{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
label{min-width:0;max-width:100%}
select{font-size:1em;max-width:100%;width:auto}
table{border-collapse:collapse;font-size:.95em;width:100%;table-layout:fixed}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}
th{font-size:.85em;color:#555}
col.status{width:6.5em}col.links{width:11em}
.title a{font-weight:600}
.code,.meta{color:#666;font-size:.82em}code.code{font-family:inherit}
.error{display:block;color:#8a1c1c;font-size:.85em}
.links a{margin-right:.6em;white-space:nowrap}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:.85em;background:#777;
       -webkit-print-color-adjust:exact;print-color-adjust:exact}
.badge.ok{background:#2e7d32}.badge.failed{background:#c62828}
.stale{color:#8a5a00;font-size:.85em}
a{color:#1565c0}
tr.brief td{background:#f3f7fc}
@media (max-width:480px){col.links{width:7.5em}col.status{width:4.8em}main{padding:8px}}
"""

_FILTER_SCRIPT = """
(function () {
  var report = document.getElementById("f-report"), date = document.getElementById("f-date");
  function apply() {
    var rows = document.querySelectorAll("tbody tr"), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!report.value || rows[i].dataset.group === report.value) &&
               (!date.value || rows[i].dataset.date === date.value);
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    var sections = document.querySelectorAll("section[data-date]");
    for (var j = 0; j < sections.length; j++) {
      sections[j].hidden = !sections[j].querySelector("tbody tr:not([hidden])");
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
    failed), ``lang`` (the report's language, from its parameters) and ``data_quality_href``
    (the date folder's ``data_quality.html``, None when there is none; ``data_quality_en_href`` its
    English page, ``data_quality_en.html``). An unreadable record
    is listed with status ``unreadable``.
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
            "scope_name": _scope_name(record),
            "status": str(record.get("status") or "unknown"),
            "finished_at": str(record.get("finished_at") or ""),
            "duration_s": record.get("duration_s"),
            "error": str(record.get("error") or ""),
            "stem": path.stem,
            "json_href": _href(path, reports_dir),
            "html_href": _href(html, reports_dir) if has_html else None,
            "html_is_last_good": has_html and record.get("status") != "ok",
            "lang": _record_lang(record),
            "data_quality_href": _data_quality_href(path.parent, reports_dir),
            "data_quality_en_href": _data_quality_href(path.parent, reports_dir, DATA_QUALITY_PAGE_EN),
        })
    rows.sort(key=lambda row: (row["date"], row["finished_at"]), reverse=True)
    return rows


def _scope_name(record: dict) -> str:
    """The name of a scoped run's street (its figures' ``scope_name``), or ""."""
    figures = record.get("figures")
    name = figures.get("scope_name") if isinstance(figures, dict) else None
    return mask_personal(str(name)) if name else ""


def unrecorded_row(date: str, stem: str, error: str, reports_dir: str | os.PathLike) -> dict:
    """The row of a failed run whose record could not be written (a full or read-only disk)."""
    html = Path(reports_dir) / date / f"{stem}.html"
    has_html = html.is_file()
    return {"date": date, "report": stem, "scope": "", "scope_name": "", "status": "failed",
            "finished_at": "",
            "duration_s": None, "error": f"{error} (no record written)", "stem": stem, "json_href": None,
            "html_href": _href(html, Path(reports_dir)) if has_html else None, "html_is_last_good": has_html,
            "lang": "zh", "data_quality_href": _data_quality_href(html.parent, Path(reports_dir))}


def _record_lang(record: dict) -> str:
    parameters = record.get("parameters")
    lang = parameters.get("lang") if isinstance(parameters, dict) else None
    return lang if lang in ("zh", "en") else "zh"


def _data_quality_href(folder: Path, root: Path, name: str = DATA_QUALITY_PAGE) -> str | None:
    page = folder / name
    return _href(page, root) if page.is_file() else None


def _href(path: Path, root: Path) -> str:
    return "/".join(quote(part) for part in path.relative_to(root).parts)


def base_report(report: str) -> str:
    """The notebook a report name stands for: ``daily_brief_en`` (the en brief) → ``daily_brief``."""
    for suffix in LANGUAGE_SUFFIXES:
        if report.endswith(suffix) and len(report) > len(suffix):
            return report[: -len(suffix)]
    return report


def report_title(report: str, lang: str = "zh") -> str:
    """A report's title for people: its label in ``lang`` (the report's name when it has none)."""
    base = base_report(report)
    return label("brief_title" if base == "daily_brief" else base, lang)


def language_tag(row: dict, lang: str = "zh") -> str:
    """"English" / "中文版" when the run's page is in another language than the index, else ""."""
    if row.get("lang", "zh") == lang:
        return ""
    return label("index_in_english" if row.get("lang") == "en" else "index_in_chinese", lang)


def render_row(row: dict, lang: str = "zh") -> str:
    """Return the ``<tr>`` of one run (title, status, links); every value is escaped."""
    status = row["status"]
    title = escape(" · ".join(p for p in (report_title(row["report"], lang), row.get("scope_name")) if p))
    if row["html_href"] is not None and not row["html_is_last_good"]:
        title = f'<a href="{escape(row["html_href"])}">{title}</a>'
    scope = label("district", lang) if row["scope"] == "district" else row["scope"]
    code = " · ".join(part for part in (row["report"], scope) if part)
    tag = language_tag(row, lang)
    error = mask_personal(error_headline(row["error"])) if row["error"] and status != "ok" else ""
    duration = row["duration_s"]
    meta = label("index_seconds", lang, s=f"{duration:.1f}") if isinstance(duration, int | float) else ""
    links = []
    if row["html_href"] is not None:
        text = label("index_last_good" if row["html_is_last_good"] else "index_page", lang)
        links.append(f'<a href="{escape(row["html_href"])}">{escape(text)}</a>')
        if row["html_is_last_good"]:
            links.append(f'<span class="stale">{escape(label("index_from_earlier", lang))}</span>')
    if row["json_href"] is not None:
        links.append(f'<a href="{escape(row["json_href"])}">{escape(label("index_record", lang))}</a>')
    status_text = label(f"run_status_{status}", lang) if status in ("ok", "failed", "unreadable") else status
    css = ' class="brief"' if base_report(row["report"]) in FIRST_REPORTS else ""
    group = escape(base_report(row["report"]))  # the filter's: a report in every language at once
    return (f'<tr{css} data-report="{escape(row["report"])}" data-date="{escape(row["date"])}" '
            f'data-group="{group}">'
            f'<td class="title">{title}{f" <span class=meta>{escape(tag)}</span>" if tag else ""} '
            f'<code class="code">{escape(code)}</code>'
            f'{f"<span class=meta> · {escape(meta)}</span>" if meta else ""}'
            f'{f"<span class=error>{escape(error)}</span>" if error else ""}</td>'
            f'<td><span class="badge {escape(status)}">{escape(status_text)}</span></td>'
            f'<td class="links">{" ".join(links) or "—"}</td></tr>')


def render_options(values: list[str], everything: str, names: dict[str, str] | None = None) -> str:
    """Return the ``<option>`` list of a filter: one for all, then each value (escaped), by its name."""
    names = names or {}
    options = [f'<option value="">{escape(everything)}</option>']
    options += [f'<option value="{escape(v)}">{escape(names.get(v, v))}</option>' for v in values]
    return "".join(options)


def _in_section_order(rows: list[dict], lang: str = "zh") -> list[dict]:
    """One date's rows: the brief(s) first (the index's language first), then by report and scope."""
    def rank(row: dict):
        base = base_report(row["report"])
        first = FIRST_REPORTS.index(base) if base in FIRST_REPORTS else len(FIRST_REPORTS)
        return (first, row.get("lang", "zh") != lang, row["report"], row["scope"] not in ("", "district"),
                row["scope"])
    return sorted(rows, key=rank)


def render_section(date: str, rows: list[dict], lang: str = "zh") -> str:
    """One date's runs: a heading (with the data-quality link) and a three-column table."""
    keys = ("data_quality_en_href", "data_quality_href") if lang == "en" else ("data_quality_href",)
    quality = next((row[key] for key in keys for row in rows if row.get(key)), None)
    link = f'<a href="{escape(quality)}">{escape(label("index_data_quality", lang))}</a>' if quality else ""
    head = "".join(f"<th>{escape(label(key, lang))}</th>" for key in ("index_report", "index_status",
                                                                       "index_links"))
    body = "".join(render_row(row, lang) + "\n" for row in _in_section_order(rows, lang))
    return (f'<section data-date="{escape(date)}"><h2><span>{escape(date)}</span>{link}</h2>'
            f'<table><colgroup><col><col class="status"><col class="links"></colgroup>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table></section>")


def render_index(runs: list[dict], title: str | None = None, lang: str = "zh") -> str:
    """Return the index page for ``runs`` (rows of ``collect_runs``) in ``lang`` (zh or en)."""
    title = title or label("index_title", lang)
    reports = sorted({base_report(row["report"]) for row in runs})
    names = {report: report_title(report, lang) for report in reports}
    dates = sorted({row["date"] for row in runs}, reverse=True)
    failed = sum(row["status"] != "ok" for row in runs)
    report_options = render_options(reports, label("index_all", lang), names)
    date_options = render_options(dates, label("index_all", lang))
    sections = "".join(render_section(date, [row for row in runs if row["date"] == date], lang)
                       for date in dates)
    summary = label("index_summary" if failed else "index_summary_all_ok", lang, n=len(runs), failed=failed)
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<p>{escape(summary)}</p>
<form>
<label>{escape(label("index_report", lang))} <select id="f-report">{report_options}</select></label>
<label>{escape(label("index_date", lang))} <select id="f-date">{date_options}</select></label>
<span id="f-count"></span>
</form>
{sections}
</main>
<script>{_FILTER_SCRIPT}</script>
</body>
</html>
"""
