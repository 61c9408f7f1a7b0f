"""Mass testing: areas, their zones, testing sites, rounds and sampling (and map context).

A round's ``end`` given as a date alone (``2022-10-08``) is the **end of that day**; its
``start`` given so is the start of that day. A ``sampled_at`` given as a date alone reads as
00:00 of that day: when that falls outside every round but a round covers part of that day,
loading dates it at that round's start and warns with the count
(:func:`workbench.intake.placing.date_only_samples`).
"""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake.columns import (
    area_link,
    choice,
    column,
    day,
    identifier,
    integer,
    latitude,
    longitude,
    polygons,
    positive,
    rows_where,
    schema,
    text,
    timestamp,
)
from workbench.intake.contract.reference import Reference

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "areas": schema({
        "area_id": identifier(unique=True),
        "name": text(),
        "level": choice(("street", "community"), {"街道": "street", "社区": "community"}),
        "parent_id": identifier(nullable=True),
        "population": integer(positive()),
        "households": column("int", "Int64", [positive()], nullable=True, required=False),
        "geometry": polygons(),
    }),
    "zones": schema({
        "date": day(),
        "area_id": identifier(),
        "zone": choice(
            ("sealed", "controlled", "prevention"),
            {"封控区": "sealed", "管控区": "controlled", "防范区": "prevention"},
        ),
    }, unique=["date", "area_id"]),
    "testing_sites": schema({
        "site_id": identifier(unique=True),
        "name": text(),
        "kind": choice(("fixed", "mobile", "door_to_door", "checkpoint")),
        "lon": longitude(),
        "lat": latitude(),
        "capacity_per_hour": integer(positive()),
        "area_id": area_link(),
    }),
    "rounds": schema({
        "round_id": identifier(unique=True),
        "name": text(),
        "start": timestamp(),
        "end": timestamp(date_only="end_of_day"),  # `end 2022-10-08` is the end of that day
    }, checks=[rows_where("start no later than end", ("start", "end"),
                          lambda f: f["start"] <= f["end"])]),
    "sampling": schema({
        "person_key": identifier(),
        "area_id": identifier(nullable=True),
        "site_id": identifier(),
        "sampled_at": timestamp(),
    }),
    "admin_boundaries": schema({"name": text(), "geometry": polygons()}),
}  # fmt: skip

REFERENCES = (
    Reference("zones", "area_id", "areas", "area_id"),
    Reference("sampling", "area_id", "areas", "area_id", level="community"),
    Reference("sampling", "site_id", "testing_sites", "site_id"),
)
