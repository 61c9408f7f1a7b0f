"""The field-checks domain in the explorer: home-quarantine compliance, hours since medical-waste
collection.

Quarantine: the window (reporting days) and the compliance target (the slider) of
:func:`workbench.domains.field_checks.analyse_field_checks`, the street (common scope control)
limiting the communities; the history of a community is its compliance on each of the last
:data:`HISTORY_DAYS` reporting days. Waste: the site kind limits the testing points; the
history of a point is its collections of the last :data:`HISTORY_DAYS` days up to the cut-off.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.domains import field_checks
from workbench.intake.needs import frame_or_empty
from workbench.intake.vocabulary import QUARANTINE_ITEMS
from workbench.present import display
from workbench.present.explore import registry
from workbench.present.explore.common import (
    area_features,
    filter_control,
    history_view,
    map_options,
    point_features,
    titled,
    window_control,
)
from workbench.present.explore.registry import Context, History, MetricView, Selection, Threshold
from workbench.present.i18n import label
from workbench.present.maps.field_checks import quarantine_map, waste_map
from workbench.present.views import field_checks as view

QUARANTINE_DATASETS = ("areas", "quarantine_checks")
WASTE_DATASETS = ("testing_sites", "medical_waste")
OPTIONAL = ("admin_boundaries",)
#: The waste map outlines the streets when the pack has areas; a waste department's pack has none.
WASTE_OPTIONAL = ("areas", *OPTIONAL)
#: Days listed in a history, ending on the report date.
HISTORY_DAYS = 7
ITEMS = QUARANTINE_ITEMS

#: The compliance-target slider (``compliance_target``, default 0.95).
COMPLIANCE = Threshold("exp_compliance_target", 0.80, 1.00, 0.01, field_checks.DEFAULT_COMPLIANCE_TARGET)
QUARANTINE_CONTROLS = (window_control(1, choices=(1, 3, 7), key="fc_window"),)


def _kinds(context: Context):
    present = list(dict.fromkeys(context.data.testing_sites["kind"].dropna()))
    return [(kind, kind) for kind in present]


WASTE_CONTROLS = (filter_control("site_kind", "kind", "exp_all", _kinds, translate=label),)


def field_result(context: Context, day, window: int, target: float,
                 with_quarantine: bool = True) -> field_checks.FieldResult:
    """:func:`~workbench.domains.field_checks.analyse_field_checks` of the datasets the pack has.

    A metric of one part (quarantine or waste) does not need the other part's datasets: a
    missing one is passed empty.
    """
    checks, waste, sites, areas = (frame_or_empty(context.data, name) for name in
                                   ("quarantine_checks", "medical_waste", "testing_sites", "areas"))
    key = ("field_checks", pd.Timestamp(day), int(window), float(target))
    return context.cached(key, lambda: field_checks.analyse_field_checks(
        checks, waste, sites, areas, day, window_days=int(window), compliance_target=float(target)))



def scoped_quarantine(context: Context, selection: Selection) -> field_checks.FieldResult:
    """The field result of the selection, its communities limited to the chosen street."""
    result = field_result(context, selection.date, selection.option("fc_window", 1), selection.threshold)
    if selection.scope == "district":
        return result
    return dataclasses.replace(result, areas=result.areas[result.areas["parent_id"] == selection.scope])


def area_compliance_history(context: Context, selection: Selection) -> History:
    """Community ``selection.feature`` on each of the last :data:`HISTORY_DAYS` reporting days.

    Columns: ``date``, ``households``, ``share_<item>`` of each item, ``weakest_share``; a day
    without checks of the community has missing values. Newest first.
    """
    checks = context.data.quarantine_checks
    rows = []
    for day in pd.date_range(end=selection.date, periods=HISTORY_DAYS, freq="D")[::-1]:
        areas = context.cached(("quarantine_by_area", day), lambda d=day: field_checks.quarantine_by_area(
            checks, context.data.areas, d, 1))
        found = areas[areas["area_id"] == selection.feature]
        values = found.iloc[0] if len(found) else None
        rows.append({"date": day, "households": None if values is None else int(values["households"]),
                     **{f"share_{i}": float("nan") if values is None else float(values[f"share_{i}"])
                        for i in ITEMS},
                     "weakest_share": float("nan") if values is None else float(values["weakest_share"])})
    frame = pd.DataFrame(rows)
    shown = frame.assign(households=frame["households"].map(lambda v: "—" if v is None or pd.isna(v)
                                                            else f"{int(v)}"))
    columns = {"date": "cp_day", "households": "fc_households_checked",
               **{f"share_{i}": f"fc_{i}" for i in ITEMS}, "weakest_share": "fc_weakest"}
    share = display.share_formatter(0)
    name = context.data.areas.set_index("area_id")["name"].get(selection.feature, "")
    return history_view(shown, columns, selection.lang, f"{name} ({selection.feature})", data=frame,
                        formats={c: share for c in columns if c.startswith("share_") or c == "weakest_share"})


@registry.register_metric("fc_quarantine", label="exp_quarantine_compliance", datasets=QUARANTINE_DATASETS,
                          optional=OPTIONAL, threshold=COMPLIANCE, uses_round=False,
                          controls=QUARANTINE_CONTROLS, history=area_compliance_history)
def quarantine_view(context: Context, selection: Selection) -> MetricView:
    """Every community checked in the window: each item's compliance, weakest first."""
    result = scoped_quarantine(context, selection)
    areas, lang = context.data.areas, selection.lang
    fmap = quarantine_map(result, areas, map_options(context, selection))
    return MetricView(result.areas.reset_index(drop=True), fmap, view.areas_table(result, areas, lang).data,
                      view.headline(result, lang).data, result.warnings,
                      area_features(result.areas["area_id"], areas))


