"""Headline figures and tables of the home-quarantine and medical-waste report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.brief.actions import ROW_KEYS
from workbench.domains.bands import target_band, tone
from workbench.domains.field_checks import FieldResult
from workbench.intake.vocabulary import QUARANTINE_ITEMS
from workbench.present import display
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.safe_html import escape
from workbench.present.tables import REFERENCE_ROWS

#: Decimals kept in the numbers of a table and its CSV download.
TABLE_DECIMALS = 6


def _table(frame: pd.DataFrame, *args, **kwargs) -> HTML:
    """:func:`~workbench.present.display.table` of ``frame``, floats rounded to TABLE_DECIMALS places."""
    return display.table(frame, *args, decimals=TABLE_DECIMALS, **kwargs)


def item_label(item: str, lang: str = "zh") -> str:
    """The name of a quarantine item (``seal_ok`` → 封条张贴)."""
    return label(f"fc_{item}", lang)


def window_note(result: FieldResult, lang: str = "zh") -> str:
    """The compliance window in words."""
    end, days = result.report_date, result.window_days
    start = f"{end - pd.Timedelta(days=days):%m-%d}"
    if days == 1:
        return label("fc_window_24h", lang, start=start, end=f"{end:%m-%d}")
    return label("fc_window_days", lang, days=days, start=start, end=f"{end:%m-%d}")


def headline(result: FieldResult, lang: str = "zh") -> HTML:
    """Cards: each item's compliance, the uncollected testing points and the waste of the last 24 h."""
    cards = _quarantine_cards(result, lang) if result.quarantine_known else [
        display.unknown_card("fc_quarantine_section", "fc_no_quarantine_data", lang)]
    if not result.waste_known:
        return display.headline([*cards, display.unknown_card("fc_waste_section", "fc_no_waste_data", lang)])
    sites, uncollected = result.sites, result.uncollected
    cards.append({"label": label("fc_uncollected_sites", lang), "value": f"{len(uncollected)} / {len(sites)}",
                  "detail": display.display_names(uncollected, "site_id") or label("none", lang),
                  "status": "bad" if len(uncollected) else "good"})
    cards.append({"label": label("fc_waste_24h", lang), "value": f"{result.waste_kg_24h:,.1f} kg",
                  "detail": f"{label('fc_bags', lang)} {format_count(int(sites['bags_24h'].sum()), lang)} · "
                            + label("fc_sites_collected", lang, collected=int((~sites["uncollected"]).sum()),
                                    sites=len(sites)),
                  "status": "neutral"})
    return display.headline(cards)


def _quarantine_cards(result: FieldResult, lang: str) -> list[dict]:
    return [{"label": item_label(row.item, lang), "value": format_share(row.share),
             "detail": f"{format_count(row.compliant, lang)} / {format_count(row.households, lang)}",
             "status": tone(row.band)} for row in result.items.itertuples(index=False)]


def quarantine_definition(result: FieldResult, lang: str = "zh") -> HTML:
    text = label("fc_quarantine_definition", lang, target=format_share(result.compliance_target, 0))
    return HTML(f'<p class="wb-note">{escape(window_note(result, lang))}<br>{escape(text)}</p>')


def waste_definition(result: FieldResult, lang: str = "zh") -> HTML:
    text = label("fc_waste_definition", lang, cutoff=f"{result.cutoff:%Y-%m-%d %H:%M}")
    return HTML(f'<p class="wb-note">{escape(text)}</p>')


def items_table(result: FieldResult, lang: str = "zh") -> HTML:
    """Compliance of each item over the window, with numerator and denominator."""
    frame = result.items.assign(
        item_name=result.items["item"].map(lambda i: item_label(i, lang)),
        rate=[format_rate(c, h, lang) for c, h in zip(result.items["compliant"], result.items["households"],
                                                      strict=True)],
        status=result.items["band"])
    columns = {"item_name": "fc_item", "rate": "fc_compliance", "status": "cp_status"}
    formats = {"status": lambda band: _badge(band, lang)}
    return _table(frame, columns, lang, formats=formats, csv_name="quarantine_items.csv",
                  empty_text=label("fc_nothing_checked", lang))


