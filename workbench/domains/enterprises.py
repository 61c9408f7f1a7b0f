"""Key enterprises: progress against annual targets, run rates, missing reports, "eight in place".

Definitions (DESIGN.md, "Metric definitions"), for (enterprise, product, year) at date D:

- ``ytd`` = sum of ``quantity`` dated in that year up to and including D, converted to the
  target's unit; production of another year or dated after D never counts.
- ``progress`` = ytd / target; ``elapsed`` = day-of-year(D) / days-in-year.
- ``projected`` = ytd / day-of-year(D) × days-in-year.
- ``required_daily`` = (target − ytd) / (days-in-year − day-of-year(D)); on 31 December no day
  is left and it is *not applicable* (NaN here, ``null`` in JSON), never a division by zero.
  It is negative once the target is passed.
- ``status`` = ``on_track`` if projected ≥ target, ``at_risk`` if projected ≥ risk_ratio ×
  target, else ``behind``. Comparisons allow a relative 1e-9, so that float rounding of a unit
  conversion cannot flip a status that sits exactly on a boundary.
- When ``year`` is before the report date's year, D is 31 December of that year.

Also, beyond DESIGN:

- A *run rate* over the last ``n`` days (7 and 30) = output of the window's reported days /
  number of reported days, in the target's unit per day; the window ends at D and starts no
  earlier than 1 January. Days without a report are left out, never counted as zero.
- A day is *missing* for (enterprise, product) when it has no production row although the
  product normally reports on that weekday: it has rows on at least ``min_share`` of the same
  weekdays of the ``lookback_weeks`` weeks before (so a Monday-to-Friday reporter is not
  missing on Sundays). Missing days are flagged, never taken as zero output.
- The latest "eight in place" check (八个到位) of an enterprise is its last row of
  ``enterprise_checks`` dated on or before D.

Units are converted with :data:`workbench.intake.vocabulary.UNITS` (unit → base unit, factor); a unit
added there is understood here too.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.intake.vocabulary import EIGHT_IN_PLACE, UNITS

DEFAULT_RISK_RATIO = 0.9
#: Relative tolerance of the status comparisons.
TOLERANCE = 1e-9
STATUSES = ("on_track", "at_risk", "behind")
#: Worst first, for sorting and for an enterprise's worst status.
SEVERITY = {"behind": 0, "at_risk": 1, "on_track": 2, "no_data": 3}
#: The palette key (``workbench.present.palette.STATUS_COLOURS``) of each status.
STATUS_PALETTE = {"on_track": "good", "at_risk": "warn", "behind": "bad", "no_data": "no_data"}
#: The "eight in place" items: the boolean columns of ``enterprise_checks`` in contract order.
CHECK_ITEMS = EIGHT_IN_PLACE
RUN_RATE_WINDOWS = (7, 30)


# ---------------------------------------------------------------- units


def conversion_factor(from_unit: str, to_unit: str, what: str = "",
                      units: Mapping[str, tuple[str, float]] = UNITS) -> float:
    """The factor that turns a quantity in ``from_unit`` into ``to_unit``.

    Parameters
    ----------
    from_unit, to_unit : str
        Keys of ``units`` (t, 万吨, 元, 万元, 亿元 by default).
    what : str
        What is converted (e.g. ``"E01 / 铜"``), named in the error.
    units : mapping
        unit → (base unit, factor to the base unit); default :data:`workbench.intake.vocabulary.UNITS`.

    Raises
    ------
    WorkbenchError
        When a unit is unknown or the two units measure different things (t vs 元).
    """
    prefix = f"{what}: " if what else ""
    for unit in (from_unit, to_unit):
        if unit not in units:
            raise WorkbenchError(f"{prefix}unknown unit {unit!r} (known: {', '.join(units)})")
    (base_from, factor_from), (base_to, factor_to) = units[from_unit], units[to_unit]
    if base_from != base_to:
        raise WorkbenchError(f"{prefix}cannot convert {from_unit} to {to_unit} "
                             f"(a quantity in {base_from} is not one in {base_to})")
    return factor_from / factor_to


def convert(quantity, from_unit: str, to_unit: str, what: str = "",
            units: Mapping[str, tuple[str, float]] = UNITS):
    """``quantity`` (a number or an array) in ``from_unit`` expressed in ``to_unit``."""
    return quantity * conversion_factor(from_unit, to_unit, what, units)


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """The year a report is about and the date D its figures stand at.

    ``capped`` is true when ``year`` is before the report date's year and D is 31 December.
    """

    year: int
    report_date: pd.Timestamp
    as_of: pd.Timestamp
    capped: bool

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(year=self.year, month=1, day=1)

    @property
    def days_in_year(self) -> int:
        return 366 if calendar.isleap(self.year) else 365

    @property
    def day_of_year(self) -> int:
        return int(self.as_of.day_of_year)

    @property
    def days_left(self) -> int:
        return self.days_in_year - self.day_of_year

    @property
    def elapsed(self) -> float:
        return self.day_of_year / self.days_in_year


def resolve_period(report_date, year: int | None = None) -> Period:
    """The :class:`Period` of a report on ``report_date`` about ``year`` (default: its year).

    Raises
    ------
    WorkbenchError
        When ``year`` is after the report date's year (no day of it has passed).
    """
    day = pd.Timestamp(report_date).normalize()
    chosen = day.year if year in (None, "") else int(year)
    if chosen > day.year:
        raise WorkbenchError(f"year {chosen} is after the report date {day:%Y-%m-%d}")
    if chosen < day.year:
        return Period(chosen, day, pd.Timestamp(year=chosen, month=12, day=31), True)
    return Period(chosen, day, day, False)


# ---------------------------------------------------------------- scope


def select_enterprises(enterprises: pd.DataFrame, enterprise: str | None = None) -> pd.DataFrame:
    """All enterprises, or the one whose ``enterprise_id`` (or exact ``name``) is ``enterprise``."""
    if enterprise in (None, ""):
        return enterprises.reset_index(drop=True)
    key = str(enterprise).strip()
    chosen = enterprises[(enterprises["enterprise_id"] == key) | (enterprises["name"] == key)]
    if chosen.empty:
        known = ", ".join(enterprises["enterprise_id"].astype(str))
        raise WorkbenchError(f"enterprise {enterprise!r} is not in the enterprises data (known: {known})")
    return chosen.reset_index(drop=True)


def production_in_period(production: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rows of ``production`` dated in ``period.year`` up to and including ``period.as_of``."""
    dates = production["date"]
    return production[(dates >= period.start) & (dates <= period.as_of)]


