"""Loading a data pack: read, parse, validate, cross-check, convert to WGS-84, place points.

``load_datasets`` is what notebooks call; ``validate_pack`` and ``format_problems`` are what
``workbench validate`` prints. Every problem of every requested dataset is collected before
anything is raised, so one run of ``validate`` shows an analyst all there is to fix.

After loading (see docs/internals.md): coordinates are WGS-84 (point datasets keep
``lon``/``lat``; polygon datasets are GeoDataFrames in EPSG:4326), timestamps are naive
local time, booleans are nullable, identifiers are strings, and each frame's index is the
0-based data row of its file.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake import geo
from workbench.intake.catalog import CATALOG_FILE, Pack, open_pack
from workbench.intake.contract import POINT_DATASETS, REFERENCES, Reference
from workbench.intake.problems import row_problems
from workbench.intake.readers import read_raw
from workbench.intake.validation import conform

#: Points are placed in areas of this level (the finest one).
PLACEMENT_LEVEL = "community"


class Datasets(Mapping[str, pd.DataFrame]):
    """The frames loaded from a pack, by dataset name: ``data.areas`` or ``data["sampling"]``.

    Attributes
    ----------
    pack : Pack
        The pack they come from.
    warnings : list of Problem
        Every problem reported while loading that did not stop it: warnings (rows set
        aside, areas placed by coordinates), and errors too when loaded with ``strict=False``.
    """

    def __init__(self, pack: Pack, frames: Mapping[str, pd.DataFrame], warnings: Iterable[Problem] = ()):
        self._frames = dict(frames)
        self.pack = pack
        self.warnings = list(warnings)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self._frames[name]
        except KeyError:
            raise KeyError(self._not_loaded(name)) from None

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._frames[name]
        except KeyError:
            raise AttributeError(self._not_loaded(name)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(frame):,}" for name, frame in self._frames.items())
        return f"<Datasets of {self.pack.name!r} ({sizes}); {len(self.warnings)} warning(s)>"

    @property
    def errors(self) -> list[Problem]:
        """The error-severity problems (only when loaded with ``strict=False``)."""
        return [p for p in self.warnings if p.severity == "error"]

    def _not_loaded(self, name: str) -> str:
        loaded = ", ".join(self._frames) or "none"
        return f"dataset {name!r} was not loaded (loaded: {loaded})"


def load_datasets(pack: Pack, names: Iterable[str] | str | None = None, *, strict: bool = True) -> Datasets:
    """Load datasets of ``pack`` ready for analysis.

    Each dataset is read, parsed and validated against its schema; then references between
    loaded datasets are checked (an ``area_id`` must be listed in ``areas``, ...);
    coordinates are converted to WGS-84 from the dataset's datum (else the pack's); and
    points without ``area_id`` are placed in a community by their coordinates (samples: by
    their site's). Datasets a requested one refers to are loaded too (``sampling`` brings
    ``areas`` and ``testing_sites``; point datasets bring ``areas`` when the pack has it).

    Parameters
    ----------
    pack : Pack
    names : str or iterable of str, optional
        Datasets to load; default every dataset in the catalog.
    strict : bool
        Raise when any error-severity problem is found; otherwise load what can be loaded
        and return the errors with the warnings.

    Returns
    -------
    Datasets
        Frames by name, as described in the module docstring. Point datasets gain an
        ``area_id`` column (their community) when they lack one.

    Raises
    ------
    DataError
        With every problem of every dataset, when ``strict`` and any is an error.
    """
    requested = list(pack.datasets) if names is None else [names] if isinstance(names, str) else list(names)
    order, problems = _load_order(pack, requested)
    frames = {}
    for name in order:
        frame, found = _read_dataset(pack, name)
        problems += found
        if frame is not None:
            frames[name] = frame
    problems += check_references(frames, pack)
    frames = {name: _to_wgs84(pack, name, frame) for name, frame in frames.items()}
    frames, found = place_points(frames, pack)
    problems = sorted(problems + found, key=_sort_key)
    if strict and any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return Datasets(pack, frames, problems)


def _dependencies(name: str) -> list[tuple[str, bool]]:
    """(dataset, required) pairs that loading ``name`` needs first."""
    needs = [(ref.target, True) for ref in REFERENCES if ref.dataset == name and ref.target != name]
    if name in POINT_DATASETS:
        needs.append(("areas", False))
    return needs


def _load_order(pack: Pack, requested: list[str]) -> tuple[list[str], list[Problem]]:
    """Requested datasets and what they need, dependencies first; unlisted ones are problems."""
    order: list[str] = []
    problems: list[Problem] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dependency, required in _dependencies(name):
            if pack.has(dependency):
                visit(dependency)
            elif required:
                expected = f"dataset {dependency!r} in {CATALOG_FILE} ({name} refers to it)"
                problems.append(Problem(name, CATALOG_FILE, None, None, expected, "not listed"))
        order.append(name)

    for name in dict.fromkeys(requested):
        if pack.has(name):
            visit(name)
        else:
            expected = f"a dataset listed in {CATALOG_FILE}"
            found = "not listed (listed: " + ", ".join(pack.datasets) + ")"
            problems.append(Problem(name, CATALOG_FILE, None, None, expected, found))
    return order, problems


def _read_dataset(pack: Pack, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read, parse and validate one dataset; (None, problems) when it cannot be read."""
    spec = pack.spec(name)
    try:
        raw = read_raw(pack, name)
    except DataError as exc:
        return None, exc.problems
    return conform(raw, name, file=spec.file, timezone=pack.timezone, renames=spec.columns)


