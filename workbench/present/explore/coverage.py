"""The coverage domain's metrics for the explorer: coverage, gap to target, site load.

The person-level count of a round and the daily load of every site are cached in the
:class:`~workbench.present.explore.registry.Context`; a change of target, street or basemap only
reclassifies and redraws.
"""

from __future__ import annotations

from workbench.domains import coverage
from workbench.present.explore.registry import Context, MetricView, Selection, Threshold, register_metric
from workbench.present.maps import coverage as coverage_maps
from workbench.present.maps.base import MapOptions
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


def _map_options(context: Context, selection: Selection) -> MapOptions:
    return MapOptions(boundaries=context.optional("admin_boundaries"), basemap=selection.basemap,
                      lang=selection.lang, source_datum=context.pack.datum)


def _scope_sites(context: Context, result: coverage.CoverageResult):
    """The round summary of the sites in the result's scope."""
    data = context.data
    return coverage.site_round_summary(result, coverage.sites_in_scope(data.testing_sites, data.areas,
                                                                       result.scope))


@register_metric("coverage", label="coverage", datasets=DATASETS, optional=OPTIONAL, threshold=TARGET)
def coverage_view(context: Context, selection: Selection) -> MetricView:
    """Every area of the scope with its coverage; communities shaded against the target."""
    areas, lang = context.data.areas, selection.lang
    result = coverage_result(context, selection, selection.threshold)
    fmap = coverage_maps.coverage_map(result, areas, _scope_sites(context, result),
                                      _map_options(context, selection))
    return MetricView(view.area_rows(result), fmap, view.area_table(result, areas, lang).data,
                      view.headline(result, lang).data, result.warnings)


@register_metric("gap", label="gap", datasets=DATASETS, optional=OPTIONAL, threshold=TARGET)
def gap_view(context: Context, selection: Selection) -> MetricView:
    """Communities short of the target, largest gap first; communities shaded by gap."""
    areas, lang = context.data.areas, selection.lang
    result = coverage_result(context, selection, selection.threshold)
    fmap = coverage_maps.gap_map(result, areas, _map_options(context, selection))
    return MetricView(result.short.reset_index(drop=True), fmap, view.short_table(result, areas, lang).data,
                      view.headline(result, lang).data, result.warnings)


@register_metric("site_load", label="exp_site_load", datasets=DATASETS, optional=OPTIONAL,
                 threshold=LOAD_ALERT)
def site_load_view(context: Context, selection: Selection) -> MetricView:
    """Testing sites of the scope in the round: samples, worst peak hour against capacity, state."""
    lang, alert = selection.lang, selection.threshold
    result = coverage_result(context, selection, coverage.DEFAULT_TARGET)
    sites = _scope_sites(context, result)
    sites = view.site_load_rows(sites.assign(status=coverage.site_load_status(sites, alert)))
    fmap = coverage_maps.site_load_map(result, context.data.areas, sites, _map_options(context, selection),
                                       alert=alert)
    return MetricView(sites, fmap, view.site_load_table(sites, lang).data,
                      view.site_load_headline(sites, alert, result, lang).data, result.warnings)
