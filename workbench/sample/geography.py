"""Streets and communities: polygons that partition a real stretch of Baotou.

Communities are the Voronoi cells of jittered grid points, clipped to the region on a
1e-6 degree grid; streets are unions of neighbouring communities. Every shared border is
therefore made of the same vertices on both sides: the areas form an exact coverage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import box, shape

from workbench.sample.names import community_names, serial_ids, street_names
from workbench.sample.settings import BOUNDARIES_DIR, BOUNDARIES_FILE, Scale

GRID = 1e-6
MIN_POPULATION, MAX_POPULATION = 1_000, 6_000


@dataclass
class Areas:
    """The streets and communities of a pack, communities ordered by street."""

    street_ids: list[str]
    street_names: list[str]
    street_geoms: np.ndarray
    community_ids: list[str]
    community_names: list[str]
    community_street: np.ndarray  # index into the street lists
    community_geoms: np.ndarray
    community_population: np.ndarray
    neighbours: list[np.ndarray]  # community indices touching each community

    @property
    def street_population(self) -> np.ndarray:
        """Residents of each street: the sum of its communities."""
        return np.bincount(
            self.community_street,
            weights=self.community_population,
            minlength=len(self.street_ids),
        ).astype(np.int64)

    @property
    def region(self):
        """The union of all areas."""
        return shapely.coverage_union_all(self.street_geoms)


def region_polygon(scale: Scale):
    """Return the union of the scale's real districts clipped to its bounding box."""
    with open(BOUNDARIES_DIR / BOUNDARIES_FILE, encoding="utf-8") as f:
        features = json.load(f)["features"]
    districts = [shape(f["geometry"]) for f in features if f["properties"]["adcode"] in scale.adcodes]
    region = shapely.intersection(box(*scale.bbox), shapely.union_all(districts), grid_size=GRID)
    if region.geom_type != "Polygon" or len(region.interiors):
        raise ValueError(f"the {scale.name} region is not a simple polygon: {region.geom_type}")
    return region


def jittered_points(region, count: int, rng: np.random.Generator) -> np.ndarray:
    """Return exactly ``count`` well-spread random points inside ``region``, shape (count, 2)."""
    minx, miny, maxx, maxy = region.bounds
    spacing = np.sqrt(region.area / count)
    while True:
        xs = np.arange(minx, maxx, spacing)
        ys = np.arange(miny, maxy, spacing)
        gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
        gx = gx + rng.uniform(0.15, 0.85, gx.size) * spacing
        gy = gy + rng.uniform(0.15, 0.85, gy.size) * spacing
        inside = shapely.contains_xy(region, gx, gy)
        if inside.sum() >= count:
            keep = np.sort(rng.choice(np.flatnonzero(inside), size=count, replace=False))
            return np.column_stack([gx[keep], gy[keep]])
        spacing *= 0.97


def voronoi_cells(points: np.ndarray, region) -> np.ndarray:
    """Return the Voronoi cell of each point clipped to ``region`` on the coordinate grid."""
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=region, ordered=True)
    cells = shapely.get_parts(cells)
    return shapely.intersection(cells, region, grid_size=GRID)


def _longest_border_neighbour(piece, candidates: np.ndarray, exclude: int = -1) -> int | None:
    """Index of the candidate sharing the longest border with ``piece`` (None if none)."""
    shared = shapely.length(shapely.intersection(piece.boundary, candidates))
    if exclude >= 0:
        shared[exclude] = 0.0
    best = int(np.argmax(shared))
    return best if shared[best] > 0 else None


def merge_fragments(cells: np.ndarray) -> np.ndarray:
    """Make every cell a single Polygon: stray parts join their longest-border neighbour."""
    parts, owner = shapely.get_parts(cells, return_index=True)
    areas = shapely.area(parts)
    main = np.zeros(len(parts), dtype=bool)
    for cell in range(len(cells)):
        mine = np.flatnonzero(owner == cell)
        main[mine[np.argmax(areas[mine])]] = True
    result = parts[main].copy()
    pending = list(parts[~main])
    while pending:
        left = []
        for piece in pending:
            target = _longest_border_neighbour(piece, result)
            if target is None:
                left.append(piece)
            else:
                result[target] = shapely.coverage_union(result[target], piece)
        if len(left) == len(pending):
            raise RuntimeError("a fragment of a Voronoi cell touches no other cell")
        pending = left
    return result


