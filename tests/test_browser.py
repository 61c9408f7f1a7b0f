"""Reports in a real headless Chromium: offline, drawn, phone-sized, and inert to hostile data."""

import csv
import json
import shutil

import pytest
from conftest import SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCAL = ("file:", "data:", "about:", "blob:")
MAPLESS = ("index.html", "daily_brief", "data_quality", "projects")  # pages of figures and tables only
FIND_MAP = "window[Object.keys(window).find(k => k.startsWith('map_'))]"
# true once the frame's map exists and is fitted to its data (not before its script has run)
FITTED = """() => {
    const key = Object.keys(window).find(k => k.startsWith('map_'));
    return Boolean(key && window[key].getZoom && window[key].getZoom() >= 8);
}"""
COUNT_FEATURES = f"""() => {{
    const map = {FIND_MAP};
    let n = 0;
    map.eachLayer(layer => {{ if (layer instanceof L.Path) n += 1; }});
    return n;
}}"""


def open_offline(browser, path, width=1200):
    """Open ``path`` with every non-local request aborted; return (page, requests, errors)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests, errors = [], []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    return page, requests, errors


def map_frames(page):
    return [f for f in page.frames if f != page.main_frame]


def test_every_report_and_the_index_load_nothing_and_draw_their_maps(browser, sample_batch):
    reports, _, _ = sample_batch
    pages = sorted(reports.rglob("*.html"))
    assert len(pages) >= 2
    for path in pages:
        page, requests, errors = open_offline(browser, path)
        assert requests == [], f"{path.name} requested {requests[:3]}"
        assert errors == [], f"{path.name}: {errors[:3]}"
        frames = map_frames(page)
        if not path.name.startswith(MAPLESS):
            assert frames, f"{path.name} has no map"
            for frame in frames:
                assert frame.evaluate(COUNT_FEATURES) > 10, f"{path.name}: map features not drawn"
        page.close()


def test_reports_fit_a_phone(browser, sample_batch, tmp_path):
    reports, _, _ = sample_batch
    for path in sorted(reports.rglob("*.html")):
        page, _, _ = open_offline(browser, path, width=390)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path.name} scrolls sideways"
        for frame in map_frames(page):  # the map fits itself once its frame is laid out
            frame.wait_for_function(FITTED, timeout=10_000)
        shot = tmp_path / f"{path.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        page.close()


PAYLOADS = [
    '<img src=x onerror="window.pwned=1">',
    "</script><script>window.pwned=1</script>",
    "${window.pwned=1}`${window.pwned=1}`",
    "javascript:window.pwned=1",
]


def hostile_pack(tmp_path):
    """A copy of the sample pack whose community and testing-site names carry script payloads."""
    pack = tmp_path / "hostile"
    shutil.copytree(SAMPLE, pack)
    areas = json.loads((pack / "areas.geojson").read_text("utf-8"))
    communities = [f for f in areas["features"] if f["properties"]["level"] == "community"]
    for feature, payload in zip(communities, PAYLOADS, strict=False):
        feature["properties"]["name"] = payload
    (pack / "areas.geojson").write_text(json.dumps(areas, ensure_ascii=False), "utf-8")
    sites_file = pack / "核酸采样点.csv"
    with sites_file.open(encoding="gb18030", newline="") as f:
        rows = list(csv.reader(f))
    for row, payload in zip(rows[1:], PAYLOADS, strict=False):
        row[1] = payload
    with sites_file.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(rows)
    return pack


def test_hostile_names_stay_text(browser, tmp_path):
    from workbench.runner.report import run_report

    result = run_report("testing_coverage", pack=hostile_pack(tmp_path), reports_dir=tmp_path / "reports",
                        runs_dir=tmp_path / "runs")
    assert result.ok, result.error
    html = result.html_path.read_text("utf-8")
    assert 'href="javascript:' not in html
    page, requests, errors = open_offline(browser, result.html_path)
    assert errors == [] and requests == []
    (frame,) = map_frames(page)
    # layers that start hidden (the testing sites) are ticked on, as a reader would
    frame.evaluate("() => document.querySelectorAll('.leaflet-control-layers-overlays input:not(:checked)')"
                   ".forEach(input => input.click())")
    shown = frame.evaluate(f"""() => {{
        const map = {FIND_MAP};
        const texts = [];
        map.eachLayer(layer => {{
            const tip = layer.getTooltip && layer.getTooltip();
            if (!tip) {{ return; }}
            const sources = [];
            if (layer.eachLayer) {{ layer.eachLayer(child => sources.push(child)); }}
            else {{ sources.push(layer); }}
            for (const source of sources) {{
                // a GeoJSON layer's tooltip opens through its child's bubbling mouseover, as on hover
                const at = source.getCenter ? source.getCenter() : source.getLatLng();
                source.fire('mouseover', {{latlng: at}}, true);
                source.fire('click', {{latlng: at}}, true);
                const element = tip.getElement();
                if (element && layer.isTooltipOpen()) {{ texts.push(element.textContent); }}
                source.fire('mouseout', {{latlng: at}}, true);
            }}
        }});
        return texts;
    }}""")
    assert len(shown) > 200  # every community and every site was hovered
    assert frame.evaluate("window.pwned") is None
    assert page.evaluate("window.pwned") is None
    for payload in PAYLOADS:
        shown_in = sum(payload in t for t in shown)
        assert shown_in >= 2, f"{payload!r} not shown as text in area and site tooltips"
    page_text = page.inner_text("body")
    assert "<img src=x" in page_text or "</script>" in page_text  # tables show it as text
