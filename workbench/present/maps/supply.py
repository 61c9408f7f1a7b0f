"""The supply map: sealed and controlled communities by households served in 24 h, and the suppliers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.domains.supply import SupplyResult
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.maps import base
from workbench.present.palette import STATUS_COLOURS, ZONE_COLOURS
from workbench.present.safe_html import escape

#: Upper bounds of the served-share classes (households served / households, 24 h) above 0.
SERVED_BINS = (0.15, 0.30, np.inf)
#: A sequential scale for a quantity without a target (light: few served, dark: many).
SERVED_COLOURS = ("#c6dbef", "#6baed6", "#2171b5")
OTHER_FILL = "#f7f7f7"


def served_colours(served: pd.DataFrame) -> list[str]:
    """Red for a community without delivery in 24 h, else a shade by its 24-h served share."""
    colours = []
    for unserved, share in zip(served["unserved"], served["share_24h"], strict=True):
        if unserved:
            colours.append(STATUS_COLOURS["bad"])
        elif pd.isna(share):
            colours.append(STATUS_COLOURS["no_data"])
        else:
            colours.append(SERVED_COLOURS[int(np.searchsorted(SERVED_BINS, share, side="right"))])
    return colours


def _area_tooltip(row, lang: str) -> str:
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['area_id'])}) · {escape(label(row['zone'], lang))}"]
    for key in ("24h", "3d"):
        rate = format_rate(row[f"served_{key}"], row["households"], lang)
        lines.append(f"{escape(label('sp_served_' + key, lang))}: {escape(rate)}")
    if row["unserved"]:
        lines.append(f"<b>{escape(label('sp_unserved', lang))}</b>")
    return "<br>".join(lines)


def _supplier_tooltip(row, lang: str) -> str:
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['supplier_id'])}) · "
             f"{escape(label('sp_kind_' + str(row['kind']), lang))}",
             f"{escape(label('sp_areas_24h', lang))}: {escape(format_count(row['areas_24h'], lang))}",
             f"{escape(label('sp_served', lang))}: {escape(format_count(row['served_24h'], lang))}",
             f"{escape(label('sp_packages_delivered', lang))}: "
             f"{escape(format_count(row['packages_24h'], lang))}"]
    if pd.notna(row["price_low"]):
        prices = f"{row['price_low']:g}–{row['price_high']:g}"
        lines.append(f"{escape(label('sp_price_yuan', lang))}: {escape(prices)}")
    return "<br>".join(lines)


def supply_map(result: SupplyResult, areas: gpd.GeoDataFrame, options: base.MapOptions | None = None):
    """The map of a :class:`~workbench.domains.supply.SupplyResult`.

    Parameters
    ----------
    areas : GeoDataFrame
        Area polygons (``area_id``, ``name``, ``level``, ``geometry``), WGS-84.
    options : MapOptions, optional
        Context layer, basemap, language and datum (:class:`~workbench.present.maps.base.MapOptions`).
    """
    options = options or base.MapOptions()
    lang = options.lang
    fmap, watched = base.community_map(areas, result.served, options, label("prevention", lang), OTHER_FILL)
    if len(watched):
        base.add_polygons(fmap, watched, served_colours(watched),
                          [_area_tooltip(r, lang) for _, r in watched.iterrows()],
                          name=label("sp_legend_share", lang))
        for zone in ("controlled", "sealed"):  # sealed outlines on top
            rows = watched[watched["zone"] == zone]
            if len(rows):
                base.add_outlines(fmap, rows, ZONE_COLOURS[zone],
                                  [f"<b>{escape(label(zone, lang))}</b>: {escape(n)}" for n in rows["name"]],
                                  name=label(zone, lang), dash=None if zone == "sealed" else "6 4")
        # labelled: communities without a delivery in 24 h, then the other sealed ones
        focus = watched.assign(rank=np.where(watched["unserved"].astype(bool), 0,
                                             np.where(watched["zone"] == "sealed", 1, 2)))
        base.add_area_labels(fmap, focus[focus["rank"] < 2].sort_values(["rank", "area_id"]), lang)

    suppliers = result.suppliers
    top = max(int(suppliers["served_24h"].max()), 1) if len(suppliers) else 1
    radius = 5 + 10 * np.sqrt(suppliers["served_24h"].to_numpy(dtype=float) / top)
    colours = [STATUS_COLOURS["neutral"] if n else STATUS_COLOURS["no_data"] for n in suppliers["served_24h"]]
    base.add_points(fmap, suppliers["lon"], suppliers["lat"],
                    [_supplier_tooltip(r, lang) for _, r in suppliers.iterrows()],
                    name=label("sp_supplier", lang), radius=radius, colour=colours, outline="#000")

    share_items = [(STATUS_COLOURS["bad"], label("sp_no_delivery_24h", lang)),
                   (SERVED_COLOURS[0], f"< {format_share(SERVED_BINS[0], 0)}"),
                   (SERVED_COLOURS[1],
                    f"{format_share(SERVED_BINS[0], 0)} – {format_share(SERVED_BINS[1], 0)}"),
                   (SERVED_COLOURS[2], f"≥ {format_share(SERVED_BINS[1], 0)}"),
                   (OTHER_FILL, label("prevention", lang))]
    zone_items = [(ZONE_COLOURS[z], label(z, lang)) for z in ("sealed", "controlled")]
    supplier_items = [(STATUS_COLOURS["neutral"], label("sp_served", lang)),
                      (STATUS_COLOURS["no_data"], label("sp_no_delivery_24h", lang))]
    base.add_legend(fmap, [(label("sp_legend_share", lang), share_items), (label("zones", lang), zone_items),
                           (label("sp_legend_suppliers", lang), supplier_items)],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)
