"""Testing sites of a coverage round: where they are, their daily load, and the silent ones.

Definitions (DESIGN.md, "Metric definitions"):

- A site's *community* is the ``area_id`` it declares; a site without one is placed in the
  community whose polygon contains its coordinates. A declared community is never overwritten;
  the sites whose coordinates lie in another community are counted (:func:`sites_in_areas`).
- *Site load* on a day = the site's samples that day; the busiest clock hour is compared
  with ``capacity_per_hour``.
- A site is *silent* on a day when it has no rows that day although it normally reports:
  it reported on at least ``min_share`` of the active days (days on which any site reported)
  of the ``lookback_days`` before. Expected-but-missing days are found by the one mechanism of
  :mod:`workbench.domains.common`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains import distributed
from workbench.domains.bands import reaches
from workbench.domains.common import missing_cells, ratio, reporting_grid, window_start
from workbench.domains.sql import columns_of, query, remembered
from workbench.intake import geo

#: Peak-hour load from which a site is over its capacity.
OVER_LOAD = 1.0


def sites_in_areas(sites: pd.DataFrame, areas) -> tuple[pd.DataFrame, int]:
    """Each site's community: the declared ``area_id``, or the one containing its coordinates.

    Parameters
    ----------
    sites : DataFrame
        ``lon``, ``lat``; optionally ``area_id`` (declared, may be empty).
    areas : GeoDataFrame
        ``area_id``, ``level``, ``geometry``.

    Returns
    -------
    (DataFrame, int)
        ``sites`` with ``area_id`` (declared, else placed; None when neither) and
        ``located_in`` (the community containing the coordinates); and the number of sites
        whose declared community is not the one their coordinates lie in (also when they lie in
        none).
    """
    communities = areas[areas["level"] == "community"]
    out = sites.copy()
    out["located_in"] = geo.assign_areas(out["lon"], out["lat"], communities)
    declared = out["area_id"] if "area_id" in out.columns else pd.Series(None, index=out.index, dtype=object)
    has_declared = declared.notna() & (declared.astype(str).str.strip() != "")
    out["area_id"] = declared.where(has_declared, out["located_in"])
    disagree = has_declared & (declared.astype(str) != out["located_in"].astype(str))
    return out, int(disagree.sum())


def site_daily_load(sampling, sites: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Samples per testing site and day, with the busiest hour against capacity.

    Parameters
    ----------
    sampling : PersonRows, DataFrame or Arrow table
        ``site_id``, ``sampled_at`` (the person-level rows intake loads, or a small frame).
    sites : DataFrame
        ``site_id``, ``capacity_per_hour``.
    start, end : Timestamp, optional
        Only the samples with ``start <= sampled_at <= end`` (a round's load: an hour cut by
        the round's start or end counts its samples inside); every sample without them.

    Returns
    -------
    DataFrame
        ``site_id``, ``date`` (datetime64 at midnight), ``samples``, ``peak_hour_samples``,
        ``capacity_per_hour``, ``peak_load`` (peak_hour_samples / capacity_per_hour, NaN
        without a capacity). Only days with samples appear; see :func:`silent_sites`.
    """
    bounds = [] if start is None else [pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()]
    where = " WHERE sampled_at BETWEEN ? AND ?" if bounds else ""
    hourly = ("SELECT site_id, date_trunc('hour', sampled_at) AS hour, count(*) AS n "
              f"FROM sampling{where} GROUP BY site_id, hour")
    days = f"{_days_of('hourly')} ORDER BY site_id, date"
    frame = columns_of(sampling, ["site_id", "sampled_at"])
    if distributed.on_dask(sampling):  # the hourly counts on the cluster, the days here
        compute = lambda: query(days, hourly=distributed.hourly_counts(sampling, start, end))  # noqa: E731
    else:
        compute = lambda: query(f"WITH hourly AS ({hourly}) {days}", bounds, sampling=frame)  # noqa: E731
    return _with_capacity(remembered(sampling, ("site_daily_load", *map(str, bounds)), compute), sites)


