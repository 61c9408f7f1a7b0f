"""Pass rates, failing items and days to rectify of supervision visits, overall, per team, kind and day.

Definitions: see :mod:`workbench.domains.inspections` (its public names include these). Teams are
sorted by the numbers in their names, also Chinese ones (第二督查组 before 第十).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.domains.common import ratio

#: The three check items of a visit, in the order the forms list them.
ITEMS = ("staffing_ok", "disinfection_log_ok", "registration_log_ok")

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


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["visits"] = frame["visits"].astype("int64")
    frame["passed"] = frame["passed"].astype("int64")
    frame["pass_rate"] = ratio(frame["passed"], frame["visits"])
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
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
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
                     "share_of_visits": ratio(failures, len(visits)),
                     "share_of_failed": ratio(failures, failed_visits)})
    table = pd.DataFrame(rows).sort_values(["failures", "order"], ascending=[False, True])
    return table.drop(columns="order").reset_index(drop=True)


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


