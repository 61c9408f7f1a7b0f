"""Prices of daily necessities: against their baseline, day over day, and early-warning alerts.

Definitions:

- A *series* is one commodity at one market; ``prices`` has at most one row per series and day.
- *Against baseline* = price / ``baseline_price`` − 1, where the commodity's baseline is given in
  ``price_baselines`` (e.g. its mean price over a calm period). When the baseline names a
  ``unit``, prices in another unit are not compared with it (and a note says how many).
- *Day over day* = price on D / price on D−1 − 1 for the same series; missing when either
  day has no price (a missing day is never read as an unchanged price).
- *Early-warning rules* (``parameters/price_alerts.yaml``), checked for every series on a day D:

  - ``above_baseline``: price ≥ baseline × (1 + ``threshold``); value = price / baseline − 1.
  - ``daily_jump``: price ≥ price of D−1 × (1 + ``threshold``); value = the day-over-day change.
  - ``consecutive_rises``: the price rose on each of the last ``days`` days (D−days … D, every
    day present and each price strictly above the day before); value = the number of
    consecutive rises ending on D (at least ``days``).

- The *trend* of a commodity over the ``trend_days`` days ending on D: each day's mean price
  over the markets priced that day (as :func:`commodity_summary` on the report date), against
  the baseline (mean / baseline − 1); a day without any price is a gap, never a repeated price.
  Its *alert line* is baseline × (1 + the lowest ``above_baseline`` threshold), the price from
  which that rule flags a market.

The rules file is read by the caller (``workbench.intake.rulefiles.read_parameter_file`` with
:data:`DEFAULT_RULES_FILE`); :func:`parse_alert_rules` checks the parsed document. Nothing here
touches a file: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.domains.common import days_ending
from workbench.errors import WorkbenchError

#: The rules file used when none is given, relative to the workbench's folder.
DEFAULT_RULES_FILE = Path("parameters") / "price_alerts.yaml"
RULE_KINDS = ("above_baseline", "daily_jump", "consecutive_rises")
#: Days of the price trend, ending on the report date.
DEFAULT_TREND_DAYS = 14
SERIES = ["market", "commodity"]


@dataclass(frozen=True)
class AlertRule:
    """One early-warning rule: ``kind`` with its ``threshold`` (a share) or ``days``."""

    rule: str
    kind: str
    threshold: float | None = None
    days: int | None = None


def parse_alert_rules(document, source="price alerts") -> list[AlertRule]:
    """Check and convert the ``rules:`` list of a rules document (already parsed YAML).

    Raises
    ------
    WorkbenchError
        Naming ``source`` and the rule, for an unknown kind, a missing or non-positive
        ``threshold`` / ``days``, or a repeated rule id.
    """
    source = str(source)
    entries = (document or {}).get("rules") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise WorkbenchError(f"{source}: expected a non-empty 'rules:' list")
    rules, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{source}, rule {number}"
        if not isinstance(entry, dict):
            raise WorkbenchError(f"{where}: expected a mapping with id and kind")
        kind = str(entry.get("kind", ""))
        rule_id = str(entry.get("id") or kind)
        if kind not in RULE_KINDS:
            raise WorkbenchError(f"{where}: kind {kind!r} is not one of {', '.join(RULE_KINDS)}")
        if rule_id in seen:
            raise WorkbenchError(f"{where}: rule id {rule_id!r} is used twice")
        seen.add(rule_id)
        if kind == "consecutive_rises":
            days = entry.get("days")
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise WorkbenchError(f"{where} ({rule_id}): 'days' must be a whole number of 1 or more")
            rules.append(AlertRule(rule_id, kind, days=days))
        else:
            threshold = entry.get("threshold")
            if not isinstance(threshold, int | float) or isinstance(threshold, bool) or threshold <= 0:
                raise WorkbenchError(f"{where} ({rule_id}): 'threshold' must be a share above 0, "
                                     "e.g. 0.10 for 10 %")
            rules.append(AlertRule(rule_id, kind, threshold=float(threshold)))
    return rules


# ---------------------------------------------------------------- prices, baselines, changes


def price_changes(prices: pd.DataFrame, baselines: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Every price with its previous day's price, day-over-day change and baseline comparison.

    Parameters
    ----------
    prices : DataFrame
        ``date``, ``market``, ``commodity``, ``price``, ``unit``.
    baselines : DataFrame
        ``commodity``, ``baseline_price``, ``period``; optionally ``unit``.

    Returns
    -------
    (DataFrame, list of str)
        ``prices`` sorted by market, commodity and date, plus ``previous`` (price of the day
        before, NaN when that day has no price), ``change`` (day over day), ``baseline``
        (NaN without a comparable baseline), ``vs_baseline``; and notes on prices that could
        not be compared.
    """
    out = prices.sort_values([*SERIES, "date"], ignore_index=True)
    before = out[[*SERIES, "date", "price"]].assign(date=out["date"] + pd.Timedelta(days=1))
    out = out.merge(before.rename(columns={"price": "previous"}), on=[*SERIES, "date"], how="left")
    out["change"] = out["price"] / out["previous"] - 1
    base = baselines.drop_duplicates("commodity").set_index("commodity")
    out["baseline"] = out["commodity"].map(base["baseline_price"]).astype("float64")
    notes = []
    if "unit" in base.columns and "unit" in out.columns:
        expected_unit = out["commodity"].map(base["unit"])
        other_unit = expected_unit.notna() & (expected_unit != out["unit"])
        if other_unit.any():
            notes.append(f"{int(other_unit.sum()):,} price(s) in another unit than their baseline "
                         "are not compared with it")
            out.loc[other_unit, "baseline"] = np.nan
    without = sorted(set(out["commodity"]) - set(base.index))
    if without:
        notes.append(f"no baseline for {len(without)} commodit{'y' if len(without) == 1 else 'ies'}: "
                     + ", ".join(without[:10]))
    out["vs_baseline"] = out["price"] / out["baseline"] - 1
    return out, notes


