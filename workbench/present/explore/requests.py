"""Enterprise requests in the explorer: open and overdue requests, by category or department; an
enterprise's requests.

Controls: the days a request may stay open (``request_days``, default 3), the category and the
department that must resolve it; the requests chosen are passed to
:func:`workbench.domains.requests.analyse_requests` as they are, so every figure (open, overdue,
time to resolve, enterprises with several) is of the chosen ones. The map places each
enterprise with a request raised by the report date, coloured like open findings
(:func:`workbench.domains.inspections.findings_tone`: red with one overdue, orange with one
open, green with none open) and sized by its open requests. The history of an enterprise lists
its requests raised up to the report date, newest first.

Offered only when the pack has ``enterprise_requests`` (an optional dataset of the
``enterprise_output`` report) and ``enterprises``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains import requests
from workbench.domains.inspections import findings_tone
from workbench.present.explore.common import (
    day_text,
    filter_control,
    history_view,
    point_features,
    tone_points_map,
    window_control,
)
from workbench.present.explore.registry import (
    Context,
    Control,
    History,
    MetricView,
    Selection,
    register_metric,
)
from workbench.present.i18n import label
from workbench.present.safe_html import escape
from workbench.present.views import requests as view

DATASETS = ("enterprises", "enterprise_requests")
OPTIONAL = ("admin_boundaries",)
#: The label of each state of a request in an enterprise's history.
STATUS_LABELS = {"overdue": "rq_status_overdue", "open": "rq_status_open", "resolved": "exp_request_resolved"}
#: What the by-metric groups open requests by.
GROUPINGS = ("category", "department")


def _values(column: str):
    def values(context: Context):
        present = sorted(context.data.enterprise_requests[column].dropna().astype(str).unique())
        return [(value, value) for value in present]

    return values


def _groupings(context: Context, lang: str):
    return [(label(f"rq_{by}", lang), by) for by in GROUPINGS]


CONTROLS = (window_control(requests.DEFAULT_REQUEST_DAYS, choices=(1, 2, 3, 5, 7, 14), key="rq_days",
                           label_key="exp_request_days"),
            filter_control("rq_category", "rq_category", "exp_all", _values("category")),
            filter_control("rq_department", "rq_department", "exp_all", _values("department")))
BY_CONTROLS = (Control("rq_by", "exp_group_by", _groupings), *CONTROLS)


def request_result(context: Context, selection: Selection) -> requests.RequestResult:
    """:func:`~workbench.domains.requests.analyse_requests` of the chosen days, category and department."""
    days = int(selection.option("rq_days", requests.DEFAULT_REQUEST_DAYS))
    category, department = selection.option("rq_category") or None, selection.option("rq_department") or None
    data = context.data

    def compute():
        rows = data.enterprise_requests
        if category is not None:
            rows = rows[rows["category"].astype(str) == category]
        if department is not None:
            rows = rows[rows["department"].astype(str) == department]
        return requests.analyse_requests(rows, selection.date, days, enterprises=data.enterprises)

    return context.cached(("requests", selection.date, days, category, department), compute)


def enterprise_requests(result: requests.RequestResult, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Every enterprise with a request counted by ``result``: its open and overdue requests, tone.

    Columns: ``enterprise_id``, ``name``, ``lon``, ``lat``, ``requests``, ``open``, ``overdue``,
    ``tone`` (:func:`~workbench.domains.inspections.findings_tone`); most overdue, then most
    open first, then by id.
    """
    counts = result.requests.groupby("enterprise_id").agg(
        requests=("request_id", "size"), open=("open", "sum"), overdue=("overdue", "sum")).astype("int64")
    out = enterprises[["enterprise_id", "name", "lon", "lat"]].join(counts, on="enterprise_id", how="inner")
    out["tone"] = [findings_tone(o, d) for o, d in zip(out["open"], out["overdue"], strict=True)]
    return out.sort_values(["overdue", "open", "enterprise_id"], ascending=[False, False, True],
                           ignore_index=True)


