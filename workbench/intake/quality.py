"""The figures of data quality: what each dataset gave, what was set aside and why, who did not report.

Pure over what intake loaded (a :class:`~workbench.intake.loading.Datasets`: frames and the
:class:`~workbench.intake.origins.Origin` of their rows) and the problems it found; nothing is
read from disk. :func:`quality_figures` returns plain JSON values, the numbers of
``reports/D/data_quality.html`` and of ``data_quality.json`` beside it.

Definitions (exact; ``tests/test_data_quality.py`` pins each on a hand-built pack):

- **rows read** of a file: the data rows its reader returned (title, note, header and blank
  rows not counted); **rows kept**: the rows of the loaded frame that come from that file;
  **rows set aside** = rows read − rows kept. A dataset that could not be loaded (an error of
  its own) has its files listed, no row counts, and ``loaded`` false.
- **why set aside**: each warning that set rows aside (``set aside`` in what it expected or
  found), with its rows: a problem naming a row counts 1, ``... and N more rows`` counts N,
  a file-level warning counts the number it opens with (``3 total/subtotal row(s) ...``).
  One row may fail several checks, so these may add up to more than the rows set aside.
  Each reason has a kind (:func:`reason_kind`: a value that cannot be read, an unknown id, a
  total row, a repeated row, no area), so that the page can name it in either language.
- **date range**: the first and last day of the dataset's first date or timestamp column of
  the contract, over the rows kept.
- **reporting units** (DHIS2's completeness and timeliness): for testing sites (``sampling``
  by ``site_id`` and ``sampled_at``), checkpoints (``checkpoint_daily``) and enterprises
  (``production``), the expected units are those its reference dataset lists (else those
  seen reporting). A unit's **last day** is the latest day of its rows up to the report date
  D; it **reported** when that day is D; **completeness** = reported ÷ expected; a unit is
  **late** when its last day is before D or it never reported (``days_since`` is then None).
  Testing sites sample during rounds only: on a day none sampled (no round), they are checked
  on the last day any did (``checked_day``), not all called late.
- **problems**: every problem, as intake capped them (20 rows per check, then
  ``... and N more rows``; see :mod:`workbench.intake.problems`), at most
  :data:`MAX_PROBLEMS_SHOWN` in all; each found value is a masked sample
  (:func:`workbench.privacy.sample_of`), and hidden in columns of free text or personal
  identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import Problem
from workbench.intake.catalog import Pack, listed_files
from workbench.intake.contract import SCHEMAS
from workbench.intake.needs import readiness
from workbench.intake.origins import Origin
from workbench.intake.parsing import PARSE_EXPECTED
from workbench.intake.person_rows import PersonRows
from workbench.intake.personal import PERSONAL_HEADERS
from workbench.intake.problems import SAMPLE_WIDTH
from workbench.intake.setaside import LAYOUT_ROW_WORDS, REPEATED_ACROSS, REPEATED_WITHIN, SET_ASIDE
from workbench.privacy import sample_of

#: Problems listed on the page at most (their exact count is given beside).
MAX_PROBLEMS_SHOWN = 400
#: Late units listed per kind at most (their exact count is given beside).
MAX_LATE_UNITS = 100
#: What a hidden found value reads as (a free-text or personal column).
HIDDEN = "hidden"
_MORE_ROWS = re.compile(r"^\.\.\. and ([\d,]+) more rows")
_LEADING_COUNT = re.compile(r"^([\d,]+) ")
_DATE_KINDS = ("date", "timestamp")


@dataclass(frozen=True)
class ReportingUnit:
    """A kind of unit that reports daily: its reference dataset, its records and their columns."""

    kind: str
    reference: str
    records: str
    unit_column: str
    date_column: str
    #: False: the units report on active days only (testing sites, during rounds): a day on
    #: which none reported is checked as the last day any did.
    daily: bool = True


REPORTING_UNITS = (
    ReportingUnit("testing_site", "testing_sites", "sampling", "site_id", "sampled_at", daily=False),
    ReportingUnit("checkpoint", "checkpoints", "checkpoint_daily", "checkpoint_id", "date"),
    ReportingUnit("enterprise", "enterprises", "production", "enterprise_id", "date"),
)


def quality_figures(
    pack: Pack,
    frames: Mapping[str, pd.DataFrame],
    origins: Mapping[str, Origin],
    problems: Iterable[Problem],
    report_date,
) -> dict:
    """Every figure of the data-quality page (see the module docstring), as JSON values.

    Parameters
    ----------
    pack : Pack
        The pack (its catalog's datasets and files).
    frames, origins : mapping of str
        What intake loaded (``Datasets`` and ``Datasets.origins``); a dataset absent from
        ``frames`` was not loaded.
    problems : iterable of Problem
        Every problem intake found (``Datasets.warnings`` when loaded with ``strict=False``).
    report_date : date-like
        The day D of the page.

    Returns
    -------
    dict
        ``report_date``, ``counts`` (errors, warnings, problems listed), ``datasets`` (by
        name: files, rows read/kept/set aside, reasons, date range), ``reporting`` (by unit
        kind), ``reports`` (which can run and why not) and ``problems`` (the list shown).
    """
    problems = list(problems)
    day = pd.Timestamp(report_date).normalize()
    shown = problem_rows(problems)
    return {
        "report_date": day.date().isoformat(),
        "counts": {
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity != "error" for p in problems),
            "problems_listed": len(shown),
            "problems_not_listed": max(len(problems) - len(shown), 0),
        },
        "datasets": {
            name: dataset_figures(name, listed_files(pack, name), frames.get(name), origins.get(name),
                                  problems) for name in pack.listed
        },
        "reporting": {
            unit.kind: unit_reports(frames, unit, day) for unit in REPORTING_UNITS if unit.records in frames
        },
        "reports": report_readiness(pack, problems),
        "problems": shown,
    }


# ---------------------------------------------------------------- per dataset


def dataset_figures(
    name: str,
    files: Iterable[str],
    frame: pd.DataFrame | None,
    origin: Origin | None,
    problems: list[Problem],
) -> dict:
    """Files, rows read, kept and set aside, why, and the date range of one dataset."""
    own = [p for p in problems if p.dataset == name]
    loaded = frame is not None and origin is not None
    read = (
        files_read(origin, frame)
        if loaded
        else [{"file": f, "rows_read": None, "rows_kept": None, "rows_set_aside": None} for f in files]
    )
    return {
        "loaded": loaded,
        "files": read,
        "rows_read": _total(read, "rows_read"),
        "rows_kept": _total(read, "rows_kept"),
        "rows_set_aside": _total(read, "rows_set_aside"),
        "set_aside": set_aside_reasons(own),
        "errors": sum(p.severity == "error" for p in own),
        "warnings": sum(p.severity != "error" for p in own),
        "date_range": date_range(frame, name) if loaded else None,
    }


def _total(files: list[dict], key: str) -> int | None:
    values = [f[key] for f in files]
    return None if any(v is None for v in values) else int(sum(values))


def files_read(origin: Origin, frame: pd.DataFrame) -> list[dict]:
    """Per file of ``origin``: rows read, rows of ``frame`` kept from it, rows set aside.

    Needs only ``frame``'s index (the labels intake gave the rows read).
    """
    kept_of = _kept_per_part(origin, frame)
    out = []
    for part, kept in zip(origin.parts, kept_of, strict=True):
        read, file = max(int(part.stop - part.start), 0), origin.part_name(part)
        out.append({"file": file, "rows_read": read, "rows_kept": kept, "rows_set_aside": read - kept})
    return out


def _kept_per_part(origin: Origin, frame) -> list[int]:
    """Rows kept of each part of ``origin``: from the index, or one scan of person-level rows."""
    if isinstance(frame, PersonRows):
        counts = ", ".join(f"count(*) FILTER (WHERE _label >= {p.start} AND _label < {p.stop}) AS p{i}"
                           for i, p in enumerate(origin.parts))
        sql = f'SELECT {counts} FROM "{frame.name}"'
        row = frame.memo(("kept_per_part", origin.parts), lambda: frame.query(sql))
        return [int(v) for v in row.iloc[0]]
    labels = np.sort(np.asarray(frame.index, dtype="int64"))
    return [int(np.searchsorted(labels, p.stop) - np.searchsorted(labels, p.start)) for p in origin.parts]


def rows_in(problem: Problem) -> int:
    """How many rows a problem stands for: 1 for a row, N for ``... and N more rows``, a leading count."""
    if problem.row is not None or problem.cell:
        return 1
    for pattern in (_MORE_ROWS, _LEADING_COUNT):
        match = pattern.match(problem.found)
        if match:
            return int(match.group(1).replace(",", ""))
    return 0


def is_set_aside(problem: Problem) -> bool:
    """Whether ``problem`` is a warning that set rows aside."""
    return problem.severity == "warning" and ("set aside" in problem.expected or "set aside" in problem.found)


def reason_kind(problem: Problem) -> str:
    """The kind of a set-aside reason, among those :mod:`workbench.intake.setaside` lists (else ``other``)."""
    expected = problem.expected.removesuffix(SET_ASIDE)
    if expected in PARSE_EXPECTED.values():
        return "unparseable"
    if expected.startswith("an id listed in"):
        return "unknown_reference"
    if any(words in problem.found for words in LAYOUT_ROW_WORDS):
        return "total_rows"
    if expected in (REPEATED_ACROSS, REPEATED_WITHIN):
        return "repeated_rows"
    if problem.column == "area_id":
        return "no_area"
    return "other"


def set_aside_reasons(problems: Iterable[Problem]) -> list[dict]:
    """One entry per (file, column, reason) of the warnings that set rows aside: its kind and rows."""
    counts: dict[tuple, int] = {}
    for problem in filter(is_set_aside, problems):
        reason = problem.expected.removesuffix(SET_ASIDE)
        if _LEADING_COUNT.match(problem.found):  # a file-level count: the reason is in what was found
            reason = _LEADING_COUNT.sub("", problem.found)
        key = (problem.file, problem.column or "", reason_kind(problem), reason)
        counts[key] = counts.get(key, 0) + rows_in(problem)
    return [
        {"file": f, "column": c or None, "kind": k, "reason": sample_of(r, 120), "rows": n}
        for (f, c, k, r), n in counts.items()
    ]


def date_column(name: str, frame: pd.DataFrame) -> str | None:
    """The dataset's first date or timestamp column of the contract that ``frame`` has."""
    schema = SCHEMAS.get(name)
    if schema is None:
        return None
    for column, spec in schema.columns.items():
        dated = column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column])
        if dated and spec.metadata.get("kind") in _DATE_KINDS:
            return column
    return None