# ---------------------------------------------------------------- progress


def year_targets(targets: pd.DataFrame, period: Period, enterprise_ids=None) -> pd.DataFrame:
    """The targets of ``period.year`` (of ``enterprise_ids`` when given), in file order."""
    rows = targets[targets["year"].astype("int64") == period.year]
    if enterprise_ids is not None:
        rows = rows[rows["enterprise_id"].isin(list(enterprise_ids))]
    return rows[["enterprise_id", "product", "target", "unit"]].reset_index(drop=True)


def in_target_units(production: pd.DataFrame, targets: pd.DataFrame,
                    units: Mapping[str, tuple[str, float]] = UNITS) -> pd.DataFrame:
    """Production rows that have a target, with ``quantity`` converted to the target's unit.

    Parameters
    ----------
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity``, ``unit``.
    targets : DataFrame
        ``enterprise_id``, ``product``, ``unit`` (one year's targets).

    Returns
    -------
    DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity`` (in the target's unit), ``unit``
        (the target's).

    Raises
    ------
    WorkbenchError
        Naming the enterprise and product when a unit cannot be converted to the target's.
    """
    keyed = targets[["enterprise_id", "product", "unit"]].rename(columns={"unit": "target_unit"})
    rows = production.merge(keyed, on=["enterprise_id", "product"], how="inner")
    pairs = rows[["enterprise_id", "product", "unit", "target_unit"]].drop_duplicates()
    factors = {}
    for eid, product, unit, target_unit in pairs.itertuples(index=False):
        factors[(unit, target_unit)] = conversion_factor(unit, target_unit, f"{eid} / {product}", units)
    factor = [factors[pair] for pair in zip(rows["unit"], rows["target_unit"], strict=True)]
    out = rows[["date", "enterprise_id", "product"]].copy()
    out["quantity"] = rows["quantity"].to_numpy(dtype="float64") * np.asarray(factor, dtype="float64")
    out["unit"] = rows["target_unit"].to_numpy()
    return out.reset_index(drop=True)


def classify_status(projected, target, risk_ratio: float = DEFAULT_RISK_RATIO) -> np.ndarray:
    """``on_track`` / ``at_risk`` / ``behind`` per row (boundaries inclusive, see module doc)."""
    projected = np.asarray(projected, dtype="float64")
    target = np.asarray(target, dtype="float64")
    slack = 1 - TOLERANCE
    return np.where(projected >= target * slack, "on_track",
                    np.where(projected >= risk_ratio * target * slack, "at_risk", "behind")).astype(object)


