"""The map module: datum on each basemap, offline assets, escaping, simplification."""

import json
import math
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from workbench.errors import WorkbenchError
from workbench.intake import geo
from workbench.present.maps import base, naming

GCJ_POINT = (109.8400, 40.6100)  # as AMap shows a place in the zone


def tile_pixel(lon, lat, zoom=18):
    """Web-Mercator pixel (x, y) of a point at ``zoom``, as slippy-map tiles index it."""
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def layer_blobs(html):
    """The compact layer blobs (``{"k", "g", "f"}``) of a rendered map page, in drawing order."""
    found = re.findall(r'<script type="application/json" id="\w+_json">(.*?)</script>', html, flags=re.S)
    return [json.loads(blob) for blob in found]


def decoded(blob):
    """A blob's features as (kind, coordinates in degrees, properties): running sums of the deltas."""
    k, x, y, out = blob["k"], 0, 0, []

    def ring(flat):
        nonlocal x, y
        points = []
        for dx, dy in zip(flat[::2], flat[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x / k, y / k))
        return points

    for coords, props in blob["f"]:
        if blob["g"] in ("point", "label"):
            x, y = x + coords[0], y + coords[1]
            out.append((blob["g"], (x / k, y / k), props))
        elif blob["g"] == "line":
            out.append(("line", [ring(part) for part in coords], props))
        else:
            out.append(("polygon", [[ring(r) for r in part] for part in coords], props))
    return out


def drawn_points(fmap):
    """Coordinates of the point features a rendered map page holds."""
    html = fmap.get_root().render()
    return [c for blob in layer_blobs(html) for kind, c, _ in decoded(blob) if kind == "point"]


@pytest.mark.parametrize("basemap,expected_datum", [("amap", "gcj02"), ("osm", "wgs84"), ("none", "wgs84")])
def test_points_are_drawn_in_the_datum_of_the_tiles(basemap, expected_datum):
    # the loader turns the GCJ-02 source into WGS-84; AMap tiles want GCJ-02 back
    lon, lat = geo.to_wgs84([GCJ_POINT[0]], [GCJ_POINT[1]], "gcj02")
    fmap = base.new_map((lon[0] - 0.01, lat[0] - 0.01, lon[0] + 0.01, lat[0] + 0.01), basemap)
    base.add_points(fmap, lon, lat, ["x"], "points")
    ((x, y),) = drawn_points(fmap)
    truth = GCJ_POINT if expected_datum == "gcj02" else (lon[0], lat[0])
    px, py = tile_pixel(x, y)
    tx, ty = tile_pixel(*truth)
    assert abs(px - tx) < 1 and abs(py - ty) < 1  # the same pixel of the same tile at zoom 18
    if basemap == "amap":  # and on AMap, the WGS-84 position would be hundreds of metres off
        wx, wy = tile_pixel(lon[0], lat[0])
        assert math.hypot(px - wx, py - wy) > 500


def test_tianditu_needs_a_key_and_unknown_basemaps_are_refused():
    with pytest.raises(WorkbenchError, match="key"):
        base.new_map((109.8, 40.6, 109.9, 40.7), "tianditu")
    with pytest.raises(WorkbenchError, match="unknown basemap"):
        base.new_map((109.8, 40.6, 109.9, 40.7), "google")
    fmap = base.new_map((109.8, 40.6, 109.9, 40.7), "tianditu", tianditu_key="KEY123")
    assert "tk=KEY123" in fmap.get_root().render()


