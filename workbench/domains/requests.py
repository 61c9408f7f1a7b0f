"""Enterprise requests (一企一策, 要素保障): what enterprises asked for, who must resolve it, what is overdue.

Definitions (DESIGN.md, "Enterprise request"), with the counting made exact:

- The **report day** D is the report date at midnight. Requests raised after D are left out,
  with a warning stating how many.
- A request is **open** at D while ``resolved_on`` is empty or later than D, **resolved**
  when ``resolved_on`` ≤ D (a request resolved on D is resolved, not open).
- Its **age** = D − ``raised_on`` in days (raised on D: age 0).
- An open request is **overdue** when its age is greater than ``request_days`` (default 3):
  raised 3 days before D it is open, 4 days before overdue. The rule is the one of inspection
  findings, :func:`workbench.domains.common.follow_up_status`.
- **Time to resolve** = ``resolved_on`` − ``raised_on`` in days, over the requests resolved on
  or before D, whenever raised; its median is numpy's (the mean of the two middle values for
  an even count), None without any.
- Open requests are counted **by category** and **by department** (the one that must resolve
  it): ``open``, ``overdue`` and ``oldest_days`` (the greatest age among them).
- An enterprise has **several open requests** when at least ``several`` (2) of its requests are
  open at D.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import follow_up_status

DEFAULT_REQUEST_DAYS = 3
#: Open requests from which an enterprise is listed as having several.
SEVERAL = 2


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]").dt.normalize()


def classify_requests(
    requests: pd.DataFrame, report_date, request_days: int = DEFAULT_REQUEST_DAYS
) -> pd.DataFrame:
    """Each request's status at the report date.

    Parameters
    ----------
    requests : DataFrame
        ``request_id``, ``enterprise_id``, ``raised_on``, ``category``, ``department``,
        ``resolved_on`` (may be empty); raised on or before the report date.
    report_date : date-like
    request_days : int
        An open request older than this many days is overdue.

    Returns
    -------
    DataFrame
        A copy with ``age_days`` (int), ``resolved``, ``open``, ``overdue`` (bool) and
        ``days_to_resolve`` (float, NaN unless resolved).
    """
    out = requests.copy()
    out["raised_on"] = _dates(out["raised_on"])
    out["resolved_on"] = _dates(out["resolved_on"])
    status = follow_up_status(out["raised_on"], out["resolved_on"], report_date, request_days)
    out["age_days"] = status["age_days"]
    out["resolved"] = status["closed"]
    out["open"] = status["open"]
    out["overdue"] = status["overdue"]
    out["days_to_resolve"] = status["days_to_close"]
    return out


def open_by(classified: pd.DataFrame, by: str) -> pd.DataFrame:
    """Open requests per value of ``by`` (``category`` or ``department``).

    Returns ``by``, ``open``, ``overdue``, ``oldest_days``; most overdue first, then most open,
    then by name. Values without an open request are left out.
    """
    rows = classified[classified["open"]]
    table = (
        rows.groupby(by)
        .agg(open=("open", "size"), overdue=("overdue", "sum"), oldest_days=("age_days", "max"))
        .reset_index()
    )
    table[["open", "overdue", "oldest_days"]] = table[["open", "overdue", "oldest_days"]].astype("int64")
    return table.sort_values(["overdue", "open", by], ascending=[False, False, True], ignore_index=True)


def open_requests(classified: pd.DataFrame) -> pd.DataFrame:
    """The open requests, overdue first, then oldest first, then by id.

    Returns ``request_id``, ``enterprise_id``, ``raised_on``, ``category``, ``department``,
    ``age_days``, ``overdue`` (and ``enterprise`` when the frame has it).
    """
    columns = [
        "request_id",
        "enterprise_id",
        "enterprise",
        "raised_on",
        "category",
        "department",
        "age_days",
        "overdue",
    ]
    rows = classified[classified["open"]]
    rows = rows.sort_values(["overdue", "age_days", "request_id"], ascending=[False, False, True])
    return rows[[c for c in columns if c in rows.columns]].reset_index(drop=True)


def resolve_times(classified: pd.DataFrame) -> dict:
    """``resolved`` (count), ``median_days`` and ``max_days`` to resolve (None without any)."""
    days = classified.loc[classified["resolved"], "days_to_resolve"].to_numpy(dtype="float64")
    if days.size == 0:
        return {"resolved": 0, "median_days": None, "max_days": None}
    return {"resolved": int(days.size), "median_days": float(np.median(days)), "max_days": float(days.max())}


def enterprises_with_several(classified: pd.DataFrame, several: int = SEVERAL) -> pd.DataFrame:
    """Enterprises with at least ``several`` open requests: ``enterprise_id``, ``open``, ``overdue``.

    Most open first, then by id.
    """
    rows = classified[classified["open"]]
    counts = rows.groupby("enterprise_id").agg(open=("open", "size"), overdue=("overdue", "sum"))
    counts = counts[counts["open"] >= several].astype("int64").reset_index()
    return counts.sort_values(["open", "enterprise_id"], ascending=[False, True], ignore_index=True)


@dataclass
class RequestResult:
    """Everything the requests section shows, computed by :func:`analyse_requests`."""

    report_date: pd.Timestamp
    request_days: int
    requests: pd.DataFrame
    open: pd.DataFrame
    by_category: pd.DataFrame
    by_department: pd.DataFrame
    several: pd.DataFrame
    totals: dict
    warnings: list[str] = field(default_factory=list)


def analyse_requests(
    requests: pd.DataFrame,
    report_date,
    request_days: int = DEFAULT_REQUEST_DAYS,
    enterprises: pd.DataFrame | None = None,
) -> RequestResult:
    """Open and overdue requests by category and department, time to resolve, enterprises with several.

    Parameters
    ----------
    requests : DataFrame
        ``request_id``, ``enterprise_id``, ``raised_on``, ``category``, ``department``,
        ``resolved_on``.
    report_date : date-like
    request_days : int
        Days a request may stay open before it is overdue (default 3).
    enterprises : DataFrame, optional
        ``enterprise_id``, ``name``: adds ``enterprise`` (the name) to the tables.
    """
    day = pd.Timestamp(report_date).normalize()
    raised = _dates(requests["raised_on"])
    warnings = []
    later = raised > day
    if later.any():
        warnings.append(
            f"{int(later.sum())} enterprise request(s) raised after the report date "
            f"{day:%Y-%m-%d} are not counted"
        )
    classified = classify_requests(requests[~later], day, request_days)
    if enterprises is not None:
        names = enterprises.set_index("enterprise_id")["name"]
        classified["enterprise"] = classified["enterprise_id"].map(names)
    several = enterprises_with_several(classified)
    if enterprises is not None:
        several["enterprise"] = several["enterprise_id"].map(names)
    totals = {
        "requests": int(len(classified)),
        "open": int(classified["open"].sum()),
        "overdue": int(classified["overdue"].sum()),
        **resolve_times(classified),
    }
    return RequestResult(
        report_date=day,
        request_days=int(request_days),
        requests=classified,
        open=open_requests(classified),
        by_category=open_by(classified, "category"),
        by_department=open_by(classified, "department"),
        several=several,
        totals=totals,
        warnings=warnings,
    )


def _counts(table: pd.DataFrame, by: str) -> list[dict]:
    return [
        {
            by: str(r[by]),
            "open": int(r["open"]),
            "overdue": int(r["overdue"]),
            "oldest_days": int(r["oldest_days"]),
        }
        for r in table.to_dict("records")
    ]


def request_figures(result: RequestResult) -> dict:
    """The JSON ``figures`` of the requests section (under ``requests`` of its report)."""
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "request_days": result.request_days,
        **result.totals,
        "by_category": _counts(result.by_category, "category"),
        "by_department": _counts(result.by_department, "department"),
        "open_requests": [
            {"request_id": str(r.request_id), "age_days": int(r.age_days), "overdue": bool(r.overdue)}
            for r in result.open.itertuples(index=False)
        ],
        "enterprises_with_several": [
            {"enterprise_id": str(r.enterprise_id), "open": int(r.open), "overdue": int(r.overdue)}
            for r in result.several.itertuples(index=False)
        ],
    }
