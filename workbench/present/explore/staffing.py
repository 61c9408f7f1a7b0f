"""Front-line staffing in the explorer: units short-staffed on the report date, people on duty by
unit kind; a unit's days.

Control: the unit kind (testing sites, checkpoints, quarantine teams, supervision teams...),
passed to :func:`workbench.domains.staffing.analyse_staffing` with the report date. The map
places the units whose place the pack gives — a testing site or a checkpoint at its point, a
quarantine team at its community (``unit_id`` is the community's ``area_id``) — orange when
short (on duty below plan), green on plan, sized by the shortfall; supervision teams and other
units have no place and are only listed. The history of a unit is its planned and on-duty
people on each of the last :data:`HISTORY_DAYS` days (a day without rows missing, not zero).

Offered only when the pack has ``staffing`` (an optional dataset of the field reports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains import staffing
from workbench.intake.vocabulary import UNIT_KINDS
from workbench.present.explore.common import filter_control, history_view, tone_points_map
from workbench.present.explore.registry import Context, History, MetricView, Selection, register_metric
from workbench.present.i18n import label
from workbench.present.safe_html import escape
from workbench.present.views import staffing as view

DATASETS = ("staffing",)
#: Datasets that give a unit its name and place, by unit kind: (dataset, id column).
PLACES = {"testing_site": ("testing_sites", "site_id"), "checkpoint": ("checkpoints", "checkpoint_id"),
          "quarantine_team": ("areas", "area_id")}
OPTIONAL = (*dict.fromkeys(dataset for dataset, _ in PLACES.values()), "admin_boundaries")
#: Days listed in a unit's history, ending on the report date.
HISTORY_DAYS = 7
#: The tone of a unit on the map and in the headline: short or on plan.
TONES = {True: "warn", False: "good"}


def _kinds(context: Context):
    present = set(context.data.staffing["unit_kind"].dropna().astype(str))
    return [(kind, kind) for kind in UNIT_KINDS if kind in present]


def kind_name(kind: str, lang: str) -> str:
    """The name of a unit kind (``testing_site`` → 采样点)."""
    return label(f"st_kind_{kind}", lang)


CONTROLS = (filter_control("st_kind", "st_unit_kind", "exp_all", _kinds, translate=kind_name),)


def staffing_result(context: Context, selection: Selection) -> staffing.StaffingResult:
    """:func:`~workbench.domains.staffing.analyse_staffing` on the report date, of the chosen unit kind."""
    kind = selection.option("st_kind") or None
    data = context.data
    return context.cached(("staffing", selection.date, kind),
                          lambda: staffing.analyse_staffing(data.staffing, selection.date,
                                                            unit_kinds=None if kind is None else [kind],
                                                            names=staffing.unit_names(data)))


def unit_places(context: Context) -> pd.DataFrame:
    """``unit_kind``, ``unit_id``, ``name``, ``lon``, ``lat`` of every unit the loaded datasets place."""
    parts = []
    for kind, (dataset, key) in PLACES.items():
        frame = context.optional(dataset)
        if frame is None:
            continue
        if "geometry" in frame.columns:  # a community: its representative point
            points = frame.geometry.representative_point()
            frame = pd.DataFrame({key: frame[key], "name": frame["name"], "lon": points.x, "lat": points.y})
        parts.append(pd.DataFrame({"unit_kind": kind, "unit_id": frame[key].astype(str).to_numpy(),
                                   "name": frame["name"].astype(str).to_numpy(),
                                   "lon": frame["lon"].to_numpy(dtype=float),
                                   "lat": frame["lat"].to_numpy(dtype=float)}))
    columns = ["unit_kind", "unit_id", "name", "lon", "lat"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def feature_id(kind, unit_id) -> str:
    """The history feature of a unit: ``kind:unit_id`` (ids of two kinds may coincide)."""
    return f"{kind}:{unit_id}"


def placed_units(context: Context, result: staffing.StaffingResult) -> pd.DataFrame:
    """The units of ``result`` (short first) with ``feature``, ``label``, ``name``, ``lon``, ``lat``
    (missing without a place) and ``tone``."""
    units = result.units.drop(columns=["name", "unit"]).assign(unit_id=result.units["unit_id"].astype(str))
    out = units.merge(unit_places(context), on=["unit_kind", "unit_id"], how="left")
    out["name"] = out["name"].fillna(out["unit_id"])
    out["feature"] = [feature_id(k, u) for k, u in zip(out["unit_kind"], out["unit_id"], strict=True)]
    out["label"] = [n if n == u else f"{n} ({u})" for n, u in zip(out["name"], out["unit_id"], strict=True)]
    out["tone"] = out["short"].map(TONES)
    return out


def _map(context: Context, selection: Selection, units: pd.DataFrame):
    lang = selection.lang
    tips = [f"<b>{escape(u.label)}</b> · {escape(kind_name(u.unit_kind, lang))}"
            f"<br>{escape(label('st_planned', lang))}: {u.planned}<br>{escape(label('st_on_duty', lang))}: "
            f"{u.on_duty}<br>{escape(label('st_shortfall', lang))}: {u.shortfall}"
            for u in units.itertuples(index=False)]
    points = units.assign(tooltip=tips, radius=5 + 2 * np.sqrt(units["shortfall"].to_numpy(dtype=float)))
    legend = [(TONES[True], label("exp_staff_short", lang)), (TONES[False], label("exp_staff_on_plan", lang))]
    return tone_points_map(context, selection, points, label("st_section", lang), legend)


def _view(context: Context, selection: Selection, result: staffing.StaffingResult, table: pd.DataFrame,
          table_html: str) -> MetricView:
    lang = selection.lang
    units = placed_units(context, result)
    summary = view.headline(result, lang).data + view.definition(lang).data
    return MetricView(table.reset_index(drop=True), _map(context, selection, units), table_html, summary,
                      result.warnings, units[["feature", "label", "lon", "lat"]])


def unit_history(context: Context, selection: Selection) -> History:
    """Unit ``selection.feature`` (``kind:unit_id``) on each of the last :data:`HISTORY_DAYS` days.

    Columns: ``date``, ``planned``, ``on_duty``, ``shortfall``, ``short``; missing on a day
    without a row of the unit. Newest first.
    """
    kind, _, unit_id = (selection.feature or "").partition(":")
    feed = context.data.staffing
    rows = feed[(feed["unit_kind"].astype(str) == kind) & (feed["unit_id"].astype(str) == unit_id)]
    days = []
    for day in pd.date_range(end=selection.date, periods=HISTORY_DAYS, freq="D")[::-1]:
        units = staffing.unit_totals(staffing.day_rows(rows, day))
        found = units.iloc[0] if len(units) else None
        days.append({"date": day, **{c: None if found is None else found[c]
                                     for c in ("planned", "on_duty", "shortfall", "short")}})
    frame = pd.DataFrame(days)
    lang = selection.lang
    text = lambda v: "—" if v is None or pd.isna(v) else f"{int(v)}"  # noqa: E731
    shown = frame.assign(**{c: frame[c].map(text) for c in ("planned", "on_duty", "shortfall")},
                         short=frame["short"].map(lambda s: "—" if s is None else label(
                             "exp_staff_short" if s else "exp_staff_on_plan", lang)))
    columns = {"date": "cp_day", "planned": "st_planned", "on_duty": "st_on_duty",
               "shortfall": "st_shortfall", "short": "exp_state"}
    places = unit_places(context)
    found = places[(places["unit_kind"] == kind) & (places["unit_id"] == unit_id)]
    title = f"{found['name'].iloc[0]} ({unit_id})" if len(found) else unit_id
    return history_view(shown, columns, lang, title, data=frame)


@register_metric("st_units", label="exp_staffing_units", datasets=DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=CONTROLS, history=unit_history)
def short_units_view(context: Context, selection: Selection) -> MetricView:
    """The units short on the report date, largest shortfall first; every unit of the kind on the map."""
    result = staffing_result(context, selection)
    short = result.units[result.units["short"]]
    return _view(context, selection, result, short, view.short_units_table(result, selection.lang).data)


@register_metric("st_kinds", label="exp_staffing_kinds", datasets=DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=CONTROLS, history=unit_history)
def kinds_view(context: Context, selection: Selection) -> MetricView:
    """Units, units short, planned, on duty and shortfall per unit kind."""
    result = staffing_result(context, selection)
    return _view(context, selection, result, result.kinds, view.kinds_table(result, selection.lang).data)
