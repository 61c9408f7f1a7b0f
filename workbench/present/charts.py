"""Small inline-SVG charts for reports: a line chart with several series, a bullet graph, and the
grids of small multiples the trends are drawn in (a shared legend, the rest folded).

No JavaScript and no network: each function returns an ``<svg>`` string that sits in the
report page as it is. Every text from data is escaped; every chart has a ``<title>`` (its
accessible name and hover text) and a legend (its own, or one :func:`legend` over a grid of
small multiples drawn with ``show_legend=False``), and may carry its figures in words as its
``<desc>``; charts scale with their box (``viewBox``, width 100 %) and use the reader's own
fonts, so Chinese text stays text. On the x axis the last tick (often the report date) is
always labelled, anchored inside the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.present.safe_html import escape

FONT = ('system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
        '"Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif')
AXIS_COLOUR = "#888"
GRID_COLOUR = "#e5e5e5"
TEXT_COLOUR = "#333"
NANOSECONDS_PER_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class Series:
    """One series of a :func:`line_chart`.

    ``x`` are numbers or dates (anything ``pd.to_datetime`` reads when ``dates`` is set on the
    chart); a NaN ``y`` breaks a line. ``kind`` is ``line`` or ``points``; ``dash`` an SVG
    ``stroke-dasharray`` such as ``"6 4"``.
    """

    name: str
    x: Sequence
    y: Sequence[float]
    colour: str = "#4575b4"
    dash: str | None = None
    width: float = 2.0
    kind: str = "line"


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font ``size``: CJK characters are square, others ~0.6."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in str(text))


def fit_text(text: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis so that its estimated width fits in ``room``."""
    text = str(text)
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 × a power of ten apart)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int(round((last - first) / step)) + 1)]


def format_number(value: float) -> str:
    """A tick label: thousands separators, at most three significant decimals, no trailing zeros."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2 if magnitude >= 1 else 3
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_quantity(value) -> str:
    """A quantity for a table or tooltip: separators when large, three significant digits when small."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    number = float(value)
    magnitude = abs(number)
    if magnitude >= 1000:
        return f"{number:,.0f}"
    if magnitude >= 100:
        return f"{number:,.1f}"
    if magnitude >= 1:
        return f"{number:.0f}" if number == round(number) else f"{number:.2f}"
    return "0" if magnitude == 0 else f"{number:.3g}"


def _to_numbers(values, dates: bool) -> np.ndarray:
    """Values as floats; dates as days since 1970 (NaT: NaN). A street report draws hundreds of
    series of a few values: Timestamps and datetime64 skip pandas' parser (same figures)."""
    if not dates:
        return np.asarray(values, dtype="float64")
    if isinstance(values, list | tuple) and values and all(type(v) is pd.Timestamp for v in values):
        return np.fromiter((v.value for v in values), "int64", len(values)) / NANOSECONDS_PER_DAY
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        stamps = values.astype("datetime64[ns]")
    else:
        stamps = pd.to_datetime(list(values)).to_numpy(dtype="datetime64[ns]")
    return (stamps - np.datetime64("1970-01-01T00:00:00", "ns")) / np.timedelta64(1, "D")


def _svg_open(width: float, height: float, title: str, description: str = "") -> str:
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="wb-chart" viewBox="0 0 {width:g} {height:g}" '
            f'width="100%" role="img" preserveAspectRatio="xMidYMid meet" '
            f'style="display:block;width:100%;height:auto;max-width:100%;font-family:{escape(FONT)}">'
            f"<title>{escape(title)}</title>{desc}")


def _legend_rows(items: Sequence[tuple[str, str | None, str, str]], width: float, size: float,
                 x0: float, y0: float) -> tuple[str, float]:
    """Legend swatches (colour, dash, kind, label) wrapped into rows; returns SVG and height."""
    parts, x, y, row_height = [], x0, y0, size + 6
    for colour, dash, kind, text in items:
        item_width = 22 + text_width(text, size) + 12
        if x > x0 and x + item_width > width:
            x, y = x0, y + row_height
        mid = y + row_height / 2
        if kind == "points":
            parts.append(f'<circle cx="{x + 9:.1f}" cy="{mid:.1f}" r="3" fill="{escape(colour)}"/>')
        elif kind == "band":
            parts.append(f'<rect x="{x:.1f}" y="{mid - 5:.1f}" width="18" height="10" '
                         f'fill="{escape(colour)}"/>')
        else:
            dash_attr = f' stroke-dasharray="{escape(dash)}"' if dash else ""
            parts.append(f'<line x1="{x:.1f}" y1="{mid:.1f}" x2="{x + 18:.1f}" y2="{mid:.1f}" '
                         f'stroke="{escape(colour)}" stroke-width="2.5"{dash_attr}/>')
        parts.append(f'<text x="{x + 22:.1f}" y="{mid + size * 0.35:.1f}" font-size="{size:g}" '
                     f'fill="{TEXT_COLOUR}">{escape(text)}</text>')
        x += item_width
    return "".join(parts), (y - y0) + row_height


