"""Mechanisms every domain shares, each defined once: day windows, safe ratios, expected reports
that are missing, and the time since the last event.

Definitions:

- *N days ending on D* are the calendar days D − (N − 1) … D, both ends included, as midnight
  timestamps. N must be a whole number of at least 1; anything else raises a
  :class:`~workbench.errors.WorkbenchError` naming the parameter (never clamped, never
  unchecked).
- A *ratio* is numerator ÷ denominator as a float, and *not a number* (NaN) when the
  denominator is 0 or missing, or the numerator is missing: a figure without a base is unknown,
  never 0 % and never infinite.
- A report is *missing* on a day when it was *expected* that day and not *reported*: each domain
  says when it expects one (a testing site's habit, an enterprise's weekday habit, a checkpoint
  from its first report on), this module lists the cells that are expected and empty.
- The *time since the last event* at a moment T is T − the latest event at or before T, in a
  unit (hours, days); NaN when there is none. It is *past* a limit when it is at least the limit,
  or when there never was an event.
- A *follow-up* (an inspection finding, an enterprise request) raised on R and resolved on F
  (may be empty) is *closed* at D when F ≤ D, *open* while F is empty or later than D; its
  *age* is D − R in days; it is *overdue* when open and its age is greater than the limit in
  days; its *days to close* is F − R, for closed ones only (:func:`follow_up_status`).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError


def day_count(days, what: str = "window_days") -> int:
    """``days`` as an int, checked to be a whole number of at least 1 (``what`` names it in the error)."""
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or int(days) < 1:
        raise WorkbenchError(f"{what} must be a whole number of 1 or more, got {days!r}")
    return int(days)


def window_start(end, days, what: str = "window_days") -> pd.Timestamp:
    """The first of the ``days`` calendar days ending on ``end`` (midnight)."""
    return pd.Timestamp(end).normalize() - pd.Timedelta(days=day_count(days, what) - 1)


def days_ending(end, days, what: str = "window_days") -> pd.DatetimeIndex:
    """The ``days`` calendar days ending on ``end``, oldest first (midnight timestamps).

    Raises
    ------
    WorkbenchError
        When ``days`` is not a whole number of at least 1.
    """
    return pd.date_range(window_start(end, days, what), pd.Timestamp(end).normalize(), freq="D")


def ratio(numerator, denominator):
    """``numerator`` ÷ ``denominator``; NaN where the denominator is 0 or missing.

    Scalars give a float; Series give a float Series on the numerator's index; arrays give an
    array. Nullable (``Int64``) values are read as floats, their missing values as NaN.
    """
    if np.ndim(numerator) == 0 and np.ndim(denominator) == 0:
        num = np.nan if numerator is None or pd.isna(numerator) else float(numerator)
        den = np.nan if denominator is None or pd.isna(denominator) else float(denominator)
        return num / den if den > 0 else float("nan")
    num = _floats(numerator)
    den = _floats(denominator)
    values = np.divide(num, den, out=np.full(np.broadcast(num, den).shape, np.nan), where=den > 0)
    if isinstance(numerator, pd.Series):
        return pd.Series(values, index=numerator.index)
    if isinstance(denominator, pd.Series):
        return pd.Series(values, index=denominator.index)
    return values


def _floats(values) -> np.ndarray:
    """Values as a float array, missing values (None, NA, NaN) as NaN."""
    if isinstance(values, pd.Series | pd.Index):
        return pd.to_numeric(pd.Series(values), errors="coerce").astype("Float64").to_numpy(
            dtype="float64", na_value=np.nan)
    return np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(values)), errors="coerce")
                      .astype("Float64").to_numpy(dtype="float64", na_value=np.nan)).reshape(np.shape(values))


def reporting_grid(rows: pd.DataFrame, keys: list[str], days, date: str = "date") -> pd.DataFrame:
    """Which unit reported on which day: a boolean frame, one row per day, one column per unit.

    Parameters
    ----------
    rows : DataFrame
        ``date`` (midnight timestamps) and the ``keys`` columns naming the unit (a site, an
        enterprise and product, a checkpoint); one row or more per report.
    keys : list of str
        The columns that name a unit.
    days : sequence of date-like
        The days of the grid (its index, in that order).

    Returns
    -------
    DataFrame
        Index ``date`` (``days``), columns the units found in ``rows`` (a MultiIndex when
        ``keys`` has more than one column), True where the unit has a row that day.
    """
    index = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in days], name=date)
    seen = rows[[date, *keys]].drop_duplicates().assign(_seen=True)
    grid = seen.pivot_table(index=date, columns=keys, values="_seen", aggfunc="any")
    return grid.reindex(index).fillna(False).astype(bool)


def missing_cells(reported: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """The (day, unit) cells that were expected and not reported, as rows sorted by day then unit.

    Parameters
    ----------
    reported, expected : DataFrame
        Boolean frames with the same index (days, named ``date``) and columns (units, named by
        their key columns), as from :func:`reporting_grid`.

    Returns
    -------
    DataFrame
        ``date`` and the key columns of the units.
    """
    keys = [name or "unit" for name in expected.columns.names]
    missing = expected & ~reported.reindex_like(expected).fillna(False).astype(bool)
    stacked = missing.stack(level=list(range(missing.columns.nlevels)), future_stack=True)
    found = stacked[stacked].reset_index()
    found.columns = ["date", *keys, "_missing"]
    return found[["date", *keys]].sort_values(["date", *keys], ignore_index=True)


def time_since(last, at, unit: str = "h"):
    """``at`` − ``last`` in ``unit`` (``"h"`` hours, ``"D"`` days) as floats; NaN where ``last`` is missing.

    ``last`` is one timestamp or a Series of them (NaT for no event).
    """
    elapsed = (pd.Timestamp(at) - pd.to_datetime(last)) / pd.Timedelta(1, unit=unit)
    return elapsed if np.ndim(elapsed) else float(elapsed)


def past_limit(elapsed, limit: float):
    """True where ``elapsed`` is at least ``limit``, or missing (no event ever)."""
    values = _floats(elapsed) if np.ndim(elapsed) else np.asarray(
        np.nan if elapsed is None or pd.isna(elapsed) else float(elapsed))
    result = np.isnan(values) | (values >= limit)
    if isinstance(elapsed, pd.Series):
        return pd.Series(result, index=elapsed.index)
    return result if np.ndim(result) else bool(result)


def follow_up_status(raised: pd.Series, resolved: pd.Series, day, limit_days: int) -> pd.DataFrame:
    """Open / overdue status at ``day`` of follow-ups raised on ``raised`` and resolved on ``resolved``.

    Parameters
    ----------
    raised, resolved : Series
        Midnight timestamps on one index; ``resolved`` NaT while not resolved. ``raised`` on or
        before ``day``.
    day : Timestamp
        The report day (midnight).
    limit_days : int
        An open follow-up whose age is greater than this many days is overdue.

    Returns
    -------
    DataFrame
        On ``raised``'s index: ``age_days`` (int), ``closed``, ``open``, ``overdue`` (bool) and
        ``days_to_close`` (float, NaN unless closed).
    """
    day = pd.Timestamp(day).normalize()
    age = time_since(raised, day, "D").astype("int64")
    closed = resolved.notna() & (resolved <= day)
    still_open = ~closed
    taken = (resolved - raised).dt.days.astype("float64")
    return pd.DataFrame({
        "age_days": age, "closed": closed, "open": still_open,
        "overdue": still_open & past_limit(age, int(limit_days) + 1),
        "days_to_close": taken.where(closed),
    }, index=raised.index)
