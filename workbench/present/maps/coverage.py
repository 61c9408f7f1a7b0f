"""The testing-coverage map: communities classed against the target, zones, testing sites.

The map's focus is the communities that need action: sealed ones, those short of the target
(largest gap first) and controlled ones, labelled in that order. The testing sites would bury
the coverage colours: they start hidden (the layer control shows them), silent sites apart.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.domains.coverage import CoverageResult
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.maps import base, classes
from workbench.present.palette import COVERAGE_COLOURS, SITE_KIND_COLOURS, STATUS_COLOURS, ZONE_COLOURS
from workbench.present.safe_html import escape


def _community_tooltip(row, lang: str) -> str:
    rate = format_rate(row["tested"], row["population"], lang)
    parts = [f"<b>{escape(row['name'])}</b> ({escape(row['area_id'])})",
             f"{escape(label('coverage', lang))}: {escape(rate)}"]
    if row["short"]:
        parts.append(f"{escape(label('gap', lang))}: {escape(format_count(row['gap'], lang))}")
    return "<br>".join(parts)


def _site_tooltip(row, lang: str) -> str:
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['site_id'])})",
             f"{escape(label('kind', lang))}: {escape(label(row['kind'], lang))}",
             f"{escape(label('samples', lang))}: {escape(format_count(row['samples'], lang))}",
             f"{escape(label('peak_load', lang))}: {escape(format_share(row['peak_load'], 0))} "
             f"({escape(format_count(row['peak_hour_samples'], lang))} / "
             f"{escape(format_count(row['capacity_per_hour'], lang))})"]
    if row["silent"]:
        lines.append(f"<b>{escape(label('silent_site', lang))}</b>")
    return "<br>".join(lines)


def _community_map(result: CoverageResult, areas: gpd.GeoDataFrame, options: base.MapOptions) -> tuple:
    """A new map fitted to the result's communities (context drawn without tiles), and their shapes."""
    communities = result.table[result.table["level"] == "community"]
    shapes = areas[["area_id", "geometry"]].merge(communities, on="area_id")
    fmap = options.new_map(shapes.total_bounds)
    return fmap, shapes


def _add_zones(fmap, result: CoverageResult, areas: gpd.GeoDataFrame, lang: str) -> list[tuple[str, str]]:
    """Outline sealed and controlled areas of the report date; returns their legend items."""
    zoned = areas[["area_id", "name", "geometry"]].merge(result.zones, on="area_id")
    for zone in ("sealed", "controlled"):
        rows = zoned[zoned["zone"] == zone]
        if not rows.empty:
            tips = [f"<b>{escape(label(zone, lang))}</b>: {escape(n)}" for n in rows["name"]]
            base.add_outlines(fmap, rows, ZONE_COLOURS[zone], tips, name=label(zone, lang),
                              dash=None if zone == "sealed" else "6 4")
    return [(ZONE_COLOURS[z], label(z, lang)) for z in ("sealed", "controlled")]


