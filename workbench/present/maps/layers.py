"""A map layer's data, written compactly, and the one small script that draws every layer.

A layer's features are written once, as JSON in a ``<script type="application/json">`` block
(parsed with ``JSON.parse``, much faster than a script literal of the same size), holding for
each feature only its geometry, its style (``s``) and its tooltip (``t``, HTML built from
escaped values). Coordinates are integers: degrees × 10^precision (5 decimals ≈ 1 m),
each the difference from the layer's previous coordinate, so most are two or three digits.

The script (:data:`RUNTIME`) builds Leaflet layers straight from those integers into one
group per layer: one tooltip and one highlight handler for the whole group (not one per
feature), clustered when asked; a label layer holds permanent labels, those that would
overlap an earlier one hidden at each view. A layer may start hidden (``show=False``): it is
listed, unticked, in the layer control and drawn only when ticked.
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
.wb-label { background: rgba(255,255,255,.85); border: 0; box-shadow: none; padding: 0 3px;
  font: bold 11px sans-serif; color: #222; white-space: nowrap; }
.wb-label::before { display: none; }
</style>
<script>
window.wb = window.wb || {};
/* Leaflet layers of a compact layer blob (see workbench/present/maps/layers.py) into group. */
wb.features = function (group, d, base) {
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
            layer = kind === "point" ? L.circleMarker(at, style) :
                L.tooltip({permanent: true, direction: "center", className: "wb-label", interactive: false})
                    .setLatLng(at).setContent(p.t);
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
/* Hide labels that would overlap a label drawn before them (the list is in priority order). */
wb.declutter = function (group) {
    var kept = [];
    group.eachLayer(function (label) {
        var el = label.getElement && label.getElement();
        if (!el) { return; }
        el.style.visibility = "";
        var r = el.getBoundingClientRect();
        var clash = kept.some(function (o) {
            return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
        });
        if (clash) { el.style.visibility = "hidden"; } else { kept.push(r); }
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
                 tooltips: Sequence[str] | None = None, precision: int = 5) -> dict:
    """The compact blob of a layer (see the module docstring); tooltips must be safe HTML.

    Returns ``{"k": 10**precision, "g": kind, "f": [[coordinates, {"s": style, "t": tooltip}], ...]}``:
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
        {{ this.base_style|tojson }});
    {% if this.cluster %}var {{ this.get_name() }} = L.markerClusterGroup({maxClusterRadius: 40})
        .addLayers({{ this.get_name() }}_data.getLayers());
    {% else %}var {{ this.get_name() }} = {{ this.get_name() }}_data;{% endif %}
    {% if this.interactive %}wb.interact({{ this.get_name() }}, {{ this.sticky|tojson }},
        {{ this.highlight|tojson }});
    {% else %}{{ this._parent.get_name() }}.on("zoomend moveend overlayadd", function () {
        wb.declutter({{ this.get_name() }});
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