def _map(context: Context, selection: Selection, rows: pd.DataFrame):
    lang = selection.lang
    tips = [f"<b>{escape(r.name)} ({escape(r.enterprise_id)})</b><br>{escape(label('rq_open', lang))}: "
            f"{r.open}<br>{escape(label('rq_overdue', lang))}: {r.overdue}"
            for r in rows.itertuples(index=False)]
    points = rows.assign(tooltip=tips, radius=5 + 3 * np.sqrt(rows["open"].to_numpy(dtype=float)))
    legend = [("bad", label("rq_status_overdue", lang)), ("warn", label("rq_status_open", lang)),
              ("good", label("exp_requests_none_open", lang))]
    return tone_points_map(context, selection, points, label("rq_section", lang), legend)


def _view(context: Context, selection: Selection, result: requests.RequestResult, table: pd.DataFrame,
          table_html: str) -> MetricView:
    lang = selection.lang
    rows = enterprise_requests(result, context.data.enterprises)
    summary = view.headline(result, lang).data + view.definition(result, lang).data
    return MetricView(table.reset_index(drop=True), _map(context, selection, rows), table_html, summary,
                      result.warnings, point_features(rows, "enterprise_id"))


def request_history(context: Context, selection: Selection) -> History:
    """The requests of enterprise ``selection.feature`` raised up to the report date, newest first.

    Columns: ``request_id``, ``category``, ``department``, ``raised_on``, ``resolved_on``
    (missing while open or resolved after the report date), ``age_days``, ``status``
    (``overdue``, ``open`` or ``resolved``).
    """
    result = request_result(context, selection)
    rows = result.requests[result.requests["enterprise_id"].astype(str) == selection.feature]
    rows = rows.sort_values(["raised_on", "request_id"], ascending=[False, True])
    status = np.where(rows["overdue"], "overdue", np.where(rows["open"], "open", "resolved"))
    frame = pd.DataFrame({"request_id": rows["request_id"], "category": rows["category"],
                          "department": rows["department"], "raised_on": rows["raised_on"],
                          "resolved_on": rows["resolved_on"].where(rows["resolved"]),
                          "age_days": rows["age_days"], "status": status})
    lang = selection.lang
    shown = frame.assign(resolved_on=frame["resolved_on"].map(day_text),
                         status=frame["status"].map(lambda s: label(STATUS_LABELS[s], lang)))
    columns = {"request_id": "rq_request", "category": "rq_category", "department": "rq_department",
               "raised_on": "rq_raised_on", "resolved_on": "exp_resolved_on", "age_days": "rq_age",
               "status": "rq_status"}
    names = context.data.enterprises.set_index("enterprise_id")["name"]
    return history_view(shown, columns, lang, f"{names.get(selection.feature, '')} ({selection.feature})",
                        data=frame)


@register_metric("rq_open", label="exp_requests_open", datasets=DATASETS, optional=OPTIONAL, uses_round=False,
                 uses_scope=False, controls=CONTROLS, history=request_history)
def open_view(context: Context, selection: Selection) -> MetricView:
    """The open requests, overdue first; enterprises on the map by their open requests."""
    result = request_result(context, selection)
    return _view(context, selection, result, result.open, view.open_table(result, selection.lang).data)


@register_metric("rq_by", label="exp_requests_by", datasets=DATASETS, optional=OPTIONAL, uses_round=False,
                 uses_scope=False, controls=BY_CONTROLS, history=request_history)
def by_view(context: Context, selection: Selection) -> MetricView:
    """Open requests per category or per department (most overdue first)."""
    result = request_result(context, selection)
    by = selection.option("rq_by", GROUPINGS[0])
    table = result.by_category if by == "category" else result.by_department
    return _view(context, selection, result, table, view.by_table(result, by, selection.lang).data)
