"""Road checkpoints and their daily figures; places under supervision and the inspections."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from workbench.sample.geography import Areas, random_points_in
from workbench.sample.mass_testing import Sites
from workbench.sample.names import place_stems, serial_ids
from workbench.sample.settings import CHECKPOINT_DATES, INSPECTION_DATES, REPORT_DATE

# --- checkpoints -------------------------------------------------------------------------

BRIDGE = "黄河大桥卡口"
BRIDGE_DAY = np.datetime64("2022-10-08")
BRIDGE_FROM_RISK_AREAS = 694
BRIDGE_LANDING_TESTS = 19_606
CONTROLS_FROM = np.datetime64("2022-10-04")

#: name, position in the region's bounding box (0-1, 0-1), mean vehicles and people a day
CHECKPOINTS = (
    (BRIDGE, (0.55, 0.0), 9_700, 19_400),
    ("京藏高速万水泉收费站卡口", (0.2, 0.15), 3_200, 6_500),
    ("110国道西出口卡口", (0.0, 0.55), 1_900, 3_900),
    ("建华南路卡口", (0.45, 1.0), 1_500, 3_100),
    ("滨河大道东卡口", (1.0, 0.3), 900, 1_900),
    ("沼潭卡口", (0.8, 0.9), 550, 1_200),
)
MISSING_REPORT = ("沼潭卡口", np.datetime64("2022-10-06"))


def _point_near(region, fx: float, fy: float, rng: np.random.Generator) -> np.ndarray:
    """A random point of ``region`` near the relative position (fx, fy) of its bounds."""
    minx, miny, maxx, maxy = region.bounds
    x, y = minx + fx * (maxx - minx), miny + fy * (maxy - miny)
    for half in (0.01, 0.02, 0.05, 0.1, 1.0):
        near = shapely.intersection(region, box(x - half, y - half, x + half, y + half))
        if near.area > 0:
            return random_points_in(np.array([near]), rng)[0]
    raise AssertionError("unreachable: the last box covers the region")


def checkpoints_table(areas: Areas, rng: np.random.Generator) -> pd.DataFrame:
    """The road checkpoints, the Yellow River Bridge at the south edge of the region."""
    region = areas.region
    points = np.array([_point_near(region, *pos, rng) for _, pos, _, _ in CHECKPOINTS])
    return pd.DataFrame({
        "checkpoint_id": serial_ids("CP", len(CHECKPOINTS), width=2),
        "name": [c[0] for c in CHECKPOINTS],
        "lon": points[:, 0],
        "lat": points[:, 1],
    })


def checkpoint_daily_table(checkpoints: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Traffic and checks per 08:00-to-08:00 day (dated the day it ends), 1-9 October.

    The bridge's day ending 8 October reads 694 people from risk areas and 19,606
    landing tests, as in the source report; one small checkpoint misses a day.
    """
    frames = []
    days = CHECKPOINT_DATES
    controls = days >= CONTROLS_FROM
    for cp_id, (name, _, vehicles, people) in zip(checkpoints["checkpoint_id"], CHECKPOINTS,
                                                  strict=True):
        people_day = np.round(people * rng.normal(1.0, 0.02, days.size)).astype(np.int64)
        risk_share = np.where(controls, rng.uniform(0.025, 0.04, days.size),
                              rng.uniform(0.008, 0.015, days.size))
        frame = pd.DataFrame({
            "date": days.astype(str),
            "checkpoint_id": cp_id,
            "vehicles": np.round(vehicles * rng.normal(1.0, 0.02, days.size)).astype(np.int64),
            "people": people_day,
            "from_risk_areas": np.round(people_day * risk_share).astype(np.int64),
            "landing_tests": np.round(people_day * rng.uniform(0.96, 0.99, days.size)),
        })
        if name == BRIDGE:
            on_day = frame["date"] == str(BRIDGE_DAY)
            frame.loc[on_day, "people"] = BRIDGE_LANDING_TESTS + int(rng.integers(150, 400))
            frame.loc[on_day, "from_risk_areas"] = BRIDGE_FROM_RISK_AREAS
            frame.loc[on_day, "landing_tests"] = BRIDGE_LANDING_TESTS
        if name == MISSING_REPORT[0]:
            frame = frame[frame["date"] != str(MISSING_REPORT[1])]
        frames.append(frame)
    daily = pd.concat(frames, ignore_index=True)
    daily["landing_tests"] = daily["landing_tests"].astype(np.int64)
    return daily


# --- places ------------------------------------------------------------------------------

SUPERVISED_KINDS = ("garbage_station", "public_toilet", "park", "square", "pump_station",
                    "construction_site")
