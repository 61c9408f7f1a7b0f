"""What each report needs from a data pack: required datasets, and optional ones with the section each feeds.

The one place that says it (DESIGN: *only what a report needs is required*). A dataset a
report only draws as context (``admin_boundaries``) or that feeds one of its sections
(``zones``: the sealed/controlled status of areas) is optional: the report runs without it and
its warnings say what is missing. A required dataset that is absent stops the report with an
error naming the dataset and the report.

:func:`load_report` is what a notebook calls: the required datasets and the optional ones the
pack has. An optional dataset that is absent (or cannot be used because of errors of its own)
is either left out (``data.get(name)`` is None: context drawn only when present) or, when its
section's computation needs a frame, stood in for by an **empty frame of the contract's
columns** (``stand_in="empty"``), so the section shows "none" together with a warning saying
the dataset was missing, never a silent all-clear.

:func:`readiness` is what ``workbench validate`` ends with: which reports the pack can run,
and why not.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from workbench.errors import DataError, Problem
from workbench.intake.catalog import CATALOG_FILE, Pack
from workbench.intake.contract import REQUIRED_COLUMNS, SCHEMAS
from workbench.intake.datasets import Datasets, load_datasets
from workbench.intake.parsing import parse_frame


@dataclass(frozen=True)
class Optional:
    """An optional dataset of a report: the section it feeds, and what stands in when absent."""

    dataset: str
    section: str
    stand_in: str = "none"  # "none": left out of the Datasets; "empty": an empty frame


@dataclass(frozen=True)
class Section:
    """A section of a report computed from datasets of its own (``key``: how the notebook asks for it).

    A report of sections runs when the pack has the datasets of at least one of them; the
    datasets of a section the pack lacks stand in as empty frames, and a warning names them.
    """

    key: str
    name: str
    datasets: tuple[str, ...]

    def runs(self, pack: Pack, erring: set[str] | frozenset[str] = frozenset()) -> bool:
        """Whether ``pack`` lists every dataset of the section and none of them is in ``erring``."""
        return all(pack.has(n) and n not in erring for n in self.datasets)


@dataclass(frozen=True)
class Needs:
    """The datasets of one report (a notebook of ``parameters/daily.yaml``)."""

    report: str
    required: tuple[str, ...]
    optional: tuple[Optional, ...] = ()
    sections: tuple[Section, ...] = ()  # the report needs at least one of them

    @property
    def section_datasets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for s in self.sections for n in s.datasets if n not in self.required))

    @property
    def datasets(self) -> tuple[str, ...]:
        optional = (o.dataset for o in self.optional if o.dataset not in self.section_datasets)
        return self.required + self.section_datasets + tuple(optional)

    def unlisted(self, pack) -> tuple[str, ...]:
        """What ``pack``'s catalog (anything with ``has(name)``) must list more for the report to
        run: its required datasets not listed, and, when no section has all its datasets listed,
        the sections' datasets not listed."""
        missing = [n for n in self.required if not pack.has(n)]
        if self.sections and not any(s.runs(pack) for s in self.sections):
            missing += [n for n in self.section_datasets if not pack.has(n)]
        return tuple(missing)

    def one_of(self) -> str:
        """The sections' datasets in words: ``quarantine_checks + areas, or medical_waste + ...``."""
        return ", or ".join(" + ".join(s.datasets) for s in self.sections)


_CONTEXT = Optional("admin_boundaries", "the administrative boundaries drawn on the maps")
_STREET_OUTLINES = Optional("areas", "the streets outlined on the map", stand_in="empty")
_ZONES = Optional("zones", "the sealed/controlled/prevention status of areas", stand_in="empty")

#: Every report of the daily schedule, by notebook name.
REPORT_NEEDS: dict[str, Needs] = {
    needs.report: needs
    for needs in (
        Needs("testing_coverage", ("areas", "rounds", "sampling"),
              (Optional("testing_sites", "the site-load and capacity sections", stand_in="empty"), _ZONES,
               _CONTEXT)),
        Needs("inspections", ("places", "inspections"), (_CONTEXT,)),
        Needs("enterprise_output", (),
              (Optional("enterprise_checks", "the 'eight in place' checks of enterprises"), _CONTEXT),
              (Section("progress", "the annual-target section", ("enterprises", "production", "targets")),
               Section("requests", "the enterprise requests section", ("enterprise_requests",)))),
        Needs("checkpoints", ("checkpoints", "checkpoint_daily"), (_STREET_OUTLINES, _CONTEXT)),
        Needs("supply_prices", (), (_ZONES, _CONTEXT),
              (Section("supply", "the supply section", ("areas", "suppliers", "packages", "deliveries")),
               Section("prices", "the price section", ("prices", "price_baselines")))),
        Needs("field_checks", (),
              (_STREET_OUTLINES, Optional("checkpoints", "the checkpoints' names in the staffing section"),
               _CONTEXT),
              (Section("quarantine", "the home-quarantine section", ("quarantine_checks", "areas")),
               Section("waste", "the medical-waste section", ("medical_waste", "testing_sites")),
               Section("staffing", "the front-line staffing section", ("staffing",)))),
        Needs("projects", ("projects", "project_milestones")),
        # the brief shows each domain whose datasets the pack has, and says which it lacks
        Needs("daily_brief", ()),
    )
}