def progress_table(production: pd.DataFrame, targets: pd.DataFrame, period: Period,
                   risk_ratio: float = DEFAULT_RISK_RATIO) -> pd.DataFrame:
    """DESIGN's enterprise progress for every target of the period's year.

    Parameters
    ----------
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity``, ``unit`` (any dates: rows outside
        the year or after ``period.as_of`` are left out here).
    targets : DataFrame
        ``enterprise_id``, ``product``, ``target``, ``unit`` of one year (:func:`year_targets`).

    Returns
    -------
    DataFrame
        One row per target, in its order: ``enterprise_id``, ``product``, ``unit`` (the
        target's), ``ytd``, ``target``, ``progress``, ``elapsed``, ``projected``,
        ``required_daily`` (NaN on 31 December), ``status``, ``reported_days`` (days with a
        row this year), ``last_reported`` (NaT if none).
    """
    rows = in_target_units(production_in_period(production, period), targets)
    sums = rows.groupby(["enterprise_id", "product"]).agg(
        ytd=("quantity", "sum"), reported_days=("date", "nunique"), last_reported=("date", "max"))
    out = targets[["enterprise_id", "product", "unit", "target"]].join(sums, on=["enterprise_id", "product"])
    out["ytd"] = out["ytd"].fillna(0.0).astype("float64")
    out["reported_days"] = out["reported_days"].fillna(0).astype("int64")
    out["last_reported"] = pd.to_datetime(out["last_reported"]).astype("datetime64[ns]")
    out["target"] = out["target"].astype("float64")
    out["progress"] = out["ytd"] / out["target"]
    out["elapsed"] = period.elapsed
    out["projected"] = out["ytd"] / period.day_of_year * period.days_in_year
    out["required_daily"] = ((out["target"] - out["ytd"]) / period.days_left) if period.days_left else np.nan
    out["status"] = classify_status(out["projected"], out["target"], risk_ratio)
    columns = ["enterprise_id", "product", "unit", "ytd", "target", "progress", "elapsed", "projected",
               "required_daily", "status", "reported_days", "last_reported"]
    return out[columns].reset_index(drop=True)


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
        first = max(period.start, period.as_of - pd.Timedelta(days=n - 1))
        window = rows[rows["date"] >= first]
        sums = window.groupby(["enterprise_id", "product"]).agg(total=("quantity", "sum"),
                                                                days=("date", "nunique"))
        joined = out[["enterprise_id", "product"]].join(sums, on=["enterprise_id", "product"])
        days = joined["days"].fillna(0).astype("int64")
        out[f"rate_{n}"] = np.where(days > 0, joined["total"] / days.where(days > 0, 1), np.nan)
        out[f"days_{n}"] = days.to_numpy()
        out[f"window_{n}"] = (period.as_of - first).days + 1
    return out


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
        same weekdays of the ``lookback_weeks`` weeks before.

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
    reported = (rows.assign(seen=True).pivot_table(index="date", columns=["enterprise_id", "product"],
                                                   values="seen", aggfunc="any")
                .reindex(days).fillna(False).astype(bool))
    peers = sum(reported.shift(7 * k, fill_value=False).astype(int) for k in range(1, lookback_weeks + 1))
    missing = (~reported) & (peers >= min_share * lookback_weeks - TOLERANCE)
    missing = missing[missing.index >= period.start]
    found = missing.stack(level=["enterprise_id", "product"], future_stack=True)
    found = found[found].reset_index()[["date", "enterprise_id", "product"]]
    if found.empty:
        return pd.DataFrame(columns=columns)
    grouped = found.groupby(["enterprise_id", "date"])["product"].agg(lambda p: sorted(map(str, p)))
    return grouped.rename("products").reset_index()[columns].sort_values(
        ["enterprise_id", "date"], ignore_index=True)


def missing_days_per_target(missing_products: pd.DataFrame, targets: pd.DataFrame) -> pd.Series:
    """How many missing days each target row's (enterprise, product) has (aligned to ``targets``)."""
    if missing_products.empty:
        return pd.Series(0, index=targets.index, dtype="int64")
    exploded = missing_products.explode("products")
    counts = exploded.groupby(["enterprise_id", "products"]).size()
    keys = list(zip(targets["enterprise_id"], targets["product"], strict=True))
    return pd.Series([int(counts.get(k, 0)) for k in keys], index=targets.index, dtype="int64")


# ---------------------------------------------------------------- checks and status


