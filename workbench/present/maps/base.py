"""Every folium map of the workbench: a base map, then small functions that each add a layer.

Design rules (see PITFALLS.md):

- **Offline.** folium declares its JavaScript and CSS as CDN links; here they are replaced by
  Leaflet (and MarkerCluster) inlined from the ``xstatic`` packages installed with the
  workbench, so a map draws with no network. Bootstrap, jQuery and Font Awesome are not
  needed: layers use circle markers and our own legend.
- **Escaped.** folium inserts tooltip text into JavaScript template literals and property
  values with ``innerHTML``. Every tooltip is built here from :func:`~workbench.present.safe_html.escape`d
  values, and only the properties a layer shows are written into the page.
- **Light.** Each layer's features are one compact JSON block drawn by one small script
  (:mod:`~workbench.present.maps.layers`); polygons that tile an area are simplified together,
  by a tolerance that follows the map's extent (about half a pixel of a 1280 px map).
- **The data stay in view.** The legend folds on phones and the map is fitted so that no
  legend or control covers its data (:mod:`~workbench.present.maps.legend`); layers that would
  crowd the map (testing sites over a choropleth) start hidden, ticked on in the layer control;
  the places that need action are flagged markers, drawn larger, above every other marker and
  never clustered (:func:`add_points`), and carry permanent labels set beside them, never over
  a flagged marker (:func:`add_labels`).
- **Datum.** Data are WGS-84. On GCJ-02 tiles (AMap) geometries are shifted to GCJ-02 for
  display; on every other basemap they are drawn as they are. The legend states the datum.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely
from IPython.display import HTML

from workbench.errors import WorkbenchError
from workbench.intake import geo
from workbench.present.i18n import label
from workbench.present.maps.assets import inline_assets
from workbench.present.maps.layers import DataLayer, Raw, encode_layer
from workbench.present.maps.legend import Layout, key_below
from workbench.present.maps.legend import add_legend as add_legend  # re-exported: maps call base.add_legend
from workbench.present.maps.naming import name_elements
from workbench.present.safe_html import escape

BASEMAPS = ("none", "osm", "tianditu", "amap")

_TILES = {
    "osm": dict(tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                attr="&copy; OpenStreetMap contributors"),
    "amap": dict(tiles="https://webrd02.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
                       "&x={x}&y={y}&z={z}", attr="&copy; AutoNavi (GCJ-02)"),
}
_TIANDITU = "https://t0.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0" \
            "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}" \
            "&TILECOL={{x}}&tk={key}"


def _display_datum(fmap: folium.Map) -> str:
    return getattr(fmap, "wb_display_datum", geo.WGS84)


def for_display(fmap: folium.Map, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` (WGS-84) in the datum of the map's tiles."""
    return geo.geometry_from_wgs84(frame, _display_datum(fmap))


