"""Supervision inspections: what failed, whether it is fixed, what is overdue, who was not visited.

Definitions (DESIGN.md, "Metric definitions"), with the counting made exact:

- The **report day** D is the report date at midnight. Visits dated after D are ignored,
  with a warning stating how many.
- The **window** is the ``window_days`` calendar days ending on D, both ends included:
  [D − (window_days − 1), D]. With the default 7 and D = 2022-10-09 it is 10-03 … 10-09.
- A visit **passes** when ``staffing_ok``, ``disinfection_log_ok`` and
  ``registration_log_ok`` are all true (a missing value is not true; the loader rejects
  missing values anyway). *Pass rate* = passed visits / visits, over the window.
- The **age** of a visit is the number of calendar days from its date to D: a visit on D has
  age 0, one on the day before age 1.
- A failed visit is **closed** when ``rectified_on`` is on or before D, and **open** while
  ``rectified_on`` is empty or later than D (it was not yet fixed on the report date).
  Open findings count whatever their date (an old one left open matters most), not only
  those of the window.
- An open finding is **overdue** when its age is greater than ``rectify_days`` (its time since
  the visit reaches ``rectify_days`` + 1, :func:`workbench.domains.common.past_limit`): with the
  default 1, a failure of the day before D is open but not overdue, one of two days before
  is overdue.
- **Days to rectify** of a closed finding = ``rectified_on`` − visit date in days (0: fixed
  on the spot, 立行立改). Median and 90th percentile (linear interpolation, numpy's default)
  are taken over the closed findings of visits in the window.
- **Place coverage** of a kind = share of its places with at least one visit in the window.
- A place **failed repeatedly** when it has at least 2 failed visits in the ``repeat_days``
  (30) days ending on D, both ends included.

Places (status, coverage by kind, not visited, repeat failures) are computed in
:mod:`workbench.domains.inspection_places`, pass rates, failing items and days to rectify in
:mod:`workbench.domains.inspection_rates`; their names are importable from here too.

Filters: ``kind`` keeps the places of one kind and their visits. ``team`` keeps that team's
visits, and the places of its rotation: the places it visited at least once up to D (the
data do not say which team answers for a place), so that its coverage and its places not
visited in the window mean something.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import follow_up_status, ratio
from workbench.domains.common import window_start as _window_start
from workbench.domains.inspection_places import (
    DEFAULT_REPEAT_DAYS,
    DEFAULT_WINDOW_DAYS,
    PLACE_KINDS,
    REPEAT_MIN_FAILURES,
    STATUS_TONES,
    STATUSES,
    coverage_by_kind,
    place_status,
    repeat_failures,
    unvisited_places,
)
from workbench.domains.inspection_rates import (
    ITEMS,
    daily_trend,
    item_failures,
    pass_rates,
    rectify_by_team,
    rectify_times,
    team_sort_key,
)
from workbench.errors import DataError, WorkbenchError
from workbench.intake.problems import row_problems

__all__ = ["DEFAULT_RECTIFY_DAYS", "DEFAULT_REPEAT_DAYS", "DEFAULT_WINDOW_DAYS", "ITEMS", "PLACE_KINDS",
           "REPEAT_MIN_FAILURES", "STATUSES", "STATUS_TONES", "InspectionResult", "analyse_inspections",
           "check_places", "classify_visits", "coverage_by_kind", "daily_trend", "drop_future",
           "findings_tone", "inspection_figures", "item_failures", "open_findings", "pass_rates",
           "place_status", "rectify_by_team", "rectify_times", "repeat_failures", "report_day",
           "team_sort_key", "unvisited_places", "window_start"]


DEFAULT_RECTIFY_DAYS = 1


def report_day(report_date) -> pd.Timestamp:
    """The report date as a Timestamp at midnight."""
    return pd.Timestamp(report_date).normalize()


def window_start(report_date, window_days: int) -> pd.Timestamp:
    """First day of the ``window_days`` days ending on the report date (inclusive)."""
    return _window_start(report_date, window_days)


def _dates(values: pd.Series) -> pd.Series:
    """Dates at midnight (``datetime64[ns]``), whatever date-like values come in."""
    return pd.to_datetime(values).astype("datetime64[ns]").dt.normalize()


def check_places(inspections: pd.DataFrame, places: pd.DataFrame, file: str = "inspections") -> None:
    """Raise a DataError naming every visit whose ``place_id`` is not in ``places``.

    The loader does the same check against the pack's files; this one protects callers
    that build frames themselves. Rows are the frame's index + 1 (its 1-based data row).
    """
    unknown = inspections["place_id"].isna() | ~inspections["place_id"].isin(places["place_id"])
    if unknown.any():
        expected = "an id listed in places.place_id"
        raise DataError(row_problems("inspections", file, "place_id", inspections["place_id"][unknown],
                                     expected))


def findings_tone(open_count: int, overdue_count: int) -> str:
    """The palette key of the open findings: ``bad`` with any overdue, ``warn`` with any open, else ``good``.

    The report's headline and the daily brief colour the figure with it.
    """
    return "bad" if overdue_count else "warn" if open_count else "good"


def drop_future(inspections: pd.DataFrame, report_date) -> tuple[pd.DataFrame, list[str]]:
    """Visits dated on or before the report date, and a warning for those set aside."""
    day = report_day(report_date)
    future = _dates(inspections["date"]) > day
    if not future.any():
        return inspections, []
    first = _dates(inspections["date"][future]).min()
    warning = (f"{int(future.sum())} inspection(s) dated after the report date {day:%Y-%m-%d} "
               f"were ignored (earliest {first:%Y-%m-%d})")
    return inspections[~future], [warning]


def classify_visits(visits: pd.DataFrame, report_date,
                    rectify_days: int = DEFAULT_RECTIFY_DAYS) -> pd.DataFrame:
    """Add the status columns of each visit at the report date.

    Parameters
    ----------
    visits : DataFrame
        ``inspection_id``, ``date``, the three :data:`ITEMS`, ``rectified_on``; dated on or
        before the report date (see :func:`drop_future`).
    report_date : date-like
    rectify_days : int
        An open finding older than this many days is overdue.

    Returns
    -------
    DataFrame
        A copy with ``passed``, ``failed``, ``age_days`` (report date − visit date, in days),
        ``closed``, ``open``, ``overdue`` (booleans) and ``days_to_rectify`` (float, set for
        closed findings only).
    """
    day = report_day(report_date)
    out = visits.copy()
    out["date"] = _dates(out["date"])
    out["rectified_on"] = _dates(out["rectified_on"])
    items = out[list(ITEMS)].astype("boolean").fillna(False).astype(bool)
    out["passed"] = items.all(axis=1)
    out["failed"] = ~out["passed"]
    status = follow_up_status(out["date"], out["rectified_on"], day, rectify_days)
    out["age_days"] = status["age_days"]
    out["closed"] = out["failed"] & status["closed"]
    out["open"] = out["failed"] & status["open"]
    out["overdue"] = out["failed"] & status["overdue"]
    out["days_to_rectify"] = status["days_to_close"].where(out["closed"])
    return out


def open_findings(visits: pd.DataFrame) -> pd.DataFrame:
    """Findings open at the report date, overdue first, then oldest first, then by id.

    ``visits`` come from :func:`classify_visits` with ``name`` and ``kind`` of the place.
    Returns ``inspection_id``, ``date``, ``team``, ``place_id``, ``name``, ``kind``,
    ``finding``, ``age_days``, ``overdue``, ``rectified_on`` (set when the fix is dated
    after the report date).
    """
    columns = ["inspection_id", "date", "team", "place_id", "name", "kind", "finding", "age_days",
               "overdue", "rectified_on"]
    rows = visits[visits["open"]]
    rows = rows.sort_values(["overdue", "age_days", "inspection_id"], ascending=[False, False, True])
    return rows[columns].reset_index(drop=True)


@dataclass
class InspectionResult:
    """Everything the inspections report shows, computed by :func:`analyse_inspections`.

    ``visits`` holds every visit in scope up to the report date (classified, with the
    place's ``name`` and ``kind``); ``in_window`` the ones of the window.
    """

    report_date: pd.Timestamp
    window_days: int
    rectify_days: int
    repeat_days: int
    team: str | None
    kind: str | None
    window_start: pd.Timestamp
    visits: pd.DataFrame
    in_window: pd.DataFrame
    places: pd.DataFrame
    totals: dict
    by_team: pd.DataFrame
    by_kind: pd.DataFrame
    daily: pd.DataFrame
    items: pd.DataFrame
    open: pd.DataFrame
    rectify: dict
    rectify_teams: pd.DataFrame
    repeat: pd.DataFrame
    coverage: pd.DataFrame
    unvisited: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _check_parameters(window_days: int, rectify_days: int, repeat_days: int) -> None:
    for name, value, least in (("window_days", window_days, 1), ("rectify_days", rectify_days, 0),
                               ("repeat_days", repeat_days, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise WorkbenchError(f"{name} must be a whole number of at least {least}, got {value!r}")


def _filter_scope(visits: pd.DataFrame, places: pd.DataFrame, all_visits: pd.DataFrame,
                  team: str | None, kind: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The visits and places in scope of the ``team`` and ``kind`` filters (see the module doc)."""
    if kind not in (None, ""):
        if kind not in PLACE_KINDS:
            raise WorkbenchError(f"kind {kind!r} is not a place kind; "
                                 f"expected one of {', '.join(PLACE_KINDS)}")
        places = places[places["kind"] == kind]
        visits = visits[visits["place_id"].isin(places["place_id"])]
    if team not in (None, ""):
        known = sorted(all_visits["team"].dropna().unique(), key=team_sort_key)
        if team not in known:
            raise WorkbenchError(f"team {team!r} has no inspection in the data; teams: {', '.join(known)}")
        visits = visits[visits["team"] == team]
        places = places[places["place_id"].isin(visits["place_id"])]
    return visits, places


def analyse_inspections(inspections: pd.DataFrame, places: pd.DataFrame, report_date,
                        window_days: int = DEFAULT_WINDOW_DAYS, rectify_days: int = DEFAULT_RECTIFY_DAYS,
                        team: str | None = None, kind: str | None = None,
                        repeat_days: int = DEFAULT_REPEAT_DAYS) -> InspectionResult:
    """Pass rates, open and overdue findings, repeat failures and place coverage at a report date.

    Parameters
    ----------
    inspections : DataFrame
        ``inspection_id``, ``date``, ``team``, ``place_id``, the three :data:`ITEMS`,
        ``finding``, ``rectified_on``.
    places : DataFrame
        ``place_id``, ``name``, ``kind`` (``lon``, ``lat`` for the map).
    report_date : date-like
    window_days : int
        Length of the window ending on the report date (inclusive), for pass rates, the
        trend, the failing items, days to rectify and place coverage.
    rectify_days : int
        Days a finding may stay open before it is overdue.
    team, kind : str, optional
        Filters (see the module docstring).
    repeat_days : int
        Look-back for places that failed repeatedly.

    Raises
    ------
    DataError
        When a visit's ``place_id`` is not in ``places``.
    WorkbenchError
        For a bad parameter, an unknown kind or a team without any inspection.
    """
    _check_parameters(window_days, rectify_days, repeat_days)
    day = report_day(report_date)
    check_places(inspections, places)
    kept, warnings = drop_future(inspections, day)
    visits, scoped_places = _filter_scope(kept, places, inspections, team, kind)
    visits = classify_visits(visits, day, rectify_days)
    visits = visits.merge(places[["place_id", "name", "kind"]], on="place_id", how="left",
                          suffixes=("_source", ""))
    start = window_start(day, window_days)
    recent = visits[visits["date"] >= start]
    negative = int((visits["days_to_rectify"] < 0).sum())
    if negative:
        warnings.append(f"{negative} finding(s) rectified before the visit date: counted as closed, "
                        "left out of the days to rectify")
        taken = recent["days_to_rectify"]
        recent = recent.assign(days_to_rectify=taken.where(taken >= 0))

    status = place_status(visits, scoped_places, day, window_days)
    kinds_in_scope = [k for k in PLACE_KINDS if k in set(scoped_places["kind"])]
    coverage = coverage_by_kind(status)
    passed, count = int(recent["passed"].sum()), int(len(recent))
    open_rows = open_findings(visits)
    totals = {
        "visits": count, "passed": passed, "failed": count - passed,
        "pass_rate": ratio(passed, count),
        "open": int(len(open_rows)), "overdue": int(open_rows["overdue"].sum()),
        "places": int(len(status)), "visited": int(status["visited"].sum()),
        "coverage": float(status["visited"].mean()) if len(status) else float("nan"),
    }
    return InspectionResult(
        report_date=day, window_days=int(window_days), rectify_days=int(rectify_days),
        repeat_days=int(repeat_days), team=team or None, kind=kind or None, window_start=start,
        visits=visits, in_window=recent.reset_index(drop=True), places=status, totals=totals,
        by_team=pass_rates(recent, "team", sorted(visits["team"].dropna().unique(), key=team_sort_key)),
        by_kind=pass_rates(recent, "kind", kinds_in_scope),
        daily=daily_trend(recent, start, day), items=item_failures(recent), open=open_rows,
        rectify=rectify_times(recent), rectify_teams=rectify_by_team(recent),
        repeat=repeat_failures(visits, day, repeat_days),
        coverage=coverage, unvisited=unvisited_places(status, day), warnings=warnings,
    )


def inspection_figures(result: InspectionResult) -> dict:
    """The report's JSON ``figures`` (the inspections issue), plus the window and filters."""
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "window": {"days": result.window_days, "start": f"{result.window_start:%Y-%m-%d}",
                   "end": f"{result.report_date:%Y-%m-%d}"},
        "rectify_days": result.rectify_days,
        "team": result.team,
        "kind": result.kind,
        "visits": result.totals["visits"],
        "passed": result.totals["passed"],
        "pass_rate": result.totals["pass_rate"],
        "by_team": result.by_team.to_dict("records"),
        "by_kind": result.by_kind.to_dict("records"),
        "open": [str(i) for i in result.open["inspection_id"]],
        "overdue": [str(i) for i in result.open.loc[result.open["overdue"], "inspection_id"]],
        "place_coverage": dict(zip(result.coverage["kind"], result.coverage["coverage"], strict=True)),
        "median_rectify_days": result.rectify["median"],
        "p90_rectify_days": result.rectify["p90"],
        "repeat_failures": [str(p) for p in result.repeat["place_id"]],
        "not_visited": [str(p) for p in result.unvisited["place_id"]],
    }
