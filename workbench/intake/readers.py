"""Reading a dataset's files as stored: one reader per format, the header row, encodings, renames.

``read_raw`` reads every file of one dataset (a catalog ``path`` may be a file, a folder or a
glob), finds each file's header row, applies the catalog's column renames and returns one frame;
nothing more. Parsing and validation against the data contract happen in
:mod:`workbench.intake.parsing` and :mod:`workbench.intake.validation`.

**The header row.** Department exports often put a title (``稀土高新区督查记录表 2022年10月``),
a note and blank rows above the header. For CSV and XLSX the header is the line the catalog
gives as ``header_row: N`` (1-based, as Excel or a text editor numbers lines); without it, the
first of the first :data:`HEADER_SEARCH_ROWS` lines that holds the most column names the dataset
may have (contract names or the catalog's rename sources). Lines above the header are ignored.

**Shapefile encodings.** The catalog's ``encoding`` wins, then the ``.cpg`` beside the
``.shp`` (GDAL reads it), else the encoding is detected (:func:`dbf_encoding`): never mojibake.

**Where rows come from.** Every frame comes with an :class:`~workbench.intake.origins.Origin`
that maps each row back to its file and to the line the analyst sees (header included) or, for
XLSX, the sheet and cell.
"""

from __future__ import annotations

import csv
import glob
import io
import warnings
from collections.abc import Callable
from datetime import datetime, time
from itertools import islice
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake.catalog import GEO_FORMATS, DatasetSpec, Pack
from workbench.intake.contract import SCHEMAS
from workbench.intake.encodings import csv_encoding, dbf_encoding, has_blank_lines
from workbench.intake.origins import Origin, Part
from workbench.privacy import sample_of

#: Lines searched for the header row when the catalog gives no ``header_row``.
HEADER_SEARCH_ROWS = 30


def read_raw(pack: Pack, name: str) -> pd.DataFrame:
    """Read dataset ``name`` of ``pack`` as stored, with the catalog's column renames.

    Text formats (CSV, XLSX) are read as strings throughout, so identifiers keep their
    leading zeros (``007``); Parquet and geo formats keep their stored types. Column
    names are stripped of surrounding blanks and a byte-order mark.

    Returns
    -------
    DataFrame or GeoDataFrame
        Index: the 0-based data row over the dataset's files, in file order. See
        :func:`read_with_origin` for where each row comes from.

    Raises
    ------
    DataError
        When a file is empty, cannot be decoded or parsed, a sheet is missing, or two
        columns end up with the same name.
    """
    return read_with_origin(pack, name)[0]


def read_with_origin(pack: Pack, name: str) -> tuple[pd.DataFrame, Origin]:
    """:func:`read_raw`, with the :class:`Origin` of the rows (file, line or cell of each)."""
    spec = pack.spec(name)
    frames, parts, start = [], [], 0
    for path, file in zip(spec.paths, spec.files, strict=True):
        frame, part = _read_one(spec, path, file)
        frame.index = pd.RangeIndex(start, start + len(frame))
        frames.append(frame)
        parts.append(part.placed_at(start, start + len(frame)))
        start += len(frame)
    frame = frames[0] if len(frames) == 1 else _concat(frames, spec)
    return frame, Origin(name, tuple(parts))


def _concat(frames: list[pd.DataFrame], spec: DatasetSpec) -> pd.DataFrame:
    """One frame of a dataset's files; their columns must agree (in any order)."""
    first = list(frames[0].columns)
    for frame, file in zip(frames[1:], spec.files[1:], strict=True):
        if set(frame.columns) != set(first):
            missing = sorted(set(first) - set(frame.columns))
            extra = sorted(set(frame.columns) - set(first))
            found = "; ".join(filter(None, [
                "missing: " + ", ".join(map(str, missing)) if missing else "",
                "extra: " + ", ".join(map(str, extra)) if extra else "",
            ]))  # fmt: skip
            expected = f"the same columns as {spec.files[0]} (one dataset, many files)"
            raise DataError([_problem(spec, file, expected, found)])
    out = pd.concat(frames, ignore_index=False)
    if isinstance(frames[0], gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=frames[0].geometry.name, crs=frames[0].crs)
    return out


