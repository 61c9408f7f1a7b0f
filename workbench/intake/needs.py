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
class Needs:
    """The datasets of one report (a notebook of ``parameters/daily.yaml``)."""

    report: str
    required: tuple[str, ...]
    optional: tuple[Optional, ...] = ()

    @property
    def datasets(self) -> tuple[str, ...]:
        return self.required + tuple(o.dataset for o in self.optional)


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
        Needs(
            "enterprise_output",
            ("enterprises", "production", "targets"),
            (Optional("enterprise_checks", "the 'eight in place' checks of enterprises"),
             Optional("enterprise_requests", "the enterprise requests section"), _CONTEXT),
        ),
        Needs("checkpoints", ("checkpoints", "checkpoint_daily"), (_STREET_OUTLINES, _CONTEXT)),
        Needs(
            "supply_prices",
            ("areas", "suppliers", "packages", "deliveries", "prices", "price_baselines"),
            (_ZONES, _CONTEXT),
        ),
        Needs("field_checks", ("areas", "testing_sites", "quarantine_checks", "medical_waste"),
              (Optional("staffing", "the front-line staffing section"),
               Optional("checkpoints", "the checkpoints' names in the staffing section"), _CONTEXT)),
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


def missing_required(pack: Pack, report: str) -> list[Problem]:
    """One error per required dataset of ``report`` that the catalog does not list."""
    expected = "dataset {!r} in " + CATALOG_FILE + " (the " + report + " report needs it)"
    return [
        Problem(name, CATALOG_FILE, None, None, expected.format(name), "not listed")
        for name in needs_of(report).required
        if not pack.has(name)
    ]


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
    present = [o for o in needs.optional if pack.has(o.dataset)]
    data = load_datasets(pack, [*needs.required, *(o.dataset for o in present)], strict=False)
    failed = {p.dataset for p in data.errors}
    optional = {o.dataset for o in present}
    fatal = [p for p in data.errors if p.dataset not in optional or p.file == CATALOG_FILE]
    if fatal:
        raise DataError(sorted(data.warnings, key=lambda p: p.severity != "error"))
    frames = dict(data)
    notes = [p for p in data.warnings if p.dataset not in failed]
    absent = []
    for optional in needs.optional:
        if optional.dataset in failed or not pack.has(optional.dataset):
            absent.append(optional.dataset)
            frames.pop(optional.dataset, None)
            notes.append(_absent_warning(optional, report, optional.dataset in failed))
            if optional.stand_in == "empty":
                frames[optional.dataset] = empty_frame(optional.dataset)
    return Datasets(pack, frames, notes, data.origins, absent)


def _absent_warning(optional: Optional, report: str, failed: bool) -> Problem:
    why = "has errors (see workbench validate)" if failed else f"is not in {CATALOG_FILE}"
    shown = "left empty" if optional.stand_in == "empty" else "not shown"
    found = f"{optional.dataset} {why}: {optional.section} {shown} in {report}"
    expected = f"dataset {optional.dataset!r} for {optional.section}"
    return Problem(optional.dataset, CATALOG_FILE, None, None, expected, found, severity="warning")


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
    """Whether a pack can run one report, and why not (or what it will run without)."""

    report: str
    runs: bool
    reasons: tuple[str, ...] = ()


def readiness(pack: Pack, problems: list[Problem]) -> list[Readiness]:
    """For each report of :data:`REPORT_NEEDS`: can ``pack`` run it, given ``problems``?

    A report cannot run when a required dataset is not listed or has an error; it runs
    without an optional dataset that is absent or has errors (the reason says so).
    """
    erring = {p.dataset for p in problems if p.severity == "error"}
    out = []
    for needs in REPORT_NEEDS.values():
        blocking = [f"{n} is not in {CATALOG_FILE}" for n in needs.required if not pack.has(n)]
        blocking += [f"{n} has errors" for n in needs.required if pack.has(n) and n in erring]
        without = [o.dataset for o in needs.optional if not pack.has(o.dataset) or o.dataset in erring]
        reasons = blocking or ([f"runs without {', '.join(without)}"] if without else [])
        out.append(Readiness(needs.report, not blocking, tuple(reasons)))
    return out


def format_readiness(rows: list[Readiness]) -> str:
    """Lines such as ``can run:    testing_coverage (runs without zones)`` for validate's end."""
    lines = ["reports this pack can run:"]
    lines += [f"  {r.report}" + (f" ({'; '.join(r.reasons)})" if r.reasons else "") for r in rows if r.runs]
    cannot = [r for r in rows if not r.runs]
    if cannot:
        lines.append("reports it cannot run:")
        lines += [f"  {r.report}: {'; '.join(r.reasons)}" for r in cannot]
    return "\n".join(lines)
