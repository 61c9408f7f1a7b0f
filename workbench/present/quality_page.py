"""The data-quality page (``reports/D/data_quality.html``): :mod:`workbench.intake.quality`'s figures drawn.

One self-contained HTML document, offline, with the look of the reports (the CSS of the
runner's nbconvert template and :mod:`workbench.present.display`'s title block and tables).
Every value from data is escaped and masked by the tables it sits in; catalog names, columns
and files are shown as ``<code>``, and so are the values a problem found in a file; intake's
own words (what a value should have been, why rows were set aside) are worded in the page's
language (:func:`workbench.present.problem_wording.problem_text`), and a shape not known yet is shown in
English with ``lang="en"``. Nothing here computes a figure: counts and shares come from the figures.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from workbench.intake.contract import SCHEMAS
from workbench.intake.quality import HIDDEN
from workbench.intake.template_labels import labels_of
from workbench.present.display import REPORT_CSS, badge, headline, section, table, title_block
from workbench.present.i18n import all_labels, format_count, format_share, label
from workbench.present.problem_wording import CODE_PARTS, problem_words
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal

PAGE_NAME = "data_quality"
#: The runner's nbconvert template, whose page CSS this page shares.
TEMPLATE = Path(__file__).resolve().parents[1] / "runner" / "templates" / "workbench" / "index.html.j2"
#: Catalog names and files stay whole in a table cell (the table scrolls instead).
_CODE_CSS = "<style>.wb-table td.text code {overflow-wrap: normal; white-space: nowrap;}</style>"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


@functools.cache
def page_css() -> str:
    """The page rules of the reports' template (body, headings, ``main``), as one ``<style>``."""
    rules = _STYLE.findall(TEMPLATE.read_text("utf-8")) if TEMPLATE.is_file() else []
    return f"<style>{''.join(rules)}</style>"


def render_quality_page(figures: Mapping, pack, lang: str = "zh", generated_at=None) -> str:
    """The whole page for ``figures`` (from :func:`workbench.intake.quality.quality_figures`).

    ``pack`` gives the title block its name and fingerprint.
    """
    parts = [
        title_block(
            PAGE_NAME, pack, label("dq_scope", lang), figures["report_date"], lang, generated_at, meta=True
        ).data,
        f'<p class="wb-note">{escape(label("dq_intro", lang))}</p>',
        headline(summary_cards(figures, lang)).data,
        section(label("dq_section_reports", lang)).data,
        reports_table(figures["reports"], lang),
        section(label("dq_section_datasets", lang)).data,
        datasets_table(figures["datasets"], lang),
        section(label("dq_section_files", lang)).data,
        files_table(figures["datasets"], lang),
        section(label("dq_section_set_aside", lang), label("dq_set_aside_note", lang)).data,
        set_aside_table(figures["datasets"], lang),
        section(label("dq_section_reporting", lang), label("dq_reporting_note", lang)).data,
        *reporting_tables(figures["reporting"], lang),
        section(label("dq_section_problems", lang), label("dq_problems_note", lang)).data,
        problems_table(figures, lang),
    ]
    title = f"{label(PAGE_NAME, lang)} · {mask_personal(pack.display_name(lang))} · {figures['report_date']}"
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>{page_css()}{REPORT_CSS}{_CODE_CSS}</head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )


def summary_cards(figures: Mapping, lang: str) -> list[dict]:
    """Headline cards: errors, warnings, datasets loaded of listed, reports that can run."""
    datasets, reports, counts = figures["datasets"], figures["reports"], figures["counts"]
    loaded = sum(d["loaded"] for d in datasets.values())
    runs = sum(r["runs"] for r in reports)
    return [
        {"label": label("dq_errors", lang), "value": format_count(counts["errors"]),
         "status": "bad" if counts["errors"] else "good"},
        {"label": label("dq_warnings", lang), "value": format_count(counts["warnings"]),
         "status": "warn" if counts["warnings"] else "good"},
        {"label": label("dq_datasets_loaded", lang), "value": f"{loaded} / {len(datasets)}"},
        {"label": label("dq_reports_runnable", lang), "value": f"{runs} / {len(reports)}",
         "status": "good" if runs == len(reports) else "warn"},
    ]  # fmt: skip


def code(value) -> str:
    """An identifier from the catalog or the contract (a dataset, a column), escaped, as code."""
    return "" if value is None or value == "" else f"<code>{escape(value)}</code>"


def dataset_title(name: str, lang: str) -> str:
    """The dataset's title in ``lang`` (the templates' words); its catalog name when not in the contract."""
    if name not in SCHEMAS:
        return name
    known = labels_of(name)
    return known.title_zh if lang == "zh" else known.title_en


