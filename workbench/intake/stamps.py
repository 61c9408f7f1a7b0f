"""Timestamps and dates from text, Excel and Parquet values, as department exports write them.

All vectorised: ISO 8601 and ``2022/10/9 8:05``; ``2022年10月9日``, ``8时5分``,
``2022年10月9日 8时5分``; Excel serial numbers (``44835`` is 2022-10-01, ``44835.5`` its noon;
20000 to 80000, i.e. 1954 to 2119). A value with an offset is converted to the pack's time
zone, then the zone is dropped. A column may read a date alone as the end of that day
(:func:`end_of_day_when_date_only`, a round's ``end``).

Nothing is guessed where a misreading would move a figure to another day: a date with its year
last is read day first when dotted (``9.10.2022``, the European way); with slashes or hyphens
(``09/10/2022``) by what its column proves (a value such as ``13/10/2022`` or ``10/13/2022``), and
a value the column leaves open is unparseable (:func:`ambiguous_day_month` tells which); a year
or a month alone (``2022``, ``2022-10``) is no date.
"""

from __future__ import annotations

import pandas as pd
from pandas.tseries.api import guess_datetime_format

from workbench.intake.catalog_keys import DEFAULT_TIMEZONE

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
#: A date with its year last, and what follows it (a time of day).
_YEAR_LAST = r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?P<rest>(?:[ T]\S.*)?)"
#: A year or a month alone: pandas would read it as its first day.
_NO_DAY = r"\d{4}(?:\s*[-/.年]\s*\d{1,2}\s*月?)?"
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
    no_day = text.str.fullmatch(_NO_DAY, na=False)
    left = stamps.isna() & text.notna()
    if no_day.any() or left.any():
        stamps = stamps.astype("datetime64[ns]")
        stamps[no_day] = pd.NaT
    left &= ~no_day
    if left.any():
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
    year_last = text.str.fullmatch(_YEAR_LAST, na=False)
    if year_last.any():
        stamps[text.index[year_last]] = _year_last_dates(text[year_last], timezone)
        text = text[~year_last]
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


def _year_last_dates(text: pd.Series, timezone: str) -> pd.Series:
    """Dates with their year last, day first when dotted, else in the order the column proves.

    A slashed or hyphenated value whose day and month both fit either way (``09/10/2022``) is
    read only when the column proves an order and no value contradicts it: NaT otherwise.
    """
    parts = text.str.extract(_YEAR_LAST)
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    dotted = parts["sep"] == "."
    day_first = dotted | ((a > 12) & (b <= 12))
    month_first = ~dotted & (b > 12) & (a <= 12)
    proven_day, proven_month = (day_first & ~dotted).any(), month_first.any()
    if proven_day != proven_month:  # the column's order holds for its open values too
        day_first |= ~dotted & ~month_first & proven_day
        month_first |= ~dotted & ~day_first & proven_month
    month_first |= ~dotted & (a == b)  # the same either way
    day = a.where(day_first, b).astype(str).str.zfill(2)
    month = b.where(day_first, a).astype(str).str.zfill(2)
    iso = parts["year"] + "-" + month + "-" + day + parts["rest"].fillna("")
    iso = iso.str.replace(r"(?<!\d)(\d)(?!\d)", r"0\1", regex=True)
    stamps = _parse_by_offset(iso[day_first | month_first], "ISO8601", timezone)
    return stamps.reindex(text.index)


def ambiguous_day_month(values: pd.Series) -> pd.Series:
    """Which values are dates such as ``09/10/2022``, day first or month first alike.

    For the message of a value :func:`parse_timestamps` left unparsed: its column proved no
    order, or proved both.
    """
    text = as_text(values).fillna("")
    parts = text.str.extract(f"^{_YEAR_LAST}$")
    open_order = parts["sep"].isin(["/", "-"]) & (parts["a"] != parts["b"])
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
    return open_order & a.le(12) & b.le(12)


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
