"""Mass testing: areas, their zones, testing sites, rounds and sampling (and map context).

A round's ``end`` given as a date alone (``2022-10-08``) is the **end of that day**; its
``start`` given so is the start of that day. A ``sampled_at`` given as a date alone reads as
00:00 of that day: when that falls outside every round but a round covers part of that day,
loading dates it at that round's start and warns with the count
(:func:`workbench.intake.placing.date_only_samples`).
"""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake import columns as c
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import LEVEL_ALIASES, SITE_KIND_ALIASES, SITE_KINDS, ZONE_ALIASES

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "areas": c.schema({
        "area_id": c.identifier(unique=True),
        "name": c.text(),
        "level": c.choice(("street", "community"), LEVEL_ALIASES),
        "parent_id": c.identifier(nullable=True),
        "population": c.integer(c.positive()),
        "households": c.column("int", "Int64", [c.positive()], nullable=True, required=False),
        "geometry": c.polygons(),
    }),
    "zones": c.schema({
        "date": c.day(),
        "area_id": c.identifier(),
        "zone": c.choice(("sealed", "controlled", "prevention"), ZONE_ALIASES),
    }, unique=["date", "area_id"]),
    "testing_sites": c.schema({
        "site_id": c.identifier(unique=True),
        "name": c.text(),
        "kind": c.choice(SITE_KINDS, SITE_KIND_ALIASES),
        **c.position(),
        "capacity_per_hour": c.integer(c.positive()),
        "area_id": c.area_link(),
    }),
    "rounds": c.schema({
        "round_id": c.identifier(unique=True),
        "name": c.text(),
        "start": c.timestamp(),
        "end": c.timestamp(date_only="end_of_day"),  # `end 2022-10-08` is the end of that day
    }, checks=[c.rows_where("start no later than end", ("start", "end"),
                          lambda f: f["start"] <= f["end"])]),
    "sampling": c.schema({
        "person_key": c.identifier(),
        "area_id": c.identifier(nullable=True),
        "site_id": c.identifier(),
        "sampled_at": c.timestamp(),
    }),
    "admin_boundaries": c.schema({"name": c.text(), "geometry": c.polygons()}),
}  # fmt: skip

REFERENCES = (
    Reference("zones", "area_id", "areas", "area_id"),
    Reference("sampling", "area_id", "areas", "area_id", level="community"),
    Reference("sampling", "site_id", "testing_sites", "site_id", optional=True),
)