def latest_checks(checks: pd.DataFrame | None, enterprises: pd.DataFrame, as_of) -> pd.DataFrame:
    """The last "eight in place" check of each enterprise dated on or before ``as_of``.

    Parameters
    ----------
    checks : DataFrame or None
        ``date``, ``enterprise_id`` and the boolean columns :data:`CHECK_ITEMS` (nullable);
        None when the pack has no ``enterprise_checks`` (every enterprise is then unchecked).
    enterprises : DataFrame
        ``enterprise_id``, ``name``, ``closed_loop`` (and ``closed_loop_since`` if present).

    Returns
    -------
    DataFrame
        One row per enterprise, in its order: ``enterprise_id``, ``name``, ``closed_loop``,
        ``closed_loop_since`` (text, may be empty), ``check_date`` (NaT when never checked),
        the eight items (nullable booleans), ``items_ok`` (items true), ``items_known``
        (items not missing), ``failed_items`` (list of item names that are false),
        ``all_ok`` (True / False; NA when never checked or an item is missing).
    """
    base = enterprises[["enterprise_id", "name", "closed_loop"]].copy()
    since = enterprises["closed_loop_since"] if "closed_loop_since" in enterprises else pd.Series(
        "", index=enterprises.index)
    base["closed_loop_since"] = since.fillna("").astype(str).to_numpy()
    if checks is None or checks.empty:
        latest = pd.DataFrame(columns=["enterprise_id", "check_date", *CHECK_ITEMS])
    else:
        upto = checks[checks["date"] <= pd.Timestamp(as_of)]
        latest = (upto.sort_values(["enterprise_id", "date"], kind="stable")
                  .drop_duplicates("enterprise_id", keep="last")
                  .rename(columns={"date": "check_date"})[["enterprise_id", "check_date", *CHECK_ITEMS]])
    out = base.merge(latest, on="enterprise_id", how="left")
    out["check_date"] = pd.to_datetime(out["check_date"]).astype("datetime64[ns]")
    items = out[list(CHECK_ITEMS)].astype("boolean")
    out[list(CHECK_ITEMS)] = items
    out["items_ok"] = items.fillna(False).sum(axis=1).astype("int64")
    out["items_known"] = items.notna().sum(axis=1).astype("int64")
    out["failed_items"] = [[item for item in CHECK_ITEMS if row[item] is False]
                           for row in items.astype(object).where(items.notna(), None).to_dict("records")]
    all_ok = pd.array([pd.NA] * len(out), dtype="boolean")
    known = (out["items_known"] == len(CHECK_ITEMS)).to_numpy()
    all_ok[known] = (out.loc[known, "items_ok"] == len(CHECK_ITEMS)).to_numpy()
    has_failure = np.array([bool(f) for f in out["failed_items"]], dtype=bool)
    all_ok[has_failure] = False
    out["all_ok"] = all_ok
    return out


def worst_status(progress: pd.DataFrame, enterprise_ids) -> pd.Series:
    """Each enterprise's worst target status (``no_data`` without targets), indexed by id."""
    rank = progress.assign(rank=progress["status"].map(SEVERITY)).groupby("enterprise_id")["rank"].min()
    by_rank = {v: k for k, v in SEVERITY.items()}
    ids = list(enterprise_ids)
    return pd.Series([by_rank[int(rank[i])] if i in rank.index else "no_data" for i in ids], index=ids,
                     name="status", dtype=object)


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


# ---------------------------------------------------------------- the analysis


