"""Keep N days of reports: delete the date folders of ``reports/`` and ``runs/`` older than that.

Only real folders named like a real date (``YYYY-MM-DD``) are candidates: anything else, and
a symbolic link named like a date, is left alone. Days count back from the run's date (a batch
passes its own); without one, from the newest date folder that is not in the future, so a
pack replayed for an old date keeps its own last N days and a stray future-dated folder
(``2099-12-31``) deletes nothing. Folders dated after that day are never deleted. A date whose
batch is running (its lock is held) is skipped, and so is a folder that cannot be deleted
(with a note): pruning never fails a run.
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
    seen = set()
    for folder in map(Path, folders):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_symlink() or not path.is_dir() or not _DATE_FOLDER.fullmatch(path.name):
                continue
            try:
                date = dt.date.fromisoformat(path.name)
            except ValueError:  # 2022-13-40
                continue
            if path.resolve() not in seen:  # --reports and --runs may be one folder
                seen.add(path.resolve())
                found.setdefault(date, []).append(path)
    return found


def reference_date(dates: Iterable[dt.date], today: dt.date | None = None) -> dt.date | None:
    """The day the days to keep count back from when no run date is given.

    The newest of ``dates`` that is not after ``today`` (default: the system's date); None when
    every date is in the future (then nothing is old enough to delete).
    """
    today = today or dt.date.today()
    past = [date for date in dates if date <= today]
    return max(past) if past else None


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
    as_of: dt.date | None = None,
) -> tuple[list[Path], list[str]]:
    """Delete the report and run folders of dates more than ``keep_days`` days before ``as_of``.

    Parameters
    ----------
    keep_days : int
        Days kept, the newest date included: 1 keeps only the newest date.
    reports_dir, runs_dir : path
        The output folders (``reports_dir/D`` and ``runs_dir/D`` go together).
    spare : iterable of date
        Dates never deleted (a batch spares its own date, even when it re-runs an old one).
    as_of : date, optional
        The run's date, from which the days are counted back (``as_of`` is the first day kept);
        default :func:`reference_date`. The newest folder name is never used for it.

    Returns
    -------
    (list of Path, list of str)
        The folders deleted, and notes on the dates skipped: their batch is running, or a
        folder could not be deleted.
        ``reports_dir/index.html`` is not rewritten here (``workbench.runner.report.update_index`` does).

    Raises
    ------
    ReportError
        When ``keep_days`` is below 1.
    """
    check_keep_days(keep_days)
    dates = list_date_folders(reports_dir, runs_dir)
    as_of = as_of if as_of is not None else reference_date(dates)
    if not dates or as_of is None:
        return [], []
    oldest_kept = as_of - dt.timedelta(days=keep_days - 1)
    deleted, skipped = [], []
    for day in sorted({d for d in dates if d < oldest_kept} - set(spare)):
        try:
            with hold_batch_lock(reports_dir, day.isoformat()) as lock:
                for path in dates[day]:
                    try:
                        shutil.rmtree(path)
                    except FileNotFoundError:  # deleted meanwhile (another prune)
                        continue
                    deleted.append(path)
                shutil.rmtree(lock.parent, ignore_errors=True)  # made for the lock when only runs/D was there
        except LockedError as exc:
            skipped.append(f"kept {day}: {exc}")
        except OSError as exc:
            skipped.append(f"kept {day}: cannot delete {exc.filename or day}: {exc.strerror or exc}")
    return deleted, skipped
