"""The data contract: one pandera schema per dataset, and the parsing that runs before it.

A dataset goes through three steps, each reporting :class:`~workbench.errors.Problem`
records that name the file, the 1-based data row and the column:

1. **missing columns** — every required column must be present (after catalog renames);
2. **parsing** (:func:`parse_frame`) — text from CSV/XLSX becomes typed columns: booleans
   from true/false, 1/0, 是/否, Y/N, yes/no; timestamps and dates (a value with an offset is
   converted to the pack's time zone, then the zone is dropped); numbers, also ``1,234``;
   identifiers stay strings (``007`` stays ``007``). A value that cannot be parsed is a
   problem and becomes missing;
3. **validation** (:func:`validate_frame`) — the dataset's pandera schema, run lazily so that
   every failure is reported at once; pandera's failure table becomes Problems.

:func:`conform` runs all three. Problems of one (column, check) are capped at
``MAX_ROWS_PER_CHECK`` rows plus one "... and N more rows" summary, so a huge bad file
cannot flood the report while the count stays exact.

Each column's ``metadata["kind"]`` (id, text, enum, bool, int, float, timestamp, date,
geometry) tells the parser what to do; the schemas are the one source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import shapely
from pandas.tseries.api import guess_datetime_format
from pandera.engines.geopandas_engine import Geometry

from .catalog import DEFAULT_TIMEZONE
from .errors import Problem

MAX_ROWS_PER_CHECK = 20
#: Most values parsed one by one (slowly) when a column is in no recognisable format.
_PER_VALUE_LIMIT = 100_000

#: Units the contract understands: unit → (base unit, factor to the base unit).
UNITS = {"t": ("t", 1.0), "万吨": ("t", 1e4), "元": ("元", 1.0), "万元": ("元", 1e4), "亿元": ("元", 1e8)}

#: China's rough extent, for plausibility checks of coordinates.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)

_BOOLEAN_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "是": True, "否": False,
    "y": True, "n": False, "yes": True, "no": False,
}  # fmt: skip
_THOUSANDS = r",(?=\d{3}(?!\d))"
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

# ---------------------------------------------------------------- column builders


def _column(kind, dtype, checks=(), *, nullable=False, required=True, unique=False, aliases=None):
    """A pandera Column whose metadata tells the parser its ``kind``."""
    metadata = {"kind": kind, "aliases": dict(aliases or {})}
    return pa.Column(
        dtype, list(checks), nullable=nullable, required=required, unique=unique, metadata=metadata
    )


def identifier(*, unique=False, nullable=False, required=True) -> pa.Column:
    """A code kept as a string (``007`` stays ``007``)."""
    return _column("id", "str", nullable=nullable, required=required, unique=unique)


def text(*, nullable=False) -> pa.Column:
    """Free text."""
    return _column("text", "str", nullable=nullable)


def choice(values, aliases=None) -> pa.Column:
    """One of ``values`` (compared in lower case; ``aliases`` map other spellings to them)."""
    check = pa.Check.isin(list(values), error="one of: " + ", ".join(values))
    return _column("enum", "str", [check], aliases=aliases)


def flag(*, nullable=False) -> pa.Column:
    """A boolean (nullable ``boolean`` dtype)."""
    return _column("bool", "boolean", nullable=nullable)


def integer(*checks, nullable=False) -> pa.Column:
    """A whole number (nullable ``Int64`` dtype)."""
    return _column("int", "Int64", checks, nullable=nullable)


def number(*checks, nullable=False) -> pa.Column:
    """A real number (``float64``)."""
    return _column("float", "float64", checks, nullable=nullable)


def timestamp(*, nullable=False) -> pa.Column:
    """A naive local date and time (``datetime64[ns]``)."""
    return _column("timestamp", "datetime64[ns]", nullable=nullable)


def day(*, nullable=False) -> pa.Column:
    """A date, held as ``datetime64[ns]`` at midnight."""
    return _column("date", "datetime64[ns]", nullable=nullable)


def polygons() -> pa.Column:
    """A non-empty Polygon or MultiPolygon."""
    check = pa.Check(
        lambda s: s.geom_type.isin(["Polygon", "MultiPolygon"]),
        error="a Polygon or MultiPolygon geometry",
    )
    return _column("geometry", Geometry, [check])


def positive() -> pa.Check:
    return pa.Check.gt(0, error="a number greater than 0")


def non_negative() -> pa.Check:
    return pa.Check.ge(0, error="a number of 0 or more")


def within(low: float, high: float, what: str) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"{what} between {low:g} and {high:g}")


def longitude() -> pa.Column:
    return number(within(*LON_RANGE, "a longitude in China"))


def latitude() -> pa.Column:
    return number(within(*LAT_RANGE, "a latitude in China"))


def area_link() -> pa.Column:
    """The optional ``area_id`` of a point dataset; placed by coordinates when empty."""
    return identifier(nullable=True, required=False)


#: Columns named by each frame-wide check, by its words (to report them together).
_FRAME_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {}


def rows_where(words: str, columns: tuple[str, ...], test: Callable) -> pa.Check:
    """A frame-wide check over ``columns``; rows with a missing value pass (reported elsewhere)."""
    _FRAME_CHECK_COLUMNS[words] = columns

    def check(frame: pd.DataFrame):
        if not set(columns) <= set(frame.columns):
            return True
        return test(frame) | frame[list(columns)].isna().any(axis=1)

    return pa.Check(check, error=words)


def _schema(columns: dict, *, unique=None, checks=()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, checks=list(checks), unique=unique, strict=False)


# ---------------------------------------------------------------- the contract

_PLACE_KINDS = (
    "garbage_station", "public_toilet", "park", "square", "pump_station",
    "construction_site", "testing_site", "quarantine_hotel", "medical_institution",
)  # fmt: skip
#: Kinds of supply enterprises (Chinese spellings of department lists as aliases).
_SUPPLIER_KINDS = ("supermarket", "farmers_market", "trading_company", "platform", "other")
_SUPPLIER_ALIASES = {
    "超市": "supermarket", "农贸市场": "farmers_market", "农贸": "farmers_market",
    "商贸公司": "trading_company", "工贸": "trading_company", "工贸公司": "trading_company",
    "电商平台": "platform", "平台": "platform", "其他": "other",
}  # fmt: skip
#: The items of a home-quarantine check, each counted in households compliant.
QUARANTINE_ITEMS = ("seal_ok", "magnet_ok", "tested", "disinfection_record_ok")
_EIGHT_IN_PLACE = (
    "staff_control", "prevention_mechanism", "staff_screening", "supplies",
    "measures", "disinfection", "regular_testing", "closed_loop_management",
)  # fmt: skip

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "areas": _schema({
        "area_id": identifier(unique=True),
        "name": text(),
        "level": choice(("street", "community"), {"街道": "street", "社区": "community"}),
        "parent_id": identifier(nullable=True),
        "population": integer(positive()),
        "households": _column("int", "Int64", [positive()], nullable=True, required=False),
        "geometry": polygons(),
    }),
    "zones": _schema({
        "date": day(),
        "area_id": identifier(),
        "zone": choice(
            ("sealed", "controlled", "prevention"),
            {"封控区": "sealed", "管控区": "controlled", "防范区": "prevention"},
        ),
    }, unique=["date", "area_id"]),
    "testing_sites": _schema({
        "site_id": identifier(unique=True),
        "name": text(),
        "kind": choice(("fixed", "mobile", "door_to_door", "checkpoint")),
        "lon": longitude(),
        "lat": latitude(),
        "capacity_per_hour": integer(positive()),
        "area_id": area_link(),
    }),
    "rounds": _schema({
        "round_id": identifier(unique=True),
        "name": text(),
        "start": timestamp(),
        "end": timestamp(),
    }, checks=[rows_where("start no later than end", ("start", "end"),
                          lambda f: f["start"] <= f["end"])]),
    "sampling": _schema({
        "person_key": identifier(),
        "area_id": identifier(nullable=True),
        "site_id": identifier(),
        "sampled_at": timestamp(),
    }),
    "checkpoints": _schema({
        "checkpoint_id": identifier(unique=True),
        "name": text(),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "checkpoint_daily": _schema({
        "date": day(),
        "checkpoint_id": identifier(),
        "vehicles": integer(non_negative()),
        "people": integer(non_negative()),
        "from_risk_areas": integer(non_negative()),
        "landing_tests": integer(non_negative()),
    }, unique=["date", "checkpoint_id"]),
    "places": _schema({
        "place_id": identifier(unique=True),
        "name": text(),
        "kind": choice(_PLACE_KINDS),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "inspections": _schema({
        "inspection_id": identifier(unique=True),
        "date": day(),
        "team": text(),
        "place_id": identifier(),
        "staffing_ok": flag(),
        "disinfection_log_ok": flag(),
        "registration_log_ok": flag(),
        "finding": text(nullable=True),
        "rectified_on": day(nullable=True),
    }),
    "enterprises": _schema({
        "enterprise_id": identifier(unique=True),
        "name": text(),
        "sector": text(),
        "lon": longitude(),
        "lat": latitude(),
        "employees": integer(non_negative()),
        "closed_loop": flag(),
        "area_id": area_link(),
    }),
    "production": _schema({
        "date": day(),
        "enterprise_id": identifier(),
        "product": text(),
        "quantity": number(non_negative()),
        "unit": choice(tuple(UNITS), {"吨": "t"}),
    }),
    "targets": _schema({
        "year": integer(within(2000, 2100, "a year")),
        "enterprise_id": identifier(),
        "product": text(),
        "target": number(positive()),
        "unit": choice(tuple(UNITS), {"吨": "t"}),
    }, unique=["year", "enterprise_id", "product"]),
    "enterprise_checks": _schema({
        "date": day(),
        "enterprise_id": identifier(),
        **{item: flag() for item in _EIGHT_IN_PLACE},
    }),
    "admin_boundaries": _schema({"name": text(), "geometry": polygons()}),
    # ---- supply and prices (docs/datasets.md)
    "suppliers": _schema({
        "supplier_id": identifier(unique=True),
        "name": text(),
        "kind": choice(_SUPPLIER_KINDS, _SUPPLIER_ALIASES),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "packages": _schema({
        "supplier_id": identifier(),
        "package": text(),
        "price": number(positive()),
        "contents": text(nullable=True),
    }, unique=["supplier_id", "package"]),
    "deliveries": _schema({
        "date": day(),
        "supplier_id": identifier(),
        "area_id": identifier(),
        "orders": integer(non_negative()),
        "packages_delivered": integer(non_negative()),
        "households_served": integer(non_negative()),
    }, unique=["date", "supplier_id", "area_id"]),
    "prices": _schema({
        "date": day(),
        "market": text(),
        "commodity": text(),
        "price": number(positive()),
        "unit": text(),
    }, unique=["date", "market", "commodity"]),
    "price_baselines": _schema({
        "commodity": text(),
        "baseline_price": number(positive()),
        "period": text(),
        "unit": _column("text", "str", nullable=True, required=False),
    }, unique=["commodity"]),
    # ---- home quarantine and medical waste (docs/datasets.md)
    "quarantine_checks": _schema({
        "date": day(),
        "area_id": identifier(),
        "households": integer(non_negative()),
        **{item: integer(non_negative()) for item in QUARANTINE_ITEMS},
    }, unique=["date", "area_id"], checks=[
        rows_where("each item's count of compliant households no more than households",
                   ("households", *QUARANTINE_ITEMS),
                   lambda f: f[list(QUARANTINE_ITEMS)].le(f["households"], axis=0).all(axis=1)),
    ]),
    "medical_waste": _schema({
        "collected_at": timestamp(),
        "site_id": identifier(),
        "weight_kg": number(non_negative()),
        "bags": integer(non_negative()),
    }),
}  # fmt: skip

#: Required columns of each dataset, in contract order.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c for c, col in schema.columns.items() if col.required) for name, schema in SCHEMAS.items()
}
#: Datasets of points with ``lon``/``lat``, and of polygons with ``geometry``.
POINT_DATASETS = tuple(name for name, s in SCHEMAS.items() if "lon" in s.columns)
POLYGON_DATASETS = tuple(name for name, s in SCHEMAS.items() if "geometry" in s.columns)


@dataclass(frozen=True)
class Reference:
    """``dataset.column`` must hold values of ``target.target_column``.

    With ``level``, only the target's rows of that ``level`` count (samples belong to
    communities: a street's id there would drop out of every community's coverage).
    """

    dataset: str
    column: str
    target: str
    target_column: str
    level: str | None = None


REFERENCES = (
    Reference("zones", "area_id", "areas", "area_id"),
    Reference("sampling", "area_id", "areas", "area_id", level="community"),
    Reference("sampling", "site_id", "testing_sites", "site_id"),
    Reference("inspections", "place_id", "places", "place_id"),
    Reference("checkpoint_daily", "checkpoint_id", "checkpoints", "checkpoint_id"),
    Reference("production", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("targets", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("enterprise_checks", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("packages", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "area_id", "areas", "area_id", level="community"),
    Reference("quarantine_checks", "area_id", "areas", "area_id", level="community"),
    Reference("medical_waste", "site_id", "testing_sites", "site_id"),
)


# ---------------------------------------------------------------- problems, capped


def row_problems(
    dataset: str,
    file: str,
    column: str | None,
    found: pd.Series,
    expected: str,
    *,
    severity: str = "error",
    limit: int = MAX_ROWS_PER_CHECK,
) -> list[Problem]:
    """One Problem per failing row, at most ``limit``, then one "... and N more rows".

    Parameters
    ----------
    found : Series
        The failing values, indexed by 0-based data row (None/NaN index: no row).
    """
    problems = [
        Problem(dataset, file, _row(label), column, expected, _show(value), severity)
        for label, value in zip(found.index[:limit], found.iloc[:limit], strict=True)
    ]
    if len(found) > limit:
        more = f"... and {len(found) - limit:,} more rows"
        problems.append(Problem(dataset, file, None, column, expected, more, severity))
    return problems


def _row(label) -> int | None:
    return None if label is None or pd.isna(label) else int(label) + 1


def _show(value, width: int = 60) -> str:
    """A failing value as short text ("" for missing)."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return ""
    shown = str(value).replace("\n", " ")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


