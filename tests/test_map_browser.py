"""The coverage map of a small district in headless Chromium at 390 and 1280 px (issue 13 point 4).

The district (tests/test_maps.py ``district``) has its sealed community in the south-west corner,
where the legend sits: the legend must fold on a phone, open on a laptop, and in both cases leave
every focus community (sealed, short, controlled) uncovered; the whole district is in view; the
testing sites start hidden and appear when ticked in the layer control.

A crowded point map (``crowded_map``) at both widths, fitted and zoomed: every flagged marker is
drawn (none clustered away), on top of every other marker and cluster, and no label's box covers
its centre.
"""

import re

import numpy as np
import pytest
from test_browser import open_offline
from test_maps import FOCUS, district

from workbench.present.maps import base
from workbench.present.maps.coverage import coverage_map

pytestmark = pytest.mark.browser

MAP = "window[Object.keys(window).find(k => k.startsWith('map_'))]"
STATE = f"""(focus) => {{
    const map = {MAP}, box = map.getContainer().getBoundingClientRect();
    const legend = document.getElementById('wb-legend').getBoundingClientRect();
    const rect = (b) => {{
        const a = map.latLngToContainerPoint([b[1], b[0]]), c = map.latLngToContainerPoint([b[3], b[2]]);
        return {{l: box.left + Math.min(a.x, c.x), r: box.left + Math.max(a.x, c.x),
                 t: box.top + Math.min(a.y, c.y), b: box.top + Math.max(a.y, c.y)}};
    }};
    let circles = 0;
    map.eachLayer(l => {{ if (l instanceof L.CircleMarker) circles += 1; }});
    return {{open: document.getElementById('wb-legend').open, width: box.width,
             legend: {{l: legend.left, r: legend.right, t: legend.top, b: legend.bottom}},
             focus: focus.map(rect), circles: circles}};
}}"""
CONTAINS = f"""(b) => {MAP}.getBounds().contains(L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]))"""


def overlap(a, b) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    areas, result, sites = district()
    frame = base.embed(coverage_map(result, areas, sites)).data
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width,initial-scale=1"></head>'
                    f'<body style="margin:0;padding:8px">{frame}</body></html>', "utf-8")
    communities = areas[areas["level"] == "community"].set_index("area_id")
    focus = [list(communities.loc[a, "geometry"].bounds) for a in FOCUS]
    return path, focus, list(communities.total_bounds)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_legend_leaves_the_focus_visible_and_the_district_fits(browser, page_file, width):
    path, focus, district_bounds = page_file
    page, requests, errors = open_offline(browser, path, width=width)
    assert requests == [] and errors == []
    (frame,) = [f for f in page.frames if f != page.main_frame]
    frame.wait_for_function(f"() => {MAP} && {MAP}.getZoom() >= 8", timeout=10_000)
    state = frame.evaluate(STATE, focus)
    assert state["open"] is (width >= 600), state  # folded on the phone, open on the laptop
    for area, box in zip(FOCUS, state["focus"], strict=True):
        assert not overlap(state["legend"], box), f"the legend covers {area} at {width} px: {state}"
    assert frame.evaluate(CONTAINS, district_bounds), f"the district is cut at {width} px"
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_sites_start_hidden_and_show_when_ticked(browser, page_file, width):
    path, focus, _ = page_file
    page, _, errors = open_offline(browser, path, width=width)
    (frame,) = [f for f in page.frames if f != page.main_frame]
    frame.wait_for_function(f"() => {MAP} && {MAP}.getZoom() >= 8", timeout=10_000)
    assert frame.evaluate(STATE, focus)["circles"] == 1  # the silent site only
    frame.locator(".leaflet-control-layers").hover()  # the collapsed control opens under the pointer
    frame.locator(".leaflet-control-layers-overlays label", has_text=re.compile(r"^\s*采样点\s*$")).click()
    assert frame.evaluate(STATE, focus)["circles"] == 6
    assert errors == []
    page.close()


# A crowded point map: 400 ordinary points (clustered) and 30 flagged ones with long labels, in
# label order: one alone, five on the map's corners and edges (the legend's corner among them),
# then 24 packed in a 6 × 4 grid a few pixels apart. Centred on their markers (as labels once
# were), the labels would cover every flagged marker they name.
FLAGGED_NAMES = [f"<i>需处置场所{i:02d}</i>号" for i in range(30)]


