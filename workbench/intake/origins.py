"""Where each row of a dataset comes from: its file, and the line or cell the analyst sees.

A dataset's frame has a 0-based integer index over all its files (a catalog ``path`` may be
a folder or a glob). An :class:`Origin` maps index labels back to:

- the **file** (as the catalog or the folder names it);
- the **row** of a problem: for CSV and XLSX the line number as Excel or a text editor shows
  it, header included (with the header on line 1, data row 1 is line 2); for Parquet and geo
  files (no lines) the 1-based record number;
- for XLSX, the **cell**: ``sheet!C5``.

Rows set aside later keep their labels, so an Origin stays valid for any subset of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Part:
    """The rows of one file: index labels ``start`` to ``stop`` (exclusive).

    Attributes
    ----------
    file : str
        The file as problems name it.
    first_line : int
        Line (or record number) of the file's first data row.
    sheet : str or None
        The XLSX sheet read.
    lines : ndarray of int64, optional
        The line of each row when they are not consecutive (blank rows dropped).
    columns, column_letters : tuple of str
        The frame's columns (after renames) and, for XLSX, each one's column letter.
    merged : tuple of str
        XLSX ranges merged down rows whose value was read for each row they span (``B2:B5``).
    notes : tuple of Problem
        What the reader has to say about the file (an XLSX's sheets left unread...), as warnings.
    """

    file: str
    first_line: int = 2
    sheet: str | None = None
    lines: np.ndarray | None = field(default=None, compare=False)
    columns: tuple[str, ...] = ()
    column_letters: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    notes: tuple = field(default=(), compare=False)
    start: int = 0
    stop: int = 0

    def placed_at(self, start: int, stop: int) -> Part:
        return replace(self, start=start, stop=stop)

    def with_columns(self, columns: tuple[str, ...]) -> Part:
        return replace(self, columns=columns)

    def line_of(self, labels: np.ndarray) -> np.ndarray:
        """The line (or record number) of each label of this part."""
        offsets = labels - self.start
        if self.lines is not None:
            return self.lines[offsets]
        return offsets + self.first_line

    def cell(self, column: str | None, line: int) -> str | None:
        """``sheet!C5`` for an XLSX row and column; None elsewhere or for several columns."""
        if self.sheet is None or column not in self.columns:
            return None
        letters = self.column_letters[self.columns.index(column)] if self.column_letters else None
        return f"{self.sheet}!{letters}{line}" if letters else None


@dataclass(frozen=True)
class Origin:
    """The parts (files) of one dataset's frame, in index order."""

    dataset: str
    parts: tuple[Part, ...]

    @classmethod
    def single(cls, dataset: str, file: str, first_line: int = 2) -> Origin:
        """One file whose data rows are consecutive lines from ``first_line`` (index from 0)."""
        return cls(dataset, (Part(file=file, first_line=first_line, stop=np.iinfo("int64").max),))

    @property
    def file(self) -> str:
        """The dataset's files, as one text (``a.csv`` or ``a.csv, b.csv``)."""
        return ", ".join(dict.fromkeys(p.file for p in self.parts))

    def part_name(self, part: Part) -> str:
        """The file of ``part`` as pages list it: with its sheet when the file gives several parts."""
        several = sum(p.file == part.file for p in self.parts) > 1
        return f"{part.file} ({part.sheet})" if several and part.sheet else part.file

    def locate(self, labels, column: str | None = None) -> list[tuple[str, int | None, str | None]]:
        """(file, row, cell) of each index label; a missing label gives (first file, None, None)."""
        labels = list(labels)
        out: list[tuple[str, int | None, str | None]] = [(self.parts[0].file, None, None)] * len(labels)
        known = [i for i, label in enumerate(labels) if _is_label(label)]
        if not known or not self.parts:
            return out
        values = np.asarray([int(labels[i]) for i in known], dtype="int64")
        starts = np.asarray([p.start for p in self.parts], dtype="int64")
        which = np.clip(np.searchsorted(starts, values, side="right") - 1, 0, len(self.parts) - 1)
        for number, part in enumerate(self.parts):
            chosen = np.flatnonzero(which == number)
            if not len(chosen):
                continue
            inside = values[chosen] < part.stop
            lines = part.line_of(np.where(inside, values[chosen], part.start))
            for position, line, ok in zip(chosen, lines, inside, strict=True):
                row = int(line) if ok else None
                out[known[position]] = (part.file, row, part.cell(column, row) if ok else None)
        return out

    def files_of(self, labels: np.ndarray) -> np.ndarray:
        """The file of each label (vectorised), as an object array."""
        labels = np.asarray(labels, dtype="int64")
        starts = np.asarray([p.start for p in self.parts], dtype="int64")
        which = np.clip(np.searchsorted(starts, labels, side="right") - 1, 0, len(self.parts) - 1)
        return np.asarray([p.file for p in self.parts], dtype=object)[which]


def _is_label(label) -> bool:
    if label is None:
        return False
    try:
        return not np.isnan(label)
    except TypeError:
        return True