# ---------------------------------------------------------------- references


def check_references(frames: Mapping[str, pd.DataFrame], pack: Pack) -> list[Problem]:
    """Problems for identifiers that point nowhere, among the ``frames`` loaded.

    Checks every :data:`~workbench.intake.contract.REFERENCES` pair whose both ends are loaded
    (missing values are skipped: they are placed or reported elsewhere), and that a
    community's ``parent_id`` is a street of ``areas``.
    """
    problems = []
    for ref in REFERENCES:
        source, target = frames.get(ref.dataset), frames.get(ref.target)
        if source is not None and target is not None and ref.column in source.columns:
            problems += _unknown_references(source[ref.column], target, ref, pack)
    if "areas" in frames:
        problems += _check_area_parents(frames["areas"], pack.spec("areas").file)
    return problems


def _unknown_references(values: pd.Series, target: pd.DataFrame, ref: Reference, pack: Pack) -> list[Problem]:
    """Problems for ``values`` not among the target's ids (of ``ref.level``, if given)."""
    if ref.target_column not in target.columns:
        return []
    where = f"{ref.target}.{ref.target_column} ({pack.spec(ref.target).file})"
    if ref.level is not None and "level" in target.columns:
        target = target[target["level"] == ref.level]
        where = f"{where} of level {ref.level}"
    unknown = values.notna() & ~values.isin(target[ref.target_column].dropna().unique())
    if not unknown.any():
        return []
    file = pack.spec(ref.dataset).file
    return row_problems(ref.dataset, file, ref.column, values[unknown], f"an id listed in {where}")


def _check_area_parents(areas: pd.DataFrame, file: str) -> list[Problem]:
    """Each community's ``parent_id`` must be the ``area_id`` of a street."""
    if not {"area_id", "level", "parent_id"} <= set(areas.columns):
        return []
    level_of = areas.drop_duplicates("area_id").set_index("area_id")["level"]
    communities = areas[areas["level"] == PLACEMENT_LEVEL]
    not_street = ~communities["parent_id"].map(level_of).isin(["street"])
    expected = "the area_id of a street in areas (a community's parent)"
    return row_problems("areas", file, "parent_id", communities["parent_id"][not_street], expected)


# ---------------------------------------------------------------- coordinates


