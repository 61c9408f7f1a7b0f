"""Data packs: a folder with ``catalog.yaml`` and dataset files.

``open_pack`` checks the catalog (pack-level keys, every dataset's path, format, encoding,
header row and datum) and returns a :class:`Pack`; no dataset file is read (only listed).
Reading files is :mod:`workbench.intake.readers`' job.

A dataset's ``path`` is a file, a folder (every file of the dataset's format in it) or a glob
(``checkpoint_daily/*.csv``): one dataset delivered as many files. Every path must stay inside
the pack folder: a catalog cannot make the workbench read (or quote) a file elsewhere.
``header_row: N`` (CSV, XLSX) is the 1-based line of the header row, as Excel or a text
editor numbers lines; lines above it are ignored.

A fault of the pack as a whole (no folder, no catalog, invalid YAML, a bad ``report_date``,
``timezone`` or ``datum``, no datasets) is raised as :class:`~workbench.errors.DataError`,
whose ``problems`` name the file (and, where it applies, the row and column), so the CLI can
print them all at once. A fault of one dataset's entry (a missing file, an unknown format...)
makes that dataset alone *unusable* (:attr:`Pack.unusable`): still listed, its problems are the
errors of whatever loads it, so a department's export that did not arrive this morning stops
the reports that need it, not the batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.errors import DataError, Problem, WorkbenchError
from workbench.intake.catalog_keys import (
    catalog_problem,
    datum_value,
    pack_settings,
    read_catalog,
)
from workbench.intake.digests import content_digests, stat_signature
from workbench.intake.locations import (
    CATALOG_FILE,
    FORMATS,
    dataset_files,
    dataset_paths,
    header_row_of,
    missing_sidecars,
    relative,
)
from workbench.intake.person_engines import DaskEngine, engine_from_catalog
from workbench.intake.person_rows import shared
from workbench.paths import SAMPLE_PACK_DIR

PACK_ENV = "WORKBENCH_PACK"

GEO_FORMATS = ("geojson", "gpkg", "shapefile")

_DATASET_KEYS = frozenset({
    "path", "format", "encoding", "sheet", "layer", "columns", "datum", "description", "source",
    "header_row", "engine", "scheduler", "staging",
})  # fmt: skip


@dataclass(frozen=True)
class DatasetSpec:
    """How one dataset of a pack is stored, as ``catalog.yaml`` declares it.

    Attributes
    ----------
    name : str
        The dataset's name in the data contract (``areas``, ``sampling``, ...).
    path : Path
        Absolute path of the (first) file.
    file : str
        The path as written in the catalog; problems about the whole dataset name it.
    paths : tuple of Path
        Every file of the dataset (one, or those of a folder or glob), sorted.
    files : tuple of str
        Each file's path relative to the pack folder; problems about its rows name it.
    format : str
        One of ``csv``, ``xlsx``, ``parquet``, ``geojson``, ``gpkg``, ``shapefile``.
    encoding : str or None
        Text encoding of a CSV or shapefile; None lets CSV encodings be detected.
    sheet : str, int, tuple or None
        Worksheet(s) of an XLSX file: a name, a number, a pattern (``10月*``) or a list of these
        (default: the first; :mod:`workbench.intake.xlsx`).
    layer : str or None
        Layer of a GeoPackage (default: the first).
    columns : dict
        Renames from the file's column names to the contract's names.
    datum : str or None
        Datum of this dataset's coordinates; None means the pack's datum.
    header_row : int or None
        1-based line of the header row (CSV, XLSX); None: found by the column names.
    engine : DaskEngine or None
        ``engine: dask`` of a person-level dataset (:mod:`~workbench.intake.person_engines`).
    """

    name: str
    path: Path
    file: str
    format: str
    encoding: str | None = None
    sheet: str | int | tuple | None = None
    layer: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    datum: str | None = None
    header_row: int | None = None
    paths: tuple[Path, ...] = ()
    files: tuple[str, ...] = ()
    engine: DaskEngine | None = None

    def __post_init__(self):
        if not self.paths:
            object.__setattr__(self, "paths", (self.path,))
            object.__setattr__(self, "files", (self.file,))


@dataclass(frozen=True)
class Pack:
    """A data pack: its folder, pack-level settings and dataset specs.

    Attributes
    ----------
    root : Path
        The pack folder.
    name : str
        The pack's name (default: the folder name), kept in every report's JSON.
    timezone : str
        IANA zone of timestamps written without an offset.
    datum : str
        Default datum of coordinates (``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n``).
    report_date : date or None
        Default date of a run.
    datasets : dict of str to DatasetSpec
        The datasets the catalog lists that can be read.
    unusable : dict of str to tuple of Problem
        The datasets the catalog lists whose entry cannot be used (a missing file, an unknown
        format...), with their problems (errors); loading one reports them.
    names : dict of str to str
        The name the pages of a language show (``name_zh``, ``name_en`` in the catalog), by
        language code; a language without one shows :attr:`name` (:meth:`display_name`).
    """

    root: Path
    name: str
    timezone: str
    datum: str
    report_date: date | None
    datasets: dict[str, DatasetSpec]
    unusable: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash(self.root)

    def display_name(self, lang: str) -> str:
        """The pack's name as the pages of language ``lang`` show it (``name_<lang>``, else ``name``)."""
        return self.names.get(lang, self.name)

    def has(self, name: str) -> bool:
        """Whether the catalog lists dataset ``name`` (usable or not: see :attr:`unusable`)."""
        return name in self.datasets or name in self.unusable

    @property
    def listed(self) -> list[str]:
        """Every dataset the catalog lists, usable or not, in its order."""
        return [*self.datasets, *(n for n in self.unusable if n not in self.datasets)]

    def spec(self, name: str) -> DatasetSpec:
        """The spec of dataset ``name``; a DataError gives the problems of an unusable one, a
        WorkbenchError names the listed ones if it is absent."""
        if name in self.unusable:
            raise DataError(list(self.unusable[name]))
        try:
            return self.datasets[name]
        except KeyError:
            listed = ", ".join(sorted(self.listed)) or "none"
            raise WorkbenchError(
                f"dataset {name!r} is not in {self.root / CATALOG_FILE} (listed: {listed})"
            ) from None

    def resolve_date(self, value=None) -> pd.Timestamp:
        """The report date of a run: ``value`` if given, else the pack's ``report_date``.

        Returns a ``Timestamp`` at midnight; a WorkbenchError when neither is set or the
        value is not a date.
        """
        chosen = value if value not in (None, "") else self.report_date
        if chosen is None:
            raise WorkbenchError(
                f"no report date: pass one, or set report_date in {self.root / CATALOG_FILE}"
            )
        try:
            return pd.Timestamp(chosen).normalize()
        except (ValueError, TypeError) as exc:
            raise WorkbenchError(f"report date {chosen!r} is not a date (expected YYYY-MM-DD)") from exc

    def datum_of(self, name: str) -> str:
        """The datum of dataset ``name``: its own if declared, else the pack's."""
        return self.spec(name).datum or self.datum

    def fingerprint(self) -> str:
        """A short, stable content hash of the catalog and every dataset file.

        Returns
        -------
        str
            16 hex digits of a SHA-256 over ``catalog.yaml`` and the digest of each
            dataset file (shapefile sidecars included). Computed once per instance, and
            once per batch: its kernels share it through the batch's cache folder, by the
            files' paths, sizes and modification times.
        """
        return self._digests()[0]

    def file_digest(self, path: str | os.PathLike) -> str | None:
        """The content digest (16 hex digits of a SHA-256 of its size and bytes) of one dataset file.

        Computed with :meth:`fingerprint`, at no extra reading; None for a file of no dataset.
        What a file's checks found is remembered by it (:mod:`workbench.intake.scan_memory`).
        """
        return self._digests()[1].get(str(Path(path).resolve()))

    def _digests(self) -> tuple[str, dict[str, str]]:
        if "digests" not in self._cache:
            files = [(CATALOG_FILE, self.root / CATALOG_FILE)] + [
                (f"{name}:{path.name}", path) for name in sorted(self.datasets)
                for path in dataset_files(self.datasets[name])
            ]  # fmt: skip
            self._cache["digests"] = shared(f"digests-{stat_signature(files)}",
                                            lambda: content_digests(files))  # fmt: skip
        return self._cache["digests"]


