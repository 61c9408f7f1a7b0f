"""Supervision inspections: what failed, whether it is fixed, what is overdue, who was not visited.

Definitions (DESIGN.md, "Metric definitions"), with the counting made exact:

- The **report day** D is the report date at midnight. Visits dated after D are ignored,
  with a warning stating how many.
- The **window** is the ``window_days`` calendar days ending on D, both ends included:
  [D − (window_days − 1), D]. With the default 7 and D = 2022-10-09 it is 10-03 … 10-09.
- A visit **passes** when ``staffing_ok``, ``disinfection_log_ok`` and
  ``registration_log_ok`` are all true (a missing value is not true; the loader rejects
  missing values anyway). *Pass rate* = passed visits / visits, over the window.
- The **age** of a visit is the number of calendar days from its date to D: a visit on D has
  age 0, one on the day before age 1.
- A failed visit is **closed** when ``rectified_on`` is on or before D, and **open** while
  ``rectified_on`` is empty or later than D (it was not yet fixed on the report date).
  Open findings count whatever their date (an old one left open matters most), not only
  those of the window.
- An open finding is **overdue** when its age is greater than ``rectify_days``: with the
  default 1, a failure of the day before D is open but not overdue, one of two days before
  is overdue.
- **Days to rectify** of a closed finding = ``rectified_on`` − visit date in days (0: fixed
  on the spot, 立行立改). Median and 90th percentile (linear interpolation, numpy's default)
  are taken over the closed findings of visits in the window.
- **Place coverage** of a kind = share of its places with at least one visit in the window.
- A place **failed repeatedly** when it has at least 2 failed visits in the ``repeat_days``
  (30) days ending on D, both ends included.

Filters: ``kind`` keeps the places of one kind and their visits. ``team`` keeps that team's
visits, and the places of its rotation: the places it visited at least once up to D (the
data do not say which team answers for a place), so that its coverage and its places not
visited in the window mean something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import DataError, WorkbenchError
from workbench.intake.problems import row_problems

#: The three check items of a visit, in the order the forms list them.
ITEMS = ("staffing_ok", "disinfection_log_ok", "registration_log_ok")
#: Place kinds of the data contract (``places.kind``), supervision teams' kinds first.
PLACE_KINDS = (
    "garbage_station", "public_toilet", "park", "square", "pump_station",
    "construction_site", "testing_site", "quarantine_hotel", "medical_institution",
)  # fmt: skip
#: A place's status on the map, most urgent first (see :func:`place_status`).
STATUSES = ("overdue", "open", "not_visited", "rectified", "passed")

DEFAULT_WINDOW_DAYS = 7
DEFAULT_RECTIFY_DAYS = 1
DEFAULT_REPEAT_DAYS = 30
REPEAT_MIN_FAILURES = 2


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_NUMBER = re.compile(r"(\d+|[〇零一二两三四五六七八九十]+)")


def _chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一〇五 → 105."""
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CN_DIGITS.get(tens[-1:], 1) * 10 + _CN_DIGITS.get(units[:1], 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS[char]
    return value


def team_sort_key(name) -> tuple:
    """Sort key reading numbers in team names, also Chinese ones: 第二督查组 before 第三, 第十."""
    parts = _NUMBER.split(str(name))
    return tuple(int(p) if p.isdigit() else _chinese_number(p) if i % 2 else p for i, p in enumerate(parts))


def report_day(report_date) -> pd.Timestamp:
    """The report date as a Timestamp at midnight."""
    return pd.Timestamp(report_date).normalize()


def window_start(report_date, window_days: int) -> pd.Timestamp:
    """First day of the ``window_days`` days ending on the report date (inclusive)."""
    return report_day(report_date) - pd.Timedelta(days=int(window_days) - 1)


def _dates(values: pd.Series) -> pd.Series:
    """Dates at midnight (``datetime64[ns]``), whatever date-like values come in."""
    return pd.to_datetime(values).astype("datetime64[ns]").dt.normalize()


def check_places(inspections: pd.DataFrame, places: pd.DataFrame, file: str = "inspections") -> None:
    """Raise a DataError naming every visit whose ``place_id`` is not in ``places``.

    The loader does the same check against the pack's files; this one protects callers
    that build frames themselves. Rows are the frame's index + 1 (its 1-based data row).
    """
    unknown = inspections["place_id"].isna() | ~inspections["place_id"].isin(places["place_id"])
    if unknown.any():
        expected = "an id listed in places.place_id"
        raise DataError(row_problems("inspections", file, "place_id", inspections["place_id"][unknown],
                                     expected))


def drop_future(inspections: pd.DataFrame, report_date) -> tuple[pd.DataFrame, list[str]]:
    """Visits dated on or before the report date, and a warning for those set aside."""
    day = report_day(report_date)
    future = _dates(inspections["date"]) > day
    if not future.any():
        return inspections, []
    first = _dates(inspections["date"][future]).min()
    warning = (f"{int(future.sum())} inspection(s) dated after the report date {day:%Y-%m-%d} "
               f"were ignored (earliest {first:%Y-%m-%d})")
    return inspections[~future], [warning]


def classify_visits(visits: pd.DataFrame, report_date,
                    rectify_days: int = DEFAULT_RECTIFY_DAYS) -> pd.DataFrame:
    """Add the status columns of each visit at the report date.

    Parameters
    ----------
    visits : DataFrame
        ``inspection_id``, ``date``, the three :data:`ITEMS`, ``rectified_on``; dated on or
        before the report date (see :func:`drop_future`).
    report_date : date-like
    rectify_days : int
        An open finding older than this many days is overdue.

    Returns
    -------
    DataFrame
        A copy with ``passed``, ``failed``, ``age_days`` (report date − visit date, in days),
        ``closed``, ``open``, ``overdue`` (booleans) and ``days_to_rectify`` (float, set for
        closed findings only).
    """
    day = report_day(report_date)
    out = visits.copy()
    out["date"] = _dates(out["date"])
    out["rectified_on"] = _dates(out["rectified_on"])
    items = out[list(ITEMS)].astype("boolean").fillna(False).astype(bool)
    out["passed"] = items.all(axis=1)
    out["failed"] = ~out["passed"]
    out["age_days"] = (day - out["date"]).dt.days.astype("int64")
    out["closed"] = out["failed"] & out["rectified_on"].notna() & (out["rectified_on"] <= day)
    out["open"] = out["failed"] & ~out["closed"]
    out["overdue"] = out["open"] & (out["age_days"] > int(rectify_days))
    taken = (out["rectified_on"] - out["date"]).dt.days.astype("float64")
    out["days_to_rectify"] = taken.where(out["closed"])
    return out


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["visits"] = frame["visits"].astype("int64")
    frame["passed"] = frame["passed"].astype("int64")
    share = frame["passed"] / frame["visits"].clip(lower=1)
    frame["pass_rate"] = np.where(frame["visits"] > 0, share, np.nan)
    return frame


def pass_rates(visits: pd.DataFrame, by: str, keys=None) -> pd.DataFrame:
    """Visits, passed visits and pass rate per value of column ``by``.

    ``keys`` lists the values to show (in that order) even without visits (then 0 visits
    and a missing rate); by default the values present, sorted.
    """
    counts = visits.groupby(by, sort=True).agg(visits=("passed", "size"), passed=("passed", "sum"))
    keys = list(counts.index) if keys is None else list(dict.fromkeys([*keys, *counts.index]))
    counts = counts.astype("int64")
    table = counts.reindex(keys, fill_value=0).rename_axis(by).reset_index()
    return _rates(table)[[by, "visits", "passed", "pass_rate"]]


def daily_trend(visits: pd.DataFrame, start, end) -> pd.DataFrame:
    """Per calendar day from ``start`` to ``end`` (inclusive): visits, passed, failed, pass rate.

    Days without visits are listed with 0 visits and a missing rate (never a 0 % rate).
    """
    days = pd.date_range(report_day(start), report_day(end), freq="D")
    counts = visits.groupby("date").agg(visits=("passed", "size"), passed=("passed", "sum"))
    table = counts.reindex(days, fill_value=0).rename_axis("date").reset_index()
    table = _rates(table)
    table["failed"] = table["visits"] - table["passed"]
    return table[["date", "visits", "passed", "failed", "pass_rate"]]


def item_failures(visits: pd.DataFrame) -> pd.DataFrame:
    """How often each check item failed: ``item``, ``failures``, ``share_of_visits``,
    ``share_of_failed`` (of failed visits; one visit may fail several items). Most failed first."""
    failed_visits = int(visits["failed"].sum()) if len(visits) else 0
    rows = []
    for order, item in enumerate(ITEMS):
        failures = int((~visits[item].astype("boolean").fillna(False).astype(bool)).sum())
        rows.append({"item": item, "failures": failures, "order": order,
                     "share_of_visits": failures / len(visits) if len(visits) else np.nan,
                     "share_of_failed": failures / failed_visits if failed_visits else np.nan})
    table = pd.DataFrame(rows).sort_values(["failures", "order"], ascending=[False, True])
    return table.drop(columns="order").reset_index(drop=True)


def open_findings(visits: pd.DataFrame) -> pd.DataFrame:
    """Findings open at the report date, overdue first, then oldest first, then by id.

    ``visits`` come from :func:`classify_visits` with ``name`` and ``kind`` of the place.
    Returns ``inspection_id``, ``date``, ``team``, ``place_id``, ``name``, ``kind``,
    ``finding``, ``age_days``, ``overdue``, ``rectified_on`` (set when the fix is dated
    after the report date).
    """
    columns = ["inspection_id", "date", "team", "place_id", "name", "kind", "finding", "age_days",
               "overdue", "rectified_on"]
    rows = visits[visits["open"]]
    rows = rows.sort_values(["overdue", "age_days", "inspection_id"], ascending=[False, False, True])
    return rows[columns].reset_index(drop=True)


def rectify_times(visits: pd.DataFrame) -> dict:
    """Days to rectify of the closed findings among ``visits``.

    Returns
    -------
    dict
        ``closed`` (count), ``same_day`` (count fixed on the visit day), ``median``, ``p90``
        (linear interpolation) and ``max`` in days; the three are None without closed findings.
    """
    days = visits.loc[visits["closed"], "days_to_rectify"].dropna().to_numpy(dtype="float64")
    if days.size == 0:
        return {"closed": 0, "same_day": 0, "median": None, "p90": None, "max": None}
    return {"closed": int(days.size), "same_day": int((days == 0).sum()),
            "median": float(np.median(days)), "p90": float(np.percentile(days, 90)),
            "max": float(days.max())}


def rectify_by_team(visits: pd.DataFrame) -> pd.DataFrame:
    """:func:`rectify_times` for all ``visits`` (``team`` None), then per team in name order.

    Returns ``team``, ``closed``, ``same_day``, ``median``, ``p90``, ``max``; teams without a
    closed finding are left out.
    """
    rows = [{"team": None, **rectify_times(visits)}]
    for team in sorted(visits.loc[visits["closed"], "team"].dropna().unique(), key=team_sort_key):
        rows.append({"team": team, **rectify_times(visits[visits["team"] == team])})
    table = pd.DataFrame(rows, columns=["team", "closed", "same_day", "median", "p90", "max"])
    return table[table["closed"] > 0].reset_index(drop=True)


def repeat_failures(visits: pd.DataFrame, report_date, days: int = DEFAULT_REPEAT_DAYS,
                    min_failures: int = REPEAT_MIN_FAILURES) -> pd.DataFrame:
    """Places with at least ``min_failures`` failed visits in the ``days`` days ending on the report date.

    Returns ``place_id``, ``name``, ``kind``, ``failures``, ``failed_on`` (the dates, as
    ``MM-DD`` text), ``last_finding`` and ``open`` (a finding of the place is still open);
    most failures first, then the latest failure first.
    """
    columns = ["place_id", "name", "kind", "failures", "failed_on", "last_finding", "open"]
    start = report_day(report_date) - pd.Timedelta(days=int(days) - 1)
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
    table["coverage"] = table["visited"] / table["places"]
    return table[["kind", "places", "visited", "coverage"]]


def unvisited_places(status: pd.DataFrame, report_date) -> pd.DataFrame:
    """Places without a visit in the window: never visited first, then the longest unvisited.

    Returns ``place_id``, ``name``, ``kind``, ``last_visit`` (NaT: never visited up to the
    report date), ``days_since`` (report date − last visit, in days; missing when never).
    """
    rows = status[~status["visited"]].copy()
    rows["days_since"] = (report_day(report_date) - rows["last_visit"]).dt.days.astype("Int64")
    rows["kind_order"] = rows["kind"].map({k: i for i, k in enumerate(PLACE_KINDS)})
    rows = rows.sort_values(["last_visit", "kind_order", "place_id"], na_position="first")
    return rows[["place_id", "name", "kind", "last_visit", "days_since"]].reset_index(drop=True)


@dataclass
class InspectionResult:
    """Everything the inspections report shows, computed by :func:`analyse_inspections`.

    ``visits`` holds every visit in scope up to the report date (classified, with the
    place's ``name`` and ``kind``); ``in_window`` the ones of the window.
    """

    report_date: pd.Timestamp
    window_days: int
    rectify_days: int
    repeat_days: int
    team: str | None
    kind: str | None
    window_start: pd.Timestamp
    visits: pd.DataFrame
    in_window: pd.DataFrame
    places: pd.DataFrame
    totals: dict
    by_team: pd.DataFrame
    by_kind: pd.DataFrame
    daily: pd.DataFrame
    items: pd.DataFrame
    open: pd.DataFrame
    rectify: dict
    rectify_teams: pd.DataFrame
    repeat: pd.DataFrame
    coverage: pd.DataFrame
    unvisited: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _check_parameters(window_days: int, rectify_days: int, repeat_days: int) -> None:
    for name, value, least in (("window_days", window_days, 1), ("rectify_days", rectify_days, 0),
                               ("repeat_days", repeat_days, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise WorkbenchError(f"{name} must be a whole number of at least {least}, got {value!r}")


def _filter_scope(visits: pd.DataFrame, places: pd.DataFrame, all_visits: pd.DataFrame,
                  team: str | None, kind: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The visits and places in scope of the ``team`` and ``kind`` filters (see the module doc)."""
    if kind not in (None, ""):
        if kind not in PLACE_KINDS:
            raise WorkbenchError(f"kind {kind!r} is not a place kind; "
                                 f"expected one of {', '.join(PLACE_KINDS)}")
        places = places[places["kind"] == kind]
        visits = visits[visits["place_id"].isin(places["place_id"])]
    if team not in (None, ""):
        known = sorted(all_visits["team"].dropna().unique(), key=team_sort_key)
        if team not in known:
            raise WorkbenchError(f"team {team!r} has no inspection in the data; teams: {', '.join(known)}")
        visits = visits[visits["team"] == team]
        places = places[places["place_id"].isin(visits["place_id"])]
    return visits, places


def analyse_inspections(inspections: pd.DataFrame, places: pd.DataFrame, report_date,
                        window_days: int = DEFAULT_WINDOW_DAYS, rectify_days: int = DEFAULT_RECTIFY_DAYS,
                        team: str | None = None, kind: str | None = None,
                        repeat_days: int = DEFAULT_REPEAT_DAYS) -> InspectionResult:
    """Pass rates, open and overdue findings, repeat failures and place coverage at a report date.

    Parameters
    ----------
    inspections : DataFrame
        ``inspection_id``, ``date``, ``team``, ``place_id``, the three :data:`ITEMS`,
        ``finding``, ``rectified_on``.
    places : DataFrame
        ``place_id``, ``name``, ``kind`` (``lon``, ``lat`` for the map).
    report_date : date-like
    window_days : int
        Length of the window ending on the report date (inclusive), for pass rates, the
        trend, the failing items, days to rectify and place coverage.
    rectify_days : int
        Days a finding may stay open before it is overdue.
    team, kind : str, optional
        Filters (see the module docstring).
    repeat_days : int
        Look-back for places that failed repeatedly.

    Raises
    ------
    DataError
        When a visit's ``place_id`` is not in ``places``.
    WorkbenchError
        For a bad parameter, an unknown kind or a team without any inspection.
    """
    _check_parameters(window_days, rectify_days, repeat_days)
    day = report_day(report_date)
    check_places(inspections, places)
    kept, warnings = drop_future(inspections, day)
    visits, scoped_places = _filter_scope(kept, places, inspections, team, kind)
    visits = classify_visits(visits, day, rectify_days)
    visits = visits.merge(places[["place_id", "name", "kind"]], on="place_id", how="left",
                          suffixes=("_source", ""))
    start = window_start(day, window_days)
    recent = visits[visits["date"] >= start]
    negative = int((visits["days_to_rectify"] < 0).sum())
    if negative:
        warnings.append(f"{negative} finding(s) rectified before the visit date: counted as closed, "
                        "left out of the days to rectify")
        taken = recent["days_to_rectify"]
        recent = recent.assign(days_to_rectify=taken.where(taken >= 0))

    status = place_status(visits, scoped_places, day, window_days)
    kinds_in_scope = [k for k in PLACE_KINDS if k in set(scoped_places["kind"])]
    coverage = coverage_by_kind(status)
    passed, count = int(recent["passed"].sum()), int(len(recent))
    open_rows = open_findings(visits)
    totals = {
        "visits": count, "passed": passed, "failed": count - passed,
        "pass_rate": passed / count if count else float("nan"),
        "open": int(len(open_rows)), "overdue": int(open_rows["overdue"].sum()),
        "places": int(len(status)), "visited": int(status["visited"].sum()),
        "coverage": float(status["visited"].mean()) if len(status) else float("nan"),
    }
    return InspectionResult(
        report_date=day, window_days=int(window_days), rectify_days=int(rectify_days),
        repeat_days=int(repeat_days), team=team or None, kind=kind or None, window_start=start,
        visits=visits, in_window=recent.reset_index(drop=True), places=status, totals=totals,
        by_team=pass_rates(recent, "team", sorted(visits["team"].dropna().unique(), key=team_sort_key)),
        by_kind=pass_rates(recent, "kind", kinds_in_scope),
        daily=daily_trend(recent, start, day), items=item_failures(recent), open=open_rows,
        rectify=rectify_times(recent), rectify_teams=rectify_by_team(recent),
        repeat=repeat_failures(visits, day, repeat_days),
        coverage=coverage, unvisited=unvisited_places(status, day), warnings=warnings,
    )


def inspection_figures(result: InspectionResult) -> dict:
    """The report's JSON ``figures`` (the inspections issue), plus the window and filters."""
    return {
        "report_date": f"{result.report_date:%Y-%m-%d}",
        "window": {"days": result.window_days, "start": f"{result.window_start:%Y-%m-%d}",
                   "end": f"{result.report_date:%Y-%m-%d}"},
        "rectify_days": result.rectify_days,
        "team": result.team,
        "kind": result.kind,
        "visits": result.totals["visits"],
        "passed": result.totals["passed"],
        "pass_rate": result.totals["pass_rate"],
        "by_team": result.by_team.to_dict("records"),
        "by_kind": result.by_kind.to_dict("records"),
        "open": [str(i) for i in result.open["inspection_id"]],
        "overdue": [str(i) for i in result.open.loc[result.open["overdue"], "inspection_id"]],
        "place_coverage": dict(zip(result.coverage["kind"], result.coverage["coverage"], strict=True)),
        "median_rectify_days": result.rectify["median"],
        "p90_rectify_days": result.rectify["p90"],
        "repeat_failures": [str(p) for p in result.repeat["place_id"]],
        "not_visited": [str(p) for p in result.unvisited["place_id"]],
    }
