"""Enterprise output over time: run rates against the required rate, missing daily reports, and the
running total of the burn-up charts.

Definitions: see :mod:`workbench.domains.enterprises`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains.common import missing_cells, ratio, reporting_grid, window_start
from workbench.domains.enterprise_basis import (
    DEFAULT_RISK_RATIO,
    TOLERANCE,
    Period,
    classify_status,
    in_target_units,
    production_in_period,
)

RUN_RATE_WINDOWS = (7, 30)
#: The statuses of a target that needs watching: its burn-up chart is shown in full, the others folded.
WATCHED_STATUSES = ("behind", "at_risk")


def watched_targets(progress: pd.DataFrame) -> pd.Series:
    """Whether each target of a progress table (``status``) is one of :data:`WATCHED_STATUSES`."""
    return progress["status"].isin(WATCHED_STATUSES)


def run_rates(production: pd.DataFrame, targets: pd.DataFrame, period: Period,
              windows=RUN_RATE_WINDOWS) -> pd.DataFrame:
    """Average daily output over the last ``n`` days of each window, per target.

    Returns
    -------
    DataFrame
        ``enterprise_id``, ``product`` and, for each ``n``: ``rate_{n}`` (output of the
        window's reported days / those days, in the target's unit per day; NaN when none),
        ``days_{n}`` (reported days) and ``window_{n}`` (calendar days in the window, fewer
        than ``n`` early in January).
    """
    rows = in_target_units(production_in_period(production, period), targets)
    out = targets[["enterprise_id", "product"]].copy()
    for n in windows:
        first = max(period.start, window_start(period.as_of, n, "run-rate window"))
        window = rows[rows["date"] >= first]
        sums = window.groupby(["enterprise_id", "product"]).agg(total=("quantity", "sum"),
                                                                days=("date", "nunique"))
        joined = out[["enterprise_id", "product"]].join(sums, on=["enterprise_id", "product"])
        days = joined["days"].fillna(0).astype("int64")
        out[f"rate_{n}"] = ratio(joined["total"], days).to_numpy()
        out[f"days_{n}"] = days.to_numpy()
        out[f"window_{n}"] = (period.as_of - first).days + 1
    return out


def run_rate_status(rate, required_daily, risk_ratio: float = DEFAULT_RISK_RATIO
                    ) -> tuple[pd.Series, pd.Series]:
    """The run rate against the rate still required: its share, and its status by the status rule.

    Parameters
    ----------
    rate, required_daily : Series
        A run rate (e.g. ``rate_7``) and ``required_daily`` of
        :func:`~workbench.domains.enterprises.progress_table`.

    Returns
    -------
    (Series, Series)
        ``rate`` ÷ ``required_daily`` (NaN when nothing is required any more or no day is left),
        and its :func:`rate_share_status`.
    """
    required = pd.Series(required_daily, dtype="float64")
    rate = pd.Series(rate, dtype="float64", index=required.index)
    share = ratio(rate, required.where(required > 0))
    return share, rate_share_status(share, risk_ratio)


def rate_share_status(share, risk_ratio: float = DEFAULT_RISK_RATIO) -> pd.Series:
    """The status of run rate ÷ required rate, by :func:`~workbench.domains.enterprise_basis.classify_status`
    against 1: ``on_track`` from 1 (within the tolerance), ``at_risk`` from ``risk_ratio``, ``behind``
    below; None where the share is missing."""
    share = pd.Series(share, dtype="float64")
    status = pd.Series(classify_status(share, 1.0, risk_ratio), index=share.index, dtype=object)
    return status.where(share.notna(), None)


# ---------------------------------------------------------------- missing reports


def missing_reports(production: pd.DataFrame, period: Period, lookback_weeks: int = 4,
                    min_share: float = 0.5) -> pd.DataFrame:
    """Days of the period with no production row for a product that normally reports then.

    Parameters
    ----------
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``; only rows up to ``period.as_of`` are used
        (also for the habit), rows before 1 January only for the habit.
    lookback_weeks, min_share :
        A product normally reports on a day when it has rows on at least ``min_share`` of the
        same weekdays of the ``lookback_weeks`` weeks before; only the weeks the data cover
        count (from the first day of ``production``), so a pack whose rows begin a week before
        1 January judges early January on that week, not on weeks it holds nothing of.

    Returns
    -------
    DataFrame
        ``enterprise_id``, ``date``, ``products`` (sorted list of the products missing that
        day), one row per enterprise and day, sorted by enterprise then date.
    """
    columns = ["enterprise_id", "date", "products"]
    first = period.start - pd.Timedelta(weeks=lookback_weeks)
    rows = production[(production["date"] >= first) & (production["date"] <= period.as_of)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    days = pd.date_range(first, period.as_of, freq="D", name="date")
    reported = reporting_grid(rows, ["enterprise_id", "product"], days)
    peers = sum(reported.shift(7 * k, fill_value=False).astype(int) for k in range(1, lookback_weeks + 1))
    covered = sum((days - pd.Timedelta(weeks=k) >= production["date"].min()).astype(int)
                  for k in range(1, lookback_weeks + 1))[:, None]  # the weeks before each day the data cover
    habit = (peers >= min_share * covered - TOLERANCE) & (covered > 0)
    expected = _habit_kept_while_silent(habit, reported) & (reported.index >= period.start)[:, None]
    found = missing_cells(reported, expected)
    if found.empty:
        return pd.DataFrame(columns=columns)
    grouped = found.groupby(["enterprise_id", "date"])["product"].agg(lambda p: sorted(map(str, p)))
    return grouped.rename("products").reset_index()[columns].sort_values(
        ["enterprise_id", "date"], ignore_index=True)


def _habit_kept_while_silent(habit: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """``habit`` with each unit's days after its last report judged as in its first silent week.

    The weeks a product stays silent would otherwise wear its habit away: after three silent
    weeks it would no longer "normally report", and an enterprise silent for two months would
    look missing for three weeks only. A day of the silence takes the habit of the same weekday
    in the silence's first week (judged on the weeks before it fell silent).
    """
    flags = reported.to_numpy(dtype=bool)
    rows = np.arange(len(flags))[:, None]
    last = np.where(flags, rows, -1).max(axis=0)  # -1: no report in the grid
    first_silent = last + 1
    same_weekday = first_silent + (rows - first_silent) % 7
    source = np.where((rows > last) & (last >= 0), same_weekday, rows)
    kept = np.take_along_axis(habit.to_numpy(dtype=bool), source, axis=0)
    return pd.DataFrame(kept, index=habit.index, columns=habit.columns)


#: Days without any report after which a target's product is called silent.
SILENT_AFTER_DAYS = 7


def silent_targets(production: pd.DataFrame, targets: pd.DataFrame, period: Period,
                   after_days: int = SILENT_AFTER_DAYS) -> pd.DataFrame:
    """The targets whose product last reported more than ``after_days`` days before ``period.as_of``.

    Parameters
    ----------
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``; rows after ``period.as_of`` are left out.
    targets : DataFrame
        ``enterprise_id``, ``product``.

    Returns
    -------
    DataFrame
        ``enterprise_id``, ``product``, ``last_report`` (the day of its last row, ever),
        ``silent_days`` (days from it to ``as_of``), longest silence first. A target that never
        reported is not here (the progress table says it has no production).
    """
    rows = production[production["date"] <= period.as_of]
    last = rows.groupby(["enterprise_id", "product"])["date"].max().rename("last_report").reset_index()
    out = targets[["enterprise_id", "product"]].merge(last, on=["enterprise_id", "product"])
    out["silent_days"] = (period.as_of - out["last_report"]).dt.days.astype("int64")
    out = out[out["silent_days"] > after_days]
    return out.sort_values(["silent_days", "enterprise_id", "product"], ascending=[False, True, True],
                           ignore_index=True)


def missing_days_per_target(missing_products: pd.DataFrame, targets: pd.DataFrame) -> pd.Series:
    """How many missing days each target row's (enterprise, product) has (aligned to ``targets``)."""
    if missing_products.empty:
        return pd.Series(0, index=targets.index, dtype="int64")
    exploded = missing_products.explode("products")
    counts = exploded.groupby(["enterprise_id", "products"]).size()
    keys = list(zip(targets["enterprise_id"], targets["product"], strict=True))
    return pd.Series([int(counts.get(k, 0)) for k in keys], index=targets.index, dtype="int64")


def cumulative_output(production: pd.DataFrame, targets: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Daily output and its running total per target, every day from 1 January to D.

    Returns
    -------
    DataFrame
        ``enterprise_id``, ``product``, ``date``, ``quantity`` (target's unit; NaN on a day
        without a row, which adds nothing to the total), ``cumulative``.
    """
    rows = in_target_units(production_in_period(production, period), targets)
    days = pd.date_range(period.start, period.as_of, freq="D")
    by_target = {key: group.groupby("date")["quantity"].sum()
                 for key, group in rows.groupby(["enterprise_id", "product"])}
    frames = []
    for eid, product in zip(targets["enterprise_id"], targets["product"], strict=True):
        quantity = by_target.get((eid, product), pd.Series(dtype="float64")).reindex(days)
        frames.append(pd.DataFrame({"enterprise_id": eid, "product": product, "date": days,
                                    "quantity": quantity.to_numpy(dtype="float64"),
                                    "cumulative": quantity.fillna(0.0).cumsum().to_numpy()}))
    if not frames:
        return pd.DataFrame(columns=["enterprise_id", "product", "date", "quantity", "cumulative"])
    return pd.concat(frames, ignore_index=True)


