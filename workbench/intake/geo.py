"""Coordinates: datum conversion, placing points in areas, projected measures.

Data are held in WGS-84 after loading. Chinese sources often deliver GCJ-02 ("Mars
coordinates", used by AMap/Gaode and Tencent) or BD-09 (Baidu). Neither is an EPSG CRS and
pyproj cannot convert them, so the published GCJ-02 obfuscation formula is implemented here,
vectorised over numpy arrays. Its inverse has no closed form; it is solved by fixed-point
iteration to well under a millimetre.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from workbench.errors import WorkbenchError

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
NAMED_DATUMS = (WGS84, GCJ02, BD09)

#: Projected CRS for measuring lengths and areas around Baotou (UTM zone 49N, WGS-84).
METRIC_CRS = "EPSG:32649"

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0


def normalize_datum(datum: str | int | None) -> str:
    """Return the canonical spelling of a datum: ``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n``.

    Raises
    ------
    WorkbenchError
        When the datum is neither a named Chinese datum nor an EPSG code pyproj knows.
    """
    if datum is None:
        return WGS84
    text = str(datum).strip().lower().replace("-", "").replace("_", "")
    aliases = {"wgs84": WGS84, "epsg4326": WGS84, "gcj02": GCJ02, "bd09": BD09}
    if text in aliases:
        return aliases[text]
    match = re.fullmatch(r"(?:epsg:?)?(\d{4,6})", text)
    if match:
        code = int(match.group(1))
        try:
            CRS.from_epsg(code)
        except Exception as exc:  # pyproj raises CRSError, which is not exported stably
            raise WorkbenchError(f"unknown datum {datum!r}: EPSG:{code} is not a known CRS") from exc
        return WGS84 if code == 4326 else f"EPSG:{code}"
    raise WorkbenchError(
        f"unknown datum {datum!r}: expected wgs84, gcj02, bd09 or an EPSG code such as EPSG:4490"
    )


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points inside the rough box where GCJ-02 applies; elsewhere it is the identity."""
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (degrees) to add to WGS-84 coordinates."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 longitude/latitude arrays to GCJ-02."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tolerance: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 arrays to WGS-84 by fixed-point iteration (error < 1e-10 degrees)."""
    gcj_lon, gcj_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()
    for _ in range(30):
        fwd_lon, fwd_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        err_lon, err_lat = fwd_lon - gcj_lon, fwd_lat - gcj_lat
        wgs_lon, wgs_lat = wgs_lon - err_lon, wgs_lat - err_lat
        if np.nanmax(np.abs(np.concatenate([err_lon.ravel(), err_lat.ravel(), [0.0]]))) < tolerance:
            break
    return wgs_lon, wgs_lat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 arrays to Baidu's BD-09."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert Baidu's BD-09 arrays to GCJ-02."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def to_wgs84(lon, lat, datum: str | int | None) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinate arrays from ``datum`` to WGS-84 longitude/latitude.

    For an EPSG datum the arrays are that CRS's x/y (easting/northing for a projected CRS).
    """
    return _convert(lon, lat, datum, inverse=False)