def line_chart(series: Sequence[Series], title: str, *, dates: bool = True, width: float = 360,
               height: float = 230, y_label: str = "", y_min: float | None = 0.0,
               x_range: tuple | None = None, x_ticks: Sequence[tuple] | None = None,
               y_format: Callable[[float], str] = format_number,
               vlines: Sequence[tuple] = (), description: str = "", font_size: float = 11,
               show_legend: bool = True) -> str:
    """A line chart of several series, legend on top, as an SVG string.

    Parameters
    ----------
    series : sequence of Series
    title : str
        The chart's ``<title>`` (escaped).
    dates : bool
        Whether x values are dates (then ``x_range``, ``x_ticks`` and ``vlines`` take dates too).
    y_label : str
        Shown above the y axis (e.g. the unit).
    y_min : float, optional
        Lower end of the y axis (default 0; None: from the data).
    x_range : (low, high), optional
        Default: the data's extent.
    x_ticks : sequence of (x, text), optional
        Tick positions and labels; default: round numbers (dates: first day of each month).
    vlines : sequence of (x, text)
        Vertical reference lines with a label (e.g. the report date).
    description : str
        The chart's ``<desc>``: its figures in words (read by screen readers, kept in the page).
    show_legend : bool
        False for small multiples that share one :func:`legend` drawn above their grid.
    """
    xs = [_to_numbers(s.x, dates) for s in series]
    ys = [np.asarray(s.y, dtype="float64") for s in series]
    all_x = np.concatenate([x for x in xs if x.size] or [np.array([0.0, 1.0])])
    if x_range is not None:
        x_low, x_high = _to_numbers(list(x_range), dates)
    else:
        x_low, x_high = float(np.nanmin(all_x)), float(np.nanmax(all_x))
    if x_high <= x_low:
        x_high = x_low + 1.0
    finite = np.concatenate([y[np.isfinite(y)] for y in ys] or [np.array([])])
    y_low = float(finite.min()) if finite.size else 0.0
    y_high = float(finite.max()) if finite.size else 1.0
    if y_min is not None:
        y_low = min(y_low, y_min)
    y_ticks = nice_ticks(y_low, y_high if y_high > y_low else y_low + 1.0)
    y_low, y_high = y_ticks[0], y_ticks[-1]

    legend_items = [(s.colour, s.dash, s.kind, s.name) for s in series]
    legend, legend_height = ("", 0.0)
    if show_legend:
        legend, legend_height = _legend_rows(legend_items, width - 4, font_size, 4, 2)
    label_room = max(text_width(y_format(t), font_size - 1) for t in y_ticks) + 8
    left, right = max(label_room, 30), width - 10
    top = legend_height + (2 * font_size + 6 if y_label else font_size if not show_legend else 8)
    bottom = height - font_size - 8

    def px(x):
        return left + (np.asarray(x, dtype="float64") - x_low) / (x_high - x_low) * (right - left)

    def py(y):
        return bottom - (np.asarray(y, dtype="float64") - y_low) / (y_high - y_low) * (bottom - top)

    parts = [_svg_open(width, height, title, description), legend]
    if y_label:
        parts.append(f'<text x="4" y="{top - font_size:.1f}" font-size="{font_size - 1:g}" '
                     f'fill="{TEXT_COLOUR}">{escape(y_label)}</text>')
    for tick in y_ticks:
        y = float(py(tick))
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4:.1f}" y="{y + 3.5:.1f}" font-size="{font_size - 1:g}" '
                     f'text-anchor="end" fill="{TEXT_COLOUR}">{escape(y_format(tick))}</text>')
    if x_ticks is None:
        x_ticks = _default_x_ticks(x_low, x_high, dates)
    else:
        positions = _to_numbers([x for x, _ in x_ticks], dates) if x_ticks else []
        x_ticks = [(float(x), text) for x, (_, text) in zip(positions, x_ticks, strict=True)]
    shown = [(float(px(x)), text) for x, text in x_ticks if x_low <= x <= x_high]
    min_gap = max((text_width(t, font_size - 1) for _, t in shown), default=0) + 4
    spacing = min((b[0] - a[0] for a, b in zip(shown, shown[1:], strict=False)), default=min_gap) or min_gap
    stride = max(1, math.ceil(min_gap / spacing))
    for sx, _ in shown:
        parts.append(f'<line x1="{sx:.1f}" y1="{bottom:.1f}" x2="{sx:.1f}" y2="{bottom + 3:.1f}" '
                     f'stroke="{AXIS_COLOUR}"/>')
    labelled = list(range(0, len(shown), stride))
    if shown and labelled[-1] != len(shown) - 1:  # the last tick is labelled (often the report date)
        crowded = shown[-1][0] - shown[labelled[-1]][0] < 1.5 * min_gap
        labelled = [*(labelled[:-1] if crowded and len(labelled) > 1 else labelled), len(shown) - 1]
    parts.extend(_tick_labels([shown[i] for i in labelled], width, bottom + font_size + 3, font_size - 1))
    parts.append(f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" y2="{bottom:.1f}" '
                 f'stroke="{AXIS_COLOUR}"/>')
    for x, text in vlines:
        sx = float(px(_to_numbers([x], dates)[0]))
        anchor = "end" if sx > (left + right) / 2 else "start"
        shift = -3 if anchor == "end" else 3
        parts.append(f'<line x1="{sx:.1f}" y1="{top:.1f}" x2="{sx:.1f}" y2="{bottom:.1f}" stroke="#999" '
                     f'stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{sx + shift:.1f}" y="{top + font_size:.1f}" font-size="{font_size - 1:g}" '
                     f'text-anchor="{anchor}" fill="#666">{escape(text)}</text>')
    for s, x, y in zip(series, xs, ys, strict=True):
        parts.append(_draw_series(s, px(x), py(y)))
    parts.append("</svg>")
    return "".join(parts)


