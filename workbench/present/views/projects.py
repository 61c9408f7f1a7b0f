"""The projects report: headline, procedures per project, late procedures."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains.projects import ProjectResult
from workbench.present import display
from workbench.present.i18n import format_count, format_share, label, unit_text
from workbench.present.safe_html import escape


def definition(result: ProjectResult, lang: str = "zh") -> HTML:
    return HTML(f'<p class="wb-note">{escape(label("pj_definition", lang, days=result.stall_days))}</p>')


def headline(result: ProjectResult, lang: str = "zh") -> HTML:
    """Cards: procedures done of due, late ones not done, stalled projects, investment by schedule."""
    totals, schedule = result.totals, result.totals["schedule"]
    return display.headline([
        {"label": label("pj_progress", lang), "value": f"{totals['done']} / {totals['due']}",
         "detail": format_share(totals["progress"]), "status": "bad" if totals["late_open"] else "good"},
        {"label": label("pj_late_open", lang), "value": format_count(totals["late_open"], lang),
         "status": "bad" if totals["late_open"] else "good"},
        {"label": label("pj_no_progress", lang), "value": format_count(totals["no_progress"], lang),
         "status": "warn" if totals["no_progress"] else "good"},
        {"label": label("pj_off_investment", lang),
         "value": f"{schedule['off']['investment_wan']:,.0f} {unit_text('万元', lang)}",
         "detail": f"{label('pj_on_investment', lang)} {schedule['on']['investment_wan']:,.0f} "
                   f"{unit_text('万元', lang)}",
         "status": "warn" if schedule["off"]["projects"] else "good"},
    ])


def _schedule(row, lang: str) -> str:
    parts = [display.badge(label("pj_off_schedule" if row.off_schedule else "pj_on_schedule", lang),
                           "bad" if row.off_schedule else "good")]
    if row.no_progress:
        parts.append(display.badge(label("pj_stalled", lang), "warn"))
    return " ".join(parts)


def projects_table(result: ProjectResult, lang: str = "zh") -> HTML:
    """Per project: investment, procedures done and due, progress, days since the last, schedule."""
    frame = result.progress.copy()
    frame["schedule"] = [_schedule(r, lang) for r in frame.itertuples(index=False)]
    columns = {"name": "pj_project", "schedule": "pj_schedule", "progress": "pj_progress", "done": "pj_done",
               "due": "pj_due", "days_since_progress": "pj_days_since", "investment_wan": "pj_investment"}
    formats = {"progress": display.share_formatter(), "schedule": lambda html: html,
               "investment_wan": lambda v: escape(f"{v:,.0f}"),
               "days_since_progress": lambda v: escape(format_count(None if pd.isna(v) else int(v), lang))}
    return display.table(frame, columns, lang, decimals=6, formats=formats, csv_name="projects.csv")


def late_table(result: ProjectResult, lang: str = "zh") -> HTML:
    """Late procedures: still open first, most days late first."""
    frame = result.late.assign(done_on=[_day(d) for d in result.late["done_on"]])
    columns = {"name": "pj_project", "milestone": "pj_milestone", "planned_on": "pj_planned_on",
               "done_on": "pj_done_on", "days_late": "pj_days_late"}
    return display.table(frame, columns, lang, csv_name="late_procedures.csv")


def _day(value) -> str:
    """A date as YYYY-MM-DD, "—" when there is none (not done yet)."""
    return "—" if pd.isna(value) else f"{value:%Y-%m-%d}"
