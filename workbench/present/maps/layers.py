"""A map layer's data, written compactly, and the one small script that draws every layer.

A layer's features are written once, as JSON in a ``<script type="application/json">`` block
(parsed with ``JSON.parse``, much faster than a script literal of the same size), holding for
each feature only its geometry, its style (``s``) and its tooltip (``t``, HTML built from
escaped values). Coordinates are integers: degrees × 10^precision (5 decimals ≈ 1 m),
each the difference from the layer's previous coordinate, so most are two or three digits.

The script (:data:`RUNTIME`) builds Leaflet layers straight from those integers into one
group per layer: one tooltip and one highlight handler for the whole group (not one per
feature), clustered when asked. A point flagged ``"f": 1`` (a place that needs action) is drawn
in a pane of its own, above every other marker and cluster, and is never clustered. A label
layer holds permanent labels, each set beside its marker (an area's centred), on the first side
where it covers no flagged marker, no earlier label and no box over the map; a label with no
such side is hidden for that view. A layer may start hidden (``show=False``): it is listed,
unticked, in the layer control and drawn only when ticked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import shapely
from branca.element import Element
from folium.map import Layer
from jinja2 import Template

#: Geometry kinds of a layer: how its features' coordinates nest.
KINDS = ("point", "line", "polygon", "label")

RUNTIME = """<style>
.leaflet-tooltip.wb-label { background: rgba(255,255,255,.85); border: 0; box-shadow: none; padding: 0 3px;
  margin: 0; font: bold 11px sans-serif; color: #222; white-space: nowrap; }
.wb-label::before { display: none; }
</style>
<script>
window.wb = window.wb || {};
/* The flagged markers of every layer (the places that need action): drawn larger by the caller,
   here in a pane of their own above every other marker and cluster (600) and below the labels
   (650), never clustered; the labels are placed off them (wb.declutter). */
wb.flagged = [];
wb.points = [];  // every other marker: a label avoids covering them where it can
wb.flagRenderer = function (map) {
    if (!map.wbFlagRenderer) {
        map.createPane("wbFlag").style.zIndex = 620;
        map.wbFlagRenderer = L.svg({pane: "wbFlag"});  // its root lets events through to the layers below
    }
    return map.wbFlagRenderer;
};
/* Leaflet layers of a compact layer blob (see workbench/present/maps/layers.py) into group. */
wb.features = function (group, d, base, map) {
    var k = d.k, x = 0, y = 0, kind = d.g, f = d.f;
    function ring(r) {
        var out = new Array(r.length / 2);
        for (var i = 0, j = 0; i < r.length; i += 2, j += 1) {
            x += r[i]; y += r[i + 1]; out[j] = L.latLng(y / k, x / k);
        }
        return out;
    }
    function rings(rs) {
        var out = [];
        for (var i = 0; i < rs.length; i += 1) { out.push(ring(rs[i])); }
        return out;
    }
    for (var n = 0; n < f.length; n += 1) {
        var c = f[n][0], p = f[n][1] || {}, style = Object.assign({}, base, p.s), layer;
        if (kind === "point" || kind === "label") {
            x += c[0]; y += c[1];
            var at = L.latLng(y / k, x / k);
            if (kind === "label") {  // base: the side (right: beside a marker, center: an area's)
                layer = L.tooltip(Object.assign({permanent: true, className: "wb-label", interactive: false},
                                                base)).setLatLng(at).setContent(p.t);
                layer.wbSide = base.direction;
            } else if (p.f) {
                layer = L.circleMarker(at, Object.assign({renderer: wb.flagRenderer(map)}, style));
                layer.wbFlag = true;
                wb.flagged.push(layer);
            } else {
                layer = L.circleMarker(at, style);
                wb.points.push(layer);
            }
        } else if (kind === "line") {
            layer = L.polyline(rings(c), style);
        } else {
            var parts = [];
            for (var m = 0; m < c.length; m += 1) { parts.push(rings(c[m])); }
            layer = L.polygon(parts, style);
        }
        layer.feature = {type: "Feature", properties: p};
        layer.wbStyle = style;
        group.addLayer(layer);
    }
    return group;
};
/* A layer's points into a cluster group; its flagged markers stay out, shown and hidden with it. */
wb.cluster = function (group, data, map) {
    var all = data.getLayers();
    group.addLayers(all.filter(function (l) { return !l.wbFlag; }));
    var loose = all.filter(function (l) { return l.wbFlag; });
    if (loose.length) {
        var flagged = L.featureGroup(loose);
        flagged.addEventParent(group);  // their tooltips are the group's
        group.on("add", function () { map.addLayer(flagged); });
        group.on("remove", function () { map.removeLayer(flagged); });
    }
    return group;
};
/* One tooltip and one highlight for a whole group: its features' own ``t`` and style. */
wb.interact = function (group, sticky, highlight) {
    group.bindTooltip(function (layer) {
        if (layer.feature) { return layer.feature.properties.t || ""; }
        return layer.getChildCount ? String(layer.getChildCount()) : "";  // a cluster: its count
    }, {sticky: sticky});
    group.on("tooltipopen", function (e) {  // a feature without a tooltip shows none
        if (!e.tooltip.getContent()) { e.tooltip.close(); }
    });
    if (highlight) {
        group.on("mouseover", function (e) { if (e.layer.wbStyle) { e.layer.setStyle(highlight); } });
        group.on("mouseout", function (e) { if (e.layer.wbStyle) { e.layer.setStyle(e.layer.wbStyle); } });
    }
    return group;
};
/* Place the labels, in priority order: a label beside a marker goes to the first of eight places
   around it (right, left, above, below, then the corners) that stays inside the map and covers
   no flagged marker, no earlier label and no box over the map (legend, buttons), preferring a
   place that leaves the middle of every other marker uncovered too; an area's label is centred,
   moved a line or two up or down only off a flagged marker. A label with no place is hidden. */
wb.declutter = function (group, map) {
    var frame = map.getContainer().getBoundingClientRect(), kept = [], marks = [], others = [];
    var over = [].slice.call(map.getContainer().querySelectorAll(".leaflet-control"));
    over.push(document.getElementById("wb-legend"));
    over.forEach(function (el) {
        var r = el && el.getBoundingClientRect();
        if (r && r.width > 0 && r.height > 0) { kept.push({l: r.left, t: r.top, r: r.right, b: r.bottom}); }
    });
    function discs(list, out, share) {  // markers drawn in view: centre and radius (times share)
        list.forEach(function (m) {
            if (!m._map) { return; }  // its layer unticked, or gathered in a cluster
            var p = map.latLngToContainerPoint(m.getLatLng());
            var r = m.getRadius() + (m.options.weight || 0) / 2;
            if (p.x < -r || p.y < -r || p.x > frame.width + r || p.y > frame.height + r) { return; }
            out.push({x: frame.left + p.x, y: frame.top + p.y, r: r * share});
        });
    }
    discs(wb.flagged, marks, 1);
    discs(wb.points, others, 0.5);
    function meets(b, list, spare) {  // a disc of list meets the box b
        for (var j = 0; j < list.length; j += 1) {
            var m = list[j], dx = Math.max(b.l - m.x, 0, m.x - b.r), dy = Math.max(b.t - m.y, 0, m.y - b.b);
            if (dx * dx + dy * dy < (m.r + spare) * (m.r + spare)) { return true; }
        }
        return false;
    }
    function free(b) {
        if (b.l < frame.left || b.t < frame.top || b.r > frame.right || b.b > frame.bottom) { return false; }
        for (var i = 0; i < kept.length; i += 1) {
            var o = kept[i];
            if (b.l < o.r && o.l < b.r && b.t < o.b && o.t < b.b) { return false; }
        }
        return !meets(b, marks, 1);
    }
    group.eachLayer(function (label) {
        var el = label.getElement && label.getElement();
        if (!el || !label._map) { return; }
        var p = map.latLngToContainerPoint(label.getLatLng()), x = frame.left + p.x, y = frame.top + p.y;
        var w = el.offsetWidth, h = el.offsetHeight, g = 3;
        marks.forEach(function (m) {  // its own marker: the gap clears it
            if (Math.abs(m.x - x) < 1 && Math.abs(m.y - y) < 1) { g = Math.max(g, m.r + 3); }
        });
        var d = Math.round(g * 0.75), lift = Math.round(d + h / 2), places;
        if (label.wbSide === "center") {  // [direction, offset x, offset y] of Leaflet's tooltips
            places = [["center", 0, 0]];
            var centred = {l: x - w / 2, t: y - h / 2, r: x + w / 2, b: y + h / 2};
            if (meets(centred, marks, 1)) {  // off a flagged marker, by a line or two
                places.push(["center", 0, -h], ["center", 0, h], ["center", 0, -2 * h], ["center", 0, 2 * h]);
            }
        } else {
            places = [["right", g, 0], ["left", -g, 0], ["top", 0, -g], ["bottom", 0, g],
                      ["right", d, -lift], ["right", d, lift], ["left", -d, -lift], ["left", -d, lift]];
        }
        var boxes = places.map(function (q) {  // the box Leaflet draws at each place
            var s = q[0], l = x + q[1] - (s === "right" ? 0 : s === "left" ? w : w / 2);
            var t = y + q[2] - (s === "top" ? h : s === "bottom" ? 0 : h / 2);
            return {l: l, t: t, r: l + w, b: t + h};
        }).map(function (b) { return free(b) ? b : null; });
        var at = boxes.findIndex(function (b) { return b && !meets(b, others, 0); });
        if (at < 0) { at = boxes.findIndex(function (b) { return b; }); }
        var chosen = at < 0 ? null : places[at];
        if (chosen) { kept.push(boxes[at]); }
        if (chosen) {
            label.options.direction = chosen[0];
            label.options.offset = L.point(chosen[1], chosen[2]);
            label.update();
            el.style.visibility = "";
        } else {
            el.style.visibility = "hidden";
        }
    });
};
</script>"""


def _quantised(coords: np.ndarray, scale: int) -> np.ndarray:
    """Coordinates as integers (degrees × ``scale``), each the difference from the one before."""
    if not np.isfinite(coords).all():
        raise ValueError("a map layer got a coordinate that is not a number (drop rows without location)")
    q = np.rint(coords * scale).astype(np.int64)
    d = q.copy()
    d[1:] -= q[:-1]
    return d


def _geometry_coords(geoms: np.ndarray, kind: str, scale: int) -> list:
    """Nested integer coordinates per geometry, all deltas in one sequence over the layer."""
    if kind in ("point", "label"):
        return _quantised(shapely.get_coordinates(geoms), scale).tolist()
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    if kind == "line":
        rings, ring_of = parts, np.arange(len(parts))
    else:
        rings, ring_of = shapely.get_rings(parts, return_index=True)
    counts = shapely.get_num_coordinates(rings)
    flat = _quantised(shapely.get_coordinates(rings), scale).ravel().tolist()
    out: list = [[] for _ in range(len(geoms))]
    part_lists: list = [[] for _ in range(len(parts))]
    start = 0
    for part, count in zip(ring_of, counts, strict=True):
        part_lists[part].append(flat[start:start + 2 * count])
        start += 2 * count
    for part, geom in enumerate(part_of):
        out[geom].append(part_lists[part] if kind == "polygon" else part_lists[part][0])
    return out


def encode_layer(geoms: Sequence, kind: str, styles: Sequence[dict] | None = None,
                 tooltips: Sequence[str] | None = None, precision: int = 5,
                 flagged: Sequence[bool] | None = None) -> dict:
    """The compact blob of a layer (see the module docstring); tooltips must be safe HTML.

    Returns ``{"k": 10**precision, "g": kind, "f": [[coordinates, {"s": style, "t": tooltip}], ...]}``
    (``"f": 1`` added to the properties of a ``flagged`` feature):
    a point's coordinates are ``[dx, dy]``, a line's ``[[dx, dy, dx, dy, ...], ...]`` (its parts),
    a polygon's ``[[ring, ...], ...]`` (its parts, each its rings, the exterior first).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown layer kind {kind!r}")
    geoms = np.asarray(geoms, dtype=object)
    scale = 10 ** precision
    coords = _geometry_coords(geoms, kind, scale)
    features = []
    for i, c in enumerate(coords):
        props = {}
        if styles is not None and styles[i]:
            props["s"] = styles[i]
        if tooltips is not None:
            props["t"] = str(tooltips[i])
        if flagged is not None and flagged[i]:
            props["f"] = 1
        features.append([c, props])
    return {"k": scale, "g": kind, "f": features}


def script_json(value) -> str:
    """JSON safe inside a ``<script>`` element: ``< > & '`` written as ``\\u`` escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class DataLayer(Layer):
    """One layer of features drawn from a compact blob (:func:`encode_layer`) by :data:`RUNTIME`.

    ``base_style`` applies to every feature under its own style; ``highlight`` is the style of a
    feature under the pointer; ``cluster`` gathers points into clusters; ``show=False`` starts
    the layer hidden (tick it in the layer control).
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    var {{ this.get_name() }}_data = wb.features(L.geoJson(null),
        JSON.parse(document.getElementById("{{ this.get_name() }}_json").textContent),
        {{ this.base_style|tojson }}, {{ this._parent.get_name() }});
    {% if this.cluster %}var {{ this.get_name() }} = wb.cluster(L.markerClusterGroup({maxClusterRadius: 40}),
        {{ this.get_name() }}_data, {{ this._parent.get_name() }});
    {% else %}var {{ this.get_name() }} = {{ this.get_name() }}_data;{% endif %}
    {% if this.interactive %}wb.interact({{ this.get_name() }}, {{ this.sticky|tojson }},
        {{ this.highlight|tojson }});
    {% else %}{{ this._parent.get_name() }}.on("zoomend moveend overlayadd overlayremove", function () {
        wb.declutter({{ this.get_name() }}, {{ this._parent.get_name() }});
    });{% endif %}
    {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, base_style: dict, highlight: dict | None = None,
                 cluster: bool = False, sticky: bool = True, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.data, self.base_style, self.highlight = data, base_style, highlight
        self.cluster, self.sticky = cluster, sticky
        self.interactive = data.get("g") != "label"

    def render(self, **kwargs):
        root = self.get_root()
        root.header.add_child(Raw(RUNTIME), name="wb_runtime")
        name = self.get_name()
        blob = f'<script type="application/json" id="{name}_json">{script_json(self.data)}</script>'
        root.html.add_child(Raw(blob), name=f"{name}_json")
        super().render(**kwargs)


class Raw(Element):
    """Text put into the page as it is.

    branca compiles the output of every element's macros as a Jinja template of its own
    before rendering it, so data written through a macro is read as template code: a
    community named ``{{ 7*7 }}`` showed as 49 (and any expression would have run). Data
    reach the page only through this element, which Jinja never sees.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text
