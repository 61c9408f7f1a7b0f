"""Validation: a dataset goes through three steps, each reporting Problems naming file, row and column.

1. **missing columns** — every required column must be present (after catalog renames);
2. **parsing** (:func:`workbench.intake.parsing.parse_frame`) — text becomes typed columns;
3. **validation** (:func:`validate_frame`) — the dataset's pandera schema, run lazily so that
   every failure is reported at once; pandera's failure table becomes Problems.

:func:`conform` runs all three. Problems of one (column, check) are capped at
``MAX_ROWS_PER_CHECK`` rows plus one "... and N more rows" summary, so a huge bad file
cannot flood the report while the count stays exact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import pandera.pandas as pa

from workbench.errors import Problem
from workbench.intake.catalog_keys import DEFAULT_TIMEZONE
from workbench.intake.columns import FRAME_CHECK_COLUMNS
from workbench.intake.contract import REQUIRED_COLUMNS, SCHEMAS
from workbench.intake.origins import Origin
from workbench.intake.parsing import PARSE_EXPECTED, _points_from_geometry, parse_frame
from workbench.intake.personal import refuse_personal_identifiers
from workbench.intake.problems import row_problems
from workbench.intake.setaside import SET_ASIDE, can_set_aside
from workbench.intake.spellings import read_as_written
from workbench.intake.stamps import ambiguous_day_month
from workbench.privacy import sample_of

#: Checks run on a dataset's raw frame before parsing: dataset -> functions
#: ``(frame, dataset, file) -> (frame, problems)``.
DATASET_CHECKS: dict[str, tuple[Callable, ...]] = {
    "quarantine_checks": (refuse_personal_identifiers,),
}


def validate_frame(
    frame: pd.DataFrame,
    dataset: str,
    *,
    file: str | Origin = "",
    skip: Mapping[str, pd.Series] | None = None,
) -> list[Problem]:
    """Run the dataset's pandera schema (lazily) and report its failures as Problems.

    Parameters
    ----------
    frame : DataFrame
        Parsed by :func:`parse_frame`. Required columns that are absent are skipped
        (report them with :func:`missing_columns`).
    file : str or Origin
        The file name, or the Origin of the rows (file, line, cell of each).
    skip : mapping of column to mask, optional
        Rows whose value failed parsing; their "value missing" failures are not repeated.
    """
    schema = SCHEMAS[dataset]
    absent = [c for c in schema.columns if c not in frame.columns]
    if absent:
        schema = schema.remove_columns(absent)
        if schema.unique and set(schema.unique) & set(absent):
            schema.unique = None
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = _without_skipped(exc.failure_cases, skip or {})
        return _failure_problems(cases, schema, dataset, file)
    return []


def _without_skipped(cases: pd.DataFrame, skip: Mapping[str, pd.Series]) -> pd.DataFrame:
    drop = pd.Series(False, index=cases.index)
    for column, bad in skip.items():
        drop |= (cases["column"] == column) & cases["index"].isin(bad.index[bad])
    return cases[~drop]


def _failure_problems(
    cases: pd.DataFrame, schema: pa.DataFrameSchema, dataset: str, file: str | Origin
) -> list[Problem]:
    """Problems from pandera's failure table, capped per (column, check)."""
    cases = _merge_frame_checks(cases)
    problems = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        column = None if pd.isna(column) else column
        found = pd.Series(group["failure_case"].to_numpy(), index=group["index"].to_numpy())
        expected = _expected(check, column, schema)
        problems += row_problems(dataset, file, column, found, expected)
    return problems


