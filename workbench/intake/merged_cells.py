"""Cells merged down rows in a department's XLSX sheet, read for each row they span.

Supervision and daily-count sheets are often typed for the eye: the date or the team written
once, in a cell merged down the rows of that day's or that team's visits. Excel shows the value
beside every row; the file holds it in the range's first cell only, the others empty. Read as
stored, every row below the first would lose its date or team (and be set aside as having none).
So a range of one column merged down rows gives each row the value of its first row. A range
wider than one column is layout (a title, a note block below the table) and is left as stored,
as are ranges that begin at or above the header row (headers, not data).

A form's header may be two rows: a heading merged across columns over the names of its items,
the other headings merged down both rows (:func:`header_rows`); each column is then named by its
lowest heading (:func:`names_of_header`), the name a catalog renames.

openpyxl's read-only mode, which reads large sheets row by row, does not parse the merges:
they are read here from the sheet's XML (``<mergeCell ref="B2:B5"/>`` follows the rows), with
one scan of its bytes for the element.
"""

from __future__ import annotations

import re

from workbench.errors import Problem
from workbench.intake.origins import Origin

MERGED_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
#: Bytes of the sheet's XML read at a time, and kept from one chunk to the next (an element
#: cut in two by a chunk's end is found whole in the next window).
CHUNK_BYTES, OVERLAP_BYTES = 1 << 22, 256
#: Ranges a warning quotes before "and N more".
QUOTED_RANGES = 5

MERGED_EXPECTED = "one value per cell (a cell merged down rows was read for each row it spans)"


def merged_ranges(sheet) -> list[str]:
    """The merged ranges (``B2:B5``) of an openpyxl worksheet, read-only or not, in the file's order.

    The sheet's XML is scanned in chunks (a literal ``<`` in a cell's text is escaped, so any
    ``<mergeCell`` in the bytes is the element).
    """
    merged = getattr(sheet, "merged_cells", None)
    if merged is not None:  # a fully loaded worksheet parsed them
        return [str(r) for r in merged.ranges]
    ranges, carry = [], b""
    with sheet._get_source() as source:  # openpyxl's own way to the sheet's XML in read-only mode
        while chunk := source.read(CHUNK_BYTES):
            window = carry + chunk
            end = 0
            for match in MERGED_CELL.finditer(window):
                ranges.append(match.group(1).decode())
                end = match.end()
            carry = window[max(end, len(window) - OVERLAP_BYTES):]
    return ranges


def fill_merged_down(rows: list[list], ranges: list[str], header: int) -> list[str]:
    """Give each row of a range merged down rows the value of its first row, in place.

    Parameters
    ----------
    rows : list of list
        The sheet's cells, ``rows[i][j]`` at row ``i + 1`` and column ``j + 1`` (as read).
    ranges : list of str
        Merged ranges (:func:`merged_ranges`).
    header : int
        0-based row of the header: ranges that begin on it or above are left alone.

    Returns
    -------
    list of str
        The ranges filled: one column wide, over more than one row, below the header; by
        column, then row (a file lists its merges in any order).
    """
    from openpyxl.utils.cell import range_boundaries  # openpyxl only where an XLSX is read

    filled = []
    for ref in sorted(ranges, key=lambda r: range_boundaries(r)[:2]):
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        if last_col != first_col or last_row == first_row or first_row - 1 <= header or first_row > len(rows):
            continue
        col = first_col - 1
        value = rows[first_row - 1][col] if col < len(rows[first_row - 1]) else None
        for row in rows[first_row:last_row]:
            if col < len(row) and row[col] is None:
                row[col] = value
        filled.append(ref)
    return filled


