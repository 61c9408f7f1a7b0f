"""Parsing: text from CSV/XLSX becomes the typed columns the contract declares.

Booleans from true/false, 1/0, 是/否, Y/N, yes/no; timestamps and dates (a value with an
offset is converted to the pack's time zone, then the zone is dropped); numbers, also
``1,234``; identifiers stay strings (``007`` stays ``007``). A value that cannot be parsed is
reported by the caller and becomes missing.

Dates and times as department exports write them, all parsed vectorised: ISO 8601 and
``2022/10/9 8:05``; ``2022年10月9日``, ``8时5分``, ``2022年10月9日 8时5分``; Excel serial
numbers (``44835`` is 2022-10-01, ``44835.5`` its noon; 20000 to 80000, i.e. 1954 to 2119).

Identifiers, choices and numbers are normalised first (:func:`normalise_text`): Unicode NFKC
(full-width ``S０1`` becomes ``S01``, a no-break space a space) and stray blanks removed
(identifiers keep no blank at all); the caller reports how many values changed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_array
import pyarrow.compute as pc
import shapely
from pandas.tseries.api import guess_datetime_format

from workbench.intake.catalog import DEFAULT_TIMEZONE
from workbench.intake.contract import SCHEMAS

#: Most values parsed one by one (slowly) when a column is in no recognisable format.
_PER_VALUE_LIMIT = 100_000
_BOOLEAN_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "是": True, "否": False,
    "y": True, "n": False, "yes": True, "no": False,
}  # fmt: skip
_THOUSANDS = r",(?=\d{3}(?!\d))"
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
_OFFSET = r"(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"

#: What a value that failed parsing should have looked like, by column kind.
PARSE_EXPECTED = {
    "bool": "yes or no (true/false, 1/0, 是/否, Y/N, yes/no)",
    "int": "a whole number",
    "float": "a number",
    "timestamp": "a date and time such as 2022-10-09 08:00",
    "date": "a date such as 2022-10-09",
    "geometry": "a geometry (WKT text or a geo file)",
}


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings; blank cells become missing."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
    text = text.str.strip()
    return text.mask(text == "")


#: Column kinds normalised by :func:`normalise_text`, and whether all their blanks go.
NORMALISED_KINDS = {"id": True, "enum": False, "int": True, "float": True}


def normalise_text(values: pd.Series, *, drop_blanks: bool) -> tuple[pd.Series, int]:
    """NFKC-normalised text (full-width digits and letters to ASCII), blanks stripped.

    The scan for values to touch (non-ASCII ones and, with ``drop_blanks``, those with an
    inner blank) runs in Arrow's compute kernels; only those values are normalised, so a
    clean column of 734,672 values costs a few milliseconds.

    Returns
    -------
    (Series, int)
        The values (the same object when nothing changed), and how many changed.
    """
    arrow = arrow_strings(values)
    if arrow is None:
        return values, 0
    odd = pc.invert(pc.string_is_ascii(arrow))
    if drop_blanks:
        odd = pc.or_(odd, pc.match_substring(arrow, " "))  # other blanks are not ASCII, or rare
    odd = pc.fill_null(odd, False).to_numpy(zero_copy_only=False)
    if not odd.any():
        return values, 0
    text = values[odd].astype("str")
    fixed = text.map(lambda v: unicodedata.normalize("NFKC", v).strip())  # the few odd values only
    if drop_blanks:
        fixed = fixed.str.replace(r"\s+", "", regex=True)
    changed = fixed != text.str.strip()
    if not changed.any():
        return values, 0
    out = values.astype("str") if pd.api.types.is_object_dtype(values.dtype) else values.copy()
    out[odd] = fixed
    return out, int(changed.sum())


def arrow_strings(values: pd.Series) -> pa_array.Array | None:
    """``values`` as an Arrow string array (zero-copy for Arrow-backed text); None if not text."""
    if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return None
    try:
        arrow = pa_array.array(values, from_pandas=True)
    except (pa_array.ArrowInvalid, pa_array.ArrowTypeError):  # mixed types: not a text column
        return None
    return (
        arrow if pa_array.types.is_string(arrow.type) or pa_array.types.is_large_string(arrow.type) else None
    )


def parse_strings(values: pd.Series) -> pd.Series:
    """Identifiers and text as strings: ``007`` stays, ``7.0`` read as a number becomes ``7``."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if (finite % 1 == 0).all():
            values = values.astype("Int64")
    return _as_text(values)