def _merge_frame_checks(cases: pd.DataFrame) -> pd.DataFrame:
    """One failure per row for frame-wide checks (pandera lists each column apart)."""
    wide = (cases["schema_context"] == "DataFrameSchema") & cases["index"].notna()
    if not wide.any():
        return cases
    merged = []
    for (check, index), group in cases[wide].groupby(["check", "index"], sort=False):
        columns = FRAME_CHECK_COLUMNS.get(check, tuple(group["column"]))
        values = dict(zip(group["column"], group["failure_case"], strict=False))
        merged.append({
            "schema_context": "DataFrameSchema",
            "column": ", ".join(columns),
            "check": check,
            "failure_case": ", ".join(_as_written(values.get(c, "")) for c in columns),
            "index": index,
        })  # fmt: skip
    return pd.concat([cases[~wide], pd.DataFrame(merged)], ignore_index=True)


def _as_written(value) -> str:
    """A key's value as a problem shows it: a date without the midnight pandas gives it."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    return str(value)


def _expected(check: str, column: str | None, schema: pa.DataFrameSchema) -> str:
    """Pandera's name of a check in words (our own checks carry their words already)."""
    if check == "not_nullable":
        return "a value (the column may not be empty)"
    if check == "field_uniqueness":
        return f"a unique {column} (this value occurs in other rows too)"
    if check == "multiple_fields_uniqueness":
        return "one row per " + " and ".join(schema.unique or [])
    if check == "column_in_dataframe":
        return "the column to exist"
    if check.startswith("dtype("):
        return f"values of type {check[len('dtype(') : -1]}"
    return check


def missing_columns(frame: pd.DataFrame, dataset: str) -> list[str]:
    """Required columns of ``dataset`` absent from ``frame``."""
    return [c for c in REQUIRED_COLUMNS.get(dataset, ()) if c not in frame.columns]


