"""The files of a person-level dataset as DuckDB FROM items, and the SELECT that types their rows.

Part of :mod:`workbench.intake.person_level` (see there): which reader takes a file, and which
rows are *odd* (left to the general parser).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.errors import DataError, Problem
from workbench.intake.catalog import DatasetSpec
from workbench.intake.encodings import BLANK_CHARACTERS, csv_delimiter, csv_encoding, has_blank_lines
from workbench.intake.header_row import clean_name, header_position
from workbench.intake.locations import TEXT_FORMATS
from workbench.intake.origins import Origin, Part
from workbench.intake.problems import row_problems
from workbench.intake.readers import _first_csv_rows, read_file
from workbench.intake.setaside import TOTAL_SPELLINGS

#: Spellings of ``sampled_at`` typed by DuckDB; any other goes through the general parser.
FAST_STAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H时%M分",
)  # fmt: skip
ID_COLUMNS = ("person_key", "area_id", "site_id")
COLUMNS = (*ID_COLUMNS, "sampled_at")
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_STAMP_TYPES = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}


@dataclass
class Source:
    """One file (or sheet of a workbook): a FROM item giving its contract columns (as stored) and ``_row``."""

    file: str
    sql: str
    types: dict[str, str]
    first_three: tuple[str, ...]
    part: Part
    table: pa.Table | None = None
    path: Path | None = None  # the file, whose content digest keys its remembered scan (DuckDB's reads)


def read_sources(con, spec: DatasetSpec, path: Path, file: str, tables: dict) -> list[Source]:
    """One file of ``spec`` as FROM items: DuckDB reads Parquet and plain CSV; the general readers
    the rest (an XLSX: each sheet ``sheet:`` names), whose rows become Arrow tables (added to
    ``tables``)."""
    import duckdb  # here: a report without person-level data never loads it

    reads = spec.format == "parquet" or (spec.format == "csv" and _plain_csv(spec, path, file))
    if reads and path.stat().st_size > 0:
        try:
            return [_duckdb_source(con, spec, path, file)]
        except duckdb.Error:
            pass  # the general readers name the fault with its file and line
    sources = []
    for frame, part in read_file(spec, path, file):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.append_column("_row", pa.array(range(len(frame)), pa.int64()))
        name = f"_raw_{len([t for t in tables if t.startswith('_raw_')])}"
        tables[name] = table
        label = file if part.sheet is None else f"{file} ({part.sheet})"
        sources.append(_source_of(label, name, table.schema.names, _arrow_types(table), part, table))
    return sources


def _duckdb_source(con, spec: DatasetSpec, path: Path, file: str) -> Source:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if spec.format == "parquet":
        scan, part = f"read_parquet({quoted}, file_row_number=true)", Part(file, first_line=1)
        row = "file_row_number"
    else:
        encoding = csv_encoding(spec, path, file)
        header = header_position(spec, _first_csv_rows(path, encoding))
        scan = (f"read_csv({quoted}, skip={header}, header=true, all_varchar=true, delim=',', "
                "quote='\"', escape='\"', null_padding=true)")  # fmt: skip
        part, row = Part(file, first_line=header + 2), "row_number() OVER () - 1"
    described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    stored = [column for column, *_ in described if column != "file_row_number"]
    renamed = {c: spec.columns.get(clean_name(c), clean_name(c)) for c in stored}
    types = {renamed[c]: kind for c, kind, *_ in described if c in renamed}
    picks = [f"{ident(c)} AS {ident(renamed[c])}" for c in stored if renamed[c] in COLUMNS]
    if spec.format in TEXT_FORMATS:
        picks += [f'{ident(c)} AS "_first_{i}"' for i, c in enumerate(stored[:3])]
    sql = f"(SELECT {', '.join([*picks, f'{row} AS _row'])} FROM {scan}{_filled_rows(spec, stored)})"
    firsts = tuple(renamed[c] for c in stored[:3])
    part = part.with_columns(tuple(renamed.values()))
    return Source(file, sql, types, firsts, part, path=path)


def _filled_rows(spec: DatasetSpec, stored: list[str]) -> str:
    """The WHERE of a CSV's rows with a value: as the general readers, rows of blank cells are none.

    Only rows after the last line of data can be blank here (:func:`_plain_csv`), so the row
    numbers, counted after the filter, stay the file's lines. Written as "some cell is not
    blank": a row of data stops at its first cell.
    """
    if spec.format != "csv" or not stored:
        return ""
    blank = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in BLANK_CHARACTERS) + "]*"
    filled = " OR ".join(f"NOT coalesce(regexp_full_match({ident(c)}, '{blank}'), true)" for c in stored)
    # a first cell starting with a visible character settles it: no regular expression for most rows
    codes = ", ".join(str(ord(c)) for c in "\0" + BLANK_CHARACTERS)
    return f" WHERE CASE WHEN ascii({ident(stored[0])}) NOT IN ({codes}) THEN true ELSE {filled} END"


def typed_select(number: int, source: Source, spec: DatasetSpec) -> str:
    """SELECT of one file: typed contract columns, ``_odd`` and ``_total``.

    ``_odd`` is judged row by row on ``person_key`` and ``sampled_at`` only: a blank, non-ASCII
    or spaced key, a stamp in no fast spelling or at 00:00. Areas and sites take few values,
    so :func:`odd_key` judges them once per value, on the scan's groups.
    """
    exprs = []
    for column in ID_COLUMNS:
        kind = source.types.get(column)
        if kind == "VARCHAR":
            exprs.append(f"{column}")
        elif kind in _INTEGER_TYPES:
            exprs.append(f"CAST({column} AS VARCHAR) AS {column}")
        else:  # absent, or stored as another type: the general parser reads it (odd_key)
            exprs.append(f"CAST(NULL AS VARCHAR) AS {column}")
    kind = source.types.get("sampled_at")
    if kind in _STAMP_TYPES:
        stamp = "CAST(sampled_at AS TIMESTAMP)"
    elif kind == "VARCHAR":
        formats = ", ".join(f"'{f}'" for f in FAST_STAMP_FORMATS)
        stamp = f"try_strptime(sampled_at, [{formats}])"
    else:
        stamp = "CAST(NULL AS TIMESTAMP)"
    exprs.append(f"{stamp} AS sampled_at")
    key = "person_key" if source.types.get("person_key") == "VARCHAR" else "CAST(person_key AS VARCHAR)"
    odd_key = (f"{key} IS NULL OR {key} = '' OR strlen({key}) <> length({key}) OR contains({key}, ' ')"
               if source.types.get("person_key") in ("VARCHAR", *_INTEGER_TYPES) else "true")  # fmt: skip
    odd = f"({odd_key}) OR {stamp} IS NULL OR {stamp} = date_trunc('day', {stamp})"
    if any(source.types.get(c) not in (None, "VARCHAR", *_INTEGER_TYPES) for c in ("area_id", "site_id")):
        odd = "true"  # ids stored as numbers with decimals, dates...: all rows through the general parser
    total = "false"
    if spec.format in TEXT_FORMATS and source.first_three:
        total = " OR ".join(f'"_first_{i}" IN ({_totals_sql()})' for i in range(len(source.first_three)))
    return (f"SELECT {number} AS _file, _row, {', '.join(exprs)}, coalesce({odd}, true) AS _odd, "
            f"coalesce({total}, false) AS _total FROM {source.sql}")  # fmt: skip


_PLAIN_ID = re.compile(r"[!-~]+")


def odd_key(values: pd.Series, nullable: bool) -> pd.Series:
    """Whether each identifier value (of a few distinct ones) needs the general parser.

    Each distinct value is judged once (the scan's groups repeat an area once per site).
    """
    codes, distinct = pd.factorize(values.astype("object"))
    plain = np.array([isinstance(v, str) and bool(_PLAIN_ID.fullmatch(v)) for v in distinct], dtype=bool)
    judged = np.where(codes >= 0, plain[np.maximum(codes, 0)] if len(plain) else False, nullable)
    return pd.Series(~judged, index=values.index)


def _plain_csv(spec: DatasetSpec, path: Path, file: str) -> bool:
    """A CSV DuckDB reads with exact line numbers: UTF-8, comma-separated, no blank line before a
    line of data."""
    try:
        encoding = csv_encoding(spec, path, file)
        utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig")
        return utf8 and csv_delimiter(path, encoding) == "," and not has_blank_lines(path)
    except DataError:
        return False


def _source_of(file: str, table_name: str, names, types: dict, part: Part, table: pa.Table) -> Source:
    kept = [n for n in names if n in COLUMNS]
    sql = (
        f"(SELECT {', '.join(ident(c) for c in [*kept, '_row'])}, "
        + ", ".join(f'{ident(c)} AS "_first_{i}"' for i, c in enumerate(names[:3]))
        + f" FROM {table_name})"
    )
    return Source(
        file,
        sql,
        {n: types[n] for n in kept},
        tuple(names[:3]),
        part.with_columns(tuple(n for n in names if n != "_row")),
        table,
    )


def _arrow_types(table: pa.Table) -> dict[str, str]:
    out = {}
    for column in table.schema:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            out[column.name] = "VARCHAR"
        elif pa.types.is_integer(column.type):
            out[column.name] = "BIGINT"
        elif pa.types.is_timestamp(column.type) and column.type.tz is None:
            out[column.name] = "TIMESTAMP"
        else:
            out[column.name] = str(column.type)
    return out


def native(types: Mapping[str, str]) -> bool:
    ids = all(types.get(c, "VARCHAR") in {"VARCHAR", *_INTEGER_TYPES} for c in ID_COLUMNS)
    return ids and types.get("sampled_at") in _STAMP_TYPES


def _totals_sql() -> str:
    return ", ".join("'" + word.replace("'", "''") + "'" for word in sorted(TOTAL_SPELLINGS))


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def capped(dataset, origin, column, found: pd.Series, expected, count: int, severity) -> list[Problem]:
    problems = row_problems(dataset, origin, column, found, expected, severity=severity)
    if count > len(found):
        more = f"... and {count - len(found):,} more rows"
        problems.append(Problem(dataset, origin.file, None, column, expected, more, severity))
    return problems


def count_rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def reference_tables(frames: Mapping[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """``_communities`` (their ``area_id``), ``_sites`` (``site_id``, ``site_area``) of the frames loaded."""
    tables = {}
    areas, sites = frames.get("areas"), frames.get("testing_sites")
    if areas is not None:
        communities = areas.loc[areas["level"] == "community", ["area_id"]].dropna().drop_duplicates()
        tables["_communities"] = pa.Table.from_pandas(communities.astype(str), preserve_index=False)
    if sites is not None:
        site_area = sites["area_id"] if "area_id" in sites.columns else pd.Series(None, index=sites.index)
        placed = pd.DataFrame(
            {"site_id": sites["site_id"].astype(str), "site_area": site_area.astype(object)}
        )
        schema = pa.schema([("site_id", pa.string()), ("site_area", pa.string())])
        placed = placed.drop_duplicates("site_id")
        tables["_sites"] = pa.Table.from_pandas(placed, preserve_index=False, schema=schema)
    return tables


def total_warnings(
    con, dataset: str, sources: list[Source], counts: pd.DataFrame, origin: Origin
) -> list[Problem]:
    """One warning per file whose total rows were set aside (``_typed._total``): count, first lines."""
    problems = []
    for number, (source, part) in enumerate(zip(sources, origin.parts, strict=True)):
        count = int(counts.loc[number, "totals"])
        if not count:
            continue
        first = con.execute(
            f"SELECT _row FROM _typed WHERE _file = {number} AND _total ORDER BY _row LIMIT 5"
        ).fetchnumpy()["_row"]
        lines = ", ".join(str(row) for _, row, _ in origin.locate(first + part.start))
        found = f"{count:,} total/subtotal row(s) set aside (line {lines}{', ...' if count > 5 else ''})"
        expected = "data rows only, no total rows"
        problems.append(Problem(dataset, source.file, None, None, expected, found, "warning"))
    return problems