def from_wgs84(lon, lat, datum: str | int | None) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 arrays to ``datum`` (the inverse of :func:`to_wgs84`)."""
    return _convert(lon, lat, datum, inverse=True)


def _to_wgs84_from_bd09(lon, lat):
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _from_wgs84_to_bd09(lon, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


#: The non-EPSG datums: datum → (to WGS-84, from WGS-84).
_OFFSET_DATUMS = {GCJ02: (gcj02_to_wgs84, wgs84_to_gcj02), BD09: (_to_wgs84_from_bd09, _from_wgs84_to_bd09)}


def _convert(lon, lat, datum, *, inverse: bool) -> tuple[np.ndarray, np.ndarray]:
    datum = normalize_datum(datum)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if datum == WGS84:
        return lon.copy(), lat.copy()
    if datum in _OFFSET_DATUMS:
        return _OFFSET_DATUMS[datum][int(inverse)](lon, lat)
    source, target = ("EPSG:4326", datum) if inverse else (datum, "EPSG:4326")
    return Transformer.from_crs(source, target, always_xy=True).transform(lon, lat)


def _transform_geometries(geoms, convert) -> np.ndarray:
    """Apply a (lon, lat) → (lon, lat) array function to every vertex of ``geoms``."""

    def on_coords(coords: np.ndarray) -> np.ndarray:
        x, y = convert(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms), on_coords)


def geometry_to_wgs84(frame: gpd.GeoDataFrame, datum: str | int | None) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` with its geometry converted from ``datum`` to EPSG:4326.

    The declared datum wins over whatever CRS the file claims: GeoJSON always claims
    WGS-84, even when its coordinates are GCJ-02.
    """
    datum = normalize_datum(datum)
    out = frame.copy()
    if datum.startswith("EPSG:"):
        return out.set_crs(datum, allow_override=True).to_crs("EPSG:4326")
    if datum != WGS84:
        converted = _transform_geometries(out.geometry.values, lambda x, y: to_wgs84(x, y, datum))
        out = out.set_geometry(gpd.GeoSeries(converted, index=out.index))
    return out.set_crs("EPSG:4326", allow_override=True)


def geometry_from_wgs84(frame: gpd.GeoDataFrame, datum: str | int | None) -> gpd.GeoDataFrame:
    """Return a copy of a WGS-84 ``frame`` with its geometry expressed in ``datum``.

    Used to draw data on GCJ-02 tiles (AMap). The result keeps the EPSG:4326 label,
    because Leaflet treats every datum alike; only the numbers move.
    """
    datum = normalize_datum(datum)
    out = frame.to_crs("EPSG:4326")
    if datum.startswith("EPSG:"):
        return out.to_crs(datum)
    if datum != WGS84:
        converted = _transform_geometries(out.geometry.values, lambda x, y: from_wgs84(x, y, datum))
        out = out.set_geometry(gpd.GeoSeries(converted, index=out.index, crs="EPSG:4326"))
    return out


def assign_areas(lon, lat, areas: gpd.GeoDataFrame, id_column: str = "area_id") -> np.ndarray:
    """Return, for each point, the id of the area polygon that contains it (None if none).

    Parameters
    ----------
    lon, lat : array-like
        WGS-84 coordinates of the points.
    areas : GeoDataFrame
        Polygons in EPSG:4326 with an ``id_column``. Pass one level only (e.g. communities),
        otherwise a point inside both a street and its community matches the first found.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    result = np.full(lon.shape, None, dtype=object)
    valid = np.isfinite(lon) & np.isfinite(lat)
    if not valid.any() or areas.empty:
        return result
    points = shapely.points(lon[valid], lat[valid])
    tree = shapely.STRtree(areas.geometry.values)
    point_idx, area_idx = tree.query(points, predicate="within")
    first = pd.Series(area_idx).groupby(point_idx).first()
    ids = areas[id_column].to_numpy()
    positions = np.flatnonzero(valid)[first.index.to_numpy()]
    result[positions] = ids[first.to_numpy()]
    return result


def distance_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres between WGS-84 points (haversine, R = 6,371,008.8 m)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance_m: float = 10.0) -> gpd.GeoDataFrame:
    """Simplify polygons that tile an area, keeping shared borders shared.

    Works in :data:`METRIC_CRS` so ``tolerance_m`` is in metres, and simplifies the polygons
    together (shapely's coverage simplification), so no slivers open between neighbours
    (simplifying each polygon alone would). Returns a copy in the input's CRS.
    """
    if frame.empty or tolerance_m <= 0:
        return frame.copy()
    metric = frame.to_crs(METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.geometry.values, tolerance_m)
    out = metric.set_geometry(gpd.GeoSeries(simplified, index=metric.index, crs=METRIC_CRS))
    return out.to_crs(frame.crs)