def _to_wgs84(pack: Pack, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Geometry and point datasets' lon/lat converted to WGS-84 from the dataset's datum.

    A geo file in a projected CRS (e.g. a shapefile in CGCS2000 Gauss-Krüger) is
    reprojected from the CRS it declares, unless the catalog declares a datum for it.
    """
    datum = pack.datum_of(name)
    if isinstance(frame, gpd.GeoDataFrame):
        projected = frame.crs is not None and frame.crs.is_projected
        if pack.spec(name).datum is None and projected:
            frame = frame.to_crs("EPSG:4326")
        else:
            frame = geo.geometry_to_wgs84(frame, datum)
    if name in POINT_DATASETS and datum != geo.WGS84 and {"lon", "lat"} <= set(frame.columns):
        lon, lat = geo.to_wgs84(_floats(frame["lon"]), _floats(frame["lat"]), datum)
        frame = frame.assign(lon=lon, lat=lat)
    return frame


def _floats(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="float64", na_value=np.nan)


def place_points(frames: Mapping[str, pd.DataFrame], pack: Pack) -> tuple[dict, list[Problem]]:
    """Fill missing ``area_id`` of point datasets (by coordinates) and of samples (by site).

    Needs ``areas`` (WGS-84) among ``frames``; points are placed in communities. A point
    dataset without an ``area_id`` column gains one silently; empty cells of a column the
    file has are filled with a warning stating the count. Samples whose area cannot be
    found are set aside, with a warning.

    Returns
    -------
    (dict, list of Problem)
        The frames (new objects where changed) and the warnings.
    """
    out, problems = dict(frames), []
    areas = frames.get("areas")
    if areas is None or "geometry" not in areas.columns:
        return out, problems
    targets = _placement_areas(areas)
    for name in POINT_DATASETS:
        if name in out and {"lon", "lat"} <= set(out[name].columns):
            out[name], found = _place_by_coordinates(out[name], targets, name, pack.spec(name).file)
            problems += found
    if "sampling" in out and "testing_sites" in out:
        out["sampling"], found = _place_samples(
            out["sampling"], out["testing_sites"], pack.spec("sampling").file
        )
        problems += found
    return out, problems


def _placement_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The communities with a geometry (all areas if there are no communities)."""
    usable = areas[areas.geometry.notna() & areas["area_id"].notna()]
    if "level" in usable.columns and (usable["level"] == PLACEMENT_LEVEL).any():
        return usable[usable["level"] == PLACEMENT_LEVEL]
    return usable


def _place_by_coordinates(
    frame: pd.DataFrame, areas: gpd.GeoDataFrame, dataset: str, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill empty ``area_id`` of points (lon/lat in WGS-84) with the area containing them."""
    declared = "area_id" in frame.columns
    area_id = frame["area_id"] if declared else pd.Series(np.nan, index=frame.index, dtype="str")
    missing = area_id.isna()
    if not missing.any():
        return frame, []
    placed = geo.assign_areas(_floats(frame["lon"][missing]), _floats(frame["lat"][missing]), areas)
    area_id = area_id.copy()
    area_id[missing] = placed
    frame = frame.assign(area_id=area_id)
    if not declared:
        return frame, []
    outside = int(pd.isna(placed).sum())
    found = f"{_rows(int(missing.sum()) - outside)} without area_id placed by their coordinates"
    if outside:
        found += f"; {_rows(outside)} in no area keep an empty area_id"
    return frame, [_warning(dataset, file, "area_id", "an area_id in every row", found)]


def _place_samples(
    sampling: pd.DataFrame, sites: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill empty ``area_id`` of samples with their site's area; set aside those left without."""
    if "area_id" not in sampling.columns or "site_id" not in sampling.columns:
        return sampling, []
    missing = sampling["area_id"].isna()
    if not missing.any():
        return sampling, []
    site_area = sites.dropna(subset=["area_id"]).drop_duplicates("site_id").set_index("site_id")["area_id"]
    area_id = sampling["area_id"].copy()
    area_id[missing] = sampling["site_id"][missing].map(site_area)
    unplaced = int(area_id.isna().sum())
    expected, problems = "an area_id in every row", []
    if unplaced < missing.sum():
        found = f"{_rows(int(missing.sum()) - unplaced)} without area_id placed by their site's coordinates"
        problems.append(_warning("sampling", file, "area_id", expected, found))
    if unplaced:
        found = f"{_rows(unplaced)} set aside: no area_id, and their site is unknown or in no area"
        problems.append(_warning("sampling", file, "area_id", expected, found))
    return sampling.assign(area_id=area_id).dropna(subset=["area_id"]), problems


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def _warning(dataset: str, file: str, column: str, expected: str, found: str) -> Problem:
    return Problem(dataset, file, None, column, expected, found, severity="warning")


# ---------------------------------------------------------------- validate and print


def validate_pack(pack: Pack | str | os.PathLike | None) -> list[Problem]:
    """Every problem of a pack's catalog and datasets, sorted; never raises for data problems.

    Parameters
    ----------
    pack : Pack, path-like or None
        An opened pack, or a pack folder to open (None: the default pack). A folder whose
        catalog cannot be opened yields the catalog's problems.
    """
    if not isinstance(pack, Pack):
        try:
            pack = open_pack(pack)
        except DataError as exc:
            return sorted(exc.problems, key=_sort_key)
    return load_datasets(pack, strict=False).warnings


def _sort_key(problem: Problem) -> tuple:
    """Errors first; by dataset, file, column; file-level first, "... and N more" last."""
    row = problem.row
    if row is None:
        row = math.inf if problem.found.startswith("... and ") else -1
    return (problem.severity != "error", problem.dataset, problem.file, problem.column or "", row)


_HEADERS = ("severity", "dataset", "file", "row", "column", "expected", "found")
_MAX_CELL = 60


def format_problems(problems: Iterable[Problem]) -> str:
    """An aligned plain-text table of ``problems`` (sorted) and a summary line of counts.

    Wide (Chinese) characters count as two columns, so the table stays aligned in a
    terminal; cells longer than 60 columns are cut with "…".
    """
    problems = sorted(problems, key=_sort_key)
    errors = sum(p.severity == "error" for p in problems)
    summary = f"{errors} error(s), {len(problems) - errors} warning(s)"
    if not problems:
        return "no problems found\n" + summary
    rows = [_HEADERS] + [_cells(p) for p in problems]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(_HEADERS))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", summary])


def _cells(problem: Problem) -> tuple[str, ...]:
    row = "" if problem.row is None else str(problem.row)
    values = (problem.severity, problem.dataset, problem.file, row, problem.column or "")
    return tuple(_cut(str(v)) for v in (*values, problem.expected, problem.found))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str) -> str:
    """``text`` on one line, cut to ``_MAX_CELL`` columns."""
    text = text.replace("\n", " ")
    if _width(text) <= _MAX_CELL:
        return text
    kept, used = [], 0
    for char in text:
        used += _width(char)
        if used > _MAX_CELL - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
