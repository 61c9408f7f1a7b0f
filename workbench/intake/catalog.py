"""Data packs: a folder with ``catalog.yaml`` and dataset files, and reading those files as-is.

``open_pack`` checks the catalog (pack-level keys, every dataset's path, format, encoding
and datum) and returns a :class:`Pack`. ``read_raw`` reads one dataset's file in any
supported format and applies the catalog's column renames; nothing more. Parsing and
validation against the data contract happen in :mod:`workbench.intake.parsing` and
:mod:`workbench.intake.validation`.

Every problem is raised as :class:`~workbench.errors.DataError`, whose ``problems`` name the
file (and, where it applies, the row and column), so the CLI can print them all at once.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geopandas as gpd
import pandas as pd
import yaml

from workbench.errors import DataError, Problem, WorkbenchError
from workbench.intake.geo import normalize_datum
from workbench.paths import SAMPLE_PACK_DIR

CATALOG_FILE = "catalog.yaml"
PACK_ENV = "WORKBENCH_PACK"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DATUM = "wgs84"

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
GEO_FORMATS = ("geojson", "gpkg", "shapefile")

#: Encodings tried, in order, for a CSV that declares none.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
#: Declared CSV encodings read with a superset codec (GB18030 decodes all of GBK and GB2312).
_CSV_ENCODING_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}

_DATASET_KEYS = frozenset(
    {"path", "format", "encoding", "sheet", "layer", "columns", "datum", "description", "source"}
)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DatasetSpec:
    """How one dataset of a pack is stored, as ``catalog.yaml`` declares it.

    Attributes
    ----------
    name : str
        The dataset's name in the data contract (``areas``, ``sampling``, ...).
    path : Path
        Absolute path of the file.
    file : str
        The path as written in the catalog; problems name the file by it.
    format : str
        One of ``csv``, ``xlsx``, ``parquet``, ``geojson``, ``gpkg``, ``shapefile``.
    encoding : str or None
        Text encoding of a CSV or shapefile; None lets CSV encodings be detected.
    sheet : str, int or None
        Worksheet of an XLSX file (default: the first).
    layer : str or None
        Layer of a GeoPackage (default: the first).
    columns : dict
        Renames from the file's column names to the contract's names.
    datum : str or None
        Datum of this dataset's coordinates; None means the pack's datum.
    """

    name: str
    path: Path
    file: str
    format: str
    encoding: str | None = None
    sheet: str | int | None = None
    layer: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    datum: str | None = None


@dataclass(frozen=True)
class Pack:
    """A data pack: its folder, pack-level settings and dataset specs.

    Attributes
    ----------
    root : Path
        The pack folder.
    name : str
        Display name (default: the folder name).
    timezone : str
        IANA zone of timestamps written without an offset.
    datum : str
        Default datum of coordinates (``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n``).
    report_date : date or None
        Default date of a run.
    datasets : dict of str to DatasetSpec
        The datasets the catalog lists.
    """

    root: Path
    name: str
    timezone: str
    datum: str
    report_date: date | None
    datasets: dict[str, DatasetSpec]
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash(self.root)

    def has(self, name: str) -> bool:
        """Whether the catalog lists dataset ``name``."""
        return name in self.datasets

    def spec(self, name: str) -> DatasetSpec:
        """The spec of dataset ``name``; a WorkbenchError names the listed ones if absent."""
        try:
            return self.datasets[name]
        except KeyError:
            listed = ", ".join(sorted(self.datasets)) or "none"
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
            16 hex digits of a SHA-256 over ``catalog.yaml`` and the bytes of each
            dataset's files (shapefile sidecars included). Computed once per instance.
        """
        if "fingerprint" not in self._cache:
            digest = hashlib.sha256()
            _hash_file(digest, self.root / CATALOG_FILE, CATALOG_FILE)
            for name in sorted(self.datasets):
                for path in _dataset_files(self.datasets[name]):
                    _hash_file(digest, path, f"{name}:{path.name}")
            self._cache["fingerprint"] = digest.hexdigest()[:16]
        return self._cache["fingerprint"]


def _dataset_files(spec: DatasetSpec) -> list[Path]:
    """The file of a dataset, plus a shapefile's sidecars (.dbf, .shx, .prj, .cpg)."""
    if spec.format != "shapefile":
        return [spec.path]
    pattern = glob.escape(str(spec.path.with_suffix(""))) + ".*"
    return sorted(Path(p) for p in glob.glob(pattern))


