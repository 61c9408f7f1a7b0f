"""What earlier runs left in the reports folder: the previous brief's record, the day's other reports.

The only part of the brief that reads the reports folder (``reports/D/NAME.json``, written by
:mod:`workbench.runner.report`). Reading never fails a brief: a record that is unreadable, or
whose shape is not a brief's (:func:`shape_problem`), is skipped with a note naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from workbench.paths import REPORTS_DIR

#: The reports folder when none is given: ``reports/`` of the workbench's folder.
DEFAULT_REPORTS_DIR = REPORTS_DIR


def reports_root(reports_dir: str | os.PathLike | None = None) -> Path:
    """The reports folder: ``reports_dir``, else :data:`DEFAULT_REPORTS_DIR`."""
    return Path(reports_dir).expanduser() if reports_dir not in (None, "") else DEFAULT_REPORTS_DIR


def read_record(path: str | os.PathLike) -> dict | None:
    """A run's JSON record, or None when it is missing, unreadable or not a mapping."""
    try:
        record = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def shape_problem(record: Mapping, folder_date: str) -> str | None:
    """What makes ``record`` unusable as an earlier brief (None when nothing does).

    Checked: the date (the record's, else its folder's) is an ISO date; ``figures``,
    ``pack``, ``figures.domains``, ``figures.rules_checked`` and ``figures.parameters`` are
    mappings when present; ``figures.alerts`` is a list of mappings whose ``evidence`` is a
    mapping when present.
    """
    try:
        dt.date.fromisoformat(str(record.get("date") or folder_date))
    except ValueError:
        return f"date {str(record.get('date'))[:20]!r} is not a date"
    figures = record.get("figures")
    if not isinstance(figures, Mapping):
        return "'figures' is not a mapping"
    for key, where in (("pack", record), ("domains", figures), ("rules_checked", figures),
                       ("parameters", figures)):
        if where.get(key) is not None and not isinstance(where[key], Mapping):
            return f"'{key}' is not a mapping"
    if isinstance(figures.get("domains"), Mapping) and not all(
            isinstance(value, Mapping) for value in figures["domains"].values()):
        return "'domains' holds a value that is not a mapping"
    alerts = figures.get("alerts", [])
    if not isinstance(alerts, list) or not all(
            isinstance(a, Mapping) and isinstance(a.get("evidence", {}), Mapping) for a in alerts):
        return "'alerts' is not a list of alerts"
    return None


def dates_before(reports_dir: str | os.PathLike | None, report_date) -> list[str]:
    """The date folders (``YYYY-MM-DD``) of the reports folder before ``report_date``, newest first."""
    root, day = reports_root(reports_dir), pd.Timestamp(report_date).date()
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        try:
            date = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        if folder.is_dir() and date < day:
            found.append(folder.name)
    return sorted(found, reverse=True)


def previous_record(reports_dir: str | os.PathLike | None, report: str, report_date
                    ) -> tuple[dict | None, list[str]]:
    """The record of the latest successful run of ``report`` dated before ``report_date``.

    Parameters
    ----------
    reports_dir : path, optional
        The reports folder (default :data:`DEFAULT_REPORTS_DIR`).
    report : str
        The file name of the report's record, without ``.json`` (e.g. ``daily_brief``).
    report_date : date-like

    Returns
    -------
    (dict or None, list of str)
        The record (None when there is none) and notes on the records passed over (failed
        runs, unreadable files, records of the wrong shape), newest first.
    """
    root, notes = reports_root(reports_dir), []
    for date in dates_before(root, report_date):
        path = root / date / f"{report}.json"
        if not path.is_file():
            continue
        record = read_record(path)
        if record is None:
            notes.append(f"{date}/{report}.json is unreadable: passed over")
        elif record.get("status") != "ok":
            notes.append(f"the {report} run of {date} failed: passed over")
        elif problem := shape_problem(record, date):
            notes.append(f"{date}/{report}.json has the wrong shape ({problem}): passed over")
        else:
            return {**record, "date": str(record.get("date") or date)}, notes
    return None, notes


def report_links(reports_dir: str | os.PathLike | None, report_date, reports: Sequence[str],
                 lang: str = "zh") -> dict[str, dict]:
    """Each report's link from a page in the same date folder, and its state when this is called.

    A page in another language than zh links to that language's report where the run made one
    (``NAME_<lang>``: the schedule names the English brief ``daily_brief_en``), else to the
    Chinese one (``in_other_language``).

    Returns
    -------
    dict
        Report name → ``href`` (``NAME.html`` or ``NAME_en.html``, relative), ``status`` (``ok``,
        ``failed`` or ``missing``: no record yet), ``html`` (whether the page exists; after a
        failed run it is the last good run's of that date); for another language than zh also
        ``in_other_language`` (the link opens the Chinese report).
    """
    folder = reports_root(reports_dir) / f"{pd.Timestamp(report_date):%Y-%m-%d}"
    links = {}
    for name in reports:
        stem, other_language = name, False
        if lang != "zh":
            translated = f"{name}_{lang}"
            if (folder / f"{translated}.json").is_file() or (folder / f"{translated}.html").is_file():
                stem = translated
            else:
                other_language = True
        record = read_record(folder / f"{stem}.json")
        status = "missing" if record is None else "ok" if record.get("status") == "ok" else "failed"
        links[name] = {"href": f"{stem}.html", "status": status, "html": (folder / f"{stem}.html").is_file()}
        if lang != "zh":
            links[name]["in_other_language"] = other_language
    return links
