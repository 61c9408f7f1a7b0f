"""Timestamps and dates from text, Excel and Parquet values, as department exports write them.

All vectorised: ISO 8601 and ``2022/10/9 8:05``; ``2022年10月9日``, ``8时5分``,
``2022年10月9日 8时5分``; Excel serial numbers (``44835`` is 2022-10-01, ``44835.5`` its noon;
20000 to 80000, i.e. 1954 to 2119). A value with an offset is converted to the pack's time
zone, then the zone is dropped. A column may read a date alone as the end of that day
(:func:`end_of_day_when_date_only`, a round's ``end``).
"""

from __future__ import annotations

import pandas as pd
from pandas.tseries.api import guess_datetime_format

from workbench.intake.catalog import DEFAULT_TIMEZONE

#: Most values parsed one by one (slowly) when a column is in no recognisable format.
_PER_VALUE_LIMIT = 100_000
#: Excel serial day numbers accepted as dates (1954-10-03 to 2119-01-09), and their day 0.
EXCEL_SERIALS = (20_000, 80_000)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Chinese date and time words, replaced in order to reach ISO 8601.
_CHINESE_STAMP = (
    (r"(\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*[日号]?", r"\1-\2-\3 "),
    (r"(\d+)\s*[时點点]\s*(\d+)\s*分\s*(\d+)\s*秒", r"\1:\2:\3"),
    (r"(\d+)\s*[时點点]\s*(\d+)\s*分?", r"\1:\2"),
    (r"(\d+)\s*[时點点]", r"\1:00"),
    (r"(?<!\d)(\d)(?!\d)", r"0\1"),  # 2022-10-9 8:5 -> 2022-10-09 08:05
    (r"\s+", " "),
)
#: An offset after a time of day (``08:00Z``, ``08:00:00+08:00``, ``T0800+0800``); the ``-08`` ending
#: a date alone (``2022-10-08``) is its day, not an offset.
_OFFSET = r"(?:\d:\d\d(?::\d\d(?:[.,]\d+)?)?|T\d{4}(?:\d\d(?:[.,]\d+)?)?)\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"


