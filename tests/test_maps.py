"""The map module: datum on each basemap, offline assets, escaping, simplification."""

import json
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from workbench.domains import coverage
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


# ------------------------------------------------------- a small district (also for test_map_browser)
# A small district for the map tests: 5 × 4 square communities, hand-set coverage and zones.
#
# Coverage target 0.95. Communities (row y, column x from the south-west corner, 0.01° each):
#
# - C00 (0, 0), the south-west corner where a legend would sit: **sealed**, coverage 1.0
# - C01 (0, 1): short, 180 / 200 (gap 10)
# - C34 (3, 4), the north-east corner: short, 90 / 100 (gap 5)
# - C30 (3, 0), the north-west corner: **controlled**, coverage 1.0
# - every other community: 100 / 100
#
# Focus, in label order: C00 (sealed), C01 (gap 10), C34 (gap 5), C30 (controlled).
# Six testing sites, one of them (T5) silent.

WEST, SOUTH, STEP = 109.80, 40.60, 0.01
FOCUS = ["C00", "C01", "C34", "C30"]


def district():
    """(areas, CoverageResult, sites) of the district described above."""
    rows = []
    for y in range(4):
        for x in range(5):
            rows.append({"area_id": f"C{y}{x}", "name": f"<b>社区{y}{x}</b>", "level": "community",
                         "parent_id": "S1", "population": 100,
                         "geometry": box(WEST + x * STEP, SOUTH + y * STEP,
                                         WEST + (x + 1) * STEP, SOUTH + (y + 1) * STEP)})
    rows[1]["population"] = 200
    communities = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    street = gpd.GeoDataFrame([{"area_id": "S1", "name": "街道", "level": "street", "parent_id": "D",
                                "population": 0, "geometry": communities.union_all()}], crs=4326)
    areas = pd.concat([street, communities], ignore_index=True)
    tested = {a: 100 for a in communities["area_id"]} | {"C01": 180, "C34": 90}
    tested = pd.DataFrame({"area_id": list(tested), "tested": list(tested.values())})
    table = coverage.coverage_table(tested, areas, 0.95)
    zones = pd.DataFrame({"date": pd.Timestamp("2022-10-09"), "area_id": ["C00", "C30"],
                          "zone": ["sealed", "controlled"]})
    total = coverage.total_coverage(table, 0.95)
    result = coverage.CoverageResult(
        round=pd.Series({"round_id": "R1", "name": "R1", "start": pd.Timestamp("2022-10-08"),
                         "end": pd.Timestamp("2022-10-09")}),
        target=0.95, scope="district", table=table, total=total, district=total,
        short=coverage.short_areas(table), site_load=pd.DataFrame(), silent=pd.DataFrame(), zones=zones)
    sites = pd.DataFrame({"site_id": [f"T{i}" for i in range(6)], "name": [f"采样点{i}" for i in range(6)],
                          "kind": ["fixed", "mobile", "door_to_door", "fixed", "fixed", "mobile"],
                          "lon": [WEST + 0.005 + 0.01 * i for i in range(5)] + [WEST + 0.035],
                          "lat": [SOUTH + 0.015] * 5 + [SOUTH + 0.035],
                          "samples": [100, 200, 300, 400, 500, 0],
                          "peak_hour_samples": [10, 20, 30, 40, 50, 0],
                          "capacity_per_hour": 100, "peak_load": [0.1, 0.2, 0.3, 0.4, 0.5, 0.0],
                          "silent": [False] * 5 + [True]})
    return areas, result, sites


def _layers(fmap):
    from workbench.present.maps.layers import DataLayer

    return {layer.layer_name: layer for layer in fmap._children.values() if isinstance(layer, DataLayer)}


def test_the_coverage_map_labels_its_focus_in_order_and_hides_the_crowding_sites():
    from workbench.present.maps.coverage import coverage_map, focus_areas

    areas, result, sites = district()
    assert list(focus_areas(result, areas)["area_id"]) == FOCUS
    fmap = coverage_map(result, areas, sites)
    layers = _layers(fmap)
    labels = [props["t"] for _, props in layers["需处置地点名称"].data["f"]]
    assert labels == ["&lt;b&gt;社区00&lt;/b&gt;", "&lt;b&gt;社区01&lt;/b&gt;", "&lt;b&gt;社区34&lt;/b&gt;",
                      "&lt;b&gt;社区30&lt;/b&gt;"]
    assert layers["采样点"].show is False and len(layers["采样点"].data["f"]) == 5
    assert layers["无上报采样点"].show is True and len(layers["无上报采样点"].data["f"]) == 1
    assert layers["社区覆盖率"].show is True and len(layers["社区覆盖率"].data["f"]) == 20
    html = fmap.get_root().render()
    assert "图层按钮（右上角）可显示：采样点" in html  # the legend says where the hidden layer is
    assert "<b>社区0" not in html and "<b>社区3" not in html


def test_labels_are_capped_and_skip_places_without_a_position():
    fmap = base.new_map((109.8, 40.6, 109.9, 40.7))
    lon = [109.81, np.nan] + [109.85] * 30
    base.add_labels(fmap, lon, [40.61, 40.62] + [40.65] * 30, ["a", "b"] + [f"n{i}" for i in range(30)])
    (layer,) = _layers(fmap).values()
    names = [props["t"] for _, props in layer.data["f"]]
    assert len(names) == base.MAX_LABELS == 20 and names[:2] == ["a", "n0"]


