"""Problems of rows, capped: one record per failing row, at most a limit, then an exact count.

Rows are located by an :class:`~workbench.intake.origins.Origin` (the file of each row, the
line the analyst sees, the XLSX cell), or, for a frame that came from no file, by the file name
alone (then the row is the 1-based data row). Failing values are shown as a short masked
sample (:func:`workbench.privacy.sample_of`), never the whole cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import Problem
from workbench.intake.origins import Origin
from workbench.privacy import sample_of

MAX_ROWS_PER_CHECK = 20
#: Characters of a failing value shown in a problem.
SAMPLE_WIDTH = 40


def row_problems(
    dataset: str,
    where: str | Origin,
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
    where : str or Origin
        The dataset's Origin (file, line and cell of each row), or a file name.
    found : Series
        The failing values, indexed by the frame's labels (None/NaN index: no row).
    """
    shown = found.iloc[:limit]
    places = locate(where, shown.index, column)
    problems = [
        Problem(dataset, file, row, column, expected, show_value(value), severity, cell)
        for (file, row, cell), value in zip(places, shown, strict=True)
    ]
    if len(found) > limit:
        more = f"... and {len(found) - limit:,} more rows"
        problems.append(Problem(dataset, file_of(where), None, column, expected, more, severity))
    return problems


def locate(where: str | Origin, labels, column: str | None = None) -> list[tuple]:
    """(file, row, cell) of each index label (see the module docstring)."""
    if isinstance(where, Origin):
        return where.locate(labels, column)
    return [(where, data_row(label), None) for label in labels]


def file_of(where: str | Origin) -> str:
    return where.file if isinstance(where, Origin) else where


def data_row(label) -> int | None:
    return None if label is None or pd.isna(label) else int(label) + 1


def show_value(value, width: int = SAMPLE_WIDTH) -> str:
    """A failing value as a short masked sample ("" for missing)."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return ""
    return sample_of(value, width)
