"""Major projects: their approval procedures (前期手续) milestone by milestone, late ones, stalled projects.

Definitions (DESIGN.md, "Milestone"), with the counting made exact; D is the report date at
midnight:

- A milestone is **done** when ``done_on`` ≤ D (done after D: not done yet), **due** when
  ``planned_on`` ≤ D (due today is due).
- **Progress** of a project = its done milestones ÷ its due milestones (NaN when none is due;
  above 1 when procedures were finished ahead of plan).
- A milestone is **late** when due and not done (days late = D − ``planned_on``; due today
  and not done: late by 0 days) or done after ``planned_on`` (days late = ``done_on`` −
  ``planned_on``). Done on or before its plan, or not yet due: not late.
- A project is **off schedule** when at least one of its milestones is due and not done,
  else **on schedule**. Its investment counts in ``investment_wan`` (万元; 1 亿元 = 10 000 万元).
- A project has **no progress** in ``stall_days`` (default 14) when it is off schedule (a
  milestone due and not done: work it should be doing) and its last milestone done (on or
  before D) is at least ``stall_days`` days before D, or none was ever done
  (:func:`workbench.domains.common.past_limit`). A project on schedule (every due milestone
  done, the next not yet due) is waiting for its plan, not stalled: a page never shows a
  project as both on schedule and stalled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import past_limit, ratio, time_since
from workbench.intake.vocabulary import UNITS

DEFAULT_STALL_DAYS = 14
#: The unit of investment in tables and figures.
WAN = UNITS["万元"][1]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]").dt.normalize()


def classify_milestones(milestones: pd.DataFrame, report_date) -> pd.DataFrame:
    """Each milestone's state at the report date.

    Parameters
    ----------
    milestones : DataFrame
        ``project_id``, ``milestone``, ``planned_on``, ``done_on`` (may be empty).
    report_date : date-like

    Returns
    -------
    DataFrame
        A copy with ``done``, ``due``, ``late`` (bool) and ``days_late`` (int where late, else
        missing, ``Int64``).
    """
    day = pd.Timestamp(report_date).normalize()
    out = milestones.copy()
    out["planned_on"] = _dates(out["planned_on"])
    out["done_on"] = _dates(out["done_on"])
    out["done"] = out["done_on"].notna() & (out["done_on"] <= day)
    out["due"] = out["planned_on"] <= day
    pending_late = out["due"] & ~out["done"]
    done_late = out["done"] & (out["done_on"] > out["planned_on"])
    out["late"] = pending_late | done_late
    days = np.where(
        pending_late,
        (day - out["planned_on"]).dt.days,
        np.where(done_late, (out["done_on"] - out["planned_on"]).dt.days, -1),
    )
    out["days_late"] = pd.array(days, dtype="Int64")
    out.loc[~out["late"], "days_late"] = pd.NA
    return out


def project_progress(
    projects: pd.DataFrame, classified: pd.DataFrame, report_date, stall_days: int = DEFAULT_STALL_DAYS
) -> pd.DataFrame:
    """One row per project: milestones done, due, late, progress, schedule and stall.

    Parameters
    ----------
    projects : DataFrame
        ``project_id``, ``name``, ``investment``, ``unit`` (万元 or 亿元).
    classified : DataFrame
        From :func:`classify_milestones`.

    Returns
    -------
    DataFrame
        ``project_id``, ``name``, ``investment_wan`` (万元), ``milestones``, ``done``, ``due``,
        ``late``, ``pending_late`` (due, not done), ``progress``, ``off_schedule`` (bool),
        ``last_done_on``, ``days_since_progress`` (NaN when none done), ``no_progress`` (bool).
    """
    day = pd.Timestamp(report_date).normalize()
    groups = classified.assign(
        pending_late=classified["due"] & ~classified["done"],
        done_day=classified["done_on"].where(classified["done"]),
    )
    counts = groups.groupby("project_id").agg(
        milestones=("milestone", "size"),
        done=("done", "sum"),
        due=("due", "sum"),
        late=("late", "sum"),
        pending_late=("pending_late", "sum"),
        last_done_on=("done_day", "max"),
    )
    out = projects[["project_id", "name"]].copy()
    factor = projects["unit"].map(lambda unit: UNITS[unit][1] / WAN)
    out["investment_wan"] = projects["investment"].astype("float64") * factor
    out = out.join(counts, on="project_id")
    numbers = ["milestones", "done", "due", "late", "pending_late"]
    out[numbers] = out[numbers].fillna(0).astype("int64")
    out["progress"] = ratio(out["done"], out["due"])
    out["off_schedule"] = out["pending_late"] > 0
    out["days_since_progress"] = time_since(out["last_done_on"], day, "D")
    out["no_progress"] = out["off_schedule"] & past_limit(out["days_since_progress"], stall_days)
    return out.reset_index(drop=True)


def late_milestones(classified: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Late milestones, still open first, then most days late, then by project and milestone.

    Returns ``project_id``, ``name``, ``milestone``, ``planned_on``, ``done_on``, ``done``,
    ``days_late``.
    """
    rows = classified[classified["late"]].copy()
    rows["name"] = rows["project_id"].map(projects.set_index("project_id")["name"])
    rows = rows.sort_values(
        ["done", "days_late", "project_id", "milestone"], ascending=[True, False, True, True]
    )
    return rows[
        ["project_id", "name", "milestone", "planned_on", "done_on", "done", "days_late"]
    ].reset_index(drop=True)


