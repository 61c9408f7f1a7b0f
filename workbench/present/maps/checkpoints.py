"""The checkpoint map: road checkpoints sized by their daily flow, street outlines for orientation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.domains.checkpoints import STATES, CheckpointResult
from workbench.present.i18n import format_count, format_rate, label
from workbench.present.maps import base
from workbench.present.palette import SITE_KIND_COLOURS, STATUS_COLOURS
from workbench.present.safe_html import escape

STREET_OUTLINE = "#777"


#: The colour of each state of :func:`workbench.domains.checkpoints.checkpoint_states`.
STATE_COLOURS = {"missing_today": STATUS_COLOURS["no_data"], "incomplete": STATUS_COLOURS["warn"],
                 "complete": SITE_KIND_COLOURS["checkpoint"]}


def checkpoint_colours(week: pd.DataFrame) -> list[str]:
    """The colour of each checkpoint's ``state``: grey without the last 24 h, amber when it missed
    another day of the window, the checkpoint colour otherwise."""
    return [STATE_COLOURS[s] for s in week["state"]]


def _tooltip(row, today, missing_days: list[str], days: int, lang: str) -> str:
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['checkpoint_id'])})"]
    if today is not None and bool(today["reported"]):
        lines += [
            escape(f"{label('last_24h', lang)}: "
                   f"{label('cp_vehicles', lang)} {format_count(today['vehicles'], lang)}, "
                   f"{label('cp_people', lang)} {format_count(today['people'], lang)}"),
            f"{escape(label('cp_from_risk_areas', lang))}: "
            f"{escape(format_rate(int(today['from_risk_areas']), int(today['people']), lang))}",
            f"{escape(label('cp_landing_tests', lang))}: "
            f"{escape(format_count(today['landing_tests'], lang))}",
        ]
    else:
        lines.append(f"<b>{escape(label('last_24h', lang))}: {escape(label('cp_missing', lang))}</b>")
    lines.append(f"{escape(label('cp_people_per_day', lang))} ({escape(label('last_days', lang, n=days))}): "
                 f"{escape(format_count(row['people_per_day'], lang))}")
    lines.append(f"{escape(label('cp_days_reported', lang))}: "
                 f"{escape(row['days_reported'])} / {escape(row['days_expected'])}")
    if missing_days:
        lines.append(f"{escape(label('cp_missing', lang))}: {escape(', '.join(missing_days))}")
    return "<br>".join(lines)


def checkpoint_map(result: CheckpointResult, areas: gpd.GeoDataFrame,
                   options: base.MapOptions | None = None):
    """The map of a :class:`~workbench.domains.checkpoints.CheckpointResult`.

    Parameters
    ----------
    areas : GeoDataFrame
        Area polygons (``area_id``, ``name``, ``level``, ``geometry``), WGS-84; streets are
        outlined.
    options : MapOptions, optional
        Context layer, basemap, language and datum (:class:`~workbench.present.maps.base.MapOptions`).
    """
    options = options or base.MapOptions()
    lang = options.lang
    week = result.week
    streets = areas[areas["level"] == "street"]
    fmap = options.new_map(base.extent_of(streets, week["lon"], week["lat"]))
    if len(streets):
        base.add_outlines(fmap, streets, STREET_OUTLINE, [f"<b>{escape(n)}</b>" for n in streets["name"]],
                          name=label("street", lang), weight=1.5, dash="4 3")

    today = result.today.set_index("checkpoint_id")
    missing = result.missing.groupby("checkpoint_id")["date"].apply(lambda d: [f"{x:%m-%d}" for x in d])
    flow = week["people_per_day"].fillna(0).to_numpy(dtype=float)
    radius = 5 + 15 * np.sqrt(flow / max(flow.max(), 1.0))
    tips = [_tooltip(row, today.loc[row["checkpoint_id"]] if row["checkpoint_id"] in today.index else None,
                     missing.get(row["checkpoint_id"], []), len(result.days), lang)
            for _, row in week.iterrows()]
    base.add_points(fmap, week["lon"], week["lat"], tips, name=label("checkpoints", lang), radius=radius,
                    colour=checkpoint_colours(week), outline="#000",
                    flagged=(week["state"] == "missing_today").to_numpy())

    silent = week[week["state"] == "missing_today"]
    base.add_labels(fmap, silent["lon"], silent["lat"], silent["name"], lang)
    texts = {"complete": label("cp_reported", lang), "incomplete": label("cp_incomplete", lang),
             "missing_today": f"{label('last_24h', lang)}: {label('cp_missing', lang)}"}
    items = [(STATE_COLOURS[state], texts[state]) for state in reversed(STATES)]
    base.add_legend(fmap, [(label("cp_legend_size", lang, days=len(result.days)), items)],
                    note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)