def _badge(band: str, lang: str) -> str:
    text = {"reached": "fc_at_target", "no_data": "no_data"}.get(band, "fc_below_target")
    return display.badge(label(text, lang), tone(band))


def areas_table(result: FieldResult, areas: pd.DataFrame, lang: str = "zh") -> HTML:
    """Each community checked: households and every item's compliance, weakest first."""
    streets = areas.set_index("area_id")["name"]
    frame = result.areas.assign(street=result.areas["parent_id"].map(streets),
                                weakest=result.areas["weakest_item"].map(
                                    lambda i: item_label(i, lang) if isinstance(i, str) else "—"))
    columns = {"name": "community", "area_id": "area_id", "street": "street",
               "households": "fc_households_checked",
               **{f"share_{item}": f"fc_{item}" for item in QUARANTINE_ITEMS}, "weakest": "fc_weakest"}
    target = result.compliance_target

    def share_cell(value) -> str:
        text = escape(format_share(value))
        if target_band(value, target) in ("reached", "no_data"):
            return text
        return f"<b style='color:#b2182b'>{text}</b>"

    formats = {f"share_{item}": share_cell for item in QUARANTINE_ITEMS}
    return _table(frame, columns, lang, formats=formats, csv_name="quarantine_areas.csv",
                  empty_text=label("fc_nothing_checked", lang), counts=_item_counts())


def _item_counts() -> dict[str, tuple[str, str]]:
    """Each item's share column → (its count column, ``households``)."""
    return {f"share_{item}": (item, "households") for item in QUARANTINE_ITEMS}


def days_table(result: FieldResult, lang: str = "zh") -> HTML:
    """Compliance of each item per reporting day of the last 7 days."""
    columns = {"date": "cp_day", "areas": "fc_areas_checked", "households": "fc_households_checked",
               **{f"share_{item}": f"fc_{item}" for item in QUARANTINE_ITEMS}}
    formats = {f"share_{item}": display.share_formatter() for item in QUARANTINE_ITEMS}
    return _table(result.by_day, columns, lang, formats=formats, csv_name="quarantine_days.csv",
                  empty_text=label("fc_nothing_checked", lang), counts=_item_counts())


def _hours(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}"


def _sites_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return rows.assign(kind_label=rows["kind"].map(lambda k: label(k, lang)),
                       last=[label("fc_never", lang) if pd.isna(t) else f"{t:%m-%d %H:%M}"
                             for t in rows["last_collected"]],
                       status=~rows["uncollected"])


_SITE_COLUMNS = {"name": "name", "site_id": "site_id", "kind_label": "kind", "last": "fc_last_collected",
                 "hours_since": "fc_hours_since", "collections_24h": "fc_collections",
                 "weight_kg_24h": "fc_waste_kg", "bags_24h": "fc_bags", "status": "cp_status"}


def _site_formats(lang: str) -> dict:
    return {"hours_since": lambda v: escape(_hours(v)), "weight_kg_24h": lambda v: escape(f"{float(v):,.1f}"),
            "status": lambda ok: display.badge(label("fc_collected" if ok else "fc_uncollected", lang),
                                               "good" if ok else "bad")}


def uncollected_table(result: FieldResult, lang: str = "zh") -> HTML:
    """Testing points without a collection in the last 24 h, longest wait first."""
    return _table(_sites_frame(result.uncollected, lang), _SITE_COLUMNS, lang,
                  formats=_site_formats(lang), csv_name="waste_uncollected.csv",
                  empty_text=label("fc_nothing_uncollected", lang), key=ROW_KEYS["sites_uncollected"])


def sites_table(result: FieldResult, lang: str = "zh") -> HTML:
    """Every testing point: last collection, hours since, the last 24 h's weight and bags."""
    rows = result.sites.sort_values(["hours_since", "site_id"], ascending=[False, True], na_position="first")
    return _table(_sites_frame(rows, lang), _SITE_COLUMNS, lang, formats=_site_formats(lang),
                  csv_name=f"waste_sites_{result.report_date:%Y%m%d}.csv", fold_after=REFERENCE_ROWS)
