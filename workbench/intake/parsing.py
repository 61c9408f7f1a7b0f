"""Parsing: text from CSV/XLSX becomes the typed columns the contract declares.

Booleans from true/false, 1/0, 是/否, Y/N, yes/no, √/×, 合格/不合格; timestamps and dates (a value with an
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

from workbench.intake.catalog_keys import DEFAULT_TIMEZONE
from workbench.intake.contract import SCHEMAS
from workbench.intake.stamps import as_text as _as_text
from workbench.intake.stamps import end_of_day_when_date_only, parse_dates, parse_timestamps

__all__ = ["parse_dates", "parse_timestamps"]  # re-exported: the date parsers live in stamps

_BOOLEAN_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "是": True, "否": False,
    "y": True, "n": False, "yes": True, "no": False,
    # inspection sheets tick their items: √/×, 合格/不合格 (a pass item passed or not)
    "√": True, "✓": True, "✔": True, "×": False, "✗": False, "✘": False, "合格": True, "不合格": False,
    # and write what they found: a log there or not, staff in place, a measure carried out
    "有": True, "无": False, "到位": True, "不到位": False, "齐全": True, "不齐全": False,
    "已落实": True, "未落实": False, "达标": True, "不达标": False, "符合": True, "不符合": False,
    "正常": True, "异常": False,
}  # fmt: skip
_THOUSANDS = r",(?=\d{3}(?!\d))"

#: Whole numbers (counts, households, persons) stay below this.
MAX_WHOLE = 10**12
#: What a value that failed parsing should have looked like, by column kind.
PARSE_EXPECTED = {
    "bool": "yes or no (true/false, 1/0, 是/否, Y/N, yes/no, √/×, 合格/不合格)",
    "int": "a whole number (below 10^12)",
    "float": "a number",
    "timestamp": "a date and time such as 2022-10-09 08:00",
    "date": "a date such as 2022-10-09",
    # a date such as 09/10/2022 in a column that proves neither order (13/10/2022 would)
    "day_month": "a date with the year first, such as 2022-10-09 "
    "(is 09/10/2022 the 9th of October or the 10th of September?)",
    "geometry": "a geometry (WKT text or a geo file)",
}


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
    """Booleans from true/false, 1/0, 是/否, Y/N, yes/no, √/×, 合格/不合格 (any case).

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
        numbers = _full_width_numbers(text, numbers, present)
    bad = present & ~np.isfinite(numbers)
    if integer:  # a count beyond 10^12 is a typo, and its sums would overflow 64-bit integers
        bad |= present & ((numbers % 1 != 0) | (numbers.abs() >= MAX_WHOLE))
    numbers = numbers.mask(bad)
    return (numbers.astype("Int64") if integer else numbers), bad


def _full_width_numbers(text: pd.Series, numbers: pd.Series, present: pd.Series) -> pd.Series:
    """``numbers`` with the values typed in full-width forms read (``１２３``, ``1，234``, ``３．５``:
    a Chinese input method's digits, the same number); only the values that failed are looked at."""
    failed = present & numbers.isna()
    if not failed.any():
        return numbers
    narrow = text[failed].map(lambda v: unicodedata.normalize("NFKC", v))
    narrow = narrow.str.replace(_THOUSANDS, "", regex=True)
    return numbers.fillna(pd.to_numeric(narrow, errors="coerce").astype("float64"))


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
    return _rebuilt_if_empty(out), failed


def _rebuilt_if_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """An empty frame whose text columns are built anew from their dtype.

    Text parsed from no rows is an Arrow array of no chunk, and pandas cannot join or merge on
    two such keys (pyarrow's "cannot construct ChunkedArray from empty vector"): a header-only
    file, or the empty stand-in of a dataset the pack lacks, would stop a domain's joins.
    """
    if len(frame):
        return frame
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype | pd.ArrowDtype)]
    return frame.assign(**{c: pd.Series([], dtype=frame[c].dtype, index=frame.index) for c in text})


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
