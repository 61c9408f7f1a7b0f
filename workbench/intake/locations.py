"""Which files a catalog ``path`` names: a file, a folder or a glob, always inside the pack.

Only names are listed here, nothing is read: a path outside the pack folder is refused
before any of its content could reach a message (issue 12: packs are closed).
"""

from __future__ import annotations

import glob
from pathlib import Path

from workbench.errors import Problem

CATALOG_FILE = "catalog.yaml"

#: File formats by suffix; a dataset may also name its ``format`` explicitly.
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shapefile",
}
#: Formats whose files have lines (and so a header row).
TEXT_FORMATS = ("csv", "xlsx")
#: Sidecar files a shapefile cannot be read without.
SHAPEFILE_SIDECARS = (".dbf", ".shx")
_GLOB_CHARACTERS = frozenset("*?[")


def dataset_paths(root: Path, name: str, file: str, fmt, problems: list[Problem]) -> list[Path] | None:
    """The files a catalog ``path`` names (a file, a folder or a glob), all inside ``root``.

    Only names are listed: nothing is read, so a path outside the pack is refused before
    any of its content could reach a message.
    """
    base = root.resolve()
    if any(ch in _GLOB_CHARACTERS for ch in file):
        paths = [Path(p).resolve() for p in glob.glob(str(base / file), recursive=True)]
        paths = sorted(p for p in paths if p.is_file())
        where = f"files matching {file}"
    else:
        target = (base / file).resolve()
        if not _inside(target, base):
            problems.append(_outside_problem(name, file))
            return None
        if target.is_dir():
            paths = sorted(p.resolve() for p in target.iterdir() if p.is_file() and _of_format(p, fmt))
            where = f"files of a known format in the folder {file}"
        elif target.is_file():
            paths = [target]
        else:
            problems.append(Problem(name, file, None, None, "an existing file", f"no file {file}"))
            return None
    if any(not _inside(p, base) for p in paths):
        problems.append(_outside_problem(name, file))
        return None
    if not paths:
        problems.append(Problem(name, file, None, None, where, "none found"))
        return None
    return paths


def _of_format(path: Path, fmt) -> bool:
    """A file of a folder dataset: of its format (any known one by default), not hidden or a lock."""
    if path.name.startswith((".", "~$")):  # ~$督查.xlsx: the lock file of an open workbook
        return False
    suffix = path.suffix.lower()
    return FORMATS.get(suffix) == fmt if fmt else suffix in FORMATS


def _inside(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def _outside_problem(name: str, file: str) -> Problem:
    return Problem(name, CATALOG_FILE, None, "path", "a path inside the pack folder", file)


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root.resolve()).as_posix()


def missing_sidecars(root: Path, name: str, paths: list[Path]) -> list[Problem]:
    """A shapefile cannot be read without its .dbf (attributes) and .shx (index)."""
    problems = []
    for path in paths:
        for suffix in SHAPEFILE_SIDECARS:
            present = {p.suffix.lower() for p in path.parent.glob(glob.escape(path.stem) + ".*")}
            if suffix not in present:
                expected = f"a {suffix} file beside {path.name} (a shapefile is .shp + .shx + .dbf)"
                found = f"no {path.stem}{suffix}"
                problems.append(Problem(name, relative(root, path), None, None, expected, found))
    return problems


def dataset_files(spec) -> list[Path]:
    """The files of a dataset, plus each shapefile's sidecars (.dbf, .shx, .prj, .cpg)."""
    if spec.format != "shapefile":
        return list(spec.paths)
    found = []
    for path in spec.paths:
        pattern = glob.escape(str(path.with_suffix(""))) + ".*"
        found += sorted(Path(p) for p in glob.glob(pattern))
    return found


def header_row_of(value, name: str, fmt: str, problems: list[Problem]) -> int | None:
    """``header_row`` as a 1-based line number of a CSV or XLSX file."""
    if value is None:
        return None
    if fmt not in TEXT_FORMATS or isinstance(value, bool) or not isinstance(value, int) or value < 1:
        expected = "header_row as a line number from 1 (CSV or XLSX only)"
        problems.append(Problem(name, CATALOG_FILE, None, "header_row", expected, f"{value!r} ({fmt})"))
        return None
    return value
