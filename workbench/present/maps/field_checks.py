"""The field-check maps: communities by home-quarantine compliance, testing points by hours since
their medical waste was collected."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.domains import bands
from workbench.domains.field_checks import UNCOLLECTED_HOURS, FieldResult
from workbench.intake.vocabulary import QUARANTINE_ITEMS
from workbench.present.i18n import format_count, format_rate, label
from workbench.present.maps import base, classes
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape

UNCHECKED_FILL = "#f7f7f7"


def elapsed_legend(lang: str) -> list[tuple[str, str]]:
    """Legend items of the waste bands (:func:`workbench.domains.bands.elapsed_ranges` of 24 h)."""
    texts = {"within": label("fc_hours_lt_24", lang), "late": label("fc_hours_24_48", lang),
             "overdue": f"{label('fc_hours_ge_48', lang)} / {label('fc_never', lang)}"}
    return [(STATUS_COLOURS[r.tone], texts[r.band]) for r in bands.elapsed_ranges(UNCOLLECTED_HOURS)]


def _area_tooltip(row, lang: str) -> str:
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['area_id'])})",
             f"{escape(label('fc_households_checked', lang))}: "
             f"{escape(format_count(row['households'], lang))}"]
    for item in QUARANTINE_ITEMS:
        rate = format_rate(row[item], row["households"], lang)
        lines.append(f"{escape(label('fc_' + item, lang))}: {escape(rate)}")
    return "<br>".join(lines)


def quarantine_map(result: FieldResult, areas: gpd.GeoDataFrame, options: base.MapOptions | None = None):
    """Communities coloured by the compliance of their weakest item; unchecked ones light grey."""
    options = options or base.MapOptions()
    lang = options.lang
    fmap, checked = base.community_map(areas, result.areas, options, label("fc_not_checked", lang),
                                       UNCHECKED_FILL)
    if len(checked):
        base.add_polygons(fmap, checked,
                          classes.band_colours(checked["band"]),
                          [_area_tooltip(r, lang) for _, r in checked.iterrows()],
                          name=label("fc_legend_compliance", lang))
        # labelled: communities whose weakest item is below the target, weakest first (their order)
        below = checked[[bands.tone(b) != "good" for b in checked["band"]]]
        base.add_area_labels(fmap, below, lang)
    items = [*classes.band_legend(result.compliance_target, lang)[:-1],
             (UNCHECKED_FILL, label("fc_not_checked", lang))]
    base.add_legend(fmap, [(label("fc_legend_compliance", lang), items)],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)


def _site_tooltip(row, lang: str) -> str:
    stamp = row["last_collected"]
    last = label("fc_never", lang) if pd.isna(stamp) else f"{stamp:%m-%d %H:%M}"
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['site_id'])})",
             f"{escape(label('fc_last_collected', lang))}: {escape(last)}"]
    if pd.notna(row["hours_since"]):
        lines.append(f"{escape(label('fc_hours_since', lang))}: {escape(f'{row.hours_since:.1f}')}")
    lines.append(f"{escape(label('last_24h', lang))}: {escape(f'{row.weight_kg_24h:,.1f}')} kg, "
                 f"{escape(label('fc_bags', lang))} {escape(format_count(row['bags_24h'], lang))}")
    if row["uncollected"]:
        lines.append(f"<b>{escape(label('fc_uncollected', lang))}</b>")
    return "<br>".join(lines)


def waste_map(result: FieldResult, areas: gpd.GeoDataFrame, options: base.MapOptions | None = None):
    """The testing points coloured by hours since their medical waste was last collected."""
    options = options or base.MapOptions()
    lang = options.lang
    sites = result.sites
    streets = areas[areas["level"] == "street"]
    fmap = options.new_map(base.extent_of(areas[areas["level"] == "community"], sites["lon"], sites["lat"]))
    if len(streets):
        base.add_outlines(fmap, streets, "#777", [f"<b>{escape(n)}</b>" for n in streets["name"]],
                          name=label("street", lang), weight=1.2, dash="4 3")
    top = max(float(sites["weight_kg_24h"].max()), 1.0) if len(sites) else 1.0
    weight = sites["weight_kg_24h"].to_numpy(float)
    radius = np.where(sites["uncollected"], 7.0, 3 + 6 * np.sqrt(weight / top))
    outline = ["#000" if u else "#fff" for u in sites["uncollected"]]
    base.add_points(fmap, sites["lon"], sites["lat"], [_site_tooltip(r, lang) for _, r in sites.iterrows()],
                    name=label("sites", lang), radius=radius,
                    colour=classes.band_colours(sites["waste_band"]), outline=outline,
                    flagged=sites["uncollected"].astype(bool).to_numpy())
    late = sites[sites["uncollected"].astype(bool)]
    late = late.sort_values("hours_since", ascending=False, na_position="first")
    base.add_labels(fmap, late["lon"], late["lat"], late["name"], lang)
    base.add_legend(fmap, [(label("fc_legend_hours", lang), elapsed_legend(lang))],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)
