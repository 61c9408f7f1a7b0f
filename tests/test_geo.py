"""Datum conversion pinned on known points; placing points in areas."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from workbench.errors import WorkbenchError
from workbench.intake import geo


def test_wgs84_to_gcj02_known_point():
    # Tian'anmen: the widely published GCJ-02 value of WGS-84 (116.397428, 39.90923)
    lon, lat = geo.wgs84_to_gcj02(116.397428, 39.90923)
    assert lon == pytest.approx(116.403672, abs=2e-6)
    assert lat == pytest.approx(39.910634, abs=2e-6)


def test_gcj02_shift_in_baotou_is_hundreds_of_metres():
    lon, lat = geo.wgs84_to_gcj02(109.85, 40.62)
    assert 300 < geo.distance_m(109.85, 40.62, lon, lat) < 800


def test_gcj02_round_trip_within_one_metre():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(109.5, 110.2, 1000), rng.uniform(40.4, 40.9, 1000)
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert geo.distance_m(lon, lat, *back).max() < 0.01


def test_bd09_round_trip_within_one_metre():
    back = geo.to_wgs84(*geo.from_wgs84([109.85], [40.62], "bd09"), "bd09")
    assert geo.distance_m(109.85, 40.62, *back)[0] < 1.0


def test_outside_china_is_unchanged():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


@pytest.mark.parametrize("spelling,expected", [
    ("WGS84", "wgs84"), ("GCJ-02", "gcj02"), ("bd09", "bd09"), ("EPSG:4490", "EPSG:4490"),
    (4326, "wgs84"), ("epsg:32649", "EPSG:32649"),
])
def test_normalize_datum(spelling, expected):
    assert geo.normalize_datum(spelling) == expected


@pytest.mark.parametrize("bad", ["mars", "EPSG:999999", "beijing54"])
def test_unknown_datum_is_a_clear_error(bad):
    with pytest.raises(WorkbenchError, match="unknown datum"):
        geo.normalize_datum(bad)


def test_epsg_datum_converts_projected_coordinates():
    x, y = geo.from_wgs84([111.0], [40.0], "EPSG:32649")
    lon, lat = geo.to_wgs84(x, y, "EPSG:32649")
    assert lon[0] == pytest.approx(111.0) and lat[0] == pytest.approx(40.0)


def test_geometry_to_wgs84_moves_gcj02_polygons_back():
    wgs = gpd.GeoDataFrame({"area_id": ["A"]}, geometry=[box(109.8, 40.6, 109.9, 40.7)], crs=4326)
    gcj = geo.geometry_from_wgs84(wgs, "gcj02")
    back = geo.geometry_to_wgs84(gcj, "gcj02")
    assert back.crs.to_epsg() == 4326
    assert np.allclose(back.geometry.iloc[0].bounds, wgs.geometry.iloc[0].bounds, atol=1e-8)


def test_assign_areas_places_points_and_leaves_outsiders_empty():
    areas = gpd.GeoDataFrame({"area_id": ["A", "B"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    ids = geo.assign_areas([0.5, 1.5, 5.0, np.nan], [0.5, 0.5, 5.0, 0.5], areas)
    assert ids.tolist() == ["A", "B", None, None]
