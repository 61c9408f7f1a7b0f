"""Home quarantine and medical waste: household counts per area, waste collections per site."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake import columns as c
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import QUARANTINE_ITEMS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "quarantine_checks": c.schema({
        "date": c.day(),
        "area_id": c.identifier(),
        "households": c.integer(c.non_negative()),
        **{item: c.integer(c.non_negative()) for item in QUARANTINE_ITEMS},
    }, unique=["date", "area_id"], checks=[
        c.rows_where("each item's count of compliant households no more than households",
                   ("households", *QUARANTINE_ITEMS),
                   lambda f: f[list(QUARANTINE_ITEMS)].le(f["households"], axis=0).all(axis=1)),
    ]),
    "medical_waste": c.schema({
        "collected_at": c.timestamp(),
        "site_id": c.identifier(),
        "weight_kg": c.number(c.non_negative()),
        "bags": c.integer(c.non_negative()),
    }),
}  # fmt: skip

REFERENCES = (
    Reference("quarantine_checks", "area_id", "areas", "area_id", level="community"),
    Reference("medical_waste", "site_id", "testing_sites", "site_id"),
)
