"""The catalog file and its pack-level keys.

``catalog.yaml`` must be UTF-8 text (a BOM is allowed) holding a YAML mapping. Its pack-level
keys, with their defaults:

- ``name``: the pack's name, kept in every report's JSON (default: the folder's name);
- ``name_zh``, ``name_en`` (``name_`` and a two-letter language code): the name the pages of that
  language show (default ``name``), so a Chinese page need not carry an English name and the
  reverse (``name: 稀土高新区``, ``name_en: Rare Earth High-tech Zone``);
- ``timezone`` (Asia/Shanghai), ``datum`` (wgs84), ``report_date`` (none).

A fault is a Problem of ``catalog.yaml`` appended to the caller's list, so that every fault of a
catalog is told at once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from workbench.errors import DataError, Problem, WorkbenchError
from workbench.intake.geo import normalize_datum
from workbench.intake.locations import CATALOG_FILE

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DATUM = "wgs84"

_NAME_IN_LANGUAGE = re.compile(r"name_([a-z]{2})")


def catalog_problem(expected: str, found: str = "", row: int | None = None) -> Problem:
    """A fault of the catalog as a whole (file ``catalog.yaml``, dataset ``catalog``)."""
    return Problem("catalog", CATALOG_FILE, row, None, expected, found)


def read_catalog(root: Path) -> dict:
    """The parsed ``catalog.yaml`` of ``root``, which must be a mapping.

    Raises
    ------
    DataError
        No folder, no catalog, text that is not UTF-8, invalid YAML (with its line) or YAML that
        is not a mapping.
    """
    if not root.is_dir():
        raise DataError([catalog_problem("a data pack folder", f"no folder {root}")])
    path = root / CATALOG_FILE
    if not path.is_file():
        raise DataError([catalog_problem(f"a {CATALOG_FILE} in {root}", "no such file")])
    try:
        catalog = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError([catalog_problem("a UTF-8 text file", str(exc))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataError([catalog_problem("valid YAML", reason, row=line)]) from None
    if not isinstance(catalog, dict):
        raise DataError([catalog_problem("a mapping with name, datasets, ...", repr(catalog))])
    return catalog


def pack_settings(root: Path, catalog: dict, problems: list[Problem]) -> dict:
    """Pack-level keys with their defaults, as keyword arguments of :class:`~workbench.intake.catalog.Pack`.

    Returns
    -------
    dict
        ``name``, ``names`` (language code to the name its pages show, for the languages the
        catalog names), ``timezone``, ``datum``, ``report_date``.
    """
    timezone = str(catalog.get("timezone") or DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(catalog_problem("an IANA time zone such as Asia/Shanghai", timezone))
    return {
        "name": str(catalog.get("name") or root.resolve().name),
        "names": names_by_language(catalog, problems),
        "timezone": timezone,
        "datum": datum_value(catalog.get("datum"), "catalog", problems) or DEFAULT_DATUM,
        "report_date": report_date_value(catalog.get("report_date"), problems),
    }


def names_by_language(catalog: dict, problems: list[Problem]) -> dict[str, str]:
    """``name_zh: ...``, ``name_en: ...`` as ``{"zh": ..., "en": ...}``; a name must be text."""
    names = {}
    for key, value in catalog.items():
        match = _NAME_IN_LANGUAGE.fullmatch(str(key))
        if not match:
            continue
        if isinstance(value, (dict, list)) or not str(value or "").strip():
            problems.append(Problem("catalog", CATALOG_FILE, None, str(key),
                                    "the pack's name in that language, as text", repr(value)))
            continue
        names[match.group(1)] = str(value).strip()
    return names


def report_date_value(value, problems: list[Problem]) -> date | None:
    """``report_date`` as a date (YAML may have read it as one already); None when absent."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(catalog_problem("report_date as YYYY-MM-DD", str(value)))
        return None


def datum_value(value, dataset: str, problems: list[Problem]) -> str | None:
    """The canonical datum of ``value`` (None stays None); a fault becomes a Problem."""
    if value is None:
        return None
    try:
        return normalize_datum(value)
    except WorkbenchError as exc:
        expected = "datum wgs84, gcj02, bd09 or an EPSG code such as EPSG:4490"
        problems.append(Problem(dataset, CATALOG_FILE, None, "datum", expected, f"{value} ({exc})"))
        return None
