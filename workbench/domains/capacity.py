"""Testing capacity (126 个采样点): can each street's sites test its population within a round?

Definitions (DESIGN.md, "Testing capacity"), with the counting made exact:

- A site belongs to the street of its community (``area_id`` of the placed site → the
  community's ``parent_id``; a site placed on a street itself belongs to it). Sites in no area
  are left out, with a warning stating how many.
- The round's **length in hours** = (end − start) in hours (a 12-hour round 08:00–20:00: 12).
- **Capacity** of a street in a round = Σ of its sites' ``capacity_per_hour`` × the round's
  length in hours. **Capacity ratio** = capacity ÷ population (the street's population is the
  sum of its communities', as in coverage; NaN without population). A street is
  **capacity-short** when its ratio is below ``coverage_target`` (exactly at it is not short).
- **Remaining capacity** at a moment T = Σ ``capacity_per_hour`` × the hours of the round left
  after T (T clipped into [start, end]: the whole round before it starts, 0 after it ends).
  The **population still to test** is the coverage *gap* (persons still to test to reach the
  target, :func:`workbench.domains.coverage.coverage_table`). A street **cannot reach** the target
  in the round when its gap is greater than its remaining capacity.
- **Peak-hour load** of a site = its busiest hour's samples in the round ÷ ``capacity_per_hour``
  (:mod:`workbench.domains.testing_sites`; none for a site without samples); a site is **over**
  capacity when it reaches 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.domains.bands import reaches
from workbench.domains.common import ratio
from workbench.domains.testing_sites import OVER_LOAD, over_capacity, peak_load

DEFAULT_TARGET = 0.95


def round_hours(start, end) -> float:
    """The round's length in hours (end − start)."""
    return (pd.Timestamp(end) - pd.Timestamp(start)) / pd.Timedelta(hours=1)


