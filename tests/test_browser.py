"""Reports in a real headless Chromium: offline, drawn, phone-sized, and inert to hostile data."""

import csv
import json
import shutil
from pathlib import Path

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


def open_offline(browser, path, width=1200, height=900):
    """Open ``path`` with every non-local request aborted; return (page, requests, errors)."""
    page = browser.new_page(viewport={"width": width, "height": height})
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


#: The two widths every page is checked at: a phone's first screen (390 × 844) and a laptop's.
SCREENS = {390: 844, 1280: 800}
#: Each visible table: its box, whether it fits or shows its scroll cue, where its headers are.
TABLES = """() => [...document.querySelectorAll('table.wb-table')]
    .filter(t => t.offsetParent !== null).map(t => {
    const box = t.closest('.wb-scroll') || t.parentElement, at = box.getBoundingClientRect();
    return {
        fits: box.scrollWidth <= box.clientWidth + 1, cue: box.classList.contains('wb-overflow'),
        hint: getComputedStyle(box, '::before').content,
        left: Math.max(at.left, 0), right: Math.min(at.left + box.clientWidth, window.innerWidth),
        heads: [...t.tHead.rows[0].cells].map(th => {
            const r = th.getBoundingClientRect();
            return {text: th.innerText.trim(), key: th.classList.contains('wb-key'),
                    left: r.left, right: r.right};
        }),
    };
})"""
#: The text a reader sees, one line per text node: rendered (not in a closed fold), not code.
SHOWN_TEXT = """() => {
    const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, element = node.parentElement;
        if (!node.textContent.trim() || element.closest('code, script, style')) { continue; }
        if (element.checkVisibility && !element.checkVisibility()) { continue; }
        out.push(node.textContent.replace(/\\s+/g, ' '));
    }
    return out.join('\\n');
}"""
FIRST_SCREEN = """() => {
    const items = document.querySelectorAll('ol.wb-actions li');
    const meta = document.querySelector('.wb-meta span:nth-child(3)');  // generation time: further down
    const box = i => items[i].getBoundingClientRect();
    const card = document.querySelector('.wb-cards .wb-card');  // a report's first headline figure
    return {items: items.length, first: items.length ? box(0).bottom : 1e9,
            last: items.length ? box(items.length - 1).bottom : 0,
            meta: meta ? meta.getBoundingClientRect().top : 1e9,
            card: card ? card.getBoundingClientRect().bottom : null};
}"""


def measure_pages(browser, reports: Path, shots: Path) -> dict:
    """Every page under ``reports`` opened once at each of :data:`SCREENS`, and what it showed.

    ``{width: {page path: {lang, text, requests, errors, scroll_width, tables, first_screen,
    maps: [features drawn], fitted: [maps fitted], screenshot (390 only)}}}``; the session
    fixture ``rendered_pages`` (conftest) holds it for this module, ``test_phone_pages`` and
    ``test_language``, so that a page is opened twice in a session, not once per check.
    """
    seen = {}
    for width, height in SCREENS.items():
        seen[width] = {}
        for path in sorted(reports.rglob("*.html")):
            page, requests, errors = open_offline(browser, path, width=width, height=height)
            frames = map_frames(page)
            fitted = []
            for frame in frames:  # the map fits itself once its frame is laid out
                # as a reader comes to it: Chromium throttles a sandboxed (cross-origin) frame
                # out of view, so a map below the first screen may fit only once scrolled to
                frame.frame_element().scroll_into_view_if_needed()
                try:
                    frame.wait_for_function(FITTED, timeout=10_000)
                    fitted.append(True)
                except Exception:
                    fitted.append(False)
            page.evaluate("window.scrollTo(0, 0)")  # the first screen is measured from the top
            lang = page.evaluate("document.documentElement.lang") or ""
            record = {
                "lang": "en" if lang.startswith("en") else "zh",
                "text": "\n".join([page.evaluate(SHOWN_TEXT)] + [f.evaluate(SHOWN_TEXT) for f in frames]),
                "requests": requests, "errors": errors, "fitted": fitted,
                "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                "tables": page.evaluate(TABLES), "first_screen": page.evaluate(FIRST_SCREEN),
                "maps": [f.evaluate(COUNT_FEATURES) for f in frames],
            }
            if width == 390:
                record["screenshot"] = shots / f"{path.stem}.png"
                page.screenshot(path=str(record["screenshot"]), full_page=True)
            seen[width][str(path.relative_to(reports))] = record
            page.close()
    return seen


def test_every_report_and_the_index_load_nothing_and_draw_their_maps(rendered_pages):
    pages = rendered_pages[1280]
    assert len(pages) >= 2
    for name, seen in pages.items():
        assert seen["requests"] == [], f"{name} requested {seen['requests'][:3]}"
        assert seen["errors"] == [], f"{name}: {seen['errors'][:3]}"
        if not Path(name).name.startswith(MAPLESS):
            assert seen["maps"], f"{name} has no map"
            assert all(n > 10 for n in seen["maps"]), f"{name}: map features not drawn"


def test_reports_fit_a_phone(rendered_pages):
    for name, seen in rendered_pages[390].items():
        assert seen["requests"] == [] and seen["errors"] == [], (name, seen["requests"], seen["errors"])
        assert seen["scroll_width"] <= 390, f"{name} scrolls sideways"
        assert all(seen["fitted"]), f"{name}: a map did not fit itself to its data"
        assert seen["screenshot"].stat().st_size > 20_000


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
