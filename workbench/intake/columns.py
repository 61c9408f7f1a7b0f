"""Column builders of the contract: pandera columns whose metadata tells the parser their kind.

Each column's ``metadata["kind"]`` (id, text, enum, bool, int, float, timestamp, date,
geometry) tells :mod:`workbench.intake.parsing` what to do with the text of a file.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa
from pandera.engines.geopandas_engine import Geometry

from workbench.intake.vocabulary import LAT_RANGE, LON_RANGE


def column(kind, dtype, checks=(), *, nullable=False, required=True, unique=False, aliases=None,
           date_only=None):  # fmt: skip
    """A pandera Column whose metadata tells the parser its ``kind`` (and how to read a date alone)."""
    metadata = {"kind": kind, "aliases": dict(aliases or {}), "date_only": date_only}
    return pa.Column(
        dtype, list(checks), nullable=nullable, required=required, unique=unique, metadata=metadata
    )


def identifier(*, unique=False, nullable=False, required=True) -> pa.Column:
    """A code kept as a string (``007`` stays ``007``)."""
    return column("id", "str", nullable=nullable, required=required, unique=unique)


def text(*, nullable=False) -> pa.Column:
    """Free text."""
    return column("text", "str", nullable=nullable)


def choice(values, aliases=None) -> pa.Column:
    """One of ``values`` (compared in lower case; ``aliases`` map other spellings to them)."""
    check = pa.Check.isin(list(values), error="one of: " + ", ".join(values))
    return column("enum", "str", [check], aliases=aliases)


def flag(*, nullable=False) -> pa.Column:
    """A boolean (nullable ``boolean`` dtype)."""
    return column("bool", "boolean", nullable=nullable)


def integer(*checks, nullable=False) -> pa.Column:
    """A whole number (nullable ``Int64`` dtype)."""
    return column("int", "Int64", checks, nullable=nullable)


def number(*checks, nullable=False) -> pa.Column:
    """A real number (``float64``)."""
    return column("float", "float64", checks, nullable=nullable)


def timestamp(*, nullable=False, date_only=None) -> pa.Column:
    """A naive local date and time (``datetime64[ns]``).

    ``date_only="end_of_day"``: a value given as a date alone (``2022-10-08``) means the end
    of that day (23:59:59.999999), as an analyst means it for the end of a period.
    """
    return column("timestamp", "datetime64[ns]", nullable=nullable, date_only=date_only)


def day(*, nullable=False) -> pa.Column:
    """A date, held as ``datetime64[ns]`` at midnight."""
    return column("date", "datetime64[ns]", nullable=nullable)


def polygons() -> pa.Column:
    """A non-empty Polygon or MultiPolygon."""
    check = pa.Check(
        lambda s: s.geom_type.isin(["Polygon", "MultiPolygon"]),
        error="a Polygon or MultiPolygon geometry",
    )
    return column("geometry", Geometry, [check])


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
FRAME_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {}


def rows_where(words: str, columns: tuple[str, ...], test: Callable) -> pa.Check:
    """A frame-wide check over ``columns``; rows with a missing value pass (reported elsewhere)."""
    FRAME_CHECK_COLUMNS[words] = columns

    def check(frame: pd.DataFrame):
        if not set(columns) <= set(frame.columns):
            return True
        return test(frame) | frame[list(columns)].isna().any(axis=1)

    return pa.Check(check, error=words)


def schema(columns: dict, *, unique=None, checks=()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, checks=list(checks), unique=unique, strict=False)
