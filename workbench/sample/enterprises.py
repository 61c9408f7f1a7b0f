"""Key enterprises: annual targets, daily production and the "eight in place" checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.sample.geography import Areas, random_points_in
from workbench.sample.names import serial_ids
from workbench.sample.settings import PRODUCTION_START, REPORT_DATE

YEAR = 2022
DAYS_IN_YEAR = 365
SPRING_FESTIVAL = (np.datetime64("2022-01-31"), np.datetime64("2022-02-06"))
OUTBREAK_FROM = np.datetime64("2022-10-05")
MISSING_DAYS = np.array(["2022-10-02", "2022-10-03", "2022-10-06"], dtype="datetime64[D]")
#: How many units of each unit make one base unit (t or 元).
UNIT_FACTOR = {"t": 1.0, "万吨": 1e4, "元": 1.0, "万元": 1e4, "亿元": 1e8}
DECIMALS = {"t": 1, "万吨": 4, "元": 0, "万元": 2, "亿元": 4}
CHECK_ITEMS = ("staff_control", "prevention_mechanism", "staff_screening", "supplies",
               "measures", "disinfection", "regular_testing", "closed_loop_management")
FIRST_CHECK = np.datetime64("2022-09-05")
CHECK_FAIL_SHARE = 0.04


@dataclass(frozen=True)
class Product:
    """An annual target and how production goes against it.

    ``pace`` is the projected year total over the target; ``dip`` multiplies output from
    ``dip_from`` on (the outbreak).
    """

    name: str
    target: float
    target_unit: str
    unit: str
    pace: float
    dip: float = 1.0
    dip_from: np.datetime64 = OUTBREAK_FROM


@dataclass(frozen=True)
class Enterprise:
    """An enterprise followed by the zone."""

    name: str
    sector: str
    employees: int
    closed_loop: bool
    products: tuple[Product, ...]
    closed_loop_since: str = ""  # day closed-loop management began, when known
    missing_days: bool = False  # a few days of early October have no production row


ENTERPRISES = (
    Enterprise("包头华鼎铜业发展有限公司", "有色金属冶炼", 820, True, (
        Product("铜", 12, "万吨", "t", 0.95),
        Product("硫酸", 550_000, "t", "t", 1.04),
        Product("产值", 80, "亿元", "万元", 1.01),
    )),
    Enterprise("包头伊利乳业有限责任公司", "乳制品制造", 1150, True, (
        Product("液态奶", 45, "万吨", "t", 1.03, 0.8, np.datetime64("2022-10-07")),
        Product("产值", 48, "亿元", "万元", 1.02, 0.8, np.datetime64("2022-10-07")),
    ), closed_loop_since="2022-10-07"),
    Enterprise("包头亚鑫美磁科技有限公司", "稀土永磁材料", 360, False, (
        Product("钕铁硼磁材", 5_000, "t", "t", 1.06),
        Product("产值", 15, "亿元", "万元", 1.03),
    )),
    Enterprise("包头瑞鑫稀土金属材料有限公司", "稀土冶炼分离", 420, False, (
        Product("稀土金属", 8_000, "t", "t", 0.97),
        Product("产值", 120_000, "万元", "元", 0.88, 0.7),
    )),
    Enterprise("包头北辰新材料科技有限公司", "新材料", 260, False, (
        Product("稀土抛光粉", 1.2, "万吨", "t", 1.08),
    )),
    Enterprise("包头恒达装备制造有限公司", "装备制造", 540, False, (
        Product("产值", 9, "亿元", "万元", 0.85, 0.6),
    )),
    Enterprise("包头金阳光伏材料有限公司", "光伏材料", 680, False, (
        Product("单晶硅棒", 3.5, "万吨", "t", 1.12),
        Product("产值", 70, "亿元", "亿元", 1.1),
    )),
    Enterprise("包头同创铝业有限公司", "铝加工", 390, False, (
        Product("铝板带", 18, "万吨", "t", 0.93),
        Product("产值", 36, "亿元", "亿元", 0.95),
    )),
    Enterprise("包头睿驰汽车零部件有限公司", "汽车零部件", 310, False, (
        Product("产值", 45_000, "万元", "元", 1.02, 0.75),
    )),
    Enterprise("包头华晟储能科技有限公司", "储能电池", 280, False, (
        Product("产值", 12, "亿元", "万元", 1.15),
    )),
    Enterprise("包头鑫源化工有限公司", "化工", 230, False, (
        Product("硫酸铵", 6, "万吨", "t", 0.98, 0.75),
    )),
    Enterprise("包头中科磁电科技有限公司", "稀土永磁材料", 300, False, (
        Product("钕铁硼磁材", 3_000, "t", "t", 0.92),
    )),
    Enterprise("包头蓝天环保科技有限公司", "节能环保", 150, False, (
        Product("产值", 18_000, "万元", "万元", 1.01),
    )),
    Enterprise("包头宏远机械制造有限公司", "装备制造", 260, False, (
        Product("产值", 3.2, "亿元", "万元", 0.8, 0.6),
    ), missing_days=True),
    Enterprise("包头万泰食品有限公司", "食品加工", 200, True, (
        Product("速冻食品", 2.4, "万吨", "t", 1.02, 0.7),
    ), closed_loop_since="2022-10-06"),
    Enterprise("包头京博生物科技有限公司", "生物医药", 180, False, (
        Product("产值", 60_000, "万元", "元", 0.96),
    )),
    Enterprise("包头德润稀土催化材料有限公司", "稀土催化材料", 210, False, (
        Product("稀土催化剂", 2_500, "t", "t", 1.05),
    )),
    Enterprise("包头新丰稀土功能材料有限公司", "稀土功能材料", 240, False, (
        Product("稀土荧光粉", 1_200, "t", "t", 0.99),
        Product("产值", 8, "亿元", "万元", 1.01),
    )),
)
ENTERPRISE_IDS = serial_ids("E", len(ENTERPRISES), width=2)


def enterprises_table(areas: Areas, rng: np.random.Generator) -> pd.DataFrame:
    """The enterprises dataset (``closed_loop`` written as true/false)."""
    comm = rng.choice(len(areas.community_ids), size=len(ENTERPRISES))
    lonlat = random_points_in(areas.community_geoms[comm], rng)
    return pd.DataFrame({
        "enterprise_id": ENTERPRISE_IDS,
        "name": [e.name for e in ENTERPRISES],
        "sector": [e.sector for e in ENTERPRISES],
        "lon": lonlat[:, 0],
        "lat": lonlat[:, 1],
        "employees": [e.employees for e in ENTERPRISES],
        "closed_loop": ["true" if e.closed_loop else "false" for e in ENTERPRISES],
        "closed_loop_since": [e.closed_loop_since for e in ENTERPRISES],
    })


def targets_table() -> pd.DataFrame:
    """Annual targets for 2022, each in the unit the enterprise reports it."""
    rows = [(YEAR, eid, p.name, p.target, p.target_unit)
            for eid, e in zip(ENTERPRISE_IDS, ENTERPRISES, strict=True) for p in e.products]
    table = pd.DataFrame(rows, columns=["year", "enterprise_id", "product", "target", "unit"])
    table["target"] = table["target"].map(lambda v: f"{v:g}")
    return table


def daily_output(product: Product, days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily quantities in ``product.unit`` whose year-to-date matches ``product.pace``.

    The year-to-date at the report date is ``pace × target × elapsed share of the year``,
    so the projected year total is ``pace × target``.
    """
    shape = np.clip(rng.normal(1.0, 0.06, days.size), 0.7, 1.3)
    shape[(days >= SPRING_FESTIVAL[0]) & (days <= SPRING_FESTIVAL[1])] *= 0.7
    shape[days >= product.dip_from] *= product.dip
    target = product.target * UNIT_FACTOR[product.target_unit] / UNIT_FACTOR[product.unit]
    ytd = product.pace * target * days.size / DAYS_IN_YEAR
    return np.round(shape * ytd / shape.sum(), DECIMALS[product.unit])