# ---------------------------------------------------------------- parsing


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped strings; blank cells become missing."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
    text = text.str.strip()
    return text.mask(text == "")


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
    """Chinese dates (``2022年10月9日 8:00``) and other formats.

    The format guessed from the first value is applied to all, vectorised; what remains
    goes through pandas' per-value parser, unless there are more than
    ``_PER_VALUE_LIMIT`` such values (then they count as unparseable rather than take minutes).
    """
    text = text.str.replace(r"[年月]", "-", regex=True).str.replace(r"日|\s+", " ", regex=True).str.strip()
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
        As read by :func:`workbench.catalog.read_raw` (index = 0-based data row).
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


# ---------------------------------------------------------------- validation


def validate_frame(
    frame: pd.DataFrame,
    dataset: str,
    *,
    file: str = "",
    skip: Mapping[str, pd.Series] | None = None,
) -> list[Problem]:
    """Run the dataset's pandera schema (lazily) and report its failures as Problems.

    Parameters
    ----------
    frame : DataFrame
        Parsed by :func:`parse_frame`. Required columns that are absent are skipped
        (report them with :func:`missing_columns`).
    skip : mapping of column to mask, optional
        Rows whose value failed parsing; their "value missing" failures are not repeated.
    """
    schema = SCHEMAS[dataset]
    absent = [c for c in schema.columns if c not in frame.columns]
    if absent:
        schema = schema.remove_columns(absent)
        if schema.unique and set(schema.unique) & set(absent):
            schema.unique = None
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = _without_skipped(exc.failure_cases, skip or {})
        return _failure_problems(cases, schema, dataset, file)
    return []


