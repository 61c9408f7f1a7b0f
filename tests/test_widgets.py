"""The explorer without a browser: set widget values, check the table and the map change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from fixtures.pages import map_tooltips

from workbench.domains import coverage
from workbench.intake.loading import Datasets
from workbench.present.explore import METRICS, MetricView, Threshold, register_metric
from workbench.present.explore.widgets import Explorer
from workbench.present.maps import base

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


@pytest.fixture
def explorer(sample_data):
    return Explorer(sample_data)


def communities(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["level"] == "community"]


def expected_table(data, round_id, target, scope="district"):
    """The coverage table as the report computes it, without the explorer's cache."""
    result = coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds, data.zones,
                                       "2022-10-09", round_id=round_id, scope=scope, target=target)
    return result.table.set_index("area_id").sort_index()


def test_opens_on_the_pack_date_latest_round_and_district(explorer, sample_data):
    selection = explorer.selection
    assert selection.date == pd.Timestamp("2022-10-09") and selection.round_id is None
    assert selection.scope == "district" and selection.metric == "coverage" and selection.threshold == 0.95
    assert "R3" in explorer.controls.round.label
    assert explorer.controls.threshold.continuous_update is False
    assert len(explorer.table) == len(sample_data.areas)
    assert explorer.map_html.startswith("<iframe") and "srcdoc=" in explorer.map_html
    assert "wb-table" in explorer.outputs.table.value and "wb-card" in explorer.outputs.summary.value


def test_the_explorer_agrees_with_the_report_computation(explorer, sample_data):
    shown = explorer.table.set_index("area_id").sort_index()
    expected = expected_table(sample_data, None, 0.95)
    pd.testing.assert_frame_equal(shown[expected.columns], expected, check_like=True)


def test_choosing_a_street_limits_rows_and_map_to_it(explorer, sample_data):
    areas = sample_data.areas
    in_s01 = areas.loc[areas["parent_id"] == "S01", "name"].iloc[0]
    in_s02 = areas.loc[areas["parent_id"] == "S02", "name"].iloc[0]
    tips = map_tooltips(explorer.map_html)
    assert in_s01 in tips and in_s02 in tips

    explorer.controls.street.value = "S01"
    table = explorer.table
    assert set(table["area_id"][table["level"] == "street"]) == {"S01"}
    assert set(communities(table)["parent_id"]) == {"S01"}
    assert len(communities(table)) == (areas["parent_id"] == "S01").sum()
    tips = map_tooltips(explorer.map_html)
    assert in_s01 in tips and in_s02 not in tips


def test_raising_the_target_only_reclassifies(explorer, sample_data, monkeypatch):
    calls = []
    monkeypatch.setattr(coverage, "count_tested", lambda *a, **k: calls.append(a) or pytest.fail("recounted"))
    explorer.controls.threshold.value = 0.90
    low, low_map = communities(explorer.table), explorer.map_html
    explorer.controls.threshold.value = 0.99
    high, high_map = communities(explorer.table), explorer.map_html

    assert not calls  # the person-level count of the round is cached
    assert high["short"].sum() > low["short"].sum()
    assert high["gap"].sum() > low["gap"].sum()
    assert list(high["coverage"].sort_values()) == list(low["coverage"].sort_values())
    assert high_map != low_map and "99%" in high_map
    monkeypatch.undo()
    expected = expected_table(sample_data, None, 0.99)
    assert high["short"].sum() == communities(expected.reset_index())["short"].sum()


def test_choosing_a_round_recomputes_its_coverage(explorer, sample_data):
    latest = explorer.table.set_index("area_id")["tested"]
    explorer.controls.round.value = "R1"
    assert explorer.selection.round_id == "R1"
    shown = explorer.table.set_index("area_id").sort_index()
    expected = expected_table(sample_data, "R1", 0.95)
    assert shown["tested"].equals(expected["tested"])
    assert not shown["tested"].equals(latest.sort_index())


def test_the_date_offers_only_rounds_started_by_then(explorer):
    controls = explorer.controls
    controls.round.value = "R3"
    assert [v for _, v in controls.round.options][1:] == ["R1", "R2", "R3"]
    controls.date.value = dt.date(2022, 10, 6)
    assert [v for _, v in controls.round.options][1:] == ["R1", "R2"]
    assert explorer.selection.round_id is None and "R2" in controls.round.label  # R3 fell back to latest
    assert controls.date.min == dt.date(2022, 10, 4) and controls.date.max == dt.date(2022, 10, 9)


def test_gap_metric_lists_short_communities_largest_gap_first(explorer):
    explorer.controls.street.value = "S03"
    explorer.controls.metric.value = "gap"
    table = explorer.table
    assert len(table) and table["short"].all() and set(table["parent_id"]) == {"S03"}
    assert table["gap"].is_monotonic_decreasing
    assert explorer.controls.threshold.value == 0.95  # same slider as coverage: value kept