def _squares(n=3):
    cells = [box(109.8 + i * 0.01, 40.6 + j * 0.01, 109.81 + i * 0.01, 40.61 + j * 0.01)
             for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame({"name": [f"c{i}" for i in range(len(cells))]}, geometry=cells, crs=4326)


def test_a_finished_map_loads_nothing_from_the_network():
    squares = _squares()
    fmap = base.new_map(squares.total_bounds)
    base.add_polygons(fmap, squares, ["#f00"] * len(squares), ["t"] * len(squares), "cells")
    base.add_points(fmap, [109.805], [40.605], ["p"], "points", cluster=True)
    base.add_legend(fmap, [("title", [("#f00", "label")])], note="note")
    html = base.finish(fmap).get_root().render()
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", html)
    assert "L.markerClusterGroup" in html and "MarkerClusterGroup" in html  # the plugin is inlined
    assert "sourceMappingURL" not in html


def test_legend_and_layer_names_are_escaped():
    fmap = base.new_map((109.8, 40.6, 109.9, 40.7))
    base.add_legend(fmap, [("<b>t</b>", [("#f00", "<img src=x onerror=alert(1)>")])], note="`${x}`")
    html = base.finish(fmap).get_root().render()
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "`${x}`" not in html


def test_only_the_shown_properties_reach_the_page():
    squares = _squares().assign(person_key="pk_secret", population=123)
    fmap = base.new_map(squares.total_bounds)
    base.add_polygons(fmap, squares, ["#f00"] * len(squares), ["tip"] * len(squares), "cells")
    html = fmap.get_root().render()
    assert "pk_secret" not in html and "population" not in html and '"bbox"' not in html


def test_simplify_coverage_keeps_shared_borders():
    rng = np.random.default_rng(0)
    points = shapely.points(rng.uniform(0, 10_000, 200), rng.uniform(0, 10_000, 200))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box(0, 0, 10_000, 10_000))
    frame = gpd.GeoDataFrame(geometry=list(shapely.get_parts(cells)), crs="EPSG:32649")
    frame = frame.set_geometry(frame.intersection(box(0, 0, 10_000, 10_000))).to_crs(4326)
    # densify the borders so that simplification has work to do
    frame = frame.set_geometry(frame.to_crs("EPSG:32649").segmentize(50).to_crs(4326))
    simple = geo.simplify_coverage(frame, 20)
    before = shapely.get_num_coordinates(frame.geometry.values).sum()
    after = shapely.get_num_coordinates(simple.geometry.values).sum()
    assert after < before / 2
    metric = simple.to_crs("EPSG:32649")
    overlap = sum(metric.geometry.iloc[i].intersection(metric.geometry.iloc[j]).area
                  for i, j in zip(*metric.sindex.query(metric.geometry, predicate="intersects"), strict=True)
                  if i < j)
    gaps = box(0, 0, 10_000, 10_000).area - metric.union_all().area
    assert overlap < 1.0 and abs(gaps) < 5.0  # square metres, over 100 km²


def test_an_embedded_map_names_its_elements_with_letters_only_and_survives_the_privacy_filter():
    """folium's random hex ids can hold a phone-shaped digit run; masking one broke the script."""
    from workbench.privacy import mask_personal

    squares = _squares()
    fmap = base.new_map(squares.total_bounds)
    base.add_polygons(fmap, squares, ["#f00"] * len(squares), ["t"] * len(squares), "cells")
    base.add_points(fmap, [109.805], [40.605], ["p"], "points", cluster=True)
    page = str(base.embed(base.finish(fmap)).data)
    names = set(re.findall(r"\b(?:map|geo_json|marker_cluster|circle_marker|feature_group)_(\w+)", page))
    assert names and all(re.fullmatch(r"[a-z]+", name) for name in names)
    assert mask_personal(page) == page  # nothing in the map's code looks like a phone or ID number
    assert [naming._letters(n) for n in (0, 25, 26, 27 * 26)] == ["a", "z", "ba", "bba"]
    again = base.new_map(squares.total_bounds)
    base.add_polygons(again, squares, ["#f00"] * len(squares), ["t"] * len(squares), "cells")
    base.add_points(again, [109.805], [40.605], ["p"], "points", cluster=True)
    assert str(base.embed(base.finish(again)).data) == page  # the same map, the same bytes
