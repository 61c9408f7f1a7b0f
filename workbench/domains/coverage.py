"""Mass-testing coverage: who was sampled in a round, where coverage falls short, site load.

Definitions (DESIGN.md, "Metric definitions"):

- *Coverage* of a community in a round = distinct ``person_key`` with a sampling row whose
  ``area_id`` is that community and whose ``sampled_at`` lies in the closed interval
  [round.start, round.end], divided by its ``population``.
- A street sums its communities' distinct counts and populations; so does the district.
  A person sampled in two communities counts once in each.
- An area is *short* when coverage < ``target`` (exactly at target is not short).
- An area's *band* against the target (:mod:`workbench.domains.bands`): ``reached``,
  ``near`` (within 10 points), ``short`` (further below), ``no_data`` (no population); the
  maps, tables, headline and the daily brief all colour a coverage from it.
- Testing sites (where they are, their load, the silent ones): :mod:`workbench.domains.testing_sites`,
  whose public names are importable from here too.

The person-level steps run in DuckDB (:mod:`workbench.domains.sql`), or on a Dask cluster
for rows loaded with ``engine: dask`` (:mod:`workbench.domains.distributed`), with the same
figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains import distributed
from workbench.domains.bands import BAND_TONE, reaches, target_band, target_bands
from workbench.domains.common import ratio
from workbench.domains.sql import columns_of, query, remembered
from workbench.domains.testing_sites import (
    last_before,
    silent_sites,
    site_daily_load,
    site_daily_loads,
    site_load_status,
    site_round_summary,
    sites_in_areas,
)
from workbench.errors import WorkbenchError

__all__ = ["DEFAULT_TARGET", "CoverageResult", "add_rate_columns", "analyse_coverage", "areas_in_scope",
           "count_tested", "coverage_figures", "coverage_table", "coverage_tone", "last_before", "round_days",
           "select_round", "short_areas", "silent_sites", "site_daily_load", "site_daily_loads",
           "site_load_status", "site_round_summary", "sites_in_areas", "sites_in_scope", "total_coverage"]

DEFAULT_TARGET = 0.95


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


def count_tested(sampling, start, end) -> pd.DataFrame:
    """Distinct persons sampled per area with ``start <= sampled_at <= end``.

    Parameters
    ----------
    sampling : PersonRows, DataFrame or Arrow table
        Columns ``person_key``, ``area_id``, ``sampled_at`` (naive local timestamps): the
        person-level rows intake loads (a view over the files), or a small frame.
    start, end : Timestamp
        The round's closed interval.

    Returns
    -------
    DataFrame
        ``area_id``, ``tested`` (int), one row per area that has at least one sample.
    """
    bounds = [pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()]
    sql = """
        SELECT area_id, count(DISTINCT person_key)::BIGINT AS tested
        FROM sampling
        WHERE sampled_at BETWEEN ? AND ?
        GROUP BY area_id
        ORDER BY area_id
    """
    frame = columns_of(sampling, ["person_key", "area_id", "sampled_at"])
    if distributed.on_dask(sampling):  # the distinct count on the cluster, ordered and typed here
        ordered = "SELECT area_id, tested::BIGINT AS tested FROM counted ORDER BY area_id"
        return remembered(sampling, ("count_tested", *map(str, bounds)), lambda: query(
            ordered, counted=distributed.distinct_per_area(sampling, *bounds)))
    return remembered(sampling, ("count_tested", *map(str, bounds)),
                      lambda: query(sql, bounds, sampling=frame))


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
    """Add ``coverage``, ``short``, ``gap`` and ``band`` to a frame with ``tested`` and ``population``.

    ``short`` is "not reached" of :func:`workbench.domains.bands.reaches` (exact at the target);
    ``band`` the :func:`workbench.domains.bands.target_band` of the coverage.
    """
    out = table.copy()
    population = out["population"].astype("float64")
    out["coverage"] = ratio(out["tested"], population)
    out["short"] = out["coverage"].notna() & ~reaches(out["coverage"], target)
    needed = np.ceil(target * population - 1e-9) - out["tested"]
    out["gap"] = np.where(out["short"], needed, 0).astype("int64")
    out["band"] = target_bands(out["coverage"], target)
    return out[["area_id", "name", "level", "parent_id", "tested", "population", "coverage", "short", "gap",
                "band"]]


def total_coverage(table: pd.DataFrame, target: float = DEFAULT_TARGET) -> dict:
    """Sum the community rows of a :func:`coverage_table` into one figure.

    Returns
    -------
    dict
        ``tested``, ``population``, ``coverage``, ``short`` (bool), ``band`` (of the coverage),
        ``short_communities`` (count), ``communities`` (count).
    """
    communities = table[table["level"] == "community"]
    tested = int(communities["tested"].sum())
    population = int(communities["population"].sum())
    coverage = ratio(tested, population)
    return {
        "tested": tested,
        "population": population,
        "coverage": coverage,
        "short": bool(not np.isnan(coverage) and not reaches(coverage, target)),
        "band": target_band(coverage, target),
        "short_communities": int(communities["short"].sum()),
        "communities": int(len(communities)),
    }


def coverage_tone(total: dict) -> str:
    """The palette key of a :func:`total_coverage` (its band's tone): the report's headline and the
    daily brief colour the figure with it."""
    return BAND_TONE[total["band"]]


def short_areas(table: pd.DataFrame, level: str = "community") -> pd.DataFrame:
    """The short rows of ``level``, largest gap first (ties: lowest coverage, then id)."""
    rows = table[(table["level"] == level) & table["short"]]
    return rows.sort_values(["gap", "coverage", "area_id"], ascending=[False, True, True])


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
    sites_known: bool = True  # False: the pack gives no testing site, so none can be silent


def sites_in_scope(sites: pd.DataFrame, areas, scope: str = "district") -> pd.DataFrame:
    """The sites whose community (:func:`~workbench.domains.testing_sites.sites_in_areas`) is in ``scope``."""
    placed, _ = sites_in_areas(sites, areas)
    return _in_scope(placed, areas, scope)


def _in_scope(placed: pd.DataFrame, areas: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The placed sites of ``scope``; every site for the district (also those outside every community)."""
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
    sampling : PersonRows, DataFrame or Arrow table
        ``person_key``, ``area_id``, ``site_id``, ``sampled_at`` (see :func:`count_tested`).
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

    placed, disagreeing = sites_in_areas(sites, areas)
    in_scope = _in_scope(placed, areas, scope)
    if disagreeing:
        warnings.append(f"{disagreeing} testing site(s) declare a community their coordinates are not in: "
                        "the declared one is kept")
    days = round_days(chosen, report_date)
    if daily_load is None:  # every site's, computed once for the district and each street
        daily_load, in_round = site_daily_loads(sampling, placed, chosen["start"], chosen["end"])
    else:
        in_round = site_daily_load(sampling, placed, chosen["start"], chosen["end"])
    load = daily_load[daily_load["site_id"].isin(in_scope["site_id"])].reset_index(drop=True)
    silent = silent_sites(load, in_scope, days, lookback_days=lookback_days)
    round_load = in_round[in_round["site_id"].isin(in_scope["site_id"])].reset_index(drop=True)

    day = pd.Timestamp(report_date).normalize()
    today = zones[(zones["date"] == day) & zones["area_id"].isin(scoped_areas["area_id"])]
    return CoverageResult(round=chosen, target=target, scope=scope, table=table,
                          total=total_coverage(table, target), district=district,
                          short=short_areas(table), site_load=round_load, silent=silent,
                          zones=today.reset_index(drop=True), warnings=warnings, sites_known=not sites.empty)


def scope_name(result: CoverageResult) -> str | None:
    """The name of the street a report is scoped to (None for the district or an unknown id)."""
    rows = result.table[result.table["area_id"] == result.scope]
    return None if rows.empty else str(rows["name"].iloc[0])


def coverage_figures(result: CoverageResult) -> dict:
    """The report's JSON ``figures`` (DESIGN.md / the coverage issue)."""
    areas = result.table[["area_id", "level", "name", "tested", "population", "coverage", "short"]]
    return {
        "round_id": str(result.round["round_id"]),
        "round": {"name": str(result.round["name"]), "start": result.round["start"],
                  "end": result.round["end"]},
        "coverage_target": result.target,
        "scope": result.scope,
        "scope_name": scope_name(result),
        "district": {k: result.district[k] for k in ("tested", "population", "coverage")},
        "scope_total": {k: result.total[k] for k in ("tested", "population", "coverage")},
        "short_communities": int(result.total["short_communities"]),
        "areas": areas.to_dict("records"),
        "silent_sites": [str(s) for s in result.silent["site_id"]],
    }