def report_title(report: str, lang: str) -> str:
    return label(report, lang) if report in all_labels() else label(f"dq_report_{report}", lang)


def reasons_html(readiness: Mapping, lang: str) -> str:
    """Why a report cannot run, or what it runs without; dataset names as code."""
    parts = []
    for key, field in (("dq_missing", "missing"), ("dq_erring", "erring"), ("dq_without", "without")):
        if readiness[field]:
            names = ", ".join(code(name) for name in readiness[field])
            parts.append(escape(label(key, lang, names="\0")).replace("\0", names))
    if readiness.get("one_of"):
        groups = [" + ".join(code(n) for n in group) for group in readiness["one_of"]]
        parts.append(escape(label("dq_one_of", lang, names="\0")).replace(
            "\0", f" {escape(label('dq_or', lang))} ".join(groups)))
    return "; ".join(parts)


def reports_table(reports: list[Mapping], lang: str) -> str:
    """Each report: can it run, and why not (missing or erring datasets), or what it runs without."""
    rows = []
    for r in reports:
        verdict = label("dq_can_run" if r["runs"] else "dq_cannot_run", lang)
        status = "good" if r["runs"] else "bad"
        rows.append(
            {
                "report": report_title(r["report"], lang),
                "runs": badge(verdict, status),
                "why": reasons_html(r, lang),
            }
        )
    frame = pd.DataFrame(rows, columns=["report", "runs", "why"])
    return table(
        frame,
        {"report": "dq_report", "runs": "dq_runs", "why": "dq_why"},
        lang,
        formats={"runs": _as_is, "why": _as_is},
    ).data


def _as_is(html: str) -> str:
    """A cell already built as safe HTML (a badge, escaped text with code)."""
    return html


def _count(value) -> str:
    return "—" if value is None else escape(format_count(value))


def datasets_table(datasets: Mapping[str, Mapping], lang: str) -> str:
    """Per dataset: files, rows read, kept, set aside, its date range, errors and warnings."""
    rows = []
    for name, d in datasets.items():
        span = d["date_range"] or {}
        rows.append({
            "title": dataset_title(name, lang), "name": name, "files": len(d["files"]),
            "rows_read": d["rows_read"], "rows_kept": d["rows_kept"], "rows_set_aside": d["rows_set_aside"],
            "date_column": span.get("column"), "first_day": span.get("first_day") or "",
            "last_day": span.get("last_day") or "", "errors": d["errors"], "warnings": d["warnings"],
        })  # fmt: skip
    columns = {"title": "dq_dataset", "name": "dq_code", "files": "dq_files", "rows_read": "dq_rows_read",
               "rows_kept": "dq_rows_kept", "rows_set_aside": "dq_rows_set_aside",
               "date_column": "dq_date_column",
               "first_day": "dq_first_day", "last_day": "dq_last_day", "errors": "dq_errors",
               "warnings": "dq_warnings"}  # fmt: skip
    return _rows_table(rows, columns, lang, codes=("name", "date_column"))


def files_table(datasets: Mapping[str, Mapping], lang: str) -> str:
    """Every file read: its dataset, rows read, kept and set aside (— when the dataset was not loaded)."""
    rows = [{"name": name, **f} for name, d in datasets.items() for f in d["files"]]
    columns = {"name": "dq_code", "file": "dq_file", "rows_read": "dq_rows_read", "rows_kept": "dq_rows_kept",
               "rows_set_aside": "dq_rows_set_aside"}  # fmt: skip
    return _rows_table(rows, columns, lang, codes=("name", "file"))


def _rows_table(rows: list[dict], columns: Mapping[str, str], lang: str, codes: tuple[str, ...]) -> str:
    """A table of row counts (read, kept, set aside) with ``codes`` columns shown as code."""
    counts = dict.fromkeys(("rows_read", "rows_kept", "rows_set_aside"), _count)
    return table(pd.DataFrame(rows, columns=list(columns)), columns, lang,
                 formats={**dict.fromkeys(codes, code), **counts}).data


def problem_html(text: str, lang: str) -> str | None:
    """Intake's words in ``lang`` as safe HTML, names of the pack as code; None when not of a known shape.

    In English intake's words are shown as they are.
    """
    if lang == "en":
        return escape(text)
    words = problem_words(text, lang)
    if words is None:
        return None
    wording, values = words
    parts = []
    for literal, name, _, _ in string.Formatter().parse(wording):
        parts.append(escape(literal))
        if name is not None:
            parts.append(code(values[name]) if name in CODE_PARTS else escape(values[name]))
    return "".join(parts)


