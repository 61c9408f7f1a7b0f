"""Testing sites and the three mass-testing rounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.sample.geography import Areas, random_points_in
from workbench.sample.names import serial_ids
from workbench.sample.outbreak import Outbreak
from workbench.sample.settings import ROUNDS, Scale

FIXED, MOBILE, DOOR = "fixed", "mobile", "door_to_door"


@dataclass
class Sites:
    """Testing sites; ``community`` is the index of the community each stands in."""

    ids: list[str]
    names: list[str]
    kinds: np.ndarray
    community: np.ndarray
    lonlat: np.ndarray
    capacity: np.ndarray
    silent: int  # index of the fixed site that stops reporting on 8 October

    def table(self) -> pd.DataFrame:
        """The testing_sites dataset."""
        return pd.DataFrame({
            "site_id": self.ids,
            "name": self.names,
            "kind": self.kinds,
            "lon": self.lonlat[:, 0],
            "lat": self.lonlat[:, 1],
            "capacity_per_hour": self.capacity,
        })


@dataclass
class Round:
    """A mass-testing round."""

    round_id: str
    name: str
    start: np.datetime64
    end: np.datetime64


def make_rounds() -> list[Round]:
    """The three rounds of 4-8 October 2022."""
    return [Round(rid, name, np.datetime64(start, "s"), np.datetime64(end, "s"))
            for rid, name, start, end in ROUNDS]


def rounds_table(rounds: list[Round]) -> pd.DataFrame:
    """The rounds dataset."""
    return pd.DataFrame({
        "round_id": [r.round_id for r in rounds],
        "name": [r.name for r in rounds],
        "start": [str(r.start).replace("T", " ") for r in rounds],
        "end": [str(r.end).replace("T", " ") for r in rounds],
    })


# --- sites -------------------------------------------------------------------------------


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights``."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    extra = np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]
    counts[extra] += 1
    return counts


def _fixed_site_counts(pops: np.ndarray, total: int) -> np.ndarray:
    """Fixed sites per community: one each when there are enough, more for large ones."""
    if total >= len(pops):
        return 1 + _largest_remainder(total - len(pops), pops.astype(float))
    return _largest_remainder(total, pops.astype(float))


def _round_to(values: np.ndarray, step: int, low: int, high: int) -> np.ndarray:
    """Round to a multiple of ``step`` and clip to [low, high]."""
    return np.clip(np.round(values / step) * step, low, high).astype(np.int64)


def build_sites(areas: Areas, outbreak: Outbreak, scale: Scale,
                rng: np.random.Generator) -> Sites:
    """Place the fixed, mobile and door-to-door testing sites in communities."""
    pops = areas.community_population
    n_comm = len(pops)
    fixed_per = _fixed_site_counts(pops, scale.fixed_sites)
    fixed_comm = np.repeat(np.arange(n_comm), fixed_per)
    mobile_comm = np.sort(rng.choice(n_comm, size=scale.mobile_sites, p=pops / pops.sum()))
    door_extra = scale.door_sites - 3 * len(outbreak.sealed)
    door_comm = np.sort(np.concatenate([
        np.repeat(outbreak.sealed, 3),
        rng.choice(n_comm, size=door_extra, p=pops / pops.sum()),
    ]))
    community = np.concatenate([fixed_comm, mobile_comm, door_comm])
    kinds = np.array([FIXED] * len(fixed_comm) + [MOBILE] * len(mobile_comm)
                     + [DOOR] * len(door_comm), dtype=object)

    per_fixed = pops[fixed_comm] / fixed_per[fixed_comm]
    capacity = np.concatenate([
        _round_to(0.11 * per_fixed * rng.uniform(0.9, 1.6, len(fixed_comm)), 10, 120, 400),
        _round_to(rng.uniform(100, 250, len(mobile_comm)), 10, 100, 250),
        _round_to(rng.uniform(60, 120, len(door_comm)), 10, 60, 120),
    ])
    return Sites(
        ids=serial_ids("T", len(community), width=3),
        names=_site_names(areas, community, kinds),
        kinds=kinds,
        community=community,
        lonlat=random_points_in(areas.community_geoms[community], rng),
        capacity=capacity,
        silent=_choose_silent(areas, outbreak, community, kinds, rng),
    )


def _site_names(areas: Areas, community: np.ndarray, kinds: np.ndarray) -> list[str]:
    """Names such as 阳光花园社区2号采样点, 流动采样车07号, 阳光花园社区上门采样队1."""
    names, seen = [], {}
    mobile_no = 0
    for comm, kind in zip(community, kinds, strict=True):
        seen[(comm, kind)] = seen.get((comm, kind), 0) + 1
        k = seen[(comm, kind)]
        cname = areas.community_names[comm]
        if kind == FIXED:
            names.append(f"{cname}{k}号采样点")
        elif kind == MOBILE:
            mobile_no += 1
            names.append(f"流动采样车{mobile_no:02d}号")
        else:
            names.append(f"{cname}上门采样队{k}")
    return names


def _choose_silent(areas: Areas, outbreak: Outbreak, community: np.ndarray,
                   kinds: np.ndarray, rng: np.random.Generator) -> int:
    """A fixed site in an ordinary community, one with another fixed site if possible.

    When the silent site is closed its residents use the other sites of the community,
    or the nearest fixed sites when it has none left.
    """
    fixed = kinds == FIXED
    per_comm = np.bincount(community[fixed], minlength=len(areas.community_ids))
    affected = np.concatenate([outbreak.sealed, *outbreak.controlled])
    ordinary = fixed & ~np.isin(community, affected)
    backed = ordinary & (per_comm[community] >= 2)
    return int(rng.choice(np.flatnonzero(backed if backed.any() else ordinary)))
