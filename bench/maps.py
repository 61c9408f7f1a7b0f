"""Benchmark: the coverage map at city and megacity size, now against a baseline revision, same run.

Builds the report's own coverage map (``workbench.present.maps.coverage.coverage_map``: the
community choropleth, sealed and controlled outlines, testing sites, labels, legend) over
150, 1,500 and 15,000 communities — a Voronoi tessellation of the city sample's region, with
the shared borders real communities have, borders densified every 25 m like surveyed ones —
and a synthetic round (coverage 85–100 %, so about a third of the communities are short;
up to 40 sealed and 120 controlled; a site per 15 communities, some silent).

Each map is built twice: by this checkout's ``workbench`` and by the ``workbench`` of a
baseline revision (``--baseline``, default: the last commit before the megacity map work),
exported with ``git archive`` and run in a subprocess, so both are measured in one run on
the same machine. Printed per size: build time (Python), HTML size, and the time headless
Chromium takes from navigation to the second frame after every layer is drawn (median of
``--repeat`` runs, baseline and current alternating), then the ratios current ÷ baseline.
Budgets (issues 3 and 15): 1,500 communities ≤ 1.2 MB and ≤ 1.2 s; 15,000 ≤ 6 MB and ≤ 2.5 s.
``--folium`` adds a plain ``folium.GeoJson`` choropleth of the same polygons for reference.

    python bench/maps.py [--sizes 150 1500 15000] [--repeat 3] [--baseline REV] [--folium]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before the megacity map work (issue 15 point 5): the "before" of the ratios.
BASELINE = "b954148"
REGION = (109.60, 40.50, 110.10, 40.72)  # the city-scale sample's box (WGS-84 here)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGETS = {1500: (1.2, 1.2), 15000: (6.0, 2.5)}  # communities: (MB, s)


# ------------------------------------------------------------------ the synthetic city


def tessellation(count: int, seed: int = 7):
    """``count`` community polygons tiling the region (GeoDataFrame, WGS-84), borders every 25 m."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import box

    from workbench.intake import geo

    rng = np.random.default_rng(seed)
    region = gpd.GeoSeries([box(*REGION)], crs=4326).to_crs(geo.METRIC_CRS).iloc[0]
    minx, miny, maxx, maxy = region.bounds
    seeds = shapely.points(rng.uniform(minx, maxx, count), rng.uniform(miny, maxy, count))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=region))
    cells = shapely.segmentize(shapely.intersection(cells, region), 25)
    cells = cells[~shapely.is_empty(cells)]
    return gpd.GeoDataFrame(geometry=cells, crs=geo.METRIC_CRS).to_crs(4326)