def _read_one(spec: DatasetSpec, path: Path, file: str) -> tuple[pd.DataFrame, Part]:
    """One file of a dataset, renamed, and where its rows are."""
    empty = _problem(spec, file, "a file with a header row and data", "file is empty")
    try:
        if path.stat().st_size == 0:
            raise DataError([empty])
        frame, part = _READERS[spec.format](spec, path, file)
    except DataError:
        raise
    except pd.errors.EmptyDataError:
        raise DataError([empty]) from None
    except Exception as exc:  # every reader library raises its own types; report them all alike
        found = sample_of(f"{type(exc).__name__}: {exc}".replace(str(path), file), 160)  # never a whole line
        raise DataError([_problem(spec, file, f"a readable {spec.format} file", found)]) from None
    frame = _rename_columns(frame, spec, file)
    return frame, part.with_columns(tuple(map(str, frame.columns)))


def _rename_columns(frame: pd.DataFrame, spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Strip column names, apply the catalog's renames, refuse duplicate names."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = {c: _clean_name(c) for c in frame.columns if c != geometry}
    frame = frame.rename(columns=names).rename(columns=spec.columns)
    if len(frame.columns) == 0:
        raise DataError([_problem(spec, file, "a header row naming the columns", "file is empty")])
    repeated = frame.columns[frame.columns.duplicated()].unique()
    if len(repeated):
        found = ", ".join(map(str, repeated))
        raise DataError([_problem(spec, file, "each column name once (after renames)", found)])
    return frame


def _problem(spec: DatasetSpec, file: str, expected: str, found: str = "") -> Problem:
    return Problem(spec.name, file, None, None, expected, found)


def _clean_name(name) -> str:
    return str(name).strip().lstrip("\ufeff").strip()


# ---------------------------------------------------------------- the header row


def header_names(spec: DatasetSpec) -> frozenset[str]:
    """Column names a header row of ``spec`` may hold: the contract's and the renamed ones."""
    contract = set(SCHEMAS[spec.name].columns) if spec.name in SCHEMAS else set()
    return frozenset(contract | set(spec.columns))


def find_header(rows: list[list[str]], names: frozenset[str]) -> int:
    """The 0-based position among ``rows`` of the header: most cells among ``names``, earliest.

    Returns 0 (the first row) when no row holds any of ``names``, so that the usual
    "missing column" problems name what the first row holds.
    """
    best, best_count = 0, 0
    for position, row in enumerate(rows):
        count = len({_clean_name(cell) for cell in row if cell is not None} & names)
        if count > best_count:
            best, best_count = position, count
    return best


def _header_position(spec: DatasetSpec, rows: list[list[str]]) -> int:
    """0-based line of the header: the catalog's ``header_row``, else :func:`find_header`."""
    if spec.header_row is not None:
        return spec.header_row - 1
    return find_header(rows, header_names(spec))


# ---------------------------------------------------------------- readers by format


def _read_csv(spec: DatasetSpec, path: Path, file: str) -> tuple[pd.DataFrame, Part]:
    """A CSV from its header line; blank lines inside the data keep every line number exact."""
    encoding = csv_encoding(spec, path, file)
    header = _header_position(spec, _first_csv_rows(path, encoding))
    options = {"dtype": str, "encoding": encoding, "skiprows": header}
    if has_blank_lines(path):
        frame = pd.read_csv(path, engine="c", skip_blank_lines=False, **options)
        blank = frame.isna().all(axis=1).to_numpy()
        lines = np.arange(header + 2, header + 2 + len(frame), dtype="int64")[~blank]
        return frame[~blank].reset_index(drop=True), Part(file, header + 2, lines=lines)
    try:
        frame = pd.read_csv(path, engine="pyarrow", **options)
    except pd.errors.ParserError:  # pyarrow names no line; pandas' own parser does
        frame = pd.read_csv(path, engine="c", **options)
    return frame, Part(file=file, first_line=header + 2)


def _first_csv_rows(path: Path, encoding: str) -> list[list[str]]:
    """The first :data:`HEADER_SEARCH_ROWS` lines of a CSV, split into cells."""
    with open(path, encoding=encoding, newline="") as f:
        lines = list(islice(f, HEADER_SEARCH_ROWS))
    return list(csv.reader(io.StringIO("".join(lines))))


def _read_xlsx(spec: DatasetSpec, path: Path, file: str) -> tuple[pd.DataFrame, Part]:
    """An XLSX sheet read cell by cell (values as text), header found, blank rows dropped."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = _sheet(book, spec, file)
        rows = [list(map(_cell_text, row)) for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        book.close()
    header = _header_position(spec, rows[:HEADER_SEARCH_ROWS])
    if header >= len(rows):
        raise pd.errors.EmptyDataError
    names, body = rows[header], rows[header + 1 :]
    width = max([len(names), *map(len, body)]) if body else len(names)
    names = [n or f"Unnamed: {i}" for i, n in enumerate(names + [None] * (width - len(names)))]
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in body], columns=names, dtype="str")
    blank = frame.isna().all(axis=1).to_numpy()
    lines = np.arange(header + 2, header + 2 + len(frame), dtype="int64")
    frame = frame[~blank]
    keep = [not n.startswith("Unnamed: ") or frame[n].notna().any() for n in names]
    frame = frame.loc[:, keep]
    part = Part(file, header + 2, title, lines[~blank], column_letters=_letters(keep))
    return frame.reset_index(drop=True), part


def _sheet(book, spec: DatasetSpec, file: str):
    sheet = spec.sheet if spec.sheet is not None else 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(book.sheetnames):
            found = f"{len(book.sheetnames)} sheet(s): " + ", ".join(book.sheetnames)
            raise DataError([_problem(spec, file, f"a sheet number {sheet} (0 is the first)", found)])
        return book.worksheets[sheet]
    if sheet not in book.sheetnames:
        found = "sheets: " + ", ".join(book.sheetnames)
        raise DataError([_problem(spec, file, f"a sheet named {sheet!r}", found)])
    return book[sheet]


def _letters(keep: list[bool]) -> tuple[str, ...]:
    from openpyxl.utils import get_column_letter

    return tuple(get_column_letter(i + 1) for i, kept in enumerate(keep) if kept)


def _cell_text(value) -> str | None:
    """An XLSX cell as text: whole floats without ``.0``, dates in ISO form; blanks None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):  # a date cell without a time is a date alone
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _read_parquet(spec: DatasetSpec, path: Path, file: str) -> tuple[pd.DataFrame, Part]:
    return pd.read_parquet(path, engine="pyarrow"), Part(file=file, first_line=1)


def _read_geo(spec: DatasetSpec, path: Path, file: str) -> tuple[gpd.GeoDataFrame, Part]:
    encoding = spec.encoding
    if encoding is None and spec.format == "shapefile" and not _sidecar(path, ".cpg"):
        encoding = dbf_encoding(_sidecar(path, ".dbf"))
    options = {"encoding": encoding} if encoding else {}
    if spec.layer is not None:
        options["layer"] = spec.layer
    with warnings.catch_warnings():
        # a mistyped value (e.g. population "many") is reported by validation, row and column named
        warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
        return gpd.read_file(path, engine="pyogrio", **options), Part(file=file, first_line=1)


_READERS: dict[str, Callable[[DatasetSpec, Path, str], tuple[pd.DataFrame, Part]]] = {
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "parquet": _read_parquet,
    **{fmt: _read_geo for fmt in GEO_FORMATS},
}


def _sidecar(path: Path, suffix: str) -> Path | None:
    """A shapefile's sidecar file (``.dbf``, ``.cpg``), whatever the case of its suffix."""
    for candidate in path.parent.glob(glob.escape(path.stem) + ".*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None
