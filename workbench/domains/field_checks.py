"""Field checks: home-quarantine compliance per community, and medical-waste collection at testing sites.

Definitions:

- A ``quarantine_checks`` row dated D counts the checks of one community over the reporting
  day 08:00 on D−1 to 08:00 on D: ``households`` checked, and for each item of
  :data:`~workbench.intake.vocabulary.QUARANTINE_ITEMS` the number of those households compliant
  (door seal posted, door magnet installed, tested, disinfection record board posted).
  Counts only: a file with names, ID-card or phone numbers is refused when loading.
- *Compliance* of an item over a window = Σ item ÷ Σ ``households`` over the rows of the
  window (by default the last 24 h: the rows dated on the report date). An area's
  *weakest item* is its item of lowest compliance.
- Medical waste is judged at the *cut-off*, 08:00 on the report date. The *last 24 h* are
  collections with ``cut-off − 24 h < collected_at ≤ cut-off``; collections after the cut-off
  are left out (with a note). *Hours since collection* = (cut-off − the site's latest
  collection at or before the cut-off) in hours. A testing site is *uncollected* when it has
  no collection in the last 24 h (also when it was never collected): its hours since collection
  are past the 24-hour limit (:func:`workbench.domains.common.past_limit`).
- *Bands* (:mod:`workbench.domains.bands`): a compliance is ``reached`` at or above the target,
  ``near`` within 10 points below it, ``short`` further below; a site's waste is ``within`` 24 h,
  ``late`` (24 to 48 h) or ``overdue`` (48 h or more, or never collected). Maps, tables and the
  daily brief colour from these bands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.bands import elapsed_band, target_bands
from workbench.domains.common import days_ending, past_limit, ratio, time_since
from workbench.intake.vocabulary import QUARANTINE_ITEMS

CUTOFF_HOUR = 8
DEFAULT_COMPLIANCE_TARGET = 0.95
UNCOLLECTED_HOURS = 24.0
#: Decimals of shares in the JSON figures.
SHARE_DECIMALS = 6


def cutoff_of(report_date, hour: int = CUTOFF_HOUR) -> pd.Timestamp:
    """The data cut-off of a report: ``hour``:00 on the report date."""
    return pd.Timestamp(report_date).normalize() + pd.Timedelta(hours=hour)


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    """``share_<item>`` = item ÷ households for each item (NaN when households is 0)."""
    households = frame["households"]
    return frame.assign(**{f"share_{item}": ratio(frame[item], households) for item in QUARANTINE_ITEMS})


def quarantine_by_area(checks: pd.DataFrame, areas: pd.DataFrame, report_date, window_days: int = 1
                       ) -> pd.DataFrame:
    """Compliance of each item in each community checked in the window.

    Parameters
    ----------
    checks : DataFrame
        ``date``, ``area_id``, ``households`` and the item counts.
    areas : DataFrame
        ``area_id``, ``name``, ``parent_id``.

    Returns
    -------
    DataFrame
        One row per community with checks in the window: ``area_id``, ``name``, ``parent_id``,
        ``households``, the item counts (sums), ``share_<item>``, ``weakest_item``,
        ``weakest_share``. Sorted by weakest share, lowest first, then id.
    """
    rows = checks[checks["date"].isin(days_ending(report_date, window_days))]
    sums = rows.groupby("area_id")[["households", *QUARANTINE_ITEMS]].sum().astype("int64").reset_index()
    out = _shares(sums)
    share_columns = [f"share_{item}" for item in QUARANTINE_ITEMS]
    values = out[share_columns].to_numpy(dtype="float64")
    known = ~np.isnan(values).all(axis=1) if len(out) else np.zeros(0, dtype=bool)
    weakest = np.full(len(out), None, dtype=object)
    lowest = np.full(len(out), np.nan)
    if known.any():
        index = np.nanargmin(np.where(np.isnan(values[known]), np.inf, values[known]), axis=1)
        weakest[known] = np.asarray(QUARANTINE_ITEMS, dtype=object)[index]
        lowest[known] = values[known][np.arange(index.size), index]
    out["weakest_item"], out["weakest_share"] = weakest, lowest
    names = areas.set_index("area_id")
    out.insert(1, "name", out["area_id"].map(names["name"]))
    out.insert(2, "parent_id", out["area_id"].map(names["parent_id"]))
    return out.sort_values(["weakest_share", "area_id"], ignore_index=True, na_position="last")


def item_compliance(rows: pd.DataFrame) -> pd.DataFrame:
    """Compliance of each item over ``rows``: ``item``, ``compliant``, ``households``, ``share``."""
    households = int(rows["households"].sum())
    return pd.DataFrame({
        "item": list(QUARANTINE_ITEMS),
        "compliant": [int(rows[item].sum()) for item in QUARANTINE_ITEMS],
        "households": households,
        "share": [ratio(rows[item].sum(), households) for item in QUARANTINE_ITEMS],
    })


def compliance_by_day(checks: pd.DataFrame, report_date, days: int = 7) -> pd.DataFrame:
    """Per reporting day of the last ``days``: households checked and each item's compliance.

    Returns ``date``, ``areas``, ``households``, the item counts and ``share_<item>``; days
    without any check are left out.
    """
    rows = checks[checks["date"].isin(days_ending(report_date, days, "days"))]
    per_day = rows.groupby("date").agg(areas=("area_id", "nunique"), households=("households", "sum"),
                                       **{item: (item, "sum") for item in QUARANTINE_ITEMS})
    return _shares(per_day.reset_index()).sort_values("date", ascending=False, ignore_index=True)


def waste_by_site(waste: pd.DataFrame, sites: pd.DataFrame, report_date, cutoff_hour: int = CUTOFF_HOUR
                  ) -> pd.DataFrame:
    """Per testing site: latest collection, hours since it, and the last 24 h's collections.

    Parameters
    ----------
    waste : DataFrame
        ``collected_at``, ``site_id``, ``weight_kg``, ``bags``.
    sites : DataFrame
        ``site_id``, ``name``, ``kind``, ``lon``, ``lat``.

    Returns
    -------
    DataFrame
        One row per site of ``sites``: ``site_id``, ``name``, ``kind``, ``lon``, ``lat``,
        ``last_collected`` (NaT when never), ``hours_since`` (NaN when never),
        ``collections_24h``, ``weight_kg_24h``, ``bags_24h``, ``uncollected`` (bool), ``waste_band``
        (``within``, ``late``, ``overdue``).
    """
    cutoff = cutoff_of(report_date, cutoff_hour)
    known = waste[waste["collected_at"] <= cutoff]
    recent = known[known["collected_at"] > cutoff - pd.Timedelta(hours=UNCOLLECTED_HOURS)]
    last = known.groupby("site_id")["collected_at"].max()
    sums = recent.groupby("site_id").agg(collections_24h=("collected_at", "size"),
                                         weight_kg_24h=("weight_kg", "sum"), bags_24h=("bags", "sum"))
    # reindexed, not merged: pandas cannot merge two empty Arrow-backed key columns (a pack without waste)
    out = sites[["site_id", "name", "kind", "lon", "lat"]].reset_index(drop=True)
    out["last_collected"] = last.reindex(out["site_id"]).to_numpy()
    out["hours_since"] = time_since(out["last_collected"], cutoff, "h")
    for column in sums.columns:
        out[column] = sums[column].reindex(out["site_id"]).to_numpy()
    out[["collections_24h", "bags_24h"]] = out[["collections_24h", "bags_24h"]].fillna(0).astype("int64")
    out["weight_kg_24h"] = out["weight_kg_24h"].fillna(0.0).astype("float64")
    out["uncollected"] = past_limit(out["hours_since"], UNCOLLECTED_HOURS).to_numpy(dtype=bool)
    out["waste_band"] = [elapsed_band(h, UNCOLLECTED_HOURS) for h in out["hours_since"]]
    return out.reset_index(drop=True)


@dataclass
class FieldResult:
    """Everything the field-checks report shows, computed by :func:`analyse_field_checks`."""

    report_date: pd.Timestamp
    cutoff: pd.Timestamp
    window_days: int
    compliance_target: float
    areas: pd.DataFrame  # quarantine compliance per community, ``band`` of its weakest item
    items: pd.DataFrame  # compliance per item over the window, with its ``band``
    by_day: pd.DataFrame
    sites: pd.DataFrame  # medical waste per testing site
    warnings: list[str] = field(default_factory=list)
    quarantine_known: bool = True  # False: the pack has no home-quarantine checks (nothing judged)
    waste_known: bool = True  # False: no medical-waste collections (no site called uncollected)

    @property
    def uncollected(self) -> pd.DataFrame:
        """Testing sites without a collection in the last 24 h, longest wait first."""
        rows = self.sites[self.sites["uncollected"]]
        return rows.sort_values(["hours_since", "site_id"], ascending=[False, True], na_position="first")

    @property
    def waste_kg_24h(self) -> float:
        return float(self.sites["weight_kg_24h"].sum())


def analyse_field_checks(checks: pd.DataFrame, waste: pd.DataFrame, sites: pd.DataFrame,
                         areas: pd.DataFrame, report_date, window_days: int = 1,
                         compliance_target: float = DEFAULT_COMPLIANCE_TARGET,
                         cutoff_hour: int = CUTOFF_HOUR, quarantine_known: bool = True,
                         waste_known: bool = True) -> FieldResult:
    """Quarantine compliance per item and community, and medical-waste collection per testing site.

    Parameters
    ----------
    checks, waste, sites, areas :
        See :func:`quarantine_by_area` and :func:`waste_by_site`.
    window_days : int
        Reporting days of the compliance window ending on the report date (1: the last 24 h).
    compliance_target : float
        Compliance below it is flagged in the tables and on the map.
    quarantine_known, waste_known : bool
        False when the pack has no home-quarantine checks (or no medical-waste collections):
        that section judges nothing. Without collections no testing site is listed, since every
        one would otherwise be "never collected".
    """
    day = pd.Timestamp(report_date).normalize()
    cutoff = cutoff_of(day, cutoff_hour)
    window = checks[checks["date"].isin(days_ending(day, window_days))]
    notes = []
    if not waste_known:
        sites = sites.iloc[:0]
    if window.empty and quarantine_known:
        notes.append(f"no home-quarantine checks dated {day:%Y-%m-%d}"
                     + ("" if window_days == 1 else f" or the {window_days - 1} day(s) before"))
    later = waste[waste["collected_at"] > cutoff]
    if len(later):
        notes.append(f"{len(later)} medical-waste collection(s) after the {cutoff:%m-%d %H:%M} cut-off "
                     "are not counted")
    unknown = sorted(set(waste["site_id"]) - set(sites["site_id"]))
    if unknown:
        notes.append(f"{len(unknown)} site id(s) of medical_waste are not testing sites: "
                     + ", ".join(unknown[:5]))
    by_area = quarantine_by_area(checks, areas, day, window_days)
    by_area["band"] = target_bands(by_area["weakest_share"], compliance_target).to_numpy()
    items = item_compliance(window)
    items["band"] = target_bands(items["share"], compliance_target).to_numpy()
    return FieldResult(report_date=day, cutoff=cutoff, window_days=int(window_days),
                       compliance_target=float(compliance_target), areas=by_area, items=items,
                       by_day=compliance_by_day(checks, day),
                       sites=waste_by_site(waste, sites, day, cutoff_hour),
                       warnings=notes, quarantine_known=quarantine_known, waste_known=waste_known)


def field_figures(result: FieldResult) -> dict:
    """The JSON ``figures``: ``quarantine_compliance`` {item: share}, ``uncollected_sites``,
    ``waste_kg_24h``, and the counts behind them; a section the pack has no data for is null
    (``quarantine_known``, ``waste_known`` say which)."""
    items = result.items.set_index("item")
    quarantine = {
        "quarantine_compliance": {item: round(float(items.loc[item, "share"]), SHARE_DECIMALS)
                                  for item in QUARANTINE_ITEMS},
        "quarantine_households": int(items["households"].iloc[0]) if len(items) else 0,
        "quarantine_areas": int(len(result.areas)),
    }
    waste = {
        "uncollected_sites": sorted(str(s) for s in result.uncollected["site_id"]),
        "waste_kg_24h": round(result.waste_kg_24h, 3),
        "waste_bags_24h": int(result.sites["bags_24h"].sum()),
        "testing_sites": int(len(result.sites)),
    }
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "cutoff": f"{result.cutoff:%Y-%m-%d %H:%M}",
        "quarantine_known": result.quarantine_known, "waste_known": result.waste_known,
        **{k: v if result.quarantine_known else None for k, v in quarantine.items()},
        **{k: v if result.waste_known else None for k, v in waste.items()},
    }