def city(count: int, seed: int = 7):
    """Areas, a coverage result and testing sites of a synthetic round over ``count`` communities."""
    import geopandas as gpd

    from workbench.domains import coverage

    rng = np.random.default_rng(seed)
    cells = tessellation(count, seed)
    n = len(cells)
    streets = max(n // 150, 1)
    ids = [f"C{i:05d}" for i in range(n)]
    order = np.argsort(cells.geometry.representative_point().x.to_numpy())  # streets: west to east bands
    parent = np.empty(n, dtype=object)
    parent[order] = [f"S{i * streets // n:03d}" for i in range(n)]
    population = rng.integers(800, 3000, n)
    communities = gpd.GeoDataFrame({"area_id": ids, "name": [f"社区{i:05d}<b>" for i in range(n)],
                                    "level": "community", "parent_id": parent, "population": population},
                                   geometry=cells.geometry.to_numpy(), crs=4326)
    street_rows = gpd.GeoDataFrame({"area_id": [f"S{i:03d}" for i in range(streets)],
                                    "name": [f"街道{i:03d}" for i in range(streets)], "level": "street",
                                    "parent_id": "D", "population": 0},
                                   geometry=[None] * streets, crs=4326)
    areas = pd.concat([street_rows, communities], ignore_index=True)
    tested = pd.DataFrame({"area_id": ids, "tested": np.floor(population * rng.uniform(0.85, 1.0, n))})
    table = coverage.coverage_table(tested.astype({"tested": "int64"}), areas, 0.95)
    sealed, controlled = min(40, n // 20), min(120, n // 10)
    chosen = rng.choice(n, sealed + controlled, replace=False)
    zones = pd.DataFrame({"date": pd.Timestamp("2022-10-09"), "area_id": [ids[i] for i in chosen],
                          "zone": ["sealed"] * sealed + ["controlled"] * controlled})
    total = coverage.total_coverage(table, 0.95)
    result = coverage.CoverageResult(
        round=pd.Series({"round_id": "R1", "name": "R1", "start": pd.Timestamp("2022-10-08"),
                         "end": pd.Timestamp("2022-10-09")}),
        target=0.95, scope="district", table=table, total=total, district=total,
        short=coverage.short_areas(table), site_load=pd.DataFrame(), silent=pd.DataFrame(), zones=zones)
    at = cells.geometry.representative_point()
    picks = rng.choice(n, max(n // 15, 10), replace=False)
    samples = rng.integers(200, 4000, len(picks))
    sites = pd.DataFrame({"site_id": [f"T{i:04d}" for i in range(len(picks))],
                          "name": [f"采样点{i:04d}" for i in range(len(picks))],
                          "kind": rng.choice(["fixed", "mobile", "door_to_door"], len(picks)),
                          "lon": at.x.to_numpy()[picks], "lat": at.y.to_numpy()[picks],
                          "samples": samples, "peak_hour_samples": samples // 8, "capacity_per_hour": 300,
                          "peak_load": samples / 8 / 300, "silent": rng.random(len(picks)) < 0.05})
    return areas, result, sites


def coverage_page(count: int) -> str:
    """The report's coverage map of :func:`city` as a standalone page."""
    from workbench.present.maps.base import MapOptions
    from workbench.present.maps.coverage import coverage_map

    areas, result, sites = city(count)
    return coverage_map(result, areas, sites, MapOptions(lang="zh")).get_root().render()


def folium_page(count: int) -> str:
    """A plain folium choropleth of the same polygons (folium's documented way), for reference."""
    import folium

    areas, result, _ = city(count)
    shapes = areas[["area_id", "geometry"]].merge(result.table[["area_id", "name", "coverage"]])
    colours = ("#a50026", "#d73027", "#fc8d59", "#1a9850")
    minx, miny, maxx, maxy = shapes.total_bounds
    fmap = folium.Map(tiles=None)
    folium.GeoJson(
        shapes, name="coverage",
        style_function=lambda f: {"fillColor": colours[min(int((f["properties"]["coverage"] - 0.8) / 0.05),
                                                            3)],
                                  "color": "#555", "weight": 0.8, "fillOpacity": 0.7},
        tooltip=folium.GeoJsonTooltip(fields=["name", "coverage"]),
    ).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap.get_root().render()


def build_pages(sizes, out: Path, folium_too: bool) -> dict:
    """Write ``{method}_{size}.html`` for each size; return their build seconds."""
    built = {}
    for size in sizes:
        for method, build in (("map", coverage_page), ("folium", folium_page)):
            if method == "folium" and not folium_too:
                continue
            began = time.perf_counter()
            html = build(size)
            built[f"{method}_{size}"] = time.perf_counter() - began
            (out / f"{method}_{size}.html").write_text(html, "utf-8")
    return built


# ------------------------------------------------------------------ the baseline tree


def export_tree(revision: str, into: Path) -> Path | None:
    """The ``workbench`` package of ``revision`` unpacked under ``into`` (None without git or the commit)."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "workbench"],
                                 check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"baseline {revision} not available ({error}); measuring the current tree only",
              file=sys.stderr)
        return None
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def build_elsewhere(tree: Path, sizes, out: Path) -> dict:
    """:func:`build_pages` run by the ``workbench`` of ``tree``, in a subprocess."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, __file__, "--build-only", str(out), "--sizes", *map(str, sizes)],
                          env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ drawing in Chromium


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
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if local_cdn:
        serve_cdn_locally(page)
    began = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    features = page.evaluate(DRAWN)
    seconds = time.perf_counter() - began
    page.close()
    if errors:
        raise RuntimeError(f"{path.name}: {errors[:2]}")
    return seconds, features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1500, 15000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with ('' for none)")
    parser.add_argument("--folium", action="store_true", help="also a plain folium choropleth")
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:  # the baseline's half, run by the baseline's workbench
        print(json.dumps(build_pages(args.sizes, args.build_only, False)))
        return
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        versions = {"current": tmp / "current"}
        versions["current"].mkdir()
        built = {"current": build_pages(args.sizes, versions["current"], args.folium)}
        tree = export_tree(args.baseline, tmp / "tree") if args.baseline else None
        if tree is not None:
            versions["baseline"] = tmp / "baseline"
            versions["baseline"].mkdir()
            built["baseline"] = build_elsewhere(tree, args.sizes, versions["baseline"])
        rows = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for size in args.sizes:
                pages = [(v, "map", folder / f"map_{size}.html") for v, folder in versions.items()]
                if args.folium:
                    pages.append(("folium", "folium", versions["current"] / f"folium_{size}.html"))
                runs = {v: [] for v, _, _ in pages}
                for _ in range(args.repeat):  # alternate, so that a busy moment hits every version
                    for version, method, path in pages:
                        runs[version].append(draw_seconds(browser, path, method == "folium"))
                for version, method, path in pages:
                    source = "current" if method == "folium" else version
                    draw = statistics.median(r[0] for r in runs[version])
                    rows[size, version] = (built[source][f"{method}_{size}"], path.stat().st_size / 1e6,
                                           draw, runs[version][0][1])
            browser.close()
    report(rows, args.sizes)


def report(rows: dict, sizes) -> None:
    print(f"{'communities':>11} {'version':<9} {'build s':>8} {'HTML MB':>8} {'draw s':>7} {'drawn':>6}"
          "  budget")
    for size in sizes:
        for (s, version), (build, mb, draw, drawn) in rows.items():
            if s != size:
                continue
            verdict = ""
            if version == "current" and size in BUDGETS:
                max_mb, max_s = BUDGETS[size]
                verdict = f"{'ok' if mb <= max_mb and draw <= max_s else 'OVER'} (≤ {max_mb} MB, ≤ {max_s} s)"
            print(f"{size:>11} {version:<9} {build:>8.2f} {mb:>8.2f} {draw:>7.2f} {drawn:>6}  {verdict}")
        if (size, "baseline") in rows:
            now, before = rows[size, "current"], rows[size, "baseline"]
            print(f"{size:>11} {'ratio':<9} {now[0] / before[0]:>8.2f} {now[1] / before[1]:>8.2f} "
                  f"{now[2] / before[2]:>7.2f}         current ÷ baseline")


if __name__ == "__main__":
    main()
