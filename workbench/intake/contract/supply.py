"""Supply and prices: suppliers, their packages, deliveries to areas, market prices and baselines."""

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
    non_negative,
    number,
    positive,
    schema,
    text,
)
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import SUPPLIER_ALIASES, SUPPLIER_KINDS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "suppliers": schema({
        "supplier_id": identifier(unique=True),
        "name": text(),
        "kind": choice(SUPPLIER_KINDS, SUPPLIER_ALIASES),
        "lon": longitude(),
        "lat": latitude(),
        "area_id": area_link(),
    }),
    "packages": schema({
        "supplier_id": identifier(),
        "package": text(),
        "price": number(positive()),
        "contents": text(nullable=True),
    }, unique=["supplier_id", "package"]),
    "deliveries": schema({
        "date": day(),
        "supplier_id": identifier(),
        "area_id": identifier(),
        "orders": integer(non_negative()),
        "packages_delivered": integer(non_negative()),
        "households_served": integer(non_negative()),
    }, unique=["date", "supplier_id", "area_id"]),
    "prices": schema({
        "date": day(),
        "market": text(),
        "commodity": text(),
        "price": number(positive()),
        "unit": text(),
    }, unique=["date", "market", "commodity"]),
    "price_baselines": schema({
        "commodity": text(),
        "baseline_price": number(positive()),
        "period": text(),
        "unit": column("text", "str", nullable=True, required=False),
    }, unique=["commodity"]),
}  # fmt: skip

REFERENCES = (
    Reference("packages", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "supplier_id", "suppliers", "supplier_id"),
    Reference("deliveries", "area_id", "areas", "area_id", level="community"),
)
