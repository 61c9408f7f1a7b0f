"""Headline figures and tables of the road-checkpoint report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains.checkpoints import CheckpointResult, reporting_tone
from workbench.present import display
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal

#: Decimals kept in the numbers of a table and its CSV download.
TABLE_DECIMALS = 6


def _table(frame: pd.DataFrame, *args, **kwargs) -> HTML:
    """:func:`~workbench.present.display.table` of ``frame``, floats rounded to TABLE_DECIMALS places."""
    return display.table(frame, *args, decimals=TABLE_DECIMALS, **kwargs)


def _count(value, lang: str = "zh") -> str:
    """A count, or a dash when it is missing (a day not reported)."""
    return "—" if value is None or pd.isna(value) else format_count(value, lang)


def _rate(numerator, denominator, lang: str = "zh") -> str:
    if pd.isna(numerator) or pd.isna(denominator):
        return "—"
    return format_rate(int(numerator), int(denominator), lang)


def _counts_formats(lang: str) -> dict:
    cell = lambda v: escape(_count(v, lang))  # noqa: E731
    return {c: cell for c in ("vehicles", "people", "landing_tests", "people_per_day", "vehicles_per_day")}


def _status_badge(reported: bool, lang: str) -> str:
    text = label("cp_reported" if reported else "cp_missing", lang)
    return display.badge(text, "good" if reported else "bad")


def period_note(result: CheckpointResult, lang: str = "zh") -> str:
    """The last-24-h period of the report, in words."""
    end = result.report_date
    return label("cp_last_24h", lang, start=f"{end - pd.Timedelta(days=1):%m-%d}", end=f"{end:%m-%d}")


def window_note(result: CheckpointResult, lang: str = "zh") -> str:
    """The window of the sums, in words."""
    return label("cp_window", lang, days=len(result.days), start=f"{result.days[0]:%m-%d}",
                 end=f"{result.days[-1]:%m-%d}")


def headline(result: CheckpointResult, lang: str = "zh") -> HTML:
    """Cards: people and vehicles of the last 24 h, share from risk areas, landing tests, missing reports."""
    today, week = result.total_today, result.total_week
    reported = label("cp_checkpoints_reported", lang, reported=today["reported"], expected=today["expected"])
    missing = result.missing
    missing_detail = ", ".join(mask_personal(f"{r.name} ({r.checkpoint_id}) {r.date:%m-%d}")
                               for r in missing.itertuples()) or label("none", lang)
    cards = [
        {"label": f"{label('cp_people', lang)} · {label('last_24h', lang)}",
         "value": format_count(today["people"], lang),
         "detail": f"{label('cp_vehicles', lang)} {format_count(today['vehicles'], lang)} · {reported}",
         "status": reporting_tone(today["reported"], today["expected"])},
        {"label": f"{label('cp_risk_share', lang)} · {label('last_24h', lang)}",
         "value": format_share(today["risk_share"]),
         "detail": f"{label('cp_from_risk_areas', lang)} {format_count(today['from_risk_areas'], lang)}"
                   f" / {format_count(today['people'], lang)}",
         "status": "neutral"},
        {"label": f"{label('cp_landing_tests', lang)} · {label('last_24h', lang)}",
         "value": format_count(today["landing_tests"], lang),
         "detail": f"{label('cp_landing_share', lang)} "
                   f"{format_rate(today['landing_tests'], today['people'], lang)}",
         "status": "neutral"},
        {"label": f"{label('cp_people', lang)} · {label('last_days', lang, n=len(result.days))}",
         "value": format_count(week["people"], lang),
         "detail": f"{label('cp_vehicles', lang)} {format_count(week['vehicles'], lang)} · "
                   f"{label('cp_from_risk_areas', lang)} {format_count(week['from_risk_areas'], lang)}",
         "status": "neutral"},
        {"label": label("cp_missing_reports", lang), "value": str(len(missing)), "detail": missing_detail,
         "status": "bad" if len(missing) else "good"},
    ]
    return display.headline(cards)


def definitions(result: CheckpointResult, lang: str = "zh") -> HTML:
    """The periods and the exact definitions behind the figures."""
    lines = [period_note(result, lang), window_note(result, lang),
             label("cp_definition", lang, days=len(result.days))]
    return HTML(f'<p class="wb-note">{"<br>".join(escape(line) for line in lines)}</p>')


def _with_rates(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(
        risk=[_rate(f, p, lang) for f, p in zip(frame["from_risk_areas"], frame["people"], strict=True)],
        status=frame.get("reported", True),
    )


#: The columns of a table of checkpoint days (today's, or every day of the window).
_DAY_COLUMNS = {"name": "checkpoint", "checkpoint_id": "area_id", "vehicles": "cp_vehicles",
                "people": "cp_people", "risk": "cp_from_risk_areas", "landing_tests": "cp_landing_tests",
                "status": "cp_status"}


def _days_table(rows: pd.DataFrame, columns: dict, lang: str, csv_name: str) -> HTML:
    """Checkpoint days with their shares; a day not reported shows as missing."""
    formats = _counts_formats(lang) | {"status": lambda s: _status_badge(bool(s), lang)}
    return _table(_with_rates(rows, lang), columns, lang, formats=formats, csv_name=csv_name)


def today_table(result: CheckpointResult, lang: str = "zh") -> HTML:
    """One row per checkpoint for the last 24 h; a checkpoint that did not report shows as missing."""
    return _days_table(result.today, _DAY_COLUMNS, lang, f"checkpoints_{result.report_date:%Y%m%d}.csv")


def week_table(result: CheckpointResult, lang: str = "zh") -> HTML:
    """Window sums per checkpoint, with the days reported out of the days expected."""
    frame = _with_rates(result.week.drop(columns=["lon", "lat"]), lang)
    frame["days"] = [f"{r} / {e}"
                     for r, e in zip(frame["days_reported"], frame["days_expected"], strict=True)]
    frame["status"] = frame["complete"]
    columns = {"name": "checkpoint", "checkpoint_id": "area_id", "days": "cp_days_reported",
               "vehicles": "cp_vehicles", "people": "cp_people", "people_per_day": "cp_people_per_day",
               "risk": "cp_from_risk_areas", "landing_tests": "cp_landing_tests", "status": "cp_status"}
    formats = _counts_formats(lang) | {
        "status": lambda s: display.badge(label("cp_reported" if s else "cp_incomplete", lang),
                                          "good" if s else "warn")}
    return _table(frame, columns, lang, formats=formats,
                  csv_name=f"checkpoints_{len(result.days)}d_{result.report_date:%Y%m%d}.csv")


def daily_table(result: CheckpointResult, lang: str = "zh") -> HTML:
    """Every day of the window and every checkpoint, newest day first; missing days marked."""
    rows = result.grid.sort_values(["date", "checkpoint_id"], ascending=[False, True])
    return _days_table(rows, {"date": "cp_day", **_DAY_COLUMNS}, lang,
                       f"checkpoints_daily_{result.report_date:%Y%m%d}.csv")


def missing_table(result: CheckpointResult, lang: str = "zh") -> HTML:
    """The checkpoint-days expected but not reported."""
    columns = {"date": "cp_day", "name": "checkpoint", "checkpoint_id": "area_id"}
    return _table(result.missing, columns, lang, csv_name="checkpoints_missing.csv",
                  empty_text=label("cp_nothing_missing", lang))
