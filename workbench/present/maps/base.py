"""Every folium map of the workbench: a base map, then small functions that each add a layer.

Design rules (see PITFALLS.md):

- **Offline.** folium declares its JavaScript and CSS as CDN links; here they are replaced by
  Leaflet (and MarkerCluster) inlined from the ``xstatic`` packages installed with the
  workbench, so a map draws with no network. Bootstrap, jQuery and Font Awesome are not
  needed: layers use circle markers and our own legend.
- **Escaped.** folium inserts tooltip text into JavaScript template literals and property
  values with ``innerHTML``. Every tooltip is built here from :func:`~workbench.present.safe_html.escape`d
  values, and only the properties a layer shows are written into the page.
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
import shapely.geometry
from branca.element import Element, MacroElement
from folium.map import Layer
from IPython.display import HTML
from jinja2 import Template

from workbench.errors import WorkbenchError
from workbench.intake import geo
from workbench.present.i18n import label
from workbench.present.maps.assets import inline_assets
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
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in WGS-84), assets inlined.

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
    # max_zoom: without tiles Leaflet has none, and MarkerCluster refuses to start
    fmap = folium.Map(tiles=None, height=height, control_scale=True, prefer_canvas=True, max_zoom=18,
                      zoom_snap=0.25)
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
    fmap.add_child(_FitBounds([[float(y0), float(x0)], [float(y1), float(x1)]]))
    if boundaries is not None and basemap == "none":
        add_context(fmap, boundaries, lang)
    return fmap


class _FitBounds(MacroElement):
    """Fit the map to its data once its container has a size.

    folium fits the bounds while the page is being parsed; inside an ``<iframe srcdoc>`` the
    container may still be 0 px wide then (seen on narrow screens), leaving the map at world
    zoom. This fits again as soon as the container is laid out, until the reader moves the map.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
        var map = {{ this._parent.get_name() }}, bounds = {{ this.bounds|tojson }}, touched = false;
        function fit() {
            if (touched || map.getContainer().clientWidth === 0) { return; }
            map.invalidateSize(); map.fitBounds(bounds, {animate: false});
        }
        map.getContainer().addEventListener("pointerdown", function () { touched = true; });
        fit();
        window.addEventListener("load", fit);
        if (window.ResizeObserver) { new ResizeObserver(fit).observe(map.getContainer()); }
    })();
    {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds


class DataLayer(Layer):
    """A GeoJSON layer styled from its features' own properties, with escaped HTML tooltips.

    folium's ``GeoJson`` writes a JavaScript ``switch`` over every feature id for a per-feature
    style and builds tooltips from raw property values; here each feature carries its style
    (``s``) and its tooltip (``t``, HTML built from escaped values), and one small script reads
    them. Points become circle markers (``s.radius``), optionally clustered.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    var {{ this.get_name() }}_data = L.geoJson({{ this.data|tojson }}, {
        style: function (f) { return Object.assign({}, {{ this.base_style|tojson }}, f.properties.s); },
        pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, Object.assign({}, {{ this.base_style|tojson }}, f.properties.s));
        },
        onEachFeature: function (f, layer) {
            if (f.properties.t) { layer.bindTooltip(f.properties.t, {sticky: {{ this.sticky|tojson }}}); }
        }
    });
    {% if this.highlight %}
    {{ this.get_name() }}_data.on("mouseover", function (e) {
        e.layer.setStyle({{ this.highlight|tojson }});
    });
    {{ this.get_name() }}_data.on("mouseout", function (e) {
        {{ this.get_name() }}_data.resetStyle(e.layer);
    });
    {% endif %}
    var {{ this.get_name() }} = {% if this.cluster %}L.markerClusterGroup({maxClusterRadius: 40})
        .addLayer({{ this.get_name() }}_data){% else %}{{ this.get_name() }}_data{% endif %};
    {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
    {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, base_style: dict, highlight: dict | None = None,
                 cluster: bool = False, sticky: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "DataLayer"
        self.data, self.base_style, self.highlight = data, base_style, highlight
        self.cluster, self.sticky = cluster, sticky


def feature_collection(frame: gpd.GeoDataFrame, styles: Sequence[dict] | None = None,
                       tooltips: Sequence[str] | None = None, precision: int = 6) -> dict:
    """A FeatureCollection holding only a style (``s``) and a tooltip (``t``) per feature.

    Coordinates are rounded to ``precision`` decimals (5 ≈ 1 m); no other property and no
    per-feature ``bbox`` is written. Tooltips must already be safe HTML.
    """
    geoms = shapely.set_precision(np.asarray(frame.geometry.values), 10.0 ** -precision)
    features = []
    for i, geom in enumerate(geoms):
        props = {}
        if styles is not None and styles[i]:
            props["s"] = styles[i]
        if tooltips is not None:
            props["t"] = str(tooltips[i])
        features.append({"type": "Feature", "properties": props,
                         "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def add_context(fmap: folium.Map, boundaries: gpd.GeoDataFrame, lang: str = "zh") -> folium.Map:
    """Administrative boundaries as grey outlines, so a map without tiles still reads."""
    shown = for_display(fmap, geo.simplify_coverage(boundaries, 50.0))
    name_col = "name" if lang == "zh" or "name_en" not in shown else "name_en"
    data = feature_collection(shown, tooltips=[escape(n) for n in shown[name_col]], precision=4)
    style = {"color": "#888", "weight": 1, "fill": True, "fillColor": "#f4f4f4", "fillOpacity": 0.3}
    fmap.add_child(DataLayer(data, label("boundaries", lang), style))
    return fmap


def add_polygons(fmap: folium.Map, frame: gpd.GeoDataFrame, fill: Sequence[str],
                 tooltips: Sequence[str], name: str, line_colour: str = "#555",
                 fill_opacity: float = 0.7, weight: float = 0.8, simplify_m: float = 5.0) -> folium.Map:
    """Filled polygons (a choropleth when ``fill`` comes from a classification).

    ``fill`` gives a colour per row; ``tooltips`` an HTML string per row built from escaped
    values. Polygons that tile an area are simplified together by ``simplify_m`` metres
    (shared borders stay shared) and their coordinates rounded to about a metre.
    """
    shown = for_display(fmap, geo.simplify_coverage(frame, simplify_m))
    data = feature_collection(shown, [{"fillColor": c} for c in fill], tooltips, precision=5)
    style = {"color": line_colour, "weight": weight, "fillOpacity": fill_opacity}
    fmap.add_child(DataLayer(data, name, style, highlight={"weight": 2.5, "color": "#000"}))
    return fmap


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
    data = feature_collection(shown, tooltips=tooltips, precision=5)
    style = {"color": colour, "weight": weight, "fill": False, "dashArray": dash}
    fmap.add_child(DataLayer(data, name, style))
    return fmap


def add_points(fmap: folium.Map, lon, lat, tooltips: Sequence[str], name: str,
               radius: Sequence[float] | float = 6.0, colour: Sequence[str] | str = "#2166ac",
               outline: Sequence[str] | str = "#fff", cluster: bool = False) -> folium.Map:
    """Circle markers at WGS-84 points, one escaped tooltip each; optionally clustered."""
    x, y = points_for_display(fmap, lon, lat)
    count = len(x)
    radius = np.broadcast_to(np.asarray(radius, dtype=float), (count,))
    colour = np.broadcast_to(np.asarray(colour, dtype=object), (count,))
    outline = np.broadcast_to(np.asarray(outline, dtype=object), (count,))
    points = gpd.GeoSeries(shapely.points(x, y), crs="EPSG:4326").to_frame("geometry")
    styles = [{"radius": round(float(r), 1), "fillColor": str(c), "color": str(o)}
              for r, c, o in zip(radius, colour, outline, strict=True)]
    data = feature_collection(points, styles, tooltips, precision=6)
    style = {"weight": 1.5, "fill": True, "fillOpacity": 0.85}
    fmap.add_child(DataLayer(data, name, style, cluster=cluster, sticky=False))
    if cluster:
        fmap.wb_cluster = True
    return fmap


class _Legend(MacroElement):
    """A legend box in the bottom-left corner, content already escaped; folded on phones."""

    _template = Template("""
    {% macro html(this, kwargs) %}
    <details id="wb-legend" open style="position:absolute;z-index:9999;bottom:44px;left:8px;
             max-width:75%;max-height:70%;overflow:auto;background:rgba(255,255,255,.93);
             padding:4px 8px;border:1px solid #999;border-radius:4px;font:12px sans-serif;line-height:1.5">
    <summary style="cursor:pointer;font-weight:bold">{{ this.title }}</summary>{{ this.content }}</details>
    {% endmacro %}
    {% macro script(this, kwargs) %}
    (function () {  // decide once the frame has its real width (0 while an iframe is laid out)
        var legend = document.getElementById("wb-legend"), decided = false;
        function decide() {
            var width = document.documentElement.clientWidth;
            if (decided || width === 0) { return; }
            decided = true;
            legend.open = width >= 500;
        }
        decide();
        window.addEventListener("load", decide);
        if (window.ResizeObserver) { new ResizeObserver(decide).observe(document.documentElement); }
    })();
    {% endmacro %}
    """)

    def __init__(self, title: str, content: str):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.content = content


def add_legend(fmap: folium.Map, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]],
               note: str = "", lang: str = "zh") -> folium.Map:
    """A legend: ``sections`` of (title, [(colour, label), ...]); labels are escaped here."""
    parts = []
    for title, items in sections:
        parts.append(f"<b>{escape(title)}</b><br>")
        parts += [f'<span style="display:inline-block;width:12px;height:12px;background:{escape(colour)};'
                  f'border:1px solid #666;margin-right:4px;vertical-align:middle"></span>'
                  f"{escape(text)}<br>" for colour, text in items]
    if note:
        parts.append(f'<span style="color:#555">{escape(note)}</span>')
    fmap.add_child(_Legend(escape(label("legend", lang)), "".join(parts)))
    return fmap


def finish(fmap: folium.Map) -> folium.Map:
    """Add the layer control and the inlined assets; call once, after the last layer."""
    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.get_root().header.add_child(Element(inline_assets(fmap.wb_cluster)), name="wb_assets")
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
                    f"sandbox='allow-scripts allow-downloads'></iframe>")


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
