"""The workbench's one family of exceptions, and the record of a data problem."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a data pack.

    ``row`` is the line number the analyst sees in the file (header included: with the
    header on line 1, data row 1 is line 2; for Parquet and geo files the 1-based record
    number), or None when the problem concerns a whole file or column. ``cell`` is, for an
    XLSX file, the sheet and cell (``督查记录!C5``). ``severity`` is ``"error"`` (the pack
    cannot be used as it is) or ``"warning"`` (rows were set aside or a value was guessed).
    """

    dataset: str
    file: str
    row: int | None
    column: str | None
    expected: str
    found: str = ""
    severity: str = "error"
    cell: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.cell:
            where += f", cell {self.cell}"
        elif self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        found = f" (found {self.found!r})" if self.found != "" else ""
        return f"[{self.severity}] {where}: expected {self.expected}{found}"


class DataError(WorkbenchError):
    """A data pack has problems that make a figure impossible to compute correctly."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{len(errors)} {'problem' if len(errors) == 1 else 'problems'} in the data pack:"]
        lines += [f"  {p}" for p in errors[:50]]
        if len(errors) > 50:
            lines.append(f"  ... and {len(errors) - 50} more")
        super().__init__("\n".join(lines))


class ReportError(WorkbenchError):
    """A report could not be run or published."""


class LockedError(WorkbenchError):
    """Another batch for the same reports folder and date is running (``workbench batch`` exits 3)."""


#: How a report's error text ends, saying which cell of the executed notebook raised it.
CELL_NOTE = "(raised by cell"


def error_headline(text: str, width: int = 300) -> str:
    """The one line that says what went wrong: the first of ``text``, and when that only
    announces a list (``1 problem in the data pack:``), the list's first item after it."""
    lines = [line.strip() for line in str(text).splitlines()
             if line.strip() and not line.startswith(CELL_NOTE)]  # fmt: skip
    if not lines:
        return ""
    head = lines[0]
    if head.endswith(":") and len(lines) > 1:
        head += f" {lines[1]}" + (" …" if len(lines) > 2 else "")
    return head if len(head) <= width else head[: width - 1] + "…"