def needs_of(report: str) -> Needs:
    """The :class:`Needs` of ``report``; a DataError names the known reports if unknown."""
    try:
        return REPORT_NEEDS[report]
    except KeyError:
        known = ", ".join(REPORT_NEEDS)
        problem = Problem(report, CATALOG_FILE, None, None, f"a report among {known}", report)
        raise DataError([problem]) from None


def section_datasets(report: str, key: str) -> tuple[str, ...]:
    """The datasets of section ``key`` of ``report`` (the brief summarises sections one by one)."""
    return next(s.datasets for s in needs_of(report).sections if s.key == key)


def missing_required(pack: Pack, report: str) -> list[Problem]:
    """One error per required dataset of ``report`` that the catalog does not list, and one when
    the report has sections and the catalog lists the datasets of none of them."""
    needs = needs_of(report)
    expected = "dataset {!r} in " + CATALOG_FILE + " (the " + report + " report needs it)"
    unlisted = needs.unlisted(pack)
    problems = [Problem(name, CATALOG_FILE, None, None, expected.format(name), "not listed")
                for name in unlisted if name in needs.required]
    if sections := [n for n in unlisted if n not in needs.required]:
        problems.append(Problem(sections[0], CATALOG_FILE, None, None, _one_of_expected(needs),
                                f"not listed: {', '.join(sections)}"))
    return problems


def _one_of_expected(needs: Needs) -> str:
    return f"datasets {needs.one_of()} in {CATALOG_FILE} (the {needs.report} report needs one of these)"


def load_report(pack: Pack, report: str) -> Datasets:
    """Load what ``report`` needs: its required datasets and the optional ones the pack has.

    Parameters
    ----------
    pack : Pack
    report : str
        A notebook name of :data:`REPORT_NEEDS` (``testing_coverage``, ...).

    Returns
    -------
    Datasets
        The frames; an absent or unusable optional dataset is left out or, for a section
        that needs a frame, an empty frame of the contract's columns; a warning names it
        and the section it feeds.

    Raises
    ------
    DataError
        When a required dataset is not listed (the problem names it and the report), or has
        an error-severity problem.
    """
    needs = needs_of(report)
    absent = missing_required(pack, report)
    if absent:
        raise DataError(absent)
    listed = [s for s in needs.sections if s.runs(pack)]
    present = [o.dataset for o in needs.optional if pack.has(o.dataset)]
    wanted = dict.fromkeys([*needs.required, *(n for s in listed for n in s.datasets), *present])
    data = load_datasets(pack, list(wanted), strict=False)
    failed = {p.dataset for p in data.errors}
    running = [s for s in listed if s.runs(pack, failed)]
    may_fail = set(present) | ({n for s in listed for n in s.datasets} if running else set())
    fatal = [p for p in data.errors if p.dataset not in may_fail or p.file == CATALOG_FILE]
    if fatal:
        raise DataError(sorted(data.warnings, key=lambda p: p.severity != "error"))
    frames = dict(data)
    notes = [p for p in data.warnings if p.dataset not in failed]
    absent: list[str] = []
    for section in (s for s in needs.sections if s not in running):
        lacking = [n for n in section.datasets if n in failed or not pack.has(n)]
        notes.append(_section_warning(section, lacking, report, failed))
        absent += lacking
    for optional in needs.optional:
        if (optional.dataset in failed or not pack.has(optional.dataset)) and optional.dataset not in absent:
            absent.append(optional.dataset)
            notes.append(_absent_warning(optional, report, optional.dataset in failed))
    for name in absent:
        frames.pop(name, None)
        if _stands_in(needs, name):
            frames[name] = empty_frame(name)
    return Datasets(pack, frames, notes, data.origins, absent, [s.key for s in running])


def _stands_in(needs: Needs, name: str) -> bool:
    """Whether an absent ``name`` is stood in for by an empty frame (a section's or an "empty" optional)."""
    return name in needs.section_datasets or any(o.dataset == name and o.stand_in == "empty"
                                                 for o in needs.optional)