def listed_files(pack: Pack, name: str) -> tuple[str, ...]:
    """The files of listed dataset ``name``; of an unusable one, those its problems name."""
    if name in pack.unusable:
        return tuple(dict.fromkeys(p.file for p in pack.unusable[name] if p.file != CATALOG_FILE))
    return pack.spec(name).files


def default_pack_dir() -> Path:
    """The pack used when none is given: ``$WORKBENCH_PACK``, else ``<repo>/data/sample``."""
    configured = os.environ.get(PACK_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return SAMPLE_PACK_DIR


def open_pack(path: str | os.PathLike | None = None) -> Pack:
    """Open a data pack and check its catalog.

    Parameters
    ----------
    path : path-like, optional
        The pack folder or its ``catalog.yaml``; default :func:`default_pack_dir`.

    Returns
    -------
    Pack

    Raises
    ------
    DataError
        With one Problem per fault of the pack as a whole: missing folder or catalog, invalid
        YAML, bad pack-level values, no datasets. A dataset's own faults (no path, a missing
        file, an unknown format or datum) are kept in :attr:`Pack.unusable` instead.
    """
    root = Path(path).expanduser() if path is not None else default_pack_dir()
    if root.is_file():
        root = root.parent
    catalog = read_catalog(root)
    problems: list[Problem] = []
    settings = pack_settings(root, catalog, problems)
    datasets, unusable = _dataset_specs(root, catalog.get("datasets"), problems)
    if problems:  # every problem at once: the datasets' too
        raise DataError(problems + [p for own in unusable.values() for p in own])
    return Pack(root=root.resolve(), datasets=datasets, unusable=unusable, **settings)


def _dataset_specs(root: Path, entries, problems: list[Problem]
                   ) -> tuple[dict[str, DatasetSpec], dict[str, tuple[Problem, ...]]]:
    """Specs of the ``datasets:`` mapping, and the problems of each entry that cannot be used.

    A mapping that is missing or empty is a problem of the pack (appended to ``problems``).
    """
    if not isinstance(entries, dict) or not entries:
        problems.append(catalog_problem("a non-empty 'datasets:' mapping", repr(entries)))
        return {}, {}
    specs, unusable = {}, {}
    for name, entry in entries.items():
        own: list[Problem] = []
        spec = _dataset_spec(root, str(name), entry, own)
        if spec is not None:
            specs[spec.name] = spec
        else:
            unusable[str(name)] = tuple(own)
    return specs, unusable


def _dataset_spec(root: Path, name: str, entry, problems: list[Problem]) -> DatasetSpec | None:
    """One dataset's spec; a string entry is its path."""
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict) or not entry.get("path"):
        problems.append(Problem(name, CATALOG_FILE, None, "path", "a file path", repr(entry)))
        return None
    found = len(problems)
    unknown = sorted(set(map(str, entry)) - _DATASET_KEYS)
    if unknown:
        known = ", ".join(sorted(_DATASET_KEYS))
        problems.append(Problem(name, CATALOG_FILE, None, None, f"keys among {known}", ", ".join(unknown)))
    file = str(entry["path"])
    paths = dataset_paths(root, name, file, entry.get("format"), problems)
    if paths is None:
        return None
    fmt = str(entry.get("format") or FORMATS.get(paths[0].suffix.lower(), ""))
    if fmt not in FORMATS.values():
        known = ", ".join(sorted(set(FORMATS.values())))
        found_format = fmt or paths[0].suffix or "no suffix"
        problems.append(Problem(name, file, None, None, f"a file of a known format ({known})", found_format))
    if fmt == "shapefile":
        problems += missing_sidecars(root, name, paths)
    columns = entry.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(name, CATALOG_FILE, None, "columns", "a mapping source: name", repr(columns)))
        columns = {}
    datum = datum_value(entry.get("datum"), name, problems)
    header_row = header_row_of(entry.get("header_row"), name, fmt, problems)
    engine = engine_from_catalog(root, name, entry, problems)
    if len(problems) > found:
        return None
    return DatasetSpec(
        name=name,
        path=paths[0],
        file=file,
        format=fmt,
        encoding=entry.get("encoding"),
        sheet=tuple(sheet) if isinstance(sheet := entry.get("sheet"), list) else sheet,
        layer=entry.get("layer"),
        columns={str(k).strip(): str(v).strip() for k, v in columns.items()},
        datum=datum,
        header_row=header_row,
        paths=tuple(paths),
        files=tuple(relative(root, p) for p in paths),
        engine=engine,
    )