def date_range(frame: pd.DataFrame, name: str) -> dict | None:
    """``{column, first_day, last_day}`` of :func:`date_column` over the rows kept; None without one."""
    if isinstance(frame, PersonRows):
        first, last = frame.span
        return {"column": "sampled_at", "first_day": first and _day(first), "last_day": last and _day(last)}
    column = date_column(name, frame)
    if column is None:
        return None
    values = frame[column].dropna()
    if values.empty:
        return {"column": column, "first_day": None, "last_day": None}
    return {"column": column, "first_day": _day(values.min()), "last_day": _day(values.max())}


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


# ---------------------------------------------------------------- reporting units


def last_report_days(records, unit: ReportingUnit, day: pd.Timestamp) -> pd.Series:
    """The last day on or before ``day`` each unit reported (a Series by unit id).

    ``records`` is a frame, or person-level rows (one aggregate over the files).
    """
    if isinstance(records, PersonRows):
        unit_id, stamp = unit.unit_column, unit.date_column
        sql = (f"SELECT CAST({unit_id} AS VARCHAR) AS unit, max(date_trunc('day', {stamp})) AS last "
               f'FROM "{records.name}" WHERE {unit_id} IS NOT NULL AND {stamp} < ? GROUP BY 1')  # fmt: skip
        bound = (day + pd.Timedelta(days=1)).to_pydatetime()
        found = records.memo(("last_report_days", unit.unit_column, str(bound)),
                             lambda: records.query(sql, [bound]))
        index = pd.Index(found["unit"], dtype="string")
        return pd.Series(pd.to_datetime(found["last"]).to_numpy(), index=index)
    dates = pd.to_datetime(records[unit.date_column], errors="coerce").dt.normalize()
    units = records[unit.unit_column].astype("string")
    upto = dates.notna() & units.notna() & (dates <= day)
    return dates[upto].groupby(units[upto]).max()


