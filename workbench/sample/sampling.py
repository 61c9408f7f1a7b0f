"""One row per person sampled: where and when residents were tested in each round.

In each round a planned share of each community is sampled once (exactly, so coverage
equals the plan), mostly at the sites of their own community, some at a neighbour's,
a few far from home, at hours following a daily load curve. Imperfections are added on
purpose and recorded in :class:`TestingStory`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from workbench.sample.geography import Areas
from workbench.sample.mass_testing import DOOR, FIXED, Round, Sites
from workbench.sample.outbreak import Outbreak
from workbench.sample.settings import Scale

#: Relative load of each hour of the day at a testing site (nobody is sampled at night).
HOURLY_LOAD = np.array([
    0, 0, 0, 0, 0, 0, 0, 0.6, 1.0, 1.0, 0.9, 0.7,
    0.4, 0.5, 0.7, 0.8, 0.8, 0.7, 0.6, 0.7, 0.5, 0.3, 0.1, 0,
])
SECOND_DAY_LOAD = 0.35  # load on the second day of a two-day round, relative to the first
NEAR_SHARE = 0.03  # residents sampled at a neighbouring community's site
FAR_SHARE = 0.002  # residents sampled at a site of some other community (e.g. near work)
DUPLICATE_SHARE = 0.005  # persons sampled twice in one round
DOOR_WEIGHT = 0.1  # door-to-door teams outside sealed areas serve only the homebound
BOUNDARY_ROWS = 2  # rows put exactly at a round's start, and as many at its end (at least)
SEALED_COVERAGE = (0.985, 0.995)
NORMAL_COVERAGE = (0.955, 0.995)
SHORT_COVERAGE = (0.85, 0.94)
#: Routine testing between the rounds (start, end), local time.
BETWEEN_ROUNDS = (
    ("2022-10-05 18:00:00", "2022-10-05 21:30:00"),
    ("2022-10-07 18:00:00", "2022-10-07 21:30:00"),
)
SILENT_DAY = np.datetime64("2022-10-08")


@dataclass
class TestingStory:
    """What was done on purpose to the sampling records, for the README."""

    short: dict[int, float] = field(default_factory=dict)  # community -> last-round coverage
    duplicates: int = 0
    outside_window: int = 0
    far_away: int = 0
    at_boundary: int = 0


@dataclass
class Sampling:
    """Sampling records as index arrays (into persons, communities, sites)."""

    person: np.ndarray
    area: np.ndarray
    site: np.ndarray
    sampled_at: np.ndarray  # datetime64[s]
    story: TestingStory


@dataclass
class SiteChoice:
    """For each community, the sites its residents use on one day, with weights.

    ``keys`` holds, community after community, ``community + cumulative share`` so that
    one ``searchsorted`` picks a site for any number of (community, uniform) pairs.
    """

    keys: np.ndarray
    sites: np.ndarray

    def pick(self, community: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Site index for each resident of ``community`` given uniforms ``u`` in [0, 1)."""
        return self.sites[np.searchsorted(self.keys, community + u, side="right")]


def site_choice(areas: Areas, sites: Sites, sealed: np.ndarray, closed: np.ndarray) -> SiteChoice:
    """Sites used by each community: its own, or the two nearest fixed sites if it has none.

    Sealed communities use only their door-to-door teams; ``closed`` sites are skipped.
    """
    open_ = ~np.isin(np.arange(len(sites.ids)), closed)
    sealed_set = set(sealed.tolist())
    outside_sealed = ~np.isin(sites.community, sealed)
    fixed = np.flatnonzero(open_ & (sites.kinds == FIXED) & outside_sealed)
    centres = shapely.get_coordinates(shapely.centroid(areas.community_geoms))
    weight = sites.capacity.astype(float)
    weight[sites.kinds == DOOR] *= DOOR_WEIGHT
    by_comm = pd.Series(np.arange(len(sites.ids))[open_]).groupby(sites.community[open_])
    members = {c: idx.to_numpy() for c, idx in by_comm}
    keys, chosen = [], []
    for c in range(len(areas.community_ids)):
        own = members.get(c, np.array([], dtype=np.int64))
        if c in sealed_set:
            use = own[sites.kinds[own] == DOOR]
            w = sites.capacity[use].astype(float)
        else:
            use = own if np.any(sites.kinds[own] != DOOR) else _nearest(fixed, sites, centres[c])
            w = weight[use]
        share = np.cumsum(w) / w.sum()
        share[-1] = 1.0
        keys.append(c + share)
        chosen.append(use)
    return SiteChoice(np.concatenate(keys), np.concatenate(chosen))


def _nearest(candidates: np.ndarray, sites: Sites, point: np.ndarray, k: int = 2) -> np.ndarray:
    """The ``k`` candidate sites nearest to ``point``."""
    dist = ((sites.lonlat[candidates] - point) ** 2).sum(axis=1)
    return np.sort(candidates[np.argsort(dist, kind="stable")[:k]])


