"""Site load against hourly capacity, its own table in the testing-coverage report.

Figures from :func:`workbench.domains.coverage.site_round_summary` (the round's samples and worst
peak hour per site) and the daily load the coverage result already holds; states from
:func:`workbench.domains.coverage.site_load_status`. Nothing is recomputed from the samples here.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from workbench.domains import coverage
from workbench.present import display
from workbench.present.i18n import format_share, label
from workbench.present.safe_html import escape
from workbench.present.views.coverage import site_load_rows

#: Palette key of each load state (the same colours as the sites on the site-load map).
STATE_TONES = {"silent": "no_data", "idle": "warn", "over": "bad", "below": "good"}


def peak_days(site_load: pd.DataFrame) -> pd.Series:
    """Each site's day of its busiest hour in the round (the first such day on a tie), by ``site_id``."""
    if site_load.empty:
        return pd.Series(dtype="datetime64[ns]")
    ranked = site_load.sort_values(["site_id", "peak_hour_samples", "date"], ascending=[True, False, True])
    return ranked.drop_duplicates("site_id").set_index("site_id")["date"]


def load_rows(summary: pd.DataFrame, result, alert: float = 1.0) -> pd.DataFrame:
    """The table's rows: the sites with ``status``, ``peak_day`` and ``exception`` (silent or over),
    silent first, then over capacity, each by peak load (highest first)."""
    frame = summary.assign(status=coverage.site_load_status(summary, alert))
    frame = site_load_rows(frame)
    # by a dict: a street none of whose sites sampled in the round maps to NaT, never raises
    frame["peak_day"] = pd.to_datetime(frame["site_id"].map(peak_days(result.site_load).to_dict()))
    frame["exception"] = frame["status"] != "below"
    return frame


def definition(alert: float = 1.0, lang: str = "zh") -> HTML:
    text = label("sl_definition", lang, alert=format_share(alert, 0))
    return HTML(f'<p class="wb-note">{escape(text)}</p>')


def headline(rows: pd.DataFrame, lang: str = "zh") -> HTML:
    """A card: the sites at or over capacity in their busiest hour (the silent ones have their section)."""
    if rows.empty:  # no testing sites in the scope (or in the pack): nothing to judge
        return display.headline([{"label": label("sl_over_card", lang), "value": "—",
                                  "detail": label("sl_no_sites", lang), "status": "no_data"}])
    over = rows[rows["status"] == "over"]
    return display.headline([
        {"label": label("sl_over_card", lang), "value": f"{len(over)} / {len(rows)}",
         "detail": display.display_names(over.head(5), "site_id") or label("none", lang),
         "status": "bad" if len(over) else "good"}])


def table(rows: pd.DataFrame, lang: str = "zh", csv_name: str = "site_load.csv") -> HTML:
    """Every site: state, peak-hour samples against capacity per hour, peak load; exceptions first,
    the others folded."""
    frame = rows.assign(kind=rows["kind"].map(lambda k: label(k, lang)))
    columns = {"name": "site", "status": "sl_status", "peak_load": "sl_peak_load",
               "peak_hour_samples": "peak_hour_samples", "capacity_per_hour": "capacity_per_hour",
               "peak_day": "sl_peak_day", "samples": "sl_samples_round", "kind": "kind", "site_id": "site_id"}
    kinds = {"name": "text", "site_id": "text", "status": "status:sl_", "peak_load": "rate",
             "peak_hour_samples": "count", "capacity_per_hour": "count", "peak_day": "date",
             "samples": "count", "kind": "text"}
    formats = {"peak_day": lambda d: "—" if pd.isna(d) else
               f'<span style="white-space:nowrap">{pd.Timestamp(d):%m-%d}</span>'}
    exceptions = int(frame["exception"].sum())
    return display.table(frame, columns, lang, kinds=kinds, formats=formats, tones=STATE_TONES,
                         csv_name=csv_name, exceptions="exception", fold_after=exceptions,
                         empty_text=label("sl_no_sites", lang))
