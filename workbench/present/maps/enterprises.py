"""The enterprise map: key enterprises coloured by their worst target status, with tooltips."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.domains.enterprises import CHECK_ITEMS, STATUS_PALETTE, EnterpriseResult
from workbench.present.charts import format_quantity
from workbench.present.i18n import format_count, format_share, label, unit_text
from workbench.present.maps import base
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape

#: Half the side (degrees) of the box a map of a single enterprise is fitted to.
SINGLE_POINT_PAD = 0.02


def _status_name(status: str, lang: str) -> str:
    return label("ent_no_target" if status == "no_data" else f"ent_{status}", lang)


def enterprise_tooltip(row: pd.Series, targets: pd.DataFrame, check: pd.Series | None,
                       missing_days: int, lang: str = "zh") -> str:
    """The tooltip of one enterprise: every value escaped."""
    lines = [f"<b>{escape(row['name'])}</b> ({escape(row['enterprise_id'])})",
             f"{escape(label('ent_sector', lang))}: {escape(row.get('sector', ''))} · "
             f"{escape(label('ent_employees', lang))}: {escape(format_count(row.get('employees'), lang))}",
             f"{escape(label('ent_legend_status', lang))}: "
             f"<b>{escape(_status_name(row['status'], lang))}</b>"]
    if bool(row.get("closed_loop") is not pd.NA and row.get("closed_loop")):
        since = row.get("closed_loop_since")
        since = "" if since is None or pd.isna(since) or since == "" else f" ({since})"
        lines.append(escape(label("ent_closed_loop", lang) + since))
    for _, t in targets.iterrows():
        lines.append(f"{escape(t['product'])}: {escape(format_share(t['progress']))} "
                     f"({escape(format_quantity(t['ytd']))} / {escape(format_quantity(t['target']))} "
                     f"{escape(unit_text(t['unit'], lang))}) · "
                     f"{escape(label('ent_projected_share', lang))} "
                     f"{escape(format_share(t['projected_share']))} · "
                     f"{escape(_status_name(t['status'], lang))}")
    if check is not None and pd.notna(check["check_date"]):
        items = [label(f"ent_check_{i}", lang) for i in check["failed_items"]]
        failed = ("、" if lang == "zh" else ", ").join(items)
        text = (f"{label('ent_check_date', lang)}: {check['check_date']:%Y-%m-%d} · "
                f"{check['items_ok']} / {len(CHECK_ITEMS)}" + (f" · ✗ {failed}" if failed else ""))
        lines.append(escape(text))
    elif check is not None:
        lines.append(escape(label("ent_not_checked", lang)))
    if missing_days:
        lines.append(f"<b>{escape(label('ent_missing_days', lang))}: {escape(missing_days)}</b>")
    return "<br>".join(lines)


def map_bounds(lon, lat) -> list[float]:
    """(minx, miny, maxx, maxy) around the points, with a margin; more below, where the legend sits.

    Nearly a single point is widened to ``SINGLE_POINT_PAD`` degrees on each side.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    minx, maxx, miny, maxy = lon.min(), lon.max(), lat.min(), lat.max()
    pad_x = max(0.1 * (maxx - minx), SINGLE_POINT_PAD - (maxx - minx) / 2, 0.0)
    pad_y = max(0.1 * (maxy - miny), SINGLE_POINT_PAD - (maxy - miny) / 2, 0.0)
    return [minx - pad_x, miny - pad_y - 0.25 * (maxy - miny), maxx + pad_x, maxy + pad_y]


def enterprise_map(result: EnterpriseResult, options: base.MapOptions | None = None):
    """The enterprises of an :class:`~workbench.domains.enterprises.EnterpriseResult` on a map.

    Each enterprise is a circle coloured by its worst target status (grey without a target),
    sized by employees, outlined in black when it is under closed-loop management.

    Parameters
    ----------
    options : MapOptions, optional
        Context layer, basemap, language and datum (:class:`~workbench.present.maps.base.MapOptions`).
    """
    options = options or base.MapOptions()
    lang = options.lang
    ents = result.enterprises
    fmap = options.new_map(map_bounds(ents["lon"], ents["lat"]))

    checks = result.checks.set_index("enterprise_id")
    missing = result.missing.groupby("enterprise_id").size()
    tips = []
    for _, row in ents.iterrows():
        eid = row["enterprise_id"]
        targets = result.progress[result.progress["enterprise_id"] == eid]
        check = checks.loc[eid] if eid in checks.index else None
        tips.append(enterprise_tooltip(row, targets, check, int(missing.get(eid, 0)), lang))
    employees = ents["employees"].astype("float64").fillna(0).to_numpy()
    top = max(float(employees.max()) if len(employees) else 1.0, 1.0)
    radius = 5 + 9 * np.sqrt(employees / top)
    colours = [STATUS_COLOURS[STATUS_PALETTE[s]] for s in ents["status"]]
    closed = ents["closed_loop"].fillna(False).astype(bool).to_numpy()
    outlines = np.where(closed, "#000", "#fff")
    base.add_points(fmap, ents["lon"], ents["lat"], tips, name=label("ent_legend_status", lang),
                    radius=radius, colour=colours, outline=outlines, cluster=len(ents) > 200,
                    flagged=(ents["status"] == "behind").to_numpy())

    behind = ents[ents["status"] == "behind"]
    base.add_labels(fmap, behind["lon"], behind["lat"], behind["name"], lang)
    items = [(STATUS_COLOURS[STATUS_PALETTE[s]], _status_name(s, lang))
             for s in ("behind", "at_risk", "on_track", "no_data")]
    marks = [("#ffffff", label("ent_legend_size", lang)), ("#000000", label("ent_legend_outline", lang))]
    sections = [(label("ent_legend_status", lang), items), (label("ent_legend_marks", lang), marks)]
    base.add_legend(fmap, sections, note=options.datum_note(fmap), lang=lang)
    return base.finish(fmap)
