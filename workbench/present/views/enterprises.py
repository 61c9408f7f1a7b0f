"""Headline figures, tables and charts of the enterprise-output report."""

from __future__ import annotations

import calendar
import math
import re

import numpy as np
import pandas as pd
from IPython.display import HTML

from workbench.brief.actions import ROW_KEYS
from workbench.domains.enterprise_output import watched_targets
from workbench.domains.enterprises import (
    CHECK_ITEMS,
    SEVERITY,
    STATUS_PALETTE,
    EnterpriseResult,
    convert,
    rate_share_status,
    status_ranges,
)
from workbench.intake.vocabulary import UNITS
from workbench.present import charts, display
from workbench.present.i18n import format_count, format_share, label, unit_text
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.present.views.enterprise_cards import (
    headline,  # noqa: F401 (the notebook calls view.headline)
    no_production,
    status_label,
)

format_quantity = charts.format_quantity

#: Light tints of the status colours, for the ranges behind a bullet graph.
BAND_COLOURS = {"behind": "#f8cdc9", "at_risk": "#fee3cc", "on_track": "#d3ecd9"}
TARGET_PATH_COLOUR = "#777"


def status_badge(status: str, lang: str = "zh") -> str:
    """A coloured badge (safe HTML) for a status."""
    return nowrap(display.badge(status_label(status, lang), STATUS_PALETTE.get(status, "no_data")))


def nowrap(html: str) -> str:
    """Safe HTML kept on one line (a narrow table scrolls rather than breaking it)."""
    return f'<span style="white-space:nowrap">{html}</span>'


def text_cell(min_em: float):
    """A cell formatter for text that may wrap but keeps ``min_em`` wide (CJK breaks anywhere)."""
    return lambda value: f'<span style="display:inline-block;min-width:{min_em}em">{escape(value)}</span>'


def phrase_cell(value) -> str:
    """A cell formatter for short phrases: breaks only between ``(≈ …)`` and `` · `` parts."""
    parts = re.split(r" (?=\(≈|· )", str(value))
    return " ".join(nowrap(escape(p)) for p in parts)


def with_smaller_unit(value, unit: str, lang: str = "zh") -> str:
    """``value`` in ``unit``; below 1, followed by the same amount in a smaller unit of the table.

    ``0.00613`` 万吨 → ``0.00613 (≈ 61.3 t)``; the target's unit stays first.
    """
    text = format_quantity(value)
    if value is None or not np.isfinite(value) or abs(value) >= 1 or value == 0 or unit not in UNITS:
        return text
    base, factor = UNITS[unit]
    smaller = sorted((u for u, (b, f) in UNITS.items() if b == base and f < factor),
                     key=lambda u: -UNITS[u][1])
    for other in smaller:
        converted = convert(value, unit, other)
        if abs(converted) >= 1:
            return f"{text} (≈ {format_quantity(converted)} {unit_text(other, lang)})"
    return text


def scope_label(result: EnterpriseResult, lang: str = "zh") -> str:
    """All key enterprises (with their count), or the one enterprise's name and id."""
    if result.enterprise is None:  # without the enterprises dataset their count is not known
        return label("ent_all", lang) + (f" ({len(result.enterprises)})" if result.known else "")
    row = result.enterprises.iloc[0]
    return f"{row['name']} ({row['enterprise_id']})"


def definitions(result: EnterpriseResult, lookback_weeks: int = 4, lang: str = "zh") -> HTML:
    """The as-of statement and the exact definitions behind the figures (none without output data)."""
    if not result.known:
        return HTML("")
    period = result.period
    lines = [label("ent_as_of", lang, date=f"{period.as_of:%Y-%m-%d}", year=period.year,
                   day=period.day_of_year, days=period.days_in_year)]
    if period.capped:
        lines.insert(0, label("ent_as_of_capped", lang, year=period.year))
    lines.append(label("ent_definition", lang, risk=format_share(result.risk_ratio, 0)))
    lines.append(label("ent_missing_definition", lang, weeks=lookback_weeks))
    return HTML('<p class="wb-note">' + "<br>".join(escape(line) for line in lines) + "</p>")


#: The unit a table shows each kind of quantity in: one column never mixes 亿元 and 万元 rows.
TABLE_UNITS = {"元": "万元", "t": "t"}
#: Quantity columns of the progress and run-rate tables, converted with their row's unit.
QUANTITY_COLUMNS = ("ytd", "target", "projected", "required_daily", "rate_7", "rate_30")


