"""Testing coverage round after round: each street's (or community's) coverage in every round so far.

Definitions (DESIGN.md, "Testing coverage"):

- The rounds *so far* on a report date D are those that started on or before D (``start`` before
  the midnight ending D), oldest first: the rounds :func:`workbench.domains.coverage.select_round`
  chooses from.
- The coverage of an area in a round is the one of the coverage report: distinct persons
  sampled in the area in [start, end] (:func:`workbench.domains.coverage.count_tested`) ÷
  population, a street summing its communities (:func:`workbench.domains.coverage.coverage_table`).
  A round still under way counts the samples received so far.
- The *total* of a scope sums its communities' counts and populations: the district for the
  district report, the street itself for a street's report. Its *members* are the streets of
  the district, or the communities of the street.
- Short and band against ``target`` as everywhere (:mod:`workbench.domains.bands`).
"""

from __future__ import annotations

import pandas as pd

from workbench.domains import coverage
from workbench.domains.bands import reaches, target_band
from workbench.domains.common import ratio

DISTRICT = "district"
#: The columns of :func:`coverage_by_round`.
COLUMNS = ["round_id", "round_name", "start", "end", "area_id", "name", "level", "role", "tested",
           "population", "coverage", "short", "band"]


def rounds_so_far(rounds: pd.DataFrame, report_date) -> pd.DataFrame:
    """The rounds that started on or before ``report_date``, oldest first (rows of ``rounds``)."""
    day_end = pd.Timestamp(report_date).normalize() + pd.Timedelta(days=1)
    started = rounds[rounds["start"] < day_end]
    return started.sort_values(["start", "round_id"], ignore_index=True)


def _scope_rows(table: pd.DataFrame, scope: str, district_name: str) -> pd.DataFrame:
    """The total and member rows of one round's :func:`coverage_table` for ``scope``."""
    communities = table[table["level"] == "community"]
    if scope in (None, "", DISTRICT):
        members = table[table["level"] == "street"]
        counted = communities
        total = {"area_id": DISTRICT, "name": district_name, "level": DISTRICT}
    else:
        members = communities[communities["parent_id"] == scope]
        counted = members
        street = table[table["area_id"] == scope].iloc[0]
        total = {"area_id": scope, "name": street["name"], "level": "street"}
    tested, population = int(counted["tested"].sum()), int(counted["population"].sum())
    total |= {"tested": tested, "population": population, "role": "total"}
    rows = members[["area_id", "name", "level", "tested", "population"]].assign(role="member")
    return pd.concat([pd.DataFrame([total]), rows.sort_values("area_id")], ignore_index=True)


def coverage_by_round(sampling, areas: pd.DataFrame, rounds: pd.DataFrame, report_date,
                      scope: str = DISTRICT, target: float = coverage.DEFAULT_TARGET,
                      district_name: str = DISTRICT) -> pd.DataFrame:
    """Coverage of the scope's total and members in every round so far.

    Parameters
    ----------
    sampling :
        What :func:`workbench.domains.coverage.count_tested` reads (passed through untouched).
    areas : DataFrame
        ``area_id``, ``name``, ``level``, ``parent_id``, ``population``.
    rounds : DataFrame
        ``round_id``, ``name``, ``start``, ``end``.
    scope : str
        ``district`` (total: the district; members: its streets) or a street's ``area_id``
        (total: the street; members: its communities).
    district_name : str
        The name shown for the district total.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: per round (oldest first) the total row (``role`` ``total``), then the
        members by id (``role`` ``member``); ``coverage`` = tested ÷ population (NaN without
        population), ``short`` below ``target``, ``band``.
    """
    coverage.areas_in_scope(areas, scope)  # an unknown scope fails here, naming the streets
    parts = []
    for rnd in rounds_so_far(rounds, report_date).itertuples(index=False):
        table = coverage.coverage_table(coverage.count_tested(sampling, rnd.start, rnd.end), areas, target)
        rows = _scope_rows(table, scope, district_name)
        parts.append(rows.assign(round_id=str(rnd.round_id), round_name=str(rnd.name), start=rnd.start,
                                 end=rnd.end))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["coverage"] = ratio(out["tested"], out["population"])
    out["short"] = out["coverage"].notna() & ~reaches(out["coverage"], target)
    out["band"] = [target_band(c, target) for c in out["coverage"]]
    return out[COLUMNS]


def latest_round(trend: pd.DataFrame) -> pd.DataFrame:
    """The rows of the last round of a :func:`coverage_by_round` (empty when there is none)."""
    if trend.empty:
        return trend
    return trend[trend["round_id"] == trend["round_id"].iloc[-1]].reset_index(drop=True)


def round_figures(trend: pd.DataFrame) -> list[dict]:
    """The JSON figures of a :func:`coverage_by_round`: one entry per round with its areas."""
    out = []
    for round_id, rows in trend.groupby("round_id", sort=False):
        first = rows.iloc[0]
        out.append({"round_id": round_id, "name": first["round_name"], "start": first["start"],
                    "end": first["end"],
                    "areas": [{"area_id": r.area_id, "name": r.name, "level": r.level,
                               "tested": int(r.tested), "population": int(r.population),
                               "coverage": r.coverage}
                              for r in rows.itertuples(index=False)]})
    return out
