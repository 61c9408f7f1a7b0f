"""The explorer: ipywidgets controls that redraw a folium map and a table in place.

``Explorer.from_pack()`` loads what the registered metrics (:mod:`workbench.present.explore`) need;
``explorer.widget`` is the box to display in JupyterLab (or in Voilà: ``workbench explore``).
Every change of a control recomputes the chosen metric through the pure domain functions and
replaces the map's and the table's HTML, without re-running a cell. Heavy steps are cached per
round by the metric, so moving the threshold slider only reclassifies.

Each metric's own controls (window, team, kind, enterprise, commodity...) are shown only while
it is chosen; so are the round, street and slider when it uses them. The "history of" dropdown
beside the map lists the features the map draws: choosing one outlines it on the map and shows
its history across rounds or days beside it (why a dropdown and not a click on the map: see
:mod:`workbench.present.explore.common`).

For tests and scripts the state is readable: ``explorer.selection`` (the controls' values),
``explorer.table`` (the DataFrame shown), ``explorer.map_html`` (the map's ``<iframe>``) and
``explorer.history`` (the chosen feature's history, or None).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Sequence

import ipywidgets as widgets
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.intake.catalog import Pack, open_pack
from workbench.intake.loading import Datasets, load_datasets
from workbench.present import display
from workbench.present.explore import (
    Context,
    Metric,
    MetricView,
    Selection,
    available_metrics,
    compute_view,
    datasets_to_load,
)
from workbench.present.explore.choices import LATEST, date_range, round_options, street_options
from workbench.present.explore.common import EVERY, outline_feature
from workbench.present.explore.controls import (
    BASEMAPS,
    build_controls,
    build_outputs,
    embed_html,
    metric_controls,
    set_dates,
    set_options,
    set_range,
    show_widget,
)
from workbench.present.explore.registry import History, compute_history
from workbench.present.i18n import LANGUAGES, label
from workbench.present.safe_html import escape
from workbench.privacy import mask_personal


class Explorer:
    """Controls, a map and a table that update in place.

    Parameters
    ----------
    data : Datasets
        Loaded datasets (their ``pack`` gives the report date and datum).
    report_date : date-like, optional
        The initial date; default the pack's ``report_date``, else the last date of the data.
    lang : {"zh", "en"}
    metrics : sequence of Metric, optional
        The metrics offered; default every registered metric whose datasets are loaded (with a
        ``loader``: that the pack has).
    loader : callable, optional
        ``loader(names) -> Datasets`` of the same pack: a metric's datasets are then loaded
        when it is first chosen (see :meth:`from_pack`).

    Attributes
    ----------
    controls : Controls
    outputs : Outputs
    widget : ipywidgets.VBox
        Everything, to display.
    view : MetricView or None
        What is shown; None after an error.
    """

    def __init__(self, data: Datasets, report_date=None, lang: str = "zh",
                 metrics: Sequence[Metric] | None = None, loader: Callable | None = None):
        if lang not in LANGUAGES:
            raise WorkbenchError(f"lang {lang!r} is not one of {', '.join(LANGUAGES)}")
        self.context = Context(data, loader)
        offered = list(metrics) if metrics is not None else [
            m for m in available_metrics(data.pack) if self.context.has(m.datasets)]
        if not offered:
            raise WorkbenchError(f"no explorer metric can be computed from the datasets of {data.pack.root}")
        self.metrics = {m.key: m for m in offered}
        day = self._initial_date(data, offered[:1], report_date)
        self.controls = build_controls(data, offered, day, lang)
        self.outputs = build_outputs()
        self.view: MetricView | None = None
        self._threshold_spec = offered[0].threshold
        self._controls = metric_controls(offered)
        self.history: History | None = None
        self._quiet = 0
        self._load_error: str | None = None
        self.header = widgets.HTML()
        self.widget = self._layout()
        with self._quietly():
            self._relabel()
        for control in self.controls.all():
            control.observe(self._on_change, names="value")
        self.refresh()

    @classmethod
    def from_pack(cls, pack: str | Pack | None = None, report_date=None, lang: str = "zh",
                  metrics: Sequence[Metric] | None = None) -> Explorer:
        """Open ``pack`` (default: the embedded sample), load what the first metric needs, build.

        The datasets of another metric are loaded when it is first chosen (the sample's
        person-level sampling feed, for one, is only read for the coverage metrics).

        Parameters
        ----------
        pack : path-like, Pack or None
        report_date, lang, metrics
            See :class:`Explorer`.
        """
        opened = pack if isinstance(pack, Pack) else open_pack(pack)
        offered = list(metrics) if metrics is not None else available_metrics(opened)
        data = load_datasets(opened, datasets_to_load(offered[:1], opened))
        return cls(data, report_date, lang, offered, loader=functools.partial(load_datasets, opened))

    @staticmethod
    def _initial_date(data: Datasets, metrics: Sequence[Metric], report_date) -> dt.date:
        if report_date not in (None, "") or data.pack.report_date is not None:
            return data.pack.resolve_date(report_date).date()
        return date_range(data, datasets_to_load(metrics, data.pack))[1]

    # -------------------------------------------------------------- state, for code and tests

    @property
    def selection(self) -> Selection:
        """The controls' values as a :class:`~workbench.present.explore.Selection`."""
        c = self.controls
        round_id = None if c.round.value == LATEST else c.round.value
        metric = self.metrics[c.metric.value]
        options = tuple((control.key, c.extra[control.key].value) for control in metric.controls)
        return Selection(date=pd.Timestamp(c.date.value), round_id=round_id,
                         scope=c.street.value if metric.uses_scope else "district",
                         metric=c.metric.value, threshold=round(float(c.threshold.value), 6),
                         basemap=c.basemap.value, lang=c.lang.value, options=options,
                         feature=c.feature.value or None)

    @property
    def table(self) -> pd.DataFrame:
        """The rows the table shows (empty after an error)."""
        return self.view.table if self.view is not None else pd.DataFrame()

    @property
    def map_html(self) -> str:
        """The map's current HTML (an ``<iframe srcdoc>``; empty after an error)."""
        return self.outputs.map.value

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -------------------------------------------------------------- updating

    def refresh(self) -> None:
        """Recompute the chosen metric and replace the summary, map and table."""
        lang = self.controls.lang.value
        if self._load_error:
            return self._show_error(self._load_error, lang)
        if self.controls.date.value is None:
            return self._show_error(label("report_date", lang), lang)
        self.outputs.status.value = f'<p class="wb-note">{escape(label("exp_computing", lang))}</p>'
        started = time.perf_counter()
        try:
            view = compute_view(self.context, self.selection)
            with self._quietly():
                self._offer_features(view)
            history = compute_history(self.context, self.selection)
        except WorkbenchError as exc:
            return self._show_error(str(exc), lang)
        outline_feature(view.fmap, view.features, self.selection.feature)
        self._show(view, history, time.perf_counter() - started)

    def _offer_features(self, view: MetricView) -> None:
        """The "history of" choices: the features the view draws, the chosen one kept if still drawn."""
        lang, metric = self.controls.lang.value, self.metrics[self.controls.metric.value]
        features = view.features if metric.history is not None else None
        pairs = [] if features is None else list(zip(features["label"], features["feature"], strict=True))
        set_options(self.controls.feature, [(label("exp_pick_feature", lang), EVERY), *pairs])
        show_widget(self.controls.feature, bool(pairs))

    def _show(self, view: MetricView, history: History | None, seconds: float) -> None:
        self.view, self.history = view, history
        selection = self.selection
        metric = label(self.metrics[selection.metric].label, selection.lang)
        done = label("exp_updated", selection.lang, metric=metric, scope=self.controls.street.label,
                     date=f"{selection.date:%Y-%m-%d}", seconds=f"{seconds:.1f}")
        notes = [str(w) for w in self.context.data.warnings] + self.context.notes + list(view.notes)
        self.outputs.status.value = (f'<p class="wb-note">{escape(done)}</p>'
                                     + display.warnings_box(notes, selection.lang).data)
        self.outputs.summary.value = view.summary_html
        self.outputs.map.value = "" if view.fmap is None else embed_html(view.fmap)
        show_widget(self.outputs.map, view.fmap is not None)  # a metric of tables alone: no empty frame
        self.outputs.table.value = view.table_html
        self.outputs.history.value = history.html if history is not None else ""

    def _show_error(self, message: str, lang: str) -> None:
        self.view, self.history = None, None
        self.outputs.status.value = display.warnings_box([f"{label('exp_cannot_show', lang)}: {message}"],
                                                         lang).data
        for output in (self.outputs.summary, self.outputs.map, self.outputs.table, self.outputs.history):
            output.value = ""

    def _on_change(self, change: dict) -> None:
        if self._quiet:
            return
        with self._quietly():
            if change["owner"] is self.controls.date:
                self._refresh_rounds()
            elif change["owner"] is self.controls.metric:
                self.controls.feature.value = EVERY
                self._apply_metric()
            elif change["owner"] is self.controls.lang:
                self._relabel()
        self.refresh()

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change controls from code without each change triggering a recomputation."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _refresh_rounds(self) -> None:
        """Offer the rounds started by the chosen date, keeping the chosen one when still offered."""
        day = self.controls.date.value
        if day is not None:
            rounds = self.context.optional("rounds")
            set_options(self.controls.round, round_options(rounds, day, self.controls.lang.value))

    def _apply_metric(self) -> None:
        """Load the chosen metric's datasets; give the date picker their dates, the slider the metric's
        range (its value kept if the range is the same); show only the controls it uses."""
        c = self.controls
        metric = self.metrics[c.metric.value]
        self._load_error = None
        try:
            self.context.ensure(metric.datasets, [n for n in metric.optional if self.context.pack.has(n)])
        except WorkbenchError as exc:
            self._load_error = str(exc)
        else:
            set_dates(c.date, *date_range(self.context.data, datasets_to_load([metric], self.context.pack)))
            self._refresh_rounds()
        spec = metric.threshold
        if spec is not None and spec != self._threshold_spec:
            set_range(c.threshold, spec, spec.default)
            self._threshold_spec = spec
        if spec is not None:
            c.threshold.description = label(spec.label, c.lang.value)
        show_widget(c.threshold, spec is not None)
        c.round.disabled = not metric.uses_round or len(c.round.options) < 2
        show_widget(c.round, metric.uses_round)
        show_widget(c.street, metric.uses_scope)
        own = {control.key for control in metric.controls}
        for key, dropdown in c.extra.items():
            show_widget(dropdown, key in own)
        if self._load_error is None:
            for control in metric.controls:  # their options come from the metric's data
                set_options(c.extra[control.key], control.options(self.context, c.lang.value))

    def _relabel(self) -> None:
        """Every description and option label in the chosen language."""
        c, lang = self.controls, self.controls.lang.value
        c.date.description = label("report_date", lang)
        c.round.description = label("round", lang)
        c.street.description = label("scope", lang)
        c.metric.description = label("exp_metric", lang)
        c.basemap.description = label("exp_basemap", lang)
        c.lang.description = label("exp_language", lang)
        set_options(c.metric, [(label(m.label, lang), m.key) for m in self.metrics.values()])
        set_options(c.street, street_options(self.context.optional("areas"), lang))
        set_options(c.basemap, [(label(f"exp_basemap_{b}", lang), b) for b in BASEMAPS])
        for key, control in self._controls.items():
            c.extra[key].description = label(control.label, lang)
        c.feature.description = label("exp_history", lang)
        self._refresh_rounds()
        self._apply_metric()
        self.header.value = (f'{display.REPORT_CSS}<h2>{escape(label("exp_title", lang))} · '
                             f'{escape(mask_personal(self.context.pack.display_name(lang)))}</h2>'
                             f'<p class="wb-note">{escape(label("exp_intro", lang))}</p>')

    def _layout(self) -> widgets.VBox:
        c, o = self.controls, self.outputs
        rows = [widgets.HBox([c.date, c.round, c.street]), widgets.HBox([c.metric, c.threshold, c.basemap]),
                widgets.HBox(list(c.extra.values())), widgets.HBox([c.lang])]
        for row in rows:
            row.layout = widgets.Layout(flex_flow="row wrap", align_items="center")
        side = widgets.VBox([c.feature, o.history],
                            layout=widgets.Layout(flex="2 1 300px", padding="0 0 0 8px"))
        beside = widgets.HBox([o.map, side],
                              layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        return widgets.VBox([self.header, *rows, o.status, o.summary, beside, o.table])
