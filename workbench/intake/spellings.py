"""Values as departments write them, read before parsing, each change counted in a warning.

- identifiers, choices and numbers NFKC-normalised (full-width ``Ｓ０１``, stray blanks);
- a date that may be empty written as "none yet" (``/``, ``—``, ``无``, ``未整改``) read as empty;
- a whole number written with its count word (``120人``, ``35 台次``) read as the number.

:func:`read_as_written` runs all three on a dataset's raw frame.
"""

from __future__ import annotations

import pandas as pd

from workbench.errors import Problem
from workbench.intake.contract import SCHEMAS
from workbench.intake.parsing import NORMALISED_KINDS, normalise_text
from workbench.privacy import HIDDEN_CELL, cell_sample


def read_as_written(frame: pd.DataFrame, dataset: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """``frame`` with the spellings above read, and one warning per column and kind of change."""
    problems = []
    for step in (_normalised, _not_yet_read_as_empty, _count_words_dropped):
        frame, found = step(frame, dataset, file)
        problems += found
    return frame, problems


def _holds_text(values: pd.Series) -> bool:
    """Whether a column may hold text to look at (a Parquet or XLSX number or date column has none)."""
    return pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)


_NORMALISED_EXPECTED = "plain identifiers and numbers (full-width characters, stray blanks: normalised)"


def _normalised(frame: pd.DataFrame, dataset: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Identifiers, choices and numbers NFKC-normalised; one warning per column with the count."""
    changed, problems = {}, []
    for name, column in SCHEMAS[dataset].columns.items():
        kind = column.metadata["kind"]
        if name in frame.columns and kind in NORMALISED_KINDS:
            values, count = normalise_text(frame[name], drop_blanks=NORMALISED_KINDS[kind])
            if count:
                changed[name] = values
                found = f"{count:,} value(s) normalised" + _normalised_example(name, frame[name], values)
                problems.append(Problem(dataset, file, None, name, _NORMALISED_EXPECTED, found, "warning"))
    return (frame.assign(**changed) if changed else frame), problems


#: What a department writes in a date that may be empty when there is none yet: a dash or a
#: slash, 无, 未整改, 待整改, 处理中, N/A... Read as empty: were it unparseable, its visit would be
#: set aside, and a finding not yet rectified would drop out of the report as if never made.
NOT_YET = (r"[-/／\\—–－_.。]+|无|暂无|没有|空|未|未[整完解办处][改成决结理]|待整改|整改中|处理中|办理中|"
           r"N/?A|n/?a|null|NULL|None|none|nil")


def _not_yet_read_as_empty(frame: pd.DataFrame, dataset: str, file) -> tuple[pd.DataFrame, list[Problem]]:
    """The dates that may be empty (``rectified_on``, ``done_on``...) holding a :data:`NOT_YET`
    word read as empty; one warning per column with the count and the words found."""
    changed, problems = {}, []
    for name, column in SCHEMAS[dataset].columns.items():
        may_be_empty = column.nullable and column.metadata["kind"] in ("date", "timestamp")
        if name not in frame.columns or not may_be_empty or not _holds_text(frame[name]):
            continue
        text = frame[name].astype("string").str.strip()
        marked = text.str.fullmatch(NOT_YET).fillna(False).astype(bool)
        if marked.any():
            changed[name] = frame[name].mask(marked)
            words = ", ".join(f'"{w}"' for w in text[marked].value_counts().index[:3])
            found = f"{int(marked.sum()):,} value(s) read as empty: {words}"
            expected = "a date, or nothing while there is none yet"
            problems.append(Problem(dataset, file, None, name, expected, found, "warning"))
    return (frame.assign(**changed) if changed else frame), problems


#: A count written with its classifier, as hand-filled sheets do: ``120人``, ``35 台次``, ``12户``.
COUNT_WITH_WORD = r"(?P<number>\d[\d,]*)\s*(?:人次|人|名|台次|台|辆|户|个|份|袋|次|家|处)"


def _count_words_dropped(frame: pd.DataFrame, dataset: str, file) -> tuple[pd.DataFrame, list[Problem]]:
    """Whole numbers written with a count word (``120人``) read as the number; one warning per
    column with the count and an example. A measure with its unit (``3.5吨``) is not touched: the
    unit may not be the row's."""
    changed, problems = {}, []
    for name, column in SCHEMAS[dataset].columns.items():
        if name not in frame.columns or column.metadata["kind"] != "int" or not _holds_text(frame[name]):
            continue
        text = frame[name].astype("string").str.strip()
        number = text.str.extract(f"^{COUNT_WITH_WORD}$")["number"]
        worded = number.notna()
        if worded.any():
            changed[name] = frame[name].mask(worded, number)
            first = worded.idxmax()
            found = (f"{int(worded.sum()):,} value(s) read without their count word, "
                     f'e.g. "{text[first]}" as {number[first]}')
            problems.append(Problem(dataset, file, None, name, "a whole number", found, "warning"))
    return (frame.assign(**changed) if changed else frame), problems


def _normalised_example(column: str, before: pd.Series, after: pd.Series) -> str:
    """``, e.g. "Ｓ01" read as "S01"``: the first value changed (none of a person's key, or personal)."""
    if column == "person_key":
        return ""
    differs = before.ne(after) & before.notna()
    if not differs.any():
        return ""
    first = differs.idxmax()
    old, new = cell_sample(before[first], 20), cell_sample(after[first], 20)
    if HIDDEN_CELL in (old, new):
        return ""
    return f', e.g. "{old}" read as "{new}"' if pd.notna(after[first]) else f', e.g. "{old}" read as blank'