def _hash_file(digest, path: Path, label: str) -> None:
    """Feed ``label``, the size and the bytes of ``path`` (read in chunks) to ``digest``."""
    digest.update(f"{label}\0{path.stat().st_size}\0".encode())
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)


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
        With one Problem per fault: missing folder or catalog, invalid YAML, bad pack-level
        values, a dataset without a path, a missing file, an unknown format or datum.
    """
    root = Path(path).expanduser() if path is not None else default_pack_dir()
    if root.is_file():
        root = root.parent
    catalog = _read_catalog(root)
    problems: list[Problem] = []
    settings = _pack_settings(root, catalog, problems)
    datasets = _dataset_specs(root, catalog.get("datasets"), problems)
    if problems:
        raise DataError(problems)
    return Pack(root=root.resolve(), datasets=datasets, **settings)


def _catalog_problem(expected: str, found: str = "", row: int | None = None) -> Problem:
    return Problem("catalog", CATALOG_FILE, row, None, expected, found)


def _read_catalog(root: Path) -> dict:
    """The parsed ``catalog.yaml`` of ``root``, which must be a mapping."""
    if not root.is_dir():
        raise DataError([_catalog_problem("a data pack folder", f"no folder {root}")])
    path = root / CATALOG_FILE
    if not path.is_file():
        raise DataError([_catalog_problem(f"a {CATALOG_FILE} in {root}", "no such file")])
    try:
        catalog = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError([_catalog_problem("a UTF-8 text file", str(exc))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataError([_catalog_problem("valid YAML", reason, row=line)]) from None
    if not isinstance(catalog, dict):
        raise DataError([_catalog_problem("a mapping with name, datasets, ...", repr(catalog))])
    return catalog


def _pack_settings(root: Path, catalog: dict, problems: list[Problem]) -> dict:
    """Pack-level keys with their defaults; faults are appended to ``problems``."""
    timezone = str(catalog.get("timezone") or DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(_catalog_problem("an IANA time zone such as Asia/Shanghai", timezone))
    return {
        "name": str(catalog.get("name") or root.resolve().name),
        "timezone": timezone,
        "datum": _datum(catalog.get("datum"), "catalog", problems) or DEFAULT_DATUM,
        "report_date": _report_date(catalog.get("report_date"), problems),
    }


def _report_date(value, problems: list[Problem]) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(_catalog_problem("report_date as YYYY-MM-DD", str(value)))
        return None


def _datum(value, dataset: str, problems: list[Problem]) -> str | None:
    """The canonical datum of ``value`` (None stays None); a fault becomes a Problem."""
    if value is None:
        return None
    try:
        return normalize_datum(value)
    except WorkbenchError as exc:
        expected = "datum wgs84, gcj02, bd09 or an EPSG code such as EPSG:4490"
        problems.append(Problem(dataset, CATALOG_FILE, None, "datum", expected, f"{value} ({exc})"))
        return None


def _dataset_specs(root: Path, entries, problems: list[Problem]) -> dict[str, DatasetSpec]:
    """Specs of the ``datasets:`` mapping; every fault is appended to ``problems``."""
    if not isinstance(entries, dict) or not entries:
        problems.append(_catalog_problem("a non-empty 'datasets:' mapping", repr(entries)))
        return {}
    specs = {}
    for name, entry in entries.items():
        spec = _dataset_spec(root, str(name), entry, problems)
        if spec is not None:
            specs[spec.name] = spec
    return specs


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
    path = (root / file).resolve()
    fmt = str(entry.get("format") or FORMATS.get(path.suffix.lower(), ""))
    if fmt not in FORMATS.values():
        known = ", ".join(sorted(set(FORMATS.values())))
        found_format = fmt or path.suffix or "no suffix"
        problems.append(Problem(name, file, None, None, f"a file of a known format ({known})", found_format))
    if not path.is_file():
        problems.append(Problem(name, file, None, None, "an existing file", f"no file {path}"))
    columns = entry.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(name, CATALOG_FILE, None, "columns", "a mapping source: name", repr(columns)))
        columns = {}
    datum = _datum(entry.get("datum"), name, problems)
    if len(problems) > found:
        return None
    return DatasetSpec(
        name=name,
        path=path,
        file=file,
        format=fmt,
        encoding=entry.get("encoding"),
        sheet=entry.get("sheet"),
        layer=entry.get("layer"),
        columns={str(k).strip(): str(v).strip() for k, v in columns.items()},
        datum=datum,
    )


# ---------------------------------------------------------------- reading files


def read_raw(pack: Pack, name: str) -> pd.DataFrame:
    """Read dataset ``name`` of ``pack`` as stored, with the catalog's column renames.

    Text formats (CSV, XLSX) are read as strings throughout, so identifiers keep their
    leading zeros (``007``); Parquet and geo formats keep their stored types. Column
    names are stripped of surrounding blanks and a byte-order mark.

    Parameters
    ----------
    pack : Pack
    name : str
        A dataset the catalog lists.

    Returns
    -------
    DataFrame or GeoDataFrame
        Index: the 0-based data row of the file (row 1 of a problem is index 0).

    Raises
    ------
    DataError
        When the file is empty, cannot be decoded or parsed, a sheet is missing, or two
        columns end up with the same name.
    """
    spec = pack.spec(name)
    empty = _file_problem(spec, "a file with a header row and data", "file is empty")
    try:
        if spec.path.stat().st_size == 0:
            raise DataError([empty])
        frame = _READERS[spec.format](spec)
    except DataError:
        raise
    except pd.errors.EmptyDataError:
        raise DataError([empty]) from None
    except Exception as exc:  # every reader library raises its own types; report them all alike
        found = f"{type(exc).__name__}: {exc}"
        raise DataError([_file_problem(spec, f"a readable {spec.format} file", found)]) from None
    return _rename_columns(frame, spec)


def _file_problem(spec: DatasetSpec, expected: str, found: str = "", **where) -> Problem:
    return Problem(spec.name, spec.file, where.get("row"), where.get("column"), expected, found)


def _rename_columns(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    """Strip column names, apply the catalog's renames, refuse duplicate names."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = {c: str(c).strip().lstrip("\ufeff").strip() for c in frame.columns if c != geometry}
    frame = frame.rename(columns=names).rename(columns=spec.columns)
    if len(frame.columns) == 0:
        raise DataError([_file_problem(spec, "a header row naming the columns", "file is empty")])
    repeated = frame.columns[frame.columns.duplicated()].unique()
    if len(repeated):
        found = ", ".join(map(str, repeated))
        raise DataError([_file_problem(spec, "each column name once (after renames)", found)])
    return frame