def merged_cell_warnings(origin: Origin) -> list[Problem]:
    """One warning per column of each XLSX file whose merged ranges were read for each row.

    Needs the ``merged`` ranges and the ``column_letters`` of each :class:`~workbench.intake.origins.Part`.
    """
    problems = []
    for part in origin.parts:
        by_column: dict[str, list[str]] = {}
        for ref in part.merged:
            letter = ref.split(":")[0].rstrip("0123456789")
            if letter in part.column_letters:
                column = part.columns[part.column_letters.index(letter)]
                by_column.setdefault(column, []).append(ref)
        for column, refs in by_column.items():
            quoted = ", ".join(f"{part.sheet}!{r}" for r in refs[:QUOTED_RANGES])
            more = ", …" if len(refs) > QUOTED_RANGES else ""
            found = f"{len(refs)} merged range(s) read for each of their rows: {quoted}{more}"
            problems.append(Problem(origin.dataset, part.file, None, column, MERGED_EXPECTED, found,
                                    severity="warning"))
    return problems


def header_rows(rows: list[list], ranges: list[str], header: int) -> tuple[int, int]:
    """The first and last 0-based rows of a header of one or two rows around row ``header``.

    A form's header is two rows when a heading merged across columns groups the names below it
    (``检查项目`` over ``人员配备``, ``消杀台账``, ``登记台账``), the other headings merged down
    both rows. The header found by its names may be either row: the pair is ``header - 1`` and
    ``header`` or ``header`` and ``header + 1``, where the upper row holds at least two headings,
    one of them merged across columns, and every cell of the lower row lies under such a heading
    (a data row has values beside them).
    """
    if not ranges:  # nothing merged across: one row (and no openpyxl import for a plain CSV)
        return header, header
    from openpyxl.utils.cell import range_boundaries

    across = [range_boundaries(ref) for ref in ranges]
    for top in (header - 1, header):
        if top < 0 or top + 1 >= len(rows) or sum(cell is not None for cell in rows[top]) < 2:
            continue
        groups = [(c1, c2) for c1, r1, c2, r2 in across if r1 == r2 == top + 1 and c2 > c1]
        below = [j + 1 for j, cell in enumerate(rows[top + 1]) if cell is not None]
        if groups and below and all(any(c1 <= j <= c2 for c1, c2 in groups) for j in below):
            return top, top + 1
    return header, header


def names_of_header(rows: list[list], first: int, last: int) -> list:
    """The column names of header rows ``first`` to ``last``: the lowest heading of each column
    (a blank cell is none)."""
    width = max(len(rows[i]) for i in range(first, last + 1))
    names = []
    for j in range(width):
        cells = [rows[i][j] for i in range(last, first - 1, -1) if j < len(rows[i])]
        names.append(next((c for c in cells if c is not None and str(c).strip()), None))
    return names


def csv_header_rows(rows: list[list], header: int, names: frozenset[str]) -> tuple[int, int]:
    """:func:`header_rows` of a CSV saved from such a form, where no merge is recorded.

    Excel writes a heading merged across columns in its first column and leaves the others
    empty (``检查项目,,``); those spans stand for the merges. As a CSV cannot tell a heading
    from a long value, the lower row must also hold one of the ``names`` looked for (the
    contract's or the catalog's rename sources).
    """
    cells = [[cell if cell is not None and str(cell).strip() else None for cell in row] for row in rows]
    ranges = [ref for top in (header - 1, header) if 0 <= top < len(cells)
              for ref in _spans(cells[top], top + 1)]  # fmt: skip
    first, last = header_rows(cells, ranges, header)
    if first < last and not names & {str(cell).strip() for cell in cells[last] if cell is not None}:
        return header, header
    return first, last


def _spans(row: list, line: int) -> list[str]:
    """``E2:G2`` for each heading of ``row`` (sheet row ``line``) followed by empty cells."""
    found, j = [], 0
    while j < len(row):
        k = j + 1
        while k < len(row) and row[k] is None:
            k += 1
        if row[j] is not None and k - 1 > j:
            found.append((j + 1, k))
        j = k
    if not found:  # the usual CSV: no openpyxl import (0.1 CPU s) on a report's path
        return []
    from openpyxl.utils import get_column_letter

    return [f"{get_column_letter(a)}{line}:{get_column_letter(b)}{line}" for a, b in found]
