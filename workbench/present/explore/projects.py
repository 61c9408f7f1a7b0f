"""Major-project procedures in the explorer: procedures done against plan per project, late ones;
a project's procedures.

Control: the days without a procedure done after which an unfinished project has no progress
(``stall_days``, default 14), passed to :func:`workbench.domains.projects.analyse_projects` with
the report date. Projects have no place in the data contract (like the projects report, a page
of tables): these metrics show no map, and the "history of" dropdown lists the projects; the
history of a project is each of its procedures at the report date.

Offered only when the pack has ``projects`` and ``project_milestones``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains import projects
from workbench.present.explore.common import day_text, history_view, window_control
from workbench.present.explore.registry import Context, History, MetricView, Selection, register_metric
from workbench.present.i18n import label
from workbench.present.views import projects as view

DATASETS = ("projects", "project_milestones")
CONTROLS = (window_control(projects.DEFAULT_STALL_DAYS, choices=(7, 14, 21, 30, 60), key="pj_stall",
                           label_key="exp_stall_days"),)
#: The label of each state of a procedure in a project's history.
STATE_LABELS = {"done": "exp_procedure_done", "late": "exp_procedure_late",
                "planned": "exp_procedure_planned"}


def project_result(context: Context, selection: Selection) -> projects.ProjectResult:
    """:func:`~workbench.domains.projects.analyse_projects` at the report date with the chosen stall days."""
    stall = int(selection.option("pj_stall", projects.DEFAULT_STALL_DAYS))
    data = context.data
    return context.cached(("projects", selection.date, stall),
                          lambda: projects.analyse_projects(data.projects, data.project_milestones,
                                                            selection.date, stall_days=stall))


def project_features(result: projects.ProjectResult) -> pd.DataFrame:
    """``feature`` (project id) and ``label`` (``name (id)``) of every project, without a place."""
    progress = result.progress
    ids = progress["project_id"].astype(str)
    return pd.DataFrame({"feature": ids.to_numpy(),
                         "label": (progress["name"].astype(str) + " (" + ids + ")").to_numpy()})


def _view(selection: Selection, result: projects.ProjectResult, table: pd.DataFrame,
          table_html: str) -> MetricView:
    lang = selection.lang
    summary = view.headline(result, lang).data + view.definition(result, lang).data
    return MetricView(table.reset_index(drop=True), None, table_html, summary, result.warnings,
                      project_features(result))


def project_history(context: Context, selection: Selection) -> History:
    """Every procedure of project ``selection.feature`` at the report date, in planned order.

    Columns: ``milestone``, ``planned_on``, ``done_on`` (missing when not done by the report
    date), ``state`` (``done``, ``late``: due and not done, ``planned``: not yet due) and
    ``days_late`` (missing when not late; done after plan counts).
    """
    result = project_result(context, selection)
    rows = result.milestones[result.milestones["project_id"].astype(str) == selection.feature]
    rows = rows.sort_values(["planned_on", "milestone"])
    state = np.where(rows["done"], "done", np.where(rows["due"], "late", "planned"))
    frame = pd.DataFrame({"milestone": rows["milestone"], "planned_on": rows["planned_on"],
                          "done_on": rows["done_on"].where(rows["done"]), "state": state,
                          "days_late": rows["days_late"]})
    lang = selection.lang
    shown = frame.assign(done_on=frame["done_on"].map(day_text),
                         state=frame["state"].map(lambda s: label(STATE_LABELS[s], lang)),
                         days_late=frame["days_late"].map(lambda d: "—" if pd.isna(d) else f"{int(d)}"))
    columns = {"milestone": "pj_milestone", "planned_on": "pj_planned_on", "done_on": "pj_done_on",
               "state": "exp_state", "days_late": "pj_days_late"}
    names = result.progress.set_index(result.progress["project_id"].astype(str))["name"]
    return history_view(shown, columns, lang, f"{names.get(selection.feature, '')} ({selection.feature})",
                        data=frame)


@register_metric("pj_progress", label="exp_project_progress", datasets=DATASETS, uses_round=False,
                 uses_scope=False, controls=CONTROLS, history=project_history)
def progress_view(context: Context, selection: Selection) -> MetricView:
    """Per project: procedures done of due, progress, days since the last, on or off schedule, stalled."""
    result = project_result(context, selection)
    return _view(selection, result, result.progress, view.projects_table(result, selection.lang).data)


@register_metric("pj_late", label="exp_project_late", datasets=DATASETS, uses_round=False, uses_scope=False,
                 controls=CONTROLS, history=project_history)
def late_view(context: Context, selection: Selection) -> MetricView:
    """Late procedures: still open first, most days late first."""
    result = project_result(context, selection)
    return _view(selection, result, result.late, view.late_table(result, selection.lang).data)