def production_arrow(rng: np.random.Generator) -> pa.Table:
    """Daily production since 1 January up to the report date (one enterprise has gaps)."""
    days = np.arange(PRODUCTION_START, REPORT_DATE + 1)
    frames = []
    for eid, enterprise in zip(ENTERPRISE_IDS, ENTERPRISES, strict=True):
        keep = ~np.isin(days, MISSING_DAYS) if enterprise.missing_days else slice(None)
        for product in enterprise.products:
            frames.append(pd.DataFrame({
                "date": days[keep],
                "enterprise_id": eid,
                "product": product.name,
                "quantity": daily_output(product, days, rng)[keep],
                "unit": product.unit,
            }))
    frame = pd.concat(frames).sort_values(["date", "enterprise_id", "product"], kind="stable")
    return pa.table({
        "date": pa.array(frame["date"].to_numpy().astype("datetime64[D]"), type=pa.date32()),
        "enterprise_id": pa.array(frame["enterprise_id"].to_numpy(dtype=str)),
        "product": pa.array(frame["product"].to_numpy(dtype=str)),
        "quantity": pa.array(frame["quantity"].to_numpy(dtype=np.float64)),
        "unit": pa.array(frame["unit"].to_numpy(dtype=str)),
    })


def enterprise_checks_table(rng: np.random.Generator) -> pd.DataFrame:
    """Weekly "eight in place" checks since September, a few items failing (是/否)."""
    frames = []
    for eid in ENTERPRISE_IDS:
        first = FIRST_CHECK + np.timedelta64(int(rng.integers(0, 5)), "D")
        dates = np.arange(first, REPORT_DATE + 1, 7)
        ok = rng.random((dates.size, len(CHECK_ITEMS))) >= CHECK_FAIL_SHARE
        frame = pd.DataFrame(np.where(ok, "是", "否"), columns=list(CHECK_ITEMS))
        frame.insert(0, "enterprise_id", eid)
        frame.insert(0, "date", dates.astype(str))
        frames.append(frame)
    return pd.concat(frames).sort_values(["date", "enterprise_id"], kind="stable",
                                         ignore_index=True)


def projected_share(production: pa.Table, enterprise_id: str, product: str) -> float:
    """Projected 2022 total over the target at the report date (DESIGN's definition)."""
    target = next(p for eid, e in zip(ENTERPRISE_IDS, ENTERPRISES, strict=True)
                  if eid == enterprise_id for p in e.products if p.name == product)
    frame = production.to_pandas()
    rows = frame[(frame["enterprise_id"] == enterprise_id) & (frame["product"] == product)]
    base = (rows["quantity"] * rows["unit"].map(UNIT_FACTOR)).sum()
    ytd = base / UNIT_FACTOR[target.target_unit]
    day_of_year = (REPORT_DATE - np.datetime64(f"{YEAR}-01-01")).astype(int) + 1
    return float(ytd / day_of_year * DAYS_IN_YEAR / target.target)
