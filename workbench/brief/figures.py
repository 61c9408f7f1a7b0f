"""The daily brief's figures: every domain's headline figures, computed by the domains' own functions.

Pure functions over loaded datasets (the notebook ``daily_brief`` wires them; files are read by
:mod:`workbench.brief.data` and :mod:`workbench.brief.history`).

- :func:`compute_figures` calls each domain's own ``analyse_*`` and ``*_figures`` functions, the
  ones its full report calls, so the brief's numbers are the full reports' numbers. A domain
  whose datasets the pack lacks, or whose analysis cannot run (no testing round yet), is left
  out with the reason.
- Alerts come from the rules of ``parameters/alerts.yaml`` (:mod:`workbench.brief.alerts`).
- What changed since the last run is :mod:`workbench.brief.changes`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import pandas as pd

from workbench.brief.alerts import Rule
from workbench.brief.followup import project_brief, request_brief, staffing_brief
from workbench.domains import checkpoints, coverage, enterprises, field_checks, inspections, prices, supply
from workbench.domains.projects import DEFAULT_STALL_DAYS
from workbench.domains.requests import DEFAULT_REQUEST_DAYS
from workbench.errors import WorkbenchError
from workbench.intake.needs import frame_or_empty, section_datasets

# ---------------------------------------------------------------- parameters


@dataclass(frozen=True)
class BriefParameters:
    """The parameters each domain is analysed with (the same as its full report's)."""

    coverage_target: float = coverage.DEFAULT_TARGET
    lookback_days: int = 7
    checkpoint_window_days: int = checkpoints.DEFAULT_WINDOW_DAYS
    inspection_window_days: int = inspections.DEFAULT_WINDOW_DAYS
    rectify_days: int = inspections.DEFAULT_RECTIFY_DAYS
    persons_per_household: float = supply.DEFAULT_PERSONS_PER_HOUSEHOLD
    field_window_days: int = 1
    compliance_target: float = field_checks.DEFAULT_COMPLIANCE_TARGET
    risk_ratio: float = enterprises.DEFAULT_RISK_RATIO
    price_rules: tuple[prices.AlertRule, ...] = ()
    request_days: int = DEFAULT_REQUEST_DAYS
    stall_days: int = DEFAULT_STALL_DAYS

    def as_record(self) -> dict:
        """The parameters as plain JSON values (price rules as mappings)."""
        record = asdict(self)
        record["price_rules"] = [asdict(rule) for rule in self.price_rules]
        return record

    @classmethod
    def from_record(cls, record: Mapping | None, fallback: BriefParameters) -> BriefParameters:
        """Parameters read back from :meth:`as_record`; what the record lacks comes from ``fallback``."""
        record = record or {}
        known = {f.name for f in fields(cls)} - {"price_rules"}
        values = {name: record[name] for name in known if name in record}
        with contextlib.suppress(KeyError, TypeError):  # absent, or another version's: keep the fallback's
            values["price_rules"] = tuple(prices.AlertRule(**rule) for rule in record["price_rules"])
        return replace(fallback, **values)


# ---------------------------------------------------------------- plain JSON values


def plain(value):
    """A JSON value: numpy and pandas scalars converted, NaN/NaT/NA as None, timestamps as text.

    A timestamp at midnight reads ``YYYY-MM-DD``, any other ``YYYY-MM-DD HH:MM``.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """The rows of ``frame`` as plain mappings of ``columns``."""
    rows = frame[list(columns)].itertuples(index=False)
    return [plain(dict(zip(columns, row, strict=True))) for row in rows]


def _streets(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``street``, the name of its ``parent_id``."""
    return frame.assign(street=frame["parent_id"].map(areas.set_index("area_id")["name"]))


# ---------------------------------------------------------------- one function per domain


def _zones(data: Mapping) -> pd.DataFrame:
    """``zones``, optional as in the full reports: without it, an empty frame (no area sealed)."""
    return frame_or_empty(data, "zones")


def coverage_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Coverage of the current round: district, every community, silent testing sites (when the
    pack gives its sites)."""
    sites = frame_or_empty(data, "testing_sites")
    result = coverage.analyse_coverage(data["sampling"], data["areas"], sites, data["rounds"],
                                       _zones(data), day, target=p.coverage_target,
                                       lookback_days=p.lookback_days)
    full = coverage.coverage_figures(result)
    table = _streets(result.table[result.table["level"] == "community"], data["areas"]).sort_values("area_id")
    return plain({
        "round_id": full["round_id"], "round_name": full["round"]["name"],
        "coverage_target": full["coverage_target"],
        "district": {**full["district"], "short": result.district["short"], "band": result.district["band"],
                     "target": full["coverage_target"], "tone": coverage.coverage_tone(result.district)},
        "short_communities": full["short_communities"], "communities_total": result.district["communities"],
        "communities": records(table.assign(target=full["coverage_target"]),
                               ["area_id", "name", "street", "tested", "population", "coverage",
                                "target", "short", "gap", "band"]),
        "silent_sites": records(result.silent, ["site_id", "name", "kind", "silent_on", "last_reported"]),
        "sites_known": result.sites_known,
    }), list(result.warnings)


def checkpoint_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Flows of the last 24 h and the window, and each checkpoint's report of the day."""
    result = checkpoints.analyse_checkpoints(data["checkpoints"], data["checkpoint_daily"], day,
                                             window=p.checkpoint_window_days)
    full = checkpoints.checkpoint_figures(result)
    columns = ["checkpoint_id", "name", "reported", *checkpoints.COUNTS]
    tone = checkpoints.reporting_tone(full["total_today"]["reported"], full["total_today"]["expected"])
    return plain({"window": full["window"], "today": full["total_today"], "week": full["total_week"],
                  "tone": tone, "checkpoints": records(result.today, columns),
                  "missing_in_window": len(full["missing"])}), list(result.warnings)


def inspection_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Pass rate of the window, open findings (overdue flagged), repeat failures, places not visited."""
    result = inspections.analyse_inspections(data["inspections"], data["places"], day,
                                             window_days=p.inspection_window_days,
                                             rectify_days=p.rectify_days)
    full = inspections.inspection_figures(result)
    totals = {"window_days": result.window_days, "visits": full["visits"], "passed": full["passed"],
              "pass_rate": full["pass_rate"], "open": len(full["open"]), "overdue": len(full["overdue"]),
              "places": result.totals["places"], "visited": result.totals["visited"]}
    columns = ["inspection_id", "date", "team", "place_id", "name", "kind", "finding", "age_days", "overdue"]
    tone = inspections.findings_tone(totals["open"], totals["overdue"])
    return plain({"window": full["window"], "rectify_days": full["rectify_days"], "totals": totals,
                  "tone": tone, "open_findings": records(result.open, columns),
                  "repeat_failures": full["repeat_failures"], "not_visited": full["not_visited"]}), \
        list(result.warnings)


def supply_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Households served in sealed and controlled areas, by zone and by area (unserved flagged)."""
    result = supply.analyse_supply(data["deliveries"], data["suppliers"], data["packages"], data["areas"],
                                   _zones(data), day, persons_per_household=p.persons_per_household)
    full = supply.supply_figures(result)
    zones = {row["zone"]: {k: v for k, v in row.items() if k != "zone"}
             for row in records(result.zones, ["zone", "areas", "households", "served_24h", "share_24h",
                                               "unserved"])}
    columns = ["area_id", "name", "street", "zone", "households", "served_24h", "share_24h", "last_delivery",
               "unserved"]
    suppliers = records(result.suppliers, ["supplier_id", "name", "kind", "served_24h", "last_delivery",
                                           "stopped"])
    return plain({"zones": zones, "unserved": len(full["unserved_areas"]),
                  "tone": supply.unserved_tone(len(full["unserved_areas"])),
                  "watched_areas": records(_streets(result.served, data["areas"]), columns),
                  "stopped_suppliers": int(result.suppliers["stopped"].sum()), "suppliers": suppliers}), \
        list(result.warnings)


def price_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """The price alerts of the report date (the rules of ``parameters/price_alerts.yaml``)."""
    if not p.price_rules:
        raise WorkbenchError("no price-alert rule was given")
    result = prices.analyse_prices(data["prices"], data["price_baselines"], list(p.price_rules), day)
    alerts = [{"price_rule": a["rule"], "kind": kind, "commodity": a["commodity"], "market": a["market"],
               "value": a["value"], "price": a["price"], "unit": unit, "compared_with": a["compared_with"]}
              for a, kind, unit in zip(prices.price_alert_figures(result), result.alerts["kind"],
                                       result.alerts["unit"], strict=True)]
    return plain({"series_today": len(result.today), "alert_count": len(alerts), "alerts": alerts,
                  "tone": prices.alerts_tone(len(alerts))}), \
        list(result.warnings)


def field_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Home-quarantine compliance per item and community, and testing sites whose waste waits."""
    quarantine_known = _has(data, "quarantine_checks", "areas")
    waste_known = _has(data, "medical_waste", "testing_sites")
    result = field_checks.analyse_field_checks(
        *(frame_or_empty(data, n) for n in ("quarantine_checks", "medical_waste", "testing_sites", "areas")),
        day, window_days=p.field_window_days, compliance_target=p.compliance_target,
        quarantine_known=quarantine_known, waste_known=waste_known)
    full = field_checks.field_figures(result)
    items = result.items.rename(columns={"share": "compliance"})
    items["below_target"] = items["band"].isin(["near", "short"])
    items["target"] = result.compliance_target
    areas = _streets(result.areas, frame_or_empty(data, "areas"))
    areas["compliant"] = [row[row["weakest_item"]] if isinstance(row["weakest_item"], str) else None
                          for row in areas.to_dict("records")]
    areas = areas.rename(columns={"weakest_share": "compliance"})
    areas["below_target"] = areas["band"].isin(["near", "short"])
    areas["target"] = result.compliance_target
    waste = {"kg_24h": full["waste_kg_24h"], "bags_24h": full["waste_bags_24h"],
             "testing_sites": full["testing_sites"], "uncollected": len(full["uncollected_sites"] or ())}
    uncollected = result.uncollected.assign(hours_since=result.uncollected["hours_since"].round(1))
    if not quarantine_known:
        items = items.iloc[:0]
    return plain({
        "cutoff": full["cutoff"], "compliance_target": result.compliance_target,
        "quarantine_known": quarantine_known, "waste_known": waste_known,
        "quarantine": {"households": full["quarantine_households"], "communities": full["quarantine_areas"],
                       "communities_below_target": int(areas["below_target"].sum())}
        if quarantine_known else None,
        "quarantine_items": records(items, ["item", "compliant", "households", "compliance", "target",
                                            "below_target", "band"]),
        "quarantine_communities": records(areas, ["area_id", "name", "street", "households", "weakest_item",
                                                  "compliant", "compliance", "target", "below_target",
                                                  "band"]),
        "waste": waste if waste_known else None,
        "uncollected_sites": records(uncollected, ["site_id", "name", "kind", "last_collected",
                                                   "hours_since"]),
    }), list(result.warnings)


def _has(data: Mapping, *names: str) -> bool:
    return all(name in data for name in names)


def enterprise_brief(data: Mapping, day: pd.Timestamp, p: BriefParameters) -> tuple[dict, list[str]]:
    """Every annual target's progress and status, and the counts by status."""
    result = enterprises.analyse_enterprises(data["enterprises"], data["production"], data["targets"], day,
                                             checks=data.get("enterprise_checks"), risk_ratio=p.risk_ratio)
    full = enterprises.enterprise_figures(result)
    keep = ("enterprise_id", "name", "product", "unit", "ytd", "target", "progress", "elapsed", "projected",
            "status")
    return plain({"year": full["year"], "as_of": full["as_of"], "risk_ratio": full["risk_ratio"],
                  "by_status": full["by_status"], "enterprises_by_status": full["enterprises_by_status"],
                  "tone": enterprises.targets_tone(full["by_status"]),
                  "missing_reports": len(full["missing_reports"]),
                  "targets": [{k: row[k] for k in keep} for row in full["progress"]]}), list(result.warnings)


# ---------------------------------------------------------------- the domains


@dataclass(frozen=True)
class Domain:
    """A domain of the brief: the full report it summarises, the datasets it needs, its figures."""

    name: str
    report: str
    datasets: tuple[str, ...]
    compute: Callable[[Mapping, pd.Timestamp, BriefParameters], tuple[dict, list[str]]]
    optional: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()  # groups of datasets: the domain needs one whole

    def missing(self, available) -> list[str]:
        """What ``available`` lacks for the domain to run: its required datasets not there, and
        when no group of ``any_of`` is whole, the groups' datasets not there."""
        available = set(available)
        lacking = [n for n in self.datasets if n not in available]
        if self.any_of and not any(set(group) <= available for group in self.any_of):
            lacking += [n for group in self.any_of for n in group if n not in available and n not in lacking]
        return lacking

    def loads(self, available) -> list[list[str]]:
        """The lists of datasets to load together for the domain: one, or one per whole group."""
        available = set(available)
        base = [n for n in (*self.datasets, *self.optional) if n in available]
        groups = [g for g in self.any_of if set(g) <= available] or [()]
        return [list(dict.fromkeys([*base, *group])) for group in groups]


DOMAINS = (
    Domain("coverage", "testing_coverage", ("areas", "rounds", "sampling"),
           coverage_brief, optional=("zones", "testing_sites")),
    Domain("checkpoints", "checkpoints", ("checkpoints", "checkpoint_daily"), checkpoint_brief),
    Domain("inspections", "inspections", ("places", "inspections"), inspection_brief),
    Domain("supply", "supply_prices", section_datasets("supply_prices", "supply"), supply_brief,
           optional=("zones",)),
    Domain("prices", "supply_prices", section_datasets("supply_prices", "prices"), price_brief),
    Domain("field_checks", "field_checks", (), field_brief,
           any_of=tuple(section_datasets("field_checks", key) for key in ("quarantine", "waste"))),
    Domain("enterprises", "enterprise_output", section_datasets("enterprise_output", "progress"),
           enterprise_brief, optional=("enterprise_checks",)),
    Domain("requests", "enterprise_output", section_datasets("enterprise_output", "requests"), request_brief,
           optional=("enterprises",)),
    Domain("projects", "projects", ("projects", "project_milestones"), project_brief),
    Domain("staffing", "field_checks", section_datasets("field_checks", "staffing"), staffing_brief),
)
DOMAIN_NAMES = tuple(d.name for d in DOMAINS)


def domain(name: str) -> Domain:
    """The domain called ``name``."""
    return next(d for d in DOMAINS if d.name == name)


def datasets_wanted(available) -> list[str]:
    """The datasets to load: those of every domain whose required datasets are all ``available``."""
    wanted = []
    for d in DOMAINS:
        if not d.missing(available):
            wanted += [n for names in d.loads(available) for n in names if n not in wanted]
    return wanted


def linked_reports() -> list[str]:
    """The full reports the brief links to, in the order of its domains."""
    return list(dict.fromkeys(d.report for d in DOMAINS))


@dataclass(frozen=True)
class BriefFigures:
    """What :func:`compute_figures` found for one date."""

    report_date: str
    domains: dict[str, dict]
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def compute_figures(data: Mapping[str, pd.DataFrame], report_date, params: BriefParameters | None = None
                    ) -> BriefFigures:
    """Headline figures of every domain on ``report_date``, from the loaded datasets.

    Parameters
    ----------
    data : mapping
        Dataset name → loaded frame (e.g. :class:`workbench.intake.loading.Datasets`).
    report_date : date-like
    params : BriefParameters, optional

    Returns
    -------
    BriefFigures
        ``domains`` in the order of :data:`DOMAINS`; a domain whose datasets are not in ``data``,
        or whose analysis fails, is in ``skipped`` with the reason (the message of a
        :class:`WorkbenchError`; for any other error its type and message: the brief still comes
        out, the domain's card says why it is empty, and its full report fails on its own).
        Each domain's warnings are prefixed with its name.
    """
    params = params or BriefParameters()
    day = pd.Timestamp(report_date).normalize()
    found, skipped, warnings = {}, {}, []
    for d in DOMAINS:
        if missing := d.missing(data):
            skipped[d.name] = f"datasets not loaded: {', '.join(missing)}"
            continue
        try:
            figures, notes = d.compute(data, day, params)
        except WorkbenchError as exc:
            skipped[d.name] = str(exc)
            continue
        except Exception as exc:  # one domain's failure must not take the brief down
            skipped[d.name] = f"the analysis failed ({type(exc).__name__}: {exc}); see the {d.report} report"
            continue
        found[d.name] = figures
        warnings += [f"{d.name}: {note}" for note in notes]
    return BriefFigures(f"{day:%Y-%m-%d}", found, skipped, warnings)


def rules_checked(rules: Sequence[Rule], figures: BriefFigures) -> dict[str, str]:
    """Rule id → digest of the rules whose domain has figures (the rules actually checked)."""
    return {rule.id: rule.digest for rule in rules if rule.domain in figures.domains}
