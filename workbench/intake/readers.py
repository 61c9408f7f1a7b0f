"""Reading a dataset's files as stored: one reader per format, the header row, encodings, renames.

``read_raw`` reads every file of one dataset (a catalog ``path`` may be a file, a folder or a
glob), finds each file's header row, applies the catalog's column renames and returns one frame;
nothing more. Parsing and validation against the data contract happen in
:mod:`workbench.intake.parsing` and :mod:`workbench.intake.validation`.

**The header row** of a CSV or XLSX is the catalog's ``header_row`` or found by its names
(:mod:`workbench.intake.header_row`); lines above it are ignored. An XLSX may give several
sheets to one dataset (:mod:`workbench.intake.xlsx`).

**Rows that are no data.** A CSV or XLSX row whose every cell is blank (the ``,,,`` lines
Excel's "save as CSV" leaves below a sheet) is dropped when read, as blank lines are; the files
of a folder must each hold the contract's required columns, and may differ in the others.

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
from dataclasses import replace
from itertools import islice
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake.catalog import GEO_FORMATS, DatasetSpec, Pack
from workbench.intake.contract import REQUIRED_COLUMNS
from workbench.intake.encodings import (
    BLANK_CHARACTERS,
    csv_delimiter,
    csv_encoding,
    dbf_encoding,
    has_blank_lines,
)
from workbench.intake.header_row import HEADER_SEARCH_ROWS, clean_name, header_names, header_position
from workbench.intake.merged_cells import csv_header_rows, names_of_header
from workbench.intake.origins import Origin, Part
from workbench.intake.xlsx import read_xlsx
from workbench.privacy import sample_of


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
        for frame, part in read_file(spec, path, file):
            frame.index = pd.RangeIndex(start, start + len(frame))
            frames.append(frame)
            parts.append(part.placed_at(start, start + len(frame)))
            start += len(frame)
    frame = frames[0] if len(frames) == 1 else _concat(frames, parts, spec)
    return frame, Origin(name, tuple(parts))


def _concat(frames: list[pd.DataFrame], parts: list[Part], spec: DatasetSpec) -> pd.DataFrame:
    """One frame of a dataset's files (or sheets): each holds the contract's columns; others may differ.

    A column one file lacks is missing (NaN) in that file's rows, as a file that leaves the
    column empty would give. Only a required column one file has and another lacks stops the
    dataset here, naming the file; one that no file has is reported by validation, once.
    """
    required = REQUIRED_COLUMNS.get(spec.name, ())
    held = [next((_where(p) for p, frame in zip(parts, frames, strict=True) if c in frame.columns), None)
            for c in required]  # fmt: skip
    problems = []
    for frame, part in zip(frames, parts, strict=True):
        missing = [(c, first) for c, first in zip(required, held, strict=True)
                   if first is not None and c not in frame.columns]  # fmt: skip
        if missing:
            expected = f"the same columns as {missing[0][1]} (one dataset, many files)"
            found = "missing: " + ", ".join(sorted(c for c, _ in missing))
            problems.append(_problem(spec, _where(part), expected, found))
    if problems:
        raise DataError(problems)
    out = pd.concat(frames, ignore_index=False)
    if isinstance(frames[0], gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=frames[0].geometry.name, crs=frames[0].crs)
    return out


def _where(part: Part) -> str:
    """A file as problems name it, with its sheet when a workbook gives several."""
    return part.file if part.sheet is None else f"{part.file} ({part.sheet})"


def read_file(spec: DatasetSpec, path: Path, file: str) -> list[tuple[pd.DataFrame, Part]]:
    """One file of a dataset (an XLSX: each sheet the catalog names), renamed, and where its rows are."""
    empty = _problem(spec, file, "a file with a header row and data", "file is empty")
    try:
        if path.stat().st_size == 0:
            raise DataError([empty])
        read = _READERS[spec.format](spec, path, file)
    except DataError:
        raise
    except pd.errors.EmptyDataError:
        raise DataError([empty]) from None
    except Exception as exc:  # every reader library raises its own types; report them all alike
        found = sample_of(f"{type(exc).__name__}: {exc}".replace(str(path), file), 160)  # never a whole line
        raise DataError([_problem(spec, file, f"a readable {spec.format} file", found)]) from None
    renamed = []
    for frame, part in read if isinstance(read, list) else [read]:
        frame = _rename_columns(frame, spec, _where(part))
        renamed.append((frame, part.with_columns(tuple(map(str, frame.columns)))))
    return renamed


def _rename_columns(frame: pd.DataFrame, spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Strip column names, apply the catalog's renames, refuse duplicate names."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = {c: clean_name(c) for c in frame.columns if c != geometry}
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


# ---------------------------------------------------------------- readers by format


def _read_csv(spec: DatasetSpec, path: Path, file: str) -> tuple[pd.DataFrame, Part]:
    """A CSV from its header line; blank rows dropped, every line number kept exact."""
    encoding = csv_encoding(spec, path, file)
    delimiter = csv_delimiter(path, encoding)
    rows = _first_csv_rows(path, encoding, delimiter)
    first, header = csv_header_rows(rows, header_position(spec, rows), header_names(spec))
    options = {"dtype": str, "encoding": encoding, "skiprows": header, "sep": delimiter}
    if has_blank_lines(path) or first < header:  # the c engine keeps blank lines' numbers, and names
        frame = pd.read_csv(path, engine="c", skip_blank_lines=False, **options)
    else:
        try:
            frame = pd.read_csv(path, engine="pyarrow", **options)
        except pd.errors.ParserError:  # pyarrow names no line; pandas' own parser does
            frame = pd.read_csv(path, engine="c", **options)
    if first < header:  # a header of two rows: each column named by its lowest heading
        names = names_of_header(rows, first, header)
        names += [None] * (len(frame.columns) - len(names))
        frame.columns = [n or c for n, c in zip(names, frame.columns, strict=False)]
    return without_blank_rows(frame, Part(file=file, first_line=header + 2))


def without_blank_rows(frame: pd.DataFrame, part: Part) -> tuple[pd.DataFrame, Part]:
    """``frame`` without its rows of only blank cells (none, or :data:`BLANK_CHARACTERS`).

    Such a row is no data (Excel leaves them below a sheet's last row): it is not counted as
    read, and the lines of the others stay exact (``part.lines``).
    """
    blank = blank_rows(frame)
    if not blank.any():
        return frame, part
    lines = part.lines if part.lines is not None else np.arange(part.first_line, part.first_line + len(frame))
    return frame[~blank].reset_index(drop=True), replace(part, lines=lines[~blank])


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows of ``frame`` hold no value: each cell missing or only :data:`BLANK_CHARACTERS`."""
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:  # a row with a value in its first column is not looked at again
        candidates = np.flatnonzero(blank)
        if not len(candidates):
            break
        values = frame[column].iloc[candidates]
        empty = values.isna().to_numpy(dtype=bool, copy=True)
        if pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype):
            text = values[~empty].astype(str).str.strip(BLANK_CHARACTERS)
            empty[~empty] = (text == "").to_numpy(dtype=bool)
        blank[candidates] = empty
    return blank


def _first_csv_rows(path: Path, encoding: str, delimiter: str = ",") -> list[list[str]]:
    """The first :data:`HEADER_SEARCH_ROWS` lines of a CSV, split into cells."""
    with open(path, encoding=encoding, newline="") as f:
        lines = list(islice(f, HEADER_SEARCH_ROWS))
    return list(csv.reader(io.StringIO("".join(lines)), delimiter=delimiter))


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


#: One reader per format: a (frame, Part) of the file, or a list of them (an XLSX's sheets).
_READERS: dict[str, Callable[[DatasetSpec, Path, str], tuple | list]] = {
    "csv": _read_csv,
    "xlsx": read_xlsx,
    "parquet": _read_parquet,
    **{fmt: _read_geo for fmt in GEO_FORMATS},
}


def _sidecar(path: Path, suffix: str) -> Path | None:
    """A shapefile's sidecar file (``.dbf``, ``.cpg``), whatever the case of its suffix."""
    for candidate in path.parent.glob(glob.escape(path.stem) + ".*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None
