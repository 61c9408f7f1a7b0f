"""Headline figures and tables of the testing-coverage report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from .. import display
from ..coverage import CoverageResult
from ..i18n import format_count, format_rate, format_share, label
from ..safe_html import escape


def scope_label(scope: str, areas: pd.DataFrame, lang: str = "zh") -> str:
    """A readable name for a scope: the district, or the street's name and id."""
    if scope in (None, "", "district"):
        return label("district", lang)
    names = areas.set_index("area_id")["name"]
    return f"{names.get(scope, scope)} ({scope})"


def headline(result: CoverageResult, lang: str = "zh") -> HTML:
    """Cards: coverage of the scope, communities short, silent sites, round window."""
    total, rnd = result.total, result.round
    window = label("round_window", lang, start=f"{rnd['start']:%m-%d %H:%M}", end=f"{rnd['end']:%m-%d %H:%M}")
    cards = [
        {"label": f"{label('coverage', lang)} · {rnd['name']}",
         "value": format_share(total["coverage"]),
         "detail": f"{format_count(total['tested'], lang)} / {format_count(total['population'], lang)}"
                   f" · {label('target', lang)} {format_share(result.target, 0)}",
         "status": "bad" if total["short"] else "good"},
        {"label": label("short_communities", lang),
         "value": f"{total['short_communities']} / {total['communities']}",
         "detail": label("gap", lang) + ": " + format_count(int(result.short["gap"].sum()), lang),
         "status": "bad" if total["short_communities"] else "good"},
        {"label": label("silent_sites", lang), "value": str(len(result.silent)),
         "detail": ", ".join(map(str, result.silent["site_id"])) or label("none", lang),
         "status": "bad" if len(result.silent) else "good"},
        {"label": label("round", lang), "value": str(rnd["round_id"]), "detail": window,
         "status": "neutral"},
    ]
    return display.headline(cards)


def short_table(result: CoverageResult, areas: pd.DataFrame, lang: str = "zh") -> HTML:
    """Communities short of target, largest gap first, with their street's name."""
    frame = _with_street(result.short, areas)
    frame["rate"] = [format_rate(t, p, lang)
                     for t, p in zip(frame["tested"], frame["population"], strict=True)]
    columns = {"area_id": "area_id", "name": "community", "street_name": "street", "rate": "coverage",
               "gap": "gap"}
    return display.table(frame, columns, lang, csv_name=f"short_{result.round['round_id']}.csv",
                         empty_text=label("nothing_short", lang))


def silent_table(result: CoverageResult, lang: str = "zh") -> HTML:
    """Silent testing sites with when they last reported."""
    frame = result.silent.assign(kind=result.silent["kind"].map(lambda k: label(k, lang)))
    columns = {"site_id": "site_id", "name": "name", "kind": "kind", "silent_on": "silent_on",
               "last_reported": "last_reported", "days_reported": "days_reported"}
    return display.table(frame, columns, lang, csv_name="silent_sites.csv",
                         empty_text=label("nothing_silent", lang))


def street_table(result: CoverageResult, lang: str = "zh") -> HTML:
    """One row per street: tested / population, coverage, short communities."""
    streets = result.table[result.table["level"] == "street"].copy()
    communities = result.table[result.table["level"] == "community"]
    short = communities[communities["short"]].groupby("parent_id").size()
    count = communities.groupby("parent_id").size()
    streets["short_communities"] = [f"{short.get(a, 0)} / {count.get(a, 0)}" for a in streets["area_id"]]
    streets["rate"] = [format_rate(t, p, lang) for t, p in zip(streets["tested"], streets["population"],
                                                                strict=True)]
    streets["status"] = streets["short"]
    columns = {"area_id": "area_id", "name": "street", "rate": "coverage",
               "short_communities": "short_communities", "status": "short"}
    formats = {"status": lambda s: display.badge(label("short" if s else "reached", lang),
                                                 "bad" if s else "good")}
    return display.table(streets, columns, lang, formats=formats, csv_name="streets.csv")


def _with_street(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    names = areas.set_index("area_id")["name"]
    return frame.assign(street_name=frame["parent_id"].map(names))


def definitions(lookback_days: int, lang: str = "zh") -> HTML:
    """The exact definitions behind the figures, printed under the headline."""
    return HTML(f'<p class="wb-note">{escape(label("coverage_definition", lang))}<br>'
                f'{escape(label("silent_definition", lang, lookback=lookback_days))}</p>')
