"""Headline figures and tables of the supply-and-prices report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains.prices import AlertRule, PriceResult, alerts_tone
from workbench.domains.supply import WATCHED_ZONES, SupplyResult, unserved_tone
from workbench.present import display
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.safe_html import escape

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
                  "detail": ", ".join(f"{a} {n}" for a, n in zip(unserved["area_id"], unserved["name"],
                                                                 strict=True)) or label("none", lang),
                  "status": unserved_tone(len(unserved))})
    packages = supply.packages
    if len(packages):
        cards.append({"label": label("sp_price_range", lang),
                      "value": label("sp_price_range_value", lang, low=f"{packages['price'].min():g}",
                                     high=f"{packages['price'].max():g}"),
                      "detail": label("sp_price_range_detail", lang, packages=len(packages),
                                      suppliers=packages["supplier_id"].nunique()),
                      "status": "neutral"})
    alerts = prices.alerts
    cards.append({"label": label("pr_alerts_today", lang), "value": str(len(alerts)),
                  "detail": ("、" if lang == "zh" else ", ").join(dict.fromkeys(alerts["commodity"]))
                            or label("none", lang),
                  "status": alerts_tone(len(alerts))})
    return display.headline(cards)


def _rates(numerators: pd.Series, denominators: pd.Series, lang: str) -> list[str]:
    return [format_rate(n, d, lang) for n, d in zip(numerators, denominators, strict=True)]


def definitions(supply: SupplyResult, lang: str = "zh") -> HTML:
    """The windows and exact definitions of the supply figures."""
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
    columns = {"area_id": "area_id", "name": "community", "zone_label": "sp_zone",
               "households": "sp_households",
               "rate_24h": "sp_served_24h", "rate_3d": "sp_served_3d", "suppliers_24h": "sp_suppliers_count",
               "last_delivery": "sp_last_delivery", "status": "cp_status"}
    formats = {
        "zone_label": lambda z: display.badge(label(z, lang), "bad" if z == "sealed" else "warn"),
        "households": lambda v: escape(format_count(v, lang)),
        "status": lambda ok: display.badge(label("sp_served" if ok else "sp_unserved", lang),
                                           "good" if ok else "bad"),
    }
    return _table(frame, columns, lang, formats=formats,
                  csv_name=f"supply_areas_{supply.report_date:%Y%m%d}.csv",
                         empty_text=label("sp_nothing_watched", lang))


def suppliers_table(supply: SupplyResult, lang: str = "zh") -> HTML:
    """Per supplier: communities and households served in 24 h, orders, packages, price range."""
    rows = supply.suppliers
    frame = rows.assign(
        kind_label=rows["kind"].map(lambda k: label(f"sp_kind_{k}", lang)),
        price_range=[f"{lo:g}–{hi:g}" if pd.notna(lo) else "—"
                     for lo, hi in zip(rows["price_low"], rows["price_high"], strict=True)])
    columns = {"supplier_id": "area_id", "name": "sp_supplier", "kind_label": "kind",
               "areas_24h": "sp_areas_24h",
               "served_24h": "sp_served", "orders_24h": "sp_orders", "packages_24h": "sp_packages_delivered",
               "price_range": "sp_price_yuan"}
    return _table(frame, columns, lang, csv_name="suppliers.csv")


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