def _section_warning(section: Section, lacking: list[str], report: str, failed: set[str]) -> Problem:
    """One warning for a section not shown: the datasets it lacks, and why."""
    if len(lacking) == 1:
        return _absent_warning(Optional(lacking[0], section.name), report, lacking[0] in failed)
    erring = [n for n in lacking if n in failed]
    why = ("have errors (see workbench validate)" if len(erring) == len(lacking) else
           f"are not in {CATALOG_FILE}" if not erring else f"are not in {CATALOG_FILE} or have errors")
    found = f"{', '.join(lacking)} {why}: {section.name} not shown in {report}"
    expected = f"datasets {', '.join(section.datasets)} for {section.name}"
    return Problem(lacking[0], CATALOG_FILE, None, None, expected, found, severity="warning")


def _absent_warning(optional: Optional, report: str, failed: bool) -> Problem:
    why = "has errors (see workbench validate)" if failed else f"is not in {CATALOG_FILE}"
    shown = "left empty" if optional.stand_in == "empty" else "not shown"
    found = f"{optional.dataset} {why}: {optional.section} {shown} in {report}"
    expected = f"dataset {optional.dataset!r} for {optional.section}"
    return Problem(optional.dataset, CATALOG_FILE, None, None, expected, found, severity="warning")


def frame_or_empty(data, name: str) -> pd.DataFrame:
    """``data[name]`` (a mapping of loaded frames), or :func:`empty_frame` when it has none."""
    frame = data.get(name)
    return empty_frame(name) if frame is None else frame


def empty_frame(name: str) -> pd.DataFrame:
    """A frame of no rows with dataset ``name``'s required columns, typed as loading types them."""
    columns = REQUIRED_COLUMNS.get(name, ())
    text = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    if name not in SCHEMAS:
        return text
    parsed, _ = parse_frame(text, name)
    if "geometry" in parsed.columns and not isinstance(parsed, gpd.GeoDataFrame):
        parsed = gpd.GeoDataFrame(parsed, geometry="geometry", crs="EPSG:4326")
    return parsed


# ---------------------------------------------------------------- what validate says


@dataclass(frozen=True)
class Readiness:
    """Whether a pack can run one report, and why not (or what it will run without).

    ``missing`` are required datasets the catalog does not list, ``erring`` required ones with
    errors, ``without`` optional ones (or a section's) absent or with errors, the report running
    without them; ``one_of`` names the sections' datasets when the pack has none of them whole.
    """

    report: str
    runs: bool
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    erring: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()


def readiness(pack: Pack, problems: list[Problem]) -> list[Readiness]:
    """For each report of :data:`REPORT_NEEDS`: can ``pack`` run it, given ``problems``?

    A report cannot run when a required dataset is not listed or has an error, or when it has
    sections and none of them has its datasets listed and free of errors; it runs without an
    optional dataset (or a section) that is absent or has errors (the reason says so).
    """
    erring = {p.dataset for p in problems if p.severity == "error"}
    return [_readiness(needs, pack, erring) for needs in REPORT_NEEDS.values()]


def _readiness(needs: Needs, pack: Pack, erring: set[str]) -> Readiness:
    missing = [n for n in needs.required if not pack.has(n)]
    failing = [n for n in needs.required if pack.has(n) and n in erring]
    blocking = [f"{n} is not in {CATALOG_FILE}" for n in missing] + [f"{n} has errors" for n in failing]
    lacking = [n for n in needs.datasets if n not in needs.required and (not pack.has(n) or n in erring)]
    one_of: tuple[tuple[str, ...], ...] = ()
    if needs.sections and not any(s.runs(pack, erring) for s in needs.sections):
        one_of = tuple(s.datasets for s in needs.sections)
        unlisted = [n for n in needs.section_datasets if not pack.has(n)]
        broken = [n for n in needs.section_datasets if pack.has(n) and n in erring]
        why = ([f"not in {CATALOG_FILE}: {', '.join(unlisted)}"] if unlisted else []) + (
            [f"with errors: {', '.join(broken)}"] if broken else [])
        blocking.append(f"needs {needs.one_of()} ({'; '.join(why)})")
        lacking = [n for n in lacking if n not in needs.section_datasets]
    reasons = blocking or ([f"runs without {', '.join(lacking)}"] if lacking else [])
    return Readiness(needs.report, not blocking, tuple(reasons), tuple(missing), tuple(failing),
                     tuple(lacking), one_of)


def format_readiness(rows: list[Readiness]) -> str:
    """Lines such as ``can run:    testing_coverage (runs without zones)`` for validate's end."""
    lines = ["reports this pack can run:"]
    lines += [f"  {r.report}" + (f" ({'; '.join(r.reasons)})" if r.reasons else "") for r in rows if r.runs]
    cannot = [r for r in rows if not r.runs]
    if cannot:
        lines.append("reports it cannot run:")
        lines += [f"  {r.report}: {'; '.join(r.reasons)}" for r in cannot]
    return "\n".join(lines)
