"""The checkpoints domain in the explorer: people and vehicles through each road checkpoint.

Control: the window (days ending on the report date) of
:func:`workbench.domains.checkpoints.analyse_checkpoints`. The history of a checkpoint is its
row of every day of the window, a day it did not report marked as missing (never zero).
"""

from __future__ import annotations

import pandas as pd

from workbench.domains import checkpoints
from workbench.present.explore.common import history_view, map_options, point_features, window_control
from workbench.present.explore.registry import Context, History, MetricView, Selection, register_metric
from workbench.present.i18n import label
from workbench.present.maps.checkpoints import checkpoint_map
from workbench.present.views import checkpoints as view

DATASETS = ("areas", "checkpoints", "checkpoint_daily")
OPTIONAL = ("admin_boundaries",)
CONTROLS = (window_control(checkpoints.DEFAULT_WINDOW_DAYS, key="cp_window"),)


def checkpoint_result(context: Context, selection: Selection) -> checkpoints.CheckpointResult:
    """:func:`~workbench.domains.checkpoints.analyse_checkpoints` over the chosen window."""
    window = int(selection.option("cp_window", checkpoints.DEFAULT_WINDOW_DAYS))
    data = context.data
    return context.cached(("checkpoints", selection.date, window),
                          lambda: checkpoints.analyse_checkpoints(data.checkpoints, data.checkpoint_daily,
                                                                  selection.date, window=window))


def checkpoint_history(context: Context, selection: Selection) -> History:
    """Every day of the window at checkpoint ``selection.feature``, newest first.

    Columns: ``date``, ``reported``, ``vehicles``, ``people``, ``from_risk_areas``,
    ``landing_tests`` (missing, not zero, on a day without a report).
    """
    result = checkpoint_result(context, selection)
    rows = result.grid[result.grid["checkpoint_id"].astype(str) == selection.feature]
    frame = rows.sort_values("date", ascending=False)[["date", "reported", *checkpoints.COUNTS]]
    lang = selection.lang
    shown = frame.assign(reported=frame["reported"].map(
        lambda r: label("cp_reported" if r else "cp_missing", lang)))
    shown = shown.assign(**{c: shown[c].map(lambda v: "—" if pd.isna(v) else f"{int(v)}")
                            for c in checkpoints.COUNTS})
    columns = {"date": "cp_day", "reported": "cp_status", "vehicles": "cp_vehicles", "people": "cp_people",
               "from_risk_areas": "cp_from_risk_areas", "landing_tests": "cp_landing_tests"}
    name = rows["name"].iloc[0] if len(rows) else ""
    return history_view(shown, columns, lang, f"{name} ({selection.feature})", data=frame)


@register_metric("cp_flows", label="exp_checkpoint_flows", datasets=DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=CONTROLS, history=checkpoint_history)
def flows_view(context: Context, selection: Selection) -> MetricView:
    """Window sums of every checkpoint (days reported of days expected); checkpoints sized by flow."""
    result = checkpoint_result(context, selection)
    fmap = checkpoint_map(result, context.data.areas, map_options(context, selection))
    return MetricView(result.week, fmap, view.week_table(result, selection.lang).data,
                      view.headline(result, selection.lang).data, result.warnings,
                      point_features(result.week, "checkpoint_id"))
