"""The coverage map of a small district in headless Chromium at 390 and 1280 px (issue 13 point 4).

The district (tests/test_maps.py ``district``) has its sealed community in the south-west corner,
where the legend sits: the legend must fold on a phone, open on a laptop, and in both cases leave
every focus community (sealed, short, controlled) uncovered; the whole district is in view; the
testing sites start hidden and appear when ticked in the layer control.
"""

import re

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