def worded(lang: str):
    """A cell formatter for intake's own words (English): in ``lang`` when their shape is known
    (:func:`problem_html`), else as they are, marked as English."""
    def cell(text) -> str:
        if not text:
            return ""
        known = problem_html(str(text), lang)
        return known if known is not None else f'<span lang="en">{escape(text)}</span>'
    return cell


def found_cell(lang: str):
    """What a problem found: intake's words in ``lang`` when known, else the file's value, as code."""
    def cell(text) -> str:
        if not text:
            return ""
        if text == HIDDEN:
            return escape(label("dq_hidden", lang))
        known = problem_html(str(text), lang)
        return known if known is not None else code(text)
    return cell


def set_aside_table(datasets: Mapping[str, Mapping], lang: str) -> str:
    """Every reason rows were set aside, with its file, column and rows."""
    rows = [
        {"name": name, **reason, "kind": label(f"dq_kind_{reason['kind']}", lang)}
        for name, d in datasets.items()
        for reason in d["set_aside"]
    ]
    columns = {
        "name": "dq_code",
        "file": "dq_file",
        "column": "dq_column",
        "kind": "dq_reason",
        "reason": "dq_detail",
        "rows": "dq_rows",
    }
    return table(
        pd.DataFrame(rows, columns=list(columns)),
        columns,
        lang,
        formats={"name": code, "file": code, "column": code, "reason": worded(lang)},
    ).data


def reporting_tables(reporting: Mapping[str, Mapping], lang: str) -> list[str]:
    """Completeness by unit kind, then every late unit (capped, with the exact count)."""
    if not reporting:
        return [f'<p class="wb-note">{escape(label("dq_no_units", lang))}</p>']
    summary = pd.DataFrame([
        {"kind": label(f"dq_unit_{kind}", lang), "records": r["records"], "day": r.get("checked_day"),
         "expected": r["expected"], "reported": r["reported"], "completeness": r["completeness"],
         "late": r["late_count"]}
        for kind, r in reporting.items()
    ])  # fmt: skip
    columns = {
        "kind": "dq_unit_kind",
        "records": "dq_records",
        "day": "dq_checked_day",
        "expected": "dq_expected_units",
        "reported": "dq_reported_units",
        "completeness": "dq_completeness",
        "late": "dq_late_units",
    }
    out = [
        table(
            summary,
            columns,
            lang,
            formats={"records": code, "completeness": lambda v: escape(format_share(v))},
        ).data
    ]
    late = pd.DataFrame([
        {"kind": label(f"dq_unit_{kind}", lang), "name": u.get("name") or "—", "unit": u["unit"],
         "last_day": u["last_day"] or label("dq_never", lang), "days_since": u["days_since"]}
        for kind, r in reporting.items() for u in r["late"]
    ], columns=["kind", "name", "unit", "last_day", "days_since"])  # fmt: skip
    out.append(f"<h3>{escape(label('dq_section_late', lang))}</h3>")
    out.append(
        table(
            late,
            {
                "name": "name",
                "kind": "dq_unit_kind",
                "unit": "dq_unit",
                "last_day": "dq_unit_last_day",
                "days_since": "dq_days_since",
            },
            lang,
            formats={"unit": code, "days_since": _count},
        ).data
    )
    hidden = sum(r["late_count"] - len(r["late"]) for r in reporting.values())
    if hidden:
        note = label("dq_late_not_listed", lang, count=format_count(hidden))
        out.append(f'<p class="wb-note">{escape(note)}</p>')
    return out


def problems_table(figures: Mapping, lang: str) -> str:
    """Every problem listed: severity, dataset, file, row (or XLSX cell), column, expected, found."""
    problems = figures["problems"]
    if not problems:
        return f'<p class="wb-note">{escape(label("dq_no_problems", lang))}</p>'
    frame = pd.DataFrame(
        [
            {
                **p,
                "severity": label(f"dq_severity_{p['severity']}", lang),
                "row": "" if p["row"] is None else str(p["row"]),
            }
            for p in problems
        ]
    )
    columns = {
        "severity": "dq_severity",
        "dataset": "dq_code",
        "file": "dq_file",
        "row": "dq_row",
        "column": "dq_column",
        "expected": "dq_expected",
        "found": "dq_found",
    }
    formats = {
        "dataset": code,
        "file": code,
        "column": code,
        "expected": worded(lang),
        "found": found_cell(lang),
    }
    out = table(frame, columns, lang, formats=formats).data
    more = figures["counts"]["problems_not_listed"]
    if more:
        shown = format_count(len(problems))
        note = label("dq_problems_not_listed", lang, count=format_count(more), shown=shown)
        out += f'<p class="wb-note">{escape(note)}</p>'
    return out