def hours_left(start, end, at) -> float:
    """Hours of the round [start, end] left after ``at`` (``at`` clipped into the round)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    at = min(max(pd.Timestamp(at), start), end)
    return (end - at) / pd.Timedelta(hours=1)


def site_streets(sites: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    """The street ``area_id`` of each site (None when its ``area_id`` is in no area).

    ``sites`` need ``area_id`` (the placed community); ``areas`` ``area_id``, ``level``, ``parent_id``.
    """
    by_id = areas.set_index("area_id")
    parent = sites["area_id"].map(by_id["parent_id"])
    level = sites["area_id"].map(by_id["level"])
    return parent.where(level == "community", sites["area_id"].where(level == "street"))


def street_capacity(
    sites: pd.DataFrame,
    coverage: pd.DataFrame,
    hours: float,
    hours_remaining: float,
    target: float = DEFAULT_TARGET,
) -> pd.DataFrame:
    """Capacity against population per street.

    Parameters
    ----------
    sites : DataFrame
        ``site_id``, ``capacity_per_hour``, ``street``.
    coverage : DataFrame
        Street rows of a coverage table: ``area_id``, ``name``, ``population``, ``tested``, ``gap``.
    hours, hours_remaining : float
        The round's length and what is left of it.

    Returns
    -------
    DataFrame
        ``area_id``, ``name``, ``sites``, ``capacity_per_hour``, ``population``, ``capacity``,
        ``capacity_ratio``, ``capacity_short``, ``tested``, ``gap``, ``remaining_capacity``,
        ``cannot_reach`` (one row per street of ``coverage``, in its order).
    """
    per_street = sites.groupby("street").agg(
        sites=("site_id", "size"), capacity_per_hour=("capacity_per_hour", "sum")
    )
    out = coverage[["area_id", "name", "population", "tested", "gap"]].copy()
    out = out.join(per_street, on="area_id")
    out["sites"] = out["sites"].fillna(0).astype("int64")
    out["capacity_per_hour"] = out["capacity_per_hour"].fillna(0).astype("float64")
    out["capacity"] = out["capacity_per_hour"] * hours
    out["capacity_ratio"] = ratio(out["capacity"], out["population"])
    out["capacity_short"] = out["capacity_ratio"].notna() & ~reaches(out["capacity_ratio"], target)
    out["remaining_capacity"] = out["capacity_per_hour"] * hours_remaining
    out["cannot_reach"] = out["gap"] > out["remaining_capacity"]
    columns = [
        "area_id",
        "name",
        "sites",
        "capacity_per_hour",
        "population",
        "capacity",
        "capacity_ratio",
        "capacity_short",
        "tested",
        "gap",
        "remaining_capacity",
        "cannot_reach",
    ]
    return out[columns].reset_index(drop=True)


def site_peaks(summary: pd.DataFrame) -> pd.DataFrame:
    """Peak-hour load of each site: ``site_id``, ``street``, ``capacity_per_hour``, ``peak_hour_samples``,
    ``peak_load``, ``over`` (bool); most loaded first.

    ``summary`` needs ``site_id``, ``street``, ``capacity_per_hour``, ``peak_hour_samples``.
    """
    out = summary[["site_id", "street", "capacity_per_hour", "peak_hour_samples"]].copy()
    out["peak_load"] = peak_load(out["peak_hour_samples"], out["capacity_per_hour"])
    out["over"] = over_capacity(out["peak_load"], OVER_LOAD)
    return out.sort_values(
        ["peak_load", "site_id"], ascending=[False, True], na_position="last", ignore_index=True
    )


@dataclass
class CapacityResult:
    """Everything the capacity section shows, computed by :func:`analyse_capacity`."""

    round_id: str
    hours: float
    hours_remaining: float
    target: float
    streets: pd.DataFrame
    sites: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    known: bool = True  # False: the pack lists no testing sites, so no capacity is known


def analyse_capacity(
    sites: pd.DataFrame,
    areas: pd.DataFrame,
    round_row,
    coverage: pd.DataFrame,
    at,
    target: float = DEFAULT_TARGET,
    known: bool = True,
) -> CapacityResult:
    """Street capacity of a round against population and against what is left to test; site peaks.

    Parameters
    ----------
    sites : DataFrame
        Placed sites: ``site_id``, ``capacity_per_hour``, ``area_id`` (their community), and
        ``peak_hour_samples`` of the round (0 for a site without samples).
    areas : DataFrame
        ``area_id``, ``level``, ``parent_id``.
    round_row : Series or dict
        ``round_id``, ``start``, ``end``.
    coverage : DataFrame
        Coverage table of the round (:func:`workbench.domains.coverage.coverage_table`); its
        street rows are used.
    at : date-like
        The moment the remaining capacity is counted from (the data cut-off).
    target : float
        The coverage target.
    known : bool
        False when the pack gives no testing sites: every street's capacity is then unknown
        (missing, never short), not 0.
    """
    placed = sites.assign(street=site_streets(sites, areas))
    warnings = []
    lost = placed["street"].isna()
    if lost.any():
        warnings.append(f"{int(lost.sum())} testing site(s) in no street are not counted in any capacity")
    placed = placed[~lost]
    hours = round_hours(round_row["start"], round_row["end"])
    left = hours_left(round_row["start"], round_row["end"], at)
    streets = street_capacity(placed, coverage[coverage["level"] == "street"], hours, left, target)
    if not known:
        unknown = ["capacity_per_hour", "capacity", "capacity_ratio", "remaining_capacity"]
        streets = streets.astype({"sites": "Int64"}).assign(sites=pd.NA, **{c: float("nan") for c in unknown})
        streets[["capacity_short", "cannot_reach"]] = False
        warnings.append("no testing_sites: the capacity of the streets is not known")
    return CapacityResult(
        round_id=str(round_row["round_id"]),
        hours=hours,
        hours_remaining=left,
        target=target,
        streets=streets,
        sites=site_peaks(placed),
        warnings=warnings,
        known=known,
    )


def _float(value):
    return None if pd.isna(value) else round(float(value), 6)


def capacity_figures(result: CapacityResult) -> dict:
    """The JSON ``figures`` of the capacity section (under ``capacity`` of its report)."""
    return {
        "round_id": result.round_id,
        "capacity_known": result.known,
        "round_hours": _float(result.hours),  # to 6 decimals: an end at 23:59:59.999999 is 18 h
        "hours_remaining": _float(result.hours_remaining),
        "coverage_target": result.target,
        "capacity_short": [str(a) for a in result.streets.loc[result.streets["capacity_short"], "area_id"]],
        "cannot_reach": [str(a) for a in result.streets.loc[result.streets["cannot_reach"], "area_id"]],
        "streets": [
            {
                "area_id": str(r.area_id),
                "sites": None if pd.isna(r.sites) else int(r.sites),
                "capacity": _float(r.capacity),
                "population": int(r.population),
                "capacity_ratio": _float(r.capacity_ratio),
                "gap": int(r.gap),
                "remaining_capacity": _float(r.remaining_capacity),
            }
            for r in result.streets.itertuples(index=False)
        ],
        "sites_over": [str(s) for s in result.sites.loc[result.sites["over"], "site_id"]],
        "sites": [
            {
                "site_id": str(r.site_id),
                "peak_hour_samples": int(r.peak_hour_samples),
                "capacity_per_hour": float(r.capacity_per_hour),
                "peak_load": _float(r.peak_load),
            }
            for r in result.sites.itertuples(index=False)
        ],
    }
