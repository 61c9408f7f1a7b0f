"""Supply of sealed and controlled areas: households served, areas left unserved, suppliers.

Definitions:

- A ``deliveries`` row dated D covers the reporting day 08:00 on D−1 to 08:00 on D (like
  ``checkpoint_daily``). For a report on D (after the 08:00 cut-off):

  - the *last 24 h* are the rows dated D (08:00 D−1 to 08:00 D);
  - the *last 3 days* are the rows dated D−2, D−1 and D (08:00 D−3 to 08:00 D).

- The areas watched are the communities whose zone on D is ``sealed`` or ``controlled``.
- *Households served per household* over a window = Σ ``households_served`` of the area's
  rows in the window ÷ the area's households (unknown, never infinite, for an area of 0
  households). Over 3 days it may exceed 1: a household served
  on two days counts twice. A zone's figure sums its areas' numerators and denominators.
- An area is *unserved* when it has no delivery in the last 24 h: no row dated D with
  ``households_served`` or ``packages_delivered`` above 0.
- A supplier has *stopped* when it delivered on none of the rows dated D but on a row dated
  D−3 to D−1 (a supplier that has not delivered for longer is not said to have stopped today).
- Households of an area come from the ``households`` column of ``areas`` when given, else
  ``population`` ÷ ``persons_per_household`` (default 2.62, China's 2020 census), rounded,
  with a note saying how many areas were estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.domains.common import days_ending, ratio
from workbench.errors import WorkbenchError

#: Persons per household when an area has no household count (7th national census, 2020).
DEFAULT_PERSONS_PER_HOUSEHOLD = 2.62
WATCHED_ZONES = ("sealed", "controlled")
WINDOWS = {"24h": 1, "3d": 3}
#: Decimals of shares in the JSON figures.
SHARE_DECIMALS = 6


def household_counts(areas: pd.DataFrame, persons_per_household: float = DEFAULT_PERSONS_PER_HOUSEHOLD
                     ) -> tuple[pd.Series, list[str]]:
    """Households per community: given, or estimated from population.

    Parameters
    ----------
    areas : DataFrame
        ``area_id``, ``level``, ``population``; optionally ``households``.

    Returns
    -------
    (Series, list of str)
        Households (int) indexed by community ``area_id``, and a note when some were estimated.
    """
    if persons_per_household <= 0:
        raise WorkbenchError(f"persons_per_household must be above 0, got {persons_per_household!r}")
    communities = areas[areas["level"] == "community"].set_index("area_id")
    given = communities["households"] if "households" in communities.columns else \
        pd.Series(pd.NA, index=communities.index, dtype="Int64")
    estimate = (communities["population"].astype("float64") / persons_per_household).round()
    counts = given.astype("Float64").fillna(estimate).astype("float64")
    notes = []
    estimated = int(given.isna().sum())
    if estimated:
        notes.append(f"households of {estimated} communit{'y' if estimated == 1 else 'ies'} estimated as "
                     f"population ÷ {persons_per_household:g}")
    return counts.astype("int64"), notes


def zones_on(zones: pd.DataFrame, report_date) -> pd.Series:
    """The zone of each area on the report date (``area_id`` → zone)."""
    day = pd.Timestamp(report_date).normalize()
    return zones[zones["date"] == day].drop_duplicates("area_id").set_index("area_id")["zone"]


def window_dates(report_date, days: int) -> pd.DatetimeIndex:
    """The ``days`` reporting days ending on the report date (see :mod:`workbench.domains.common`)."""
    return days_ending(report_date, days, "days")


def served_areas(deliveries: pd.DataFrame, areas: pd.DataFrame, zones: pd.DataFrame, report_date,
                 persons_per_household: float = DEFAULT_PERSONS_PER_HOUSEHOLD
                 ) -> tuple[pd.DataFrame, list[str]]:
    """Households served in the last 24 h and 3 days for every sealed or controlled community.

    Parameters
    ----------
    deliveries : DataFrame
        ``date``, ``supplier_id``, ``area_id``, ``orders``, ``packages_delivered``,
        ``households_served``.
    areas : DataFrame
        ``area_id``, ``name``, ``level``, ``parent_id``, ``population`` (``households`` if given).
    zones : DataFrame
        ``date``, ``area_id``, ``zone``.

    Returns
    -------
    (DataFrame, list of str)
        One row per watched community (zone ``sealed`` first, then ``controlled``, by id):
        ``area_id``, ``name``, ``parent_id``, ``zone``, ``households``, ``served_24h``,
        ``served_3d``, ``share_24h``, ``share_3d``, ``orders_24h``, ``packages_24h``,
        ``suppliers_24h``, ``last_delivery`` (date of the latest row with a delivery, up to
        the report date; NaT if none), ``unserved`` (bool); and notes.
    """
    households, notes = household_counts(areas, persons_per_household)
    zone = zones_on(zones, report_date)
    watched = zone[zone.isin(WATCHED_ZONES)]
    if zone.empty:
        notes.append(f"no zone data for {pd.Timestamp(report_date):%Y-%m-%d}: no area is watched")
    names = areas.set_index("area_id")
    out = pd.DataFrame({"area_id": watched.index.astype(str), "zone": watched.to_numpy()})
    out["name"] = out["area_id"].map(names["name"])
    out["parent_id"] = out["area_id"].map(names["parent_id"])
    out["households"] = out["area_id"].map(households).astype("Int64")

    delivered = _delivered(deliveries)
    delivered = delivered[delivered["date"] <= pd.Timestamp(report_date).normalize()]
    for key, days in WINDOWS.items():
        rows = delivered[delivered["date"].isin(window_dates(report_date, days))]
        sums = rows.groupby("area_id")[["households_served", "orders", "packages_delivered"]].sum()
        out[f"served_{key}"] = out["area_id"].map(sums["households_served"]).fillna(0).astype("int64")
        out[f"share_{key}"] = ratio(out[f"served_{key}"], out["households"])
        if key == "24h":
            out["orders_24h"] = out["area_id"].map(sums["orders"]).fillna(0).astype("int64")
            out["packages_24h"] = out["area_id"].map(sums["packages_delivered"]).fillna(0).astype("int64")
            suppliers = rows.groupby("area_id")["supplier_id"].nunique()
            out["suppliers_24h"] = out["area_id"].map(suppliers).fillna(0).astype("int64")
            out["unserved"] = ~out["area_id"].isin(rows["area_id"])
    # map, not merge: pandas cannot join two empty Arrow-backed string keys (before any delivery)
    last = delivered.groupby("area_id")["date"].max()
    out["last_delivery"] = out["area_id"].map(last) if len(last) else pd.NaT
    out["zone_order"] = out["zone"].map({z: i for i, z in enumerate(WATCHED_ZONES)})
    out = out.sort_values(["zone_order", "area_id"], ignore_index=True)
    unknown = out["households"].isna()
    if unknown.any():
        notes.append(f"{int(unknown.sum())} watched area(s) are not communities of areas: no share")
    columns = ["area_id", "name", "parent_id", "zone", "households", "served_24h", "served_3d", "share_24h",
               "share_3d", "orders_24h", "packages_24h", "suppliers_24h", "last_delivery", "unserved"]
    return out[columns], notes


def _delivered(deliveries: pd.DataFrame) -> pd.DataFrame:
    """The rows that record a delivery (households served or packages delivered above 0)."""
    return deliveries[(deliveries["households_served"] > 0) | (deliveries["packages_delivered"] > 0)]


def unserved_tone(unserved: int) -> str:
    """The palette key of the unserved areas: ``bad`` when any, else ``good`` (report and brief alike)."""
    return "bad" if unserved else "good"


def zone_shares(served: pd.DataFrame) -> pd.DataFrame:
    """Households served per household of each watched zone, 24 h and 3 days.

    Returns one row per zone of :data:`WATCHED_ZONES` present: ``zone``, ``areas``,
    ``households``, ``served_24h``, ``served_3d``, ``share_24h``, ``share_3d``, ``unserved``.
    """
    rows = []
    for zone in WATCHED_ZONES:
        part = served[(served["zone"] == zone) & served["households"].notna()]
        if part.empty:
            continue
        households = int(part["households"].sum())
        s24, s3 = int(part["served_24h"].sum()), int(part["served_3d"].sum())
        rows.append({"zone": zone, "areas": len(part), "households": households, "served_24h": s24,
                     "served_3d": s3, "share_24h": ratio(s24, households), "share_3d": ratio(s3, households),
                     "unserved": int(part["unserved"].sum())})
    return pd.DataFrame(rows, columns=["zone", "areas", "households", "served_24h", "served_3d", "share_24h",
                                       "share_3d", "unserved"])


def supplier_summary(deliveries: pd.DataFrame, suppliers: pd.DataFrame, packages: pd.DataFrame,
                     report_date) -> pd.DataFrame:
    """Per supplier: its last-24-h deliveries (rows recording a delivery) and its package prices.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``name``, ``kind``, ``lon``, ``lat``, ``areas_24h``, ``orders_24h``,
        ``packages_24h``, ``served_24h``, ``packages_offered``, ``price_low``, ``price_high``,
        ``last_delivery`` (date of its latest delivery up to the report date, NaT for none) and
        ``stopped`` (see the module's definitions).
    """
    day = pd.Timestamp(report_date).normalize()
    delivered = _delivered(deliveries)
    delivered = delivered[delivered["date"] <= day]
    last = delivered.groupby("supplier_id")["date"].max()
    rows = delivered[delivered["date"] == day]
    per = rows.groupby("supplier_id").agg(areas_24h=("area_id", "nunique"), orders_24h=("orders", "sum"),
                                          packages_24h=("packages_delivered", "sum"),
                                          served_24h=("households_served", "sum"))
    offer = packages.groupby("supplier_id").agg(packages_offered=("package", "size"),
                                                price_low=("price", "min"), price_high=("price", "max"))
    out = suppliers[["supplier_id", "name", "kind", "lon", "lat"]].join(per, on="supplier_id")
    out = out.join(offer, on="supplier_id")
    counts = ["areas_24h", "orders_24h", "packages_24h", "served_24h", "packages_offered"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["last_delivery"] = pd.to_datetime(out["supplier_id"].map(last.to_dict()))
    out["stopped"] = (out["areas_24h"] == 0) & (out["last_delivery"] >= day - pd.Timedelta(days=3))
    return out.reset_index(drop=True)


def package_table(packages: pd.DataFrame, suppliers: pd.DataFrame) -> pd.DataFrame:
    """The packages on offer with their supplier's name, by supplier then price."""
    names = suppliers.set_index("supplier_id")["name"]
    out = packages.assign(supplier=packages["supplier_id"].map(names))
    return out.sort_values(["supplier_id", "price", "package"], ignore_index=True)[
        ["supplier_id", "supplier", "package", "price", "contents"]]


@dataclass
class SupplyResult:
    """Everything the supply part of the report shows, computed by :func:`analyse_supply`."""

    report_date: pd.Timestamp
    served: pd.DataFrame
    zones: pd.DataFrame
    suppliers: pd.DataFrame
    packages: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    known: bool = True  # False: the pack has no supply data (no area called unserved)

    @property
    def unserved(self) -> pd.DataFrame:
        """The watched areas with no delivery in the last 24 h."""
        return self.served[self.served["unserved"]]


def analyse_supply(deliveries: pd.DataFrame, suppliers: pd.DataFrame, packages: pd.DataFrame,
                   areas: pd.DataFrame, zones: pd.DataFrame, report_date,
                   persons_per_household: float = DEFAULT_PERSONS_PER_HOUSEHOLD, known: bool = True
                   ) -> SupplyResult:
    """Served shares of sealed and controlled areas, unserved areas, suppliers and packages.

    ``known`` is False when the pack has no supply data (the frames are empty stand-ins): no
    area is judged, rather than every sealed one unserved.
    """
    day = pd.Timestamp(report_date).normalize()
    if not known:
        areas = areas.iloc[:0]
    served, notes = served_areas(deliveries, areas, zones, day, persons_per_household)
    notes = notes if known else []  # no supply data: nothing to say of zones or deliveries
    later = deliveries[deliveries["date"] > day]
    if len(later):
        notes.append(f"{len(later)} delivery row(s) dated after the report date are not counted")
    return SupplyResult(report_date=day, served=served, zones=zone_shares(served),
                        suppliers=supplier_summary(deliveries, suppliers, packages, day),
                        packages=package_table(packages, suppliers), warnings=notes, known=known)


def supply_figures(result: SupplyResult) -> dict:
    """The JSON ``figures``: ``unserved_areas``, ``served_share`` (24 h) and ``served_share_3d`` by
    zone (rounded to :data:`SHARE_DECIMALS`), package price range; all null, with
    ``supply_known`` false, when the pack has no supply data. The report adds the price part
    (:func:`workbench.domains.prices.price_figures`) itself."""
    zones = result.zones.set_index("zone")
    if not result.known:
        return {"report_date": f"{result.report_date:%Y-%m-%d}", "supply_known": False,
                "unserved_areas": None, "served_share": None, "served_share_3d": None,
                "watched_areas": None, "package_price": None}
    figures = {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "supply_known": True,
        "unserved_areas": [str(a) for a in result.unserved["area_id"]],
        "served_share": {z: round(zones.loc[z, "share_24h"], SHARE_DECIMALS) for z in zones.index},
        "served_share_3d": {z: round(zones.loc[z, "share_3d"], SHARE_DECIMALS) for z in zones.index},
        "watched_areas": {z: int(zones.loc[z, "areas"]) for z in zones.index},
        "package_price": {"low": float(result.packages["price"].min()) if len(result.packages) else None,
                          "high": float(result.packages["price"].max()) if len(result.packages) else None},
    }
    return figures
