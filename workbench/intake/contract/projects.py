"""The command centre's follow-up work: enterprise requests, major projects and their
approval milestones, front-line staffing."""

from __future__ import annotations

import pandera.pandas as pa

from workbench.intake.columns import (
    choice,
    column,
    day,
    identifier,
    integer,
    non_negative,
    number,
    rows_where,
    schema,
    text,
)
from workbench.intake.contract.reference import Reference
from workbench.intake.vocabulary import INVESTMENT_UNITS, UNIT_KIND_ALIASES, UNIT_KINDS

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "enterprise_requests": schema({
        "request_id": identifier(unique=True),
        "enterprise_id": identifier(),
        "raised_on": day(),
        "category": text(),
        "description": column("text", "str", nullable=True, required=False),
        "department": text(),
        "resolved_on": day(nullable=True),
    }, checks=[
        rows_where("resolved_on on or after raised_on", ("raised_on", "resolved_on"),
                   lambda f: f["resolved_on"].isna() | (f["resolved_on"] >= f["raised_on"])),
    ]),
    "projects": schema({
        "project_id": identifier(unique=True),
        "name": text(),
        "enterprise_id": identifier(nullable=True),
        "investment": number(non_negative()),
        "unit": choice(INVESTMENT_UNITS),
    }),
    "project_milestones": schema({
        "project_id": identifier(),
        "milestone": text(),
        "planned_on": day(),
        "done_on": day(nullable=True),
    }, unique=["project_id", "milestone"]),
    "staffing": schema({
        "date": day(),
        "unit_kind": choice(UNIT_KINDS, UNIT_KIND_ALIASES),
        "unit_id": identifier(),
        "role": text(),
        "planned": integer(non_negative()),
        "on_duty": integer(non_negative()),
    }, unique=["date", "unit_kind", "unit_id", "role"]),
}  # fmt: skip

REFERENCES = (
    # names the enterprise when the pack has enterprises; a department's requests alone load too
    Reference("enterprise_requests", "enterprise_id", "enterprises", "enterprise_id", optional=True),
    Reference("project_milestones", "project_id", "projects", "project_id"),
)
