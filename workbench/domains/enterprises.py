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
- The 7-day run rate against the daily rate still required gets a status by the same rule
  (``on_track`` when it reaches the required rate, ``at_risk`` from ``risk_ratio`` of it).
- When ``year`` is before the report date's year, D is 31 December of that year.

Also, beyond DESIGN:

- A *run rate* over the last ``n`` days (7 and 30) = output of the window's reported days /
  number of reported days, in the target's unit per day; the window ends at D and starts no
  earlier than 1 January. Days without a report are left out, never counted as zero.
- A day is *missing* for (enterprise, product) when it has no production row although the
  product normally reports on that weekday: it has rows on at least ``min_share`` of the same
  weekdays of the ``lookback_weeks`` weeks before (so a Monday-to-Friday reporter is not
  missing on Sundays). Missing days are flagged, never taken as zero output. A product that
  falls silent keeps the habit it had (judged on the weeks before its silence), so every usual
  day of a two-month silence is missing, not its first three weeks only; a target silent for
  more than ``SILENT_AFTER_DAYS`` (7) days is named, with its last report, in the warnings.
- The latest "eight in place" check (八个到位) of an enterprise is its last row of
  ``enterprise_checks`` dated on or before D.

Where each part lives: units, the period and the status rule in
:mod:`workbench.domains.enterprise_basis`; run rates, missing reports and the running total in
:mod:`workbench.domains.enterprise_output`; the checks in :mod:`workbench.domains.enterprise_checks`.
Their public names are importable from here too.

Units are converted with :data:`workbench.intake.vocabulary.UNITS` (unit → base unit, factor); a unit
added there is understood here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.domains.common import ratio
from workbench.domains.enterprise_basis import (
    DEFAULT_RISK_RATIO,
    SEVERITY,
    STATUS_PALETTE,
    STATUSES,
    TOLERANCE,
    Period,
    classify_status,
    conversion_factor,
    convert,
    in_target_units,
    production_in_period,
    resolve_period,
    select_enterprises,
    status_ranges,
    year_targets,
)
from workbench.domains.enterprise_checks import CHECK_ITEMS, latest_checks
from workbench.domains.enterprise_output import (
    RUN_RATE_WINDOWS,
    SILENT_AFTER_DAYS,
    cumulative_output,
    missing_days_per_target,
    missing_reports,
    rate_share_status,
    run_rate_status,
    run_rates,
    silent_targets,
)
from workbench.errors import WorkbenchError

__all__ = ["CHECK_ITEMS", "DEFAULT_RISK_RATIO", "RUN_RATE_WINDOWS", "SEVERITY", "STATUSES", "STATUS_PALETTE",
           "TOLERANCE", "EnterpriseResult", "Period", "analyse_enterprises", "classify_status",
           "conversion_factor", "convert", "cumulative_output", "enterprise_figures", "in_target_units",
           "latest_checks", "missing_days_per_target", "missing_reports", "production_in_period",
           "progress_table", "rate_share_status", "resolve_period", "run_rate_status", "run_rates",
           "select_enterprises", "silent_targets", "status_counts", "status_ranges", "targets_tone",
           "worst_status", "year_targets"]


# ---------------------------------------------------------------- progress


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
        ``projected_share`` (projected ÷ target), ``required_daily`` (NaN on 31 December),
        ``status``, ``reported_days`` (days with a row this year), ``last_reported`` (NaT if none).
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
    out["projected_share"] = ratio(out["projected"], out["target"])
    out["required_daily"] = ((out["target"] - out["ytd"]) / period.days_left) if period.days_left else np.nan
    out["status"] = classify_status(out["projected"], out["target"], risk_ratio)
    columns = ["enterprise_id", "product", "unit", "ytd", "target", "progress", "elapsed", "projected",
               "projected_share", "required_daily", "status", "reported_days", "last_reported"]
    return out[columns].reset_index(drop=True)


def worst_status(progress: pd.DataFrame, enterprise_ids) -> pd.Series:
    """Each enterprise's worst target status (``no_data`` without targets), indexed by id."""
    rank = progress.assign(rank=progress["status"].map(SEVERITY)).groupby("enterprise_id")["rank"].min()
    by_rank = {v: k for k, v in SEVERITY.items()}
    ids = list(enterprise_ids)
    return pd.Series([by_rank[int(rank[i])] if i in rank.index else "no_data" for i in ids], index=ids,
                     name="status", dtype=object)


# ---------------------------------------------------------------- the analysis


@dataclass
class EnterpriseResult:
    """Everything the enterprise-output report shows, computed by :func:`analyse_enterprises`.

    ``progress`` is :func:`progress_table` with ``name``, :func:`run_rates` columns,
    ``rate_vs_required`` and ``rate_status`` (:func:`run_rate_status` of the 7-day rate) and
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
    known: bool = True  # False: the pack has no enterprise output or targets (nothing judged)


def analyse_enterprises(enterprises: pd.DataFrame, production: pd.DataFrame, targets: pd.DataFrame,
                        report_date, checks: pd.DataFrame | None = None, year: int | None = None,
                        risk_ratio: float = DEFAULT_RISK_RATIO, enterprise: str | None = None,
                        lookback_weeks: int = 4, known: bool = True) -> EnterpriseResult:
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
    known : bool
        False when the pack has no enterprises, production or targets (empty stand-ins): the
        result judges nothing and says nothing of missing targets.
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
    share, status = run_rate_status(table["rate_7"], table["required_daily"], risk_ratio)
    table["rate_vs_required"], table["rate_status"] = share.to_numpy(), status.to_numpy()
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
    silent = silent_targets(produced, goals, period)
    if len(silent):
        items = [f"{names.get(e, e)} ({e}) / {p} ({d:%Y-%m-%d})"
                 for e, p, d in zip(silent["enterprise_id"], silent["product"], silent["last_report"],
                                    strict=True)]
        warnings.append(f"{len(silent)} target(s) with no report for more than {SILENT_AFTER_DAYS} days "
                        "(last report in brackets): "
                        + ", ".join(items[:5]) + (", ..." if len(items) > 5 else ""))

    scoped = scoped.copy()
    scoped["status"] = worst_status(table, ids).to_numpy()
    return EnterpriseResult(period=period, risk_ratio=risk_ratio, enterprise=enterprise or None,
                            enterprises=scoped, progress=table, missing=missing,
                            checks=latest_checks(checks, scoped, period.as_of),
                            cumulative=cumulative_output(produced, goals, period),
                            warnings=warnings if known else [], known=known)


def targets_tone(by_status: dict) -> str:
    """The palette key of the targets by status: ``bad`` with any behind, ``warn`` with any at risk."""
    return "bad" if by_status.get("behind") else "warn" if by_status.get("at_risk") else "good"


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
    if not result.known:
        unknown = ("progress", "by_status", "enterprises_by_status", "missing_reports", "checks",
                   "closed_loop")
        return {"progress_known": False, "year": result.period.year,
                "as_of": f"{result.period.as_of:%Y-%m-%d}", **dict.fromkeys(unknown)}
    return {
        "progress_known": True,
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
