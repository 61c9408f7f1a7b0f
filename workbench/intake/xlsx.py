"""XLSX workbooks: the sheets a catalog names, each read cell by cell as text.

``sheet:`` in the catalog picks the sheets of each workbook: a name, a number (0 is the first),
a pattern (``10月*``, shell-style) or a list of these; the default is the first sheet. A
department that keeps one sheet per day (``10月8日``, ``10月9日``) gives ``sheet: "10月*"`` or
``sheet: "*"``: the sheets are one dataset, as the files of a folder are, each row located by
its sheet and cell. A workbook of several sheets read without ``sheet:`` gets a warning naming
the sheets left unread (the first sheet alone might be a single day of many).

Each sheet is read with openpyxl's read-only mode (row by row), values as text (whole floats
without ``.0``, dates in ISO form), its header found (:mod:`~workbench.intake.header_row`, a
header of two rows and cells merged down rows as :mod:`~workbench.intake.merged_cells` says),
blank rows dropped with every line number kept exact.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake.catalog import DatasetSpec
from workbench.intake.header_row import HEADER_SEARCH_ROWS, header_position
from workbench.intake.merged_cells import fill_merged_down, header_rows, merged_ranges, names_of_header
from workbench.intake.origins import Part

_PATTERN_CHARACTERS = "*?["
UNREAD_SHEETS_EXPECTED = ("the sheets to read named in catalog.yaml (sheet: a name, a list, or a pattern "
                          "such as 10月*)")
EMPTY_SHEETS_EXPECTED = "a header row and data in every sheet read"


def read_xlsx(spec: DatasetSpec, path: Path, file: str) -> list[tuple[pd.DataFrame, Part]]:
    """The sheets of one workbook that ``spec.sheet`` names, as (frame of text, Part) pairs.

    Raises
    ------
    DataError
        When a sheet the catalog names is not in the workbook (every such sheet, with those it has).
    pandas.errors.EmptyDataError
        When the one sheet read holds nothing (several: an empty one is passed over, with a warning).
    """
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = chosen_sheets(book.sheetnames, spec, file)
        read = []
        for name in names:
            sheet = book[name]
            rows = [[_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
                    for row in sheet.iter_rows()]
            read.append((name, rows, merged_ranges(sheet)))
        unread = [n for n in book.sheetnames if n not in names] if spec.sheet is None else []
    finally:
        book.close()
    parts, passed_over = [], []
    for name, rows, ranges in read:
        try:
            parts.append(sheet_frame(spec, rows, ranges, file, name))
        except pd.errors.EmptyDataError:
            if len(read) == 1:
                raise
            passed_over.append(name)
    if not parts:
        raise pd.errors.EmptyDataError
    notes = _unread_notes(spec, file, names[0], unread) + _empty_notes(spec, file, passed_over)
    frame, part = parts[0]
    parts[0] = (frame, replace(part, notes=tuple(notes)))
    return parts


def chosen_sheets(names: list[str], spec: DatasetSpec, file: str) -> list[str]:
    """The sheet names ``spec.sheet`` picks among a workbook's ``names``, in the catalog's order."""
    wanted = spec.sheet if spec.sheet is not None else 0
    chosen, problems, listed = [], [], "sheets: " + ", ".join(names)
    for item in wanted if isinstance(wanted, (list, tuple)) else [wanted]:
        if isinstance(item, int) and not isinstance(item, bool):
            if 0 <= item < len(names):
                chosen.append(names[item])
            else:
                found = f"{len(names)} sheet(s): " + ", ".join(names)
                problems.append(_problem(spec, file, f"a sheet number {item} (0 is the first)", found))
        elif isinstance(item, str) and any(ch in item for ch in _PATTERN_CHARACTERS):
            matched = [n for n in names if fnmatchcase(n, item)]
            chosen += matched
            if not matched:
                problems.append(_problem(spec, file, f"a sheet matching {item!r}", listed))
        elif str(item) in names:
            chosen.append(str(item))
        else:
            problems.append(_problem(spec, file, f"a sheet named {str(item)!r}", listed))
    if problems:
        raise DataError(problems)
    return list(dict.fromkeys(chosen))


def sheet_frame(spec: DatasetSpec, rows: list[list], ranges: list[str], file: str,
                title: str) -> tuple[pd.DataFrame, Part]:
    """One sheet's cells (``rows``, text) as a frame from its header on, and where its rows are."""
    first, header = header_rows(rows, ranges, header_position(spec, rows[:HEADER_SEARCH_ROWS]))
    if header >= len(rows):
        raise pd.errors.EmptyDataError
    merged = fill_merged_down(rows, ranges, header)
    names, body = names_of_header(rows, first, header), rows[header + 1 :]
    width = max([len(names), *map(len, body)]) if body else len(names)
    names = [n or f"Unnamed: {i}" for i, n in enumerate(names + [None] * (width - len(names)))]
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in body], columns=names, dtype="str")
    blank = frame.isna().all(axis=1).to_numpy()
    lines = np.arange(header + 2, header + 2 + len(frame), dtype="int64")
    frame = frame[~blank]
    keep = [not n.startswith("Unnamed: ") or frame[n].notna().any() for n in names]
    frame = frame.loc[:, keep]
    part = Part(file, header + 2, title, lines[~blank], column_letters=_letters(keep), merged=tuple(merged))
    return frame.reset_index(drop=True), part


def _unread_notes(spec: DatasetSpec, file: str, read: str, unread: list[str]) -> list[Problem]:
    if not unread:
        return []
    found = f"the first sheet ({read}) read; {len(unread)} other sheet(s) not read: " + ", ".join(unread)
    return [Problem(spec.name, file, None, None, UNREAD_SHEETS_EXPECTED, found, "warning")]


def _empty_notes(spec: DatasetSpec, file: str, empty: list[str]) -> list[Problem]:
    if not empty:
        return []
    found = f"{len(empty)} empty sheet(s) passed over: " + ", ".join(empty)
    return [Problem(spec.name, file, None, None, EMPTY_SHEETS_EXPECTED, found, "warning")]


def _problem(spec: DatasetSpec, file: str, expected: str, found: str) -> Problem:
    return Problem(spec.name, file, None, None, expected, found)


def _letters(keep: list[bool]) -> tuple[str, ...]:
    from openpyxl.utils import get_column_letter

    return tuple(get_column_letter(i + 1) for i, kept in enumerate(keep) if kept)


def _cell_text(value, number_format: str | None = None) -> str | None:
    """An XLSX cell as text: whole floats without ``.0``, dates in ISO form; blanks None.

    A date cell is a date alone only when its number format shows no time of day: a round that
    ends at ``2022-10-09 00:00`` typed in a date-and-time cell must stay midnight, not become
    the end of that day (a date alone as a round's end means the end of the day).
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        date_alone = value.time() == time(0) and not _shows_time(number_format)
        return value.date().isoformat() if date_alone else value.isoformat(sep=" ")
    if isinstance(value, time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _shows_time(number_format: str | None) -> bool:
    """Whether an Excel number format shows hours (``h``) — ``m`` alone may be a month."""
    if not number_format:
        return False
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format).lower()
    return "h" in plain
