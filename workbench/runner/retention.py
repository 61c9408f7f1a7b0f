"""Keep N days of reports: delete the date folders of ``reports/`` and ``runs/`` older than that.

Only folders named like a date (``YYYY-MM-DD``) are considered; anything else is left alone.
Days count back from the newest date found (not from today), so a pack replayed for an old
date keeps its own last N days. A date whose batch is running (its lock is held) is skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from workbench.errors import LockedError, ReportError
from workbench.runner.locking import hold_batch_lock

_DATE_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")


def list_date_folders(*folders: str | os.PathLike) -> dict[dt.date, list[Path]]:
    """Return the date folders found directly under each of ``folders``, by date."""
    found: dict[dt.date, list[Path]] = {}
    for folder in map(Path, folders):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_dir() and _DATE_FOLDER.fullmatch(path.name):
                try:
                    found.setdefault(dt.date.fromisoformat(path.name), []).append(path)
                except ValueError:  # 2022-13-40
                    continue
    return found


def check_keep_days(keep_days: int) -> int:
    """Return ``keep_days`` if it is a usable number of days to keep (at least 1); raise otherwise."""
    if isinstance(keep_days, bool) or not isinstance(keep_days, int) or keep_days < 1:
        raise ReportError(f"--keep-days must be a whole number of days, at least 1, got {keep_days!r}")
    return keep_days


def prune_reports(
    keep_days: int,
    reports_dir: str | os.PathLike = "reports",
    runs_dir: str | os.PathLike = "runs",
    *,
    spare: Iterable[dt.date] = (),
) -> tuple[list[Path], list[str]]:
    """Delete the report and run folders of dates more than ``keep_days`` days before the newest one.

    Parameters
    ----------
    keep_days : int
        Days kept, the newest date included: 1 keeps only the newest date.
    reports_dir, runs_dir : path
        The output folders (``reports_dir/D`` and ``runs_dir/D`` go together).
    spare : iterable of date
        Dates never deleted (a batch spares its own date, even when it re-runs an old one).

    Returns
    -------
    (list of Path, list of str)
        The folders deleted, and notes on the dates skipped because their batch is running.
        ``reports_dir/index.html`` is not rewritten here (``workbench.runner.report.update_index`` does).

    Raises
    ------
    ReportError
        When ``keep_days`` is below 1.
    """
    check_keep_days(keep_days)
    dates = list_date_folders(reports_dir, runs_dir)
    if not dates:
        return [], []
    oldest_kept = max(dates) - dt.timedelta(days=keep_days - 1)
    deleted, skipped = [], []
    for day in sorted({d for d in dates if d < oldest_kept} - set(spare)):
        try:
            with hold_batch_lock(reports_dir, day.isoformat()) as lock:
                for path in dates[day]:
                    shutil.rmtree(path)
                    deleted.append(path)
                shutil.rmtree(lock.parent, ignore_errors=True)  # made for the lock when only runs/D was there
        except LockedError as exc:
            skipped.append(f"kept {day}: {exc}")
    return deleted, skipped
