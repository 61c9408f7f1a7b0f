"""The inspections domain in the explorer: pass rate by place, open findings; a place's visits.

Controls: the window (days ending on the report date), the supervision team and the place kind,
passed to :func:`workbench.domains.inspections.analyse_inspections` as they are. The history
of a place lists every visit in scope up to the report date, finding texts masked.
"""

from __future__ import annotations

import pandas as pd

from workbench.domains import inspections
from workbench.errors import WorkbenchError
from workbench.present import display
from workbench.present.explore.common import (
    filter_control,
    history_view,
    map_options,
    point_features,
    window_control,
)
from workbench.present.explore.registry import Context, History, MetricView, Selection, register_metric
from workbench.present.i18n import format_rate, label
from workbench.present.maps.inspections import inspections_map
from workbench.present.views import inspections as view

DATASETS = ("places", "inspections")
OPTIONAL = ("admin_boundaries",)


def _teams(context: Context):
    teams = sorted(context.data.inspections["team"].dropna().unique(), key=inspections.team_sort_key)
    return [(team, team) for team in teams]


def _kinds(context: Context):
    present = set(context.data.places["kind"])
    return [(kind, kind) for kind in inspections.PLACE_KINDS if kind in present]


CONTROLS = (window_control(inspections.DEFAULT_WINDOW_DAYS, key="insp_window"),
            filter_control("team", "insp_team", "insp_all_teams", _teams),
            filter_control("kind", "insp_kind", "insp_all_kinds", _kinds, translate=view.kind_label))


def inspection_result(context: Context, selection: Selection) -> inspections.InspectionResult:
    """:func:`~workbench.domains.inspections.analyse_inspections` of the chosen window, team and kind."""
    window = int(selection.option("insp_window", inspections.DEFAULT_WINDOW_DAYS))
    team, kind = selection.option("team") or None, selection.option("kind") or None
    data = context.data
    return context.cached(("inspections", selection.date, window, team, kind),
                          lambda: inspections.analyse_inspections(data.inspections, data.places,
                                                                  selection.date, window_days=window,
                                                                  team=team, kind=kind))


def place_rates(result: inspections.InspectionResult) -> pd.DataFrame:
    """Every place in scope: visits, passed visits and pass rate in the window, open findings, status.

    Columns: ``place_id``, ``name``, ``kind``, ``visits``, ``passed``, ``pass_rate``,
    ``open_findings``, ``overdue_findings``, ``status``; places without a visit in the window
    have 0 visits and a missing rate. Worst status first, then by place.
    """
    places = result.places
    rates = inspections.pass_rates(result.in_window, "place_id", list(places["place_id"]))
    out = places[["place_id", "name", "kind", "open_findings", "overdue_findings", "status"]].merge(
        rates, on="place_id", how="left")
    order = {status: rank for rank, status in enumerate(inspections.STATUSES)}
    out = out.assign(_rank=out["status"].map(order)).sort_values(["_rank", "pass_rate", "place_id"])
    return out.drop(columns="_rank").reset_index(drop=True)[
        ["place_id", "name", "kind", "visits", "passed", "pass_rate", "open_findings", "overdue_findings",
         "status"]]


def _map(context: Context, selection: Selection, result: inspections.InspectionResult):
    fmap = inspections_map(result, map_options(context, selection))
    if fmap is None:
        raise WorkbenchError(label("insp_no_places", selection.lang))
    return fmap


def _rates_html(rows: pd.DataFrame, lang: str) -> str:
    frame = rows.assign(place=[f"{n} ({p})" for n, p in zip(rows["name"], rows["place_id"], strict=True)],
                        kind_name=rows["kind"].map(lambda k: view.kind_label(k, lang)),
                        rate=[format_rate(p, v, lang) if v else "—" for p, v in
                              zip(rows["passed"], rows["visits"], strict=True)])
    columns = {"status": "insp_state", "place": "insp_place", "kind_name": "insp_kind",
               "visits": "insp_visits", "passed": "insp_passed", "rate": "insp_pass_rate",
               "open_findings": "insp_open_findings"}
    formats = {"status": lambda s: view.status_badge(s, lang)}
    return display.table(frame, columns, lang, formats=formats, csv_name="pass_rate_by_place.csv").data


def place_history(context: Context, selection: Selection) -> History:
    """Every visit in scope of place ``selection.feature`` up to the report date, newest first.

    Columns: ``date``, ``team``, ``passed``, ``failed_items`` (count), ``finding`` (masked),
    ``rectified_on``, ``open``.
    """
    result = inspection_result(context, selection)
    visits = result.visits[result.visits["place_id"].astype(str) == selection.feature]
    visits = visits.sort_values(["date", "inspection_id"], ascending=False)
    items = list(inspections.ITEMS)
    frame = pd.DataFrame({
        "date": visits["date"], "team": visits["team"], "passed": visits["passed"].astype(bool),
        "failed_items": (~visits[items].astype(bool)).sum(axis=1).astype("int64"),
        "finding": visits["finding"].map(view.redact), "rectified_on": visits["rectified_on"],
        "open": visits["open"].astype(bool)})
    lang = selection.lang
    yes_no = {True: label("exp_yes", lang), False: label("exp_no", lang)}
    day_text = lambda t: "" if pd.isna(t) else f"{t:%Y-%m-%d}"  # noqa: E731
    shown = frame.assign(passed=frame["passed"].map(yes_no), open=frame["open"].map(yes_no),
                         rectified_on=frame["rectified_on"].map(day_text))
    columns = {"date": "insp_date", "team": "insp_team", "passed": "insp_passed",
               "failed_items": "exp_failed_items", "finding": "insp_finding",
               "rectified_on": "insp_rectified_on", "open": "insp_still_open"}
    name = result.places.loc[result.places["place_id"].astype(str) == selection.feature, "name"]
    title = f"{name.iloc[0]} ({selection.feature})" if len(name) else selection.feature
    return history_view(shown, columns, lang, title, data=frame)


@register_metric("insp_pass_rate", label="exp_pass_rate_by_place", datasets=DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=CONTROLS, history=place_history)
def pass_rate_view(context: Context, selection: Selection) -> MetricView:
    """Pass rate and open findings of every place in scope; places on the map by status."""
    result = inspection_result(context, selection)
    rows = place_rates(result)
    return MetricView(rows, _map(context, selection, result), _rates_html(rows, selection.lang),
                      view.headline(result, selection.lang).data, result.warnings,
                      point_features(result.places.dropna(subset=["lon", "lat"]), "place_id"))


@register_metric("insp_open", label="insp_open_findings", datasets=DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=CONTROLS, history=place_history)
def open_findings_view(context: Context, selection: Selection) -> MetricView:
    """Findings still open at the report date, overdue first; places on the map by status."""
    result = inspection_result(context, selection)
    rows = result.open.assign(finding=result.open["finding"].map(view.redact))
    lang = selection.lang
    return MetricView(rows.reset_index(drop=True), _map(context, selection, result),
                      view.open_table(result, lang).data, view.headline(result, lang).data, result.warnings,
                      point_features(result.places.dropna(subset=["lon", "lat"]), "place_id"))
