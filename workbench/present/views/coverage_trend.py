"""Coverage round after round in the testing-coverage report: small multiples and a compact table.

Figures from :func:`workbench.domains.coverage_rounds.coverage_by_round`; nothing is computed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import HTML

from workbench.domains.bands import BAND_TONE
from workbench.domains.coverage_rounds import DISTRICT, latest_round
from workbench.present import charts, display
from workbench.present.downloads import csv_download_link, export_frame, xlsx_download_link
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal

TARGET_COLOUR = "#777"
#: A street's report folds its communities' charts beyond the exceptions when it has more than this many.
FOLD_MEMBERS_OVER = 6


def definition(trend: pd.DataFrame, target: float, lang: str = "zh") -> HTML:
    """What the trend shows, in words: the rounds so far and the definition of coverage."""
    rounds = trend.drop_duplicates("round_id")
    listed = ("；" if lang == "zh" else "; ").join(
        f"{r.round_name} {r.start:%m-%d %H:%M}–{r.end:%m-%d %H:%M}" for r in rounds.itertuples(index=False))
    text = label("cr_definition", lang, target=format_share(target, 0))
    return HTML(f'<p class="wb-note">{escape(mask_personal(listed))}<br>{escape(text)}</p>')


def _round_chart(rows: list, target: float, lang: str) -> str:
    """One area's coverage per round (its points joined), with the target line; ``rows``: its
    rows of the trend (named tuples), round after round."""
    colour = STATUS_COLOURS[BAND_TONE[rows[-1].band]]
    starts = [r.start for r in rows]
    coverage = np.array([r.coverage for r in rows], dtype="float64")
    series = [
        charts.Series(label("target", lang), [starts[0], starts[-1]], [target, target], colour=TARGET_COLOUR,
                      dash="5 4", width=1.2),
        charts.Series(label("coverage", lang), starts, coverage, colour=colour, width=2.2),
        charts.Series(label("coverage", lang), starts, coverage, colour=colour, kind="points"),
    ]
    name = mask_personal(str(rows[0].name))
    words = "; ".join(f"{r.round_name}: {format_rate(r.tested, r.population, lang)}" for r in rows)
    pad = pd.Timedelta(hours=8)
    return charts.line_chart(
        series, f"{name} · {label('coverage', lang)}", width=220, height=150, y_min=None,
        y_format=charts.format_share_tick, show_legend=False, font_size=13,
        x_range=(starts[0] - pad, starts[-1] + pad), x_ticks=charts.day_ticks(starts),
        description=mask_personal(words))


def _heading(rows: list, lang: str) -> str:
    last = rows[-1]
    tone = BAND_TONE[last.band]
    status = display.badge(label("short" if last.short else "reached", lang), tone)
    rate = format_rate(last.tested, last.population, lang)
    return (f"<b>{escape(mask_personal(str(last.name)))}</b> {status}<br>"
            f'<span class="wb-note">{escape(last.round_name)}: {escape(rate)}</span>')


def _rows_by_area(trend: pd.DataFrame) -> dict[str, list]:
    """The trend's rows (named tuples) by area, areas and rows in the trend's order.

    A street draws a chart for each of its dozens of communities: plain tuples, not a frame per
    area, keep that at a few milliseconds."""
    areas: dict[str, list] = {}
    for row in trend[["area_id", "name", "band", "short", "start", "coverage", "tested", "population",
                      "round_name"]].itertuples(index=False):
        areas.setdefault(row.area_id, []).append(row)
    return areas


def charts_html(trend: pd.DataFrame, target: float, lang: str = "zh") -> HTML:
    """The total's and each member's coverage round after round, as small multiples.

    The total first, then the members short in the latest round; the other members are shown
    too, or folded when there are more than :data:`FOLD_MEMBERS_OVER` members (a street's communities).
    """
    if trend.empty:
        return HTML(f'<p class="wb-note">{escape(label("cr_no_rounds", lang))}</p>')
    latest = latest_round(trend)
    blocks = {area: charts.chart_block(_heading(rows, lang), _round_chart(rows, target, lang))
              for area, rows in _rows_by_area(trend).items()}
    total = latest.loc[latest["role"] == "total", "area_id"].tolist()
    members = latest[latest["role"] == "member"].sort_values(["short", "coverage", "area_id"],
                                                              ascending=[False, True, True])
    short = members.loc[members["short"], "area_id"].tolist()
    rest = members.loc[~members["short"], "area_id"].tolist()
    fold = len(members) > FOLD_MEMBERS_OVER
    shown = [blocks[a] for a in total + short + ([] if fold else rest)]
    legend = charts.legend([(STATUS_COLOURS["good"], None, "line", label("cr_legend_coverage", lang)),
                            (TARGET_COLOUR, "5 4", "line",
                             label("cr_legend_target", lang, target=format_share(target, 0)))],
                           title=label("cr_section", lang), width=420, font_size=12)
    html = f'<div style="max-width:460px">{legend}</div>' + charts.chart_grid(shown, min_width=170)
    if fold and rest:
        html += charts.folded(label("cr_more_charts", lang, n=len(rest)),
                              charts.chart_grid([blocks[a] for a in rest], min_width=170))
    return HTML(html)


def _wide(trend: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per area (total first), one column per round, the latest first (what a narrow screen
    shows without scrolling), each cell (coverage, tested, population); the code last."""
    rounds = list(dict.fromkeys(trend["round_id"]))[::-1]
    names = trend.drop_duplicates("round_id").set_index("round_id")["round_name"]
    areas = trend.drop_duplicates("area_id")[["area_id", "name", "role"]].reset_index(drop=True)
    latest = latest_round(trend).set_index("area_id")
    areas["exception"] = (areas["role"] == "total") | areas["area_id"].map(latest["short"]).fillna(False)
    areas["code"] = areas["area_id"].where(areas["area_id"] != DISTRICT, "")
    cells = {(r.area_id, r.round_id): (r.coverage, r.tested, r.population)
             for r in trend.itertuples(index=False)}
    frame = areas.copy()
    columns = {"name": "cr_area"}
    for number, round_id in enumerate(rounds):
        column = f"round_{number}"
        frame[column] = pd.Series([cells.get((a, round_id)) for a in areas["area_id"]], dtype=object)
        columns[column] = str(names[round_id])
    columns["code"] = "area_id"
    return frame, columns


def _rate_cell(cell) -> str:
    """A coverage over its numerator and denominator, right-aligned like a number, sorted by the share."""
    if cell is None or pd.isna(cell[0]):
        return "—"
    share, tested, population = cell
    return (f'<div style="text-align:right;white-space:nowrap"><data value="{float(share)!r}">'
            f"{escape(format_share(share))}</data><br><small>{escape(format_count(tested))} / "
            f"{escape(format_count(population))}</small></div>")


def table(trend: pd.DataFrame, lang: str = "zh", csv_name: str = "coverage_by_round.csv") -> HTML:
    """Each area's coverage in each round (share over tested / population), the latest round first.

    The total and the members short in the latest round come first; a street's communities that
    reached it are folded when there are more than :data:`FOLD_MEMBERS_OVER`. The downloads hold
    the same figures one row per area and round, numbers as numbers."""
    if trend.empty:
        return HTML(f'<p class="wb-note">{escape(label("cr_no_rounds", lang))}</p>')
    frame, columns = _wide(trend)
    formats = {c: _rate_cell for c in columns if c.startswith("round_")}
    members = int((frame["role"] == "member").sum())
    fold = int(frame["exception"].sum()) if members > FOLD_MEMBERS_OVER else None
    shown = display.table(frame, columns, lang, formats=formats, exceptions="exception", fold_after=fold)
    long_columns = {"round_name": "round", "start": "cr_start", "name": "cr_area", "area_id": "area_id",
                    "tested": "tested", "population": "population", "coverage": "coverage"}
    kinds = {"round_name": "text", "start": "date", "name": "text", "area_id": "text", "tested": "count",
             "population": "count", "coverage": "rate"}
    masked = trend.assign(name=trend["name"].map(lambda v: mask_personal(str(v))))
    export = export_frame(masked, long_columns, kinds, lang)
    by_label = {label(k, lang): kinds[c] for c, k in long_columns.items()}
    stem = csv_name[:-4] if csv_name.endswith(".csv") else csv_name
    downloads = (f'<div class="wb-downloads">{csv_download_link(export, csv_name, lang)} '
                 f"{xlsx_download_link(export, stem + '.xlsx', by_label, lang)}</div>")
    return HTML(shown.data + downloads)