def in_table_units(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each row's quantities in its kind's :data:`TABLE_UNITS` (1.96 亿元 → 19,600 万元).

    Needs ``unit`` and any of :data:`QUANTITY_COLUMNS`; a unit the vocabulary does not know stays
    as it is. Progress, shares and the JSON figures stay in the target's own unit.
    """
    out = frame.copy()
    factors, units = [], []
    for unit in out["unit"]:
        shown = TABLE_UNITS.get(UNITS[unit][0], unit) if unit in UNITS else unit
        factors.append(convert(1.0, unit, shown) if shown != unit else 1.0)
        units.append(shown)
    for column in QUANTITY_COLUMNS:
        if column in out:
            out[column] = out[column].astype("float64") * np.asarray(factors)
    out["unit"] = units
    return out


def _sorted_progress(result: EnterpriseResult, table_units: bool = True) -> pd.DataFrame:
    """The targets worst first; in :data:`TABLE_UNITS` unless ``table_units`` is False (a chart keeps
    its target's own unit)."""
    frame = in_table_units(result.progress) if table_units else result.progress.copy()
    frame["rank"] = frame["status"].map(SEVERITY)
    return frame.sort_values(["rank", "projected_share", "enterprise_id"], kind="stable").drop(columns="rank")


def progress_table(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Every target, worst first: year to date, target, progress, elapsed, projection, status."""
    frame = _sorted_progress(result)
    # a phone shows the name, the status, the product and how far along first; the code last
    columns = {"name": "ent_name", "status": "ent_status", "product": "ent_product",
               "progress": "ent_progress", "projected_share": "ent_projected_share", "ytd": "ent_ytd",
               "target": "ent_target",
               "unit": "ent_unit", "elapsed": "ent_elapsed", "projected": "ent_projected",
               "missing_days": "ent_missing_days", "enterprise_id": "ent_enterprise_id"}
    quantity = lambda v: nowrap(escape(format_quantity(v)))  # noqa: E731
    share = display.share_formatter(1)
    formats = {"ytd": quantity, "target": quantity, "projected": quantity, "progress": share,
               "elapsed": share, "projected_share": share, "status": lambda s: status_badge(s, lang),
               "missing_days": lambda n: escape(format_count(n, lang)) if n else "",
               "name": text_cell(8), "product": text_cell(4), "unit": lambda u: nowrap(escape(u))}
    return display.table(frame, columns, lang, formats=formats,
                         csv_name=f"enterprise_progress_{result.period.as_of:%Y%m%d}.csv",
                         key=ROW_KEYS["enterprises_behind"])


def run_rate_table(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Required daily rate against the last 7- and 30-day run rates, in the target's unit per day."""
    frame = _sorted_progress(result)
    frame["per_day"] = [label("ent_per_day", lang, unit=unit_text(u, lang)) for u in frame["unit"]]
    frame["vs_required"] = frame["rate_vs_required"]
    risk = result.risk_ratio

    frame["required_text"] = [
        label("ent_required_na", lang) if not np.isfinite(v) else label("ent_target_reached", lang) if v <= 0
        else with_smaller_unit(v, u, lang)
        for v, u in zip(frame["required_daily"], frame["unit"], strict=True)]
    for n in (7, 30):
        partial = [f" · {label('ent_days_reported', lang, days=d, window=w)}" if d < w else ""
                   for d, w in zip(frame[f"days_{n}"], frame[f"window_{n}"], strict=True)]
        frame[f"rate_{n}_text"] = [with_smaller_unit(v, u, lang) + note for v, u, note
                                   in zip(frame[f"rate_{n}"], frame["unit"], partial, strict=True)]

    def versus(share):
        status = rate_share_status([share], risk).iloc[0]
        if status is None:
            return ""
        return nowrap(display.badge(format_share(share, 0), STATUS_PALETTE[status]))

    columns = {"name": "ent_name", "enterprise_id": "ent_enterprise_id", "product": "ent_product",
               "per_day": "ent_unit", "required_text": "ent_required_daily", "rate_7_text": "ent_rate_7",
               "rate_30_text": "ent_rate_30", "vs_required": "ent_rate_vs_required", "status": "ent_status"}
    formats = {"required_text": phrase_cell, "vs_required": versus,
               "status": lambda s: status_badge(s, lang),
               "name": text_cell(8), "product": text_cell(4), "per_day": lambda u: nowrap(escape(u)),
               "rate_7_text": phrase_cell, "rate_30_text": phrase_cell}
    return display.table(frame, columns, lang, formats=formats,
                         csv_name=f"enterprise_run_rates_{result.period.as_of:%Y%m%d}.csv")


def month_ticks(year: int, lang: str = "zh") -> list[tuple[pd.Timestamp, str]]:
    """The first day of each month of ``year`` with its short name."""
    return [(pd.Timestamp(year=year, month=m, day=1), f"{m}月" if lang == "zh" else calendar.month_abbr[m])
            for m in range(1, 13)]


def burnup_chart(result: EnterpriseResult, enterprise_id: str, product: str, lang: str = "zh",
                 small: bool = False) -> str:
    """One product's burn-up chart (SVG): cumulative output, the target path, the projection.

    ``small`` draws it for a grid of small multiples: narrower, without its own legend (the grid
    has one, :func:`burnup_legend`).
    """
    period = result.period
    row = result.progress[(result.progress["enterprise_id"] == enterprise_id)
                          & (result.progress["product"] == product)].iloc[0]
    days = result.cumulative[(result.cumulative["enterprise_id"] == enterprise_id)
                             & (result.cumulative["product"] == product)]
    origin = period.start - pd.Timedelta(days=1)
    year_end = pd.Timestamp(year=period.year, month=12, day=31)
    colour = STATUS_COLOURS[STATUS_PALETTE[row["status"]]]
    series = [
        charts.Series(label("ent_series_target_path", lang), [origin, year_end], [0.0, row["target"]],
                      colour=TARGET_PATH_COLOUR, dash="6 4", width=1.5),
        charts.Series(label("ent_series_cumulative", lang), [origin, *days["date"]],
                      [0.0, *days["cumulative"]], colour=colour, width=2.2),
        charts.Series(label("ent_series_projection", lang), [period.as_of, year_end],
                      [row["ytd"], row["projected"]], colour=colour, dash="2 3", width=1.8),
    ]
    missing = result.missing[result.missing["enterprise_id"] == enterprise_id]
    missing_days = [d for d, products in zip(missing["date"], missing["products"], strict=True)
                    if product in products]
    if missing_days:
        at = days.set_index("date")["cumulative"].reindex(missing_days)
        series.append(charts.Series(label("ent_series_missing", lang), missing_days, at.to_numpy(),
                                    colour=STATUS_COLOURS["bad"], kind="points"))
    unit = unit_text(str(row["unit"]), lang)
    title = f"{row['name']} · {product} ({unit}) · {status_label(row['status'], lang)}"
    ticks = month_ticks(period.year, lang)
    size = {"width": 220, "height": 150, "font_size": 13, "show_legend": False} if small else {}
    return charts.line_chart(series, title, y_label=unit, x_range=(origin, year_end),
                             x_ticks=ticks[::3] if small else ticks,
                             vlines=[(period.as_of, f"{period.as_of:%m-%d}")],
                             y_format=charts.format_number, **size)


def burnup_legend(lang: str = "zh") -> str:
    """The legend of the small burn-up charts (one for the grid)."""
    grey = STATUS_COLOURS["no_data"]
    items = [(TARGET_PATH_COLOUR, "6 4", "line", label("ent_series_target_path", lang)),
             (grey, None, "line", label("ent_series_cumulative", lang)),
             (grey, "2 3", "line", label("ent_series_projection", lang)),
             (STATUS_COLOURS["bad"], None, "points", label("ent_series_missing", lang))]
    return charts.legend(items, title=label("ent_burnup_section", lang), width=420, font_size=12)


def _chart_heading(row, lang: str) -> str:
    text = label("ent_chart_text", lang, ytd=format_quantity(row["ytd"]),
                 target=format_quantity(row["target"]), unit=unit_text(row["unit"], lang),
                 projected=format_quantity(row["projected"]),
                 share=format_share(row["projected_share"]))
    return (f'<div style="font-size:.9em;margin:.2em 0"><b>{escape(row["name"])}</b> · '
            f'{escape(row["product"])} {status_badge(row["status"], lang)}<br>'
            f'<span class="wb-note">{escape(text)}</span></div>')


def burnup_charts(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Burn-up charts: the targets behind or at risk in full (worst first), the others folded into
    one grid of small charts."""
    if result.progress.empty:
        return HTML(f'<p class="wb-note">{escape(label("none", lang))}</p>')
    ordered = _sorted_progress(result, table_units=False)
    watched = watched_targets(ordered)
    def block(row, small: bool) -> str:
        chart = burnup_chart(result, row["enterprise_id"], row["product"], lang, small)
        return _chart_heading(row, lang) + chart

    full = [block(row, False) for _, row in ordered[watched].iterrows()]
    small = [block(row, True) for _, row in ordered[~watched].iterrows()]
    html = charts.chart_grid(full, min_width=300) if full else \
        f'<p class="wb-note">{escape(label("ent_burnup_none_watched", lang))}</p>'
    if small:
        grid = f'<div style="max-width:460px">{burnup_legend(lang)}</div>'
        grid += charts.chart_grid(small, min_width=170)
        html += charts.folded(label("ent_burnup_more", lang, n=len(small)), grid)
    return HTML(html)


def bullet_bands(elapsed: float, risk_ratio: float, progress: float) -> list[tuple[float, str]]:
    """The (upper end, colour) ranges behind a bullet graph: the status rule's progress ranges
    (:func:`workbench.domains.enterprises.status_ranges`, tolerance included), the last one
    drawn up to 100 % or the progress if beyond."""
    return [(r.high if r.high is not None else max(1.0, progress), BAND_COLOURS[r.band])
            for r in status_ranges(elapsed, risk_ratio)]


def bullet_graphs(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """A bullet graph per target: progress over the status ranges, time elapsed as the marker."""
    if result.progress.empty:
        return HTML(f'<p class="wb-note">{escape(label("none", lang))}</p>')
    items = []
    for _, row in result.progress.iterrows():
        elapsed = row["elapsed"]
        bands = bullet_bands(elapsed, result.risk_ratio, row["progress"])
        name = f"{row['name']} · {row['product']}"
        note = label("ent_bullet_text", lang, progress=format_share(row["progress"]),
                     elapsed=format_share(elapsed), projected=format_share(row["projected_share"]))
        title = f"{name}: {note} · {status_label(row['status'], lang)}"
        items.append(charts.bullet(name, row["progress"], elapsed, bands, title=title, note=note,
                                   bar_colour="#333"))
    key = [(BAND_COLOURS[s], None, "band", status_label(s, lang)) for s in ("behind", "at_risk", "on_track")]
    key += [("#333", None, "line", label("ent_bar_progress", lang)),
            ("#000", None, "line", label("ent_marker_elapsed", lang))]
    legend = charts.legend(key, title=label("ent_band_legend", lang), width=360, font_size=12)
    return HTML(f'<div style="max-width:460px">{legend}</div>' + charts.chart_grid(items, min_width=280))


def _tick(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return '<span style="color:#999">—</span>'
    colour = STATUS_COLOURS["good" if value else "bad"]
    return f'<span style="color:{colour};font-weight:bold">{"✓" if value else "✗"}</span>'


def checks_table(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Closed loop and the latest "eight in place" check of each enterprise, failures first."""
    frame = result.checks.copy()
    frame["rank"] = np.where(frame["check_date"].isna(), 1, np.where(frame["all_ok"].fillna(False), 2, 0))
    frame = frame.sort_values(["rank", "items_ok", "enterprise_id"], kind="stable")
    frame["items_text"] = [f"{ok} / {len(CHECK_ITEMS)}" if pd.notna(d) else label("ent_not_checked", lang)
                           for ok, d in zip(frame["items_ok"], frame["check_date"], strict=True)]
    columns = {"name": "ent_name", "enterprise_id": "ent_enterprise_id", "closed_loop": "ent_closed_loop",
               "closed_loop_since": "ent_closed_loop_since", "check_date": "ent_check_date",
               "items_text": "ent_items_ok", **{item: f"ent_check_{item}" for item in CHECK_ITEMS}}
    formats = {item: _tick for item in CHECK_ITEMS}
    formats["name"] = text_cell(8)
    formats["items_text"] = lambda v: nowrap(escape(v))
    formats["closed_loop"] = lambda v: ("" if v is pd.NA or not bool(v)
                                        else nowrap(display.badge(label("ent_closed_loop", lang), "neutral")))
    formats["check_date"] = lambda d: nowrap(escape("" if pd.isna(d) else f"{d:%Y-%m-%d}"))
    formats["closed_loop_since"] = lambda d: nowrap(escape(d))
    return display.table(frame, columns, lang, formats=formats, csv_name="enterprise_checks.csv")


def missing_table(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Days an enterprise normally reports but did not, with the products missing."""
    names = result.enterprises.set_index("enterprise_id")["name"]
    frame = result.missing.assign(name=result.missing["enterprise_id"].map(names),
                                  product_list=[", ".join(p) for p in result.missing["products"]])
    columns = {"name": "ent_name", "enterprise_id": "ent_enterprise_id", "date": "ent_missing_date",
               "product_list": "ent_missing_products"}
    formats = {"name": text_cell(8), "date": lambda d: nowrap(escape(f"{d:%Y-%m-%d}"))}
    empty = label("ent_no_production" if no_production(result) else "ent_nothing_missing", lang,
                  year=result.period.year)
    return display.table(frame, columns, lang, formats=formats, csv_name="enterprise_missing_reports.csv",
                         empty_text=empty)