def _without_skipped(cases: pd.DataFrame, skip: Mapping[str, pd.Series]) -> pd.DataFrame:
    drop = pd.Series(False, index=cases.index)
    for column, bad in skip.items():
        drop |= (cases["column"] == column) & cases["index"].isin(bad.index[bad])
    return cases[~drop]


def _failure_problems(
    cases: pd.DataFrame, schema: pa.DataFrameSchema, dataset: str, file: str
) -> list[Problem]:
    """Problems from pandera's failure table, capped per (column, check)."""
    cases = _merge_frame_checks(cases)
    problems = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        column = None if pd.isna(column) else column
        found = pd.Series(group["failure_case"].to_numpy(), index=group["index"].to_numpy())
        expected = _expected(check, column, schema)
        problems += row_problems(dataset, file, column, found, expected)
    return problems


def _merge_frame_checks(cases: pd.DataFrame) -> pd.DataFrame:
    """One failure per row for frame-wide checks (pandera lists each column apart)."""
    wide = (cases["schema_context"] == "DataFrameSchema") & cases["index"].notna()
    if not wide.any():
        return cases
    merged = []
    for (check, index), group in cases[wide].groupby(["check", "index"], sort=False):
        columns = _FRAME_CHECK_COLUMNS.get(check, tuple(group["column"]))
        values = dict(zip(group["column"], group["failure_case"], strict=False))
        merged.append({
            "schema_context": "DataFrameSchema",
            "column": ", ".join(columns),
            "check": check,
            "failure_case": ", ".join(str(values.get(c, "")) for c in columns),
            "index": index,
        })  # fmt: skip
    return pd.concat([cases[~wide], pd.DataFrame(merged)], ignore_index=True)


