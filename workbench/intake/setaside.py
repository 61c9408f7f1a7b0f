"""Rows set aside: which failing rows are dropped with a visible count, and which problems stop a report.

A report still runs when what is left is usable: 5 samples with an unknown community out of
734,672 must not cost a district its coverage report. Only a problem that makes a figure
meaningless stops it. Decided per check:

**Not data** (dropped when read, as blank lines are, counted neither read nor set aside): a row
whose every cell is blank (:func:`workbench.intake.readers.blank_rows`).

**Set aside** (a warning naming the file and rows, with the exact count; the rest is used):

- a **total or subtotal row** of a CSV/XLSX export (a cell reading ``合计``, ``总计``, ``小计``,
  ``Total``...): it would count everything twice; and the **notes below a table** (``填表人：…``,
  ``制表日期：…``: rows of one cell at a file's foot), and a **header repeated** inside a file
  (two exports joined into one);
- the **same row in two files** of one dataset (``path:`` a folder or a glob), or twice in one
  file of a record dataset (every cell alike: a line pasted twice): kept once;
- in a **record dataset** (:data:`RECORD_DATASETS`: one row per sample, visit, daily count,
  delivery, price, check), a row whose identifier points nowhere (a sample for an unknown
  community or site, a count for an unknown checkpoint), and a row with a value that cannot be
  parsed (``sampled_at`` "soon", ``vehicles`` "x", a boolean "maybe");
- a sample without an area whose site is unknown or in no area (:mod:`workbench.intake.placing`).

**Errors** (the dataset cannot be used; reports that need it stop, and say why):

- a file that cannot be read, a required column missing (from one of several files too);
- any failing row of a **reference dataset** (areas, zones, testing sites, rounds, places,
  checkpoints, enterprises, targets, suppliers, packages, price baselines): dropping an area,
  a site or a target would silently change every figure about it;
- values out of range or outside their list, and frame-wide checks (an item above the number
  of households): the sign of a shifted or mis-mapped column, to be fixed at the source;
- repeated keys (which of the two rows is right?);
- a check that fails in **every** row of a dataset (an unparseable key column everywhere): what
  is left would be nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import Problem
from workbench.intake.origins import Origin
from workbench.intake.problems import row_problems

#: Datasets whose rows are records (events, daily counts): a failing row can be set aside.
RECORD_DATASETS = frozenset({
    "sampling", "checkpoint_daily", "inspections", "production", "enterprise_checks",
    "deliveries", "prices", "quarantine_checks", "medical_waste",
})  # fmt: skip
#: Words that mark a total or subtotal row (also spaced out, upper case, with a final colon).
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "共计", "总数", "total", "subtotal", "grandtotal", "sum"})
#: Words appended to what was expected, when a failing row was set aside.
SET_ASIDE = " (the row was set aside; the report uses the others)"


def can_set_aside(dataset: str, failing: pd.Series, rows: int) -> bool:
    """Whether the ``failing`` rows (a boolean mask) of ``dataset`` may be set aside."""
    count = int(failing.sum())
    return dataset in RECORD_DATASETS and 0 < count < rows


def _total_spellings() -> frozenset[str]:
    """Every spelling of :data:`TOTAL_MARKERS` matched: ``合计``, ``合 计``, ``合计：``, ``Total:``..."""
    out = set()
    for word in TOTAL_MARKERS:
        forms = {word, word.upper(), word.title(), " ".join(word) if not word.isascii() else word}
        out |= {form + end for form in forms for end in ("", ":", "：")}
    return frozenset(out)


TOTAL_SPELLINGS = _total_spellings()


def without_total_rows(raw: pd.DataFrame, origin: Origin) -> tuple[pd.DataFrame, list[Problem]]:
    """Set aside rows with a cell marking a total (``合计``, ``总计``, ``小计``, ...).

    Only text cells of the first three columns of each file are looked at (where exports put
    the word), each with one hash lookup per value (``isin``); one warning per file, with the
    count and the first lines.
    """
    marked = pd.Series(False, index=raw.index)
    firsts = dict.fromkeys(c for part in origin.parts for c in part.columns[:3]) or raw.columns[:3]
    for column in [c for c in firsts if c in raw.columns]:
        values = raw[column]
        if column != "geometry" and (
            pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
        ):
            marked |= values.isin(TOTAL_SPELLINGS).to_numpy(dtype=bool)
    if not marked.any():
        return raw, []
    files = pd.Series(origin.files_of(raw.index[marked].to_numpy()), index=raw.index[marked])
    problems = []
    for file, labels in files.groupby(files, sort=False).groups.items():
        lines = ", ".join(str(row) for _, row, _ in origin.locate(list(labels)[:5]))
        more = ", ..." if len(labels) > 5 else ""
        found = f"{len(labels):,} total/subtotal row(s) set aside (line {lines}{more})"
        problems.append(
            Problem(origin.dataset, file, None, None, "data rows only, no total rows", found, "warning")
        )
    return raw[~marked], problems


#: Rows at the foot of a file looked at for notes (填表人：…, 制表日期：…, 说明：…).
NOTE_ROWS_LOOKED_AT = 20
NOTES_EXPECTED = "data rows only, no notes below them"
#: How the cells of a form's footer start: who filled it in, checked it, when, whom to call.
NOTE_START = (r"(?:填表|制表|填报|审核|审批|复核|统计人|负责人|联系人|联系电话|电话|日期|说明|备注|注[:：]"
              r"|数据来源|签字|盖章)")


def without_note_rows(raw: pd.DataFrame, origin: Origin) -> tuple[pd.DataFrame, list[Problem]]:
    """Set aside the notes a department writes below its table: ``填表人：… 联系电话：…``.

    A file's last rows are notes, not records, when they hold words in their first cell only
    (Chinese, or a colon: not a lone code) or cells that all open with a form's words (:data:`NOTE_START`:
    ``填表人``, ``审核``, ``联系电话``...). One warning per file gives their lines, never their
    text (a form's footer names a person and a phone). Only the last
    :data:`NOTE_ROWS_LOOKED_AT` rows of each file are looked at, in datasets of three columns
    or more, and a file's first row is never a note.
    """
    columns = [c for c in raw.columns if c != "geometry"]
    if raw.empty or len(columns) < 3:
        return raw, []
    notes, problems = [], []
    for part in origin.parts:
        labels = raw.index[(raw.index >= part.start) & (raw.index < part.stop)][-NOTE_ROWS_LOOKED_AT:]
        if count := trailing_notes(raw.loc[labels, columns]):
            found = list(labels[len(labels) - count :])
            notes += found
            problems.append(notes_problem(origin, part.file, found))
    return (raw.drop(index=notes) if notes else raw), problems


def trailing_notes(rows: pd.DataFrame) -> int:
    """How many of a file's last ``rows`` (in order, as text) read as notes from the end on.

    Never all of them: the first row looked at is a record (or the file's first row).
    """
    is_note = _note_rows(rows)
    count = 0
    while count < len(is_note) - 1 and is_note[len(is_note) - 1 - count]:
        count += 1
    return count


def notes_problem(origin: Origin, file: str, labels: list) -> Problem:
    """The one warning of a file's notes set aside: their lines, never their text."""
    lines = ", ".join(str(row) for _, row, _ in origin.locate(labels))
    text = f"{len(labels):,} note row(s) below the table set aside (line {lines})"
    return Problem(origin.dataset, file, None, None, NOTES_EXPECTED, text, "warning")


def _note_rows(rows: pd.DataFrame) -> np.ndarray:
    """Which ``rows`` read as a form's notes (see :func:`without_note_rows`)."""
    text = rows.astype("str").where(rows.notna(), "").apply(lambda column: column.str.strip())
    filled = text != ""
    signed = text.apply(lambda column: column.str.match(NOTE_START))
    worded = text.apply(lambda column: column.str.contains(r"[\u4e00-\u9fff:：]", regex=True))
    alone = (filled.sum(axis=1) == 1) & filled.iloc[:, 0] & worded.iloc[:, 0]  # written in column A
    return (alone | (filled.any(axis=1) & (filled == signed).all(axis=1))).to_numpy()


#: What a header repeated inside a file was expected to be.
HEADERS_EXPECTED = "data rows only, the header once (were files joined into one?)"
#: Words of the set-aside warnings of rows that are a table's layout, not records.
LAYOUT_ROW_WORDS = ("total/subtotal", "note row(s) below the table", "header row(s) repeated")


def without_header_rows(raw: pd.DataFrame, origin: Origin, renames: dict
                        ) -> tuple[pd.DataFrame, list[Problem]]:
    """Set aside copies of the header inside a file: two exports joined into one (``cat a.csv
    b.csv``, sheets pasted one under the other) repeat the header where the second begins.

    A row is a copy when at least two of its cells, and every one filled, read as their column's
    name: as the file writes it (``renames``: the catalog's ``columns``, file's name to the
    contract's) or the contract's. One warning per file, with the count and the first lines.
    """
    written = {new: str(old) for old, new in renames.items()}
    columns = [c for c in raw.columns if c != "geometry"]
    if raw.empty or len(columns) < 2:
        return raw, []
    text = raw[columns].astype("str").where(raw[columns].notna(), "").apply(lambda column: column.str.strip())
    named = pd.concat([text[c].isin({str(c), written.get(c, str(c))}) for c in columns], axis=1)
    copies = ((named.sum(axis=1) >= 2) & (named | (text == "")).all(axis=1)).to_numpy()
    if not copies.any():
        return raw, []
    files = pd.Series(origin.files_of(raw.index[copies].to_numpy()), index=raw.index[copies])
    problems = []
    for file, labels in files.groupby(files, sort=False).groups.items():
        lines = ", ".join(str(row) for _, row, _ in origin.locate(list(labels)[:5]))
        more = ", ..." if len(labels) > 5 else ""
        found = f"{len(labels):,} header row(s) repeated in the file set aside (line {lines}{more})"
        problems.append(Problem(origin.dataset, file, None, None, HEADERS_EXPECTED, found, "warning"))
    return raw[~copies], problems


#: What a repeated row's warning expected: across files (a folder of overlapping exports), or twice
#: in one file of a record dataset (a line pasted twice).
REPEATED_ACROSS = "each row in one file only (this one was kept once and this copy set aside)"
REPEATED_WITHIN = "each row once (this copy was set aside and the first kept)"


def without_repeated_rows(raw: pd.DataFrame, origin: Origin) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep once a row delivered twice: in two files of one dataset, or (a record dataset) in one.

    Rows are compared on the columns every file holds: a note column that one day's export
    added does not make its copy of a row another row. A record repeated in every cell is a
    copy, never a second event: summed, it would count one day's output, one collection, one
    visit twice. Rows alike in their key only are another matter (which one is right?): the
    contract's checks report them.
    """
    within = origin.dataset in RECORD_DATASETS
    if raw.empty or (len(origin.parts) < 2 and not within):
        return raw, []
    known = all(part.columns for part in origin.parts)
    shared = set.intersection(*(set(part.columns) for part in origin.parts)) if known else set(raw.columns)
    compared = [c for c in raw.columns if c != "geometry" and c in shared]
    hashes = pd.util.hash_pandas_object(pd.DataFrame(raw[compared]), index=False)
    repeated = hashes.duplicated(keep="first")
    if not repeated.any():
        return raw, []
    files = pd.Series(origin.files_of(raw.index.to_numpy()), index=raw.index)
    across = repeated & (files != files.groupby(hashes).transform("first"))
    twice = repeated & ~across if within else repeated & False
    if not (across.any() or twice.any()):
        return raw, []
    first_label = pd.Series(raw.index, index=raw.index).groupby(hashes).transform("first")
    problems = []
    for copies, expected in ((across, REPEATED_ACROSS), (twice, REPEATED_WITHIN)):
        if copies.any():
            first_at = origin.locate(first_label[copies].to_numpy())
            found = [f"same row as {file} row {row}" for file, row, _ in first_at]
            found = pd.Series(found, index=raw.index[copies])
            problems += row_problems(origin.dataset, origin, None, found, expected, severity="warning")
    return raw[~(across | twice)], problems
