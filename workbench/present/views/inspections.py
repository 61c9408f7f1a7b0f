"""Headline figures, tables and the daily-trend chart of the supervision-inspections report.

Every value from data is escaped; finding texts also pass through :func:`redact`, which
masks phone and ID-card numbers an inspector may have typed into a finding.
"""

from __future__ import annotations

import math
import re

import pandas as pd
from IPython.display import HTML

from workbench.brief.actions import ROW_KEYS
from workbench.domains.inspections import STATUS_TONES, InspectionResult, findings_tone
from workbench.present import display
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape

#: The palette tone each place status is shown with (badges here, markers on the map).

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")


def redact(text) -> str:
    """A finding's text with mobile-phone and ID-card numbers masked ("" for missing)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return _ID_CARD.sub("[***]", _PHONE.sub("[***]", str(text)))


def kind_label(kind, lang: str = "zh") -> str:
    """The name of a place kind (``park`` → 公园)."""
    return label(f"place_kind_{kind}", lang)


def status_label(status: str, lang: str = "zh") -> str:
    return label(f"insp_status_{status}", lang)


def status_badge(status: str, lang: str = "zh") -> str:
    """An escaped coloured badge for a place or finding status."""
    return display.badge(status_label(status, lang), STATUS_TONES[status])


def _number(value) -> str:
    """A count of days: ``3``, ``1.5`` (a median or percentile may fall between days); ``—`` if missing."""
    if value is None or pd.isna(value):
        return "—"
    number = float(value)
    return f"{number:.0f}" if number == round(number) else f"{number:.1f}"


def days_text(value, lang: str = "zh") -> str:
    """``3 天`` / ``3 d``; a dash when missing."""
    shown = _number(value)
    return shown if shown == "—" else label("insp_days_n", lang, n=shown)


def scope_label(team: str | None, kind: str | None, lang: str = "zh") -> str:
    """The report's scope: the district, or the team and / or place kind it is filtered to."""
    parts = []
    if team:
        parts.append(str(team))
    if kind:
        parts.append(kind_label(kind, lang))
    return " · ".join(parts) if parts else label("district", lang)


def note(text: str) -> HTML:
    """A line of explanatory text (escaped)."""
    return HTML(f'<p class="wb-note">{escape(text)}</p>')


def _period(result: InspectionResult) -> str:
    return f"{result.window_start:%m-%d} – {result.report_date:%m-%d}"


def headline(result: InspectionResult, lang: str = "zh") -> HTML:
    """Cards: pass rate of the window, open and overdue findings, time to rectify, coverage, repeats."""
    t, r = result.totals, result.rectify
    cards = [
        {"label": label("insp_headline_pass_rate", lang, days=result.window_days),
         "value": format_share(t["pass_rate"]),
         "detail": f"{format_count(t['passed'], lang)} / {format_count(t['visits'], lang)}"
                   f" · {_period(result)}",
         "status": "neutral"},
        {"label": label("insp_open_findings", lang), "value": format_count(t["open"], lang),
         "detail": label("insp_overdue_detail", lang, n=t["overdue"], days=result.rectify_days),
         "status": findings_tone(t["open"], t["overdue"])},
        {"label": label("insp_rectify_time", lang),
         "value": "—" if r["median"] is None
                  else label("insp_rectify_value", lang, median=_number(r["median"])),
         "detail": label("insp_rectify_detail", lang, p90=_number(r["p90"]), same=r["same_day"],
                         closed=r["closed"]),
         "status": "neutral"},
        {"label": label("insp_place_coverage", lang), "value": format_share(t["coverage"]),
         "detail": f"{format_count(t['visited'], lang)} / {format_count(t['places'], lang)} · "
                   + label("insp_not_visited_count", lang, n=t["places"] - t["visited"]),
         "status": "good" if t["places"] and t["visited"] == t["places"] else "warn"},
        {"label": label("insp_repeat", lang), "value": format_count(len(result.repeat), lang),
         "detail": label("insp_repeat_detail", lang, n=2, days=result.repeat_days),
         "status": "warn" if len(result.repeat) else "good"},
    ]
    return display.headline(cards)


def definitions(result: InspectionResult, lang: str = "zh") -> HTML:
    """The exact definitions behind the figures, with this run's window and rectify_days."""
    text = label("insp_definition", lang, days=result.window_days, start=f"{result.window_start:%Y-%m-%d}",
                 end=f"{result.report_date:%Y-%m-%d}", rectify=result.rectify_days)
    extra = f"<br>{escape(label('insp_team_scope_note', lang))}" if result.team else ""
    return HTML(f'<p class="wb-note">{escape(text)}{extra}</p>')


