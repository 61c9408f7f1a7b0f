"""The supply and prices domain in the explorer: served share and unserved areas, prices against
baseline.

Supply controls: the street (the common scope control) and the zone (sealed, controlled) limit
the watched communities of :func:`workbench.domains.supply.analyse_supply`; the history of a
community is its served households of each of the last :data:`HISTORY_DAYS` days.

Prices controls: the commodity and the market limit the rows of
:func:`workbench.domains.prices.analyse_prices` (rules read once from the default rules file,
``parameters/price_alerts.yaml``).
Markets have no coordinates in the data contract, so the price map draws the district and
lists each shown market's price against baseline in its legend; the history of a commodity
is its price at each market over the last :data:`HISTORY_DAYS` days.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.domains import prices, supply
from workbench.intake.rulefiles import read_parameter_file
from workbench.present import display
from workbench.present.explore.common import (
    area_features,
    filter_control,
    history_view,
    map_options,
)
from workbench.present.explore.registry import Context, History, MetricView, Selection, register_metric
from workbench.present.i18n import format_share, label
from workbench.present.maps import base
from workbench.present.maps.supply import supply_map
from workbench.present.views import supply as view

SUPPLY_DATASETS = ("areas", "zones", "suppliers", "packages", "deliveries")
PRICE_DATASETS = ("areas", "prices", "price_baselines")
OPTIONAL = ("admin_boundaries",)
#: Days listed in a community's or a commodity's history, ending on the report date.
HISTORY_DAYS = 7
#: Markets listed in the price map's legend, furthest above baseline first.
LEGEND_ROWS = 12


def _zones(context: Context):
    return [(zone, zone) for zone in supply.WATCHED_ZONES]


SUPPLY_CONTROLS = (filter_control("zone", "sp_zone", "exp_all", _zones, translate=label),)


def supply_result(context: Context, day) -> supply.SupplyResult:
    """:func:`~workbench.domains.supply.analyse_supply` on ``day`` (cached per day)."""
    data = context.data
    return context.cached(("supply", pd.Timestamp(day)),
                          lambda: supply.analyse_supply(data.deliveries, data.suppliers, data.packages,
                                                        data.areas, data.zones, day))


def scoped_supply(context: Context, selection: Selection) -> supply.SupplyResult:
    """The supply result of the selection's date, its watched areas limited to the street and zone."""
    result = supply_result(context, selection.date)
    served = result.served
    if selection.scope != "district":
        served = served[served["parent_id"] == selection.scope]
    if selection.option("zone"):
        served = served[served["zone"] == selection.option("zone")]
    return dataclasses.replace(result, served=served.reset_index(drop=True))


def _supply_view(context: Context, selection: Selection, rows: pd.DataFrame,
                 result: supply.SupplyResult) -> MetricView:
    areas, lang = context.data.areas, selection.lang
    fmap = supply_map(result, areas, map_options(context, selection))
    shown = dataclasses.replace(result, served=rows)
    return MetricView(rows, fmap, view.areas_table(shown, lang).data, "", result.warnings,
                      area_features(result.served["area_id"], areas))


def area_supply_history(context: Context, selection: Selection) -> History:
    """Community ``selection.feature`` on each of the last :data:`HISTORY_DAYS` days, newest first.

    Columns: ``date``, ``zone`` (missing on a day it was not watched), ``households``,
    ``served_24h``, ``share_24h``, ``unserved``.
    """
    rows = []
    for day in pd.date_range(end=selection.date, periods=HISTORY_DAYS, freq="D")[::-1]:
        served = supply_result(context, day).served
        row = served[served["area_id"] == selection.feature]
        values = row.iloc[0] if len(row) else None
        rows.append({"date": day, "zone": None if values is None else values["zone"],
                     "households": None if values is None else values["households"],
                     "served_24h": None if values is None else int(values["served_24h"]),
                     "share_24h": float("nan") if values is None else float(values["share_24h"]),
                     "unserved": None if values is None else bool(values["unserved"])})
    frame = pd.DataFrame(rows)
    lang = selection.lang
    served = {True: label("sp_unserved", lang), False: label("sp_served", lang)}
    shown = frame.assign(
        zone=frame["zone"].map(lambda z: label(z if isinstance(z, str) else "exp_not_watched", lang)),
        unserved=frame["unserved"].map(lambda u: "" if u is None else served[bool(u)]),
        households=frame["households"].map(lambda v: "—" if v is None or pd.isna(v) else f"{int(v)}"),
        served_24h=frame["served_24h"].map(lambda v: "—" if v is None or pd.isna(v) else f"{int(v)}"))
    columns = {"date": "cp_day", "zone": "sp_zone", "households": "sp_households",
               "served_24h": "sp_served_24h", "share_24h": "exp_share", "unserved": "cp_status"}
    name = context.data.areas.set_index("area_id")["name"].get(selection.feature, "")
    return history_view(shown, columns, lang, f"{name} ({selection.feature})", data=frame,
                        formats={"share_24h": display.share_formatter(1)})


@register_metric("sp_served", label="exp_served_share", datasets=SUPPLY_DATASETS, optional=OPTIONAL,
                 uses_round=False, controls=SUPPLY_CONTROLS, history=area_supply_history)
def served_view(context: Context, selection: Selection) -> MetricView:
    """Every watched community of the street and zone: households served in 24 h and 3 days."""
    result = scoped_supply(context, selection)
    return _supply_view(context, selection, result.served, result)


@register_metric("sp_unserved", label="sp_unserved_areas", datasets=SUPPLY_DATASETS, optional=OPTIONAL,
                 uses_round=False, controls=SUPPLY_CONTROLS, history=area_supply_history)
