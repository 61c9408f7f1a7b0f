"""Testing capacity in the explorer: can each street's sites test its population within the round?

Controls: the round, the street and the coverage target (the slider, shared with the coverage
metrics). The coverage of the round comes from the coverage metrics' cached computation
(:func:`workbench.present.explore.coverage.coverage_result`, through
:mod:`workbench.domains.coverage` alone), so moving the target only reclassifies; it is passed
with the round's sites to :func:`workbench.domains.capacity.analyse_capacity`, the remaining
capacity counted from the report date's 08:00 data cut-off. The map shades each street by its
state (cannot reach the target in the round, capacity-short, or enough); the history of a
street is its capacity in every round started by the report date.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.domains import capacity
from workbench.domains.field_checks import cutoff_of
from workbench.present import display
from workbench.present.explore import registry
from workbench.present.explore.choices import started_rounds
from workbench.present.explore.common import area_features, history_view, map_options
from workbench.present.explore.coverage import DATASETS, OPTIONAL, TARGET, coverage_result, scope_sites
from workbench.present.explore.registry import Context, History, MetricView, Selection
from workbench.present.i18n import format_count, format_share, label
from workbench.present.maps import base
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.present.views import capacity as view


def capacity_result(context: Context, selection: Selection) -> capacity.CapacityResult:
    """:func:`~workbench.domains.capacity.analyse_capacity` of the chosen round, street and target."""
    result = coverage_result(context, selection, selection.threshold)
    return capacity.analyse_capacity(scope_sites(context, result), context.data.areas, result.round,
                                     result.table, cutoff_of(selection.date), target=selection.threshold)


def _tooltip(row, lang: str) -> str:
    key, _ = view.street_state(row)
    ratio = f"{format_share(row.capacity_ratio)} ({row.capacity:,.0f} / {row.population:,.0f})"
    return (f"<b>{escape(row.name)} ({escape(row.area_id)})</b> · {escape(label(key, lang))}"
            f"<br>{escape(label('tc_ratio', lang))}: {escape(ratio)}"
            f"<br>{escape(label('tc_gap', lang))}: {row.gap:,.0f} · "
            f"{escape(label('tc_remaining', lang))}: {row.remaining_capacity:,.0f}")


def capacity_map(context: Context, selection: Selection, result: capacity.CapacityResult):
    """The streets of the result shaded by their capacity state, with a legend of the states."""
    lang, options = selection.lang, map_options(context, selection)
    areas = context.data.areas
    shapes = areas[["area_id", "geometry"]].merge(result.streets, on="area_id")
    fmap = options.new_map(shapes.total_bounds)
    rows = list(shapes.itertuples(index=False))
    fill = [STATUS_COLOURS[view.street_state(r)[1]] for r in rows]
    base.add_polygons(fmap, shapes, fill, [_tooltip(r, lang) for r in rows], label("tc_street", lang))
    items = [(STATUS_COLOURS[tone], label(key, lang)) for key, tone in view.STREET_STATES]
    base.add_legend(fmap, [(label("tc_section", lang), items)], note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)


def _headline(result: capacity.CapacityResult, lang: str) -> str:
    streets = result.streets
    total = format_count(len(streets), lang)
    short, cannot = int(streets["capacity_short"].sum()), int(streets["cannot_reach"].sum())
    return display.headline([
        {"label": label("tc_short", lang), "value": f"{format_count(short, lang)} / {total}",
         "status": "warn" if short else "good"},
        {"label": label("tc_cannot_reach", lang), "value": f"{format_count(cannot, lang)} / {total}",
         "status": "bad" if cannot else "good"},
    ]).data


def street_history(context: Context, selection: Selection) -> History:
    """Street ``selection.feature`` in every round started by the report date, earliest first.

    Columns: ``round_id``, ``capacity``, ``population``, ``capacity_ratio``, ``gap``,
    ``remaining_capacity`` (from the report date's cut-off), ``capacity_short``, ``cannot_reach``.
    """
    columns = ["capacity", "population", "capacity_ratio", "gap", "remaining_capacity", "capacity_short",
               "cannot_reach"]
    rows = []
    for round_id in started_rounds(context.data.rounds, selection.date)["round_id"].astype(str):
        streets = capacity_result(context, dataclasses.replace(selection, round_id=round_id,
                                                               scope="district")).streets
        found = streets[streets["area_id"] == selection.feature]
        if len(found):
            rows.append({"round_id": round_id, **found.iloc[0][columns].to_dict()})
    frame = pd.DataFrame(rows, columns=["round_id", *columns])
    lang = selection.lang
    shown = frame.assign(state=[label(view.street_state(r)[0], lang) for r in frame.itertuples(index=False)])
    names = {"round_id": "round", "capacity": "tc_capacity", "population": "tc_population",
             "capacity_ratio": "tc_ratio", "gap": "tc_gap", "remaining_capacity": "tc_remaining",
             "state": "tc_status"}
    title = context.data.areas.set_index("area_id")["name"].get(selection.feature, "")
    return history_view(shown, names, lang, f"{title} ({selection.feature})", data=frame,
                        formats={"capacity_ratio": display.share_formatter()})


@registry.register_metric("tc_capacity", label="tc_section", datasets=DATASETS, optional=OPTIONAL,
                          threshold=TARGET, history=street_history)
def capacity_view(context: Context, selection: Selection) -> MetricView:
    """Every street of the scope: capacity of the round against population and what is left to test."""
    result = capacity_result(context, selection)
    lang, cutoff = selection.lang, cutoff_of(selection.date)
    summary = _headline(result, lang) + view.definition(result, cutoff, lang).data
    return MetricView(result.streets, capacity_map(context, selection, result),
                      view.streets_table(result, lang).data, summary, result.warnings,
                      area_features(result.streets["area_id"], context.data.areas))