def rise_streaks(changes: pd.DataFrame) -> pd.Series:
    """Consecutive day-over-day rises ending on each row (0 when the price did not rise).

    ``changes`` as returned by :func:`price_changes` (sorted by series and date); a day
    without a price, or a price not above the day before, ends a streak.
    """
    rose = (changes["change"] > 0).to_numpy()
    series = changes[SERIES].astype(str).agg("\x1f".join, axis=1).to_numpy()
    streak = np.zeros(len(changes), dtype=np.int64)
    for i in range(len(changes)):
        if rose[i]:
            continued = i > 0 and series[i - 1] == series[i] and rose[i - 1] and \
                changes["date"].iat[i] - changes["date"].iat[i - 1] == pd.Timedelta(days=1)
            streak[i] = streak[i - 1] + 1 if continued else 1
    return pd.Series(streak, index=changes.index)


def evaluate_rules(changes: pd.DataFrame, rules: list[AlertRule], dates) -> pd.DataFrame:
    """The alerts of ``rules`` on ``dates``, one row per (rule, series, date).

    Returns
    -------
    DataFrame
        ``rule``, ``kind``, ``commodity``, ``market``, ``date``, ``value``, ``price``,
        ``unit``, ``previous``, ``baseline``, ``streak``; sorted by date, rule order,
        commodity, market.
    """
    days = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in dates])
    frame = changes.assign(streak=rise_streaks(changes))
    frame = frame[frame["date"].isin(days)]
    found = []
    for order, rule in enumerate(rules):
        if rule.kind == "above_baseline":
            hit = frame["price"] >= frame["baseline"] * (1 + rule.threshold) - 1e-9
            value = frame["vs_baseline"]
        elif rule.kind == "daily_jump":
            hit = frame["price"] >= frame["previous"] * (1 + rule.threshold) - 1e-9
            value = frame["change"]
        else:
            hit = frame["streak"] >= rule.days
            value = frame["streak"]
        rows = frame[hit.fillna(False).astype(bool)].assign(rule=rule.rule, kind=rule.kind, order=order,
                                                           value=value[hit.fillna(False).astype(bool)])
        found.append(rows)
    columns = ["rule", "kind", "commodity", "market", "date", "value", "price", "unit", "previous",
               "baseline", "streak"]
    alerts = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*columns, "order"])
    alerts = alerts.sort_values(["date", "order", "commodity", "market"], ignore_index=True)
    return alerts[columns]


