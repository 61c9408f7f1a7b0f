"""The explorer's widgets: the controls and outputs it shows, and the helpers that set them.

:mod:`workbench.present.explore.widgets` wires them to the metrics; here they are built and
changed without triggering anything (ranges widened before a value moves, options replaced
keeping the value when still offered).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets

from workbench.intake.loading import Datasets
from workbench.present import maps
from workbench.present.explore.choices import LATEST, date_range
from workbench.present.explore.common import EVERY
from workbench.present.explore.registry import Control, Metric, Threshold, datasets_to_load
from workbench.present.i18n import LANGUAGES

#: Basemaps offered (tianditu needs a key, which an exploration session does not hold).
BASEMAPS = ("none", "osm", "amap")
#: Each language by its own name.
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
MAP_HEIGHT = 480

_WIDE = {"description_width": "initial"}


@dataclass
class Controls:
    """The explorer's input widgets; set their ``value`` to drive it from code."""

    date: widgets.DatePicker
    round: widgets.Dropdown
    street: widgets.Dropdown
    metric: widgets.Dropdown
    threshold: widgets.FloatSlider
    basemap: widgets.Dropdown
    lang: widgets.ToggleButtons
    extra: dict[str, widgets.Dropdown]
    feature: widgets.Dropdown

    def all(self) -> list[widgets.ValueWidget]:
        """Every control, in display order."""
        return [self.date, self.round, self.street, self.metric, self.threshold, self.basemap,
                *self.extra.values(), self.feature, self.lang]


@dataclass
class Outputs:
    """The explorer's output widgets, each an ``ipywidgets.HTML`` whose value is replaced."""

    status: widgets.HTML
    summary: widgets.HTML
    map: widgets.HTML
    table: widgets.HTML
    history: widgets.HTML


def build_controls(data: Datasets, metrics: Sequence[Metric], day: dt.date, lang: str) -> Controls:
    """The control widgets with their ranges; options and descriptions are set by the explorer.

    The date picker spans the dates of the datasets the first metric needs (each metric gives it
    its own range when chosen).
    """
    first, last = date_range(data, datasets_to_load(metrics[:1], data.pack))
    day = min(max(day, first), last)
    spec = metrics[0].threshold or Threshold("target", 0.0, 1.0, 0.01, 0.5)
    extra = {control.key: widgets.Dropdown(options=[("", EVERY)], value=EVERY, style=_WIDE)
             for control in metric_controls(metrics).values()}
    return Controls(
        date=widgets.DatePicker(value=day, min=first, max=last, style=_WIDE),
        round=widgets.Dropdown(options=[("", LATEST)], value=LATEST, style=_WIDE),
        street=widgets.Dropdown(options=[("", "district")], value="district", style=_WIDE),
        metric=widgets.Dropdown(options=[(m.key, m.key) for m in metrics], value=metrics[0].key, style=_WIDE),
        threshold=widgets.FloatSlider(value=spec.default, min=spec.minimum, max=spec.maximum, step=spec.step,
                                      continuous_update=False, readout_format=".0%", style=_WIDE),
        basemap=widgets.Dropdown(options=[(b, b) for b in BASEMAPS], value="none", style=_WIDE),
        lang=widgets.ToggleButtons(options=[(LANGUAGE_NAMES[code], code) for code in LANGUAGES], value=lang,
                                   style={"button_width": "6em", "description_width": "initial"}),
        extra=extra,
        feature=widgets.Dropdown(options=[("—", EVERY)], value=EVERY, style=_WIDE,
                                 layout=widgets.Layout(width="100%")),
    )


def metric_controls(metrics: Sequence[Metric]) -> dict[str, Control]:
    """Every metric's own controls by key, in the order of first use (a shared key, one dropdown)."""
    controls: dict[str, Control] = {}
    for metric in metrics:
        for control in metric.controls:
            controls.setdefault(control.key, control)
    return controls


def build_outputs() -> Outputs:
    """Empty output widgets; the map keeps its height while being replaced, the table scrolls.

    The map's box has the class ``wb-map-box`` (hidden for a metric without a map).
    """
    fmap = widgets.HTML(layout=widgets.Layout(min_height=f"{MAP_HEIGHT}px", flex="3 1 420px"))
    fmap.add_class("wb-map-box")
    return Outputs(status=widgets.HTML(), summary=widgets.HTML(), map=fmap,
                   table=widgets.HTML(layout=widgets.Layout(max_height="32em", overflow="auto")),
                   history=widgets.HTML(layout=widgets.Layout(max_height=f"{MAP_HEIGHT - 40}px",
                                                              overflow="auto")))


def show_widget(widget: widgets.Widget, shown: bool) -> None:
    """Show or hide ``widget`` (hidden widgets keep their value)."""
    widget.layout.display = None if shown else "none"


def set_options(dropdown: widgets.Dropdown, options: list[tuple[str, str]], keep: bool = True) -> None:
    """Replace a dropdown's options, keeping its value when still offered (else the first option)."""
    value = dropdown.value
    dropdown.options = options
    values = [v for _, v in options]
    dropdown.value = value if keep and value in values else values[0]


def set_range(slider: widgets.FloatSlider, spec: Threshold, value: float) -> None:
    """Give ``slider`` the range of ``spec`` and ``value``, whatever its range was before."""
    slider.min, slider.max = min(slider.min, spec.minimum), max(slider.max, spec.maximum)
    slider.step, slider.value = spec.step, value
    slider.min, slider.max = spec.minimum, spec.maximum


def set_dates(picker: widgets.DatePicker, first: dt.date, last: dt.date) -> None:
    """Give ``picker`` the range ``first``–``last``, its value moved into it when outside."""
    value = picker.value
    picker.min, picker.max = min(picker.min or first, first), max(picker.max or last, last)
    if value is not None:
        picker.value = min(max(value, first), last)
    picker.min, picker.max = first, last


def embed_html(fmap) -> str:
    """The map's self-contained ``<iframe srcdoc>`` HTML (IPython's iframe hint silenced)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Consider using IPython.display.IFrame")
        return maps.embed(fmap, height=MAP_HEIGHT).data