def _with_rate(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(rate=[format_rate(p, v, lang) for p, v in zip(frame["passed"], frame["visits"],
                                                                         strict=True)])


def team_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Pass rate by team over the window, with numerator and denominator."""
    frame = _with_rate(result.by_team, lang)
    columns = {"team": "insp_team", "visits": "insp_visits", "passed": "insp_passed",
               "rate": "insp_pass_rate"}
    return display.table(frame, columns, lang, csv_name="pass_rate_by_team.csv",
                         empty_text=label("insp_no_visits", lang))


def kind_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Pass rate by place kind over the window, with numerator and denominator."""
    frame = _with_rate(result.by_kind, lang)
    frame["kind_name"] = frame["kind"].map(lambda k: kind_label(k, lang))
    columns = {"kind_name": "insp_kind", "visits": "insp_visits", "passed": "insp_passed",
               "rate": "insp_pass_rate"}
    return display.table(frame, columns, lang, csv_name="pass_rate_by_kind.csv",
                         empty_text=label("insp_no_visits", lang))


def items_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Failures per check item over the window, most failed first."""
    if not len(result.in_window):
        return HTML(f'<p class="wb-note">{escape(label("insp_no_visits", lang))}</p>')
    frame = result.items.assign(item_name=result.items["item"].map(lambda i: label(f"insp_item_{i}", lang)))
    columns = {"item_name": "insp_item", "failures": "insp_failures",
               "share_of_visits": "insp_share_of_visits", "share_of_failed": "insp_share_of_failed"}
    formats = {"share_of_visits": display.share_formatter(), "share_of_failed": display.share_formatter()}
    note = f'<p class="wb-note">{escape(label("insp_items_note", lang))}</p>'
    table = display.table(frame, columns, lang, formats=formats, csv_name="failing_items.csv").data
    return HTML(table + note)


def _nowrap(value) -> str:
    """Escaped text kept on one line (codes, dates and badges read badly when broken)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else value
    return f'<span style="white-space:nowrap">{escape(text)}</span>'


def _text_block(value) -> str:
    """Escaped free text that may wrap, but not below a readable width."""
    return f'<span style="display:inline-block;min-width:10em">{escape(value)}</span>'


def open_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Open findings with their age, overdue first."""
    frame = result.open.copy()
    frame["state"] = ["overdue" if o else "open" for o in frame["overdue"]]
    frame["place"] = [f"{n} ({p})" for n, p in zip(frame["name"], frame["place_id"], strict=True)]
    frame["kind_name"] = frame["kind"].map(lambda k: kind_label(k, lang))
    frame["finding_text"] = frame["finding"].map(redact)
    frame["age"] = frame["age_days"].map(lambda d: days_text(d, lang))
    # what a phone shows first: where, how bad, what, how long; the codes last
    columns = {"place": "insp_place", "state": "insp_state", "finding_text": "insp_finding",
               "age": "insp_age", "date": "insp_date", "team": "insp_team", "kind_name": "insp_kind",
               "inspection_id": "insp_inspection_id"}
    if frame["rectified_on"].notna().any():  # fixes dated after the report date (a run for a past day)
        columns["rectified_on"] = "insp_rectified_on"
    formats = {"state": lambda s: f'<span style="white-space:nowrap">{status_badge(s, lang)}</span>',
               "finding_text": _text_block, **dict.fromkeys(
                   ("inspection_id", "date", "team", "place", "kind_name", "age", "rectified_on"), _nowrap)}
    return display.table(frame, columns, lang, formats=formats, csv_name="open_findings.csv",
                         lead=("place", "state"), empty_text=label("insp_nothing_open", lang),
                         key=ROW_KEYS["overdue_findings"])


def rectify_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Days to rectify of the closed findings of the window: all teams, then each team."""
    frame = result.rectify_teams.copy()
    frame["team"] = frame["team"].where(frame["team"].notna(), label("insp_all_teams", lang))
    frame["same"] = [f"{format_count(s, lang)} ({format_share(s / c if c else float('nan'), 0)})"
                     for s, c in zip(frame["same_day"], frame["closed"], strict=True)]
    for column in ("median", "p90", "max"):
        frame[column] = frame[column].map(lambda d: days_text(d, lang))
    columns = {"team": "insp_team", "closed": "insp_closed", "same": "insp_same_day", "median": "insp_median",
               "p90": "insp_p90", "max": "insp_max"}
    return display.table(frame, columns, lang, csv_name="time_to_rectify.csv",
                         empty_text=label("insp_no_closed", lang))


def repeat_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Places with two or more failed visits in the repeat window."""
    frame = result.repeat.copy()
    frame["kind_name"] = frame["kind"].map(lambda k: kind_label(k, lang))
    frame["finding_text"] = frame["last_finding"].map(redact)
    columns = {"name": "insp_place", "place_id": "insp_place_id", "kind_name": "insp_kind",
               "failures": "insp_failures", "failed_on": "insp_failed_on",
               "finding_text": "insp_last_finding", "open": "insp_still_open"}
    formats = {"open": lambda o: status_badge("open", lang) if o else "", "finding_text": _text_block,
               **dict.fromkeys(("place_id", "name", "kind_name", "failed_on"), _nowrap)}
    return display.table(frame, columns, lang, formats=formats, csv_name="repeat_failures.csv",
                         empty_text=label("insp_nothing_repeat", lang))


def coverage_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Place coverage by kind: visited / places in the window."""
    frame = result.coverage.copy()
    frame["kind_name"] = frame["kind"].map(lambda k: kind_label(k, lang))
    frame["rate"] = [format_rate(v, p, lang) for v, p in zip(frame["visited"], frame["places"], strict=True)]
    frame["state"] = frame["visited"] < frame["places"]
    columns = {"kind_name": "insp_kind", "places": "insp_places", "visited": "insp_visited",
               "rate": "insp_place_coverage", "state": "insp_state"}
    formats = {"state": lambda gap: status_badge("not_visited", lang) if gap else ""}
    return display.table(frame, columns, lang, formats=formats, csv_name="place_coverage.csv",
                         empty_text=label("insp_no_places", lang))


def unvisited_table(result: InspectionResult, lang: str = "zh") -> HTML:
    """Places without a visit in the window, never-visited ones first."""
    frame = result.unvisited.copy()
    frame["kind_name"] = frame["kind"].map(lambda k: kind_label(k, lang))
    frame["last"] = [label("insp_never", lang) if pd.isna(d) else f"{d:%Y-%m-%d}"
                     for d in frame["last_visit"]]
    frame["since"] = frame["days_since"].map(lambda d: days_text(d, lang))
    columns = {"name": "insp_place", "place_id": "insp_place_id", "kind_name": "insp_kind",
               "last": "insp_last_visit", "since": "insp_days_since"}
    return display.table(frame, columns, lang, csv_name="places_not_visited.csv",
                         empty_text=label("insp_nothing_unvisited", lang))


# ---------------------------------------------------------------- daily trend (inline SVG)

# drawn about a phone's width: at 390 px its 11-unit text reads 10 px (drawn 560 wide it read 7 px);
# a wide page enlarges it up to _MAX_W
_W, _LEFT, _RIGHT = 400, 40, 12
_MAX_W = 600
_RATE_TOP, _RATE_H = 22, 78
_BAR_TOP, _BAR_H = 128, 96
_H = _BAR_TOP + _BAR_H + 24
#: Presentation attributes (no <style>: its selectors would apply to the whole report page).
_TITLE = 'font-family="sans-serif" font-size="12" font-weight="bold" fill="#333"'
_AXIS = 'font-family="sans-serif" font-size="11" fill="#666" text-anchor="end"'
_CENTRED = 'font-family="sans-serif" font-size="11" fill="#333" text-anchor="middle"'
_GRID = 'stroke="#ccc" stroke-width="1"'


def _rate_floor(rates: pd.Series) -> float:
    """Bottom of the pass-rate axis: a tenth below the lowest rate, at most 50 %, at least 0."""
    known = rates.dropna()
    if known.empty:
        return 0.5
    return max(0.0, min(0.5, math.floor(float(known.min()) * 10) / 10 - 0.1 + 1e-9))


def trend_svg(daily: pd.DataFrame, lang: str = "zh") -> str:
    """The daily trend as an inline SVG string: pass-rate line above, stacked visit bars below.

    Days without visits get no bar and break the line (a missing rate is never drawn as 0 %).
    Every text comes from :func:`~workbench.present.safe_html.escape`; each bar and point carries a
    ``<title>`` with the day's figures (shown on hover).
    """
    n = len(daily)
    plot_w = _W - _LEFT - _RIGHT
    band = plot_w / max(n, 1)
    bar_w = max(2.0, band * 0.6)
    top = max(int(daily["visits"].max()) if n else 0, 1)
    floor = _rate_floor(daily["pass_rate"])
    step = max(1, math.ceil(n / 7))  # at most ~7 date labels, each ~30 units wide
    good, bad, line = STATUS_COLOURS["good"], STATUS_COLOURS["bad"], STATUS_COLOURS["neutral"]

    def x_of(i: int) -> float:
        return _LEFT + band * (i + 0.5)

    def y_rate(rate: float) -> float:
        return _RATE_TOP + _RATE_H * (1 - (rate - floor) / (1 - floor))

    def y_count(count: float) -> float:
        return _BAR_TOP + _BAR_H * (1 - count / top)

    parts = [
        f'<text x="{_LEFT}" y="12" {_TITLE}>{escape(label("insp_pass_rate", lang))}</text>',
        f'<text x="{_LEFT}" y="{_BAR_TOP - 8}" {_TITLE}>{escape(label("insp_visits", lang))}</text>',
    ]
    for value in (floor, 1.0):
        y = y_rate(value)
        parts.append(f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" {_GRID}/>'
                     f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" {_AXIS}>'
                     f'{escape(format_share(value, 0))}</text>')
    parts.append(f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{_BAR_TOP + _BAR_H}" y2="{_BAR_TOP + _BAR_H}" '
                 f'{_GRID}/><text x="{_LEFT - 4}" y="{_BAR_TOP + 4}" {_AXIS}>{top}</text>')

    segments, current = [], []
    for i, row in enumerate(daily.itertuples(index=False)):
        day = f"{row.date:%m-%d}"
        tip = escape(f"{row.date:%Y-%m-%d}: {label('insp_passed', lang)} {row.passed} / "
                     f"{label('insp_visits', lang)} {row.visits} · {label('insp_pass_rate', lang)} "
                     f"{format_share(row.pass_rate)}")
        x = x_of(i)
        if row.visits:
            y_pass, y_all = y_count(row.passed), y_count(row.visits)
            base = _BAR_TOP + _BAR_H
            parts.append(f'<g><title>{tip}</title>'
                         f'<rect x="{x - bar_w / 2:.1f}" y="{y_pass:.1f}" width="{bar_w:.1f}" '
                         f'height="{base - y_pass:.1f}" fill="{good}"/>'
                         f'<rect x="{x - bar_w / 2:.1f}" y="{y_all:.1f}" width="{bar_w:.1f}" '
                         f'height="{y_pass - y_all:.1f}" fill="{bad}"/></g>'
                         f'<text x="{x:.1f}" y="{y_all - 3:.1f}" {_CENTRED}>{int(row.visits)}</text>')
        if pd.notna(row.pass_rate):
            y = y_rate(float(row.pass_rate))
            current.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{line}">'
                         f'<title>{tip}</title></circle>')
            if band >= 30:  # room for "100%" above each point
                parts.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" {_CENTRED}>'
                             f'{escape(format_share(row.pass_rate, 0))}</text>')
        elif current:
            segments.append(current)
            current = []
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x:.1f}" y="{_H - 6}" {_CENTRED}>{escape(day)}</text>')
    if current:
        segments.append(current)
    lines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="{line}" stroke-width="2"/>'
                    for s in segments)
    title = escape(label("insp_trend", lang))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="100%" '
            f'style="max-width:{_MAX_W}px;height:auto" role="img" aria-label="{title}">'
            f"<title>{title}</title>{lines}{''.join(parts)}</svg>")


def trend_chart(result: InspectionResult, lang: str = "zh") -> HTML:
    """The daily trend: the SVG chart, a note on how to read it, and the figures as a folded table."""
    frame = result.daily.copy()
    frame["rate"] = [format_rate(p, v, lang) for p, v in zip(frame["passed"], frame["visits"], strict=True)]
    columns = {"date": "insp_date", "visits": "insp_visits", "passed": "insp_passed", "failed": "insp_failed",
               "rate": "insp_pass_rate"}
    table = display.table(frame, columns, lang, csv_name="daily_trend.csv").data
    return HTML(f'<div class="wb-scroll">{trend_svg(result.daily, lang)}</div>'
                f'<p class="wb-note">{escape(label("insp_trend_note", lang))}</p>'
                f'<details><summary>{escape(label("insp_trend_table", lang))}</summary>{table}</details>')