@dataclass
class EnterpriseResult:
    """Everything the enterprise-output report shows, computed by :func:`analyse_enterprises`.

    ``progress`` is :func:`progress_table` with ``name``, :func:`run_rates` columns and
    ``missing_days`` added; ``enterprises`` the enterprises in scope with their worst
    ``status``; ``missing`` from :func:`missing_reports`; ``checks`` from :func:`latest_checks`.
    """

    period: Period
    risk_ratio: float
    enterprise: str | None
    enterprises: pd.DataFrame
    progress: pd.DataFrame
    missing: pd.DataFrame
    checks: pd.DataFrame
    cumulative: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def analyse_enterprises(enterprises: pd.DataFrame, production: pd.DataFrame, targets: pd.DataFrame,
                        report_date, checks: pd.DataFrame | None = None, year: int | None = None,
                        risk_ratio: float = DEFAULT_RISK_RATIO, enterprise: str | None = None,
                        lookback_weeks: int = 4) -> EnterpriseResult:
    """Progress of every target, run rates, missing reports and latest checks for a scope.

    Parameters
    ----------
    enterprises : DataFrame
        ``enterprise_id``, ``name``, ``sector``, ``lon``, ``lat``, ``employees``, ``closed_loop``.
    production : DataFrame
        ``date``, ``enterprise_id``, ``product``, ``quantity``, ``unit``.
    targets : DataFrame
        ``year``, ``enterprise_id``, ``product``, ``target``, ``unit``.
    report_date : date-like
    checks : DataFrame, optional
        ``enterprise_checks`` (optional dataset).
    year, risk_ratio, enterprise, lookback_weeks :
        See :func:`resolve_period`, :func:`classify_status`, :func:`select_enterprises`,
        :func:`missing_reports`.
    """
    period = resolve_period(report_date, year)
    if not 0 < risk_ratio <= 1:
        raise WorkbenchError(f"risk_ratio must be in (0, 1], got {risk_ratio!r}")
    scoped = select_enterprises(enterprises, enterprise)
    ids = list(scoped["enterprise_id"])
    warnings = []
    if period.capped:
        warnings.append(f"year {period.year} is before the report date's year: figures stand at "
                        f"{period.as_of:%Y-%m-%d}")
    goals = year_targets(targets, period, ids)
    if goals.empty:
        warnings.append(f"no {period.year} target for the enterprises in scope")
    produced = production[production["enterprise_id"].isin(ids)]
    in_year = production_in_period(produced, period)
    untargeted = in_year.merge(goals[["enterprise_id", "product"]], how="left", indicator=True)
    untargeted = untargeted[untargeted["_merge"] == "left_only"]
    if len(untargeted):
        pairs = sorted({f"{e} / {p}" for e, p in zip(untargeted["enterprise_id"], untargeted["product"],
                                                     strict=True)})
        warnings.append(f"{len(untargeted)} production row(s) of {len(pairs)} product(s) without a "
                        f"{period.year} target are not counted: {', '.join(pairs[:5])}")

    table = progress_table(produced, goals, period, risk_ratio)
    rates = run_rates(produced, goals, period)
    table = pd.concat([table, rates.drop(columns=["enterprise_id", "product"])], axis=1)
    missing = missing_reports(produced, period, lookback_weeks)
    table["missing_days"] = missing_days_per_target(missing, goals).to_numpy()
    names = scoped.set_index("enterprise_id")["name"]
    table.insert(1, "name", table["enterprise_id"].map(names))
    without = table.loc[table["reported_days"] == 0, ["enterprise_id", "product"]]
    if len(without):
        warnings.append(f"{len(without)} target(s) without any production in {period.year} (progress 0): "
                        + ", ".join(f"{e} / {p}" for e, p in without.itertuples(index=False)))
    if len(missing):
        warnings.append(f"{len(missing)} missing daily report(s) of {missing['enterprise_id'].nunique()} "
                        "enterprise(s): flagged, not counted as zero")

    scoped = scoped.copy()
    scoped["status"] = worst_status(table, ids).to_numpy()
    return EnterpriseResult(period=period, risk_ratio=risk_ratio, enterprise=enterprise or None,
                            enterprises=scoped, progress=table, missing=missing,
                            checks=latest_checks(checks, scoped, period.as_of),
                            cumulative=cumulative_output(produced, goals, period), warnings=warnings)


def status_counts(statuses) -> dict[str, int]:
    """``{on_track, at_risk, behind: count}`` (every status present, zero when absent)."""
    values = list(statuses)
    return {s: sum(v == s for v in values) for s in STATUSES}


def enterprise_figures(result: EnterpriseResult) -> dict:
    """The report's JSON ``figures`` (the enterprise-output issue)."""
    columns = ["enterprise_id", "name", "product", "unit", "ytd", "target", "progress", "elapsed",
               "projected", "required_daily", "status"]
    progress = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                for row in result.progress[columns].to_dict("records")]
    checked = result.checks[result.checks["check_date"].notna()]
    return {
        "year": result.period.year,
        "as_of": f"{result.period.as_of:%Y-%m-%d}",
        "risk_ratio": result.risk_ratio,
        "enterprise": result.enterprise,
        "progress": progress,
        "by_status": status_counts(result.progress["status"]),
        "enterprises_by_status": {**status_counts(result.enterprises["status"]),
                                  "no_data": int((result.enterprises["status"] == "no_data").sum())},
        "missing_reports": [{"enterprise_id": str(e), "date": f"{d:%Y-%m-%d}"}
                            for e, d in zip(result.missing["enterprise_id"], result.missing["date"],
                                            strict=True)],
        "checks": [{"enterprise_id": str(r["enterprise_id"]), "date": f"{r['check_date']:%Y-%m-%d}",
                    "items_ok": int(r["items_ok"]), "failed_items": list(r["failed_items"])}
                   for _, r in checked.iterrows()],
        "closed_loop": int(result.enterprises["closed_loop"].fillna(False).sum()),
    }