def parse_timestamps(values: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> tuple[pd.Series, pd.Series]:
    """Naive local timestamps from text, Excel or Parquet values.

    A value without an offset is local time in ``timezone``; a value with one (text such
    as ``2022-10-09T00:00:00Z``, or a tz-aware column) is converted to ``timezone`` and the
    zone is dropped. ISO 8601-like text (``2022-10-09 08:00``, ``2022/10/9 8:00``) is parsed
    vectorised; other spellings (``2022年10月9日``) fall back to a slower, per-value parser.

    Returns
    -------
    (Series, Series)
        ``datetime64[ns]`` values, and a mask of the values that could not be parsed.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype):
        stamps, present = _local_naive(values, timezone), values.notna()
    else:
        text = as_text(values)
        present = text.notna()
        stamps = _parse_stamp_text(text, timezone)
    stamps = _as_nanoseconds(stamps)
    return stamps, present & stamps.isna()


def _as_nanoseconds(stamps: pd.Series) -> pd.Series:
    """``datetime64[ns]``; values beyond its range (years before 1677 or after 2262) become NaT."""
    if stamps.dtype == "datetime64[ns]":
        return stamps
    if stamps.min() < pd.Timestamp.min or stamps.max() > pd.Timestamp.max:
        stamps = stamps.where(stamps.between(pd.Timestamp.min, pd.Timestamp.max))
    return stamps.astype("datetime64[ns]")


def parse_dates(values: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> tuple[pd.Series, pd.Series]:
    """Dates as ``datetime64[ns]`` at midnight (a time of day is dropped); see parse_timestamps."""
    stamps, bad = parse_timestamps(values, timezone)
    return stamps.dt.normalize(), bad


def _local_naive(stamps: pd.Series, timezone: str) -> pd.Series:
    """Tz-aware stamps converted to ``timezone`` with the zone dropped; naive ones unchanged."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        return stamps.dt.tz_convert(timezone).dt.tz_localize(None)
    return stamps


def _parse_stamp_text(text: pd.Series, timezone: str) -> pd.Series:
    """A fast ISO 8601 pass over all values, then other spellings for what it left."""
    try:
        stamps = _local_naive(pd.to_datetime(text, format="ISO8601", errors="coerce"), timezone)
    except ValueError:  # naive values mixed with values carrying an offset, or several offsets
        stamps = _parse_by_offset(text, "ISO8601", timezone)
    left = stamps.isna() & text.notna()
    if left.any():
        stamps = stamps.astype("datetime64[ns]")
        stamps[left] = _parse_other_spellings(text[left], timezone)
    return stamps


def _parse_other_spellings(text: pd.Series, timezone: str) -> pd.Series:
    """Excel serial numbers, Chinese dates and times (``2022年10月9日 8时5分``), other formats.

    Chinese words are rewritten to ISO 8601 and parsed vectorised; then the format guessed
    from the first value left is applied to all; what remains goes through pandas' per-value
    parser, unless there are more than ``_PER_VALUE_LIMIT`` such values (then they count as
    unparseable rather than take minutes).
    """
    stamps = _excel_serials(text)
    left = stamps.isna()
    if not left.any():
        return stamps
    text = text[left]
    text = text[text.str.contains(r"\d{4}", regex=True)]  # a time or a number alone is no timestamp
    if text.empty:
        return stamps
    for pattern, replacement in _CHINESE_STAMP:
        text = text.str.replace(pattern, replacement, regex=True)
    text = text.str.strip()
    try:
        rewritten = pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    except ValueError:  # naive values mixed with values carrying an offset
        rewritten = _parse_by_offset(text, "ISO8601", timezone)
    stamps[text.index] = rewritten
    text = text[rewritten.isna()]
    if text.empty:
        return stamps
    stamps[text.index] = _parse_guessed(text, timezone)
    return stamps


def _excel_serials(text: pd.Series) -> pd.Series:
    """Excel serial day numbers (with a fraction for the time of day), to the second; else NaT."""
    numbers = pd.to_numeric(text, errors="coerce")
    serial = numbers.between(*EXCEL_SERIALS)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if serial.any():
        days = pd.to_timedelta(numbers[serial], unit="D").dt.round("s")
        out[serial] = _EXCEL_EPOCH + days
    return out


def _parse_guessed(text: pd.Series, timezone: str) -> pd.Series:
    """The format guessed from the first value applied to all; per-value for the rest (capped)."""
    guessed = guess_datetime_format(text.iloc[0])
    if guessed:
        stamps = _parse_by_offset(text, guessed, timezone)
    else:
        stamps = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    left = stamps.isna()
    if left.any() and left.sum() <= _PER_VALUE_LIMIT:
        stamps[left] = _parse_by_offset(text[left], "mixed", timezone)
    return stamps


def _parse_by_offset(text: pd.Series, fmt: str, timezone: str) -> pd.Series:
    """Parse values with and without an offset apart, both to naive local time."""
    has_offset = text.str.contains(_OFFSET, regex=True, na=False)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if (~has_offset).any():
        naive = pd.to_datetime(text[~has_offset], format=fmt, errors="coerce")
        out[~has_offset] = _local_naive(naive, timezone)
    if has_offset.any():
        aware = pd.to_datetime(text[has_offset], format=fmt, errors="coerce", utc=True)
        out[has_offset] = _local_naive(aware, timezone)
    return out


def date_only(values: pd.Series, stamps: pd.Series) -> pd.Series:
    """Which ``stamps`` were written as a date alone: at midnight, with no time in the text."""
    midnight = stamps.notna() & (stamps == stamps.dt.normalize())
    if not midnight.any() or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return midnight & False
    text = values[midnight].astype("str")
    with_time = text.str.contains(r"[:时点T]|\d\.\d", regex=True, na=False)
    out = pd.Series(False, index=values.index)
    out[midnight] = ~with_time.to_numpy(dtype=bool)
    return out


def end_of_day_when_date_only(values: pd.Series, stamps: pd.Series) -> pd.Series:
    """``stamps`` with each value written as a date alone moved to the end of that day."""
    alone = date_only(values, stamps)
    if not alone.any():
        return stamps
    stamps = stamps.copy()
    stamps[alone] = stamps[alone] + pd.Timedelta(days=1) - pd.Timedelta(1, "us")  # µs: pandas keeps it
    return stamps


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings; blank cells become missing."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
    text = text.str.strip()
    return text.mask(text == "")
