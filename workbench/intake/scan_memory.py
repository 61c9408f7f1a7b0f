"""What the door's scan found in a person-level file, remembered by the file's content.

A department's sampling arrives as a folder of daily exports that grows by one file a day, and
the morning batch, the analysts' notebooks and a re-run all open the same files. The one scan
of :func:`workbench.intake.person_scan.scan_counts` reads every row of every file (ten
million person keys take a CPU second); what it finds in a file depends only on the file's
bytes and on how it is read. So each file's result, a few thousand rows of counts per
(area, site) with the first and last ``sampled_at`` and the rows that seem to repeat another
(the hint that sends the loader to look for copies), is kept under a key made of the file's
content digest (:meth:`~workbench.intake.catalog.Pack.file_digest`, computed with the pack's
fingerprint) and of the scan's SQL with the file's path taken out: a changed file, a changed
reading (renamed columns, another header row) or a new version of the rules is a new key.
Yesterday's files are not read again; a moved pack keeps its memory.

Only counts are kept, never a person-level value: the identifiers stored are ``area_id`` and
``site_id``. The folder is ``$WORKBENCH_SCAN_CACHE`` (``off`` turns the memory off), else
``$XDG_CACHE_HOME/workbench/scans``, else ``~/.cache/workbench/scans``. A folder that cannot be
written, or a stored file that cannot be read, only costs the scan. What has not been used for
:data:`FORGET_AFTER_DAYS` days is deleted whenever something new is kept (a city's daily file
leaves about 0.5 MB).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

SCAN_CACHE_ENV = "WORKBENCH_SCAN_CACHE"
#: Raise when what a scan counts, or how, changes: every stored result is then left behind.
RULES_VERSION = 1
#: Days after its last use that a remembered result is deleted.
FORGET_AFTER_DAYS = 30
_OFF = {"off", "0", "no", "false", "none"}


def scan_folder() -> Path | None:
    """Where scan results are remembered, or None when the memory is off."""
    configured = os.environ.get(SCAN_CACHE_ENV, "").strip()
    if configured.lower() in _OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "workbench" / "scans"


def remembered_scan(
    digest: str | None,
    sql: str,
    path: Path | None,
    scan: Callable[[], pd.DataFrame],
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """``scan()`` of the file at ``path``, or what it returned for the same bytes read the same way.

    Parameters
    ----------
    digest : str or None
        The file's content digest; None (a file read by the general readers, whose scan costs
        nothing beside reading it) always scans.
    sql : str
        The scan's query; with ``path`` taken out, it names how the file is read.
    scan : callable
        Returns the small frame of counts to remember (no person-level column).
    columns : tuple of str
        The columns ``scan()`` returns: a stored frame with others (kept by an older version,
        whose SQL may have been the same) is scanned again, never handed on.
    """
    folder = scan_folder()
    if digest is None or folder is None:
        return scan()
    reading = sql.replace(str(path).replace("'", "''"), "<file>")
    token = hashlib.sha256(repr((RULES_VERSION, digest, reading)).encode()).hexdigest()[:24]
    stored = folder / f"{token}.parquet"
    try:
        found = pd.read_parquet(stored)
        if tuple(found.columns) == tuple(columns):
            used(stored)
            return found
    except (OSError, ValueError):  # not there yet, or unreadable: scan again
        pass
    found = scan()
    _keep(found, stored)
    # read back what was kept: the first reading and every later one then see the same dtypes
    return pd.read_parquet(stored) if stored.exists() else found


def used(stored: Path) -> None:
    """Mark a remembered file as used now (its modification time), so that it is kept."""
    with contextlib.suppress(OSError):
        os.utime(stored)


def forget_unused(folder: Path, days: int = FORGET_AFTER_DAYS) -> int:
    """Delete the remembered files of ``folder`` (and its subfolders) unused for ``days``; how many."""
    limit, deleted = time.time() - days * 86_400, 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
    return deleted


def _keep(frame: pd.DataFrame, target: Path) -> None:
    from workbench.intake.person_rows import write_atomically

    with contextlib.suppress(OSError):  # a read-only home, a full disk: the memory is a convenience
        write_atomically(frame, target)
        forget_unused(target.parent)
