"""The coverage domain's metrics for the explorer: coverage, gap to target, site load.

The person-level count of a round and the daily load of every site are cached in the
:class:`~workbench.present.explore.registry.Context`; a change of target, street or basemap only
reclassifies and redraws. The history of a community (or street) is its coverage in every round
started by the report date; the history of a testing site its samples and peak load per round.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.domains import coverage
from workbench.present import display
from workbench.present.explore import registry
from workbench.present.explore.choices import started_rounds
from workbench.present.explore.common import area_features, history_view, map_options, point_features, titled
from workbench.present.explore.registry import Context, History, MetricView, Selection, Threshold
from workbench.present.i18n import label
from workbench.present.maps import coverage as coverage_maps
from workbench.present.views import coverage as view

DATASETS = ("areas", "zones", "testing_sites", "rounds", "sampling")
OPTIONAL = ("admin_boundaries",)

#: The coverage target slider (DESIGN.md: ``coverage_target``, default 0.95).
TARGET = Threshold("target", 0.80, 1.00, 0.01, coverage.DEFAULT_TARGET)
#: A site is over the alert level when its busiest hour used this share of its hourly capacity.
LOAD_ALERT = Threshold("exp_load_alert", 0.50, 1.50, 0.05, 1.00)


def coverage_result(context: Context, selection: Selection, target: float) -> coverage.CoverageResult:
    """:func:`workbench.domains.coverage.analyse_coverage` of the selection, heavy steps cached.

    The distinct count of persons is cached per round, the daily load of every site once.
    """
    data = context.data
    chosen = coverage.select_round(data.rounds, selection.date, selection.round_id)
    round_id = str(chosen["round_id"])
    tested = context.cached(("coverage.tested", round_id),
                            lambda: coverage.count_tested(data.sampling, chosen["start"], chosen["end"]))
    load = context.cached("coverage.site_daily_load",
                          lambda: coverage.site_daily_load(data.sampling, data.testing_sites))
    return coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds, data.zones,
                                     selection.date, round_id=round_id, scope=selection.scope, target=target,
                                     tested=tested, daily_load=load)


def scope_sites(context: Context, result: coverage.CoverageResult):
    """The round summary of the sites in the result's scope.

    :func:`~workbench.domains.coverage.site_round_summary` of the sites the scope holds.
    """
    data = context.data
    return coverage.site_round_summary(result, coverage.sites_in_scope(data.testing_sites, data.areas,
                                                                       result.scope))


def _rounds_by(context: Context, selection: Selection) -> list[str]:
    """The ids of the rounds started by the selection's date, earliest first."""
    return [str(r) for r in started_rounds(context.data.rounds, selection.date)["round_id"]]


def area_history(context: Context, selection: Selection) -> History:
    """Area ``selection.feature`` in every round started by the report date, earliest first.

    Columns: ``round_id``, ``tested``, ``population``, ``coverage``, ``short`` (against the
    slider's target, or the default target for the site-load metric).
    """
    target = selection.threshold
    rows = []
    for round_id in _rounds_by(context, selection):
        chosen = dataclasses.replace(selection, round_id=round_id, scope="district")
        table = coverage_result(context, chosen, target).table
        found = table[table["area_id"] == selection.feature]
        if len(found):
            rows.append(found.iloc[0][["tested", "population", "coverage", "short"]].to_dict()
                        | {"round_id": round_id})
    frame = pd.DataFrame(rows, columns=["round_id", "tested", "population", "coverage", "short"])
    lang = selection.lang
    shown = frame.assign(short=frame["short"].map(lambda s: label("short" if s else "reached", lang)))
    columns = {"round_id": "round", "tested": "tested", "population": "population", "coverage": "coverage",
               "short": "exp_state"}
    name = context.data.areas.set_index("area_id")["name"].get(selection.feature, "")
    return history_view(shown, columns, lang, f"{name} ({selection.feature})", data=frame,
                        formats={"coverage": display.share_formatter(1)})


def site_history(context: Context, selection: Selection) -> History:
    """Testing site ``selection.feature`` in every round started by the report date: samples, peak load.

    Columns: ``round_id``, ``samples``, ``peak_hour_samples``, ``peak_load``.
    """
    rows = []
    for round_id in _rounds_by(context, selection):
        chosen = dataclasses.replace(selection, round_id=round_id, scope="district")
        sites = scope_sites(context, coverage_result(context, chosen, coverage.DEFAULT_TARGET))
        found = sites[sites["site_id"].astype(str) == selection.feature]
        if len(found):
            rows.append(found.iloc[0][["samples", "peak_hour_samples", "peak_load"]].to_dict()
                        | {"round_id": round_id})
    frame = pd.DataFrame(rows, columns=["round_id", "samples", "peak_hour_samples", "peak_load"])
    columns = {"round_id": "round", "samples": "samples", "peak_hour_samples": "peak_hour_samples",
               "peak_load": "peak_load"}
    sites = context.data.testing_sites
    names = sites.set_index(sites["site_id"].astype(str))["name"]
    return history_view(frame, columns, selection.lang, titled(names, selection.feature),
                        formats={"peak_load": display.share_formatter(0)})


def _area_features(result: coverage.CoverageResult, areas):
    return area_features(result.table.loc[result.table["level"] == "community", "area_id"], areas)


@registry.register_metric("coverage", label="coverage", datasets=DATASETS, optional=OPTIONAL,
                          threshold=TARGET, history=area_history)
def coverage_view(context: Context, selection: Selection) -> MetricView:
    """Every area of the scope with its coverage; communities shaded against the target."""
    areas, lang = context.data.areas, selection.lang
    result = coverage_result(context, selection, selection.threshold)
    fmap = coverage_maps.coverage_map(result, areas, scope_sites(context, result),
                                      map_options(context, selection))
    return MetricView(view.area_rows(result), fmap, view.area_table(result, areas, lang).data,
                      view.headline(result, lang).data, result.warnings, _area_features(result, areas))


@registry.register_metric("gap", label="gap", datasets=DATASETS, optional=OPTIONAL, threshold=TARGET,
                          history=area_history)
def gap_view(context: Context, selection: Selection) -> MetricView:
    """Communities short of the target, largest gap first; communities shaded by gap."""
    areas, lang = context.data.areas, selection.lang
    result = coverage_result(context, selection, selection.threshold)
    fmap = coverage_maps.gap_map(result, areas, map_options(context, selection))
    return MetricView(result.short.reset_index(drop=True), fmap, view.short_table(result, areas, lang).data,
                      view.headline(result, lang).data, result.warnings,
                      area_features(result.short["area_id"], areas))


@registry.register_metric("site_load", label="exp_site_load", datasets=DATASETS, optional=OPTIONAL,
                          threshold=LOAD_ALERT, history=site_history)
def site_load_view(context: Context, selection: Selection) -> MetricView:
    """Testing sites of the scope in the round: samples, worst peak hour against capacity, state."""
    lang, alert = selection.lang, selection.threshold
    result = coverage_result(context, selection, coverage.DEFAULT_TARGET)
    sites = scope_sites(context, result)
    sites = view.site_load_rows(sites.assign(status=coverage.site_load_status(sites, alert)))
    fmap = coverage_maps.site_load_map(result, context.data.areas, sites, map_options(context, selection),
                                       alert=alert)
    return MetricView(sites, fmap, view.site_load_table(sites, lang).data,
                      view.site_load_headline(sites, alert, result, lang).data, result.warnings,
                      point_features(sites.dropna(subset=["lon", "lat"]), "site_id"))
