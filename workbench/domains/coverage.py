"""Mass-testing coverage: who was sampled in a round, where coverage falls short, site load.

Definitions (DESIGN.md, "Metric definitions"):

- *Coverage* of a community in a round = distinct ``person_key`` with a sampling row whose
  ``area_id`` is that community and whose ``sampled_at`` lies in the closed interval
  [round.start, round.end], divided by its ``population``.
- A street sums its communities' distinct counts and populations; so does the district.
  A person sampled in two communities counts once in each.
- An area is *short* when coverage < ``target`` (exactly at target is not short).
- *Site load* on a day = the site's samples that day; the busiest clock hour is compared
  with ``capacity_per_hour``.
- A site is *silent* on a day when it has no rows that day although it normally reports:
  it reported on at least ``min_share`` of the active days of the ``lookback_days`` before.

The person-level steps run in DuckDB: a distinct count over ten million rows is several
times faster and lighter there than a pandas groupby (see ``bench/coverage.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.errors import WorkbenchError
from workbench.intake import geo

DEFAULT_TARGET = 0.95


def _query(sql: str, params: list | None = None, **frames: pd.DataFrame) -> pd.DataFrame:
    """Run ``sql`` in a private DuckDB connection where each keyword frame is a table.

    Frames are handed over as Arrow tables: pandas' Arrow-backed strings pass without a
    copy, where registering the pandas frame itself makes DuckDB copy every string.
    """
    with duckdb.connect() as con:
        for name, frame in frames.items():
            con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
        return con.execute(sql, params or []).df()


def select_round(rounds: pd.DataFrame, report_date, round_id: str | None = None) -> pd.Series:
    """Pick the round a report is about.

    Parameters
    ----------
    rounds : DataFrame
        Columns ``round_id``, ``name``, ``start``, ``end``.
    report_date : date-like
        The report date; the default round is the latest one that started on or before it.
    round_id : str, optional
        An explicit round; must exist.

    Returns
    -------
    Series
        The chosen row of ``rounds``.
    """
    if round_id is not None:
        chosen = rounds[rounds["round_id"].astype(str) == str(round_id)]
        if chosen.empty:
            known = ", ".join(rounds["round_id"].astype(str))
            raise WorkbenchError(f"round {round_id!r} is not in the rounds data (known: {known})")
        return chosen.iloc[0]
    day_end = pd.Timestamp(report_date).normalize() + pd.Timedelta(days=1)
    started = rounds[rounds["start"] < day_end].sort_values("start")
    if started.empty:
        raise WorkbenchError(f"no testing round started on or before {pd.Timestamp(report_date):%Y-%m-%d}")
    return started.iloc[-1]


def count_tested(sampling: pd.DataFrame, start, end) -> pd.DataFrame:
    """Distinct persons sampled per area with ``start <= sampled_at <= end``.

    Parameters
    ----------
    sampling : DataFrame
        Columns ``person_key``, ``area_id``, ``sampled_at`` (naive local timestamps).
    start, end : Timestamp
        The round's closed interval.

    Returns
    -------
    DataFrame
        ``area_id``, ``tested`` (int), one row per area that has at least one sample.
    """
    frame = sampling[["person_key", "area_id", "sampled_at"]]
    return _query(
        """
        SELECT area_id, count(DISTINCT person_key)::BIGINT AS tested
        FROM sampling
        WHERE sampled_at BETWEEN ? AND ?
        GROUP BY area_id
        ORDER BY area_id
        """,
        [pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()],
        sampling=frame,
    )


def areas_in_scope(areas: pd.DataFrame, scope: str = "district") -> pd.DataFrame:
    """Streets and communities of ``scope`` ("district" or a street's ``area_id``).

    Needs ``area_id``, ``level``, ``parent_id``; returns the matching rows of ``areas``.
    """
    if scope in (None, "", "district"):
        return areas
    street = areas[(areas["area_id"] == scope) & (areas["level"] == "street")]
    if street.empty:
        streets = ", ".join(areas.loc[areas["level"] == "street", "area_id"].astype(str))
        raise WorkbenchError(f"scope {scope!r} is neither 'district' nor a street id ({streets})")
    return areas[(areas["area_id"] == scope) | (areas["parent_id"] == scope)]


def coverage_table(tested: pd.DataFrame, areas: pd.DataFrame, target: float = DEFAULT_TARGET) -> pd.DataFrame:
    """Coverage of every community and street of ``areas``.

    Parameters
    ----------
    tested : DataFrame
        ``area_id``, ``tested`` as returned by :func:`count_tested`.
    areas : DataFrame
        ``area_id``, ``name``, ``level``, ``parent_id``, ``population``.
    target : float
        Coverage target; an area below it is short.

    Returns
    -------
    DataFrame
        One row per area: ``area_id``, ``name``, ``level``, ``parent_id``, ``tested``,
        ``population``, ``coverage``, ``short``, ``gap`` (persons still to test to reach the
        target, 0 when not short). Streets first, then communities, each sorted by id.
        Street ``tested`` and ``population`` are sums over its communities.
    """
    columns = ["area_id", "name", "level", "parent_id", "population"]
    communities = areas.loc[areas["level"] == "community", columns].copy()
    counts = tested.set_index("area_id")["tested"]
    communities["tested"] = communities["area_id"].map(counts).fillna(0).astype("int64")
    communities["population"] = communities["population"].astype("int64")

    street_rows = areas.loc[areas["level"] == "street", ["area_id", "name", "level", "parent_id"]]
    sums = communities.groupby("parent_id")[["tested", "population"]].sum()
    streets = street_rows.join(sums, on="area_id")
    streets[["tested", "population"]] = streets[["tested", "population"]].fillna(0).astype("int64")

    table = pd.concat([streets, communities], ignore_index=True)
    return add_rate_columns(table, target)


def add_rate_columns(table: pd.DataFrame, target: float) -> pd.DataFrame:
    """Add ``coverage``, ``short`` and ``gap`` to a frame with ``tested`` and ``population``."""
    out = table.copy()
    population = out["population"].astype("float64")
    out["coverage"] = np.where(population > 0, out["tested"] / population.where(population > 0, 1), np.nan)
    out["short"] = out["coverage"] < target
    needed = np.ceil(target * population - 1e-9) - out["tested"]
    out["gap"] = np.where(out["short"], needed, 0).astype("int64")
    return out[["area_id", "name", "level", "parent_id", "tested", "population", "coverage", "short", "gap"]]


def total_coverage(table: pd.DataFrame, target: float = DEFAULT_TARGET) -> dict:
    """Sum the community rows of a :func:`coverage_table` into one figure.

    Returns
    -------
    dict
        ``tested``, ``population``, ``coverage``, ``short`` (bool), ``short_communities`` (count),
        ``communities`` (count).
    """
    communities = table[table["level"] == "community"]
    tested = int(communities["tested"].sum())
    population = int(communities["population"].sum())
    coverage = tested / population if population else float("nan")
    return {
        "tested": tested,
        "population": population,
        "coverage": coverage,
        "short": bool(coverage < target),
        "short_communities": int(communities["short"].sum()),
        "communities": int(len(communities)),
    }


def short_areas(table: pd.DataFrame, level: str = "community") -> pd.DataFrame:
    """The short rows of ``level``, largest gap first (ties: lowest coverage, then id)."""
    rows = table[(table["level"] == level) & table["short"]]
    return rows.sort_values(["gap", "coverage", "area_id"], ascending=[False, True, True])


def site_daily_load(sampling: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Samples per testing site and day, with the busiest hour against capacity.

    Parameters
    ----------
    sampling : DataFrame
        ``site_id``, ``sampled_at``.
    sites : DataFrame
        ``site_id``, ``capacity_per_hour``.

    Returns
    -------
    DataFrame
        ``site_id``, ``date`` (datetime64 at midnight), ``samples``, ``peak_hour_samples``,
        ``capacity_per_hour``, ``peak_load`` (peak_hour_samples / capacity_per_hour).
        Only days with samples appear; see :func:`silent_sites` for the days without.
    """
    daily = _query(
        """
        WITH hourly AS (
            SELECT site_id, date_trunc('hour', sampled_at) AS hour, count(*) AS n
            FROM sampling GROUP BY site_id, hour
        )
        SELECT site_id, CAST(date_trunc('day', hour) AS TIMESTAMP) AS date,
               sum(n)::BIGINT AS samples, max(n)::BIGINT AS peak_hour_samples
        FROM hourly GROUP BY site_id, date ORDER BY site_id, date
        """,
        sampling=sampling[["site_id", "sampled_at"]],
    )
    daily["date"] = pd.to_datetime(daily["date"]).astype("datetime64[ns]")
    capacity = sites.set_index("site_id")["capacity_per_hour"]
    daily["capacity_per_hour"] = daily["site_id"].map(capacity)
    daily["peak_load"] = daily["peak_hour_samples"] / daily["capacity_per_hour"]
    return daily


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
    lookback_days : int
        How many days before a checked day define the site's habit.
    min_share : float
        A site normally reports when it reported on at least this share of the *active*
        days of the look-back window (days on which any site reported).

    Returns
    -------
    DataFrame
        ``site_id``, ``name``, ``kind``, ``silent_on`` (the first silent day),
        ``days_reported`` and ``active_days`` of the look-back before it, ``last_reported``.
    """
    reported = daily_load[["site_id", "date"]].drop_duplicates()
    active_days = pd.Index(reported["date"].unique())
    rows = []
    for day in sorted(pd.Timestamp(d).normalize() for d in days):
        window = active_days[(active_days < day) & (active_days >= day - pd.Timedelta(days=lookback_days))]
        if len(window) == 0:
            continue
        in_window = reported[reported["date"].isin(window)].groupby("site_id").size()
        habitual = in_window[in_window >= min_share * len(window)]
        today = set(reported.loc[reported["date"] == day, "site_id"])
        for site_id, count in habitual.items():
            if site_id not in today:
                rows.append({"site_id": site_id, "silent_on": day, "days_reported": int(count),
                             "active_days": int(len(window))})
    columns = ["site_id", "name", "kind", "silent_on", "days_reported", "active_days", "last_reported"]
    if not rows:
        return pd.DataFrame(columns=columns)
    found = pd.DataFrame(rows).sort_values(["silent_on", "site_id"]).drop_duplicates("site_id")
    found["last_reported"] = found.apply(
        lambda r: last_before(reported, r["site_id"], r["silent_on"]), axis=1
    )
    found = found.merge(sites[["site_id", "name", "kind"]], on="site_id", how="left")
    return found[columns].reset_index(drop=True)


def last_before(reported: pd.DataFrame, site_id: str, day: pd.Timestamp):
    """The last day before ``day`` on which ``site_id`` reported (NaT if none)."""
    dates = reported.loc[(reported["site_id"] == site_id) & (reported["date"] < day), "date"]
    return dates.max() if len(dates) else pd.NaT


def round_days(round_row: pd.Series, report_date) -> list[pd.Timestamp]:
    """Calendar days of a round, up to and including the report date."""
    first = pd.Timestamp(round_row["start"]).normalize()
    last = min(pd.Timestamp(round_row["end"]).normalize(), pd.Timestamp(report_date).normalize())
    return list(pd.date_range(first, last, freq="D"))


@dataclass
class CoverageResult:
    """Everything a coverage report shows, computed by :func:`analyse_coverage`."""

    round: pd.Series
    target: float
    scope: str
    table: pd.DataFrame
    total: dict
    district: dict
    short: pd.DataFrame
    site_load: pd.DataFrame
    silent: pd.DataFrame
    zones: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def sites_in_areas(sites: pd.DataFrame, areas) -> pd.DataFrame:
    """Add ``area_id`` (the community containing the site) to ``sites`` (needs ``lon``, ``lat``)."""
    communities = areas[areas["level"] == "community"]
    out = sites.copy()
    out["area_id"] = geo.assign_areas(out["lon"], out["lat"], communities)
    return out


def sites_in_scope(sites: pd.DataFrame, areas, scope: str = "district") -> pd.DataFrame:
    """The sites located in ``scope``'s communities, with their ``area_id`` added."""
    placed = sites_in_areas(sites, areas)
    if scope in (None, "", "district"):
        return placed
    return placed[placed["area_id"].isin(areas_in_scope(areas, scope)["area_id"])].reset_index(drop=True)


def analyse_coverage(sampling: pd.DataFrame, areas, sites: pd.DataFrame, rounds: pd.DataFrame,
                     zones: pd.DataFrame, report_date, round_id: str | None = None,
                     scope: str = "district", target: float = DEFAULT_TARGET,
                     lookback_days: int = 7, *, tested: pd.DataFrame | None = None,
                     daily_load: pd.DataFrame | None = None) -> CoverageResult:
    """Coverage of a round for a scope, short communities, site load and silent sites.

    Parameters
    ----------
    sampling : DataFrame
        ``person_key``, ``area_id``, ``site_id``, ``sampled_at``.
    areas : GeoDataFrame
        ``area_id``, ``name``, ``level``, ``parent_id``, ``population``, ``geometry``.
    sites : DataFrame
        ``site_id``, ``name``, ``kind``, ``lon``, ``lat``, ``capacity_per_hour``.
    rounds : DataFrame
        ``round_id``, ``name``, ``start``, ``end``.
    zones : DataFrame
        ``date``, ``area_id``, ``zone``.
    report_date : date-like
    round_id, scope, target, lookback_days :
        See :func:`select_round`, :func:`areas_in_scope`, :func:`coverage_table`,
        :func:`silent_sites`.
    tested : DataFrame, optional
        :func:`count_tested` of the chosen round, when the caller already has it (the
        explorer caches it per round); computed here otherwise.
    daily_load : DataFrame, optional
        :func:`site_daily_load` of every site over all of ``sampling``, likewise.
    """
    chosen = select_round(rounds, report_date, round_id)
    warnings = []
    if pd.Timestamp(chosen["start"]) > pd.Timestamp(report_date).normalize() + pd.Timedelta(days=1):
        warnings.append(f"round {chosen['round_id']} starts after the report date")
    if tested is None:
        tested = count_tested(sampling, chosen["start"], chosen["end"])
    full = coverage_table(tested, areas, target)
    district = total_coverage(full, target)
    scoped_areas = areas_in_scope(areas, scope)
    table = full[full["area_id"].isin(scoped_areas["area_id"])].reset_index(drop=True)
    unknown = set(tested["area_id"]) - set(areas.loc[areas["level"] == "community", "area_id"])
    if unknown:
        warnings.append(f"{len(unknown)} area id(s) with samples are not communities: {sorted(unknown)[:5]}")

    in_scope = sites_in_scope(sites, areas, scope)
    days = round_days(chosen, report_date)
    if daily_load is None:
        load = site_daily_load(sampling[sampling["site_id"].isin(in_scope["site_id"])], in_scope)
    else:
        load = daily_load[daily_load["site_id"].isin(in_scope["site_id"])]
    silent = silent_sites(load, in_scope, days, lookback_days=lookback_days)
    round_load = load[load["date"].isin(days)]

    day = pd.Timestamp(report_date).normalize()
    today = zones[(zones["date"] == day) & zones["area_id"].isin(scoped_areas["area_id"])]
    return CoverageResult(round=chosen, target=target, scope=scope, table=table,
                          total=total_coverage(table, target), district=district,
                          short=short_areas(table), site_load=round_load, silent=silent,
                          zones=today.reset_index(drop=True), warnings=warnings)


def site_round_summary(result: CoverageResult, sites: pd.DataFrame) -> pd.DataFrame:
    """Per site in the round: ``samples`` and worst ``peak_load``; silent sites flagged.

    Returns ``site_id``, ``name``, ``kind``, ``lon``, ``lat``, ``capacity_per_hour``,
    ``samples``, ``peak_hour_samples``, ``peak_load``, ``silent``; sites without samples have 0.
    """
    per_site = result.site_load.groupby("site_id").agg(
        samples=("samples", "sum"), peak_hour_samples=("peak_hour_samples", "max"))
    out = sites.join(per_site, on="site_id")
    out[["samples", "peak_hour_samples"]] = out[["samples", "peak_hour_samples"]].fillna(0).astype("int64")
    out["peak_load"] = out["peak_hour_samples"] / out["capacity_per_hour"]
    out["silent"] = out["site_id"].isin(result.silent["site_id"])
    return out


def site_load_status(summary: pd.DataFrame, alert: float = 1.0) -> pd.Series:
    """Each site's state in a :func:`site_round_summary`: ``silent``, ``over`` or ``below``.

    A site is ``over`` when its worst ``peak_load`` reaches ``alert`` (1.0: its busiest hour
    used its whole hourly capacity); a silent site is ``silent`` whatever its load.
    """
    over = summary["peak_load"].fillna(0) >= alert
    status = np.where(summary["silent"], "silent", np.where(over, "over", "below"))
    return pd.Series(status, index=summary.index, name="status")


def coverage_figures(result: CoverageResult) -> dict:
    """The report's JSON ``figures`` (DESIGN.md / the coverage issue)."""
    areas = result.table[["area_id", "level", "name", "tested", "population", "coverage", "short"]]
    return {
        "round_id": str(result.round["round_id"]),
        "round": {"name": str(result.round["name"]), "start": result.round["start"],
                  "end": result.round["end"]},
        "coverage_target": result.target,
        "scope": result.scope,
        "district": {k: result.district[k] for k in ("tested", "population", "coverage")},
        "scope_total": {k: result.total[k] for k in ("tested", "population", "coverage")},
        "short_communities": int(result.total["short_communities"]),
        "areas": areas.to_dict("records"),
        "silent_sites": [str(s) for s in result.silent["site_id"]],
    }