#: kind -> (number of places, name label)
PLACE_KINDS = {
    "garbage_station": (36, "垃圾转运站"),
    "public_toilet": (40, "公厕"),
    "park": (16, "公园"),
    "square": (12, "广场"),
    "pump_station": (14, "泵站"),
    "construction_site": (22, "项目施工工地"),
    "testing_site": (30, None),
    "quarantine_hotel": (12, "酒店"),
    "medical_institution": (18, "社区卫生服务中心"),
}


def _unique_names(stems: list[str], label: str) -> list[str]:
    """``stem + label``; repeats become ``stem + k号 + label``."""
    seen: dict[str, int] = {}
    names = []
    for stem in stems:
        seen[stem] = seen.get(stem, 0) + 1
        k = seen[stem]
        names.append(f"{stem}{label}" if k == 1 else f"{stem}{k}号{label}")
    return names


def places_table(areas: Areas, sites: Sites, rng: np.random.Generator) -> pd.DataFrame:
    """About 200 places of the nine kinds; testing-site places are real testing sites."""
    frames = []
    for kind, (count, label) in PLACE_KINDS.items():
        if label is None:
            chosen = np.sort(rng.choice(len(sites.ids), size=count, replace=False))
            names = [sites.names[i] for i in chosen]
            lonlat = sites.lonlat[chosen]
        else:
            names = _unique_names(place_stems(count, rng), label)
            comm = rng.choice(len(areas.community_ids), size=count)
            lonlat = random_points_in(areas.community_geoms[comm], rng)
        frames.append(pd.DataFrame({"name": names, "kind": kind,
                                    "lon": lonlat[:, 0], "lat": lonlat[:, 1]}))
    places = pd.concat(frames, ignore_index=True)
    places.insert(0, "place_id", serial_ids("P", len(places), width=3))
    return places


# --- inspections -------------------------------------------------------------------------

TEAMS = ("第一督查组", "第二督查组", "第三督查组")
#: environment bureau group -> (kind of place, fewest and most visits a day)
ENV_GROUPS = {
    "核酸检测组": ("testing_site", 6, 12),
    "医疗机构监管组": ("medical_institution", 4, 8),
    "隔离酒店检查组": ("quarantine_hotel", 3, 6),
}
ENV_FROM = np.datetime64("2022-10-04")
TEAM_VISITS = (8, 15)
FAIL_SHARE = 0.12
WINDOW_START = REPORT_DATE - np.timedelta64(6, "D")
ITEMS = ("staffing_ok", "disinfection_log_ok", "registration_log_ok")
FINDINGS = {
    "staffing_ok": ("值守人员不足", "未安排专人值守", "工作人员未规范佩戴口罩"),
    "disinfection_log_ok": ("消杀台账记录不全", "未按规定频次消杀", "消杀流程不规范"),
    "registration_log_ok": ("未落实扫码登记", "登记台账缺失", "场所码未张贴"),
}
WASTE_FINDINGS = {
    "staffing_ok": ("医疗废物收运人员不足",),
    "disinfection_log_ok": ("医疗废物暂存点消杀记录缺失", "涉疫废水消毒记录不全"),
    "registration_log_ok": ("医疗废物交接登记不全",),
}
RECTIFY_DELAYS, RECTIFY_WEIGHTS = (0, 1, 2, 3), (0.72, 0.14, 0.08, 0.06)


@dataclass
class InspectionStory:
    """What was done on purpose to the inspections, for the README."""

    unvisited: list[str] = field(default_factory=list)  # place ids, none in the last 7 days
    failed_twice: list[str] = field(default_factory=list)
    open_failures: list[str] = field(default_factory=list)  # inspection ids


def _rotate(pool: np.ndarray, days: np.ndarray, visits: tuple[int, int],
            rng: np.random.Generator, rest: dict[int, np.datetime64]) -> list[tuple]:
    """Visits of one team: each day the places it saw least recently (plus some chance).

    ``rest`` maps a place to the last day it may still be visited (a neglected place).
    """
    last = np.full(len(pool), np.datetime64("2022-09-20"))
    out = []
    for day in days:
        allowed = np.array([day <= rest.get(int(p), day) for p in pool])
        if not allowed.any():
            continue
        urgency = (day - last).astype(np.int64) + rng.uniform(0, 3, len(pool))
        urgency[~allowed] = -np.inf
        count = min(int(rng.integers(visits[0], visits[1] + 1)), int(allowed.sum()))
        for i in np.sort(np.argsort(-urgency, kind="stable")[:count]):
            out.append((day, int(pool[i])))
            last[i] = day
    return out