def draw_times(start: np.datetime64, end: np.datetime64, count: int,
               rng: np.random.Generator) -> np.ndarray:
    """``count`` times in [start, end) following the daily load curve; datetime64[s]."""
    hours = np.arange(start.astype("datetime64[h]"), end.astype("datetime64[h]"))
    hour_of_day = (hours - hours.astype("datetime64[D]")).astype(np.int64)
    first_day = hours.astype("datetime64[D]") == hours[0].astype("datetime64[D]")
    weight = HOURLY_LOAD[hour_of_day] * np.where(first_day, 1.0, SECOND_DAY_LOAD)
    slot = rng.choice(len(hours), size=count, p=weight / weight.sum())
    seconds = rng.integers(0, 3600, size=count).astype("timedelta64[s]")
    return hours[slot].astype("datetime64[s]") + seconds


def plan_coverage(areas: Areas, outbreak: Outbreak, sites: Sites, rounds: list[Round],
                  scale: Scale, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Share of each community to sample in each round, shape (rounds, communities).

    Returns the plan and the communities left short of 95 % in the last round.
    """
    n_comm = len(areas.community_ids)
    plan = rng.uniform(*NORMAL_COVERAGE, size=(len(rounds), n_comm))
    for r, rnd in enumerate(rounds):
        sealed = outbreak.sealed_on(rnd.end.astype("datetime64[D]"))
        plan[r, sealed] = rng.uniform(*SEALED_COVERAGE, size=len(sealed))
    spared = np.concatenate([outbreak.sealed, [sites.community[sites.silent]]])
    eligible = np.setdiff1d(np.arange(n_comm), spared)
    short = np.sort(rng.choice(eligible, size=scale.short_communities, replace=False))
    plan[-1, short] = rng.uniform(*SHORT_COVERAGE, size=len(short))
    return plan, short


def choose_persons(pops: np.ndarray, share: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly round(share × population) distinct residents of each community, sorted."""
    home = np.repeat(np.arange(len(pops)), pops)
    offset = np.concatenate([[0], np.cumsum(pops)[:-1]])
    order = np.argsort(home + rng.random(home.size), kind="stable")
    rank = np.arange(home.size) - offset[home[order]]
    wanted = np.round(share * pops).astype(np.int64)
    return np.sort(order[rank < wanted[home[order]]])


def target_communities(home: np.ndarray, areas: Areas, sealed: np.ndarray,
                       rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Community whose sites each person uses: own, a neighbour's, or far away.

    Nobody leaves or enters a sealed community. Returns the targets and the count of
    persons sampled far from home.
    """
    n_comm = len(areas.community_ids)
    nb_count = np.array([len(n) for n in areas.neighbours])
    nb_start = np.concatenate([[0], np.cumsum(nb_count)[:-1]])
    nb_flat = np.concatenate(areas.neighbours)
    u = rng.random(home.size)
    pick = rng.random(home.size)
    near = nb_flat[nb_start[home] + (pick * nb_count[home]).astype(np.int64)]
    far = (home + 1 + (pick * (n_comm - 1)).astype(np.int64)) % n_comm
    target = np.where(u < FAR_SHARE, far, np.where(u < FAR_SHARE + NEAR_SHARE, near, home))
    is_sealed = np.zeros(n_comm, dtype=bool)
    is_sealed[sealed] = True
    target = np.where(is_sealed[home] | is_sealed[target], home, target)
    return target, int(((u < FAR_SHARE) & (target != home)).sum())


class DailySites:
    """Picks the site of each sample from the situation on the day it was taken.

    Sealed communities use their door-to-door teams from the day they are sealed; the
    silent site is closed on its silent day.
    """

    def __init__(self, areas: Areas, outbreak: Outbreak, sites: Sites):
        self.areas, self.outbreak, self.sites = areas, outbreak, sites
        self._choices: dict[np.datetime64, SiteChoice] = {}
        self.far_away = 0

    def choice_on(self, day: np.datetime64) -> SiteChoice:
        """The site choice of every community on ``day``."""
        if day not in self._choices:
            closed = np.array([self.sites.silent] if day == SILENT_DAY else [], dtype=np.int64)
            sealed = self.outbreak.sealed_on(day)
            self._choices[day] = site_choice(self.areas, self.sites, sealed, closed)
        return self._choices[day]

    def assign(self, home: np.ndarray, at: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Site index of each sample of residents of ``home`` taken at ``at``."""
        day = at.astype("datetime64[D]")
        site = np.empty(home.size, dtype=np.int64)
        for d in np.unique(day):
            rows = np.flatnonzero(day == d)
            target, far = target_communities(home[rows], self.areas, self.outbreak.sealed_on(d),
                                             rng)
            site[rows] = self.choice_on(d).pick(target, rng.random(rows.size))
            self.far_away += far
        return site


def _rows(person: np.ndarray, home: np.ndarray, site: np.ndarray, at: np.ndarray) -> dict:
    return {"person": person, "area": home, "site": site, "sampled_at": at}


def sample_round(rnd: Round, share: np.ndarray, areas: Areas, daily: DailySites,
                 story: TestingStory, rng: np.random.Generator) -> dict:
    """Rows of one round: every chosen resident once, a few twice, a few at the edges."""
    pops = areas.community_population
    person = choose_persons(pops, share, rng)
    home = np.repeat(np.arange(len(pops)), pops)[person]
    at = draw_times(rnd.start, rnd.end, person.size, rng)
    edge = rng.choice(person.size, size=2 * BOUNDARY_ROWS, replace=False)
    at[edge[:BOUNDARY_ROWS]] = rnd.start
    at[edge[BOUNDARY_ROWS:]] = rnd.end
    first = _rows(person, home, daily.assign(home, at, rng), at)

    twice = np.sort(rng.choice(person.size, size=round(DUPLICATE_SHARE * person.size),
                               replace=False))
    again_at = draw_times(rnd.start, rnd.end, twice.size, rng)
    again = _rows(person[twice], home[twice], daily.assign(home[twice], again_at, rng), again_at)
    story.duplicates += twice.size
    return _concat([first, again])


def sample_between_rounds(areas: Areas, daily: DailySites, count: int,
                          rng: np.random.Generator) -> dict:
    """Routine tests on the evenings between rounds: outside every round's window."""
    pops = areas.community_population
    parts = []
    for (start, end), n in zip(BETWEEN_ROUNDS, _largest_split(count, len(BETWEEN_ROUNDS)),
                               strict=True):
        person = np.sort(rng.choice(pops.sum(), size=n, replace=False))
        home = np.repeat(np.arange(len(pops)), pops)[person]
        span = (np.datetime64(end, "s") - np.datetime64(start, "s")).astype(np.int64)
        at = np.datetime64(start, "s") + rng.integers(0, span, n).astype("timedelta64[s]")
        parts.append(_rows(person, home, daily.assign(home, at, rng), at))
    return _concat(parts)


def _largest_split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _concat(parts: list[dict]) -> dict:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def build_sampling(areas: Areas, outbreak: Outbreak, sites: Sites, rounds: list[Round],
                   scale: Scale, rng: np.random.Generator) -> Sampling:
    """Generate every sampling row of the pack, ordered by time, site and person."""
    plan, short = plan_coverage(areas, outbreak, sites, rounds, scale, rng)
    pops = areas.community_population
    story = TestingStory(
        short={int(c): float(round(plan[-1, c] * pops[c]) / pops[c]) for c in short}
    )
    daily = DailySites(areas, outbreak, sites)
    parts = [sample_round(rnd, plan[r], areas, daily, story, rng)
             for r, rnd in enumerate(rounds)]
    between = sample_between_rounds(areas, daily, scale.outside_window_samples, rng)
    rows = _concat([*parts, between])
    edges = np.array([t for rnd in rounds for t in (rnd.start, rnd.end)])
    story.outside_window = between["person"].size
    story.far_away = daily.far_away
    story.at_boundary = int(np.isin(rows["sampled_at"], edges).sum())
    order = np.lexsort((rows["person"], rows["site"], rows["sampled_at"]))
    return Sampling(
        person=rows["person"][order],
        area=rows["area"][order].astype(np.int32),
        site=rows["site"][order].astype(np.int32),
        sampled_at=rows["sampled_at"][order],
        story=story,
    )


# --- pseudonymous person keys and the Arrow table ----------------------------------------

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_PREFIX = np.frombuffer(b"pk_", dtype=np.uint8)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective scramble of 64-bit integers."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def person_keys(count: int, secret: int) -> pa.StringArray:
    """``pk_`` + 16 hex digits of a keyed scramble of each person's index (all distinct).

    Nothing about a person can be read from the key; without ``secret`` it cannot be
    linked back to the index either.
    """
    return person_keys_at(np.arange(count, dtype=np.uint64), secret)


def person_keys_at(index: np.ndarray, secret: int) -> pa.StringArray:
    """The keys of the persons numbered ``index``, as :func:`person_keys`; distinct numbers, distinct keys."""
    count = len(index)
    mixed = _mix64(np.asarray(index, dtype=np.uint64) ^ np.uint64(secret))
    shifts = np.arange(60, -1, -4, dtype=np.uint64)
    nibbles = ((mixed[:, None] >> shifts) & np.uint64(0xF)).astype(np.intp)
    chars = np.hstack([np.broadcast_to(_PREFIX, (count, 3)), _HEX[nibbles]])
    width = chars.shape[1]
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(
        count, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))
    )


def sampling_arrow(sampling: Sampling, areas: Areas, sites: Sites, secret: int) -> pa.Table:
    """The sampling dataset as an Arrow table (strings and naive timestamp[s])."""
    keys = person_keys(int(areas.community_population.sum()), secret)
    return pa.table({
        "person_key": keys.take(pa.array(sampling.person)),
        "area_id": pa.array(areas.community_ids).take(pa.array(sampling.area)),
        "site_id": pa.array(sites.ids).take(pa.array(sampling.site)),
        "sampled_at": pa.array(sampling.sampled_at, type=pa.timestamp("s")),
    })