def _tick_labels(ticks: Sequence[tuple[float, str]], width: float, y: float, size: float) -> list[str]:
    """The x-axis labels that fit: one at an edge is anchored inside the chart; where two would
    overlap the right-hand one is kept (the last tick is often the report date)."""
    kept, left_edge = [], math.inf
    for sx, text in reversed(ticks):
        half = text_width(text, size) / 2
        if sx + half > width - 1:
            anchor, x, x0 = "end", width - 1, width - 1 - 2 * half
        elif sx - half < 1:
            anchor, x, x0 = "start", 1.0, 1.0
        else:
            anchor, x, x0 = "middle", sx, sx - half
        if x0 + 2 * half + 4 > left_edge:
            continue
        left_edge = x0
        kept.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
                    f'fill="{TEXT_COLOUR}">{escape(text)}</text>')
    return kept[::-1]


def _default_x_ticks(low: float, high: float, dates: bool) -> list[tuple[float, str]]:
    if not dates:
        return [(t, format_number(t)) for t in nice_ticks(low, high)]
    first = pd.Timestamp("1970-01-01") + pd.Timedelta(days=low)
    last = pd.Timestamp("1970-01-01") + pd.Timedelta(days=high)
    months = pd.date_range(first.normalize().replace(day=1), last, freq="MS")
    return [(float(_to_numbers([m], True)[0]), f"{m.month}") for m in months]


def _draw_series(series: Series, sx: np.ndarray, sy: np.ndarray) -> str:
    colour = escape(series.colour)
    ok = np.isfinite(sx) & np.isfinite(sy)
    if series.kind == "points":
        return "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>'
                       for x, y in zip(sx[ok], sy[ok], strict=True))
    commands, pen_down = [], False
    for x, y, good in zip(sx, sy, ok, strict=True):
        if not good:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    if not commands:
        return ""
    dash = f' stroke-dasharray="{escape(series.dash)}"' if series.dash else ""
    return (f'<path d="{"".join(commands)}" fill="none" stroke="{colour}" stroke-width="{series.width:g}" '
            f'stroke-linejoin="round"{dash}/>')