def _expected(check: str, column: str | None, schema: pa.DataFrameSchema) -> str:
    """Pandera's name of a check in words (our own checks carry their words already)."""
    if check == "not_nullable":
        return "a value (the column may not be empty)"
    if check == "field_uniqueness":
        return f"a unique {column} (this value occurs in other rows too)"
    if check == "multiple_fields_uniqueness":
        return "one row per " + " and ".join(schema.unique or [])
    if check == "column_in_dataframe":
        return "the column to exist"
    if check.startswith("dtype("):
        return f"values of type {check[len('dtype(') : -1]}"
    return check


# ---------------------------------------------------------------- personal identifiers

#: Words that mark a column of personal identifiers when they occur in its name.
PERSONAL_HEADER_WORDS = ("姓名", "名字", "身份证", "证件号", "手机", "电话", "联系方式", "户主")
#: Whole column names (lower case, blanks and ``-`` read as ``_``) of personal identifiers.
PERSONAL_HEADERS = frozenset({
    "name", "full_name", "person_name", "resident_name", "id_card", "idcard", "id_card_no",
    "id_number", "id_no", "identity_number", "phone", "phone_number", "telephone", "tel",
    "mobile", "mobile_number", "cellphone", "contact", "person_key",
})  # fmt: skip
#: Values shaped like a Chinese ID-card number, and like a mainland mobile number.
ID_CARD_PATTERN = r"\d{17}[\dXx]"
MOBILE_PATTERN = r"(?:\+?86[- ]?)?1[3-9]\d{9}"
_PERSONAL_EXPECTED = ("counts per area only, no personal identifiers (names, ID-card or phone "
                      "numbers): a person-level file is refused")


