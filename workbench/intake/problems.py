"""Problems of rows, capped: one record per failing row, at most a limit, then an exact count."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import Problem

MAX_ROWS_PER_CHECK = 20


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
        Problem(dataset, file, data_row(label), column, expected, show_value(value), severity)
        for label, value in zip(found.index[:limit], found.iloc[:limit], strict=True)
    ]
    if len(found) > limit:
        more = f"... and {len(found) - limit:,} more rows"
        problems.append(Problem(dataset, file, None, column, expected, more, severity))
    return problems


def data_row(label) -> int | None:
    return None if label is None or pd.isna(label) else int(label) + 1


def show_value(value, width: int = 60) -> str:
    """A failing value as short text ("" for missing)."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return ""
    shown = str(value).replace("\n", " ")
    return shown if len(shown) <= width else shown[: width - 1] + "…"