def bullet(label: str, value: float, marker: float, bands: Sequence[tuple[float, str]], *,
           title: str | None = None, note: str = "", maximum: float | None = None,
           bar_colour: str = "#333", marker_colour: str = "#000",
           ticks: Sequence[float] = (0, 0.25, 0.5, 0.75, 1.0),
           tick_format: Callable[[float], str] = lambda v: f"{100 * v:.0f}%",
           width: float = 360, font_size: float = 12) -> str:
    """A bullet graph: a value bar over qualitative bands, with a marker line, as an SVG string.

    Parameters
    ----------
    label : str
        Drawn above the bar (cut with an ellipsis when too long; complete in the title).
    value : float
        The bar's length (NaN: no bar).
    marker : float
        Position of the reference line (e.g. the share of the year elapsed).
    bands : sequence of (upper bound, colour)
        Background ranges from 0, in increasing order.
    note : str
        A line of text under the axis (e.g. the figures in words).
    maximum : float, optional
        The scale's end; default the largest of 1, the value, the marker and the bands.
    """
    finite = [v for v in (value, marker, *(b for b, _ in bands)) if v is not None and math.isfinite(v)]
    top_value = maximum if maximum is not None else max([1.0, *finite])
    left, right = 4.0, width - 8.0
    bar_top, bar_height = font_size + 8, 16.0

    def px(v):
        return left + max(0.0, min(v, top_value)) / top_value * (right - left)

    height = bar_top + bar_height + font_size + 6 + (font_size + 6 if note else 0)
    parts = [_svg_open(width, height, title or label)]
    parts.append(f'<text x="{left:g}" y="{font_size + 2:g}" font-size="{font_size + 1:g}" font-weight="600" '
                 f'fill="{TEXT_COLOUR}">{escape(fit_text(label, font_size + 1, right - left))}</text>')
    start = 0.0
    for upper, colour in bands:
        x0, x1 = px(start), px(upper)
        if x1 > x0:
            parts.append(f'<rect x="{x0:.1f}" y="{bar_top:g}" width="{x1 - x0:.1f}" height="{bar_height:g}" '
                         f'fill="{escape(colour)}"/>')
        start = upper
    if start < top_value:
        parts.append(f'<rect x="{px(start):.1f}" y="{bar_top:g}" width="{px(top_value) - px(start):.1f}" '
                     f'height="{bar_height:g}" fill="#f2f2f2"/>')
    if value is not None and math.isfinite(value):
        parts.append(f'<rect x="{left:g}" y="{bar_top + bar_height / 3:.1f}" width="{px(value) - left:.1f}" '
                     f'height="{bar_height / 3:.1f}" fill="{escape(bar_colour)}"/>')
    if marker is not None and math.isfinite(marker):
        parts.append(f'<line x1="{px(marker):.1f}" y1="{bar_top - 2:g}" x2="{px(marker):.1f}" '
                     f'y2="{bar_top + bar_height + 2:g}" stroke="{escape(marker_colour)}" '
                     f'stroke-width="2.5"/>')
    axis_y = bar_top + bar_height + font_size + 2
    for tick in ticks:
        if 0 <= tick <= top_value:
            anchor = "start" if tick == 0 else "end" if px(tick) > right - 12 else "middle"
            parts.append(f'<text x="{px(tick):.1f}" y="{axis_y:g}" font-size="{font_size - 2:g}" '
                         f'text-anchor="{anchor}" fill="#666">{escape(tick_format(tick))}</text>')
    if note:
        parts.append(f'<text x="{left:g}" y="{axis_y + font_size + 4:g}" font-size="{font_size - 1:g}" '
                     f'fill="{TEXT_COLOUR}">{escape(fit_text(note, font_size - 1, right - left))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(items: Sequence[tuple[str, str | None, str, str]], title: str = "", width: float = 560,
           font_size: float = 11) -> str:
    """A stand-alone legend: ``items`` of (colour, dash, kind, label), kind ``line``/``points``/``band``."""
    rows, height = _legend_rows(items, width - 4, font_size, 4, 2)
    return f"{_svg_open(width, height + 4, title or 'legend')}{rows}</svg>"


def chart_grid(items: Sequence[str], min_width: int = 280) -> str:
    """HTML laying out chart blocks in equal columns at least ``min_width`` px wide (one on a phone)."""
    cells = "".join(f'<div style="min-width:0">{item}</div>' for item in items)
    columns = f"repeat(auto-fill,minmax(min({int(min_width)}px,100%),1fr))"
    return (f'<div class="wb-chart-grid" style="display:grid;grid-template-columns:{columns};'
            f'gap:.8em 1.2em">{cells}</div>')


def day_ticks(days: Sequence) -> list[tuple[pd.Timestamp, str]]:
    """A tick per day (``MM-DD``) for a chart over a few days or weeks; crowded labels are thinned."""
    return [(pd.Timestamp(d), f"{pd.Timestamp(d):%m-%d}") for d in days]


def format_share_tick(value: float) -> str:
    """A y tick of shares: 0.955 → ``95.5%`` (no trailing zeros)."""
    return f"{format_number(100 * value)}%"


def chart_block(heading_html: str, svg: str) -> str:
    """One chart of a grid: its heading (safe HTML: the name first, then its figures) above the chart."""
    return f'<div style="font-size:.9em;margin:.2em 0">{heading_html}</div>{svg}'


def folded(summary: str, body_html: str) -> str:
    """``body_html`` (safe HTML) folded under a line of text (escaped); the page's table script and
    ``workbench pdf`` open it for printing, like the folded rows of a table."""
    return f'<details class="wb-more"><summary>{escape(summary)}</summary>{body_html}</details>'