def _schedule(places: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Who visits which place on which day, before any result is drawn."""
    supervised = np.flatnonzero(places["kind"].isin(SUPERVISED_KINDS).to_numpy())
    by_lon = supervised[np.argsort(places["lon"].to_numpy()[supervised], kind="stable")]
    neglected = rng.choice(supervised, size=3, replace=False)
    rest = {int(neglected[0]): np.datetime64("2022-09-30")}
    rest |= {int(p): np.datetime64("2022-10-02") for p in neglected[1:]}
    visits = []
    for team, pool in zip(TEAMS, np.array_split(by_lon, len(TEAMS)), strict=True):
        visits += [(d, team, p) for d, p in _rotate(pool, INSPECTION_DATES, TEAM_VISITS, rng, rest)]
    env_days = INSPECTION_DATES[INSPECTION_DATES >= ENV_FROM]
    for group, (kind, low, high) in ENV_GROUPS.items():
        pool = np.flatnonzero((places["kind"] == kind).to_numpy())
        visits += [(d, group, p) for d, p in _rotate(pool, env_days, (low, high), rng, {})]
    frame = pd.DataFrame(visits, columns=["date", "team", "place"])
    return frame.sort_values(["date", "team", "place"], kind="stable", ignore_index=True)


def _failures(visits: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Which items each visit failed, shape (visits, 3); some places fail twice."""
    n = len(visits)
    failed = rng.random(n) < FAIL_SHARE
    counts = visits["place"].value_counts()
    repeat = counts[counts >= 2].index.to_numpy()
    twice = np.sort(rng.choice(repeat, size=3, replace=False))
    for place in twice:
        rows = np.flatnonzero(visits["place"].to_numpy() == place)
        failed[[rows[0], rows[-1]]] = True
    items = np.zeros((n, len(ITEMS)), dtype=bool)
    how_many = rng.choice([1, 2, 3], size=n, p=[0.7, 0.25, 0.05])
    for row in np.flatnonzero(failed):
        items[row, rng.permutation(len(ITEMS))[: how_many[row]]] = True
    return items


def _finding(items: np.ndarray, kind: str, same_day: bool, rng: np.random.Generator) -> str:
    table = WASTE_FINDINGS if kind in ("testing_site", "medical_institution",
                                      "quarantine_hotel") else FINDINGS
    texts = [str(rng.choice(table[item])) for item, bad in zip(ITEMS, items, strict=True) if bad]
    return "；".join(texts) + ("，已立行立改" if same_day else "")


def _rectified(dates: np.ndarray, failed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rectification day of each failed visit (NaT while open at the report date)."""
    delay = rng.choice(RECTIFY_DELAYS, size=dates.size, p=RECTIFY_WEIGHTS)
    fixed = dates + delay.astype("timedelta64[D]")
    fixed[~failed | (fixed > REPORT_DATE)] = np.datetime64("NaT")
    late = np.flatnonzero(failed & (dates >= REPORT_DATE - 4) & (dates <= REPORT_DATE - 2))
    recent = np.flatnonzero(failed & (dates >= REPORT_DATE - 1))
    for pool in (late, recent[:2]):
        if pool.size:
            fixed[rng.choice(pool)] = np.datetime64("NaT")
    return fixed


def inspections_table(places: pd.DataFrame,
                      rng: np.random.Generator) -> tuple[pd.DataFrame, InspectionStory]:
    """Visits of the three supervision teams and the three environment-bureau groups."""
    visits = _schedule(places, rng)
    items = _failures(visits, rng)
    failed = items.any(axis=1)
    dates = visits["date"].to_numpy().astype("datetime64[D]")
    rectified = _rectified(dates, failed, rng)
    kinds = places["kind"].to_numpy()[visits["place"]]
    findings = [_finding(items[i], kinds[i], rectified[i] == dates[i], rng) if failed[i] else ""
                for i in range(len(visits))]
    day_no = visits.groupby("date").cumcount() + 1
    ids = [f"DC{str(d).replace('-', '')}-{k:03d}" for d, k in zip(dates, day_no, strict=True)]
    table = pd.DataFrame({
        "inspection_id": ids,
        "date": dates,
        "team": visits["team"],
        "place_id": places["place_id"].to_numpy()[visits["place"]],
        "place_name": places["name"].to_numpy()[visits["place"]],
        **{item: ~items[:, i] for i, item in enumerate(ITEMS)},
        "finding": findings,
        "rectified_on": rectified,
    })
    return table, _story(table, places, failed)


def _story(table: pd.DataFrame, places: pd.DataFrame, failed: np.ndarray) -> InspectionStory:
    """Read back from the generated visits what the README tells about them."""
    recent = table.loc[table["date"] >= WINDOW_START, "place_id"]
    fails = table.loc[failed, "place_id"].value_counts()
    return InspectionStory(
        unvisited=sorted(set(places["place_id"]) - set(recent)),
        failed_twice=sorted(fails.index[fails >= 2]),
        open_failures=table.loc[failed & np.isnat(table["rectified_on"].to_numpy()),
                                "inspection_id"].tolist(),
    )
