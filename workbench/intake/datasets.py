"""Loading datasets: read, parse, validate, cross-check, convert to WGS-84, place points.

``load_datasets`` collects every problem of every requested dataset before anything is
raised, so one run shows an analyst all there is to fix. After loading (see
docs/internals.md): coordinates are WGS-84 (point datasets keep ``lon``/``lat``; polygon
datasets are GeoDataFrames in EPSG:4326), timestamps are naive local time, booleans are
nullable, identifiers are strings, and each frame's index is the 0-based data row over the
dataset's files; ``Datasets.origins`` maps it back to each row's file and line
(:mod:`workbench.intake.origins`).

A dataset whose file has a header and no rows (an empty ``zones`` feed) is loaded with a
warning "no rows", so that a report can say the feed was empty rather than show an all-clear.
Rows set aside (totals, repeated rows, failing rows of record datasets) are listed in
:mod:`workbench.intake.setaside`.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake.catalog import CATALOG_FILE, Pack
from workbench.intake.contract import POINT_DATASETS, POLYGON_DATASETS, REFERENCES, SCHEMAS
from workbench.intake.locations import TEXT_FORMATS
from workbench.intake.merged_cells import merged_cell_warnings
from workbench.intake.origins import Origin
from workbench.intake.person_level import PERSON_LEVEL_DATASETS, load_person_level
from workbench.intake.person_rows import cache_folder, shared
from workbench.intake.placing import place_points, to_wgs84
from workbench.intake.readers import read_with_origin
from workbench.intake.references import check_references, check_units
from workbench.intake.setaside import (
    without_header_rows,
    without_note_rows,
    without_repeated_rows,
    without_total_rows,
)
from workbench.intake.shapes import check_polygons
from workbench.intake.validation import conform, missing_columns
from workbench.privacy import sample_of


class Datasets(Mapping[str, pd.DataFrame]):
    """The frames loaded from a pack, by dataset name: ``data.areas`` or ``data["sampling"]``.

    A person-level dataset (``sampling``) is no frame but a
    :class:`~workbench.intake.person_rows.PersonRows`, a DuckDB view over its files.

    Attributes
    ----------
    pack : Pack
        The pack they come from.
    warnings : list of Problem
        Every problem reported while loading that did not stop it: warnings (rows set
        aside, areas placed by coordinates), and errors too when loaded with ``strict=False``.
    origins : dict of str to Origin
        Where each row of a dataset read from files comes from (file, line, XLSX cell).
    absent : frozenset of str
        Optional datasets of a report that were not loaded (not listed, or with errors): left
        out, or an empty stand-in frame that does not mean "none" (no testing_sites listed is
        no capacity known, not a capacity of 0).
    sections : frozenset of str
        The keys of the report's sections whose datasets were all loaded (``quarantine``,
        ``waste``: :class:`~workbench.intake.needs.Section`); the others stand in empty.
    """

    def __init__(
        self,
        pack: Pack,
        frames: Mapping[str, pd.DataFrame],
        warnings: Iterable[Problem] = (),
        origins: Mapping[str, Origin] | None = None,
        absent: Iterable[str] = (),
        sections: Iterable[str] = (),
    ):
        self._frames = dict(frames)
        self.pack = pack
        self.warnings = list(warnings)
        self.origins = dict(origins or {})
        self.absent = frozenset(absent)
        self.sections = frozenset(sections)

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
    requested = pack.listed if names is None else [names] if isinstance(names, str) else list(names)
    order, problems = _load_order(pack, requested)
    small = [name for name in order if name not in PERSON_LEVEL_DATASETS]
    load = functools.partial(_load_small, pack, small)
    if cache_folder() is None:  # outside a batch: no fingerprint needed
        frames, origins, found = load()
    else:
        which = hashlib.sha256("\n".join(small).encode()).hexdigest()[:16]  # a short file name
        frames, origins, found = shared(f"{pack.fingerprint()}-datasets-{which}", load)
    problems += found
    for name in (n for n in order if n in PERSON_LEVEL_DATASETS):
        rows, origin, found = load_person_level(pack, name, frames)
        problems += found
        if rows is not None:
            frames[name], origins[name] = rows, origin
    problems = sorted(problems, key=sort_key)
    if strict and any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return Datasets(pack, frames, problems, origins)


def _load_small(pack: Pack, names: list[str]) -> tuple[dict, dict, list[Problem]]:
    """Frames, origins and problems of the datasets ``names`` (none person-level), in this order.

    Each is read, parsed and validated; then references between them are checked, coordinates
    converted to WGS-84, polygons checked and points placed. Within a batch,
    :func:`load_datasets` shares the result between the report kernels (the district report
    and each street's load the same datasets of the same pack).
    """
    frames, origins, problems = {}, {}, []
    for name in names:
        frame, origin, found = _read_dataset(pack, name)
        problems += found
        if frame is not None:
            frames[name], origins[name] = frame, origin
    found, unknown = check_references(frames, pack, origins)
    problems += found + check_units(frames, pack, origins)
    for name, bad in unknown.items():
        frames[name] = frames[name][~bad]
    frames = {name: to_wgs84(pack, name, frame) for name, frame in frames.items()}
    for name in POLYGON_DATASETS:
        if name in frames:
            frames[name], found = check_polygons(frames[name], name, origins[name])
            problems += found
    frames, found = place_points(frames, pack)
    return frames, origins, problems + found


def _dependencies(name: str) -> list[tuple[str, bool]]:
    """(dataset, required) pairs that loading ``name`` needs first."""
    needs = [(r.target, not r.optional) for r in REFERENCES if r.dataset == name and r.target != name]
    if name in POINT_DATASETS:
        needs.append(("areas", False))
    return needs


def _load_order(pack: Pack, requested: list[str]) -> tuple[list[str], list[Problem]]:
    """Requested datasets and what they need, dependencies first; unlisted ones are problems."""
    order: list[str] = []
    problems: list[Problem] = []
    reported: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in reported:
            return
        if name in pack.unusable:  # its catalog entry cannot be used: its problems, no reading
            reported.add(name)
            problems.extend(pack.unusable[name])
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
            problems.extend(_unknown_dataset(name))
        else:
            expected = f"a dataset listed in {CATALOG_FILE}"
            found = "not listed (listed: " + ", ".join(pack.listed) + ")"
            problems.append(Problem(name, CATALOG_FILE, None, None, expected, found))
    return order, problems


def _unknown_dataset(name: str) -> list[Problem]:
    """A warning for a catalog key the contract does not name (``medical_wastes``): no report
    reads it, and the dataset it was meant to be is missing."""
    if name in SCHEMAS:
        return []
    close = difflib.get_close_matches(name.lower(), list(SCHEMAS), n=1, cutoff=0.75)
    found = "no report reads it" + (f": did you mean {close[0]}?" if close else "")
    return [Problem(name, CATALOG_FILE, None, None, "a dataset of the contract", found, "warning")]


def _read_dataset(pack: Pack, name: str) -> tuple[pd.DataFrame | None, Origin | None, list[Problem]]:
    """Read, parse and validate one dataset; (None, None, problems) when it cannot be read."""
    spec = pack.spec(name)
    try:
        raw, origin = read_with_origin(pack, name)
    except DataError as exc:
        return None, None, exc.problems
    except Exception as exc:  # a reader's fault must end as a problem of the dataset, never a traceback
        found = sample_of(f"{type(exc).__name__}: {exc}", 160)
        return None, None, [Problem(name, spec.file, None, None, f"a readable {spec.format} file", found)]
    problems = [note for part in origin.parts for note in part.notes] + merged_cell_warnings(origin)
    if spec.format in TEXT_FORMATS:  # a header repeated is no copy of a record: set aside first
        raw, found = without_header_rows(raw, origin, spec.columns)
        problems += found
    raw, found = without_repeated_rows(raw, origin)
    problems += found
    if spec.format in TEXT_FORMATS:
        raw, found = without_total_rows(raw, origin)
        problems += found
        raw, found = without_note_rows(raw, origin)
        problems += found
    if raw.empty:
        found = "no rows: the file has a header only" if len(spec.files) == 1 else "no rows in any file"
        problems.append(Problem(name, spec.file, None, None, "rows of data", found, severity="warning"))
    options = {"timezone": pack.timezone, "renames": spec.columns, "origin": origin}
    frame, found = conform(raw, name, file=spec.file, **options)
    if missing_columns(frame, name):  # unusable: later steps would look for the missing column
        return None, None, problems + found
    return frame, origin, problems + found


# ---------------------------------------------------------------- validate and print


def sort_key(problem: Problem) -> tuple:
    """Errors first; by dataset, file, column; file-level first, "... and N more" last."""
    row = problem.row
    if row is None:
        row = math.inf if problem.found.startswith("... and ") else -1
    return (problem.severity != "error", problem.dataset, problem.file, problem.column or "", row)
