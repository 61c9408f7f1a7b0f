"""Every folium map of the workbench (``base``: the map and its generic layers; one module per domain)."""

from workbench.present.maps.base import (
    BASEMAPS,
    MapOptions,
    add_context,
    add_legend,
    add_outlines,
    add_points,
    add_polygons,
    embed,
    finish,
    new_map,
)
from workbench.present.maps.checkpoints import checkpoint_map
from workbench.present.maps.coverage import coverage_map
from workbench.present.maps.enterprises import enterprise_map
from workbench.present.maps.field_checks import quarantine_map, waste_map
from workbench.present.maps.inspections import inspections_map
from workbench.present.maps.supply import supply_map

__all__ = ["BASEMAPS", "MapOptions", "add_context", "add_legend", "add_outlines", "add_points",
           "add_polygons", "checkpoint_map", "coverage_map", "embed", "enterprise_map", "finish",
           "inspections_map", "new_map", "quarantine_map", "supply_map", "waste_map"]
