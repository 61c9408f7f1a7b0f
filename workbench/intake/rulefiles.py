"""Reading the YAML files of ``parameters/`` that hold rules as data (alert and price rules).

Kept apart from the runner's modules so that a report's kernel reads them without importing
papermill.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from workbench.errors import WorkbenchError
from workbench.paths import PROJECT_ROOT


def read_parameter_file(path: str | os.PathLike | None, default: Path, what: str) -> tuple[object, Path]:
    """Read a YAML file of ``parameters/`` (rules and schedules are data): its document and path.

    ``path`` None means ``default``. A relative path that does not exist from the working
    directory is looked up from the workbench's folder (reports run in a scratch directory).
    """
    chosen = Path(path).expanduser() if path not in (None, "") else default
    if not chosen.is_absolute() and not chosen.exists():
        chosen = PROJECT_ROOT / chosen
    try:
        return yaml.safe_load(chosen.read_text("utf-8")), chosen
    except OSError as exc:
        raise WorkbenchError(f"cannot read the {what} {chosen}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise WorkbenchError(f"{chosen}: not valid YAML ({exc})") from None
