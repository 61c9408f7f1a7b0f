"""Polygons after conversion to WGS-84: invalid ones repaired, those outside China refused.

- A self-intersecting (or otherwise invalid) polygon is repaired with ``shapely.make_valid``
  (its polygonal parts kept) and a **warning** names the rows: overlays and point placement
  would otherwise stop with a GEOS TopologyException.
- A polygon not within China's extent (:data:`~workbench.intake.vocabulary.LON_RANGE`,
  :data:`~workbench.intake.vocabulary.LAT_RANGE`) is an **error**, as for points: almost
  always longitude and latitude swapped, or a projected CRS not declared.

Both are vectorised over the geometry array.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from workbench.errors import Problem
from workbench.intake.origins import Origin
from workbench.intake.problems import row_problems
from workbench.intake.vocabulary import LAT_RANGE, LON_RANGE

REPAIRED = "a valid polygon (this one was repaired with make_valid and used)"
OUTSIDE = (
    f"a polygon within China's extent (longitude {LON_RANGE[0]:g} to {LON_RANGE[1]:g}, latitude "
    f"{LAT_RANGE[0]:g} to {LAT_RANGE[1]:g}): are longitude and latitude swapped?"
)


def check_polygons(
    frame: gpd.GeoDataFrame, dataset: str, where: str | Origin
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Repair invalid polygons (warning) and refuse those outside China (error).

    Parameters
    ----------
    frame : GeoDataFrame
        Needs ``geometry`` in EPSG:4326; other columns are kept.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        The frame with repaired geometries (a new object only when something was repaired),
        and the problems, one per row (capped).
    """
    if not isinstance(frame, gpd.GeoDataFrame) or frame.empty:
        return frame, []
    geoms = frame.geometry.to_numpy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    problems = []
    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = pd.Series(shapely.is_valid_reason(geoms[invalid]), index=frame.index[invalid])
        problems += row_problems(dataset, where, "geometry", reasons, REPAIRED, severity="warning")
        repaired = geoms.copy()
        repaired[invalid] = [_polygonal(g) for g in shapely.make_valid(geoms[invalid])]
        frame = frame.set_geometry(gpd.GeoSeries(repaired, index=frame.index, crs=frame.crs))
    bounds = shapely.bounds(frame.geometry.to_numpy())
    with np.errstate(invalid="ignore"):
        inside = (
            (bounds[:, 0] >= LON_RANGE[0]) & (bounds[:, 2] <= LON_RANGE[1])
            & (bounds[:, 1] >= LAT_RANGE[0]) & (bounds[:, 3] <= LAT_RANGE[1])
        )  # fmt: skip
    outside = present & ~inside
    if outside.any():
        shown = pd.Series([_extent(b) for b in bounds[outside]], index=frame.index[outside])
        problems += row_problems(dataset, where, "geometry", shown, OUTSIDE)
    return frame, problems


def _polygonal(geometry):
    """The polygonal parts of a repaired geometry (make_valid may add lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geometry


def _extent(bounds) -> str:
    return "extent {:.4g}, {:.4g} to {:.4g}, {:.4g}".format(*bounds)