def investment_by_schedule(progress: pd.DataFrame) -> dict:
    """Projects and investment (万元) on and off schedule: ``{"on": {...}, "off": {...}}``."""

    def part(rows):
        return {"projects": int(len(rows)), "investment_wan": float(rows["investment_wan"].sum())}

    return {"on": part(progress[~progress["off_schedule"]]), "off": part(progress[progress["off_schedule"]])}


@dataclass
class ProjectResult:
    """Everything the projects report shows, computed by :func:`analyse_projects`."""

    report_date: pd.Timestamp
    stall_days: int
    milestones: pd.DataFrame
    progress: pd.DataFrame
    late: pd.DataFrame
    totals: dict
    warnings: list[str] = field(default_factory=list)


def analyse_projects(
    projects: pd.DataFrame, milestones: pd.DataFrame, report_date, stall_days: int = DEFAULT_STALL_DAYS
) -> ProjectResult:
    """Procedures done against plan, late milestones, stalled projects, investment by schedule.

    Parameters
    ----------
    projects : DataFrame
        ``project_id``, ``name``, ``investment``, ``unit``.
    milestones : DataFrame
        ``project_id``, ``milestone``, ``planned_on``, ``done_on``.
    report_date : date-like
    stall_days : int
        Days without a milestone done after which an unfinished project has *no progress*.
    """
    warnings = []
    unknown = ~milestones["project_id"].isin(projects["project_id"])
    if unknown.any():
        warnings.append(f"{int(unknown.sum())} milestone(s) of a project not in projects are not counted")
    classified = classify_milestones(milestones[~unknown], report_date)
    progress = project_progress(projects, classified, report_date, stall_days)
    without = int((progress["milestones"] == 0).sum())
    if without:
        warnings.append(f"{without} project(s) have no milestone")
    totals = {
        "projects": int(len(progress)),
        "milestones": int(len(classified)),
        "done": int(classified["done"].sum()),
        "due": int(classified["due"].sum()),
        "late": int(classified["late"].sum()),
        "late_open": int((classified["due"] & ~classified["done"]).sum()),
        "no_progress": int(progress["no_progress"].sum()),
    }
    totals["progress"] = ratio(totals["done"], totals["due"])
    return ProjectResult(
        report_date=pd.Timestamp(report_date).normalize(),
        stall_days=int(stall_days),
        milestones=classified,
        progress=progress,
        late=late_milestones(classified, projects),
        totals=totals | {"schedule": investment_by_schedule(progress)},
        warnings=warnings,
    )


def _float(value):
    return None if value is None or pd.isna(value) else round(float(value), 6)


def project_figures(result: ProjectResult) -> dict:
    """The projects report's JSON ``figures``."""
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "stall_days": result.stall_days,
        **{k: v for k, v in result.totals.items() if k != "progress"},
        "progress": _float(result.totals["progress"]),
        "projects_table": [
            {
                "project_id": str(r.project_id),
                "done": int(r.done),
                "due": int(r.due),
                "progress": _float(r.progress),
                "off_schedule": bool(r.off_schedule),
                "no_progress": bool(r.no_progress),
                "investment_wan": float(r.investment_wan),
            }
            for r in result.progress.itertuples(index=False)
        ],
        "late_milestones": [
            {
                "project_id": str(r.project_id),
                "milestone": str(r.milestone),
                "done": bool(r.done),
                "days_late": int(r.days_late),
            }
            for r in result.late.itertuples(index=False)
        ],
    }