def unit_reports(frames: Mapping[str, pd.DataFrame], unit: ReportingUnit, day: pd.Timestamp) -> dict:
    """Completeness and late units of one kind on ``day``, or for units reporting on active days
    only (:attr:`ReportingUnit.daily`) on the last day any reported (``checked_day``; see the module
    docstring).

    Needs ``unit.unit_column`` and ``unit.date_column`` in ``frames[unit.records]``, and
    ``unit.unit_column`` in ``frames[unit.reference]`` when it is loaded.
    """
    last = last_report_days(frames[unit.records], unit, day)
    reference = frames.get(unit.reference)
    if reference is not None and unit.unit_column in reference.columns:
        expected = pd.Index(reference[unit.unit_column].dropna().astype("string").unique())
    else:
        expected = pd.Index(last.index.unique())
    named = reference is not None and {unit.unit_column, "name"} <= set(reference.columns)
    names = {k: sample_of(v, SAMPLE_WIDTH) for k, v in (zip(reference[unit.unit_column].astype("string"),
             reference["name"], strict=True) if named else ()) if isinstance(v, str)}
    checked = day if unit.daily or last.empty or (last == day).any() else last.max()
    last = last.reindex(expected)
    late = last[last.isna() | (last < checked)].sort_values(na_position="first")
    reported = int((last == checked).sum())
    listed = late.iloc[:MAX_LATE_UNITS]
    return {
        "records": unit.records,
        "checked_day": _day(checked),
        "expected": len(expected),
        "reported": reported,
        "completeness": reported / len(expected) if len(expected) else None,
        "late_count": len(late),
        "late": [
            {
                "unit": sample_of(unit_id, SAMPLE_WIDTH), "name": names.get(unit_id),
                "last_day": None if pd.isna(d) else _day(d),
                "days_since": None if pd.isna(d) else int((day - d).days),
            }
            for unit_id, d in listed.items()
        ],
    }


