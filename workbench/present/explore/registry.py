"""The explorer's metrics: functions that turn a selection into a table and a map, by name.

A metric is a function ``(context, selection) -> MetricView`` registered under a key with
:func:`register_metric`; the explorer offers every registered metric whose datasets the pack
has. The :class:`Context` holds the loaded datasets and a cache, so a metric can keep heavy
intermediate results (a person-level count per round) while cheap steps such as classifying
against a threshold run again on every change.

A metric may declare its own :class:`Control` s (a window, a team, a commodity...: dropdowns
whose values reach it in ``selection.options``), and a ``history`` function
``(context, selection) -> History``: the history of the map feature ``selection.feature``
(an area, a place, a checkpoint...) across rounds or days. The features a history can be
asked for are the ``features`` of the metric's :class:`MetricView`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import folium
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.intake.catalog import Pack
from workbench.intake.loading import Datasets


@dataclass(frozen=True)
class Threshold:
    """The slider a metric offers: its label key, range, step and default value."""

    label: str
    minimum: float
    maximum: float
    step: float
    default: float


@dataclass(frozen=True)
class Control:
    """A dropdown a metric offers besides the common controls (window, team, commodity...).

    Its value reaches the metric as ``selection.option(key)``; metrics sharing a ``key`` share
    the dropdown. ``label`` is the label key of its description, and ``options(context, lang)``
    gives its ``[(label, value), ...]``, plain values (str, int, None), the first the default.
    """

    key: str
    label: str
    options: Callable[[Context, str], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Selection:
    """What the analyst chose: every control's value, as plain values.

    Attributes
    ----------
    date : Timestamp
        The report date (midnight).
    round_id : str or None
        None: the latest round started on or before ``date``.
    scope : str
        ``"district"`` or a street's ``area_id``.
    metric : str
        A key of :data:`METRICS`.
    threshold : float
        The metric's slider value (a coverage target, an alert level, ...).
    basemap : str
        One of :data:`workbench.present.maps.BASEMAPS` (without a key: not ``tianditu``).
    lang : str
        ``zh`` or ``en``.
    options : tuple of (str, value) pairs
        The values of the metric's own :class:`Control` s, by key.
    feature : str or None
        The map feature (area, place, checkpoint...) whose history is asked for.
    """

    date: pd.Timestamp
    round_id: str | None = None
    scope: str = "district"
    metric: str = "coverage"
    threshold: float = 0.95
    basemap: str = "none"
    lang: str = "zh"
    options: tuple[tuple[str, Any], ...] = ()
    feature: str | None = None

    def option(self, key: str, default: Any = None) -> Any:
        """The value of control ``key`` (``default`` when the selection has none)."""
        return dict(self.options).get(key, default)


@dataclass
class MetricView:
    """What a metric shows: its table (as data and as safe HTML), its map, headline and notes.

    ``fmap`` is None for a metric whose figures have no place (projects' procedures): the
    explorer then hides the map. ``features`` lists what has a history: columns ``feature``
    (an id), ``label`` (plain text) and, to outline the chosen one on the map, either
    ``lon``/``lat`` (a point; missing for a feature without a place) or ``geometry`` (a
    polygon), WGS-84.
    """

    table: pd.DataFrame
    fmap: folium.Map | None
    table_html: str
    summary_html: str = ""
    notes: list[str] = field(default_factory=list)
    features: pd.DataFrame | None = None


@dataclass
class History:
    """The history of one map feature: its rows (one per round or day) and their safe HTML."""

    table: pd.DataFrame
    html: str


@dataclass(frozen=True)
class Metric:
    """A registered metric.

    Attributes
    ----------
    key : str
        Its name in :data:`METRICS` and in :class:`Selection`.
    label : str
        Label key of its name (see :mod:`workbench.present.i18n`).
    compute : callable
        ``compute(context, selection) -> MetricView``.
    datasets : tuple of str
        Datasets it needs; the explorer offers it only when the pack has them all.
    optional : tuple of str
        Datasets it uses when the pack has them (e.g. ``admin_boundaries``).
    threshold : Threshold or None
        Its slider (None: the slider is hidden).
    uses_round : bool
        Whether the round control applies (it is disabled and hidden otherwise).
    uses_scope : bool
        Whether the street control applies (hidden otherwise).
    controls : tuple of Control
        Its own dropdowns, shown only while it is chosen.
    history : callable or None
        ``history(context, selection) -> History`` of ``selection.feature``.
    """

    key: str
    label: str
    compute: Callable[[Context, Selection], MetricView]
    datasets: tuple[str, ...]
    threshold: Threshold | None
    optional: tuple[str, ...] = ()
    uses_round: bool = True
    uses_scope: bool = True
    controls: tuple[Control, ...] = ()
    history: Callable[[Context, Selection], History] | None = None


#: Every registered metric, by key, in the order of registration (the order of the menu).
METRICS: dict[str, Metric] = {}


def register_metric(key: str, *, label: str, datasets: Iterable[str], threshold: Threshold | None = None,
                    optional: Iterable[str] = (), uses_round: bool = True, uses_scope: bool = True,
                    controls: Iterable[Control] = (), history: Callable | None = None) -> Callable:
    """Register the decorated function ``(context, selection) -> MetricView`` as metric ``key``.

    Registering a key again replaces the earlier metric (handy while developing one in a
    notebook). See :class:`Metric` for the keywords.
    """

    def decorate(compute: Callable) -> Callable:
        METRICS[key] = Metric(key, label, compute, tuple(datasets), threshold, tuple(optional), uses_round,
                              uses_scope, tuple(controls), history)
        return compute

    return decorate


def available_metrics(pack: Pack) -> list[Metric]:
    """The registered metrics whose required datasets ``pack`` lists."""
    return [m for m in METRICS.values() if all(pack.has(name) for name in m.datasets)]


def datasets_to_load(metrics: Iterable[Metric], pack: Pack) -> list[str]:
    """Every dataset the metrics need, plus the optional ones ``pack`` has, without repeats."""
    names: dict[str, None] = {}
    for metric in metrics:
        names.update(dict.fromkeys(metric.datasets))
        names.update(dict.fromkeys(n for n in metric.optional if pack.has(n)))
    return list(names)


class Context:
    """The loaded datasets a metric reads, and a cache it may keep results in.

    Parameters
    ----------
    data : Datasets
        As returned by :func:`workbench.intake.loading.load_datasets`.
    loader : callable, optional
        ``loader(names) -> Datasets``: loads more datasets of the same pack when a metric
        needs them (:meth:`ensure`); without it only ``data`` is available.
    """

    def __init__(self, data: Datasets, loader: Callable[[list[str]], Datasets] | None = None):
        self.data = data
        self.pack = data.pack
        self.loader = loader
        self.notes: list[str] = []
        self._cache: dict[Hashable, Any] = {}

    def has(self, names: Iterable[str]) -> bool:
        """Whether every dataset of ``names`` is loaded or can be loaded."""
        return all(n in self.data or (self.loader is not None and self.pack.has(n)) for n in names)

    def ensure(self, names: Iterable[str], optional: Iterable[str] = ()) -> None:
        """Load the datasets of ``names`` not loaded yet (those already loaded are kept as they are).

        An ``optional`` dataset (map context) that cannot be loaded is left out, with a note
        in :attr:`notes`.

        Raises
        ------
        DataError
            From the loader, when a required dataset does not pass its checks.
        """
        self._load(names)
        for name in optional:
            try:
                self._load([name])
            except WorkbenchError as exc:
                note = f"{name} left out: {exc}"
                if note not in self.notes:
                    self.notes.append(note)

    def _load(self, names: Iterable[str]) -> None:
        missing = [n for n in names if n not in self.data]
        if not missing or self.loader is None:
            return
        more = self.loader(missing)
        frames = {**{n: more[n] for n in more}, **dict(self.data)}
        self.data = Datasets(self.pack, frames, [*self.data.warnings, *more.warnings])

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value cached under ``key``, computed by ``compute()`` the first time."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def optional(self, name: str):
        """Dataset ``name`` if it was loaded, else None."""
        return self.data.get(name)


def metric_of(selection: Selection) -> Metric:
    """The registered metric ``selection.metric``."""
    try:
        return METRICS[selection.metric]
    except KeyError:
        known = ", ".join(METRICS) or "none"
        raise WorkbenchError(f"unknown metric {selection.metric!r} (registered: {known})") from None


def compute_view(context: Context, selection: Selection) -> MetricView:
    """Run the metric ``selection.metric`` on ``context``."""
    return metric_of(selection).compute(context, selection)


def compute_history(context: Context, selection: Selection) -> History | None:
    """The history of ``selection.feature`` under its metric; None without a feature or history."""
    metric = metric_of(selection)
    if selection.feature is None or metric.history is None:
        return None
    return metric.history(context, selection)
