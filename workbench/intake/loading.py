"""What notebooks and ``workbench validate`` call: loading datasets, validating a pack, printing problems.

``load_datasets`` and ``Datasets`` live in :mod:`workbench.intake.datasets` (re-exported here);
``load_report`` (what one report needs) in :mod:`workbench.intake.needs`. ``validate_pack``
loads every dataset of a pack without raising and ends with the reports the pack can run;
``format_problems`` prints it all as an aligned table.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable

from workbench.errors import DataError, Problem
from workbench.intake.catalog import CATALOG_FILE, Pack, open_pack
from workbench.intake.datasets import Datasets, load_datasets, sort_key
from workbench.intake.needs import format_readiness, readiness
from workbench.intake.placing import PLACEMENT_LEVEL, place_points
from workbench.privacy import sample_of

__all__ = ["PLACEMENT_LEVEL", "Datasets", "format_problems", "load_datasets", "place_points", "validate_pack"]


def validate_pack(pack: Pack | str | os.PathLike | None) -> list[Problem]:
    """Every problem of a pack's catalog and datasets, sorted; never raises for data problems.

    Parameters
    ----------
    pack : Pack, path-like or None
        An opened pack, or a pack folder to open (None: the default pack). A folder whose
        catalog cannot be opened yields the catalog's problems.
    """
    if not isinstance(pack, Pack):
        try:
            pack = open_pack(pack)
        except DataError as exc:
            return sorted(exc.problems, key=sort_key)
    try:
        problems = load_datasets(pack, strict=False).warnings
    except Exception as exc:  # validate ends with problems, never a traceback, whatever the pack
        found = sample_of(f"{type(exc).__name__}: {exc}", 160)
        problems = [Problem("pack", CATALOG_FILE, None, None, "a pack the workbench can read", found)]
    return Findings(problems, format_readiness(readiness(pack, problems)))


class Findings(list):
    """The problems ``validate_pack`` found, and a summary of the reports the pack can run."""

    def __init__(self, problems: Iterable[Problem], summary: str = ""):
        super().__init__(problems)
        self.summary = summary


_HEADERS = ("severity", "dataset", "file", "row", "column", "expected", "found")
_MAX_CELL = 60


def format_problems(problems: Iterable[Problem]) -> str:
    """An aligned plain-text table of ``problems`` (sorted) and a summary line of counts.

    Wide (Chinese) characters count as two columns, so the table stays aligned in a
    terminal; cells longer than 60 columns are cut with "…".
    """
    readiness = getattr(problems, "summary", "")
    problems = sorted(problems, key=sort_key)
    errors = sum(p.severity == "error" for p in problems)
    summary = f"{errors} error(s), {len(problems) - errors} warning(s)"
    ending = [summary, "", readiness] if readiness else [summary]
    if not problems:
        return "\n".join(["no problems found", *ending])
    rows = [_HEADERS] + [_cells(p) for p in problems]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(_HEADERS))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *ending])


def _cells(problem: Problem) -> tuple[str, ...]:
    row = problem.cell or ("" if problem.row is None else str(problem.row))
    values = (problem.severity, problem.dataset, problem.file, row, problem.column or "")
    return tuple(_cut(str(v)) for v in (*values, problem.expected, problem.found))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str) -> str:
    """``text`` on one line, cut to ``_MAX_CELL`` columns."""
    text = text.replace("\n", " ")
    if _width(text) <= _MAX_CELL:
        return text
    kept, used = [], 0
    for char in text:
        used += _width(char)
        if used > _MAX_CELL - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
