"""Headline figures and tables of the supply-and-prices report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.brief.actions import ROW_KEYS
from workbench.domains.prices import AlertRule, PriceResult, alerts_tone, baseline_alert_share
from workbench.domains.supply import WATCHED_ZONES, SupplyResult, unserved_tone
from workbench.present import charts, display
from workbench.present.i18n import format_count, format_rate, format_share, label, unit_text
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal

#: Decimals kept in the numbers of a table and its CSV download.
TABLE_DECIMALS = 6


def _table(frame: pd.DataFrame, *args, **kwargs) -> HTML:
    """:func:`~workbench.present.display.table` of ``frame``, floats rounded to TABLE_DECIMALS places."""
    return display.table(frame, *args, decimals=TABLE_DECIMALS, **kwargs)


def _money(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):,.2f}"


def _signed(value) -> str:
    """A change as a signed percentage, a dash when unknown."""
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):+.1f}%"


def rule_text(rule: AlertRule, lang: str = "zh") -> str:
    """A rule in words, e.g. "较基期价格上涨 ≥ 10%"."""
    if rule.kind == "consecutive_rises":
        return label("pr_rule_consecutive_rises", lang, days=rule.days)
    return label(f"pr_rule_{rule.kind}", lang, threshold=format_share(rule.threshold, 0))


def headline(supply: SupplyResult, prices: PriceResult, lang: str = "zh") -> HTML:
    """Cards: served share of sealed and of controlled areas, unserved areas, package prices, price alerts."""
    cards = _supply_cards(supply, lang) if supply.known else [
        display.unknown_card("sp_supply_title", "sp_no_supply_data", lang)]
    if not prices.known:
        return display.headline([*cards, display.unknown_card("pr_alerts_today", "pr_no_price_data", lang)])
    alerts = prices.alerts
    cards.append({"label": label("pr_alerts_today", lang), "value": str(len(alerts)),
                  "detail": ("、" if lang == "zh" else ", ").join(dict.fromkeys(alerts["commodity"]))
                            or label("none", lang),
                  "status": alerts_tone(len(alerts))})
    return display.headline(cards)


def _supply_cards(supply: SupplyResult, lang: str) -> list[dict]:
    zones = supply.zones.set_index("zone")
    cards = []
    for zone in WATCHED_ZONES:
        if zone not in zones.index:
            continue
        row = zones.loc[zone]
        households = format_count(row["households"], lang)
        detail = label("sp_served_card_3d", lang, share=format_share(row["share_3d"]),
                       served=format_count(row["served_3d"], lang), households=households)
        cards.append({"label": label("sp_served_card", lang, zone=label(zone, lang)),
                      "value": format_share(row["share_24h"]),
                      "detail": f"{format_count(row['served_24h'], lang)} / {households} · {detail}",
                      "status": "bad" if row["unserved"] else "neutral"})
    unserved = supply.unserved
    cards.append({"label": label("sp_unserved_areas", lang),
                  "value": f"{len(unserved)} / {len(supply.served)}",
                  "detail": ", ".join(mask_personal(f"{n} ({a})") for a, n in zip(
                      unserved["area_id"], unserved["name"], strict=True)) or label("none", lang),
                  "status": unserved_tone(len(unserved))})
    packages = supply.packages
    if len(packages):
        cards.append({"label": label("sp_price_range", lang),
                      "value": label("sp_price_range_value", lang, low=f"{packages['price'].min():g}",
                                     high=f"{packages['price'].max():g}"),
                      "detail": label("sp_price_range_detail", lang, packages=len(packages),
                                      suppliers=packages["supplier_id"].nunique()),
                      "status": "neutral"})
    return cards


def _rates(numerators: pd.Series, denominators: pd.Series, lang: str) -> list[str]:
    return [format_rate(n, d, lang) for n, d in zip(numerators, denominators, strict=True)]


def definitions(supply: SupplyResult, lang: str = "zh") -> HTML:
    """The windows and exact definitions of the supply figures (none when the pack has no supply data)."""
    if not supply.known:
        return HTML("")
    day = supply.report_date
    text = label("sp_definition", lang, d0=f"{day:%m-%d}", d1=f"{day - pd.Timedelta(days=1):%m-%d}",
                 d3=f"{day - pd.Timedelta(days=3):%m-%d}")
    return HTML(f'<p class="wb-note">{escape(text)}</p>')


def areas_table(supply: SupplyResult, lang: str = "zh") -> HTML:
    """Every sealed or controlled community: households served in 24 h and 3 days, unserved ones first."""
    frame = supply.served.sort_values(["unserved", "share_24h"], ascending=[False, True], kind="stable")
    frame = frame.assign(
        zone_label=frame["zone"],
        rate_24h=_rates(frame["served_24h"], frame["households"], lang),
        rate_3d=_rates(frame["served_3d"], frame["households"], lang),
        status=~frame["unserved"])
    columns = {"name": "community", "area_id": "area_id", "zone_label": "sp_zone",
               "households": "sp_households",
               "rate_24h": "sp_served_24h", "rate_3d": "sp_served_3d", "suppliers_24h": "sp_suppliers_count",
               "last_delivery": "sp_last_delivery", "status": "cp_status"}
    formats = {
        "zone_label": lambda z: display.badge(label(z, lang), "bad" if z == "sealed" else "warn"),
        "households": lambda v: escape(format_count(v, lang)),
        # a delivery is not enough supply (22 % of households served is no good news): neutral, not green
        "status": lambda ok: display.badge(label("sp_served" if ok else "sp_unserved", lang),
                                           "neutral" if ok else "bad"),
    }
    return _table(frame, columns, lang, formats=formats,
                  csv_name=f"supply_areas_{supply.report_date:%Y%m%d}.csv",
                  empty_text=label("sp_nothing_watched", lang), key=ROW_KEYS["areas_unserved"])


def suppliers_table(supply: SupplyResult, lang: str = "zh") -> HTML:
    """Per supplier: communities and households served in 24 h, orders, packages, price range;
    the suppliers that stopped delivering first, flagged."""
    rows = supply.suppliers.sort_values("stopped", ascending=False, kind="stable")
    frame = rows.assign(
        kind_label=rows["kind"].map(lambda k: label(f"sp_kind_{k}", lang)),
        price_range=[f"{lo:g}–{hi:g}" if pd.notna(lo) else "—"
                     for lo, hi in zip(rows["price_low"], rows["price_high"], strict=True)])
    columns = {"name": "sp_supplier", "stopped": "cp_status", "supplier_id": "area_id", "kind_label": "kind",
               "areas_24h": "sp_areas_24h",
               "served_24h": "sp_served", "orders_24h": "sp_orders", "packages_24h": "sp_packages_delivered",
               "last_delivery": "sp_last_delivery", "price_range": "sp_price_yuan"}
    if not rows["stopped"].any():
        del columns["stopped"]  # a column of blanks
    formats = {"stopped": lambda stopped: display.badge(label("sp_stopped", lang), "bad") if stopped else ""}
    return _table(frame, columns, lang, formats=formats, kinds={"last_delivery": "date"},
                  csv_name="suppliers.csv")


def packages_table(supply: SupplyResult, lang: str = "zh") -> HTML:
    """The package price list."""
    columns = {"supplier": "sp_supplier", "package": "sp_package", "price": "sp_price_yuan",
               "contents": "sp_contents"}
    formats = {"price": lambda v: escape(f"{float(v):g}")}
    return _table(supply.packages, columns, lang, formats=formats, csv_name="packages.csv")


# ---------------------------------------------------------------- prices


def rules_table(prices: PriceResult, lang: str = "zh") -> HTML:
    """The rules in force, as read from the rules file."""
    frame = pd.DataFrame({"rule": [r.rule for r in prices.rules],
                          "text": [rule_text(r, lang) for r in prices.rules]})
    return _table(frame, {"rule": "pr_rule_id", "text": "pr_rule"}, lang)


def _evidence(row, lang: str) -> str:
    values = {"price": _money(row["price"]), "baseline": _money(row["baseline"]),
              "previous": _money(row["previous"]), "streak": int(row["streak"])}
    if row["kind"] == "consecutive_rises":
        return label("pr_evidence_consecutive_rises", lang, **values)
    return label(f"pr_evidence_{row['kind']}", lang, value=format_share(row["value"]), **values)


def alerts_table(prices: PriceResult, lang: str = "zh", recent: bool = False) -> HTML:
    """The alerts of the day (or of the look-back window) with their evidence."""
    alerts = prices.recent_alerts.sort_values(["date", "commodity"], ascending=[False, True], kind="stable") \
        if recent else prices.alerts
    by_id = {r.rule: r for r in prices.rules}
    frame = alerts.assign(
        rule_label=[rule_text(by_id[r], lang) for r in alerts["rule"]],
        evidence=[_evidence(row, lang) for _, row in alerts.iterrows()])
    columns = {"date": "pr_date", "commodity": "pr_commodity", "market": "pr_market", "unit": "pr_unit",
               "rule_label": "pr_rule", "evidence": "pr_evidence"}
    if not recent:
        columns.pop("date")
    name = "price_alerts_recent.csv" if recent else f"price_alerts_{prices.report_date:%Y%m%d}.csv"
    return _table(frame, columns, lang, csv_name=name, empty_text=label("pr_nothing_alerts", lang))


def commodities_table(prices: PriceResult, lang: str = "zh") -> HTML:
    """Each commodity on the report date: mean price, range, baseline, vs baseline, day over day, alerts."""
    counts = prices.alerts.groupby("commodity").size()
    frame = prices.summary.assign(
        range=[f"{_money(lo)}–{_money(hi)}" for lo, hi in zip(prices.summary["low"], prices.summary["high"],
                                                              strict=True)],
        alerts=prices.summary["commodity"].map(counts).fillna(0).astype("int64"))
    columns = {"commodity": "pr_commodity", "unit": "pr_unit", "price": "pr_price", "range": "pr_low_high",
               "baseline": "pr_baseline", "vs_baseline": "pr_vs_baseline", "change": "pr_change",
               "markets": "pr_markets", "alerts": "pr_alert_count"}
    formats = {"price": lambda v: escape(_money(v)), "baseline": lambda v: escape(_money(v)),
               "vs_baseline": lambda v: escape(_signed(v)), "change": lambda v: escape(_signed(v)),
               "alerts": lambda n: display.badge(str(n), "bad") if n else escape("0")}
    return _table(frame, columns, lang, formats=formats,
                  csv_name=f"prices_{prices.report_date:%Y%m%d}.csv")


def price_definitions(lang: str = "zh") -> HTML:
    return HTML(f'<p class="wb-note">{escape(label("pr_definition", lang))}</p>')


# ---------------------------------------------------------------- price trends

BASELINE_COLOUR = "#777"


def _trend_chart(rows: pd.DataFrame, colour: str, lang: str) -> str:
    """One commodity: daily mean price and the highest market's, the baseline and the alert line."""
    days = list(rows["date"])
    first = rows.iloc[0]
    series = [charts.Series(label("pr_baseline", lang), [days[0], days[-1]], [first["baseline"]] * 2,
                            colour=BASELINE_COLOUR, dash="5 4", width=1.2)]
    if pd.notna(first["alert_price"]):
        series.append(charts.Series(label("pr_trend_alert_line", lang), [days[0], days[-1]],
                                    [first["alert_price"]] * 2, colour=STATUS_COLOURS["bad"], dash="2 3",
                                    width=1.2))
    series += [charts.Series(label("pr_trend_high", lang), days, rows["high"].to_numpy(), colour=colour,
                             dash="1 2", width=1.2),
               charts.Series(label("pr_price", lang), days, rows["price"].to_numpy(), colour=colour,
                             width=2.2)]
    words = "; ".join(f"{r.date:%m-%d}: {_money(r.price)} ({r.markets})"
                      for r in rows.itertuples(index=False))
    title = f"{first['commodity']} ({unit_text(first['unit'], lang)}) · {label('pr_price', lang)}"
    return charts.line_chart(series, mask_personal(title), x_ticks=charts.day_ticks(days), width=220,
                             height=150, y_min=None, show_legend=False, font_size=13,
                             y_format=charts.format_number, description=mask_personal(words))


