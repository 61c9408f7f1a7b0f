"""The data contract: one pandera schema per dataset, grouped by domain, and the references between them.

Each module of this folder holds the schemas of one group of datasets (``SCHEMAS``) and the
references from them to other datasets (``REFERENCES``); this module gathers them. The
parsing machinery is apart: :mod:`workbench.intake.columns` (the column builders),
:mod:`workbench.intake.parsing` (text to typed columns) and :mod:`workbench.intake.validation`
(the schemas run lazily, failures as Problems).
"""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake.contract import enterprises, field, projects, supervision, supply, testing
from workbench.intake.contract.reference import Reference

_GROUPS = (testing, supervision, enterprises, supply, field, projects)

SCHEMAS: dict[str, pa.DataFrameSchema] = {name: s for group in _GROUPS for name, s in group.SCHEMAS.items()}
REFERENCES: tuple[Reference, ...] = tuple(r for group in _GROUPS for r in group.REFERENCES)

#: Required columns of each dataset, in contract order.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c for c, col in schema.columns.items() if col.required) for name, schema in SCHEMAS.items()
}
#: Datasets of points with ``lon``/``lat``, and of polygons with ``geometry``.
POINT_DATASETS = tuple(name for name, s in SCHEMAS.items() if "lon" in s.columns)
POLYGON_DATASETS = tuple(name for name, s in SCHEMAS.items() if "geometry" in s.columns)

__all__ = ["POINT_DATASETS", "POLYGON_DATASETS", "REFERENCES", "REQUIRED_COLUMNS", "SCHEMAS", "Reference"]