def site_daily_loads(sampling, sites: pd.DataFrame, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`site_daily_load` over every sample and over a round's, from one reading of the rows.

    Parameters
    ----------
    sampling, sites, start, end
        As for :func:`site_daily_load`; ``start`` and ``end`` are the round's.

    Returns
    -------
    (DataFrame, DataFrame)
        ``site_daily_load(sampling, sites)`` and ``site_daily_load(sampling, sites, start, end)``.
        Each hour counts its samples and, beside them, those inside the round: a second pass
        over the person-level rows would cost the round's share of the first.
    """
    if distributed.on_dask(sampling):
        return site_daily_load(sampling, sites), site_daily_load(sampling, sites, start, end)
    bounds = [pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()]
    in_round = "(SELECT site_id, hour, n_round AS n FROM hourly WHERE n_round > 0)"
    both = f"""
        WITH hourly AS MATERIALIZED (
            SELECT site_id, date_trunc('hour', sampled_at) AS hour, count(*) AS n,
                   count(*) FILTER (WHERE sampled_at BETWEEN ? AND ?) AS n_round
            FROM sampling GROUP BY site_id, hour
        )
        SELECT 'all' AS part, * FROM ({_days_of('hourly')})
        UNION ALL SELECT 'round' AS part, * FROM ({_days_of(in_round)})
        ORDER BY part, site_id, date
    """
    frame = columns_of(sampling, ["site_id", "sampled_at"])
    compute = lambda: query(both, bounds, sampling=frame)  # noqa: E731
    daily = remembered(sampling, ("site_daily_loads", *map(str, bounds)), compute)
    every, inside = (daily[daily["part"] == part].drop(columns="part").reset_index(drop=True)
                     for part in ("all", "round"))
    return _with_capacity(every, sites), _with_capacity(inside, sites)


def _days_of(hours: str) -> str:
    """SQL of the days of sites (site_id, date, samples, peak_hour_samples) from the hourly counts
    ``hours`` (site_id, hour, n)."""
    return ("SELECT site_id, CAST(date_trunc('day', hour) AS TIMESTAMP) AS date, "
            "sum(n)::BIGINT AS samples, max(n)::BIGINT AS peak_hour_samples "
            f"FROM {hours} GROUP BY site_id, date")


def _with_capacity(daily: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Days of sites (site_id, date, samples, peak_hour_samples) with capacity_per_hour and peak_load."""
    daily = daily.copy()
    daily["date"] = pd.to_datetime(daily["date"]).astype("datetime64[ns]")
    capacity = sites.set_index("site_id")["capacity_per_hour"]
    daily["capacity_per_hour"] = daily["site_id"].map(capacity)
    daily["peak_load"] = ratio(daily["peak_hour_samples"], daily["capacity_per_hour"])
    return daily


def habitual_sites(reported: pd.DataFrame, active_days: pd.DatetimeIndex, days,
                   lookback_days: int, min_share: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Which site is expected to report on each checked day, from its habit over the look-back.

    Parameters
    ----------
    reported : DataFrame
        A :func:`~workbench.domains.common.reporting_grid` (days × sites) over at least ``active_days``.
    active_days : DatetimeIndex
        The days on which any site reported.
    days : sequence of Timestamp
        The days to check.

    Returns
    -------
    (DataFrame, DataFrame, Series)
        ``expected`` (days × sites, bool), ``counts`` (days × sites: active days of the
        look-back on which the site reported) and the number of active days of each day's look-back.
    """
    index = pd.DatetimeIndex(days, name="date")
    expected = pd.DataFrame(False, index=index, columns=reported.columns)
    counts = pd.DataFrame(0, index=index, columns=reported.columns)
    active = pd.Series(0, index=index, dtype="int64")
    for day in index:
        start = window_start(day - pd.Timedelta(days=1), lookback_days, "lookback_days")
        window = active_days[(active_days < day) & (active_days >= start)]
        active[day] = len(window)
        if len(window):
            counts.loc[day] = reported.loc[window].sum().to_numpy()
            expected.loc[day] = (counts.loc[day] >= min_share * len(window)).to_numpy()
    return expected, counts, active


def silent_sites(
    daily_load: pd.DataFrame,
    sites: pd.DataFrame,
    days,
    lookback_days: int = 7,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """Sites with no samples on a day they normally report.

    Parameters
    ----------
    daily_load : DataFrame
        ``site_id``, ``date`` as returned by :func:`site_daily_load`.
    sites : DataFrame
        ``site_id``, ``name``, ``kind``.
    days : iterable of date-like
        The days to check (e.g. the days of a round up to the report date).
    lookback_days, min_share :
        A site normally reports when it reported on at least ``min_share`` of the *active*
        days of the ``lookback_days`` before a checked day.

    Returns
    -------
    DataFrame
        ``site_id``, ``name``, ``kind``, ``silent_on`` (the first silent day),
        ``days_reported`` and ``active_days`` of the look-back before it, ``last_reported``.
    """
    columns = ["site_id", "name", "kind", "silent_on", "days_reported", "active_days", "last_reported"]
    reported_rows = daily_load[["site_id", "date"]].drop_duplicates()
    checked = sorted({pd.Timestamp(d).normalize() for d in days})
    if reported_rows.empty or not checked:
        return pd.DataFrame(columns=columns)
    active = pd.DatetimeIndex(sorted(reported_rows["date"].unique()))
    grid = reporting_grid(reported_rows, ["site_id"], active.union(pd.DatetimeIndex(checked)))
    expected, counts, active_in_lookback = habitual_sites(grid, active, checked, lookback_days, min_share)
    found = missing_cells(grid.loc[expected.index], expected)
    if found.empty:
        return pd.DataFrame(columns=columns)
    found = found.rename(columns={"date": "silent_on"}).drop_duplicates("site_id")
    found["days_reported"] = [int(counts.at[d, s]) for d, s in zip(found["silent_on"], found["site_id"],
                                                                   strict=True)]
    found["active_days"] = [int(active_in_lookback[d]) for d in found["silent_on"]]
    found["last_reported"] = [last_before(reported_rows, site, day)
                              for site, day in zip(found["site_id"], found["silent_on"], strict=True)]
    found = found.sort_values(["silent_on", "site_id"]).merge(sites[["site_id", "name", "kind"]],
                                                               on="site_id", how="left")
    return found[columns].reset_index(drop=True)


def last_before(reported: pd.DataFrame, site_id: str, day: pd.Timestamp):
    """The last day before ``day`` on which ``site_id`` reported (NaT if none)."""
    dates = reported.loc[(reported["site_id"] == site_id) & (reported["date"] < day), "date"]
    return dates.max() if len(dates) else pd.NaT


def site_round_summary(result, sites: pd.DataFrame) -> pd.DataFrame:
    """Per site in the round: ``samples`` and worst ``peak_load``; silent sites flagged.

    ``result`` is a :class:`~workbench.domains.coverage.CoverageResult` (its ``site_load`` and
    ``silent``). Returns ``site_id``, ``name``, ``kind``, ``lon``, ``lat``,
    ``capacity_per_hour``, ``samples``, ``peak_hour_samples``, ``peak_load``, ``silent``;
    sites without samples have 0 samples and no peak load (:func:`peak_load`).
    """
    per_site = result.site_load.groupby("site_id").agg(
        samples=("samples", "sum"), peak_hour_samples=("peak_hour_samples", "max"))
    if sites.empty:  # no testing_sites: pandas cannot join two empty Arrow-string keys
        out = sites.assign(samples=pd.Series(dtype="int64"), peak_hour_samples=pd.Series(dtype="int64"))
    else:
        out = sites.join(per_site, on="site_id")
    out[["samples", "peak_hour_samples"]] = out[["samples", "peak_hour_samples"]].fillna(0).astype("int64")
    out["peak_load"] = peak_load(out["peak_hour_samples"], out["capacity_per_hour"])
    out["silent"] = out["site_id"].isin(result.silent["site_id"])
    return out


def peak_load(peak_hour_samples: pd.Series, capacity_per_hour: pd.Series) -> pd.Series:
    """Peak-hour samples ÷ capacity per hour; NaN without a capacity or without any sample.

    A site with no rows in the round has no measured load (silent, never zero: DESIGN.md).
    """
    return ratio(peak_hour_samples, capacity_per_hour).where(peak_hour_samples > 0)


def over_capacity(load: pd.Series, alert: float = OVER_LOAD) -> pd.Series:
    """The one rule of "over capacity": True where a :func:`peak_load` ``load`` reaches ``alert``.

    1.0: the busiest hour used the site's whole hourly capacity. Compared as every threshold is
    (:func:`~workbench.domains.bands.reaches`); a site without a load (no capacity) is never over.
    """
    return reaches(load, alert)


def site_load_status(summary: pd.DataFrame, alert: float = OVER_LOAD) -> pd.Series:
    """Each site's state in a :func:`site_round_summary`: ``silent``, ``idle``, ``over`` or ``below``.

    A site is ``over`` when its worst ``peak_load`` is :func:`over_capacity` at ``alert``; a
    silent site is ``silent`` whatever its load; a site with no sample in the round that is not
    silent (it stopped before the look-back, so no day of the round was a day it normally
    reports) is ``idle``, never "below capacity".
    """
    over = over_capacity(summary["peak_load"], alert)
    idle = summary["samples"].eq(0)
    status = np.where(summary["silent"], "silent", np.where(idle, "idle", np.where(over, "over", "below")))
    return pd.Series(status, index=summary.index, name="status")
