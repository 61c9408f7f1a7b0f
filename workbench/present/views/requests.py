"""The enterprise-requests section of the enterprise report: headline, open requests by category and
department, the open list and enterprises with several."""

from __future__ import annotations

from IPython.display import HTML

from workbench.domains.inspections import findings_tone
from workbench.domains.requests import RequestResult
from workbench.present import display
from workbench.present.i18n import format_count, label
from workbench.present.safe_html import escape


def definition(result: RequestResult, lang: str = "zh") -> HTML:
    return HTML(f'<p class="wb-note">{escape(label("rq_definition", lang, days=result.request_days))}</p>')


def headline(result: RequestResult, lang: str = "zh") -> HTML:
    """Cards: open requests, overdue ones, median days to resolve (toned like open findings)."""
    totals = result.totals
    median = totals["median_days"]
    return display.headline([
        {"label": label("rq_open", lang), "value": format_count(totals["open"], lang),
         "detail": f"{label('rq_resolved', lang)} {format_count(totals['resolved'], lang)}",
         "status": findings_tone(totals["open"], totals["overdue"])},
        {"label": label("rq_overdue", lang), "value": format_count(totals["overdue"], lang),
         "status": "bad" if totals["overdue"] else "good"},
        {"label": label("rq_median_days", lang), "value": "—" if median is None else f"{median:g}",
         "status": "neutral"},
    ])


def by_table(result: RequestResult, by: str, lang: str = "zh") -> HTML:
    """Open requests per ``category`` or ``department``."""
    frame = result.by_category if by == "category" else result.by_department
    columns = {by: f"rq_{by}", "open": "rq_open", "overdue": "rq_overdue", "oldest_days": "rq_oldest"}
    return display.table(frame, columns, lang, csv_name=f"requests_by_{by}.csv")


def _status(overdue: bool, lang: str) -> str:
    return display.badge(label("rq_status_overdue" if overdue else "rq_status_open", lang),
                         "bad" if overdue else "warn")


def open_table(result: RequestResult, lang: str = "zh") -> HTML:
    """The open requests, overdue first."""
    name = "enterprise" if "enterprise" in result.open.columns else "enterprise_id"
    columns = {name: "rq_enterprise", "overdue": "rq_status", "category": "rq_category", "age_days": "rq_age",
               "department": "rq_department", "raised_on": "rq_raised_on", "request_id": "rq_request"}
    return display.table(result.open, columns, lang, formats={"overdue": lambda v: _status(bool(v), lang)},
                         csv_name="open_requests.csv")


def several_table(result: RequestResult, lang: str = "zh") -> HTML:
    """Enterprises with several open requests."""
    name = "enterprise" if "enterprise" in result.several.columns else "enterprise_id"
    columns = {name: "rq_enterprise", "open": "rq_open", "overdue": "rq_overdue"}
    return display.table(result.several, columns, lang)
