"""What a leader reads on a phone: rates with their counts, a street's state, one unit per column,
the map's key under the map, streets named in the index (hand-made inputs, exact texts)."""

from __future__ import annotations

import folium
import pandas as pd

from workbench.present import display
from workbench.present.maps.legend import add_legend, key_below
from workbench.present.views.coverage import target_states
from workbench.present.views.enterprises import in_table_units
from workbench.runner.index_page import _scope_name


def test_a_rate_cell_shows_its_numerator_and_denominator_and_sorts_on_the_rate():
    frame = pd.DataFrame({"name": ["甲", "乙"], "share": [22 / 39, 0.0], "done": [22, 0],
                          "households": [39, 0]})
    html = display.table(frame, {"name": "name", "share": "coverage"}, "zh",
                         formats={"share": display.share_formatter()},
                         counts={"share": ("done", "households")}).data
    assert '<data value="0.5641025641025641">56.4%</data><br><small class="wb-counts">22 / 39</small>' in html
    assert "0 / 0" not in html  # no denominator: no counts line


def test_a_street_over_target_with_communities_short_is_not_plainly_reached():
    rows = pd.DataFrame({"area_id": ["S1", "S2", "S3", "S1C1"], "level": ["street"] * 3 + ["community"],
                         "short": [False, True, False, True]})
    short = pd.Series({"S1": 2, "S2": 1})
    assert target_states(rows, short, "zh") == ["街道达标，2 个社区未达标", "未达标", "达标", "未达标"]
    assert target_states(rows.head(1), pd.Series({"S1": 1}), "en") == ["Street reached, 1 community short"]


def test_a_table_column_never_mixes_yi_and_wan_yuan():
    frame = pd.DataFrame({"unit": ["亿元", "万元", "万吨", "台"], "ytd": [1.96, 81587.0, 0.5, 7.0],
                          "target": [3.2, 120000.0, 1.0, 10.0]})
    shown = in_table_units(frame)
    assert shown["unit"].tolist() == ["万元", "万元", "t", "台"]
    assert shown["ytd"].tolist() == [19600.0, 81587.0, 5000.0, 7.0]
    assert shown["target"].tolist() == [32000.0, 120000.0, 10000.0, 10.0]
    assert frame["unit"].tolist()[0] == "亿元"  # the input is not modified


def test_the_legend_is_written_again_under_the_map_for_narrow_pages():
    fmap = folium.Map(tiles=None)
    assert key_below(fmap) == ""
    add_legend(fmap, [("覆盖率", [("#d73027", "< 90% <b>")])], note="坐标：GCJ-02", lang="zh")
    below = key_below(fmap)
    assert '<div class="wb-map-key"><b>图例</b>' in below and "&lt; 90% &lt;b&gt;" in below
    assert "@media (max-width: 599px)" in below and "@media print" in below


def test_the_index_names_a_street_report_by_its_street():
    assert _scope_name({"scope": "S01", "figures": {"scope_name": "稀土路街道"}}) == "稀土路街道"
    assert _scope_name({"scope": "district", "figures": {"scope_name": None}}) == ""
    assert _scope_name({"status": "failed", "figures": None}) == ""
