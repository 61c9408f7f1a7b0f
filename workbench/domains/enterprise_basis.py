"""The basis of every enterprise figure: units, the period a report stands at, targets, the status rule.

Definitions: see :mod:`workbench.domains.enterprises`. The status rule is here once
(:func:`classify_status`), with the progress ranges a bullet graph draws derived from it
(:func:`status_ranges`) and the run-rate rule (:func:`workbench.domains.enterprise_output.run_rate_status`)
reading it too.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.domains.bands import BandRange
from workbench.errors import WorkbenchError
from workbench.intake.vocabulary import UNITS

DEFAULT_RISK_RATIO = 0.9
#: Relative tolerance of the status comparisons.
TOLERANCE = 1e-9
STATUSES = ("on_track", "at_risk", "behind")
#: Worst first, for sorting and for an enterprise's worst status.
SEVERITY = {"behind": 0, "at_risk": 1, "on_track": 2, "no_data": 3}
#: The palette key (``workbench.present.palette.STATUS_COLOURS``) of each status.
STATUS_PALETTE = {"on_track": "good", "at_risk": "warn", "behind": "bad", "no_data": "no_data"}


# ---------------------------------------------------------------- units


def conversion_factor(from_unit: str, to_unit: str, what: str = "",
                      units: Mapping[str, tuple[str, float]] = UNITS) -> float:
    """The factor that turns a quantity in ``from_unit`` into ``to_unit``.

    Parameters
    ----------
    from_unit, to_unit : str
        Keys of ``units`` (t, 万吨, 元, 万元, 亿元 by default).
    what : str
        What is converted (e.g. ``"E01 / 铜"``), named in the error.
    units : mapping
        unit → (base unit, factor to the base unit); default :data:`workbench.intake.vocabulary.UNITS`.

    Raises
    ------
    WorkbenchError
        When a unit is unknown or the two units measure different things (t vs 元).
    """
    prefix = f"{what}: " if what else ""
    for unit in (from_unit, to_unit):
        if unit not in units:
            raise WorkbenchError(f"{prefix}unknown unit {unit!r} (known: {', '.join(units)})")
    (base_from, factor_from), (base_to, factor_to) = units[from_unit], units[to_unit]
    if base_from != base_to:
        raise WorkbenchError(f"{prefix}cannot convert {from_unit} to {to_unit} "
                             f"(a quantity in {base_from} is not one in {base_to})")
    return factor_from / factor_to


def convert(quantity, from_unit: str, to_unit: str, what: str = "",
            units: Mapping[str, tuple[str, float]] = UNITS):
    """``quantity`` (a number or an array) in ``from_unit`` expressed in ``to_unit``."""
    return quantity * conversion_factor(from_unit, to_unit, what, units)


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """The year a report is about and the date D its figures stand at.

    ``capped`` is true when ``year`` is before the report date's year and D is 31 December.
    """

    year: int
    report_date: pd.Timestamp
    as_of: pd.Timestamp
    capped: bool

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(year=self.year, month=1, day=1)

    @property
    def days_in_year(self) -> int:
        return 366 if calendar.isleap(self.year) else 365

    @property
    def day_of_year(self) -> int:
        return int(self.as_of.day_of_year)

    @property
    def days_left(self) -> int:
        return self.days_in_year - self.day_of_year

    @property
    def elapsed(self) -> float:
        return self.day_of_year / self.days_in_year


def resolve_period(report_date, year: int | None = None) -> Period:
    """The :class:`Period` of a report on ``report_date`` about ``year`` (default: its year).

    Raises
    ------
    WorkbenchError
        When ``year`` is after the report date's year (no day of it has passed).
    """
    day = pd.Timestamp(report_date).normalize()
    chosen = day.year if year in (None, "") else int(year)
    if chosen > day.year:
        raise WorkbenchError(f"year {chosen} is after the report date {day:%Y-%m-%d}")
    if chosen < day.year:
        return Period(chosen, day, pd.Timestamp(year=chosen, month=12, day=31), True)
    return Period(chosen, day, day, False)


# ---------------------------------------------------------------- scope


def select_enterprises(enterprises: pd.DataFrame, enterprise: str | None = None) -> pd.DataFrame:
    """All enterprises, or the one whose ``enterprise_id`` (or exact ``name``) is ``enterprise``."""
    if enterprise in (None, ""):
        return enterprises.reset_index(drop=True)
    key = str(enterprise).strip()
    chosen = enterprises[(enterprises["enterprise_id"] == key) | (enterprises["name"] == key)]
    if chosen.empty:
        known = ", ".join(enterprises["enterprise_id"].astype(str))
        raise WorkbenchError(f"enterprise {enterprise!r} is not in the enterprises data (known: {known})")
    return chosen.reset_index(drop=True)


def production_in_period(production: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rows of ``production`` dated in ``period.year`` up to and including ``period.as_of``."""
    dates = production["date"]
    return production[(dates >= period.start) & (dates <= period.as_of)]