def test_site_load_metric_has_its_own_slider_and_flags_sites(explorer, sample_data):
    controls = explorer.controls
    controls.threshold.value = 0.85
    controls.metric.value = "site_load"
    assert (controls.threshold.min, controls.threshold.max, controls.threshold.value) == (0.5, 1.5, 1.0)
    sites = explorer.table
    assert {"site_id", "samples", "peak_load", "status"} <= set(sites.columns)
    assert len(sites) == len(sample_data.testing_sites)
    over_at_1 = (sites["status"] == "over").sum()
    controls.threshold.value = 0.6
    sites = explorer.table
    assert (sites["status"] == "over").sum() > over_at_1
    assert ((sites["peak_load"] >= 0.6) | (sites["status"] != "over")).all()
    controls.metric.value = "coverage"
    assert (controls.threshold.min, controls.threshold.max, controls.threshold.value) == (0.8, 1.0, 0.95)


def test_language_toggle_relabels_controls_table_and_map(explorer):
    assert explorer.controls.date.description == "报告日期"
    explorer.controls.lang.value = "en"
    assert explorer.controls.date.description == "Report date"
    assert explorer.controls.street.label == "District"
    assert "Coverage" in explorer.outputs.table.value and "Legend" in explorer.map_html
    assert explorer.selection.lang == "en"


def test_basemap_changes_the_tiles_and_the_datum_drawn(explorer):
    assert "autonavi" not in explorer.map_html
    explorer.controls.basemap.value = "amap"
    assert "autonavi" in explorer.map_html and "GCJ-02" in explorer.map_html


def test_a_selection_without_data_shows_a_message_not_a_traceback(sample_data):
    frames = dict(sample_data)
    frames["rounds"] = sample_data.rounds.assign(start=sample_data.rounds["start"] + pd.Timedelta(days=1),
                                                 end=sample_data.rounds["end"] + pd.Timedelta(days=1))
    explorer = Explorer(Datasets(sample_data.pack, frames))
    explorer.controls.date.value = dt.date(2022, 10, 4)
    assert explorer.view is None and explorer.table.empty and explorer.map_html == ""
    assert "no testing round started" in explorer.outputs.status.value
    explorer.controls.date.value = dt.date(2022, 10, 9)
    assert not explorer.table.empty


def test_data_values_are_escaped_in_table_summary_and_map(sample_data):
    evil = '<img src=x onerror="alert(1)">'
    frames = dict(sample_data)
    areas = sample_data.areas.copy()
    areas.loc[areas["level"] == "community", "name"] = evil
    frames["areas"] = areas
    frames["rounds"] = sample_data.rounds.assign(name=evil)
    explorer = Explorer(Datasets(sample_data.pack, frames))
    for metric in ("coverage", "gap", "site_load"):
        explorer.controls.metric.value = metric
        outputs = explorer.outputs
        pages = (outputs.table.value, outputs.summary.value, outputs.status.value, explorer.map_html,
                 map_tooltips(explorer.map_html))
        assert all("<img" not in page for page in pages)
    assert "&lt;img" in explorer.outputs.summary.value


@pytest.fixture
def extra_metric():
    """A metric registered by a test, removed afterwards."""

    @register_metric("area_count", label="community", datasets=["areas"], uses_round=False,
                     threshold=Threshold("target", 0.0, 1.0, 0.1, 0.5))
    def area_count(context, selection):
        areas = context.data.areas
        shown = round(10 * selection.threshold)
        table = areas[areas["level"] == "community"].drop(columns="geometry").head(shown)
        fmap = base.finish(base.new_map(areas.total_bounds, selection.basemap, selection.lang))
        return MetricView(table, fmap, f"<p>{len(table)}</p>")

    yield "area_count"
    METRICS.pop("area_count")


def test_a_registered_metric_joins_the_menu(sample_data, extra_metric):
    explorer = Explorer(sample_data)
    assert extra_metric in [v for _, v in explorer.controls.metric.options]
    explorer.controls.metric.value = extra_metric
    assert explorer.controls.round.disabled
    assert len(explorer.table) == 5 and explorer.outputs.table.value == "<p>5</p>"
    explorer.controls.threshold.value = 0.3
    assert len(explorer.table) == 3


def test_from_pack_loads_only_what_the_metrics_need():
    explorer = Explorer.from_pack(ROOT / "data" / "sample", "2022-10-08", "en")
    assert explorer.selection.date == pd.Timestamp("2022-10-08") and explorer.selection.lang == "en"
    assert set(explorer.context.data) == {"areas", "zones", "testing_sites", "rounds", "sampling",
                                          "admin_boundaries"}


def test_the_notebook_is_thin_and_committed_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text("utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "workbench"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    source = "\n".join("".join(c["source"]) for c in code)
    assert "def " not in source and "class " not in source
    assert "Explorer.from_pack(pack, report_date, lang)" in source
    assert "explore" not in (ROOT / "parameters" / "daily.yaml").read_text("utf-8")
