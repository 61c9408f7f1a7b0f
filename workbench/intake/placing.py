"""Coordinates after reading: conversion to WGS-84, and placing points without an area in one.

Point datasets keep ``lon``/``lat`` (converted); polygon datasets become GeoDataFrames in
EPSG:4326. Points without ``area_id`` are placed in a community by their coordinates, samples
by their site's; samples left without an area are set aside with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import Problem
from workbench.intake import geo
from workbench.intake.catalog import Pack
from workbench.intake.contract import POINT_DATASETS

#: Points are placed in areas of this level (the finest one).
PLACEMENT_LEVEL = "community"


def to_wgs84(pack: Pack, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Geometry and point datasets' lon/lat converted to WGS-84 from the dataset's datum.

    A geo file in a projected CRS (e.g. a shapefile in CGCS2000 Gauss-Krüger) is
    reprojected from the CRS it declares, unless the catalog declares a datum for it.
    """
    datum = pack.datum_of(name)
    if isinstance(frame, gpd.GeoDataFrame):
        projected = frame.crs is not None and frame.crs.is_projected
        if pack.spec(name).datum is None and projected:
            frame = frame.to_crs("EPSG:4326")
        else:
            frame = geo.geometry_to_wgs84(frame, datum)
    if name in POINT_DATASETS and datum != geo.WGS84 and {"lon", "lat"} <= set(frame.columns):
        lon, lat = geo.to_wgs84(_floats(frame["lon"]), _floats(frame["lat"]), datum)
        frame = frame.assign(lon=lon, lat=lat)
    return frame


def _floats(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="float64", na_value=np.nan)


def place_points(frames: Mapping[str, pd.DataFrame], pack: Pack) -> tuple[dict, list[Problem]]:
    """Fill missing ``area_id`` of point datasets (by coordinates) and of samples (by site).

    Needs ``areas`` (WGS-84) among ``frames``; points are placed in communities. A point
    dataset without an ``area_id`` column gains one silently; empty cells of a column the
    file has are filled with a warning stating the count. Samples whose area cannot be
    found are set aside, with a warning.

    Returns
    -------
    (dict, list of Problem)
        The frames (new objects where changed) and the warnings.
    """
    out, problems = dict(frames), []
    areas = frames.get("areas")
    if areas is None or "geometry" not in areas.columns:
        return out, problems
    targets = _placement_areas(areas)
    for name in POINT_DATASETS:
        if name in out and {"lon", "lat"} <= set(out[name].columns):
            out[name], found = _place_by_coordinates(out[name], targets, name, pack.spec(name).file)
            problems += found
    if "sampling" in out and "testing_sites" in out:
        out["sampling"], found = _place_samples(
            out["sampling"], out["testing_sites"], pack.spec("sampling").file
        )
        problems += found
    return out, problems


def _placement_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The communities with a geometry (all areas if there are no communities)."""
    usable = areas[areas.geometry.notna() & areas["area_id"].notna()]
    if "level" in usable.columns and (usable["level"] == PLACEMENT_LEVEL).any():
        return usable[usable["level"] == PLACEMENT_LEVEL]
    return usable


def _place_by_coordinates(
    frame: pd.DataFrame, areas: gpd.GeoDataFrame, dataset: str, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill empty ``area_id`` of points (lon/lat in WGS-84) with the area containing them."""
    declared = "area_id" in frame.columns
    area_id = frame["area_id"] if declared else pd.Series(np.nan, index=frame.index, dtype="str")
    missing = area_id.isna()
    if not missing.any():
        return frame, []
    placed = geo.assign_areas(_floats(frame["lon"][missing]), _floats(frame["lat"][missing]), areas)
    area_id = area_id.copy()
    area_id[missing] = placed
    frame = frame.assign(area_id=area_id)
    if not declared:
        return frame, []
    outside = int(pd.isna(placed).sum())
    found = f"{_rows(int(missing.sum()) - outside)} without area_id placed by their coordinates"
    if outside:
        found += f"; {_rows(outside)} in no area keep an empty area_id"
    return frame, [_warning(dataset, file, "area_id", "an area_id in every row", found)]


def _place_samples(
    sampling: pd.DataFrame, sites: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill empty ``area_id`` of samples with their site's area; set aside those left without."""
    if "area_id" not in sampling.columns or "site_id" not in sampling.columns:
        return sampling, []
    missing = sampling["area_id"].isna()
    if not missing.any():
        return sampling, []
    site_area = sites.dropna(subset=["area_id"]).drop_duplicates("site_id").set_index("site_id")["area_id"]
    area_id = sampling["area_id"].copy()
    area_id[missing] = sampling["site_id"][missing].map(site_area)
    unplaced = int(area_id.isna().sum())
    expected, problems = "an area_id in every row", []
    if unplaced < missing.sum():
        found = f"{_rows(int(missing.sum()) - unplaced)} without area_id placed by their site's coordinates"
        problems.append(_warning("sampling", file, "area_id", expected, found))
    if unplaced:
        found = f"{_rows(unplaced)} set aside: no area_id, and their site is unknown or in no area"
        problems.append(_warning("sampling", file, "area_id", expected, found))
    return sampling.assign(area_id=area_id).dropna(subset=["area_id"]), problems


def date_only_samples(
    sampling: pd.DataFrame, rounds: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Date samples given as a date alone (00:00) at the start of the round that covers that day.

    A ``sampled_at`` written as a date alone reads as 00:00, before a round that starts that
    morning: it would silently count in no round. Such a sample (exactly 00:00, outside every
    round, on a day a round covers) is dated at that round's start, and a warning gives the
    count. Needs ``sampled_at`` (sampling) and ``start``, ``end`` (rounds).
    """
    if sampling.empty or rounds.empty or "sampled_at" not in sampling.columns:
        return sampling, []
    stamps = sampling["sampled_at"]
    midnight = stamps.notna() & (stamps == stamps.dt.normalize())
    if not midnight.any():
        return sampling, []
    spans = rounds.dropna(subset=["start", "end"])
    inside = pd.Series(False, index=sampling.index)
    for start, end in zip(spans["start"], spans["end"], strict=True):
        inside |= stamps.between(start, end)
    moved = stamps.copy()
    candidates = midnight & ~inside
    for start, end in zip(spans["start"], spans["end"], strict=True):
        covers = candidates & (stamps <= end) & (stamps + pd.Timedelta(days=1) > start) & (stamps < start)
        moved[covers] = start
        candidates &= ~covers
    count = int((moved != stamps).sum())
    if not count:
        return sampling, []
    found = (
        f"{_rows(count)} at 00:00 (a date alone) outside every round: dated at the start of the day's round"
    )
    return sampling.assign(sampled_at=moved), [
        _warning("sampling", file, "sampled_at", "a date and time", found)
    ]


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def _warning(dataset: str, file: str, column: str, expected: str, found: str) -> Problem:
    return Problem(dataset, file, None, column, expected, found, severity="warning")
