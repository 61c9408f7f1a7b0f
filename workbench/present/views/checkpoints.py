"""Headline figures and tables of the road-checkpoint report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains.checkpoints import CheckpointResult, reporting_tone
from workbench.present import charts, display
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

    def day_count(column: str) -> str:  # no checkpoint reported the last 24 h: unknown, not 0
        return format_count(today[column], lang) if today["reported"] else "—"

    cards = [
        {"label": f"{label('cp_people', lang)} · {label('last_24h', lang)}",
         "value": day_count("people"),
         "detail": f"{label('cp_vehicles', lang)} {day_count('vehicles')} · {reported}",
         "status": reporting_tone(today["reported"], today["expected"])},
        {"label": f"{label('cp_risk_share', lang)} · {label('last_24h', lang)}",
         "value": format_share(today["risk_share"]),
         "detail": f"{label('cp_from_risk_areas', lang)} {day_count('from_risk_areas')}"
                   f" / {day_count('people')}",
         "status": "neutral"},
        {"label": f"{label('cp_landing_tests', lang)} · {label('last_24h', lang)}",
         "value": day_count("landing_tests"),
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


def _days_table(rows: pd.DataFrame, columns: dict, lang: str, csv_name: str, **kwargs) -> HTML:
    """Checkpoint days with their shares; a day not reported shows as missing."""
    formats = _counts_formats(lang) | {"status": lambda s: _status_badge(bool(s), lang)}
    return _table(_with_rates(rows, lang), columns, lang, formats=formats, csv_name=csv_name, **kwargs)


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
    """Every day of the window and every checkpoint, newest day first; missing days marked.

    The report date's rows are shown, the earlier days folded (the flow charts show them)."""
    rows = result.grid.sort_values(["date", "checkpoint_id"], ascending=[False, True])
    return _days_table(rows, {"date": "cp_day", **_DAY_COLUMNS}, lang,
                       f"checkpoints_daily_{result.report_date:%Y%m%d}.csv", fold_after=len(result.today))


def missing_table(result: CheckpointResult, lang: str = "zh") -> HTML:
    """The checkpoint-days expected but not reported."""
    columns = {"date": "cp_day", "name": "checkpoint", "checkpoint_id": "area_id"}
    return _table(result.missing, columns, lang, csv_name="checkpoints_missing.csv",
                  empty_text=label("cp_nothing_missing", lang))


# ---------------------------------------------------------------- flows over the window

#: Colours of the counts in the flow charts (none of them a status colour).
FLOW_COLOURS = {"people": "#2166ac", "vehicles": "#762a83", "landing_tests": "#8c510a",
                "from_risk_areas": "#e08214"}
INCOMPLETE_COLOUR = "#d73027"


def _flow_series(frame: pd.DataFrame, counts, lang: str) -> list:
    return [charts.Series(label(f"cp_{c}", lang), list(frame["date"]),
                          pd.to_numeric(frame[c], errors="coerce").astype("float64").to_numpy(),
                          colour=FLOW_COLOURS[c]) for c in counts]


def _incomplete_points(flows: pd.DataFrame, column: str, lang: str) -> list:
    """Red points on the days some checkpoint did not report (the day's sum is incomplete)."""
    short = flows[~flows["complete"]]
    if short.empty:
        return []
    return [charts.Series(label("cp_flow_incomplete", lang), list(short["date"]),
                          pd.to_numeric(short[column]).astype("float64").to_numpy(), colour=INCOMPLETE_COLOUR,
                          kind="points")]


def _day_words(row, counts, lang: str) -> str:
    """A day of the district's flow in words: its sums, or "not reported" when no checkpoint did."""
    if not row["reported"]:
        figures = label("cp_missing", lang)
    else:
        figures = " · ".join(f"{label(f'cp_{c}', lang)} {format_count(row[c], lang)}" for c in counts)
    reported = label("cp_checkpoints_reported", lang, reported=row["reported"], expected=row["expected"])
    return f"{row['date']:%m-%d}: {figures} ({reported})"


