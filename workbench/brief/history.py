"""What earlier runs left in the reports folder: the previous brief's record, the day's other reports.

The only part of the brief that reads the reports folder (``reports/D/NAME.json``, written by
:mod:`workbench.runner.report`). Reading never fails a brief: an unreadable record is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
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
        runs, unreadable files), newest first.
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
        else:
            return {**record, "date": str(record.get("date") or date)}, notes
    return None, notes


def report_links(reports_dir: str | os.PathLike | None, report_date, reports: Sequence[str]
                 ) -> dict[str, dict]:
    """Each report's link from a page in the same date folder, and its state when this is called.

    Returns
    -------
    dict
        Report name → ``href`` (``NAME.html``, relative), ``status`` (``ok``, ``failed`` or
        ``missing``: no record yet) and ``html`` (whether the page exists; after a failed run it
        is the last good run's of that date).
    """
    folder = reports_root(reports_dir) / f"{pd.Timestamp(report_date):%Y-%m-%d}"
    links = {}
    for name in reports:
        record = read_record(folder / f"{name}.json")
        status = "missing" if record is None else "ok" if record.get("status") == "ok" else "failed"
        links[name] = {"href": f"{name}.html", "status": status, "html": (folder / f"{name}.html").is_file()}
    return links