def kmeans_labels(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Group points into ``k`` compact clusters (Lloyd's algorithm, fixed iterations)."""
    centres = points[np.sort(rng.choice(len(points), size=k, replace=False))]
    for _ in range(30):
        dist = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = dist.argmin(axis=1)
        for j in range(k):
            if np.any(labels == j):
                centres[j] = points[labels == j].mean(axis=0)
    return labels


def make_contiguous(cells: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Relabel cells so that every group of cells forms one Polygon."""
    labels = labels.copy()
    for _ in range(len(cells)):
        moved = False
        for group in np.unique(labels):
            members = np.flatnonzero(labels == group)
            union = shapely.coverage_union_all(cells[members])
            if union.geom_type == "Polygon":
                continue
            largest = max(shapely.get_parts(union), key=lambda p: p.area)
            for cell in members[~shapely.within(cells[members], largest)]:
                target = _longest_border_neighbour(cells[cell], cells, exclude=cell)
                labels[cell] = labels[target]
                moved = True
        if not moved:
            return labels
    raise RuntimeError("could not make the streets contiguous")


def touching_neighbours(cells: np.ndarray) -> list[np.ndarray]:
    """For each cell, the sorted indices of the cells sharing a border with it."""
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    shared = shapely.length(shapely.intersection(cells[left], cells[right]))
    keep = (left != right) & (shared > 0)
    left, right = left[keep], right[keep]
    return [np.sort(right[left == i]) for i in range(len(cells))]


def random_points_in(polygons: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one random point inside each polygon, rounded to 6 decimals; shape (n, 2)."""
    bounds = shapely.bounds(polygons)
    result = np.empty((len(polygons), 2))
    pending = np.arange(len(polygons))
    while pending.size:
        b = bounds[pending]
        x = np.round(rng.uniform(b[:, 0], b[:, 2]), 6)
        y = np.round(rng.uniform(b[:, 1], b[:, 3]), 6)
        ok = shapely.contains_xy(polygons[pending], x, y)
        result[pending[ok]] = np.column_stack([x[ok], y[ok]])
        pending = pending[~ok]
    return result


def community_populations(count: int, total: int, rng: np.random.Generator) -> np.ndarray:
    """Residents per community: right-skewed, within 1,000-6,000, summing to ``total``."""
    span = MAX_POPULATION - MIN_POPULATION
    mean_share = (total / count - MIN_POPULATION) / span
    pops = MIN_POPULATION + span * rng.beta(2.2, 2.2 * (1 - mean_share) / mean_share, size=count)
    for _ in range(20):
        pops = np.clip(pops * total / pops.sum(), MIN_POPULATION, MAX_POPULATION)
    pops = np.round(pops).astype(np.int64)
    free = np.flatnonzero((pops > MIN_POPULATION) & (pops < MAX_POPULATION))
    diff = total - pops.sum()
    np.add.at(pops, rng.choice(free, size=abs(diff), replace=True), np.sign(diff))
    return pops


def _north_to_south(points: np.ndarray) -> np.ndarray:
    """Order of points by latitude bands (north first), then longitude (west first)."""
    band = np.floor((points[:, 1].max() - points[:, 1]) / 0.01)
    return np.lexsort((points[:, 0], band))


def build_areas(scale: Scale, rng: np.random.Generator) -> Areas:
    """Generate the streets and communities of ``scale``.

    Raises
    ------
    RuntimeError
        When the generated polygons are not an exact coverage of the region.
    """
    region = region_polygon(scale)
    points = jittered_points(region, scale.communities, rng)
    cells = merge_fragments(voronoi_cells(points, region))
    labels = make_contiguous(cells, kmeans_labels(points, scale.streets, rng))
    streets = np.array([shapely.coverage_union_all(cells[labels == g]) for g in range(scale.streets)])

    street_order = _north_to_south(shapely.get_coordinates(shapely.centroid(streets)))
    streets = streets[street_order]
    rank = np.empty(scale.streets, dtype=np.int64)
    rank[street_order] = np.arange(scale.streets)
    labels = rank[labels]

    centroids = shapely.get_coordinates(shapely.centroid(cells))
    within_street = _north_to_south(centroids)
    order = within_street[np.argsort(labels[within_street], kind="stable")]
    cells, labels = cells[order], labels[order]

    s_ids = serial_ids("S", scale.streets, width=2)
    c_ids = []
    for street, sid in enumerate(s_ids):
        c_ids += serial_ids(f"{sid}C", int((labels == street).sum()), width=3)
    _check_coverage(cells, streets, region)
    return Areas(
        street_ids=s_ids,
        street_names=street_names(scale.streets),
        street_geoms=shapely.orient_polygons(streets),
        community_ids=c_ids,
        community_names=community_names(scale.communities, rng),
        community_street=labels,
        community_geoms=shapely.orient_polygons(cells),
        community_population=community_populations(scale.communities, scale.population, rng),
        neighbours=touching_neighbours(cells),
    )


def _check_coverage(cells: np.ndarray, streets: np.ndarray, region) -> None:
    """Raise when the polygons are not valid single Polygons covering ``region`` exactly."""
    for level, polys in (("community", cells), ("street", streets)):
        if not np.all(shapely.get_type_id(polys) == 3) or not np.all(shapely.is_valid(polys)):
            raise RuntimeError(f"{level} polygons are not all valid single polygons")
        if not shapely.coverage_is_valid(polys):
            raise RuntimeError(f"{level} polygons overlap or leave gaps between neighbours")
        if not np.isclose(shapely.area(polys).sum(), region.area, rtol=1e-6):
            raise RuntimeError(f"{level} polygons do not cover the region")