def commodity_summary(changes: pd.DataFrame, report_date) -> pd.DataFrame:
    """Per commodity on the report date: mean price over the markets, against baseline and the day before.

    Returns
    -------
    DataFrame
        ``commodity``, ``unit``, ``markets`` (with a price on the day), ``price`` (mean),
        ``low``, ``high``, ``baseline``, ``vs_baseline`` (mean price / baseline − 1),
        ``previous`` (mean over the same markets the day before), ``change`` (mean price /
        previous − 1, over markets with both days). Sorted by ``vs_baseline``, highest first.
    """
    day = changes[changes["date"] == pd.Timestamp(report_date).normalize()]
    both = day[day["previous"].notna()]
    grouped = day.groupby("commodity", sort=False)
    out = grouped.agg(unit=("unit", "first"), markets=("market", "nunique"), price=("price", "mean"),
                      low=("price", "min"), high=("price", "max"), baseline=("baseline", "first"))
    paired = both.groupby("commodity").agg(now=("price", "mean"), previous=("previous", "mean"))
    out = out.join(paired)
    out["vs_baseline"] = out["price"] / out["baseline"] - 1
    out["change"] = out["now"] / out["previous"] - 1
    out = out.drop(columns="now").reset_index()
    return out.sort_values(["vs_baseline", "commodity"], ascending=[False, True], na_position="last",
                           ignore_index=True)


def baseline_alert_share(rules: list[AlertRule]) -> float | None:
    """The lowest ``above_baseline`` threshold of ``rules`` (None without such a rule)."""
    thresholds = [r.threshold for r in rules if r.kind == "above_baseline"]
    return min(thresholds) if thresholds else None