def site_waste_history(context: Context, selection: Selection) -> History:
    """Collections at testing point ``selection.feature`` over the last :data:`HISTORY_DAYS` days.

    The days end at the report date's cut-off (08:00). Columns: ``collected_at``,
    ``weight_kg``, ``bags``; newest first.
    """
    waste = context.data.medical_waste
    cutoff = field_checks.cutoff_of(selection.date)
    start = cutoff - pd.Timedelta(days=HISTORY_DAYS)
    rows = waste[(waste["site_id"].astype(str) == selection.feature) & (waste["collected_at"] > start)
                 & (waste["collected_at"] <= cutoff)]
    frame = rows.sort_values("collected_at", ascending=False)[["collected_at", "weight_kg", "bags"]]
    shown = frame.assign(collected_at=frame["collected_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}"))
    columns = {"collected_at": "fc_last_collected", "weight_kg": "fc_waste_kg", "bags": "fc_bags"}
    sites = context.data.testing_sites
    names = sites.set_index(sites["site_id"].astype(str))["name"]
    return history_view(shown, columns, selection.lang, titled(names, selection.feature), data=frame)


@registry.register_metric("fc_waste", label="exp_waste_hours", datasets=WASTE_DATASETS,
                          optional=WASTE_OPTIONAL, uses_round=False, uses_scope=False,
                          controls=WASTE_CONTROLS, history=site_waste_history)
def waste_view(context: Context, selection: Selection) -> MetricView:
    """Every testing point of the chosen kind: hours since its last collection, longest first."""
    result = field_result(context, selection.date, 1, field_checks.DEFAULT_COMPLIANCE_TARGET)
    kind = selection.option("site_kind")
    sites = result.sites if not kind else result.sites[result.sites["kind"] == kind]
    result = dataclasses.replace(result, sites=sites.reset_index(drop=True))
    areas, lang = frame_or_empty(context.data, "areas"), selection.lang
    fmap = waste_map(result, areas, map_options(context, selection))
    rows = sites.sort_values(["hours_since", "site_id"], ascending=[False, True], na_position="first")
    return MetricView(rows.reset_index(drop=True), fmap, view.sites_table(result, lang).data,
                      view.headline(result, lang).data, result.warnings, point_features(sites, "site_id"))