def year_targets(targets: pd.DataFrame, period: Period, enterprise_ids=None) -> pd.DataFrame:
    """The targets of ``period.year`` (of ``enterprise_ids`` when given), in file order."""
    rows = targets[targets["year"].astype("int64") == period.year]
    if enterprise_ids is not None:
        rows = rows[rows["enterprise_id"].isin(list(enterprise_ids))]
    return rows[["enterprise_id", "product", "target", "unit"]].reset_index(drop=True)


def in_target_units(production: pd.DataFrame, targets: pd.DataFrame,
                    units: Mapping[str, tuple[str, float]] = UNITS) -> pd.DataFrame:
    """Production rows that have a target, with ``quantity`` converted to the target's unit.

    Parameters
    ----------
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity``, ``unit``.
    targets : DataFrame
        ``enterprise_id``, ``product``, ``unit`` (one year's targets).

    Returns
    -------
    DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity`` (in the target's unit), ``unit``
        (the target's).

    Raises
    ------
    WorkbenchError
        Naming the enterprise and product when a unit cannot be converted to the target's.
    """
    keyed = targets[["enterprise_id", "product", "unit"]].rename(columns={"unit": "target_unit"})
    rows = production.merge(keyed, on=["enterprise_id", "product"], how="inner")
    pairs = rows[["enterprise_id", "product", "unit", "target_unit"]].drop_duplicates()
    factors = {}
    for eid, product, unit, target_unit in pairs.itertuples(index=False):
        factors[(unit, target_unit)] = conversion_factor(unit, target_unit, f"{eid} / {product}", units)
    factor = [factors[pair] for pair in zip(rows["unit"], rows["target_unit"], strict=True)]
    out = rows[["date", "enterprise_id", "product"]].copy()
    out["quantity"] = rows["quantity"].to_numpy(dtype="float64") * np.asarray(factor, dtype="float64")
    out["unit"] = rows["target_unit"].to_numpy()
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- the status rule


def classify_status(projected, target, risk_ratio: float = DEFAULT_RISK_RATIO) -> np.ndarray:
    """``on_track`` / ``at_risk`` / ``behind`` per row (boundaries inclusive, see module doc)."""
    projected = np.asarray(projected, dtype="float64")
    target = np.asarray(target, dtype="float64")
    slack = 1 - TOLERANCE
    return np.where(projected >= target * slack, "on_track",
                    np.where(projected >= risk_ratio * target * slack, "at_risk", "behind")).astype(object)


def status_ranges(elapsed: float, risk_ratio: float = DEFAULT_RISK_RATIO) -> list[BandRange]:
    """The progress (ytd ÷ target) of each status at ``elapsed`` (share of the year gone), worst first.

    projected ≥ target ⟺ progress ≥ elapsed, so :func:`classify_status` is, on progress:
    ``on_track`` from elapsed × (1 − TOLERANCE), ``at_risk`` from risk_ratio × elapsed ×
    (1 − TOLERANCE), ``behind`` below. A bullet graph draws these ranges.
    """
    slack = 1 - TOLERANCE
    at_risk, on_track = risk_ratio * elapsed * slack, elapsed * slack
    return [BandRange("behind", 0.0, at_risk), BandRange("at_risk", at_risk, on_track),
            BandRange("on_track", on_track, None)]


