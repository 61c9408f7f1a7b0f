"""Headline figures and tables of the testing-coverage report."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.brief.actions import ROW_KEYS
from workbench.domains.coverage import CoverageResult, coverage_tone
from workbench.present import display
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.safe_html import escape


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
         "status": coverage_tone(total)},
        {"label": label("short_communities", lang),
         "value": f"{total['short_communities']} / {total['communities']}",
         "detail": label("gap", lang) + ": " + format_count(int(result.short["gap"].sum()), lang),
         "status": "bad" if total["short_communities"] else "good"},
        {"label": label("silent_sites", lang), "value": str(len(result.silent)),
         "detail": display.display_names(result.silent, "site_id") or label("none", lang),
         "status": "bad" if len(result.silent) else "good"} if result.sites_known else
        {"label": label("silent_sites", lang), "value": "—", "detail": label("sl_no_sites", lang),
         "status": "no_data"},
        {"label": label("round", lang), "value": str(rnd["name"]), "detail": f"{window} · {rnd['round_id']}",
         "status": "neutral"},
    ]
    return display.headline(cards)


def short_table(result: CoverageResult, areas: pd.DataFrame, lang: str = "zh") -> HTML:
    """Communities short of target, largest gap first, with their street's name."""
    frame = _with_street(result.short, areas)
    frame["rate"] = [format_rate(t, p, lang)
                     for t, p in zip(frame["tested"], frame["population"], strict=True)]
    columns = {"name": "community", "area_id": "area_id", "street_name": "street", "rate": "coverage",
               "gap": "gap"}
    return display.table(frame, columns, lang, csv_name=f"short_{result.round['round_id']}.csv",
                         empty_text=label("nothing_short", lang), key=ROW_KEYS["communities_short"])


def silent_table(result: CoverageResult, lang: str = "zh") -> HTML:
    """Silent testing sites with when they last reported."""
    frame = result.silent.assign(kind=result.silent["kind"].map(lambda k: label(k, lang)))
    columns = {"name": "name", "site_id": "site_id", "kind": "kind", "silent_on": "silent_on",
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
    streets["status"] = target_states(streets, short, lang)
    columns = {"name": "street", "area_id": "area_id", "rate": "coverage",
               "short_communities": "short_communities", "status": "target_state"}
    return display.table(streets, columns, lang, formats={"status": _state_badge(lang)},
                         csv_name="streets.csv")


def target_states(rows: pd.DataFrame, communities_short: pd.Series, lang: str = "zh") -> list[str]:
    """Each row's state against the target, in words: short, reached, or for a street over its target
    whose communities are not all there, "street reached, N communities short" (it still has work).

    ``rows`` needs ``area_id``, ``level`` (default street) and ``short``; ``communities_short``:
    communities short per street id.
    """
    levels = rows["level"] if "level" in rows else pd.Series("street", index=rows.index)
    states = []
    for area_id, level, short in zip(rows["area_id"], levels, rows["short"], strict=True):
        n = 0 if short or level != "street" else int(communities_short.get(area_id, 0))
        states.append(label("short", lang) if short else
                      label("reached_communities_short", lang, n=n) if n else label("reached", lang))
    return states


def _state_badge(lang: str):
    """The badge of a :func:`target_states` text: short bad, partly reached warn, reached good."""
    tones = {label("short", lang): "bad", label("reached", lang): "good"}
    return lambda text: display.badge(text, tones.get(text, "warn"))


def area_table(result: CoverageResult, areas: pd.DataFrame, lang: str = "zh", anchored: bool = True) -> HTML:
    """Every area of the scope: streets, then communities from the lowest coverage up.

    With ``anchored`` each row has its ``row-<area_id>`` id (the brief's links land on it); pass
    False on a page that shows :func:`short_table` first: an id is unique in a page.
    """
    frame = _with_street(area_rows(result), areas)
    frame["rate"] = [format_rate(t, p, lang)
                     for t, p in zip(frame["tested"], frame["population"], strict=True)]
    frame["level_name"] = frame["level"].map(lambda v: label(v, lang))
    short = frame[(frame["level"] == "community") & frame["short"]].groupby("parent_id").size()
    frame["state"] = target_states(frame, short, lang)
    columns = {"name": "name", "area_id": "area_id", "level_name": "level", "street_name": "street",
               "rate": "coverage", "gap": "gap", "state": "target_state"}
    formats = {"state": _state_badge(lang)}
    return display.table(frame, columns, lang, formats=formats,
                         csv_name=f"coverage_{result.round['round_id']}.csv",
                         key=ROW_KEYS["communities_short"] if anchored else None)


def area_rows(result: CoverageResult) -> pd.DataFrame:
    """The rows of :func:`area_table`: streets by id, then communities by coverage (lowest first)."""
    table = result.table
    streets = table[table["level"] == "street"].sort_values("area_id")
    communities = table[table["level"] == "community"].sort_values(["coverage", "area_id"],
                                                                   na_position="first")
    return pd.concat([streets, communities], ignore_index=True)


def site_load_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """Sites with a ``status`` column: silent first, then over the alert level, each by peak load."""
    order = sites["status"].map({"silent": 0, "idle": 1, "over": 2, "below": 3})
    ranked = sites.assign(_order=order).sort_values(["_order", "peak_load", "site_id"],
                                                    ascending=[True, False, True])
    return ranked.drop(columns="_order").reset_index(drop=True)


def site_load_table(sites: pd.DataFrame, lang: str = "zh") -> HTML:
    """Sites' samples and worst peak hour against capacity, with their load state."""
    frame = sites.assign(kind=sites["kind"].map(lambda k: label(k, lang)))
    columns = {"name": "name", "site_id": "site_id", "kind": "kind", "samples": "samples",
               "peak_hour_samples": "peak_hour_samples", "capacity_per_hour": "capacity_per_hour",
               "peak_load": "peak_load", "status": "exp_load_state"}
    states = {"silent": ("silent_site", "no_data"), "idle": ("sl_idle", "warn"),
              "over": ("exp_over_alert", "bad"), "below": ("exp_below_alert", "good")}
    formats = {"peak_load": display.share_formatter(0),
               "status": lambda s: display.badge(label(states[s][0], lang), states[s][1])}
    return display.table(frame, columns, lang, formats=formats, csv_name="site_load.csv")


def site_load_headline(sites: pd.DataFrame, alert: float, result: CoverageResult, lang: str = "zh") -> HTML:
    """Cards: sites over the alert level, silent sites, samples of the round in the scope."""
    over = int((sites["status"] == "over").sum())
    silent = int((sites["status"] == "silent").sum())
    cards = [
        {"label": label("exp_over_alert", lang), "value": f"{over} / {len(sites)}",
         "detail": f"{label('exp_load_alert', lang)} {format_share(alert, 0)}",
         "status": "bad" if over else "good"},
        {"label": label("silent_sites", lang), "value": str(silent), "status": "bad" if silent else "good"},
        {"label": f"{label('samples', lang)} · {result.round['name']}",
         "value": format_count(int(sites["samples"].sum()), lang), "status": "neutral"},
    ]
    return display.headline(cards)


def _with_street(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    names = areas.set_index("area_id")["name"]
    return frame.assign(street_name=frame["parent_id"].map(names))


def definitions(lookback_days: int, lang: str = "zh") -> HTML:
    """The exact definitions behind the figures, printed under the headline."""
    return HTML(f'<p class="wb-note">{escape(label("coverage_definition", lang))}<br>'
                f'{escape(label("silent_definition", lang, lookback=lookback_days))}</p>')
