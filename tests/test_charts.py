"""Inline-SVG charts: escaped, titled, responsive, and drawing what they are given."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from workbench.present import charts

EVIL = '<script>alert(1)</script>"&`${x}`'
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_line_chart_is_escaped_titled_and_responsive():
    series = [charts.Series(EVIL, ["2022-01-01", "2022-01-02", "2022-01-03"], [0, 5, 9]),
              charts.Series("目标进度线", ["2022-01-01", "2022-12-31"], [0, 100], dash="6 4")]
    svg = charts.line_chart(series, EVIL, y_label=EVIL, vlines=[("2022-01-03", EVIL)],
                            x_ticks=[(pd.Timestamp("2022-01-01"), EVIL)])
    assert "<script" not in svg and "${" not in svg
    root = parse(svg)
    assert root.get("viewBox") == "0 0 360 230" and root.get("width") == "100%"
    assert root.find(f"{SVG}title").text == EVIL  # escaped in the markup, the same text once parsed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert EVIL in texts and "目标进度线" in texts  # legend entries, Chinese kept as text
    assert len(root.findall(f"{SVG}path")) == 2
    assert any(p.get("stroke-dasharray") == "6 4" for p in root.iter(f"{SVG}path"))


def test_line_chart_breaks_lines_at_nan_and_draws_points():
    series = [charts.Series("a", [0, 1, 2, 3], [1, np.nan, 3, 4], colour="#123456"),
              charts.Series("b", [1, 2], [2, 2], kind="points")]
    root = parse(charts.line_chart(series, "t", dates=False))
    path = next(p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#123456")
    assert path.get("d").count("M") == 2  # two pieces around the gap
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("r") == "2.5"]) == 2


def test_line_chart_scales_data_into_the_plot():
    root = parse(charts.line_chart([charts.Series("a", [0, 10], [0, 100])], "t", dates=False,
                                   width=200, height=120))
    path = root.find(f"{SVG}path").get("d")
    coords = [tuple(map(float, m)) for m in re.findall(r"[ML]([\d.]+),([\d.]+)", path)]
    (x0, y0), (x1, y1) = coords
    assert x0 < x1 <= 200 and y1 < y0 <= 120  # up and to the right, inside the box


def test_bullet_escapes_and_places_value_and_marker():
    svg = charts.bullet(EVIL, 0.5, 0.75, [(0.6, "#f00"), (0.75, "#fa0"), (1.0, "#0f0")], note=EVIL, width=208)
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == EVIL
    rects = root.findall(f"{SVG}rect")
    bar = next(r for r in rects if r.get("fill") == "#333")
    # scale 0..1 over x 4..200: value 0.5 → 98 px long; marker at 0.75 → x = 151
    assert float(bar.get("width")) == pytest.approx(98, abs=0.1)
    assert float(root.find(f"{SVG}line").get("x1")) == pytest.approx(151, abs=0.1)
    assert [r.get("fill") for r in rects[:3]] == ["#f00", "#fa0", "#0f0"]


def test_bullet_extends_scale_beyond_100_percent_and_cuts_long_labels():
    root = parse(charts.bullet("包头德润稀土催化材料有限公司 · 稀土催化剂" * 3, 1.6, 0.5, [(1.0, "#ddd")]))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.text.endswith("%")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]  # the given ticks, on a scale up to 160%
    bar = next(r for r in root.findall(f"{SVG}rect") if r.get("fill") == "#333")
    assert float(bar.get("x")) + float(bar.get("width")) == pytest.approx(352, abs=0.1)  # full width
    label = next(root.iter(f"{SVG}text")).text
    assert label.endswith("…") and charts.text_width(label, 13) <= 348


def test_legend_and_grid():
    svg = charts.legend([("#f00", None, "band", "滞后"), ("#000", "4 2", "line", EVIL)], title="图例")
    root = parse(svg)
    assert [t.text for t in root.iter(f"{SVG}text")] == ["滞后", EVIL]
    grid = charts.chart_grid(["<svg></svg>", "<svg></svg>"], min_width=280)
    assert "minmax(min(280px,100%),1fr)" in grid and grid.count("<svg>") == 2


@pytest.mark.parametrize("low,high,expected", [
    (0, 12, [0, 5, 10, 15]), (0, 10, [0, 2.5, 5, 7.5, 10]), (0, 550_000, [0, 200_000, 400_000, 600_000]),
    (0, 1, [0, 0.25, 0.5, 0.75, 1]),
])
def test_nice_ticks(low, high, expected):
    assert charts.nice_ticks(low, high) == expected


@pytest.mark.parametrize("value,expected", [
    (441929.0, "441,929"), (917.9, "917.9"), (12.0, "12"), (8.80768, "8.81"), (0.0384617, "0.0385"), (0, "0"),
    (float("nan"), "—"),
])
def test_format_quantity(value, expected):
    assert charts.format_quantity(value) == expected


def test_small_multiples_share_a_legend_and_label_the_last_day():
    days = pd.date_range("2022-10-03", "2022-10-09")
    svg = charts.line_chart([charts.Series("人员", days, range(7))], "t", x_ticks=charts.day_ticks(days),
                            width=220, height=150, font_size=13, show_legend=False)
    root = parse(svg)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "人员" not in labels  # no legend of its own
    assert labels[-1] == "10-09" and "10-03" in labels  # the first and the last day are labelled
    last = [t for t in root.iter(f"{SVG}text") if t.text == "10-09"][0]
    assert last.get("text-anchor") == "end" and float(last.get("x")) <= 220
    ticks = [t for t in labels if t and t.startswith("10-")]
    assert len(ticks) < 7  # crowded labels thinned at this width


def test_folded_blocks_escape_their_summary():
    html = charts.folded(EVIL, "<svg></svg>")
    assert html.startswith('<details class="wb-more"><summary>&lt;script&gt;') and "<svg></svg>" in html
    assert charts.format_share_tick(0.955) == "95.5%" and charts.format_share_tick(1.0) == "100%"


@pytest.mark.parametrize("values", [
    [pd.Timestamp("2022-10-09 08:00"), pd.Timestamp("2022-10-10 23:59:59.999999999")],
    [pd.Timestamp("2022-10-09 08:00", tz="Asia/Shanghai"), pd.Timestamp("2022-10-10", tz="Asia/Shanghai")],
    pd.to_datetime(["2022-10-09 08:00", "1969-12-31 12:00"]).to_numpy(),
    np.array(["2022-10-09T08:00"], dtype="datetime64[m]"),
    [pd.Timestamp("2022-10-09"), pd.NaT],
    ["2022-10-09", dt.date(2022, 10, 10)],
])
def test_dates_become_the_same_days_since_1970_whichever_way_they_come(values):
    """The fast paths (Timestamps, datetime64) give exactly what pandas' parsing gives."""
    parsed = pd.to_datetime(list(values)).to_numpy(dtype="datetime64[ns]")
    expected = (parsed - np.datetime64("1970-01-01T00:00:00", "ns")) / np.timedelta64(1, "D")
    np.testing.assert_array_equal(charts._to_numbers(values, dates=True), expected)
