"""Every folium map of the workbench (``base``: the map and its generic layers; one module per domain)."""

from .base import (
    BASEMAPS,
    add_context,
    add_legend,
    add_outlines,
    add_points,
    add_polygons,
    embed,
    finish,
    new_map,
)
from .checkpoints import checkpoint_map
from .coverage import coverage_map
from .enterprises import enterprise_map
from .field_checks import quarantine_map, waste_map
from .inspections import inspections_map
from .supply import supply_map

__all__ = ["BASEMAPS", "add_context", "add_legend", "add_outlines", "add_points", "add_polygons",
           "checkpoint_map", "coverage_map", "embed", "enterprise_map", "finish", "inspections_map",
           "new_map", "quarantine_map", "supply_map", "waste_map"]
