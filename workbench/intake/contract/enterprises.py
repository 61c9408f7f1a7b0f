"""Key enterprises: the enterprises, their production, annual targets and eight-in-place checks."""

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
    number,
    positive,
    schema,
    text,
    within,
)
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import EIGHT_IN_PLACE, UNITS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "enterprises": schema({
        "enterprise_id": identifier(unique=True),
        "name": text(),
        "sector": text(),
        "lon": longitude(),
        "lat": latitude(),
        "employees": integer(non_negative()),
        "closed_loop": flag(),
        "area_id": area_link(),
    }),
    "production": schema({
        "date": day(),
        "enterprise_id": identifier(),
        "product": text(),
        "quantity": number(non_negative()),
        "unit": choice(tuple(UNITS), {"吨": "t"}),
    }),
    "targets": schema({
        "year": integer(within(2000, 2100, "a year")),
        "enterprise_id": identifier(),
        "product": text(),
        "target": number(positive()),
        "unit": choice(tuple(UNITS), {"吨": "t"}),
    }, unique=["year", "enterprise_id", "product"]),
    "enterprise_checks": schema({
        "date": day(),
        "enterprise_id": identifier(),
        **{item: flag() for item in EIGHT_IN_PLACE},
    }),
}  # fmt: skip

REFERENCES = (
    Reference("production", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("targets", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("enterprise_checks", "enterprise_id", "enterprises", "enterprise_id"),
)