def focus_areas(result: CoverageResult, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The areas that need action, in priority order: sealed, short (largest gap first), controlled.

    ``name`` and ``geometry`` of each, once; the labels and the legend's placement follow them.
    """
    zoned = areas[["area_id", "name", "geometry"]].merge(result.zones[["area_id", "zone"]], on="area_id")
    short = areas[["area_id", "name", "geometry"]].merge(result.short[["area_id"]], on="area_id")
    ordered = [zoned[zoned["zone"] == "sealed"], short, zoned[zoned["zone"] == "controlled"]]
    frames = [f[["area_id", "name", "geometry"]] for f in ordered if len(f)]
    if not frames:
        return areas.iloc[:0][["area_id", "name", "geometry"]]
    focus = pd.concat(frames, ignore_index=True).drop_duplicates("area_id")
    return gpd.GeoDataFrame(focus, geometry="geometry", crs=areas.crs)


def _add_sites(fmap, sites: pd.DataFrame, lang: str) -> None:
    """Silent sites shown; the others as a layer that starts hidden (it would bury the colours)."""
    silent_rows = sites["silent"].astype(bool)
    for silent, rows in ((False, sites[~silent_rows]), (True, sites[silent_rows])):
        if rows.empty:
            continue
        colours = (STATUS_COLOURS["no_data"] if silent else
                   [SITE_KIND_COLOURS.get(k, "#333") for k in rows["kind"]])
        base.add_points(fmap, rows["lon"], rows["lat"], [_site_tooltip(r, lang) for _, r in rows.iterrows()],
                        name=label("silent_site" if silent else "sites", lang),
                        radius=7.0 if silent else _site_radius(rows, sites), colour=colours,
                        outline="#000" if silent else "#fff", show=silent, flagged=silent)


def _site_radius(sites: pd.DataFrame, every: pd.DataFrame | None = None) -> np.ndarray:
    """Marker radius growing with the square root of the site's samples (3 to 12 px; the largest of
    ``every``, default ``sites``, is 12)."""
    every = sites if every is None else every
    top = max(int(every["samples"].max()), 1) if len(every) else 1
    return 3 + 9 * np.sqrt(sites["samples"].to_numpy() / top)


def coverage_map(result: CoverageResult, areas: gpd.GeoDataFrame, sites: pd.DataFrame,
                 options: base.MapOptions | None = None):
    """The coverage map of a :class:`~workbench.domains.coverage.CoverageResult`.

    Parameters
    ----------
    areas : GeoDataFrame
        Area polygons (``area_id``, ``geometry``), WGS-84.
    sites : DataFrame
        Output of :func:`workbench.domains.coverage.site_round_summary` for the sites to show.
    options : MapOptions, optional
        Context layer, basemap, language and datum (:class:`~workbench.present.maps.base.MapOptions`).
    """
    options = options or base.MapOptions()
    lang = options.lang
    fmap, shapes = _community_map(result, areas, options)
    base.add_polygons(fmap, shapes, classes.band_colours(shapes["band"]),
                      [_community_tooltip(r, lang) for _, r in shapes.iterrows()],
                      name=label("legend_coverage", lang))
    zone_items = _add_zones(fmap, result, areas, lang)
    _add_sites(fmap, sites, lang)
    base.add_area_labels(fmap, focus_areas(result, areas), lang)

    coverage_items = classes.band_legend(result.target, lang)
    site_items = [(SITE_KIND_COLOURS[k], label(k, lang)) for k in ("fixed", "mobile", "door_to_door")]
    site_items.append((STATUS_COLOURS["no_data"], label("silent_site", lang)))
    note = options.datum_note(fmap)
    if (~sites["silent"].astype(bool)).any():
        hidden = label("map_hidden_layers", lang, layers=label("sites", lang))
        note = hidden + ("。" if lang == "zh" else ". ") + note
    base.add_legend(fmap, [(label("legend_coverage", lang), coverage_items),
                           (label("zones", lang), zone_items),
                           (label("legend_sites", lang), site_items)],
                    note=note, lang=lang)
    return base.finish(fmap)


def gap_classes(gaps: pd.Series, classes: int = 3) -> list[int]:
    """Upper bounds of ``classes`` equal steps of the positive gaps (persons), largest last."""
    top = int(gaps.max()) if len(gaps) and gaps.max() > 0 else 1
    bounds = [int(np.ceil(top * (i + 1) / classes)) for i in range(classes)]
    return sorted(set(bounds))


def classify_gap(gaps: pd.Series, bounds: list[int]) -> list[str]:
    """A colour per gap: green when 0 (reached), darker reds for larger gaps."""
    shades = list(COVERAGE_COLOURS[: len(bounds)])[::-1]  # the largest gap gets the darkest red
    colours = np.full(len(gaps), COVERAGE_COLOURS[3], dtype=object)
    short = (gaps > 0).to_numpy()
    if short.any():
        index = np.searchsorted(bounds, gaps[short].to_numpy(), side="left")
        colours[short] = np.asarray(shades, dtype=object)[np.minimum(index, len(bounds) - 1)]
    return list(colours)


def _gap_legend(bounds: list[int], lang: str) -> list[tuple[str, str]]:
    shades = list(COVERAGE_COLOURS[: len(bounds)])[::-1]
    lows = [1] + [b + 1 for b in bounds[:-1]]
    items = [(COVERAGE_COLOURS[3], f"0 ({label('reached', lang)})")]
    items += [(colour, f"{format_count(low, lang)} – {format_count(high, lang)}")
              for colour, low, high in zip(shades, lows, bounds, strict=True)]
    return [*items, (STATUS_COLOURS["no_data"], label("no_data", lang))]


def gap_map(result: CoverageResult, areas: gpd.GeoDataFrame, options: base.MapOptions | None = None):
    """Communities shaded by their gap to the target (persons still to test), with risk zones.

    Where :func:`coverage_map` shows how far a community is below the target as a share,
    this shows how many people that is: where door-to-door teams are needed most.
    """
    options = options or base.MapOptions()
    lang = options.lang
    fmap, shapes = _community_map(result, areas, options)
    bounds = gap_classes(shapes["gap"])
    fill = [STATUS_COLOURS["no_data"] if pd.isna(c) else colour
            for c, colour in zip(shapes["coverage"], classify_gap(shapes["gap"], bounds), strict=True)]
    base.add_polygons(fmap, shapes, fill,
                      [_community_tooltip(r, lang) for _, r in shapes.iterrows()], name=label("gap", lang))
    zone_items = _add_zones(fmap, result, areas, lang)
    base.add_area_labels(fmap, focus_areas(result, areas), lang)
    base.add_legend(fmap, [(label("gap", lang), _gap_legend(bounds, lang)),
                           (label("zones", lang), zone_items)],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)


#: Site states of :func:`workbench.domains.coverage.site_load_status` and their colours.
SITE_LOAD_COLOURS = {"over": STATUS_COLOURS["bad"], "below": STATUS_COLOURS["good"],
                     "silent": STATUS_COLOURS["no_data"], "idle": STATUS_COLOURS["warn"]}


def site_load_map(result: CoverageResult, areas: gpd.GeoDataFrame, sites: pd.DataFrame,
                  options: base.MapOptions | None = None, alert: float = 1.0):
    """Testing sites coloured by their load state over the community outlines of the scope.

    Parameters
    ----------
    sites : DataFrame
        Output of :func:`workbench.domains.coverage.site_round_summary` with a ``status`` column from
        :func:`workbench.domains.coverage.site_load_status` (``over``, ``below``, ``silent``).
    alert : float
        The alert level ``status`` was computed with, stated in the legend.
    """
    options = options or base.MapOptions()
    lang = options.lang
    fmap, shapes = _community_map(result, areas, options)
    tips = [f"<b>{escape(name)}</b> ({escape(code)})"
            for name, code in zip(shapes["name"], shapes["area_id"], strict=True)]
    base.add_polygons(fmap, shapes, ["#ffffff"] * len(shapes), tips, name=label("community", lang),
                      fill_opacity=0.25)
    status = sites["status"]
    colours = [SITE_LOAD_COLOURS[s] for s in status]
    outlines = ["#000" if s == "silent" else "#fff" for s in status]
    base.add_points(fmap, sites["lon"], sites["lat"], [_site_tooltip(r, lang) for _, r in sites.iterrows()],
                    name=label("sites", lang), radius=np.where(status == "silent", 7, _site_radius(sites)),
                    colour=colours, outline=outlines, flagged=(status != "below").to_numpy())
    focus = sites[status != "below"].assign(rank=status.map({"silent": 0, "idle": 1, "over": 2}))
    focus = focus.sort_values(["rank", "peak_load"], ascending=[True, False])
    base.add_labels(fmap, focus["lon"], focus["lat"], focus["name"], lang)
    items = [(SITE_LOAD_COLOURS["over"], f"{label('exp_over_alert', lang)} (≥ {format_share(alert, 0)})"),
             (SITE_LOAD_COLOURS["below"], f"{label('exp_below_alert', lang)} (< {format_share(alert, 0)})"),
             (SITE_LOAD_COLOURS["silent"], label("silent_site", lang)),
             (SITE_LOAD_COLOURS["idle"], label("sl_idle", lang))]
    base.add_legend(fmap, [(label("exp_legend_site_load", lang), items)],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)
