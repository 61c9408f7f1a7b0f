"""The enterprises domain in the explorer: progress of every target, status of every enterprise.

Controls: the enterprise (or every key enterprise) and the risk ratio (the slider), passed to
:func:`workbench.domains.enterprises.analyse_enterprises`. The history of an enterprise is its
daily output and running total against each target over the last :data:`HISTORY_DAYS` days.
"""

from __future__ import annotations

import pandas as pd

from workbench.domains import enterprises
from workbench.present import display
from workbench.present.explore import registry
from workbench.present.explore.common import (
    filter_control,
    history_view,
    map_options,
    point_features,
    titled,
)
from workbench.present.explore.registry import Context, History, MetricView, Selection, Threshold
from workbench.present.maps.enterprises import enterprise_map
from workbench.present.views import enterprises as view

DATASETS = ("enterprises", "production", "targets")
OPTIONAL = ("enterprise_checks", "admin_boundaries")
#: Days of output listed in an enterprise's history, ending on the report date.
HISTORY_DAYS = 14

#: The risk-ratio slider (DESIGN.md: ``risk_ratio``, default 0.9).
RISK = Threshold("exp_risk_ratio", 0.50, 1.00, 0.05, enterprises.DEFAULT_RISK_RATIO)


def _enterprises(context: Context):
    frame = context.data.enterprises.sort_values("enterprise_id")
    return [(f"{n} ({e})", e) for e, n in zip(frame["enterprise_id"], frame["name"], strict=True)]


CONTROLS = (filter_control("enterprise", "exp_enterprise", "ent_all", _enterprises),)


def enterprise_result(context: Context, selection: Selection) -> enterprises.EnterpriseResult:
    """:func:`~workbench.domains.enterprises.analyse_enterprises` of the chosen enterprise and risk ratio."""
    enterprise, risk = selection.option("enterprise") or None, float(selection.threshold)
    data = context.data
    return context.cached(("enterprises", selection.date, enterprise, risk),
                          lambda: enterprises.analyse_enterprises(
                              data.enterprises, data.production, data.targets, selection.date,
                              checks=context.optional("enterprise_checks"), risk_ratio=risk,
                              enterprise=enterprise))


def enterprise_status(result: enterprises.EnterpriseResult) -> pd.DataFrame:
    """One row per enterprise in scope, worst status first.

    Columns: ``enterprise_id``, ``name``, ``sector``, ``employees``, ``closed_loop``, ``targets``,
    ``behind``, ``at_risk``, ``on_track`` (counts of its targets), ``status`` (its worst).
    """
    progress = result.progress
    counts = (progress.groupby(["enterprise_id", "status"]).size().unstack(fill_value=0)
              .reindex(columns=list(enterprises.STATUSES), fill_value=0))
    ents = result.enterprises[["enterprise_id", "name", "sector", "employees", "closed_loop", "status"]]
    out = ents.merge(counts, left_on="enterprise_id", right_index=True, how="left")
    out[list(enterprises.STATUSES)] = out[list(enterprises.STATUSES)].fillna(0).astype("int64")
    out.insert(5, "targets", out[list(enterprises.STATUSES)].sum(axis=1))
    out = out.assign(_rank=out["status"].map(enterprises.SEVERITY))
    return out.sort_values(["_rank", "enterprise_id"]).drop(columns="_rank").reset_index(drop=True)


def _status_html(rows: pd.DataFrame, lang: str) -> str:
    columns = {"status": "ent_status", "enterprise_id": "ent_enterprise_id", "name": "ent_name",
               "sector": "ent_sector", "employees": "ent_employees", "targets": "ent_targets_count",
               "behind": "ent_behind", "at_risk": "ent_at_risk", "on_track": "ent_on_track"}
    formats = {"status": lambda s: view.status_badge(s, lang)}
    return display.table(rows, columns, lang, formats=formats, csv_name="enterprise_status.csv").data


def _view(context: Context, selection: Selection, rows: pd.DataFrame, html: str,
          result: enterprises.EnterpriseResult) -> MetricView:
    fmap = enterprise_map(result, map_options(context, selection))
    return MetricView(rows, fmap, html, view.headline(result, selection.lang).data, result.warnings,
                      point_features(result.enterprises, "enterprise_id"))


def enterprise_history(context: Context, selection: Selection) -> History:
    """Output of enterprise ``selection.feature`` per target over the last :data:`HISTORY_DAYS` days.

    Columns: ``date``, ``product``, ``unit``, ``quantity`` (target's unit, missing on a day
    without a report), ``cumulative`` (year to date), ``target``, ``progress`` (cumulative ÷ target).
    """
    result = enterprise_result(context, selection)
    rows = result.cumulative[result.cumulative["enterprise_id"].astype(str) == selection.feature]
    rows = rows[rows["date"] > rows["date"].max() - pd.Timedelta(days=HISTORY_DAYS)] if len(rows) else rows
    goals = result.progress[["enterprise_id", "product", "unit", "target"]]
    frame = rows.merge(goals, on=["enterprise_id", "product"], how="left")
    frame = frame.assign(progress=frame["cumulative"] / frame["target"]).sort_values(
        ["date", "product"], ascending=[False, True])
    frame = frame[["date", "product", "unit", "quantity", "cumulative", "target", "progress"]]
    columns = {"date": "insp_date", "product": "ent_product", "unit": "ent_unit", "quantity": "exp_quantity",
               "cumulative": "ent_ytd", "target": "ent_target", "progress": "ent_progress"}
    names = result.enterprises.set_index(result.enterprises["enterprise_id"].astype(str))["name"]
    return history_view(frame, columns, selection.lang, titled(names, selection.feature),
                        formats={"progress": display.share_formatter(1)})


@registry.register_metric("ent_progress", label="exp_enterprise_progress", datasets=DATASETS,
                          optional=OPTIONAL,
                          threshold=RISK, uses_round=False, uses_scope=False, controls=CONTROLS,
                          history=enterprise_history)
def progress_view(context: Context, selection: Selection) -> MetricView:
    """Every target of the enterprises in scope: year to date, progress, projection, status."""
    result = enterprise_result(context, selection)
    rows = result.progress.reset_index(drop=True)
    return _view(context, selection, rows, view.progress_table(result, selection.lang).data, result)


@registry.register_metric("ent_status", label="exp_enterprise_status", datasets=DATASETS, optional=OPTIONAL,
                          threshold=RISK, uses_round=False, uses_scope=False, controls=CONTROLS,
                          history=enterprise_history)
def status_view(context: Context, selection: Selection) -> MetricView:
    """Every enterprise in scope with its worst target status and the count of targets per status."""
    result = enterprise_result(context, selection)
    rows = enterprise_status(result)
    return _view(context, selection, rows, _status_html(rows, selection.lang), result)