def test_layers_are_written_as_integer_deltas_of_a_tenth_of_a_metre_grid():
    from workbench.present.maps.layers import encode_layer

    points = shapely.points([109.85, 109.85001, 109.84999], [40.65, 40.65002, 40.65])
    blob = encode_layer(points, "point", tooltips=["a", "b", "c"], precision=5)
    assert blob["k"] == 100_000 and [c for c, _ in blob["f"]] == [[10985000, 4065000], [1, 2], [-2, -2]]
    square = box(109.8, 40.6, 109.81, 40.61).difference(box(109.803, 40.603, 109.806, 40.606))
    multi = shapely.MultiPolygon([box(109.82, 40.6, 109.83, 40.61), box(109.84, 40.6, 109.85, 40.61)])
    blob = encode_layer([square, multi], "polygon", [{"fillColor": "#f00"}, None], ["x", "y"])
    (_, first, props), (_, second, _) = decoded(blob)
    assert props == {"s": {"fillColor": "#f00"}, "t": "x"}
    assert len(first) == 1 and len(first[0]) == 2 and len(second) == 2  # a hole; two parts
    for part, truth in zip(first + second, [square, *multi.geoms], strict=True):
        for ring, coords in zip(part, [truth.exterior, *truth.interiors], strict=True):
            assert np.allclose(ring, np.asarray(coords.coords), atol=1e-9)


def test_data_never_reach_the_template_engine():
    """branca compiles macro output as a template: a name '{{ 7*7 }}' used to be shown as 49."""
    fmap = base.new_map((109.8, 40.6, 109.9, 40.7))
    base.add_points(fmap, [109.85], [40.65], ["{{ 7*7 }} {% if 1 %}x{% endif %}"], "p")
    base.add_labels(fmap, [109.86], [40.66], ["{{ 6*7 }}"])
    base.add_legend(fmap, [("{{ 5*5 }}", [("#f00", "{# c #}")])])
    html = base.finish(fmap).get_root().render()
    for text in ("{{ 7*7 }} {% if 1 %}x{% endif %}", "{{ 6*7 }}", "{{ 5*5 }}", "{# c #}"):
        assert text in html


def test_simplification_follows_the_extent():
    small = base.new_map((109.80, 40.60, 109.85, 40.64))  # about 4 km: the 5 m floor
    city = base.new_map((109.60, 40.50, 110.10, 40.72))  # about 42 km: half a pixel of 1280 px
    assert base.simplify_tolerance(small) == 5.0
    assert 16.0 < base.simplify_tolerance(city) < 17.0


def test_a_large_choropleth_is_small_and_inert_to_the_privacy_filter():
    from workbench.privacy import mask_personal

    rng = np.random.default_rng(3)
    points = shapely.points(rng.uniform(0, 20_000, 2000), rng.uniform(0, 20_000, 2000))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points),
                                                       extend_to=box(0, 0, 20_000, 20_000)))
    cells = shapely.segmentize(shapely.intersection(cells, box(0, 0, 20_000, 20_000)), 25)
    frame = gpd.GeoDataFrame(geometry=cells, crs="EPSG:32649").to_crs(4326)
    fmap = base.new_map(frame.total_bounds)
    base.add_polygons(fmap, frame, ["#1a9850"] * len(frame), [f"<b>{i}</b>" for i in range(len(frame))], "c")
    page = str(base.embed(base.finish(fmap)).data)
    assert len(page.encode()) < 1_000_000  # 2,000 communities with their tooltips, Leaflet included
    assert mask_personal(page) == page


def test_flagged_points_are_larger_marked_and_their_labels_stand_beside_them():
    fmap = base.new_map((109.8, 40.6, 109.9, 40.7))
    base.add_points(fmap, [109.81, 109.82, 109.83], [40.61, 40.62, 40.63], ["a", "b", "c"], "p",
                    radius=[5.0, 6.0, 7.0], flagged=[False, True, False], cluster=True)
    base.add_labels(fmap, [109.82], [40.62], ["<b>b</b>"])
    base.add_area_labels(fmap, _squares().assign(name="sq"))
    from workbench.present.maps.layers import DataLayer

    points, beside, areas = [layer for layer in fmap._children.values() if isinstance(layer, DataLayer)]
    styles = [props["s"] for _, props in points.data["f"]]
    assert [props.get("f") for _, props in points.data["f"]] == [None, 1, None]
    assert [s["radius"] for s in styles] == [5.0, 6.0 + base.FLAG_GROWTH_PX, 7.0]
    assert styles[1]["weight"] == base.FLAG_WEIGHT and "weight" not in styles[0]
    assert beside.base_style == {"direction": "right"} and areas.base_style == {"direction": "center"}
    assert beside.data["f"][0][1] == {"t": "&lt;b&gt;b&lt;/b&gt;"}
    html = base.finish(fmap).get_root().render()
    assert 'map.createPane("wbFlag")' in html and "wb.cluster(" in html  # on top, out of the clusters
    assert 'direction: "center"' not in html  # no label is centred on its marker any more


def test_the_point_maps_flag_exactly_the_places_they_label():
    from workbench.present.maps.coverage import site_load_map

    areas, result, sites = district()
    sites = sites.assign(status=["below", "over", "below", "below", "over", "silent"])
    blobs = layer_blobs(site_load_map(result, areas, sites).get_root().render())
    flagged = {c for blob in blobs for kind, c, props in decoded(blob) if kind == "point" and props.get("f")}
    labelled = {c for blob in blobs for kind, c, _ in decoded(blob) if kind == "label"}
    assert len(flagged) == 3 and flagged == labelled