def points_for_display(fmap: folium.Map, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 point coordinates in the datum of the map's tiles."""
    return geo.from_wgs84(lon, lat, _display_datum(fmap))


def new_map(bounds: Sequence[float], basemap: str = "none", lang: str = "zh",
            tianditu_key: str | None = None, height: int = 480,
            boundaries: gpd.GeoDataFrame | None = None) -> folium.Map:
    """An empty map to be fitted to ``bounds`` (minx, miny, maxx, maxy in WGS-84), assets inlined.

    Parameters
    ----------
    basemap : {"none", "osm", "tianditu", "amap"}
        ``none`` draws no tiles (add :func:`add_context` so the map still reads); ``amap``
        uses GCJ-02 tiles, so every layer added later is shifted to GCJ-02.
    tianditu_key : str, optional
        Required for ``tianditu``; never stored in the repository.
    boundaries : GeoDataFrame, optional
        Administrative context, drawn (see :func:`add_context`) when there are no tiles.
    """
    if basemap not in BASEMAPS:
        raise WorkbenchError(f"unknown basemap {basemap!r}; expected one of {', '.join(BASEMAPS)}")
    fmap = folium.Map(tiles=None, height=height, prefer_canvas=True, zoom_snap=0.25)  # scale: legend.Layout
    # no view until the layout fits the bounds (legend.Layout): layers wait and are drawn once, there;
    # max_zoom: without tiles Leaflet has none, and MarkerCluster refuses to start
    fmap.options.pop("zoom", None)
    fmap.options["max_zoom"] = 18
    fmap.default_js, fmap.default_css = [], []
    fmap.wb_display_datum = geo.GCJ02 if basemap == "amap" else geo.WGS84
    fmap.wb_cluster = False
    fmap.wb_lang = lang  # the frame's title (embed) in the report's language
    if basemap in _TILES:
        folium.TileLayer(name=basemap, overlay=False, control=False, **_TILES[basemap]).add_to(fmap)
    elif basemap == "tianditu":
        if not tianditu_key:
            raise WorkbenchError("basemap 'tianditu' needs a key (parameter tianditu_key)")
        for layer in ("vec", "cva"):
            folium.TileLayer(_TIANDITU.format(layer=layer, key=tianditu_key), attr="&copy; 天地图",
                             name=layer, overlay=layer == "cva", control=False).add_to(fmap)
    minx, miny, maxx, maxy = bounds
    (x0, x1), (y0, y1) = points_for_display(fmap, [minx, maxx], [miny, maxy])
    fmap.wb_bounds = [[float(y0), float(x0)], [float(y1), float(x1)]]
    fmap.wb_extent_m = _extent_m(bounds)
    if boundaries is not None and basemap == "none":
        add_context(fmap, boundaries, lang)
    return fmap


def extent_of(polygons: gpd.GeoDataFrame, lon, lat, share: float = 0.06) -> list[float]:
    """The bounds (minx, miny, maxx, maxy) of ``polygons`` and the points ``lon``/``lat`` together,
    widened by ``share`` of their size on every side so that markers on the edge are drawn whole
    (the points alone when a pack has no areas to outline)."""
    boxes = polygons.geometry.bounds
    xs = np.concatenate([boxes["minx"], boxes["maxx"], np.asarray(lon, dtype=float)])
    ys = np.concatenate([boxes["miny"], boxes["maxy"], np.asarray(lat, dtype=float)])
    if np.isnan(xs).all() or np.isnan(ys).all():  # nothing to frame: a point of the map's default
        xs = ys = np.zeros(1)
    minx, maxx, miny, maxy = np.nanmin(xs), np.nanmax(xs), np.nanmin(ys), np.nanmax(ys)
    dx, dy = share * (maxx - minx), share * (maxy - miny)
    return [float(minx - dx), float(miny - dy), float(maxx + dx), float(maxy + dy)]


def _extent_m(bounds: Sequence[float]) -> float:
    """The longer side (metres) of WGS-84 ``bounds``, measured in the metric CRS."""
    box = gpd.GeoSeries([shapely.box(*bounds)], crs="EPSG:4326").to_crs(geo.METRIC_CRS)
    minx, miny, maxx, maxy = box.total_bounds
    return float(max(maxx - minx, maxy - miny))


#: Polygons are simplified by about half a pixel of a map this wide (px) showing the whole extent,
#: and never by less than :data:`MIN_SIMPLIFY_M` metres.
SIMPLIFY_WIDTH_PX, MIN_SIMPLIFY_M = 2560 // 2, 5.0


def simplify_tolerance(fmap: folium.Map) -> float:
    """Metres by which :func:`add_polygons` simplifies on ``fmap``: half a pixel at 1280 px, ≥ 5 m."""
    extent = getattr(fmap, "wb_extent_m", 0.0)
    return max(MIN_SIMPLIFY_M, extent / (2 * SIMPLIFY_WIDTH_PX))


def _layer(fmap: folium.Map, geoms, kind: str, name: str, style: dict, styles=None, tooltips=None,
           precision: int = 5, flagged=None, **options) -> folium.Map:
    data = encode_layer(np.asarray(geoms, dtype=object), kind, styles, tooltips, precision, flagged)
    fmap.add_child(DataLayer(data, name, style, **options))
    return fmap


def add_context(fmap: folium.Map, boundaries: gpd.GeoDataFrame, lang: str = "zh") -> folium.Map:
    """Administrative boundaries as grey outlines, so a map without tiles still reads."""
    shown = for_display(fmap, geo.simplify_coverage(boundaries, 50.0))
    name_col = "name" if lang == "zh" or "name_en" not in shown else "name_en"
    style = {"color": "#888", "weight": 1, "fill": True, "fillColor": "#f4f4f4", "fillOpacity": 0.3}
    return _layer(fmap, shown.geometry.values, "polygon", label("boundaries", lang), style,
                  tooltips=[escape(n) for n in shown[name_col]], precision=4)


def add_polygons(fmap: folium.Map, frame: gpd.GeoDataFrame, fill: Sequence[str],
                 tooltips: Sequence[str], name: str, line_colour: str = "#555",
                 fill_opacity: float = 0.7, weight: float = 0.8, simplify_m: float | None = None,
                 show: bool = True) -> folium.Map:
    """Filled polygons (a choropleth when ``fill`` comes from a classification).

    ``fill`` gives a colour per row; ``tooltips`` an HTML string per row built from escaped
    values. Polygons that tile an area are simplified together by ``simplify_m`` metres
    (default :func:`simplify_tolerance`; shared borders stay shared) and their coordinates
    rounded to about a metre.
    """
    tolerance = simplify_tolerance(fmap) if simplify_m is None else simplify_m
    shown = for_display(fmap, geo.simplify_coverage(frame, tolerance))
    geoms = shown.geometry.values
    style = {"color": line_colour, "weight": weight, "fillOpacity": fill_opacity}
    return _layer(fmap, geoms, "polygon", name, style, [{"fillColor": c} for c in fill], tooltips,
                  highlight={"weight": 2.5, "color": "#000"}, show=show)


def add_background_areas(fmap: folium.Map, frame: gpd.GeoDataFrame, note: str, name: str,
                         fill: str = "#eeeeee") -> folium.Map:
    """Areas a layer does not cover (e.g. communities neither sealed nor controlled), drawn pale.

    Needs ``name`` and ``geometry``; each tooltip is the area's escaped name and ``note``.
    """
    if len(frame):
        tips = [f"{escape(n)} · {escape(note)}" for n in frame["name"]]
        add_polygons(fmap, frame, [fill] * len(frame), tips, name=name, fill_opacity=0.4,
                     line_colour="#bbb", weight=0.5)
    return fmap


def add_outlines(fmap: folium.Map, frame: gpd.GeoDataFrame, colour: str, tooltips: Sequence[str],
                 name: str, weight: float = 3.0, dash: str | None = None) -> folium.Map:
    """Polygon outlines without fill, e.g. sealed and controlled zones."""
    shown = for_display(fmap, frame)
    geoms = shown.geometry.values
    kind = "line" if len(geoms) and all(g.geom_type.endswith("LineString") for g in geoms) else "polygon"
    style = {"color": colour, "weight": weight, "fill": False, "dashArray": dash}
    return _layer(fmap, geoms, kind, name, style, tooltips=tooltips)


#: A flagged marker is this many px larger than its radius, its outline this wide (px).
FLAG_GROWTH_PX, FLAG_WEIGHT = 2.0, 2.5


def add_points(fmap: folium.Map, lon, lat, tooltips: Sequence[str], name: str,
               radius: Sequence[float] | float = 6.0, colour: Sequence[str] | str = "#2166ac",
               outline: Sequence[str] | str = "#fff", cluster: bool = False, show: bool = True,
               flagged: Sequence[bool] | bool = False) -> folium.Map:
    """Circle markers at WGS-84 points, one escaped tooltip each; optionally clustered or hidden.

    ``flagged`` points (the places that need action, those :func:`add_labels` names) are drawn
    :data:`FLAG_GROWTH_PX` larger with a wider outline, above every other marker and cluster of
    the map, and are never clustered.
    """
    x, y = points_for_display(fmap, lon, lat)
    count = len(x)
    radius = np.broadcast_to(np.asarray(radius, dtype=float), (count,))
    colour = np.broadcast_to(np.asarray(colour, dtype=object), (count,))
    outline = np.broadcast_to(np.asarray(outline, dtype=object), (count,))
    flagged = np.broadcast_to(np.asarray(flagged, dtype=bool), (count,))
    styles = [{"radius": round(float(r), 1), "fillColor": str(c), "color": str(o)}
              for r, c, o in zip(radius, colour, outline, strict=True)]
    for style, flag in zip(styles, flagged, strict=True):
        if flag:
            style.update(radius=round(style["radius"] + FLAG_GROWTH_PX, 1), weight=FLAG_WEIGHT)
    style = {"weight": 1.5, "fill": True, "fillOpacity": 0.85}
    _layer(fmap, shapely.points(x, y), "point", name, style, styles, tooltips, precision=6,
           flagged=flagged if flagged.any() else None, cluster=cluster, sticky=False, show=show)
    if cluster:
        fmap.wb_cluster = True
    return fmap


#: At most this many permanent labels on a map: the first ones of the caller's priority order.
MAX_LABELS = 20


def add_labels(fmap: folium.Map, lon, lat, names: Sequence[str], lang: str = "zh",
               limit: int = MAX_LABELS, beside: bool = True) -> folium.Map:
    """Permanent name labels at WGS-84 points, for the places that need action (names escaped here).

    ``names`` come in priority order: the first ``limit`` are labelled. At each view a label
    stands beside its marker (``beside``; else centred on its point, as an area's), on the first
    side where it covers no flagged marker (:func:`add_points`), no earlier label and no box
    over the map; a label with no such side is hidden. The labels are a layer of their own.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)  # an area without a shape has no place for a label
    names = [str(n) for n, ok in zip(names, placed, strict=True) if ok][:limit]
    if not names:
        return fmap
    x, y = points_for_display(fmap, lon[placed][:limit], lat[placed][:limit])
    return _layer(fmap, shapely.points(x, y), "label", label("map_labels", lang),
                  {"direction": "right" if beside else "center"},
                  tooltips=[escape(n) for n in names], precision=6)


def add_area_labels(fmap: folium.Map, areas: gpd.GeoDataFrame, lang: str = "zh",
                    limit: int = MAX_LABELS) -> folium.Map:
    """:func:`add_labels` centred at a point inside each of ``areas`` (``name``, ``geometry``),
    in their order."""
    points = shapely.point_on_surface(np.asarray(areas.geometry.values))
    return add_labels(fmap, shapely.get_x(points), shapely.get_y(points), list(areas["name"]), lang, limit,
                      beside=False)


def finish(fmap: folium.Map) -> folium.Map:
    """Add the layer control, the layout (fit and legend placement) and the inlined assets.

    Call once, after the last layer of the map itself (a layer added later is drawn and listed too).
    """
    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.add_child(Layout(fmap.wb_bounds))
    fmap.get_root().header.add_child(Raw(inline_assets(fmap.wb_cluster)), name="wb_assets")
    return fmap


def embed(fmap: folium.Map, height: int = 480) -> HTML:
    """The map as a self-contained ``<iframe srcdoc>`` of fixed height, full width.

    Unlike folium's own notebook display, this adds no "trust this notebook" line and no
    aspect-ratio padding, and renders the same in JupyterLab and in the exported report.
    """
    name_elements(fmap.get_root())
    # single-quoted attribute: only & and ' need escaping, the map's JSON quotes stay as they are
    page = fmap.get_root().render().replace("&", "&amp;").replace("'", "&#39;")
    with warnings.catch_warnings():  # IPython suggests IFrame for any <iframe>; srcdoc is the point here
        warnings.simplefilter("ignore", UserWarning)
        title = escape(label("map", getattr(fmap, "wb_lang", "zh")))
        return HTML(f"<iframe class='wb-map' title='{title}' srcdoc='{page}' "
                    f"style='width:100%;height:{int(height)}px;border:1px solid #ddd' "
                    f"sandbox='allow-scripts allow-downloads'></iframe>{key_below(fmap)}")


def datum_note(source_datum: str, fmap: folium.Map, lang: str = "zh") -> str:
    """The sentence a legend uses to declare the coordinates' datum."""
    shown = _display_datum(fmap)
    if shown == geo.GCJ02:
        return "GCJ-02 (AMap)"
    return label("datum_note", lang, datum=source_datum.upper())


@dataclass(frozen=True, eq=False)
class MapOptions:
    """What every map of the reports shares: its context layer, basemap, language, the data's datum
    and the Tianditu key (one small object rather than the same five keywords on every map)."""

    boundaries: gpd.GeoDataFrame | None = None
    basemap: str = "none"
    lang: str = "zh"
    source_datum: str = "wgs84"
    tianditu_key: str | None = None

    def new_map(self, bounds: Sequence[float]) -> folium.Map:
        """:func:`new_map` fitted to ``bounds`` with these options."""
        return new_map(bounds, self.basemap, self.lang, tianditu_key=self.tianditu_key,
                       boundaries=self.boundaries)

    def datum_note(self, fmap: folium.Map) -> str:
        """:func:`datum_note` of the data drawn on ``fmap``."""
        return datum_note(self.source_datum, fmap, self.lang)


def community_map(areas: gpd.GeoDataFrame, rows, options: MapOptions, others_note: str,
                  others_fill: str) -> tuple[folium.Map, gpd.GeoDataFrame]:
    """A map fitted to the communities of ``areas``; those without a row in ``rows`` drawn pale.

    Parameters
    ----------
    areas : GeoDataFrame
        ``area_id``, ``name``, ``level``, ``geometry``.
    rows : DataFrame
        One row per community a layer shows (``area_id`` and its figures).

    Returns
    -------
    (folium.Map, GeoDataFrame)
        The map, and the communities with their ``rows`` (``area_id``, ``geometry`` and the
        columns of ``rows``), for the caller to draw.
    """
    communities = areas[areas["level"] == "community"][["area_id", "name", "geometry"]]
    fmap = options.new_map(communities.total_bounds)
    shown = communities[["area_id", "geometry"]].merge(rows, on="area_id")
    others = communities[~communities["area_id"].isin(shown["area_id"])]
    add_background_areas(fmap, others, others_note, label("community", options.lang), others_fill)
    return fmap, shown
