"""Key enterprises: the enterprises, their production, annual targets and eight-in-place checks."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake import columns as c
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import EIGHT_IN_PLACE, UNITS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "enterprises": c.schema({
        "enterprise_id": c.identifier(unique=True),
        "name": c.text(),
        "sector": c.text(),
        **c.position(),
        "employees": c.integer(c.non_negative()),
        "closed_loop": c.flag(),
        "area_id": c.area_link(),
    }),
    "production": c.schema({
        "date": c.day(),
        "enterprise_id": c.identifier(),
        "product": c.text(),
        "quantity": c.number(c.non_negative()),
        "unit": c.choice(tuple(UNITS), {"吨": "t"}),
    }),
    "targets": c.schema({
        "year": c.integer(c.within(2000, 2100, "a year")),
        "enterprise_id": c.identifier(),
        "product": c.text(),
        "target": c.number(c.positive()),
        "unit": c.choice(tuple(UNITS), {"吨": "t"}),
    }, unique=["year", "enterprise_id", "product"]),
    "enterprise_checks": c.schema({
        "date": c.day(),
        "enterprise_id": c.identifier(),
        **{item: c.flag() for item in EIGHT_IN_PLACE},
    }),
}  # fmt: skip

REFERENCES = (
    Reference("production", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("targets", "enterprise_id", "enterprises", "enterprise_id"),
    Reference("enterprise_checks", "enterprise_id", "enterprises", "enterprise_id"),
)
