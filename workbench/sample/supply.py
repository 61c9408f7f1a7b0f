"""Supply of sealed and controlled areas, and the daily prices of necessities.

Suppliers named in the source report (华月工贸, 华联超市, 众鑫农贸) sell standard vegetable
packages at 30-200 yuan and deliver to sealed areas (point to point) and controlled areas
(residents collect in order). A price-monitoring feed gives about 20 commodities at three
markets from 1 September; a few commodities spike after the first sealing on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.sample.geography import Areas, random_points_in
from workbench.sample.outbreak import FIRST_SEAL, Outbreak
from workbench.sample.settings import REPORT_DATE

# --- households ----------------------------------------------------------------------------

PERSONS_PER_HOUSEHOLD = (2.45, 2.85)


def households(areas: Areas, rng: np.random.Generator) -> np.ndarray:
    """Households of each community: its residents over 2.45-2.85 persons per household."""
    size = rng.uniform(*PERSONS_PER_HOUSEHOLD, len(areas.community_ids))
    return np.maximum(np.round(areas.community_population / size), 1).astype(np.int64)


# --- suppliers and their packages ---------------------------------------------------------

#: name, kind; the first three are named in the source report, the others are invented.
SUPPLIERS = (
    ("华月工贸", "trading_company"),
    ("华联超市", "supermarket"),
    ("众鑫农贸", "farmers_market"),
    ("滨河生鲜配送站", "trading_company"),
    ("万家福便民超市", "supermarket"),
    ("邻里优鲜团购平台", "platform"),
)
#: package name, price (元), contents; each supplier sells a subset, 30-200 yuan in all.
PACKAGES = (
    ("蔬菜标准包A", 30, "土豆2斤、白菜1棵、西红柿1斤、黄瓜1斤、胡萝卜1斤"),
    ("蔬菜标准包B", 50, "土豆2斤、白菜1棵、西红柿2斤、黄瓜1斤、青椒1斤、洋葱1斤、大葱1斤"),
    ("蔬菜水果包", 68, "时令蔬菜6种约8斤、苹果2斤、香蕉1把"),
    ("蔬菜肉蛋包", 100, "时令蔬菜5种约6斤、猪肉1斤、鸡蛋2斤"),
    ("家庭周包", 158, "时令蔬菜8种约12斤、猪肉2斤、鸡蛋3斤、牛奶1箱"),
    ("家庭组合包", 200, "时令蔬菜8种约12斤、猪肉2斤、牛羊肉1斤、鸡蛋3斤、大米10斤、食用油1桶"),
)
#: which packages (indices into PACKAGES) each supplier sells, and its price change on them (元)
SUPPLIER_PACKAGES = (
    ((0, 1, 3, 5), 0),
    ((0, 1, 2, 4), 0),
    ((0, 1, 3), 2),
    ((1, 2, 3), 0),
    ((0, 3, 4), -2),
    ((1, 2, 4, 5), 0),
)
DELIVERY_FROM = FIRST_SEAL
#: Share of a community's households served on one reporting day, by zone.
SERVED_SHARE = {"sealed": (0.30, 0.45), "controlled": (0.18, 0.32)}
SUPPLIERS_PER_AREA = 2  # a named supplier and a nearby one


@dataclass
class SupplyStory:
    """What was done on purpose to the supply feeds, for the README."""

    unserved: list[str] = field(default_factory=list)  # community ids, no delivery on the report date
    alerts: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, commodity, market)


def suppliers_table(areas: Areas, rng: np.random.Generator) -> pd.DataFrame:
    """The supply enterprises, each in a different community."""
    chosen = rng.choice(len(areas.community_ids), size=len(SUPPLIERS), replace=False)
    lonlat = random_points_in(areas.community_geoms[chosen], rng)
    return pd.DataFrame({
        "supplier_id": [f"GY{i:02d}" for i in range(1, len(SUPPLIERS) + 1)],
        "name": [s[0] for s in SUPPLIERS],
        "kind": [s[1] for s in SUPPLIERS],
        "lon": lonlat[:, 0],
        "lat": lonlat[:, 1],
    })


def packages_table(suppliers: pd.DataFrame) -> pd.DataFrame:
    """The packages each supplier sells, with price (元) and contents."""
    rows = []
    for supplier_id, (chosen, change) in zip(suppliers["supplier_id"], SUPPLIER_PACKAGES, strict=True):
        for i in chosen:
            name, price, contents = PACKAGES[i]
            price = min(max(price + change, 30), 200)
            rows.append((supplier_id, name, float(price), contents))
    return pd.DataFrame(rows, columns=["supplier_id", "package", "price", "contents"])


def _zone_on(areas: Areas, outbreak: Outbreak, day: np.datetime64) -> dict[int, str]:
    zone = {int(c): "controlled" for c in outbreak.controlled_on(day)}
    zone |= {int(c): "sealed" for c in outbreak.sealed_on(day)}
    return zone


NAMED_SUPPLIERS = 3  # the first three of SUPPLIERS serve every district by turns


def _area_suppliers(areas: Areas, suppliers: pd.DataFrame) -> np.ndarray:
    """For each community, two suppliers: one of the three named ones by turns, and the
    nearest of the others."""
    centres = np.array([[g.centroid.x, g.centroid.y] for g in areas.community_geoms])
    points = suppliers[["lon", "lat"]].to_numpy()[NAMED_SUPPLIERS:]
    distance = np.hypot(centres[:, None, 0] - points[None, :, 0], centres[:, None, 1] - points[None, :, 1])
    named = np.arange(len(centres)) % NAMED_SUPPLIERS
    return np.column_stack([named, NAMED_SUPPLIERS + np.argmin(distance, axis=1)])


def deliveries_table(areas: Areas, outbreak: Outbreak, households_: np.ndarray, suppliers: pd.DataFrame,
                     rng: np.random.Generator) -> tuple[pd.DataFrame, list[str]]:
    """Deliveries per reporting day (08:00 to 08:00, dated the day it ends), supplier and area.

    Every sealed and controlled community is served each day from the first sealing, by one
    of the named suppliers and a nearby one, except one controlled community that gets
    nothing on the report date.
    Returns the table and the ids of the communities left unserved on the report date.
    """
    nearest = _area_suppliers(areas, suppliers)
    report_zone = _zone_on(areas, outbreak, REPORT_DATE)
    controlled = sorted(c for c, z in report_zone.items() if z == "controlled")
    unserved = int(rng.choice(controlled)) if controlled else -1
    rows = []
    for day in np.arange(DELIVERY_FROM, REPORT_DATE + 1):
        for community, zone in sorted(_zone_on(areas, outbreak, day).items()):
            share = rng.uniform(*SERVED_SHARE[zone])
            served = int(round(households_[community] * share))
            split = rng.dirichlet(np.full(SUPPLIERS_PER_AREA, 3.0))
            parts = np.floor(split * served).astype(np.int64)
            parts[0] += served - parts.sum()
            if day == REPORT_DATE and community == unserved:
                continue
            for supplier, part in zip(nearest[community], parts, strict=True):
                orders = int(part + rng.binomial(part, 0.08))
                rows.append((str(day), suppliers["supplier_id"].iloc[supplier],
                             areas.community_ids[community], orders,
                             int(orders + rng.binomial(orders, 0.3)), int(part)))
    table = pd.DataFrame(rows, columns=["date", "supplier_id", "area_id", "orders", "packages_delivered",
                                        "households_served"])
    table = table.sort_values(["date", "supplier_id", "area_id"], kind="stable", ignore_index=True)
    return table, [areas.community_ids[unserved]] if unserved >= 0 else []


# --- prices --------------------------------------------------------------------------------

PRICE_DATES = np.arange(np.datetime64("2022-09-01"), REPORT_DATE + 1)
BASELINE_PERIOD = ("2022-09-01", "2022-09-30")
MARKETS = ("滨河农贸市场", "万水泉农贸市场", "华联超市")
#: commodity, unit, typical price
COMMODITIES = (
    ("白菜", "元/斤", 1.2), ("土豆", "元/斤", 1.5), ("西红柿", "元/斤", 3.0), ("黄瓜", "元/斤", 2.5),
    ("青椒", "元/斤", 3.5), ("茄子", "元/斤", 3.0), ("胡萝卜", "元/斤", 1.8), ("洋葱", "元/斤", 1.6),
    ("大葱", "元/斤", 2.2), ("芹菜", "元/斤", 2.0), ("菠菜", "元/斤", 4.0), ("豆角", "元/斤", 4.5),
    ("猪肉", "元/斤", 15.0), ("牛肉", "元/斤", 38.0), ("羊肉", "元/斤", 40.0), ("鸡蛋", "元/斤", 5.5),
    ("大米", "元/斤", 2.8), ("面粉", "元/斤", 2.2), ("食用油", "元/升", 16.0), ("牛奶", "元/升", 12.0),
)  # fmt: skip
NOISE = 0.012
SPIKE_FROM = np.datetime64("2022-10-06")
#: (commodity, market or None for all) -> market level and day-over-day factors from SPIKE_FROM
SPIKES = {
    ("菠菜", "滨河农贸市场"): (1.0, (1.05, 1.03, 1.03, 1.06)),
    ("菠菜", None): (0.97, (1.03, 1.01, 1.0, 1.0)),
    ("西红柿", "华联超市"): (0.97, (1.0, 1.015, 1.015, 1.015)),
    ("鸡蛋", None): (1.0, (1.12, 1.0, 1.0, 1.0)),
    ("猪肉", "万水泉农贸市场"): (1.0, (1.0, 1.0, 1.0, 1.07)),
}
#: The alerts the spikes raise on the report date under the default rules.
SPIKE_ALERTS = (
    ("above_baseline", "菠菜", "滨河农贸市场"), ("above_baseline", "鸡蛋", "滨河农贸市场"),
    ("above_baseline", "鸡蛋", "万水泉农贸市场"), ("above_baseline", "鸡蛋", "华联超市"),
    ("consecutive_rises", "菠菜", "滨河农贸市场"), ("consecutive_rises", "西红柿", "华联超市"),
    ("daily_jump", "菠菜", "滨河农贸市场"), ("daily_jump", "猪肉", "万水泉农贸市场"),
)  # fmt: skip


def _spike(commodity: str, market: str):
    return SPIKES.get((commodity, market)) or SPIKES.get((commodity, None))


def _no_rise_streaks(prices: np.ndarray) -> np.ndarray:
    """Flatten any third rise in a row, so quiet series never raise a streak alert by chance."""
    out = prices.copy()
    for t in range(3, len(out)):
        if out[t] > out[t - 1] > out[t - 2] > out[t - 3]:
            out[t] = out[t - 1]
    return out


def _series(typical: float, spike, rng: np.random.Generator) -> np.ndarray:
    """Daily prices of one commodity at one market, rounded to the fen."""
    level = rng.uniform(0.96, 1.04) if spike is None else spike[0]
    noise = rng.uniform(-NOISE, NOISE, PRICE_DATES.size)
    prices = _no_rise_streaks(np.round(typical * level * (1 + noise), 2))
    if spike is None:
        return prices
    start = int(np.flatnonzero(PRICE_DATES == SPIKE_FROM)[0])
    factors = np.cumprod(spike[1])
    prices[start:start + factors.size] = np.round(prices[start - 1] * factors, 2)
    return prices


def prices_table(rng: np.random.Generator) -> pd.DataFrame:
    """Daily prices of every commodity at every market, 1 September to the report date."""
    frames = []
    for commodity, unit, typical in COMMODITIES:
        for market in MARKETS:
            frames.append(pd.DataFrame({
                "date": PRICE_DATES.astype(str), "market": market, "commodity": commodity,
                "price": _series(typical, _spike(commodity, market), rng), "unit": unit,
            }))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["date", "market", "commodity"], kind="stable", ignore_index=True)


def baselines_table(prices: pd.DataFrame) -> pd.DataFrame:
    """Each commodity's baseline: its mean price over all markets in September, to the fen."""
    start, end = BASELINE_PERIOD
    september = prices[(prices["date"] >= start) & (prices["date"] <= end)]
    means = september.groupby("commodity", sort=False).agg(baseline_price=("price", "mean"),
                                                           unit=("unit", "first"))
    order = [c[0] for c in COMMODITIES]
    out = means.loc[order].reset_index()
    out["baseline_price"] = out["baseline_price"].round(2)
    out["period"] = f"{start}/{end}"
    return out[["commodity", "baseline_price", "period", "unit"]]
