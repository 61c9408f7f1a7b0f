"""Benchmark: choropleth size and draw time, workbench maps vs plain folium, same run.

Builds choropleths of 150, 1,500 and 15,000 polygons (a Voronoi tessellation of the synthetic
city region, which has the shared borders real communities have) with a tooltip per polygon,
two ways:

- **workbench**: ``workbench.present.maps.base`` (coverage simplification in metres, coordinates
  rounded to ~1 m, style and escaped tooltip as the only properties, Leaflet inlined);
- **folium**: ``folium.GeoJson`` with ``style_function`` and ``GeoJsonTooltip`` as folium's
  documentation shows, assets from CDNs (here served from the local Leaflet copy so that the
  page can draw at all; their size is not counted).

and prints the HTML size and the time headless Chromium takes from navigation to the first
frame after every layer is drawn. Budgets (issue 3): 1,500 polygons ≤ 1.2 MB including
inlined assets and ≤ 1.2 s; 15,000 polygons ≤ 6 MB and ≤ 2.5 s.

    python bench/maps.py [--sizes 150 1500 15000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import box

from workbench.intake import geo
from workbench.present.maps import base

REGION = (109.60, 40.50, 110.10, 40.72)  # the city-scale sample's box (WGS-84 here)
COLOURS = ("#a50026", "#d73027", "#fc8d59", "#1a9850")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def tessellation(count: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``count`` polygons tiling the region, borders densified every 25 m like surveyed ones."""
    rng = np.random.default_rng(seed)
    region = gpd.GeoSeries([box(*REGION)], crs=4326).to_crs(geo.METRIC_CRS).iloc[0]
    minx, miny, maxx, maxy = region.bounds
    seeds = shapely.points(rng.uniform(minx, maxx, count), rng.uniform(miny, maxy, count))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=region))
    cells = shapely.segmentize(shapely.intersection(cells, region), 25)
    frame = gpd.GeoDataFrame({"name": [f"社区{i:05d}" for i in range(len(cells))],
                              "coverage": rng.uniform(0.8, 1.0, len(cells)).round(4)},
                             geometry=cells, crs=geo.METRIC_CRS)
    return frame.to_crs(4326)


def colour_of(coverage: float) -> str:
    return COLOURS[min(int((coverage - 0.8) / 0.05), 3)]


def workbench_page(frame: gpd.GeoDataFrame) -> str:
    fmap = base.new_map(frame.total_bounds)
    tips = [f"<b>{base.escape(n)}</b><br>{c:.1%}"
            for n, c in zip(frame["name"], frame["coverage"], strict=True)]
    base.add_polygons(fmap, frame, [colour_of(c) for c in frame["coverage"]], tips, "coverage", simplify_m=15)
    return base.finish(fmap).get_root().render()


def folium_page(frame: gpd.GeoDataFrame) -> str:
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(tiles=None)
    folium.GeoJson(
        frame, name="coverage",
        style_function=lambda f: {"fillColor": colour_of(f["properties"]["coverage"]), "color": "#555",
                                  "weight": 0.8, "fillOpacity": 0.7},
        tooltip=folium.GeoJsonTooltip(fields=["name", "coverage"]),
    ).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap.get_root().render()


def serve_cdn_locally(page):
    """Answer folium's CDN requests for Leaflet from the installed copy; refuse the rest."""
    data = resources.files("xstatic.pkg.leaflet").joinpath("data")

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        elif url.endswith("leaflet.js"):
            request_route.fulfill(body=data.joinpath("leaflet.js").read_bytes(),
                                  content_type="text/javascript")
        elif url.endswith("leaflet.css"):
            request_route.fulfill(body=data.joinpath("leaflet.css").read_bytes(), content_type="text/css")
        else:
            request_route.abort()

    page.route("**/*", route)


DRAWN = """() => new Promise(done => {
    const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
    let n = 0; map.eachLayer(l => { if (l instanceof L.Path) n += 1; });
    requestAnimationFrame(() => requestAnimationFrame(() => done(n)));
})"""


def draw_seconds(browser, path: Path, local_cdn: bool) -> tuple[float, int]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    if local_cdn:
        serve_cdn_locally(page)
    began = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    features = page.evaluate(DRAWN)
    seconds = time.perf_counter() - began
    page.close()
    return seconds, features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1500, 15000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    budgets = {1500: (1.2, 1.2), 15000: (6.0, 2.5)}
    print(f"{'polygons':>9} {'method':<10} {'build s':>8} {'HTML MB':>8} {'draw s':>7} {'drawn':>6}  budget")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size in args.sizes:
            frame = tessellation(size)
            for method, build, local_cdn in (("workbench", workbench_page, False),
                                             ("folium", folium_page, True)):
                began = time.perf_counter()
                html = build(frame)
                built = time.perf_counter() - began
                path = Path(tmp) / f"{method}_{size}.html"
                path.write_text(html, "utf-8")
                runs = [draw_seconds(browser, path, local_cdn) for _ in range(args.repeat)]
                seconds = statistics.median(r[0] for r in runs)
                megabytes = path.stat().st_size / 1e6
                verdict = ""
                if method == "workbench" and size in budgets:
                    max_mb, max_s = budgets[size]
                    ok = megabytes <= max_mb and seconds <= max_s
                    verdict = f"{'ok' if ok else 'OVER'} (≤ {max_mb} MB, ≤ {max_s} s)"
                print(f"{size:>9} {method:<10} {built:>8.2f} {megabytes:>8.2f} {seconds:>7.2f} "
                      f"{runs[0][1]:>6}  {verdict}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