def crowded_map():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(109.80, 109.90, 400), rng.uniform(40.60, 40.66, 400)
    grid = [(109.84 + 0.0012 * (i % 6), 40.63 + 0.0012 * (i // 6)) for i in range(24)]
    alone = [(109.82, 40.645)]
    edges = [(109.80, 40.60), (109.90, 40.66), (109.80, 40.66), (109.90, 40.60), (109.85, 40.60)]
    flon, flat = (np.array(c) for c in zip(*(alone + edges + grid), strict=True))
    fmap = base.new_map((109.80, 40.60, 109.90, 40.66))
    base.add_points(fmap, lon, lat, ["ok"] * 400, "ordinary", radius=6, colour="#1a9850", cluster=True)
    base.add_points(fmap, np.r_[flon, 109.87], np.r_[flat, 40.62], ["flagged"] * 31, "flagged",
                    radius=7, colour="#d73027", flagged=[True] * 30 + [False])  # and one ordinary
    base.add_labels(fmap, flon, flat, FLAGGED_NAMES)
    base.add_legend(fmap, [("状态", [("#d73027", "需处置"), ("#1a9850", "正常")])], note="坐标：WGS-84")
    return base.finish(fmap)


#: Each flagged marker drawn: its centre, what is on top there, whether a shown label's box covers it.
FLAGGED = f"""() => {{
    const map = {MAP}, box = map.getContainer().getBoundingClientRect();
    const labels = [...document.querySelectorAll('.wb-label')]
        .filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.getBoundingClientRect());
    const markers = wb.flagged.filter(m => m._map).map(m => {{
        const p = map.latLngToContainerPoint(m.getLatLng()), x = box.left + p.x, y = box.top + p.y;
        const top = document.elementFromPoint(x, y);
        const inView = p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
        const covered = labels.filter(l => x >= l.left && x <= l.right && y >= l.top && y <= l.bottom);
        return {{x, y, r: m.getRadius(), inView, covered: covered.length,
                 onTop: !!top && !!top.closest('.leaflet-wbFlag-pane')}};
    }});
    const overlaps = labels.filter((a, i) => labels.some((b, j) => j > i && a.left < b.right &&
        b.left < a.right && a.top < b.bottom && b.top < a.bottom)).length;
    return {{markers, labels: labels.length, overlaps, total: wb.flagged.length}};
}}"""


@pytest.fixture(scope="module")
def crowded_file(tmp_path_factory):
    frame = base.embed(crowded_map()).data
    path = tmp_path_factory.mktemp("crowded") / "map.html"
    path.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width,initial-scale=1"></head>'
                    f'<body style="margin:0;padding:8px">{frame}</body></html>', "utf-8")
    return path


@pytest.mark.parametrize("width", [390, 1280])
def test_no_label_covers_a_flagged_marker_and_flagged_markers_are_on_top(browser, crowded_file, width):
    page, requests, errors = open_offline(browser, crowded_file, width=width)
    assert requests == [] and errors == []
    (frame,) = [f for f in page.frames if f != page.main_frame]
    frame.wait_for_function(f"() => {MAP} && {MAP}.getZoom() >= 8", timeout=10_000)
    for step, then in (("fitted", 1), ("zoomed in", -2), ("zoomed out", 0)):
        frame.wait_for_timeout(300)
        state = frame.evaluate(FLAGGED)
        assert state["total"] == 30 and len(state["markers"]) == 30, state  # none clustered away
        for marker in state["markers"]:
            where = f"({step}, {width} px): {marker}"
            assert marker["covered"] == 0, f"a label covers a flagged marker {where}"
            if marker["inView"]:  # above the ordinary points and the clusters
                assert marker["onTop"], f"a flagged marker is drawn under another {where}"
        assert state["overlaps"] == 0 and (state["labels"] >= 5 or step != "fitted"), state
        frame.evaluate(f"() => {{ {MAP}.setZoom({MAP}.getZoom() + {then}, {{animate: false}}); }}")
    assert errors == []
    page.close()
