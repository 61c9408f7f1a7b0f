"""What a pack's files are, by content: one digest per file and one for the pack.

:meth:`workbench.intake.catalog.Pack.fingerprint` names everything a report is a function of;
:meth:`~workbench.intake.catalog.Pack.file_digest` names one file, by which the door's scan of a
person-level file is remembered (:mod:`workbench.intake.scan_memory`). Both come from one
reading of the bytes; within a batch its kernels share them by the files' stat signature, and
each file's digest is remembered beside the scans (:func:`~workbench.intake.scan_memory.scan_folder`)
by its path, size, modification time and inode, as git's index and DVC remember theirs: a file
not touched since is not read again (a 100 M-row file costs a CPU second to hash).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from workbench.intake.scan_memory import scan_folder, used

_CHUNK = 1 << 20


def content_digests(files: list[tuple[str, Path]]) -> tuple[str, dict[str, str]]:
    """The pack's fingerprint, and each file's own digest by its resolved path."""
    pack, each = hashlib.sha256(), {}
    for label, path in files:
        digest = _sha256_of(path)
        each[str(path.resolve())] = digest[:16]
        pack.update(f"{label}\0{digest}\0".encode())
    return pack.hexdigest()[:16], each


def _sha256_of(path: Path) -> str:
    """The SHA-256 (hex) of a file's size and bytes; remembered while the file is not touched."""
    stored = _remembered_at(path)
    if stored is not None and stored.exists():
        try:
            digest = json.loads(stored.read_text(encoding="utf-8"))["sha256"]
            used(stored)
            return digest
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable: hashed again
    digest = hashlib.sha256()
    _hash_file(digest, path)
    if stored is not None:
        _remember(stored, digest.hexdigest())
    return digest.hexdigest()


def _remembered_at(path: Path) -> Path | None:
    folder = scan_folder()
    if folder is None:
        return None
    status = path.stat()
    touched = repr((str(path.resolve()), status.st_size, status.st_mtime_ns, status.st_ino))
    return folder / "digests" / f"{hashlib.sha256(touched.encode()).hexdigest()[:24]}.json"


def _remember(stored: Path, digest: str) -> None:
    with contextlib.suppress(OSError):  # a read-only home: hashed again next time
        stored.parent.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_suffix(f".{os.getpid()}.part")
        temporary.write_text(json.dumps({"sha256": digest}), encoding="utf-8")
        os.replace(temporary, stored)


def stat_signature(files: list[tuple[str, Path]]) -> str:
    """What changes when a file is replaced or edited: path, size and modification time of each."""
    stats = [(label, str(path.resolve()), status.st_size, status.st_mtime_ns)
             for label, path in files for status in [path.stat()]]  # fmt: skip
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:20]


def _hash_file(digest, path: Path) -> None:
    """Feed the size and the bytes of ``path`` (read in chunks) to ``digest``."""
    digest.update(f"{path.stat().st_size}\0".encode())
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