def conform(
    frame: pd.DataFrame,
    dataset: str,
    *,
    file: str = "",
    timezone: str = DEFAULT_TIMEZONE,
    renames: Mapping[str, str] | None = None,
    origin: Origin | None = None,
    rows: int | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check required columns, parse, and validate one dataset; report every problem.

    The dataset's :data:`DATASET_CHECKS` run first, on the frame as read (e.g. the refusal
    of personal identifiers in ``quarantine_checks``).

    A dataset without a schema (not in :data:`SCHEMAS`) is returned as it is.

    Parameters
    ----------
    frame : DataFrame
        As read by :func:`workbench.intake.catalog.read_raw` (index = 0-based data row).
    dataset : str
    file : str
        The file name that problems mention.
    timezone : str
        The pack's time zone.
    renames : mapping, optional
        The catalog's renames (source → contract name), quoted when a column is missing.
    origin : Origin, optional
        Where each row comes from; problems then name each row's file, line and cell.
    rows : int, optional
        The dataset's rows when ``frame`` holds some of them only (the odd rows of a
        person-level dataset, :mod:`workbench.intake.person_level`): whether failing rows may be
        set aside is judged against the whole.

    Returns
    -------
    (DataFrame, list of Problem)
        The parsed frame (unparseable values made missing, or, in a record dataset, their
        rows set aside: see :mod:`workbench.intake.setaside`) and all problems found.
    """
    if dataset not in SCHEMAS:
        return frame, []
    frame = _points_from_geometry(frame, SCHEMAS[dataset])
    where = origin or file
    problems = []
    for check in DATASET_CHECKS.get(dataset, ()):
        frame, found = check(frame, dataset, where)
        problems += found
    problems += [
        _missing_column_problem(dataset, file, column, frame.columns, renames or {})
        for column in missing_columns(frame, dataset)
    ]
    frame, found = read_as_written(frame, dataset, file)
    problems += found
    parsed, failed = parse_frame(frame, dataset, timezone=timezone)
    settled = _settled_elsewhere(dataset, parsed, failed)
    for column, kept in settled.items():
        failed[column] = failed[column] & ~kept
        expected = PARSE_EXPECTED["bool"] + SETTLED_ELSEWHERE
        problems += row_problems(dataset, where, column, frame[column][kept], expected, severity="warning")
    aside = _set_aside(dataset, failed, len(frame) if rows is None else rows)
    for column, bad in failed.items():
        kind = SCHEMAS[dataset].columns[column].metadata["kind"]
        severity = "error" if aside is None else "warning"
        for reason, values in _parse_failures(kind, frame[column][bad]):
            expected = PARSE_EXPECTED[reason] + (SET_ASIDE if aside is not None else "")
            problems += row_problems(dataset, where, column, values, expected, severity=severity)
    if aside is not None:
        parsed, failed = parsed[~aside], {}
    skip = {c: failed.get(c, False) | kept.reindex(parsed.index) for c, kept in settled.items()}
    problems += validate_frame(parsed, dataset, file=where, skip={**failed, **skip})
    problems += _added_rows(parsed, dataset, where)
    return parsed, problems


#: Datasets whose rows may repeat a key the contract gives them (one product of an enterprise on
#: one day): the reports add such rows up, and say so.
ADDED_KEYS = {"production": ("date", "enterprise_id", "product")}


def _added_rows(frame: pd.DataFrame, dataset: str, where: str | Origin) -> list[Problem]:
    """Warnings for the rows sharing an :data:`ADDED_KEYS` key (rows alike in every cell are gone
    already: :func:`~workbench.intake.setaside.without_repeated_rows`)."""
    key = list(ADDED_KEYS.get(dataset, ()))
    if not key or not set(key) <= set(frame.columns):
        return []
    repeated = frame.duplicated(key, keep=False) & frame[key].notna().all(axis=1)
    if not repeated.any():
        return []
    found = frame.loc[repeated, key].apply(lambda row: ", ".join(_as_written(v) for v in row), axis=1)
    expected = f"one row per {', '.join(key[:-1])} and {key[-1]} (these rows were added together)"
    return row_problems(dataset, where, ", ".join(key), found, expected, severity="warning")


#: Flags that decide a record together (all true: passed); one read false settles it.
DECIDING_FLAGS = {"inspections": ("staffing_ok", "disinfection_log_ok", "registration_log_ok")}
SETTLED_ELSEWHERE = " (read as unknown and the row kept: another item of it is false, so it failed anyway)"


def _settled_elsewhere(dataset: str, parsed: pd.DataFrame, failed: Mapping[str, pd.Series]) -> dict:
    """Per deciding flag that failed parsing, the rows another flag read false already decides."""
    flags = [f for f in DECIDING_FLAGS.get(dataset, ()) if f in parsed.columns]
    out = {}
    for column in (f for f in flags if f in failed and failed[f].any()):
        false_elsewhere = pd.Series(False, index=parsed.index)
        for other in (f for f in flags if f != column):
            false_elsewhere |= parsed[other].eq(False).fillna(False).astype(bool)
        kept = failed[column] & false_elsewhere
        if kept.any():
            out[column] = kept
    return out


def _parse_failures(kind: str, values: pd.Series) -> list[tuple[str, pd.Series]]:
    """The failed values of a column by reason (a :data:`PARSE_EXPECTED` key): a date whose day
    and month could be either way apart from the others."""
    if kind not in ("date", "timestamp") or values.empty:
        return [(kind, values)]
    open_order = ambiguous_day_month(values)
    groups = [(kind, values[~open_order]), ("day_month", values[open_order])]
    return [(reason, group) for reason, group in groups if not group.empty]


def _set_aside(dataset: str, failed: Mapping[str, pd.Series], rows: int) -> pd.Series | None:
    """The rows with an unparseable value, when they may be set aside (:mod:`~workbench.intake.setaside`)."""
    if not failed:
        return None
    union = None
    for bad in failed.values():
        union = bad if union is None else union | bad
    return union if can_set_aside(dataset, union, rows) else None


def _missing_column_problem(dataset, file, column, present, renames) -> Problem:
    sources = [source for source, target in renames.items() if target == column]
    expected = f"a column {column!r}"
    if sources:
        expected += f" (renamed from {', '.join(map(repr, sources))} in catalog.yaml)"
    shown = [sample_of(c, 30) for c in present]
    found = "columns: " + ", ".join(shown[:20]) + (", ..." if len(shown) > 20 else "")
    return Problem(dataset, file, None, column, expected, found)
