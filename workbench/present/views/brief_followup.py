"""The daily brief's cards of the follow-up work (enterprise requests, projects, staffing).

Each takes the domain's brief figures (:mod:`workbench.brief.followup`) and returns a card
``{value, details, status}``; :data:`workbench.present.views.brief.CARDS` lists them.
"""

from __future__ import annotations

from collections.abc import Mapping

from workbench.present.i18n import format_count, format_rate, label


def requests_card(f: Mapping, lang: str) -> dict:
    median = f["median_days"]
    return {"value": f"{f['open']}",
            "details": [label("brief_requests_open", lang, overdue=f["overdue"], days=f["request_days"]),
                        label("brief_requests_median", lang, days="—" if median is None else f"{median:g}"),
                        label("brief_requests_several", lang, n=f["enterprises_with_several"])],
            "status": f.get("tone", "no_data")}


def projects_card(f: Mapping, lang: str) -> dict:
    off = f["schedule"]["off"]
    return {"value": f"{f['done']} / {f['due']}",
            "details": [label("brief_projects_done", lang),
                        label("brief_projects_late", lang, n=f["late_open"], stalled=f["no_progress"]),
                        label("brief_projects_off", lang, n=off["projects"],
                              wan=format_count(off["investment_wan"], lang))],
            "status": f.get("tone", "no_data")}


def staffing_card(f: Mapping, lang: str) -> dict:
    if f["on_duty"] is None:
        return {"value": "—", "details": [label("brief_staffing_none", lang)], "status": "no_data"}
    return {"value": format_count(f["on_duty"], lang),
            "details": [label("brief_staffing_on_duty", lang,
                              rate=format_rate(f["on_duty"], f["planned"], lang)),
                        label("brief_staffing_short", lang, n=f["units_short"], of=f["units"],
                              shortfall=f["shortfall"])],
            "status": f.get("tone", "no_data")}


FOLLOWUP_CARDS = {"requests": requests_card, "projects": projects_card, "staffing": staffing_card}
