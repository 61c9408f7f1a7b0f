"""A map's legend, and the layout that keeps it (and every control) off the data.

- **Folded on phones.** The legend is a ``<details>`` box in the bottom-left corner: open when
  the map is at least :data:`WIDE_PX` wide, folded to its title (a small toggle) below that.
  The reader's own click wins from then on.
- **Never over the data.** Once the frame has its size, the map is fitted to its bounds with a
  margin that keeps every box drawn over it (legend or its toggle, zoom and layer buttons,
  scale, attribution) beside the data rather than on it: for each box, a strip on one side of
  the map is kept free; of all choices, the one that leaves the data drawn largest wins. The
  whole of the bounds is always in view, at 390 px as at 1280 px. A legend too wide to stand
  beside the data (over :data:`MAX_SHARE` of the width) is folded instead.
- **Print.** Colours print (``print-color-adjust: exact``), the legend prints open, zoom and
  layer buttons do not print.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import MacroElement
from jinja2 import Template

from workbench.present.i18n import label
from workbench.present.maps.layers import Raw
from workbench.present.safe_html import escape

#: A map at least this wide (CSS px) shows its legend open; a narrower one folds it.
WIDE_PX = 600
#: A legend wider than this share of the map is folded rather than given a strip of its own.
MAX_SHARE = 0.45
#: Margin (px) between the data and the map's edge or a box over it.
PAD_PX = 10


class Legend(MacroElement):
    """A legend box in the bottom-left corner, content already escaped (see the module docstring)."""

    _template = Template("""
    {% macro header(this, kwargs) %}
    <style>
    #wb-legend { position: absolute; z-index: 1000; bottom: 32px; left: 10px; max-width: min(260px, 75%);
      max-height: 70%; overflow: auto; box-sizing: border-box; background: rgba(255,255,255,.95);
      padding: 4px 8px; border: 1px solid #999; border-radius: 4px; font: 12px sans-serif; line-height: 1.5; }
    #wb-legend > summary { cursor: pointer; font-weight: bold; }
    #wb-legend .wb-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #666;
      margin-right: 4px; vertical-align: middle; }
    @media print {
      * { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
      .leaflet-control-zoom, .leaflet-control-layers { display: none !important; }
      #wb-legend { max-height: none; overflow: visible; }
      #wb-legend::details-content { content-visibility: visible; }
    }
    </style>
    {% endmacro %}
    """)

    def __init__(self, title: str, content: str):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.content = content

    def render(self, **kwargs):
        # the box holds data (names, counts): written as it is, never read as a template (layers.Raw)
        html = f'<details id="wb-legend" open><summary>{self.title}</summary>{self.content}</details>'
        self.get_root().html.add_child(Raw(html), name=f"{self.get_name()}_box")
        super().render(**kwargs)


def add_legend(fmap: folium.Map, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]],
               note: str = "", lang: str = "zh") -> folium.Map:
    """A legend: ``sections`` of (title, [(colour, label), ...]); labels are escaped here."""
    parts = []
    for title, items in sections:
        parts.append(f"<b>{escape(title)}</b><br>")
        parts += [f'<span class="wb-swatch" style="background:{escape(colour)}"></span>'
                  f"{escape(text)}<br>" for colour, text in items]
    if note:
        parts.append(f'<span style="color:#555">{escape(note)}</span>')
    fmap.add_child(Legend(escape(label("legend", lang)), "".join(parts)))
    return fmap


#: The legend again under the map, on a page narrower than :data:`WIDE_PX` (where the box over the
#: map is folded to keep the data in view): a phone reader sees what the colours mean without a tap.
KEY_BELOW_CSS = (".wb-map-key {display: none; font-size: .85em; line-height: 1.5; margin: .2em 0 .6em;}"
                 ".wb-map-key .wb-swatch {display: inline-block; width: 12px; height: 12px;"
                 " border: 1px solid #666; margin-right: 4px; vertical-align: middle;}"
                 f"@media (max-width: {WIDE_PX - 1}px) {{.wb-map-key {{display: block;}}}}"
                 "@media print {.wb-map-key {display: none !important;}}")


def key_below(fmap: folium.Map) -> str:
    """The map's legend as HTML to write under it (shown on narrow pages only), or "" without one."""
    legends = [child for child in fmap._children.values() if isinstance(child, Legend)]
    if not legends:
        return ""
    legend = legends[0]
    return (f'<style>{KEY_BELOW_CSS}</style>'
            f'<div class="wb-map-key"><b>{legend.title}</b><br>{legend.content}</div>')


class Layout(MacroElement):
    """Fit the map to ``bounds`` with the boxes over it kept beside the data (module docstring).

    Runs once the frame has a size (an ``<iframe srcdoc>`` may have none while it is laid
    out), again whenever that size or the boxes over the map change (the legend's text is
    measured again once the page's fonts have loaded), and stops refitting once the reader
    moves the map.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
        var map = {{ this._parent.get_name() }}, bounds = L.latLngBounds({{ this.bounds|tojson }});
        var wide = {{ this.wide|tojson }}, share = {{ this.share|tojson }}, pad = {{ this.pad|tojson }};
        var legend = document.getElementById("wb-legend"), chosen = false, touched = false;
        var fitting = false, last = "", printed = null;
        map.wbBounds = bounds;
        L.control.scale({imperial: false}).addTo(map);
        map.on("movestart zoomstart", function () { if (!fitting) { touched = true; } });
        if (legend) {
            legend.querySelector("summary").addEventListener("click", function () { chosen = true; });
            window.addEventListener("beforeprint", function () {
                printed = legend.open; legend.open = true;
            });
            window.addEventListener("afterprint", function () {
                if (printed !== null) { legend.open = printed; printed = null; }
            });
        }
        function boxes() {  // what is drawn over the map, relative to its container
            var c = map.getContainer().getBoundingClientRect(), out = [];
            var els = [].slice.call(map.getContainer().querySelectorAll(".leaflet-control"));
            if (legend) { els.push(legend); }
            els.forEach(function (el) {
                var r = el.getBoundingClientRect();
                if (r.width > 0 && r.height > 0) {
                    out.push({l: r.left - c.left, t: r.top - c.top,
                              r: r.right - c.left, b: r.bottom - c.top});
                }
            });
            return out;
        }
        function margins(W, H) {  // left, top, right, bottom: each box beside the data, data largest
            var list = boxes(), n = list.length, best = null;
            for (var code = 0; code < Math.pow(4, n); code += 1) {
                var m = [pad, pad, pad, pad];
                for (var i = 0, c = code; i < n; i += 1, c = Math.floor(c / 4)) {
                    var b = list[i], side = c % 4;
                    if (side === 0) { m[0] = Math.max(m[0], b.r + pad); }
                    else if (side === 1) { m[1] = Math.max(m[1], b.b + pad); }
                    else if (side === 2) { m[2] = Math.max(m[2], W - b.l + pad); }
                    else { m[3] = Math.max(m[3], H - b.t + pad); }
                }
                if (m[0] + m[2] >= W - 20 || m[1] + m[3] >= H - 20) { continue; }
                var zoom = map.getBoundsZoom(bounds, false, L.point(m[0] + m[2], m[1] + m[3]));
                var spent = m[0] + m[1] + m[2] + m[3];
                if (!best || zoom > best.zoom || (zoom === best.zoom && spent < best.spent)) {
                    best = {zoom: zoom, m: m, spent: spent};
                }
            }
            return best ? best.m : [pad, pad, pad, pad];
        }
        function layout() {
            var box = map.getContainer(), W = box.clientWidth, H = box.clientHeight;
            if (W === 0 || H === 0 || printed !== null) { return; }
            if (legend && !chosen) {
                legend.open = W >= wide;
                if (legend.open && legend.offsetWidth > share * W) { legend.open = false; }
            }
            var key = W + "x" + H + JSON.stringify(boxes());  // the boxes move when fonts arrive
            if (key === last || touched) { return; }
            last = key;
            map.invalidateSize();
            var m = margins(W, H);
            fitting = true;
            map.fitBounds(bounds, {paddingTopLeft: [m[0], m[1]], paddingBottomRight: [m[2], m[3]],
                                   animate: false});
            fitting = false;
        }
        layout();
        window.addEventListener("load", layout);
        if (document.fonts && document.fonts.ready) { document.fonts.ready.then(layout); }
        if (window.ResizeObserver) {
            var watch = new ResizeObserver(layout);
            watch.observe(map.getContainer());
            if (legend) { watch.observe(legend); }
        }
    })();
    {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "Layout"
        self.bounds = bounds
        self.wide, self.share, self.pad = WIDE_PX, MAX_SHARE, PAD_PX
