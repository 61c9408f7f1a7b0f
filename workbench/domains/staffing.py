"""Front-line staffing (4000余名一线抗疫工作者): people on duty against plan per unit and role.

Definitions (DESIGN.md, "Staffing"), with the counting made exact; D is the report date:

- Only the ``staffing`` rows dated D count; a report on a day without rows says so (no
  figure is shown as 0).
- A **unit** is a (``unit_kind``, ``unit_id``) pair; one row gives its ``planned`` and
  ``on_duty`` people of one ``role``.
- A **unit** is short when its ``on_duty`` < its ``planned`` (each summed over its roles;
  on_duty = planned is not short); its **shortfall** = planned − on_duty when short, else 0.
  The same rule per unit and role lists the roles short (a unit over plan in one role and
  short in another may be short in a role and not as a unit).
- The district's (and a unit kind's) shortfall is the sum of its units' shortfalls.
- **District on duty** = Σ ``on_duty`` of the rows dated D; district planned likewise.
- Per unit kind: units, units short, planned, on duty, shortfall.
- A unit's **name** is its testing site's, checkpoint's or (a quarantine team) community's name
  from the pack (:func:`unit_names`); a unit no dataset names is shown by its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import ratio

UNIT = ["unit_kind", "unit_id"]
#: Where a unit kind's names are: (dataset, its id column) — a quarantine team is its community's.
NAMED_BY = {"testing_site": ("testing_sites", "site_id"), "checkpoint": ("checkpoints", "checkpoint_id"),
            "quarantine_team": ("areas", "area_id")}


def unit_names(datasets: dict) -> dict[str, dict[str, str]]:
    """Unit kind → unit id → name, from those of ``datasets`` (name → frame, None when absent) that
    :data:`NAMED_BY` lists; each needs its id column and ``name``."""
    names = {}
    for kind, (dataset, column) in NAMED_BY.items():
        frame = datasets.get(dataset)
        if frame is not None and {column, "name"} <= set(frame.columns):
            known = frame.dropna(subset=[column, "name"])
            names[kind] = dict(zip(known[column].astype(str), known["name"].astype(str), strict=True))
    return names


def with_names(frame: pd.DataFrame, names: dict[str, dict[str, str]] | None) -> pd.DataFrame:
    """``frame`` (``unit_kind``, ``unit_id``) with ``name`` (None where no dataset names the unit)
    and ``unit``: ``name (id)``, or the id alone."""
    names = names or {}
    pairs = zip(frame["unit_kind"], frame["unit_id"], strict=True)
    found = [names.get(str(kind), {}).get(str(unit_id)) for kind, unit_id in pairs]
    unit = [str(i) if n is None else f"{n} ({i})" for n, i in zip(found, frame["unit_id"], strict=True)]
    return frame.assign(name=pd.Series(found, index=frame.index, dtype=object),
                        unit=pd.Series(unit, index=frame.index, dtype=object))


def day_rows(staffing: pd.DataFrame, report_date) -> pd.DataFrame:
    """The rows dated on the report date, with ``shortfall`` (planned − on_duty, at least 0) and ``short``.

    ``staffing`` needs ``date``, ``unit_kind``, ``unit_id``, ``role``, ``planned``, ``on_duty``.
    """
    day = pd.Timestamp(report_date).normalize()
    rows = staffing[pd.to_datetime(staffing["date"]).dt.normalize() == day].copy()
    for column in ("planned", "on_duty"):
        rows[column] = rows[column].astype("int64")
    rows["shortfall"] = np.maximum(rows["planned"] - rows["on_duty"], 0)
    rows["short"] = rows["shortfall"] > 0
    return rows.sort_values([*UNIT, "role"], ignore_index=True)


def unit_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Per unit: ``unit_kind``, ``unit_id``, ``planned``, ``on_duty``, ``roles_short``, ``shortfall``,
    ``short``.

    Short units first (largest shortfall first), then by kind and id.
    """
    units = (
        rows.groupby(UNIT)
        .agg(planned=("planned", "sum"), on_duty=("on_duty", "sum"), roles_short=("short", "sum"))
        .reset_index()
    )
    units[["planned", "on_duty", "roles_short"]] = units[["planned", "on_duty", "roles_short"]].astype(
        "int64"
    )
    units["shortfall"] = np.maximum(units["planned"] - units["on_duty"], 0)
    units["short"] = units["on_duty"] < units["planned"]
    return units.sort_values(["shortfall", *UNIT], ascending=[False, True, True], ignore_index=True)


