"""The inspections map: places coloured by status, the many good ones clustered when dense.

Places that need attention (overdue, open, not visited in the window) are drawn last, on
top, and never clustered, so none hides in a cluster (overdue and open ones are flagged markers,
labelled beside them); passed and rectified places are
clustered when the map holds more than ``cluster_above`` places. Each status is its own
layer, switchable in the layer control.
"""

from __future__ import annotations

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from workbench.domains.inspections import STATUS_TONES, InspectionResult
from workbench.present.i18n import label
from workbench.present.maps import base
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.present.views.inspections import kind_label, redact, status_label

#: Drawing order: the good statuses first (below), the urgent ones last (on top).
DRAW_ORDER = ("passed", "rectified", "not_visited", "open", "overdue")
CLUSTERED = ("passed", "rectified")
#: The statuses that need action: flagged markers (above every other, never clustered), labelled.
FLAGGED = ("overdue", "open")
RADIUS = {"overdue": 8.0, "open": 7.0, "not_visited": 6.5, "rectified": 5.5, "passed": 5.0}
CLUSTER_ABOVE = 60
MAX_ZOOM = 18


def status_colour(status: str) -> str:
    """Fill colour of a place status (the palette colour of its tone)."""
    return STATUS_COLOURS[STATUS_TONES[status]]


class _ClusterIcons(MacroElement):
    """Draw the clusters of a clustered :class:`~.base.DataLayer` as discs of one colour.

    Leaflet.markercluster's default bubbles are green, yellow or orange by size, which would read
    as statuses on this map; here a cluster takes the colour of the status it gathers.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    {{ this.layer.get_name() }}.options.iconCreateFunction = function (cluster) {
        var n = cluster.getChildCount(), size = n < 10 ? 26 : n < 100 ? 32 : 38;
        return L.divIcon({
            html: '<div style="width:' + size + 'px;height:' + size + 'px;line-height:' + (size - 6) + 'px;' +
                  'border-radius:50%;background:{{ this.colour }};opacity:.85;box-sizing:border-box;' +
                  'border:3px solid rgba(255,255,255,.85);color:#fff;font:bold 12px sans-serif;' +
                  'text-align:center">' + n + '</div>',
            className: 'wb-cluster', iconSize: L.point(size, size)
        });
    };
    if ({{ this.layer.get_name() }}._map) { {{ this.layer.get_name() }}.refreshClusters(); }  // else drawn so
    {% endmacro %}
    """)

    def __init__(self, layer, colour: str):
        super().__init__()
        self._name = "ClusterIcons"
        self.layer = layer
        self.colour = escape(colour)


def tint_last_cluster(fmap: folium.Map, colour: str) -> folium.Map:
    """Colour the clusters of the clustered layer last added to ``fmap`` (a palette colour)."""
    layer = list(fmap._children.values())[-1]
    if getattr(layer, "cluster", False):
        fmap.add_child(_ClusterIcons(layer, colour))
    return fmap


def place_tooltip(row, lang: str = "zh") -> str:
    """Tooltip of one place (a row of ``InspectionResult.places``): every value escaped."""
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['place_id'])})",
             escape(kind_label(row["kind"], lang)),
             f'<b style="color:{status_colour(row["status"])}">'
             f'{escape(status_label(row["status"], lang))}</b>']
    if pd.isna(row["last_visit"]):
        lines.append(escape(label("insp_never", lang)))
    else:
        failed = row["last_passed"] is not pd.NA and not bool(row["last_passed"])
        result = label("insp_failed" if failed else "insp_passed", lang)
        lines.append(escape(label("insp_tip_last_visit", lang, date=f"{row['last_visit']:%Y-%m-%d}",
                                  team=row["last_team"], result=result)))
        if failed and not row["last_open"]:  # failed, since fixed
            lines.append(escape(label("insp_tip_finding", lang, finding=redact(row["last_finding"]))))
    if row["open_findings"] > 0:  # the oldest finding still open, whichever visit it came from
        lines.append(escape(label("insp_tip_open", lang, finding=redact(row["oldest_open_finding"]),
                                  age=row["oldest_open_age"])))
    return "<br>".join(lines)


def inspections_map(result: InspectionResult, options: base.MapOptions | None = None,
                    cluster_above: int = CLUSTER_ABOVE):
    """The map of the places of an :class:`~workbench.domains.inspections.InspectionResult` by status.

    Parameters
    ----------
    options : MapOptions, optional
        Context layer, basemap, language and datum (:class:`~workbench.present.maps.base.MapOptions`).
    cluster_above : int
        Cluster passed and rectified places when more places than this are shown.

    Returns
    -------
    folium.Map or None
        None when no place in scope has coordinates.
    """
    options = options or base.MapOptions()
    lang = options.lang
    places = result.places.dropna(subset=["lon", "lat"])
    if places.empty:
        return None
    pad = 0.005
    bounds = [places["lon"].min() - pad, places["lat"].min() - pad,
              places["lon"].max() + pad, places["lat"].max() + pad]
    fmap = options.new_map(bounds)
    dense = len(places) > cluster_above
    if dense:  # Leaflet.markercluster needs a maxZoom, which a map without tiles lacks
        fmap.options.setdefault("max_zoom", MAX_ZOOM)  # new_map sets it too
    counts = places["status"].value_counts()
    for status in DRAW_ORDER:
        rows = places[places["status"] == status]
        if rows.empty:
            continue
        tips = [place_tooltip(r, lang) for _, r in rows.iterrows()]
        base.add_points(fmap, rows["lon"], rows["lat"], tips,
                        name=f"{status_label(status, lang)} ({len(rows)})", radius=RADIUS[status],
                        colour=status_colour(status),
                        outline="#000" if status == "not_visited" else "#fff",
                        cluster=dense and status in CLUSTERED, flagged=status in FLAGGED)
        tint_last_cluster(fmap, status_colour(status))
    urgent = places[places["status"].isin(FLAGGED)]
    urgent = urgent.assign(rank=(urgent["status"] == "open").astype(int)).sort_values(["rank", "place_id"])
    base.add_labels(fmap, urgent["lon"], urgent["lat"], urgent["name"], lang)
    items = [(status_colour(s), f"{status_label(s, lang)} ({int(counts.get(s, 0))})")
             for s in reversed(DRAW_ORDER)]
    note = options.datum_note(fmap)
    if dense:
        note = label("insp_map_cluster_note", lang) + ("。" if lang == "zh" else ". ") + note
    base.add_legend(fmap, [(label("insp_legend_status", lang), items)], note=note, lang=lang)
    return base.finish(fmap)
