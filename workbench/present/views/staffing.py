"""The front-line staffing section of the field reports: on duty against plan, short units."""

from __future__ import annotations

from IPython.display import HTML

from workbench.domains.staffing import StaffingResult
from workbench.present import display
from workbench.present.i18n import format_count, format_share, label
from workbench.present.safe_html import escape
from workbench.present.tables import REFERENCE_ROWS


def definition(lang: str = "zh") -> HTML:
    return HTML(f'<p class="wb-note">{escape(label("st_definition", lang))}</p>')


def headline(result: StaffingResult, lang: str = "zh") -> HTML:
    """Cards: people on duty of those planned, units short, the shortfall."""
    totals = result.totals
    if totals["on_duty"] is None:
        return HTML("")
    return display.headline([
        {"label": label("st_on_duty", lang), "value": format_count(totals["on_duty"], lang),
         "detail": f"{label('st_planned', lang)} {format_count(totals['planned'], lang)} · "
                   f"{format_share(totals['share'])}", "status": "warn" if totals["units_short"] else "good"},
        {"label": label("st_units_short", lang),
         "value": f"{format_count(totals['units_short'], lang)} / {format_count(totals['units'], lang)}",
         "status": "warn" if totals["units_short"] else "good"},
        {"label": label("st_shortfall", lang), "value": format_count(totals["shortfall"], lang),
         "detail": label("st_shortfall_detail", lang), "status": "neutral"},
    ])


def _with_kind_names(frame, lang: str):
    """``frame`` with ``kind_name``, the label of its ``unit_kind`` (a text column, left-aligned)."""
    return frame.assign(kind_name=[label(f"st_kind_{kind}", lang) for kind in frame["unit_kind"]])


def kinds_table(result: StaffingResult, lang: str = "zh") -> HTML:
    """Units, units short, planned, on duty and shortfall per unit kind."""
    columns = {"kind_name": "st_unit_kind", "units": "st_units", "units_short": "st_units_short",
               "planned": "st_planned", "on_duty": "st_on_duty", "shortfall": "st_shortfall",
               "share": "st_share"}
    return display.table(_with_kind_names(result.kinds, lang), columns, lang, decimals=6,
                         formats={"share": display.share_formatter()})


def short_units_table(result: StaffingResult, lang: str = "zh") -> HTML:
    """The units short today, largest shortfall first."""
    columns = {"unit": "st_unit", "kind_name": "st_unit_kind", "planned": "st_planned",
               "on_duty": "st_on_duty", "shortfall": "st_shortfall", "roles_short": "st_short_roles"}
    return display.table(_with_kind_names(result.units[result.units["short"]], lang), columns, lang,
                         csv_name="short_units.csv", fold_after=REFERENCE_ROWS)


def short_roles_table(result: StaffingResult, lang: str = "zh") -> HTML:
    """Every unit and role short today."""
    columns = {"unit": "st_unit", "kind_name": "st_unit_kind", "role": "st_role", "planned": "st_planned",
               "on_duty": "st_on_duty", "shortfall": "st_shortfall"}
    return display.table(_with_kind_names(result.rows[result.rows["short"]], lang), columns, lang,
                         csv_name="short_roles.csv", fold_after=REFERENCE_ROWS)
