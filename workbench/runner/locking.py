"""Locks that keep concurrent batches apart: one batch per (reports folder, date), one index writer.

A batch holds ``reports/D/.batch.lock`` for its whole life: an exclusive, non-blocking
``flock`` on the file, which names the holder (pid, host, start time, command). A second batch
for the same folder and date is refused with a ``LockedError`` naming the first. The kernel
releases a ``flock`` when its process ends, however it ends, so the file a crashed batch left
behind blocks nobody. Rewriting ``reports/index.html`` waits for a ``flock`` on the ``reports/``
folder itself, so two batches of different dates finishing together both end up listed.

Locks are POSIX ``flock``; where ``fcntl`` is missing (Windows) no lock is taken.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from workbench.errors import LockedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

BATCH_LOCK_NAME = ".batch.lock"


@contextmanager
def hold_batch_lock(reports_dir: str | os.PathLike, day: str) -> Iterator[Path]:
    """Hold the lock of the batch for ``reports_dir`` and ``day`` while the block runs.

    Parameters
    ----------
    reports_dir : path
        The reports folder; the lock is ``reports_dir/day/.batch.lock``.
    day : str
        The report date, ISO format.

    Yields
    ------
    Path
        The lock file, which names this process while the block runs and is removed after.

    Raises
    ------
    LockedError
        When another process holds the lock; the message names it.
    """
    path = Path(reports_dir) / day / BATCH_LOCK_NAME
    fd = acquire_lock_file(path, day)
    try:
        holder = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                  "command": " ".join(sys.argv)}
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(holder, ensure_ascii=False) + "\n").encode("utf-8"))
        yield path
    finally:
        with suppress(OSError):  # removed while still held: nobody can lock the old file meanwhile
            path.unlink(missing_ok=True)
        os.close(fd)


def acquire_lock_file(path: Path, day: str) -> int:
    """Open and lock ``path`` without waiting; return its descriptor or raise ``LockedError``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(fd)
            os.close(fd)
            raise LockedError(f"another batch for {day} is running (pid {holder.get('pid', '?')} on "
                              f"{holder.get('host', '?')}, since {holder.get('started_at', '?')}); "
                              f"lock file {path}") from None
        except BaseException:
            os.close(fd)
            raise
        if _is_same_file(fd, path):
            return fd
        os.close(fd)  # the holder removed the file between our open and our lock: take the new one


def read_holder(fd: int) -> dict:
    """Return what a lock file says of its holder (empty while the holder is still writing it)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        holder = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _is_same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


@contextmanager
def hold_index_lock(reports_dir: str | os.PathLike) -> Iterator[None]:
    """Wait for, then hold, the lock of ``reports_dir/index.html``: a ``flock`` on the folder itself."""
    path = Path(reports_dir)
    path.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