def parse_booleans(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Booleans from true/false, 1/0, 是/否, Y/N, yes/no (any case).

    Returns
    -------
    (Series, Series)
        The nullable ``boolean`` values, and a mask of the values that could not be parsed.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):
        present = values.notna()
        parsed = values.map({1: True, 0: False})
    else:
        text = _as_text(values)
        present = text.notna()
        parsed = text.str.lower().map(_BOOLEAN_WORDS)
    parsed = parsed.astype("boolean")
    return parsed, present & parsed.isna()


def parse_numbers(values: pd.Series, *, integer: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers from numbers or text (blanks allowed, thousands separators as in ``1,234``).

    Returns
    -------
    (Series, Series)
        ``float64`` values (``Int64`` when ``integer``), and a mask of the values that are
        not (whole) finite numbers.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        present = values.notna()
        numbers = values.astype("float64")
    else:
        text = _as_text(values)
        present = text.notna()
        if text.str.contains(",", regex=False).any():
            text = text.str.replace(_THOUSANDS, "", regex=True)
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = present & ~np.isfinite(numbers)
    if integer:
        bad |= present & (numbers % 1 != 0)
    numbers = numbers.mask(bad)
    return (numbers.astype("Int64") if integer else numbers), bad


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
        text = _as_text(values)
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


def parse_geometry(values: pd.Series) -> tuple[gpd.GeoSeries, pd.Series]:
    """Geometries as they are, or from WKT text (e.g. a CSV with a ``geometry`` column)."""
    if isinstance(values.dtype, gpd.array.GeometryDtype):
        return gpd.GeoSeries(values), pd.Series(False, index=values.index)
    text = _as_text(values)
    shapes = shapely.from_wkt(text.to_numpy(dtype=object, na_value=None), on_invalid="ignore")
    parsed = gpd.GeoSeries(shapes, index=values.index)
    return parsed, text.notna() & parsed.isna()


def _parse_enum(values: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    text = parse_strings(values).str.lower()
    return text.replace(aliases) if aliases else text


def parse_column(values: pd.Series, column: pa.Column, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Parse one column by its schema ``kind``; returns (values, mask of unparseable values)."""
    kind = column.metadata["kind"]
    if kind in ("id", "text"):
        return parse_strings(values), pd.Series(False, index=values.index)
    if kind == "enum":
        return _parse_enum(values, column.metadata["aliases"]), pd.Series(False, index=values.index)
    if kind in ("int", "float"):
        return parse_numbers(values, integer=kind == "int")
    if kind == "timestamp" and column.metadata.get("date_only") == "end_of_day":
        stamps, bad = parse_timestamps(values, timezone)
        return end_of_day_when_date_only(values, stamps), bad
    parsers = {
        "bool": parse_booleans,
        "timestamp": lambda v: parse_timestamps(v, timezone),
        "date": lambda v: parse_dates(v, timezone),
        "geometry": parse_geometry,
    }
    return parsers[kind](values)


def parse_frame(
    frame: pd.DataFrame, dataset: str, *, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Parse every contract column of ``frame`` that is present; other columns are kept.

    Parameters
    ----------
    frame : DataFrame
        As read by :func:`workbench.intake.catalog.read_raw` (index = 0-based data row).
    dataset : str
        A name in :data:`SCHEMAS`.
    timezone : str
        The pack's time zone, for values that carry an offset.

    Returns
    -------
    (DataFrame, dict)
        A new frame with typed columns (a GeoDataFrame when the dataset has geometry), and,
        for each column with unparseable values, the mask of those rows (they became missing).
    """
    schema = SCHEMAS[dataset]
    frame = _points_from_geometry(frame, schema)
    parsed, failed = {}, {}
    for name, column in schema.columns.items():
        if name in frame.columns:
            parsed[name], bad = parse_column(frame[name], column, timezone)
            if bad.any():
                failed[name] = bad
    out = frame.assign(**parsed)
    if "geometry" in parsed:
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(frame, "crs", None))
    return out, failed


def _points_from_geometry(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A point layer (GeoJSON, ...) of a lon/lat dataset: take lon/lat from its points."""
    wants_points = "lon" in schema.columns and not {"lon", "lat"} & set(frame.columns)
    if not wants_points or not isinstance(frame, gpd.GeoDataFrame):
        return frame
    points = frame.geometry
    if not (points.isna() | (points.geom_type == "Point")).all():
        return frame
    table = pd.DataFrame(frame.drop(columns=points.name))
    return table.assign(lon=points.x.where(points.notna()), lat=points.y.where(points.notna()))