def _trend_heading(rows: pd.DataFrame, alerts: int, lang: str) -> str:
    last = rows.iloc[-1]
    badge = ""
    if alerts:
        badge = f" {display.badge(label('pr_trend_alerts', lang, n=alerts), alerts_tone(alerts))}"
    note = label("pr_trend_note", lang, date=f"{last['date']:%m-%d}", price=_money(last["price"]),
                 markets=int(last["markets"]), baseline=_money(last["baseline"]),
                 vs=_signed(last["vs_baseline"]))
    unit = escape(unit_text(last["unit"], lang))
    return (f"<b>{escape(mask_personal(str(last['commodity'])))}</b> <small>{unit}</small>"
            f'{badge}<br><span class="wb-note">{escape(note)}</span>')


def price_trend_charts(prices: PriceResult, lang: str = "zh") -> HTML:
    """Each commodity's daily mean price against its baseline over the trend window: the commodities
    with an alert on the report date in full, the others folded into one grid (highest against
    baseline first)."""
    trend = prices.trend
    if trend.empty:
        return HTML(f'<p class="wb-note">{escape(label("pr_trend_none", lang))}</p>')
    listed = list(prices.summary["commodity"])
    order = listed + sorted(set(trend["commodity"]) - set(listed))
    alerts = prices.alerts.groupby("commodity").size()
    shown, folded = [], []
    for commodity in order:
        rows = trend[trend["commodity"] == commodity]
        if rows.empty:
            continue
        count = int(alerts.get(commodity, 0))
        colour = STATUS_COLOURS[alerts_tone(count)] if count else STATUS_COLOURS["neutral"]
        block = charts.chart_block(_trend_heading(rows, count, lang), _trend_chart(rows, colour, lang))
        (shown if count else folded).append(block)
    key = [(STATUS_COLOURS["neutral"], None, "line", label("pr_price", lang)),
           (STATUS_COLOURS["neutral"], "1 2", "line", label("pr_trend_high", lang)),
           (BASELINE_COLOUR, "5 4", "line", label("pr_baseline", lang)),
           (STATUS_COLOURS["bad"], "2 3", "line", label("pr_trend_alert_line", lang))]
    legend = charts.legend(key, title=label("pr_trend_section", lang), width=460, font_size=12)
    html = f'<div style="max-width:560px">{legend}</div>'
    if shown:
        html += charts.chart_grid(shown, min_width=170)
    else:
        html += f'<p class="wb-note">{escape(label("pr_nothing_alerts", lang))}</p>'
    if folded:
        html += charts.folded(label("pr_trend_more", lang, n=len(folded)),
                              charts.chart_grid(folded, min_width=170))
    return HTML(html)


def trend_definition(prices: PriceResult, lang: str = "zh") -> HTML:
    """The trend window and what its lines are."""
    days = prices.trend["date"].drop_duplicates().sort_values() if len(prices.trend) else pd.Series()
    share = baseline_alert_share(prices.rules)
    window = label("pr_trend_window", lang, days=len(days), start=f"{days.iloc[0]:%m-%d}",
                   end=f"{days.iloc[-1]:%m-%d}") if len(days) else ""
    line = label("pr_trend_definition", lang,
                 alert=format_share(share, 0) if share is not None else "—")
    return HTML(f'<p class="wb-note">{escape(window)}<br>{escape(line)}</p>')