def kind_totals(units: pd.DataFrame) -> pd.DataFrame:
    """Per unit kind: ``unit_kind``, ``units``, ``units_short``, ``planned``, ``on_duty``, ``shortfall``,
    ``share``.

    ``share`` = on_duty ÷ planned (NaN when nothing planned).
    """
    kinds = (
        units.groupby("unit_kind")
        .agg(
            units=("unit_id", "size"),
            units_short=("short", "sum"),
            planned=("planned", "sum"),
            on_duty=("on_duty", "sum"),
            shortfall=("shortfall", "sum"),
        )
        .reset_index()
    )
    kinds[["units", "units_short"]] = kinds[["units", "units_short"]].astype("int64")
    kinds["share"] = ratio(kinds["on_duty"], kinds["planned"])
    return kinds


@dataclass
class StaffingResult:
    """Everything the staffing section shows, computed by :func:`analyse_staffing`."""

    report_date: pd.Timestamp
    rows: pd.DataFrame
    units: pd.DataFrame
    kinds: pd.DataFrame
    totals: dict
    warnings: list[str] = field(default_factory=list)


def analyse_staffing(staffing: pd.DataFrame, report_date, unit_kinds=None,
                     names: dict[str, dict[str, str]] | None = None) -> StaffingResult:
    """People on duty against plan per unit and role on the report date, short units, district totals.

    Parameters
    ----------
    staffing : DataFrame
        ``date``, ``unit_kind``, ``unit_id``, ``role``, ``planned``, ``on_duty``.
    report_date : date-like
    unit_kinds : sequence of str, optional
        Keep only these unit kinds (a field report shows its own units); all by default.
    names : mapping, optional
        :func:`unit_names`: rows and units get ``name`` and ``unit`` (:func:`with_names`).
    """
    day = pd.Timestamp(report_date).normalize()
    kept = staffing if unit_kinds is None else staffing[staffing["unit_kind"].isin(list(unit_kinds))]
    rows = with_names(day_rows(kept, day), names)
    warnings = [] if len(rows) else [f"no staffing rows dated {day:%Y-%m-%d}"]
    units = with_names(unit_totals(rows), names)
    planned, on_duty = int(rows["planned"].sum()), int(rows["on_duty"].sum())
    totals = {
        "units": int(len(units)),
        "units_short": int(units["short"].sum()),
        "rows_short": int(rows["short"].sum()),
        "planned": planned,
        "on_duty": on_duty,
        "shortfall": int(units["shortfall"].sum()),
        "share": ratio(on_duty, planned),
    }
    if not len(rows):
        totals = dict.fromkeys(totals)
    return StaffingResult(
        report_date=day, rows=rows, units=units, kinds=kind_totals(units), totals=totals, warnings=warnings
    )


def staffing_figures(result: StaffingResult) -> dict:
    """The JSON ``figures`` of the staffing section (under ``staffing`` of its report)."""
    share = result.totals["share"]
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        **{k: v for k, v in result.totals.items() if k != "share"},
        "share": None if share is None or pd.isna(share) else round(float(share), 6),
        "by_kind": [
            {
                "unit_kind": str(r.unit_kind),
                "units": int(r.units),
                "units_short": int(r.units_short),
                "planned": int(r.planned),
                "on_duty": int(r.on_duty),
                "shortfall": int(r.shortfall),
            }
            for r in result.kinds.itertuples(index=False)
        ],
        "short_units": [
            {
                "unit_kind": str(r.unit_kind),
                "unit_id": str(r.unit_id),
                "name": r.name,
                "unit": r.unit,
                "planned": int(r.planned),
                "on_duty": int(r.on_duty),
                "shortfall": int(r.shortfall),
            }
            for r in result.units[result.units["short"]].itertuples(index=False)
        ],
    }
