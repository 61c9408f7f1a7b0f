"""Home quarantine and medical waste: household counts per area, waste collections per site."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake.columns import (
    day,
    identifier,
    integer,
    non_negative,
    number,
    rows_where,
    schema,
    timestamp,
)
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import QUARANTINE_ITEMS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "quarantine_checks": schema({
        "date": day(),
        "area_id": identifier(),
        "households": integer(non_negative()),
        **{item: integer(non_negative()) for item in QUARANTINE_ITEMS},
    }, unique=["date", "area_id"], checks=[
        rows_where("each item's count of compliant households no more than households",
                   ("households", *QUARANTINE_ITEMS),
                   lambda f: f[list(QUARANTINE_ITEMS)].le(f["households"], axis=0).all(axis=1)),
    ]),
    "medical_waste": schema({
        "collected_at": timestamp(),
        "site_id": identifier(),
        "weight_kg": number(non_negative()),
        "bags": integer(non_negative()),
    }),
}  # fmt: skip

REFERENCES = (
    Reference("quarantine_checks", "area_id", "areas", "area_id", level="community"),
    Reference("medical_waste", "site_id", "testing_sites", "site_id"),
)