def _read_csv(spec: DatasetSpec) -> pd.DataFrame:
    encoding = csv_encoding(spec)
    try:
        return pd.read_csv(spec.path, dtype=str, encoding=encoding, engine="pyarrow")
    except pd.errors.ParserError:  # pyarrow names no line; pandas' own parser does
        return pd.read_csv(spec.path, dtype=str, encoding=encoding, engine="c")


def _read_xlsx(spec: DatasetSpec) -> pd.DataFrame:
    sheet = spec.sheet if spec.sheet is not None else 0
    with pd.ExcelFile(spec.path, engine="openpyxl") as book:
        if isinstance(sheet, str) and sheet not in book.sheet_names:
            found = "sheets: " + ", ".join(book.sheet_names)
            raise DataError([_file_problem(spec, f"a sheet named {sheet!r}", found)])
        return pd.read_excel(book, sheet_name=sheet, dtype=str)


def _read_parquet(spec: DatasetSpec) -> pd.DataFrame:
    return pd.read_parquet(spec.path, engine="pyarrow")


def _read_geo(spec: DatasetSpec) -> gpd.GeoDataFrame:
    options = {"encoding": spec.encoding} if spec.encoding else {}
    if spec.layer is not None:
        options["layer"] = spec.layer
    with warnings.catch_warnings():
        # a mistyped value (e.g. population "many") is reported by validation, row and column named
        warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
        return gpd.read_file(spec.path, engine="pyogrio", **options)


_READERS: dict[str, Callable[[DatasetSpec], pd.DataFrame]] = {
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "parquet": _read_parquet,
    **{fmt: _read_geo for fmt in GEO_FORMATS},
}


# ---------------------------------------------------------------- CSV encodings


def csv_encoding(spec: DatasetSpec) -> str:
    """The encoding to read a CSV dataset with: declared (and checked) or detected.

    A declared encoding is checked over the whole file; without one, UTF-8 (with or
    without BOM) is tried strictly, then GB18030 (a superset of GBK, what Excel on Chinese
    Windows writes). Files are streamed in chunks, never loaded whole.

    Raises
    ------
    DataError
        Naming the first undecodable line, when the file decodes as none of them.
    """
    if spec.encoding:
        declared = str(spec.encoding).strip()
        encoding = _CSV_ENCODING_ALIASES.get(declared.lower(), declared)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError([_file_problem(spec, "a known text encoding", declared)]) from None
        candidates = (encoding,)
        expected = f"text in the declared encoding {declared}"
    else:
        candidates = CSV_ENCODINGS
        expected = "text in UTF-8 or GB18030 (or declare its encoding in catalog.yaml)"
    first_fault = None
    for encoding in candidates:
        fault = _first_undecodable(spec.path, encoding)
        if fault is None:
            return encoding
        first_fault = first_fault or fault
    line, raw = first_fault
    found = f"undecodable bytes {raw!r} on line {line}"
    raise DataError([_file_problem(spec, expected, found, row=line - 1 if line > 1 else None)])


def _first_undecodable(path: Path, encoding: str) -> tuple[int, bytes] | None:
    """None if ``path`` decodes strictly as ``encoding``, else (1-based line, bad bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines_before = 0
    for chunk, final in _chunks(path):
        try:
            decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            line = lines_before + exc.object[: exc.start].count(b"\n") + 1
            return line, bytes(exc.object[exc.start : exc.end])
        lines_before += chunk.count(b"\n")
    return None


def _chunks(path: Path) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) pairs of a file read in 1 MiB pieces."""
    with open(path, "rb") as f:
        chunk = f.read(_CHUNK)
        while chunk:
            following = f.read(_CHUNK)
            yield chunk, not following
            chunk = following