def _personal_header(column) -> str | None:
    """What kind of personal identifier a column name announces, or None."""
    name = str(column).strip()
    if any(word in name for word in PERSONAL_HEADER_WORDS):
        return "its name announces personal identifiers"
    if name.lower().replace(" ", "_").replace("-", "_") in PERSONAL_HEADERS:
        return "its name announces personal identifiers"
    return None


def refuse_personal_identifiers(
    frame: pd.DataFrame, dataset: str, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Refuse columns of personal identifiers in a dataset that must hold aggregates only.

    A column is refused when its name announces names, ID-card or phone numbers
    (:data:`PERSONAL_HEADER_WORDS`, :data:`PERSONAL_HEADERS`), or when any of its values is
    shaped like an 18-digit ID-card number or an 11-digit mobile number. Each refused column
    is one error naming the file and the column (and the first row, for values); no value is
    ever repeated in the problem, and the column is dropped so nothing downstream carries it.

    Returns
    -------
    (DataFrame, list of Problem)
        ``frame`` without the refused columns, and one error per refused column.
    """
    problems, refused = [], []
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in frame.columns:
        if column == geometry:
            continue
        reason, row = _personal_header(column), None
        if reason is None:
            reason, row = _personal_values(frame[column])
        if reason is not None:
            refused.append(column)
            problems.append(Problem(dataset, file, row, str(column), _PERSONAL_EXPECTED,
                                    f"{reason}; the column was not loaded and its values are not shown"))
    return (frame.drop(columns=refused) if refused else frame), problems


def _personal_values(values: pd.Series) -> tuple[str | None, int | None]:
    """("N value(s) shaped like ...", first 1-based row) when values look like identifiers."""
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None, None
    if pd.api.types.is_float_dtype(values.dtype) and not (values.dropna() % 1 == 0).all():
        return None, None
    text = parse_strings(values).dropna()
    for pattern, what in ((ID_CARD_PATTERN, "ID-card numbers"), (MOBILE_PATTERN, "mobile numbers")):
        hits = text.str.fullmatch(pattern)
        if hits.any():
            first = hits.index[hits.to_numpy(dtype=bool)][0]
            return f"{int(hits.sum()):,} value(s) shaped like {what}", _row(first)
    return None, None


#: Checks run on a dataset's raw frame before parsing: dataset -> functions
#: ``(frame, dataset, file) -> (frame, problems)``.
DATASET_CHECKS: dict[str, tuple[Callable, ...]] = {
    "quarantine_checks": (refuse_personal_identifiers,),
}


# ---------------------------------------------------------------- all steps


def missing_columns(frame: pd.DataFrame, dataset: str) -> list[str]:
    """Required columns of ``dataset`` absent from ``frame``."""
    return [c for c in REQUIRED_COLUMNS.get(dataset, ()) if c not in frame.columns]


def conform(
    frame: pd.DataFrame,
    dataset: str,
    *,
    file: str = "",
    timezone: str = DEFAULT_TIMEZONE,
    renames: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check required columns, parse, and validate one dataset; report every problem.

    The dataset's :data:`DATASET_CHECKS` run first, on the frame as read (e.g. the refusal
    of personal identifiers in ``quarantine_checks``).

    A dataset without a schema (not in :data:`SCHEMAS`) is returned as it is.

    Parameters
    ----------
    frame : DataFrame
        As read by :func:`workbench.catalog.read_raw` (index = 0-based data row).
    dataset : str
    file : str
        The file name that problems mention.
    timezone : str
        The pack's time zone.
    renames : mapping, optional
        The catalog's renames (source → contract name), quoted when a column is missing.

    Returns
    -------
    (DataFrame, list of Problem)
        The parsed frame (unparseable values made missing) and all problems found.
    """
    if dataset not in SCHEMAS:
        return frame, []
    frame = _points_from_geometry(frame, SCHEMAS[dataset])
    problems = []
    for check in DATASET_CHECKS.get(dataset, ()):
        frame, found = check(frame, dataset, file)
        problems += found
    problems += [
        _missing_column_problem(dataset, file, column, frame.columns, renames or {})
        for column in missing_columns(frame, dataset)
    ]
    parsed, failed = parse_frame(frame, dataset, timezone=timezone)
    for column, bad in failed.items():
        kind = SCHEMAS[dataset].columns[column].metadata["kind"]
        problems += row_problems(dataset, file, column, frame[column][bad], PARSE_EXPECTED[kind])
    problems += validate_frame(parsed, dataset, file=file, skip=failed)
    return parsed, problems


def _missing_column_problem(dataset, file, column, present, renames) -> Problem:
    sources = [source for source, target in renames.items() if target == column]
    expected = f"a column {column!r}"
    if sources:
        expected += f" (renamed from {', '.join(map(repr, sources))} in catalog.yaml)"
    shown = [str(c) for c in present]
    found = "columns: " + ", ".join(shown[:20]) + (", ..." if len(shown) > 20 else "")
    return Problem(dataset, file, None, column, expected, found)
