"""Classification against a target, once for every report, map and legend.

A share (coverage of a community, compliance of a quarantine item) falls into one *band*:

- ``reached``: share ≥ target;
- ``near``: target − ``NEAR_POINTS`` ≤ share < target (within 10 percentage points);
- ``short``: share < target − ``NEAR_POINTS``;
- ``no_data``: no share (nothing to divide by).

Boundaries are exact at :data:`DECIMALS` decimals: share and threshold are both rounded to
them once, in :func:`reaches`, so a community at exactly 85.0 % (85 / 100) is ``near`` a 95 %
target and one at exactly 90.0 % too, whatever the float rounding of 0.95 − 0.10.

Each band has a *tone* (the palette key of ``workbench.present.palette.STATUS_COLOURS``): the
brief and the full report colour a figure from the same band. A legend is derived from the
same thresholds (:func:`band_ranges`): presentation formats the bounds and draws the colours.

Also here, the elapsed-time bands of "time since the last event against a limit"
(:func:`elapsed_bands`): ``within`` below the limit, ``late`` up to twice the limit,
``overdue`` from twice the limit or when there never was an event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Width of the ``near`` band below the target (10 percentage points).
NEAR_POINTS = 0.10
#: Decimals at which a share is compared with its threshold.
DECIMALS = 9
#: The bands, best first.
BANDS = ("reached", "near", "short")
#: The palette key of each band.
BAND_TONE = {"reached": "good", "near": "warn", "short": "bad", "no_data": "no_data"}
#: The elapsed-time bands, best first, and their palette keys.
ELAPSED_BANDS = ("within", "late", "overdue")
ELAPSED_TONE = {"within": "good", "late": "warn", "overdue": "bad"}


@dataclass(frozen=True)
class BandRange:
    """One band of a legend: ``band`` covers ``low`` ≤ value < ``high`` (None: unbounded)."""

    band: str
    low: float | None
    high: float | None

    @property
    def tone(self) -> str:
        return BAND_TONE.get(self.band, ELAPSED_TONE.get(self.band, "no_data"))


def reaches(value, threshold):
    """True where ``value`` ≥ ``threshold`` at :data:`DECIMALS` decimals (False where value is missing)."""
    values = np.round(np.asarray(value, dtype="float64"), DECIMALS)
    result = values >= np.round(np.asarray(threshold, dtype="float64"), DECIMALS)
    if isinstance(value, pd.Series):
        return pd.Series(result, index=value.index)
    return result if np.ndim(result) else bool(result)


def near_threshold(target: float) -> float:
    """The lower bound of the ``near`` band of ``target``."""
    return max(float(target) - NEAR_POINTS, 0.0)


def target_band(share, target: float) -> str:
    """The band of one share (see the module doc)."""
    if share is None or pd.isna(share):
        return "no_data"
    if reaches(share, target):
        return "reached"
    return "near" if reaches(share, near_threshold(target)) else "short"


def target_bands(shares: pd.Series, target: float) -> pd.Series:
    """:func:`target_band` of every share (a Series on the same index)."""
    values = pd.Series(shares, dtype="float64")
    bands = np.where(values.isna(), "no_data",
                     np.where(reaches(values, target).to_numpy(), "reached",
                              np.where(reaches(values, near_threshold(target)).to_numpy(), "near", "short")))
    return pd.Series(bands, index=values.index, dtype=object, name="band")


def band_ranges(target: float) -> list[BandRange]:
    """The legend of :func:`target_band`: ``short`` first (the order a legend reads upwards)."""
    near = near_threshold(target)
    return [BandRange("short", None, near), BandRange("near", near, float(target)),
            BandRange("reached", float(target), None)]


def tone(band: str) -> str:
    """The palette key of a band (``no_data`` for anything unknown)."""
    return BAND_TONE.get(band, ELAPSED_TONE.get(band, "no_data"))


def elapsed_band(elapsed, limit: float) -> str:
    """``within`` (< limit), ``late`` (< 2 × limit) or ``overdue`` (≥ 2 × limit, or never)."""
    if elapsed is None or pd.isna(elapsed) or reaches(elapsed, 2 * limit):
        return "overdue"
    return "late" if reaches(elapsed, limit) else "within"


def elapsed_ranges(limit: float) -> list[BandRange]:
    """The legend of :func:`elapsed_band`, best first."""
    return [BandRange("within", None, limit), BandRange("late", limit, 2 * limit),
            BandRange("overdue", 2 * limit, None)]
