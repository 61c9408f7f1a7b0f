"""Places under supervision at a report date: each place's status, place coverage by kind, the places
not visited in the window, and those that failed repeatedly.

Definitions: see :mod:`workbench.domains.inspections` (its public names include these).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains.common import ratio, time_since, window_start

DEFAULT_WINDOW_DAYS = 7
#: A place's status on the map, most urgent first (see :func:`place_status`).
STATUSES = ("overdue", "open", "not_visited", "rectified", "passed")
#: The palette key of each status: tables, the map and its legend colour a place with it.
STATUS_TONES = {"overdue": "bad", "open": "warn", "not_visited": "no_data", "rectified": "neutral",
                "passed": "good"}
DEFAULT_REPEAT_DAYS = 30
REPEAT_MIN_FAILURES = 2

#: Place kinds of the data contract (``places.kind``), supervision teams' kinds first.
PLACE_KINDS = (
    "garbage_station", "public_toilet", "park", "square", "pump_station",
    "construction_site", "testing_site", "quarantine_hotel", "medical_institution",
)  # fmt: skip


def place_status(visits: pd.DataFrame, places: pd.DataFrame, report_date,
                 window_days: int = DEFAULT_WINDOW_DAYS) -> pd.DataFrame:
    """One row per place: visits in the window, last visit, open findings and a status.

    The status is the first that applies: ``overdue`` (an overdue open finding), ``open``
    (an open finding), ``not_visited`` (no visit in the window), ``rectified`` (the last
    visit failed and was fixed), ``passed`` (the last visit passed). Open findings count
    whatever their date, so a place left with an open finding shows it even when it was
    not visited in the window (its ``visited`` column still says so).

    Returns
    -------
    DataFrame
        ``places`` columns plus ``visits_in_window``, ``visited`` (bool), ``last_visit``,
        ``last_team``, ``last_passed``, ``last_finding`` (of the last visit, if it failed),
        ``last_open`` (that finding is still open), ``open_findings``, ``overdue_findings``,
        ``oldest_open_age``, ``oldest_open_finding``, ``status``.
    """
    start = window_start(report_date, window_days)
    out = places.copy()
    ids = out["place_id"]

    def per_place(values: pd.Series, fill=None) -> np.ndarray:
        """``values`` (indexed by place_id) for each place, in place order; dtypes kept."""
        found = values.reindex(ids)
        return (found if fill is None else found.fillna(fill)).to_numpy()

    out["visits_in_window"] = per_place(visits[visits["date"] >= start].groupby("place_id").size(), 0)
    out["visits_in_window"] = out["visits_in_window"].astype("int64")
    out["visited"] = out["visits_in_window"] > 0

    latest = visits.sort_values(["date", "inspection_id"]).drop_duplicates("place_id", keep="last")
    latest = latest.set_index("place_id")
    out["last_visit"] = pd.to_datetime(per_place(latest["date"])).astype("datetime64[ns]")
    out["last_team"] = per_place(latest["team"])
    out["last_passed"] = pd.array(per_place(latest["passed"].astype("boolean")), dtype="boolean")
    out["last_finding"] = per_place(latest["finding"].where(latest["failed"]))
    out["last_open"] = per_place(latest["open"].astype(bool), False).astype(bool)

    open_rows = visits[visits["open"]].sort_values(["age_days", "inspection_id"], ascending=[False, True])
    out["open_findings"] = per_place(open_rows.groupby("place_id").size(), 0).astype("int64")
    overdue = open_rows[open_rows["overdue"]].groupby("place_id").size()
    out["overdue_findings"] = per_place(overdue, 0).astype("int64")
    oldest = open_rows.drop_duplicates("place_id").set_index("place_id")
    out["oldest_open_age"] = pd.array(per_place(oldest["age_days"].astype("Int64")), dtype="Int64")
    out["oldest_open_finding"] = per_place(oldest["finding"])

    out["status"] = np.select(
        [out["overdue_findings"] > 0, out["open_findings"] > 0, ~out["visited"],
         out["last_passed"].fillna(True).astype(bool)],
        ["overdue", "open", "not_visited", "passed"], default="rectified")
    return out.reset_index(drop=True)


def coverage_by_kind(status: pd.DataFrame) -> pd.DataFrame:
    """Place coverage per kind: ``kind``, ``places``, ``visited``, ``coverage`` (visited / places).

    Kinds follow :data:`PLACE_KINDS`; only kinds with places are listed.
    """
    table = status.groupby("kind").agg(places=("place_id", "size"), visited=("visited", "sum"))
    order = [k for k in PLACE_KINDS if k in table.index] + sorted(set(table.index) - set(PLACE_KINDS))
    table = table.reindex(order).rename_axis("kind").reset_index()
    table["visited"] = table["visited"].astype("int64")
    table["coverage"] = ratio(table["visited"], table["places"])
    return table[["kind", "places", "visited", "coverage"]]


def unvisited_places(status: pd.DataFrame, report_date) -> pd.DataFrame:
    """Places without a visit in the window: never visited first, then the longest unvisited.

    Returns ``place_id``, ``name``, ``kind``, ``last_visit`` (NaT: never visited up to the
    report date), ``days_since`` (report date − last visit, in days; missing when never).
    """
    rows = status[~status["visited"]].copy()
    day = pd.Timestamp(report_date).normalize()
    rows["days_since"] = time_since(rows["last_visit"], day, "D").astype("Int64")
    rows["kind_order"] = rows["kind"].map({k: i for i, k in enumerate(PLACE_KINDS)})
    rows = rows.sort_values(["last_visit", "kind_order", "place_id"], na_position="first")
    return rows[["place_id", "name", "kind", "last_visit", "days_since"]].reset_index(drop=True)


def repeat_failures(visits: pd.DataFrame, report_date, days: int = DEFAULT_REPEAT_DAYS,
                    min_failures: int = REPEAT_MIN_FAILURES) -> pd.DataFrame:
    """Places with at least ``min_failures`` failed visits in the ``days`` days ending on the report date.

    Returns ``place_id``, ``name``, ``kind``, ``failures``, ``failed_on`` (the dates, as
    ``MM-DD`` text), ``last_finding`` and ``open`` (a finding of the place is still open);
    most failures first, then the latest failure first.
    """
    columns = ["place_id", "name", "kind", "failures", "failed_on", "last_finding", "open"]
    start = window_start(report_date, days, "repeat_days")
    failed = visits[visits["failed"] & (visits["date"] >= start)].sort_values(["date", "inspection_id"])
    if failed.empty:
        return pd.DataFrame(columns=columns)
    grouped = failed.groupby("place_id", sort=False)
    table = grouped.agg(name=("name", "first"), kind=("kind", "first"), failures=("failed", "size"),
                        last=("date", "max"), last_finding=("finding", "last"))
    table["failed_on"] = grouped["date"].agg(lambda d: ", ".join(f"{x:%m-%d}" for x in d))
    still_open = set(visits.loc[visits["open"], "place_id"])
    table = table[table["failures"] >= min_failures].reset_index()
    table["open"] = table["place_id"].isin(still_open)
    table = table.sort_values(["failures", "last", "place_id"], ascending=[False, False, True])
    return table[columns].reset_index(drop=True)