def price_trend(changes: pd.DataFrame, rules: list[AlertRule], report_date,
                days: int = DEFAULT_TREND_DAYS) -> pd.DataFrame:
    """Each commodity's daily mean price against its baseline over the ``days`` ending on the report date.

    Parameters
    ----------
    changes : DataFrame
        From :func:`price_changes`.

    Returns
    -------
    DataFrame
        One row per commodity and day of the window (oldest first, commodities by name):
        ``commodity``, ``date``, ``unit``, ``markets`` (priced that day, 0 when none), ``price``
        (their mean; NaN when none), ``low``, ``high``, ``baseline``, ``vs_baseline``,
        ``alert_price`` (NaN without a baseline or an ``above_baseline`` rule).
    """
    window = days_ending(report_date, days, "trend_days")
    rows = changes[changes["date"].isin(window)]
    columns = ["commodity", "date", "unit", "markets", "price", "low", "high", "baseline", "vs_baseline",
               "alert_price"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    daily = rows.groupby(["commodity", "date"]).agg(
        markets=("market", "nunique"), price=("price", "mean"), low=("price", "min"), high=("price", "max"))
    commodities = sorted(rows["commodity"].unique())
    grid = pd.MultiIndex.from_product([commodities, window], names=["commodity", "date"])
    out = daily.reindex(grid).reset_index()
    out["markets"] = out["markets"].fillna(0).astype("int64")
    per_commodity = rows.groupby("commodity").agg(unit=("unit", "first"), baseline=("baseline", "first"))
    out = out.join(per_commodity, on="commodity")
    out["vs_baseline"] = out["price"] / out["baseline"] - 1
    share = baseline_alert_share(rules)
    out["alert_price"] = out["baseline"] * (1 + share) if share is not None else np.nan
    return out[columns]


@dataclass
class PriceResult:
    """Everything the price part of the supply report shows, from :func:`analyse_prices`."""

    report_date: pd.Timestamp
    rules: list[AlertRule]
    changes: pd.DataFrame
    summary: pd.DataFrame
    today: pd.DataFrame  # every series on the report date
    alerts: pd.DataFrame  # on the report date
    recent_alerts: pd.DataFrame  # over the look-back window, report date included
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # price_trend of the trend window
    warnings: list[str] = field(default_factory=list)
    known: bool = True  # False: the pack has no prices (no alert means nothing, not "all clear")


def analyse_prices(prices: pd.DataFrame, baselines: pd.DataFrame, rules: list[AlertRule], report_date,
                   lookback_days: int = 7, trend_days: int = DEFAULT_TREND_DAYS, known: bool = True
                   ) -> PriceResult:
    """Prices on the report date against baseline and the day before, and the rules' alerts.

    ``recent_alerts`` holds the alerts of the ``lookback_days`` days ending on the report
    date (to see since when a commodity has been flagged); ``alerts`` those of the day;
    ``trend`` the :func:`price_trend` of the ``trend_days`` ending on it. ``known`` is False
    when the pack has no prices (the frames are empty stand-ins).
    """
    day = pd.Timestamp(report_date).normalize()
    changes, notes = price_changes(prices[prices["date"] <= day], baselines)
    today = changes[changes["date"] == day].reset_index(drop=True)
    if today.empty and known:
        notes.append(f"no price reported for {day:%Y-%m-%d}")
    yesterday = changes[changes["date"] == day - pd.Timedelta(days=1)]
    silent = len(set(map(tuple, yesterday[SERIES].to_numpy())) - set(map(tuple, today[SERIES].to_numpy())))
    if silent and not today.empty:
        notes.append(f"{silent} commodity-market series priced the day before have no price "
                     f"on {day:%Y-%m-%d}")
    window = days_ending(day, lookback_days, "lookback_days")
    recent = evaluate_rules(changes, rules, window)
    return PriceResult(report_date=day, rules=rules, changes=changes, summary=commodity_summary(changes, day),
                       today=today, alerts=recent[recent["date"] == day].reset_index(drop=True),
                       recent_alerts=recent, trend=price_trend(changes, rules, day, trend_days),
                       warnings=notes, known=known)


def alerts_tone(alerts: int) -> str:
    """The palette key of the day's price alerts: ``warn`` (an early warning) when any, else ``good``.

    The report's headline and the daily brief colour the figure with it.
    """
    return "warn" if alerts else "good"


def price_alert_figures(result: PriceResult) -> list[dict]:
    """The ``alerts`` of the JSON figures: ``rule``, ``commodity``, ``market``, ``date``, ``value``
    (rounded to 6 decimals), ``price`` and ``compared_with`` (baseline or previous price)."""
    return [{"rule": r.rule, "commodity": r.commodity, "market": r.market, "date": f"{r.date:%Y-%m-%d}",
             "value": round(float(r.value), 6), "price": float(r.price),
             "compared_with": None if r.kind == "consecutive_rises" else
             float(r.baseline if r.kind == "above_baseline" else r.previous)}
            for r in result.alerts.itertuples(index=False)]


def price_trend_figures(result: PriceResult) -> list[dict]:
    """The ``price_trend`` of the JSON figures: per commodity its ``unit``, ``baseline``,
    ``alert_price`` and each day's mean ``price`` with its ``markets`` (prices rounded to 6 decimals)."""
    def number(value):
        return None if pd.isna(value) else round(float(value), 6)

    out = []
    for commodity, rows in result.trend.groupby("commodity", sort=True):
        first = rows.iloc[0]
        out.append({"commodity": commodity, "unit": first["unit"], "baseline": number(first["baseline"]),
                    "alert_price": number(first["alert_price"]),
                    "days": [{"date": f"{r.date:%Y-%m-%d}", "price": number(r.price),
                              "markets": int(r.markets)} for r in rows.itertuples(index=False)]})
    return out


def price_figures(result: PriceResult) -> dict:
    """The price part of the report's JSON figures: ``prices_known``, ``alerts`` (null when the
    pack has no prices) and ``price_trend``."""
    return {"prices_known": result.known,
            "alerts": price_alert_figures(result) if result.known else None,
            "price_trend": price_trend_figures(result)}
