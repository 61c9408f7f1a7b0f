"""Field supervision: road checkpoints and their daily counts, places and inspection visits."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake.columns import (
    area_link,
    choice,
    day,
    flag,
    identifier,
    integer,
    latitude,
    longitude,
    non_negative,
    schema,
    text,
)
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import PLACE_KIND_ALIASES, PLACE_KINDS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "checkpoints": schema({
        "checkpoint_id": identifier(unique=True),
        "name": text(),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "checkpoint_daily": schema({
        "date": day(),
        "checkpoint_id": identifier(),
        "vehicles": integer(non_negative()),
        "people": integer(non_negative()),
        "from_risk_areas": integer(non_negative()),
        "landing_tests": integer(non_negative()),
    }, unique=["date", "checkpoint_id"]),
    "places": schema({
        "place_id": identifier(unique=True),
        "name": text(),
        "kind": choice(PLACE_KINDS, PLACE_KIND_ALIASES),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "inspections": schema({
        "inspection_id": identifier(unique=True),
        "date": day(),
        "team": text(),
        "place_id": identifier(),
        "staffing_ok": flag(),
        "disinfection_log_ok": flag(),
        "registration_log_ok": flag(),
        "finding": text(nullable=True),
        "rectified_on": day(nullable=True),
    }),
}  # fmt: skip

REFERENCES = (
    Reference("inspections", "place_id", "places", "place_id"),
    Reference("checkpoint_daily", "checkpoint_id", "checkpoints", "checkpoint_id"),
)