# ---------------------------------------------------------------- reports and problems


def report_readiness(pack: Pack, problems: list[Problem]) -> list[dict]:
    """Per report of the daily schedule: whether it runs, and why not (see
    :class:`~workbench.intake.needs.Readiness`: ``missing``, ``erring``, ``without``, ``one_of``)."""
    return [{"report": r.report, "runs": r.runs, "missing": list(r.missing), "erring": list(r.erring),
             "without": list(r.without), "one_of": [list(group) for group in r.one_of]}
            for r in readiness(pack, problems)]


def hides_found(problem: Problem) -> bool:
    """Whether the found value of ``problem`` stays off the page: free text or a personal identifier."""
    column = problem.column
    if column is None:
        return False
    if column.strip().lower() in PERSONAL_HEADERS:
        return True
    schema = SCHEMAS.get(problem.dataset)
    spec = schema.columns.get(column) if schema is not None else None
    return spec is not None and spec.metadata.get("kind") == "text"


def _hidden(problem: Problem) -> bool:
    return bool(problem.found) and hides_found(problem) and not _MORE_ROWS.match(problem.found)


def problem_rows(problems: Iterable[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> list[dict]:
    """The problems shown: errors first, as intake capped them, at most ``limit``; found values masked.

    ``row`` is the cell (``sheet!C5``) for XLSX, else the line the analyst sees.
    """
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.dataset, p.file))
    return [{
        "severity": p.severity,
        "dataset": p.dataset,
        "file": sample_of(p.file, 120),
        "row": p.cell or p.row,
        "column": p.column,
        "expected": sample_of(p.expected, 200),
        "found": HIDDEN if _hidden(p) else sample_of(p.found, 120),
    } for p in ordered[:limit]]  # fmt: skip


__all__ = ["REPORTING_UNITS", "quality_figures"]
