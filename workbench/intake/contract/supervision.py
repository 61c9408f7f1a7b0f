"""Field supervision: road checkpoints and their daily counts, places and inspection visits."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake import columns as c
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import PLACE_KIND_ALIASES, PLACE_KINDS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "checkpoints": c.schema({
        "checkpoint_id": c.identifier(unique=True),
        "name": c.text(),
        **c.position(),
        "area_id": c.area_link(),
    }),
    "checkpoint_daily": c.schema({
        "date": c.day(),
        "checkpoint_id": c.identifier(),
        "vehicles": c.integer(c.non_negative()),
        "people": c.integer(c.non_negative()),
        "from_risk_areas": c.integer(c.non_negative()),
        "landing_tests": c.integer(c.non_negative()),
    }, unique=["date", "checkpoint_id"]),
    "places": c.schema({
        "place_id": c.identifier(unique=True),
        "name": c.text(),
        "kind": c.choice(PLACE_KINDS, PLACE_KIND_ALIASES),
        **c.position(),
        "area_id": c.area_link(),
    }),
    "inspections": c.schema({
        "inspection_id": c.identifier(unique=True),
        "date": c.day(),
        "team": c.text(),
        "place_id": c.identifier(),
        "staffing_ok": c.flag(),
        "disinfection_log_ok": c.flag(),
        "registration_log_ok": c.flag(),
        "finding": c.text(nullable=True),
        "rectified_on": c.day(nullable=True),
    }),
}  # fmt: skip

REFERENCES = (
    Reference("inspections", "place_id", "places", "place_id"),
    Reference("checkpoint_daily", "checkpoint_id", "checkpoints", "checkpoint_id"),
)
