"""The testing-capacity section of the coverage report: street capacity against population and
what is left to test, site peak-hour load."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains.capacity import CapacityResult
from workbench.present import display
from workbench.present.i18n import format_count, format_share, label
from workbench.present.safe_html import escape


def definition(result: CapacityResult, at, lang: str = "zh") -> HTML:
    if not result.known:
        return HTML(f'<p class="wb-note">{escape(label("tc_unknown_note", lang))}</p>')
    text = label("tc_definition", lang, hours=result.hours, left=result.hours_remaining,
                 target=format_share(result.target, 0), at=f"{pd.Timestamp(at):%m-%d %H:%M}")
    return HTML(f'<p class="wb-note">{escape(text)}</p>')


#: A street's capacity states, worst first: (label key, tone); the explorer's map legend too.
STREET_STATES = (("tc_cannot_reach", "bad"), ("tc_short", "warn"), ("tc_ok", "good"))


def street_state(row) -> tuple[str, str]:
    """(label key, tone) of a street row: cannot reach the target, else capacity-short, else ok;
    not known without testing sites."""
    if pd.isna(row.capacity):
        return "tc_unknown", "no_data"
    return STREET_STATES[0 if row.cannot_reach else 1 if row.capacity_short else 2]


def _street_status(row, lang: str) -> str:
    key, tone = street_state(row)
    return display.badge(label(key, lang), tone)


def streets_table(result: CapacityResult, lang: str = "zh") -> HTML:
    """Per street: sites, capacity, population, ratio, still to test, remaining capacity, status."""
    frame = result.streets.copy()
    frame["status"] = [_street_status(r, lang) for r in frame.itertuples(index=False)]
    columns = {"name": "tc_street", "sites": "tc_sites", "capacity_per_hour": "tc_capacity_per_hour",
               "capacity": "tc_capacity", "population": "tc_population", "capacity_ratio": "tc_ratio",
               "gap": "tc_gap", "remaining_capacity": "tc_remaining", "status": "tc_status"}
    persons = lambda v: escape(format_count(None if pd.isna(v) else round(v), lang))  # noqa: E731
    formats = {"capacity_ratio": display.share_formatter(), "status": lambda html: html,
               **dict.fromkeys(("capacity_per_hour", "capacity", "remaining_capacity"), persons)}
    return display.table(frame, columns, lang, decimals=6, csv_name="street_capacity.csv", formats=formats)
