"""Where the workbench's own folders are: notebooks, parameters, the sample pack, reports.

The one place that knows the layouts the workbench runs in, so that no module counts
``parents[N]`` of its own file. Three layouts, the first that applies wins:

``working folder``
    A folder made by ``workbench init DIR`` (it holds the marker file ``workbench.yaml``):
    ``$WORKBENCH_HOME``, else the working directory or the nearest of its parents holding the
    marker. Its own ``notebooks/``, ``parameters/`` and ``reports/``; data from ``--pack`` or
    ``$WORKBENCH_PACK``, else the shipped sample pack. (``workbench`` exports
    ``$WORKBENCH_HOME`` so that report kernels, which run in a scratch directory, find it too.)
``checkout``
    The package imported from a source tree (``pyproject.toml`` and ``notebooks/`` beside
    ``workbench/``, as with ``pip install -e .``): the tree's own folders.
``installed``
    The package imported from a wheel: the folders shipped as package data under
    ``workbench/_resources/`` (same layout as a checkout: ``notebooks/``, ``parameters/``,
    ``data/sample/``); reports go to ``./reports``, never into site-packages.

The module constants (``PROJECT_ROOT``, ``NOTEBOOKS_DIR``, ...) are fixed when it is first
imported; :func:`find_layout` computes a layout for any working directory and environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Environment variable naming a working folder (made by ``workbench init``).
HOME_ENV = "WORKBENCH_HOME"
#: The file that marks a working folder.
MARKER_FILE = "workbench.yaml"
PACKAGE_DIR = Path(__file__).resolve().parent
#: Where a wheel keeps the shipped folders (mapped from the checkout's by pyproject.toml).
RESOURCES_DIR = PACKAGE_DIR / "_resources"


@dataclass(frozen=True)
class Layout:
    """The folders the workbench uses in one layout.

    Attributes
    ----------
    kind : str
        ``"working folder"``, ``"checkout"`` or ``"installed"``.
    root : Path
        The folder holding ``notebooks/`` and ``parameters/``.
    shipped : Path
        The checkout or the package data: where the sample pack lives and ``init`` copies from.
    reports : Path
        The default reports folder.
    """

    kind: str
    root: Path
    shipped: Path
    reports: Path

    @property
    def notebooks(self) -> Path:
        """The report notebooks."""
        return self.root / "notebooks"

    @property
    def parameters(self) -> Path:
        """Schedules and rule files."""
        return self.root / "parameters"

    @property
    def sample_pack(self) -> Path:
        """The embedded synthetic sample pack (always the shipped one)."""
        return self.shipped / "data" / "sample"


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is a source tree of the workbench (not site-packages)."""
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def shipped_layout(package_dir: Path = PACKAGE_DIR, cwd: Path | None = None) -> Layout:
    """The checkout holding ``package_dir``, else the package data of an installed wheel."""
    if is_checkout(package_dir.parent):
        return Layout("checkout", package_dir.parent, package_dir.parent, package_dir.parent / "reports")
    resources = package_dir / "_resources"
    return Layout("installed", resources, resources, (cwd or Path.cwd()) / "reports")


def find_working_folder(cwd: Path, environ: Mapping[str, str]) -> Path | None:
    """``$WORKBENCH_HOME``, else ``cwd`` or its nearest parent holding :data:`MARKER_FILE`, else None."""
    configured = environ.get(HOME_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / MARKER_FILE).is_file():
            return folder
    return None


def find_layout(cwd: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None,
                package_dir: Path = PACKAGE_DIR) -> Layout:
    """Return the layout that applies from ``cwd`` (default: the working directory) and ``environ``."""
    cwd = Path(cwd if cwd is not None else Path.cwd()).resolve()
    shipped = shipped_layout(package_dir, cwd)
    home = find_working_folder(cwd, os.environ if environ is None else environ)
    if home is None:
        return shipped
    return Layout("working folder", home, shipped.shipped, home / "reports")


def _current_directory() -> Path:
    try:
        return Path.cwd()
    except OSError:  # the working directory was deleted: never default to a folder of the package
        return Path.home()


LAYOUT = find_layout(_current_directory())
#: The folder holding ``notebooks/`` and ``parameters/`` (a working folder, a checkout, the package data).
PROJECT_ROOT = LAYOUT.root
NOTEBOOKS_DIR = LAYOUT.notebooks
PARAMETERS_DIR = LAYOUT.parameters
SAMPLE_PACK_DIR = LAYOUT.sample_pack
REPORTS_DIR = LAYOUT.reports