def district_flow_charts(result: CheckpointResult, lang: str = "zh") -> HTML:
    """The district's people, vehicles and landing tests per day, and people from risk areas, over the
    window; days with a missing report marked (their sum counts only the checkpoints that reported)."""
    flows = result.flows
    if flows.empty or not flows["reported"].any():
        return HTML(f'<p class="wb-note">{escape(label("cp_nothing_reported", lang))}</p>')
    ticks, items = charts.day_ticks(result.days), []
    for counts, title_key in ((("people", "vehicles", "landing_tests"), "cp_flow_people_title"),
                              (("from_risk_areas",), "cp_flow_risk_title")):
        series = _flow_series(flows, counts, lang) + _incomplete_points(flows, counts[0], lang)
        words = "; ".join(_day_words(r, counts, lang) for _, r in flows.iterrows())
        title = label(title_key, lang)
        svg = charts.line_chart(series, title, x_ticks=ticks, description=words, width=360, height=220)
        last = flows.iloc[-1]
        heading = (f"<b>{escape(title)}</b><br>"
                   f'<span class="wb-note">{escape(_day_words(last, counts, lang))}</span>')
        items.append(charts.chart_block(heading, svg))
    return HTML(f'<div style="max-width:760px">{charts.chart_grid(items, min_width=300)}</div>')


def _checkpoint_day_words(day, counts, lang: str) -> str:
    """One checkpoint-day in words: its counts, or "missing" when it did not report."""
    if day["reported"] is pd.NA or pd.isna(day["reported"]) or not bool(day["reported"]):
        return f"{day['date']:%m-%d}: {label('cp_missing', lang)}"
    figures = " · ".join(f"{label(f'cp_{c}', lang)} {_count(day[c], lang)}" for c in counts)
    return f"{day['date']:%m-%d}: {figures}"


def checkpoint_flow_charts(result: CheckpointResult, lang: str = "zh") -> HTML:
    """Each checkpoint's people and vehicles per day over the window (small multiples, names first);
    a day not reported is a gap in its lines, never a zero."""
    grid = result.grid
    if grid.empty:
        return HTML(f'<p class="wb-note">{escape(label("none", lang))}</p>')
    ticks, counts, items = charts.day_ticks(result.days), ("people", "vehicles"), []
    missing = result.missing.groupby("checkpoint_id")["date"].apply(list)
    for row in result.week.itertuples(index=False):
        days = grid[grid["checkpoint_id"] == row.checkpoint_id].set_index("date").reindex(result.days)
        days = days.reset_index().rename(columns={"index": "date"})
        title = mask_personal(f"{row.name} ({row.checkpoint_id})")
        words = "; ".join(_checkpoint_day_words(day, counts, lang) for _, day in days.iterrows())
        svg = charts.line_chart(_flow_series(days, counts, lang), title, x_ticks=ticks, width=220, height=150,
                                show_legend=False, font_size=13, description=words)
        gaps = [f"{d:%m-%d}" for d in missing.get(row.checkpoint_id, [])]
        note = label("cp_flow_checkpoint_note", lang, people=format_count(row.people, lang),
                     days=row.days_reported, expected=row.days_expected)
        if gaps:
            note += " · " + label("cp_flow_missing_days", lang, days=", ".join(gaps))
        heading = (f"<b>{escape(mask_personal(str(row.name)))}</b> <small>{escape(row.checkpoint_id)}</small>"
                   f'<br><span class="wb-note">{escape(note)}</span>')
        items.append(charts.chart_block(heading, svg))
    legend = charts.legend([(FLOW_COLOURS[c], None, "line", label(f"cp_{c}", lang)) for c in counts],
                           title=label("cp_flow_checkpoints_section", lang), width=360, font_size=12)
    return HTML(f'<div style="max-width:460px">{legend}</div>' + charts.chart_grid(items, min_width=170))
