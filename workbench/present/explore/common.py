"""What the explorer's domain metrics share: map keywords, window and "every" choices, the
outline of the chosen feature, the history table.

Why a feature *dropdown* rather than a click on the map: the maps are folium pages in an
``<iframe srcdoc>`` (the same pages as the shared reports, Leaflet inlined, offline), and a
click in such a sandboxed frame cannot reach the Python kernel, in JupyterLab or in Voilà.
ipyleaflet would give clicks but is not installed, needs its own front-end extension and
loads its tiles and assets differently from the reports. So every metric lists the features
it draws (``MetricView.features``); choosing one in the explorer's "history of" dropdown
outlines it on the map (:func:`outline_feature`) and shows its history beside the map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd

from workbench.present import display
from workbench.present.explore.registry import Context, Control, History, Selection
from workbench.present.i18n import label
from workbench.present.maps import base
from workbench.present.maps.base import MapOptions
from workbench.present.maps.enterprises import map_bounds
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape

#: The outline of the feature whose history is shown.
HIGHLIGHT = "#000000"


def map_options(context: Context, selection: Selection) -> MapOptions:
    """What every map of :mod:`workbench.present.maps` takes: context layer, basemap, language, datum."""
    return MapOptions(boundaries=context.optional("admin_boundaries"), basemap=selection.basemap,
                      lang=selection.lang, source_datum=context.pack.datum)


def tone_points_map(context: Context, selection: Selection, points: pd.DataFrame, name: str,
                    legend: Sequence[tuple[str, str]]):
    """A map of ``points`` coloured by their tone; None when none of them has a place.

    ``points`` needs ``lon``, ``lat`` (missing: not drawn), ``tone`` (a key of
    :data:`~workbench.present.palette.STATUS_COLOURS`, the domain's class), ``tooltip``
    (HTML built from escaped values) and ``radius``. ``legend`` is ``[(tone, text), ...]``
    under the title ``name``.
    """
    located = points.dropna(subset=["lon", "lat"])
    if located.empty:
        return None
    options = map_options(context, selection)
    fmap = options.new_map(map_bounds(located["lon"], located["lat"]))
    base.add_points(fmap, located["lon"], located["lat"], list(located["tooltip"]), name,
                    radius=located["radius"].to_numpy(), colour=[STATUS_COLOURS[t] for t in located["tone"]])
    items = [(STATUS_COLOURS[tone], text) for tone, text in legend]
    base.add_legend(fmap, [(name, items)], note=options.datum_note(fmap), lang=selection.lang)
    return base.finish(fmap)


#: The value of a filter's "every ..." choice (a dropdown's None means "nothing chosen").
EVERY = ""


def every_option(lang: str, key: str = "exp_all") -> list[tuple[str, str]]:
    """The "every ..." choice of a filter dropdown (value :data:`EVERY`)."""
    return [(label(key, lang), EVERY)]


def window_control(default: int, choices: Sequence[int] = (1, 3, 7, 14, 30), key: str = "window",
                   label_key: str = "exp_window") -> Control:
    """A dropdown of numbers of days, ``default`` first (it is the initial value).

    A window by default; ``label_key`` names another count of days (days before a request is
    overdue, days without progress before a project is stalled).
    """
    days = [default, *(d for d in choices if d != default)]

    def options(context: Context, lang: str) -> list[tuple[str, int]]:
        return [(label("exp_days", lang, days=d), d) for d in days]

    return Control(key, label_key, options)


def filter_control(key: str, label_key: str, every: str,
                   values: Callable[[Context], Iterable[tuple[str, str]]],
                   translate: Callable[[str, str], str] | None = None) -> Control:
    """A dropdown "every ..." (:data:`EVERY`) then each ``(text, value)`` of ``values(context)``.

    ``translate(value, lang)``, when given, names each value in the language instead of its
    text (place kinds, zones). A metric reads the choice with ``selection.option(key) or None``
    (None: no filter).
    """

    def options(context: Context, lang: str) -> list[tuple[str, str]]:
        pairs = [(translate(str(v), lang) if translate else str(t), str(v)) for t, v in values(context)]
        return every_option(lang, every) + pairs

    return Control(key, label_key, options)


def point_features(frame: pd.DataFrame, key: str, name: str = "name") -> pd.DataFrame:
    """``feature``, ``label``, ``lon``, ``lat`` of the points of ``frame`` (id column ``key``)."""
    return pd.DataFrame({"feature": frame[key].astype(str).to_numpy(),
                         "label": (frame[name].astype(str) + " (" + frame[key].astype(str) + ")").to_numpy(),
                         "lon": frame["lon"].to_numpy(), "lat": frame["lat"].to_numpy()})


def area_features(area_ids: Iterable, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``feature``, ``label``, ``geometry`` of the areas ``area_ids`` (in that order)."""
    indexed = areas.set_index("area_id")
    ids = [a for a in dict.fromkeys(map(str, area_ids)) if a in indexed.index]
    chosen = indexed.loc[ids]
    return gpd.GeoDataFrame({"feature": ids, "label": [f"{n} ({a})" for a, n in zip(ids, chosen["name"],
                                                                                     strict=True)]},
                            geometry=chosen.geometry.to_numpy(), crs=areas.crs)


def outline_feature(fmap, features: pd.DataFrame | None, feature: str | None):
    """Outline ``feature`` of ``features`` (see ``MetricView.features``) on ``fmap``.

    Nothing is drawn when there is no map, no feature is chosen, it is not listed, or it has
    no location.
    """
    located = features is not None and ("geometry" in features.columns or "lon" in features.columns)
    if fmap is None or not located or feature is None:
        return fmap
    chosen = features[features["feature"] == feature]
    if "lon" in chosen.columns:
        chosen = chosen.dropna(subset=["lon", "lat"])
    if chosen.empty:
        return fmap
    tips = [f"<b>{escape(text)}</b>" for text in chosen["label"]]
    if "geometry" in chosen.columns:
        shapes = gpd.GeoDataFrame(chosen[["geometry"]], geometry="geometry", crs=features.crs)
        return base.add_outlines(fmap, shapes, HIGHLIGHT, tips, "history", weight=4.0)
    return base.add_points(fmap, chosen["lon"], chosen["lat"], tips, "history", radius=14.0,
                           colour="none", outline=HIGHLIGHT)


def history_view(frame: pd.DataFrame, columns: Mapping[str, str], lang: str, title: str,
                 formats: Mapping[str, Callable] | None = None, data: pd.DataFrame | None = None) -> History:
    """A :class:`History`: a heading and the escaped table of ``columns`` of ``frame``.

    ``data`` is the table kept as data (default ``frame``), when ``frame`` holds display text.
    """
    table = display.table(frame, columns, lang, formats=formats, decimals=6,
                          empty_text=label("exp_no_history", lang)).data
    heading = f'<h3 class="wb-history">{escape(label("exp_history_of", lang, feature=title))}</h3>'
    kept = frame if data is None else data
    return History(kept.reset_index(drop=True), heading + table)


def day_text(value, missing: str = "—") -> str:
    """A date as ``YYYY-MM-DD`` in a history table; ``missing`` when there is none (not done yet)."""
    return missing if pd.isna(value) else f"{value:%Y-%m-%d}"


def titled(names: pd.Series, feature: str) -> str:
    """``name (id)`` of ``feature``, ``names`` being a name column indexed by id as text."""
    return f"{names.get(feature, '')} ({feature})"


def feature_label(features: pd.DataFrame | None, feature: str) -> str:
    """The label of ``feature`` in ``features`` (the id itself when not listed)."""
    if features is None:
        return feature
    found = features.loc[features["feature"] == feature, "label"]
    return str(found.iloc[0]) if len(found) else feature