def unserved_view(context: Context, selection: Selection) -> MetricView:
    """The watched communities of the street and zone without any delivery in the last 24 h."""
    result = scoped_supply(context, selection)
    return _supply_view(context, selection, result.unserved.reset_index(drop=True), result)


# ---------------------------------------------------------------- prices


def _commodities(context: Context):
    names = sorted(context.data.prices["commodity"].dropna().unique())
    return [(name, name) for name in names]


def _markets(context: Context):
    names = sorted(context.data.prices["market"].dropna().unique())
    return [(name, name) for name in names]


PRICE_CONTROLS = (filter_control("commodity", "pr_commodity", "exp_all", _commodities),
                  filter_control("market", "pr_market", "exp_all", _markets))


def price_result(context: Context, day) -> prices.PriceResult:
    """:func:`~workbench.domains.prices.analyse_prices` on ``day`` with the default alert rules."""
    data = context.data
    rules = context.cached("prices.rules", lambda: prices.parse_alert_rules(
        *read_parameter_file(None, prices.DEFAULT_RULES_FILE, "price-alert rules")))
    return context.cached(("prices", pd.Timestamp(day)),
                          lambda: prices.analyse_prices(data.prices, data.price_baselines, rules, day))


def _chosen(rows: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    for key in ("commodity", "market"):
        if selection.option(key):
            rows = rows[rows[key] == selection.option(key)]
    return rows


def price_rows(result: prices.PriceResult, selection: Selection) -> pd.DataFrame:
    """Prices of the report date of the chosen commodity and market, furthest above baseline first.

    Columns of :attr:`PriceResult.today`: ``date``, ``market``, ``commodity``, ``price``,
    ``unit``, ``previous``, ``change``, ``baseline``, ``vs_baseline``.
    """
    rows = _chosen(result.today, selection)
    return rows.sort_values(["vs_baseline", "commodity", "market"], ascending=[False, True, True],
                            na_position="last").reset_index(drop=True)


def _price_html(rows: pd.DataFrame, lang: str) -> str:
    columns = {"commodity": "pr_commodity", "market": "pr_market", "unit": "pr_unit", "price": "pr_price",
               "baseline": "pr_baseline", "vs_baseline": "pr_vs_baseline", "change": "pr_change"}
    signed = lambda v: "—" if pd.isna(v) else f"{v:+.1%}"  # noqa: E731
    formats = {"vs_baseline": signed, "change": lambda v: "—" if pd.isna(v) else f"{v:+.2f}"}
    return display.table(rows, columns, lang, formats=formats, decimals=6, csv_name="prices.csv").data


def price_map(context: Context, selection: Selection, rows: pd.DataFrame):
    """The district (markets have no coordinates) with the shown prices against baseline as legend."""
    fmap = base.new_map(context.data.areas.total_bounds, selection.basemap, selection.lang,
                        boundaries=context.optional("admin_boundaries"))
    lang = selection.lang
    items = [("#b2182b" if (r.vs_baseline or 0) > 0 else "#2166ac",
              f"{r.commodity} · {r.market}: {'—' if pd.isna(r.vs_baseline) else f'{r.vs_baseline:+.1%}'}")
             for r in rows.head(LEGEND_ROWS).itertuples()]
    if not items:
        items = [("#bbbbbb", label("none", lang))]
    note = label("exp_markets_unplaced", lang, shown=min(len(rows), LEGEND_ROWS), total=len(rows))
    base.add_legend(fmap, [(label("pr_vs_baseline", lang), items)], note=note, lang=lang)
    return base.finish(fmap)


def price_history(context: Context, selection: Selection) -> History:
    """Commodity ``selection.feature`` at the chosen market(s) over the last :data:`HISTORY_DAYS` days.

    Columns: ``date``, ``market``, ``price``, ``baseline``, ``vs_baseline``; newest first.
    """
    changes = price_result(context, selection.date).changes
    start = selection.date - pd.Timedelta(days=HISTORY_DAYS - 1)
    rows = changes[(changes["commodity"] == selection.feature) & (changes["date"] >= start)]
    if selection.option("market"):
        rows = rows[rows["market"] == selection.option("market")]
    frame = rows.sort_values(["date", "market"], ascending=[False, True])[
        ["date", "market", "price", "baseline", "vs_baseline"]]
    columns = {"date": "pr_date", "market": "pr_market", "price": "pr_price", "baseline": "pr_baseline",
               "vs_baseline": "pr_vs_baseline"}
    formats = {"vs_baseline": lambda v: "—" if pd.isna(v) else f"{v:+.1%}"}
    return history_view(frame, columns, selection.lang, selection.feature, formats=formats)


@register_metric("pr_vs_baseline", label="exp_price_vs_baseline", datasets=PRICE_DATASETS, optional=OPTIONAL,
                 uses_round=False, uses_scope=False, controls=PRICE_CONTROLS, history=price_history)
def price_view(context: Context, selection: Selection) -> MetricView:
    """Prices of the report date against their baseline, by commodity and market."""
    result = price_result(context, selection.date)
    rows = price_rows(result, selection)
    commodities = sorted(rows["commodity"].unique())
    features = pd.DataFrame({"feature": commodities, "label": commodities})
    share = format_share(float((rows["vs_baseline"] > 0).mean()) if len(rows) else float("nan"), 0)
    summary = display.headline([{"label": label("exp_above_baseline", selection.lang), "value": share,
                                 "detail": f"{int((rows['vs_baseline'] > 0).sum())} / {len(rows)}",
                                 "status": "neutral"}]).data
    return MetricView(rows, price_map(context, selection, rows), _price_html(rows, selection.lang), summary,
                      result.warnings, features)
