"""The choices the explorer's controls offer, taken from the data: dates, rounds, streets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from workbench.intake.loading import Datasets
from workbench.present.i18n import label

#: The round control's value for "the latest round started by the date" (round_id None).
LATEST = "__latest__"

_DATE_COLUMNS = ("date", "sampled_at", "start", "end", "raised_on", "resolved_on", "planned_on", "done_on")


def date_range(data: Datasets, names: Iterable[str] | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day the data speak of, and the pack's report date.

    Reads every date-time column named ``date``, ``sampled_at``, ``start``, ``end`` (feeds and
    rounds), ``raised_on``, ``resolved_on`` (requests), ``planned_on`` or ``done_on``
    (procedures) of the datasets ``names`` (default: every loaded one). Without any, both ends are the pack's
    report date (or today).
    """
    days = [pd.Timestamp(data.pack.report_date)] if data.pack.report_date else []
    frames = data.values() if names is None else [data[n] for n in names if n in data]
    for frame in frames:
        if hasattr(frame, "span"):  # person-level rows: their first and last sample
            days += list(frame.span)
            continue
        for column in _DATE_COLUMNS:
            if column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column]):
                days += [frame[column].min(), frame[column].max()]
    days = [d for d in days if pd.notna(d)]
    if not days:
        today = dt.date.today()
        return today, today
    return min(days).date(), max(days).date()


def started_rounds(rounds: pd.DataFrame, day) -> pd.DataFrame:
    """The rounds that started on or before ``day``, earliest first."""
    day_end = pd.Timestamp(day).normalize() + pd.Timedelta(days=1)
    return rounds[rounds["start"] < day_end].sort_values("start")


def round_name(row) -> str:
    """``R3 · 第三轮全员核酸检测``."""
    return f"{row['round_id']} · {row['name']}"


def round_options(rounds: pd.DataFrame | None, day, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) pairs: "latest" first (value :data:`LATEST`), then each started round."""
    started = started_rounds(rounds, day) if rounds is not None else pd.DataFrame()
    if started.empty:
        return [(label("exp_no_round", lang), LATEST)]
    latest = label("exp_round_latest", lang, round=round_name(started.iloc[-1]))
    return [(latest, LATEST)] + [(round_name(row), str(row["round_id"])) for _, row in started.iterrows()]


def street_options(areas: pd.DataFrame | None, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) pairs: the district, then every street of ``areas`` by id."""
    if areas is None:
        return [(label("district", lang), "district")]
    streets = areas[areas["level"] == "street"].sort_values("area_id")
    pairs = zip(streets["area_id"], streets["name"], strict=True)
    return [(label("district", lang), "district")] + [(f"{name} ({code})", str(code)) for code, name in pairs]
