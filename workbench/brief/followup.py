"""The daily brief's figures of the follow-up work: enterprise requests, major projects, front-line staffing.

Each is a selection of the ``*_figures`` of its domain, the ones its full report publishes, so the
brief's numbers are the reports' numbers (plain JSON values already). Registered in
:data:`workbench.brief.figures.DOMAINS`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbench.domains import projects, requests, staffing
from workbench.domains.inspections import findings_tone


def request_brief(data: Mapping, day: pd.Timestamp, p) -> tuple[dict, list[str]]:
    """Open and overdue requests, the median days to resolve, and each overdue request (the actions)."""
    result = requests.analyse_requests(data["enterprise_requests"], day, p.request_days,
                                       enterprises=data.get("enterprises"))
    full = requests.request_figures(result)
    overdue = result.open[result.open["overdue"]]
    names = overdue["enterprise"] if "enterprise" in overdue.columns else overdue["enterprise_id"]
    actions = [{"request_id": str(r.request_id), "enterprise_id": str(r.enterprise_id),
                "enterprise": str(name), "category": str(r.category), "department": str(r.department),
                "age_days": int(r.age_days)}
               for r, name in zip(overdue.itertuples(index=False), names, strict=True)]
    figures = {k: full[k] for k in ("request_days", "open", "overdue", "resolved", "median_days")}
    figures |= {"tone": findings_tone(full["open"], full["overdue"]), "overdue_requests": actions,
                "enterprises_with_several": len(full["enterprises_with_several"])}
    return figures, list(result.warnings)


def project_brief(data: Mapping, day: pd.Timestamp, p) -> tuple[dict, list[str]]:
    """Procedures done of due, late ones still open (with days late), projects without progress."""
    result = projects.analyse_projects(data["projects"], data["project_milestones"], day, p.stall_days)
    full = projects.project_figures(result)
    names = result.progress.set_index("project_id")["name"]
    late = [{"project_id": m["project_id"], "name": str(names[m["project_id"]]), "milestone": m["milestone"],
             "days_late": m["days_late"]} for m in full["late_milestones"] if not m["done"]]
    stalled = [{"project_id": r["project_id"], "name": str(names[r["project_id"]])}
               for r in full["projects_table"] if r["no_progress"]]
    figures = {k: full[k] for k in ("stall_days", "projects", "done", "due", "progress", "late_open",
                                    "no_progress", "schedule")}
    tone = "bad" if full["late_open"] else "warn" if full["no_progress"] else "good"
    figures |= {"tone": tone, "late_open_milestones": late, "stalled_projects": stalled}
    return figures, list(result.warnings)


def staffing_brief(data: Mapping, day: pd.Timestamp, p) -> tuple[dict, list[str]]:
    """People on duty of those planned today, units short (each with its shortfall)."""
    result = staffing.analyse_staffing(data["staffing"], day, names=staffing.unit_names(data))
    full = staffing.staffing_figures(result)
    figures = {k: full[k] for k in ("units", "units_short", "planned", "on_duty", "shortfall", "share")}
    tone = "no_data" if full["on_duty"] is None else "warn" if full["units_short"] else "good"
    return figures | {"tone": tone, "short_units": full["short_units"]}, list(result.warnings)
