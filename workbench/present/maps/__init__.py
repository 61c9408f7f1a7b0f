"""Every folium map of the workbench (``base``: the map and its generic layers; one module per domain).

The names below are loaded on first use (PEP 562 ``__getattr__``): a report that draws one
map imports that map's module and ``base``, not every domain's (the coverage map alone brings
the coverage domain and DuckDB). The imports under ``TYPE_CHECKING`` say where each name lives,
for readers, type checkers and ``tests/test_architecture.py``; ``_HOMES`` is the same, for Python.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_HOMES = {
    "base": ("BASEMAPS", "MapOptions", "add_context", "add_legend", "add_outlines", "add_points",
             "add_polygons", "embed", "finish", "new_map"),
    "checkpoints": ("checkpoint_map",),
    "coverage": ("coverage_map",),
    "enterprises": ("enterprise_map",),
    "field_checks": ("quarantine_map", "waste_map"),
    "inspections": ("inspections_map",),
    "supply": ("supply_map",),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = ["BASEMAPS", "MapOptions", "add_context", "add_legend", "add_outlines", "add_points",
           "add_polygons", "checkpoint_map", "coverage_map", "embed", "enterprise_map", "finish",
           "inspections_map", "new_map", "quarantine_map", "supply_map", "waste_map"]


def __getattr__(name: str):
    """Import the module that holds ``name`` (once; the name is then an ordinary attribute)."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
