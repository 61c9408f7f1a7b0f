"""Supply and prices: suppliers, their packages, deliveries to areas, market prices and baselines."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake import columns as c
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import SUPPLIER_ALIASES, SUPPLIER_KINDS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "suppliers": c.schema({
        "supplier_id": c.identifier(unique=True),
        "name": c.text(),
        "kind": c.choice(SUPPLIER_KINDS, SUPPLIER_ALIASES),
        **c.position(),
        "area_id": c.area_link(),
    }),
    "packages": c.schema({
        "supplier_id": c.identifier(),
        "package": c.text(),
        "price": c.number(c.positive()),
        "contents": c.text(nullable=True),
    }, unique=["supplier_id", "package"]),
    "deliveries": c.schema({
        "date": c.day(),
        "supplier_id": c.identifier(),
        "area_id": c.identifier(),
        "orders": c.integer(c.non_negative()),
        "packages_delivered": c.integer(c.non_negative()),
        "households_served": c.integer(c.non_negative()),
    }, unique=["date", "supplier_id", "area_id"]),
    "prices": c.schema({
        "date": c.day(),
        "market": c.text(),
        "commodity": c.text(),
        "price": c.number(c.positive()),
        "unit": c.text(),
    }, unique=["date", "market", "commodity"]),
    "price_baselines": c.schema({
        "commodity": c.text(),
        "baseline_price": c.number(c.positive()),
        "period": c.text(),
        "unit": c.column("text", "str", nullable=True, required=False),
    }, unique=["commodity"]),
}  # fmt: skip

REFERENCES = (
    Reference("packages", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "area_id", "areas", "area_id", level="community"),
)
