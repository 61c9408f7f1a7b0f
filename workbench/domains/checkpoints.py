"""Road checkpoints: traffic and checks per 08:00-to-08:00 day, 7-day sums, missing reports.

Definitions (DESIGN.md: "checkpoint figures are reported as given, per day and as 7-day sums"):

- A ``checkpoint_daily`` row dated D covers 08:00 on D-1 to 08:00 on D (the day the period
  ends). A report on D (after the 08:00 cut-off) shows the rows dated D as "the last 24 h".
- The *window* of a report on D is the ``window_days`` days ending on D, both included.
- A checkpoint is *expected* to report on every day of the window, except the days before its
  first report ever (a checkpoint opened during the window); one that never reported is
  expected on every day. An expected day without a row is *missing*: shown as missing,
  never counted as zero.
- *Window sums* add the days reported; ``days_reported`` / ``days_expected`` tell how complete
  they are. *Per day* figures divide a sum by the days reported.
- Windows, shares and missing reports use the one mechanism of :mod:`workbench.domains.common`.
- *Share from risk areas* = ``from_risk_areas`` / ``people`` over the same rows; *landing-test
  share* = ``landing_tests`` / ``people``.
- The *district flow* of a day sums the counts of the checkpoints that reported that day;
  ``reported`` / ``expected`` checkpoints tell whether the sum is complete (a day with a missing
  report is marked, never filled in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import days_ending, missing_cells, ratio

DEFAULT_WINDOW_DAYS = 7
#: Decimals of shares in the JSON figures (full float precision only adds noise).
SHARE_DECIMALS = 6
#: The figures of a checkpoint day, as the department reports them.
COUNTS = ("vehicles", "people", "from_risk_areas", "landing_tests")


def window_days(report_date, days: int = DEFAULT_WINDOW_DAYS) -> pd.DatetimeIndex:
    """The ``days`` calendar days ending on ``report_date`` (midnight timestamps, oldest first)."""
    return days_ending(report_date, days)


def daily_grid(checkpoints: pd.DataFrame, daily: pd.DataFrame, days) -> pd.DataFrame:
    """Every (day, checkpoint) of the window that was expected or reported, missing ones marked.

    Parameters
    ----------
    checkpoints : DataFrame
        ``checkpoint_id``, ``name``.
    daily : DataFrame
        ``date`` (midnight), ``checkpoint_id`` and the :data:`COUNTS` columns; one row per
        checkpoint and day (the schema enforces it).
    days : sequence of date-like
        The window, e.g. from :func:`window_days`.

    Returns
    -------
    DataFrame
        ``date``, ``checkpoint_id``, ``name``, the four counts (``Int64``, missing where not
        reported), ``risk_share`` and ``landing_share`` (float, NaN where not reported or
        ``people`` is 0), ``reported`` and ``expected`` (bool). Sorted by date, then id.
    """
    days = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in days])
    ids = checkpoints["checkpoint_id"].astype(str)
    first = daily[daily["date"] <= days.max()].groupby("checkpoint_id")["date"].min()
    grid = pd.MultiIndex.from_product([days, ids], names=["date", "checkpoint_id"]).to_frame(index=False)
    rows = daily[daily["date"].isin(days)][["date", "checkpoint_id", *COUNTS]]
    grid = grid.merge(rows, on=["date", "checkpoint_id"], how="outer")
    grid["reported"] = grid[list(COUNTS)].notna().any(axis=1)
    opened = grid[["checkpoint_id"]].merge(first.rename("opened"), left_on="checkpoint_id", right_index=True,
                                           how="left")["opened"]
    grid["expected"] = opened.isna() | (grid["date"] >= opened)
    grid = grid[grid["expected"] | grid["reported"]]
    for column in COUNTS:
        grid[column] = grid[column].astype("Int64")
    grid["risk_share"] = ratio(grid["from_risk_areas"], grid["people"])
    grid["landing_share"] = ratio(grid["landing_tests"], grid["people"])
    grid["name"] = grid["checkpoint_id"].map(checkpoints.set_index("checkpoint_id")["name"])
    columns = ["date", "checkpoint_id", "name", *COUNTS, "risk_share", "landing_share", "reported",
               "expected"]
    return grid.sort_values(["date", "checkpoint_id"], ignore_index=True)[columns]


#: A checkpoint's state over the window: missing the last 24 h, another day missing, complete.
STATES = ("missing_today", "incomplete", "complete")


def checkpoint_states(week: pd.DataFrame, today: pd.DataFrame) -> pd.Series:
    """Each checkpoint's state (:data:`STATES`) on the rows of ``week``.

    ``missing_today`` when it has no report for the last 24 h (whatever the other days),
    ``incomplete`` when it missed another expected day of the window, else ``complete``.
    ``week`` is :func:`window_totals`, ``today`` the grid rows of the report date.
    """
    reported_today = week["checkpoint_id"].map(today.set_index("checkpoint_id")["reported"])
    reported_today = reported_today.astype("boolean").fillna(False).astype(bool)
    states = np.where(~reported_today, "missing_today", np.where(week["complete"], "complete", "incomplete"))
    return pd.Series(states, index=week.index, name="state", dtype=object)


def reporting_tone(reported: int, expected: int) -> str:
    """The palette key of "checkpoints reported of those expected": ``good`` when all did, else ``bad``.

    The report's headline and the daily brief colour the day's figures with it.
    """
    return "good" if reported >= expected else "bad"


def missing_reports(grid: pd.DataFrame) -> pd.DataFrame:
    """The expected days without a row: ``date``, ``checkpoint_id``, ``name`` (by date, then id)."""
    reported = grid.pivot(index="date", columns="checkpoint_id", values="reported").fillna(False).astype(bool)
    expected = grid.pivot(index="date", columns="checkpoint_id", values="expected").fillna(False).astype(bool)
    missing = missing_cells(reported, expected)
    names = grid.drop_duplicates("checkpoint_id").set_index("checkpoint_id")["name"]
    return missing.assign(name=missing["checkpoint_id"].map(names))[["date", "checkpoint_id", "name"]]


def sum_counts(rows: pd.DataFrame) -> dict:
    """Sums of the four counts over the reported ``rows``, with both shares.

    Returns
    -------
    dict
        The :data:`COUNTS` as int, ``risk_share``, ``landing_share`` (NaN when no people).
    """
    reported = rows[rows["reported"]]
    sums = {column: int(reported[column].sum()) for column in COUNTS}
    people = sums["people"]
    sums["risk_share"] = ratio(sums["from_risk_areas"], people)
    sums["landing_share"] = ratio(sums["landing_tests"], people)
    return sums


def window_totals(grid: pd.DataFrame, checkpoints: pd.DataFrame) -> pd.DataFrame:
    """Window sums per checkpoint, with completeness and per-day means.

    Parameters
    ----------
    grid : DataFrame
        From :func:`daily_grid`.
    checkpoints : DataFrame
        ``checkpoint_id``, ``name``, ``lon``, ``lat``.

    Returns
    -------
    DataFrame
        One row per checkpoint of ``checkpoints``: ``checkpoint_id``, ``name``, ``lon``,
        ``lat``, ``days_expected``, ``days_reported``, ``complete`` (bool), the four counts
        summed over the days reported (0 when none), ``risk_share``, ``landing_share``,
        ``vehicles_per_day`` and ``people_per_day`` (NaN when no day was reported).
    """
    reported = grid[grid["reported"]]
    sums = reported.groupby("checkpoint_id")[list(COUNTS)].sum()
    out = checkpoints[["checkpoint_id", "name", "lon", "lat"]].copy()
    out["days_expected"] = out["checkpoint_id"].map(grid[grid["expected"]].groupby("checkpoint_id").size())
    out["days_reported"] = out["checkpoint_id"].map(reported.groupby("checkpoint_id").size())
    days = ["days_expected", "days_reported"]
    out[days] = out[days].fillna(0).astype("int64")
    out["complete"] = out["days_reported"] >= out["days_expected"]
    for column in COUNTS:
        out[column] = out["checkpoint_id"].map(sums[column]).fillna(0).astype("int64")
    out["risk_share"] = ratio(out["from_risk_areas"], out["people"])
    out["landing_share"] = ratio(out["landing_tests"], out["people"])
    out["vehicles_per_day"] = ratio(out["vehicles"], out["days_reported"])
    out["people_per_day"] = ratio(out["people"], out["days_reported"])
    return out.reset_index(drop=True)


def district_flows(grid: pd.DataFrame, days) -> pd.DataFrame:
    """The district's flow on each day of the window (see the module doc).

    Parameters
    ----------
    grid : DataFrame
        From :func:`daily_grid`.
    days : sequence of date-like
        The window (every day gets a row, 0 checkpoints reported when none did).

    Returns
    -------
    DataFrame
        One row per day of ``days``, oldest first: ``date``, the :data:`COUNTS` summed over the
        checkpoints that reported (``Int64``; missing on a day none did, never 0), ``risk_share``,
        ``reported`` and ``expected`` (checkpoints), ``complete`` (every expected checkpoint reported).
    """
    reported = grid[grid["reported"]]
    days = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in days], name="date")
    sums = reported.groupby("date")[list(COUNTS)].sum().reindex(days).astype("Int64")  # <NA>: none reported
    out = sums.reset_index()
    out["risk_share"] = ratio(out["from_risk_areas"], out["people"])
    out["reported"] = out["date"].map(reported.groupby("date").size()).fillna(0).astype("int64")
    out["expected"] = out["date"].map(grid[grid["expected"]].groupby("date").size()).fillna(0).astype("int64")
    out["complete"] = out["reported"] >= out["expected"]
    return out


@dataclass
class CheckpointResult:
    """Everything a checkpoint report shows, computed by :func:`analyse_checkpoints`."""

    report_date: pd.Timestamp
    days: pd.DatetimeIndex
    grid: pd.DataFrame
    today: pd.DataFrame
    week: pd.DataFrame
    missing: pd.DataFrame
    total_today: dict
    total_week: dict
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)  # district_flows of the window
    warnings: list[str] = field(default_factory=list)


def analyse_checkpoints(checkpoints: pd.DataFrame, daily: pd.DataFrame, report_date,
                        window: int = DEFAULT_WINDOW_DAYS) -> CheckpointResult:
    """Daily figures of the report date, window sums and missing reports of every checkpoint.

    Parameters
    ----------
    checkpoints : DataFrame
        ``checkpoint_id``, ``name``, ``lon``, ``lat``.
    daily : DataFrame
        ``date``, ``checkpoint_id``, ``vehicles``, ``people``, ``from_risk_areas``,
        ``landing_tests``.
    report_date : date-like
        The rows dated on it are the last 24 h (08:00 the day before to 08:00).
    window : int
        Days of the window ending on the report date (default 7).
    """
    days = window_days(report_date, window)
    grid = daily_grid(checkpoints, daily, days)
    today = grid[grid["date"] == days[-1]].reset_index(drop=True)
    warnings = []
    later = daily[daily["date"] > days[-1]]
    if len(later):
        warnings.append(f"{len(later)} checkpoint_daily row(s) dated after the report date are not shown")
    if not today["reported"].any():
        warnings.append(f"no checkpoint reported for the day ending {days[-1]:%Y-%m-%d} 08:00")
    week = window_totals(grid, checkpoints)
    week["state"] = checkpoint_states(week, today).to_numpy()
    return CheckpointResult(
        report_date=days[-1], days=days, grid=grid, today=today, week=week, missing=missing_reports(grid),
        total_today=sum_counts(today) | {"reported": int(today["reported"].sum()),
                                         "expected": int(today["expected"].sum())},
        total_week=sum_counts(grid), flows=district_flows(grid, days), warnings=warnings,
    )


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def checkpoint_figures(result: CheckpointResult) -> dict:
    """The report's JSON ``figures``: ``daily`` (report date), ``week`` per checkpoint, ``missing``,
    ``flows`` (the district's counts on each day of the window, with checkpoints reported / expected).

    Shares are rounded to :data:`SHARE_DECIMALS` decimals."""
    today = result.today[result.today["reported"]]
    daily = [{"date": _day(r.date), "checkpoint_id": str(r.checkpoint_id),
              **{c: int(getattr(r, c)) for c in COUNTS}} for r in today.itertuples(index=False)]
    week = [{"checkpoint_id": str(r.checkpoint_id), "days_reported": int(r.days_reported),
             "days_expected": int(r.days_expected), **{c: int(getattr(r, c)) for c in COUNTS},
             "risk_share": round(r.risk_share, SHARE_DECIMALS)} for r in result.week.itertuples(index=False)]
    return {
        "report_date": _day(result.report_date),
        "window": {"start": _day(result.days[0]), "end": _day(result.days[-1]), "days": len(result.days)},
        "daily": daily,
        "week": week,
        "missing": [{"date": _day(r.date), "checkpoint_id": str(r.checkpoint_id)}
                    for r in result.missing.itertuples(index=False)],
        "total_today": {c: result.total_today[c] for c in (*COUNTS, "reported", "expected")}
        | {"risk_share": round(result.total_today["risk_share"], SHARE_DECIMALS)},
        "total_week": {c: result.total_week[c] for c in COUNTS}
        | {"risk_share": round(result.total_week["risk_share"], SHARE_DECIMALS)},
        "flows": [{"date": _day(r.date), **{c: None if pd.isna(getattr(r, c)) else int(getattr(r, c))
                                             for c in COUNTS},
                   "reported": int(r.reported), "expected": int(r.expected)}
                  for r in result.flows.itertuples(index=False)],
    }
