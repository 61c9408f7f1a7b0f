"""Where a run's outputs go, and its JSON record: names and paths checked, text masked, failures kept.

Outputs stay in their folders: a report name or scope may only hold the characters of
:data:`NAME_PUNCTUATION` besides letters (Chinese too) and digits, never ``/``, ``\\``, ``..``,
``{`` or ``}``; every output path is resolved and must lie in ``reports/D/`` or ``runs/D/``
(:func:`output_path`). Every file is written atomically (a temporary name in the same folder,
then ``os.replace``), so a failed write leaves the previous file as it was.

The record (``reports/D/NAME.json``) is the run's state for the index and later runs. Its
figures, warnings, error and parameters pass through the privacy filter. When even the record
cannot be written (a full or read-only disk), :func:`write_record` says so on stderr, removes
the stale record of the same run (which would still claim the earlier state) and returns None:
the index then lists the failure from memory (:func:`workbench.runner.index_page.unrecorded_row`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from workbench.errors import ReportError
from workbench.privacy import mask_personal, mask_values

#: Characters a report name or scope may hold besides letters (Chinese too) and digits.
NAME_PUNCTUATION = "_-.:"
RECORD_KEYS = ("report", "date", "scope", "status", "parameters", "pack", "figures", "warnings", "error",
               "started_at", "finished_at", "duration_s", "html", "notebook")


def check_name(text: str, what: str = "report name") -> str:
    """``text`` if it can name a report file (see :data:`NAME_PUNCTUATION`); a ReportError otherwise."""
    safe = (isinstance(text, str) and text and not text.startswith(".") and ".." not in text
            and all(c.isalnum() or c in NAME_PUNCTUATION for c in text))
    if not safe:
        raise ReportError(f"{what} {text!r} cannot name a report file: use letters (Chinese too), digits and "
                          f"{' '.join(NAME_PUNCTUATION)}, not starting with '.' and without '..'")
    return text


def output_path(root: str | os.PathLike, day: str, file_name: str) -> Path:
    """``root/day/file_name``, checked to resolve inside ``root/day`` (no link or name leads out).

    Raises
    ------
    ReportError
        When the path resolves anywhere else.
    """
    root = Path(root)
    path = root / day / file_name
    if path.resolve().parent != root.resolve() / day or path.resolve().name != file_name:
        raise ReportError(f"output {path} would be written outside {root / day}: refused")
    return path


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(scratch, 0o644)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def describe_write_error(exc: OSError, path: Path) -> str:
    """One line for a failed write: which file, and why (``No space left on device``)."""
    return f"cannot write {exc.filename or path}: {exc.strerror or exc}"


def make_record(*, report: str, day: str, scope: str | None, error: str | None, parameters: dict,
                pack: dict, figures: dict, warnings: list, started: dt.datetime, duration_s: float,
                html: str | None, notebook: str | None) -> dict:
    """The run's JSON record (keys :data:`RECORD_KEYS`), its data text masked.

    ``pack`` (name, path, fingerprint) and the timestamps are kept as they are; figures,
    warnings, the error and the parameters pass through :func:`workbench.privacy.mask_values`.
    """
    return {
        "report": report, "date": day, "scope": scope, "status": "failed" if error else "ok",
        "parameters": mask_values(parameters), "pack": pack, "figures": mask_values(figures),
        "warnings": [mask_personal(w) for w in warnings],
        "error": None if error is None else mask_personal(error),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_s": round(duration_s, 2), "html": html, "notebook": notebook,
    }


def records_of_other_packs(reports_dir: str | os.PathLike, day: str, fingerprint: str,
                           besides: Iterable[str] = ()) -> list[str]:
    """The runs of ``day`` whose record was made from another pack, or another version of it.

    Returns the stems of the records in ``reports_dir/day`` (but those in ``besides``) whose
    ``pack.fingerprint`` is not ``fingerprint``, sorted; unreadable records are passed over.
    """
    others = []
    for path in sorted(Path(reports_dir, day).glob("*.json")):
        if path.stem in besides:
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pack = record.get("pack") if isinstance(record, dict) else None
        theirs = pack.get("fingerprint") if isinstance(pack, dict) else None
        if theirs and theirs != fingerprint:
            others.append(path.stem)
    return others


def write_record(path: Path, record: dict) -> Path | None:
    """Write the record; on failure say so on stderr, remove the stale record, return None."""
    try:
        return write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    except OSError as exc:
        with suppress(OSError):
            path.unlink(missing_ok=True)
        print(f"workbench: the record of {record['report']} {record['date']} (status {record['status']}) "
              f"was not written, {describe_write_error(exc, path)}", file=sys.stderr, flush=True)
        return None
