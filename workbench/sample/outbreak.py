"""The epidemic situation: which communities are sealed or controlled on each day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.sample.geography import Areas
from workbench.sample.settings import ZONE_DATES, Scale

FIRST_SEAL = np.datetime64("2022-10-05")


@dataclass
class Outbreak:
    """Sealed communities (indices into the community lists) and the day each was sealed."""

    sealed: np.ndarray
    sealed_from: np.ndarray  # datetime64[D], one per sealed community
    controlled: list[np.ndarray]  # for each sealed community, its controlled neighbours

    def sealed_on(self, day: np.datetime64) -> np.ndarray:
        """Indices of the communities sealed on ``day``."""
        return self.sealed[self.sealed_from <= day]

    def controlled_on(self, day: np.datetime64) -> np.ndarray:
        """Indices of the communities controlled (but not sealed) on ``day``."""
        rings = [ring for ring, start in zip(self.controlled, self.sealed_from, strict=True)
                 if start <= day]
        if not rings:
            return np.array([], dtype=np.int64)
        return np.setdiff1d(np.concatenate(rings), self.sealed_on(day))


def choose_outbreak(areas: Areas, scale: Scale, rng: np.random.Generator) -> Outbreak:
    """Pick mid-sized, well-connected communities, far apart, to be sealed from 5-6 October."""
    pops = areas.community_population
    degree = np.array([len(n) for n in areas.neighbours])
    candidates = np.flatnonzero((pops >= 2000) & (pops <= 4500) & (degree >= 4))
    candidates = rng.permutation(candidates)
    sealed: list[int] = []
    blocked: set[int] = set()
    for c in candidates:
        if c in blocked:
            continue
        sealed.append(int(c))
        ring = set(areas.neighbours[c].tolist())
        blocked |= {c} | ring | {n for r in ring for n in areas.neighbours[r].tolist()}
        if len(sealed) == scale.sealed:
            break
    sealed_arr = np.array(sealed, dtype=np.int64)
    sealed_from = FIRST_SEAL + (np.arange(len(sealed)) % 2).astype("timedelta64[D]")
    return Outbreak(
        sealed=sealed_arr,
        sealed_from=sealed_from,
        controlled=[areas.neighbours[c] for c in sealed_arr],
    )


def zones_table(areas: Areas, outbreak: Outbreak) -> pd.DataFrame:
    """One row per community and day from 4 to 9 October: sealed, controlled or prevention."""
    frames = []
    for day in ZONE_DATES:
        zone = np.full(len(areas.community_ids), "prevention", dtype=object)
        zone[outbreak.controlled_on(day)] = "controlled"
        zone[outbreak.sealed_on(day)] = "sealed"
        frames.append(pd.DataFrame({
            "date": str(day),
            "area_id": areas.community_ids,
            "zone": zone,
        }))
    return pd.concat(frames, ignore_index=True)
