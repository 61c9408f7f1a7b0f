"""The explorer's domain metrics: every control changes the table and the map; every history.

Two kinds of test: on the sample pack, each control of each domain is set as an analyst would
and the table and the map must change (headless, no browser); on three-row frames, the
figures the explorer adds (pass rate by place, status counts per enterprise, the histories)
are pinned to numbers worked out by hand in the comments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from fixtures.pages import map_tooltips as decoded_tooltips

from workbench.intake.loading import Datasets
from workbench.present.explore import METRICS, Context, Selection
from workbench.present.explore import checkpoints as cp_metrics
from workbench.present.explore import enterprises as ent_metrics
from workbench.present.explore import field_checks as fc_metrics
from workbench.present.explore import inspections as insp_metrics
from workbench.present.explore import supply as supply_metrics
from workbench.present.explore.common import EVERY
from workbench.present.explore.widgets import Explorer

DAY = pd.Timestamp("2022-10-09")


@pytest.fixture
def explorer(sample_data):
    return Explorer(sample_data)


def layers(map_html: str) -> int:
    """How many GeoJSON layers the map's page draws."""
    return len(re.findall(r"L\.geoJson\(", html.unescape(map_html)))


def choose(explorer: Explorer, metric: str) -> tuple[pd.DataFrame, str]:
    explorer.controls.metric.value = metric
    assert explorer.view is not None, explorer.outputs.status.value
    return explorer.table, explorer.map_html


def set_control(explorer: Explorer, key: str, value) -> tuple[pd.DataFrame, str]:
    control = explorer.controls.extra[key]
    assert control.layout.display != "none", f"{key} is hidden for {explorer.controls.metric.value}"
    control.value = value
    assert explorer.view is not None, explorer.outputs.status.value
    return explorer.table, explorer.map_html


def test_every_domain_has_its_metrics_in_the_menu(explorer):
    offered = {v for _, v in explorer.controls.metric.options}
    assert {"coverage", "gap", "site_load", "insp_pass_rate", "insp_open", "ent_progress", "ent_status",
            "cp_flows", "sp_served", "sp_unserved", "pr_vs_baseline", "fc_quarantine", "fc_waste",
            "tc_capacity", "rq_open", "rq_by", "st_units", "st_kinds", "pj_progress", "pj_late"} <= offered
    for key in offered:
        assert METRICS[key].history is not None, f"{key} has no history"


def test_each_metric_shows_only_its_own_controls(explorer):
    visible = lambda: {k for k, w in explorer.controls.extra.items() if w.layout.display != "none"}  # noqa: E731
    choose(explorer, "coverage")
    assert visible() == set() and explorer.controls.round.layout.display != "none"
    choose(explorer, "insp_pass_rate")
    assert visible() == {"insp_window", "team", "kind"}
    assert explorer.controls.round.layout.display == "none"
    assert explorer.controls.threshold.layout.display == "none"
    choose(explorer, "ent_progress")
    assert visible() == {"enterprise"} and explorer.controls.threshold.layout.display != "none"
    assert (explorer.controls.threshold.min, explorer.controls.threshold.max) == (0.5, 1.0)
    choose(explorer, "cp_flows")
    assert visible() == {"cp_window"}
    choose(explorer, "sp_served")
    assert visible() == {"zone"} and explorer.controls.street.layout.display != "none"
    choose(explorer, "pr_vs_baseline")
    assert visible() == {"commodity", "market"} and explorer.controls.street.layout.display == "none"
    choose(explorer, "fc_quarantine")
    assert visible() == {"fc_window"}
    choose(explorer, "fc_waste")
    assert visible() == {"site_kind"}
    choose(explorer, "tc_capacity")
    assert visible() == set() and explorer.controls.round.layout.display != "none"
    assert explorer.controls.street.layout.display != "none" and explorer.controls.threshold.value == 0.95
    choose(explorer, "rq_open")
    assert visible() == {"rq_days", "rq_category", "rq_department"}
    choose(explorer, "st_units")
    assert visible() == {"st_kind"} and explorer.controls.threshold.layout.display == "none"
    choose(explorer, "pj_late")
    assert visible() == {"pj_stall"} and explorer.controls.street.layout.display == "none"


def test_inspection_controls_change_table_and_map(explorer):
    table, fmap = choose(explorer, "insp_pass_rate")
    assert len(table) == 200 and table["visits"].sum() > 0
    week = table["visits"].sum()
    one_day, one_day_map = set_control(explorer, "insp_window", 1)
    assert 0 < one_day["visits"].sum() < week and one_day_map != fmap
    team = "第一督查组"
    by_team, team_map = set_control(explorer, "team", team)
    visits = explorer.context.data.inspections
    assert set(by_team["place_id"]) == set(visits.loc[visits["team"] == team, "place_id"])
    assert team_map != one_day_map
    set_control(explorer, "team", EVERY)
    parks, park_map = set_control(explorer, "kind", "park")
    assert len(parks) and set(parks["kind"]) == {"park"} and park_map != team_map
    assert "公园" in explorer.outputs.table.value

    open_rows, _ = choose(explorer, "insp_open")
    assert set(open_rows["kind"]) <= {"park"}


def test_enterprise_controls_change_table_and_map(explorer):
    table, fmap = choose(explorer, "ent_progress")
    assert table["enterprise_id"].nunique() > 1
    one, one_map = set_control(explorer, "enterprise", "E01")
    assert set(one["enterprise_id"]) == {"E01"} and one_map != fmap
    set_control(explorer, "enterprise", EVERY)
    strict = explorer.table["status"].value_counts()
    explorer.controls.threshold.value = 0.5
    lenient = explorer.table["status"].value_counts()
    assert lenient.get("behind", 0) < strict.get("behind", 0)  # fewer behind at a lower risk ratio
    statuses, status_map = choose(explorer, "ent_status")
    assert len(statuses) == 18 and statuses["targets"].sum() == len(table)


def test_checkpoint_window_changes_table_and_map(explorer):
    week, fmap = choose(explorer, "cp_flows")
    assert set(week["days_expected"]) == {7}
    three, three_map = set_control(explorer, "cp_window", 3)
    assert set(three["days_expected"]) == {3} and three_map != fmap
    week_people = week.set_index("checkpoint_id").loc[three["checkpoint_id"], "people"].to_numpy()
    assert (three["people"].to_numpy() <= week_people).all()


def test_supply_controls_change_table_and_map(explorer):
    served, fmap = choose(explorer, "sp_served")
    assert set(served["zone"]) == {"sealed", "controlled"}
    sealed, sealed_map = set_control(explorer, "zone", "sealed")
    assert set(sealed["zone"]) == {"sealed"} and len(sealed) < len(served) and sealed_map != fmap
    set_control(explorer, "zone", EVERY)
    street = served["parent_id"].iloc[0]
    explorer.controls.street.value = street
    assert set(explorer.table["parent_id"]) == {street} and explorer.map_html != fmap
    unserved, _ = choose(explorer, "sp_unserved")
    assert unserved["unserved"].all()


def test_price_controls_change_table_and_map(explorer):
    prices, fmap = choose(explorer, "pr_vs_baseline")
    assert prices["vs_baseline"].dropna().is_monotonic_decreasing
    potato, potato_map = set_control(explorer, "commodity", "土豆")
    assert set(potato["commodity"]) == {"土豆"} and len(potato) == potato["market"].nunique()
    assert potato_map != fmap
    one, one_map = set_control(explorer, "market", "华联超市")
    assert len(one) == 1 and one_map != potato_map and "华联超市" in html.unescape(one_map)


def test_field_check_controls_change_table_and_map(explorer):
    day, fmap = choose(explorer, "fc_quarantine")
    week, week_map = set_control(explorer, "fc_window", 7)
    assert week["households"].sum() > day["households"].sum() and week_map != fmap
    explorer.controls.threshold.value = 0.8
    lower = explorer.table
    assert explorer.map_html != week_map
    assert lower.drop(columns="band").equals(week.drop(columns="band"))  # same shares, new bands
    assert (lower["band"] == "reached").sum() > (week["band"] == "reached").sum()
    street = week["parent_id"].iloc[0]
    explorer.controls.street.value = street
    assert set(explorer.table["parent_id"]) == {street}

    sites, site_map = choose(explorer, "fc_waste")
    assert len(sites) == 126 and sites["hours_since"].dropna().is_monotonic_decreasing
    mobile, mobile_map = set_control(explorer, "site_kind", "mobile")
    assert set(mobile["kind"]) == {"mobile"} and 0 < len(mobile) < len(sites) and mobile_map != site_map


@pytest.mark.parametrize("metric", ["coverage", "site_load", "insp_pass_rate", "ent_status", "cp_flows",
                                    "sp_served", "fc_quarantine", "fc_waste", "tc_capacity", "rq_open",
                                    "st_units"])
def test_choosing_a_feature_outlines_it_and_shows_its_history(explorer, metric):
    _, fmap = choose(explorer, metric)
    options = explorer.controls.feature.options
    assert explorer.controls.feature.layout.display != "none" and len(options) > 1
    feature_label, feature = options[1]
    explorer.controls.feature.value = feature
    assert explorer.history is not None and len(explorer.history.table)
    assert layers(explorer.map_html) == layers(fmap) + 1  # the outline of the chosen feature
    assert html.escape(feature_label) in explorer.outputs.history.value  # "name (id)" heads it
    explorer.controls.feature.value = EVERY
    assert explorer.history is None and explorer.outputs.history.value == ""
    assert layers(explorer.map_html) == layers(fmap)


def test_data_values_are_escaped_in_every_domain_and_history(sample_data):
    evil = '<img src=x onerror="alert(1)">'
    frames = dict(sample_data)
    for name, column in (("places", "name"), ("enterprises", "name"), ("checkpoints", "name"),
                         ("testing_sites", "name"), ("prices", "market"), ("inspections", "team")):
        frames[name] = sample_data[name].assign(**{column: evil})
    areas = sample_data.areas.copy()
    areas.loc[areas["level"] == "community", "name"] = evil
    frames["areas"] = areas
    explorer = Explorer(Datasets(sample_data.pack, frames))
    for metric in ("insp_pass_rate", "insp_open", "ent_status", "cp_flows", "sp_served", "pr_vs_baseline",
                   "fc_quarantine", "fc_waste", "coverage", "rq_open", "st_units"):
        choose(explorer, metric)
        explorer.controls.feature.value = explorer.controls.feature.options[1][1]
        outputs = explorer.outputs
        pages = (outputs.table.value, outputs.summary.value, outputs.status.value, outputs.history.value,
                 explorer.map_html, decoded_tooltips(explorer.map_html))
        assert all("<img" not in page for page in pages), metric
        assert "&lt;img" in outputs.table.value + outputs.history.value + explorer.map_html, metric


def test_the_feature_is_dropped_when_the_metric_changes(explorer):
    choose(explorer, "cp_flows")
    explorer.controls.feature.value = "CP01"
    assert explorer.selection.feature == "CP01"
    choose(explorer, "fc_waste")
    assert explorer.selection.feature is None and explorer.history is None


def test_coverage_history_is_each_rounds_distinct_persons_over_population(explorer, sample_data):
    choose(explorer, "coverage")
    explorer.controls.feature.value = "S01C001"
    history = explorer.history.table.set_index("round_id")
    sampling, rounds = sample_data.sampling.preview(10**7), sample_data.rounds.set_index("round_id")
    population = int(sample_data.areas.set_index("area_id").loc["S01C001", "population"])
    for round_id in ("R1", "R2", "R3"):  # the independent oracle: plain pandas on the raw rows
        start, end = rounds.loc[round_id, "start"], rounds.loc[round_id, "end"]
        rows = sampling[(sampling["area_id"] == "S01C001") & sampling["sampled_at"].between(start, end)]
        assert history.loc[round_id, "tested"] == rows["person_key"].nunique()
        assert history.loc[round_id, "coverage"] == pytest.approx(rows["person_key"].nunique() / population)


# ------------------------------------------------------------------ hand-computed fixtures


def tiny_context(sample_data, **frames) -> Context:
    return Context(Datasets(sample_data.pack, frames))


def test_pass_rate_by_place_window_boundary_and_order(sample_data):
    # window 7 days ending 10-09 starts 10-03: P1's visit of 10-02 is outside it.
    # P1: 10-03 pass, 10-05 fail (rectified 10-06), 10-09 pass -> 3 visits, 2 passed, 2/3, status passed
    # P2: 10-09 fail, not rectified -> 1 visit, 0 passed, rate 0, 1 open finding, status open (age 0)
    # P3: never visited -> 0 visits, rate missing, status not_visited
    # order: open (P2), not_visited (P3), passed (P1)
    ok, bad = (True, True, True), (True, False, True)
    rows = [("I0", "2022-10-02", "P1", bad, "2022-10-02"), ("I1", "2022-10-03", "P1", ok, None),
            ("I2", "2022-10-05", "P1", bad, "2022-10-06"), ("I3", "2022-10-09", "P1", ok, None),
            ("I4", "2022-10-09", "P2", bad, None)]
    inspections = pd.DataFrame({
        "inspection_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
        "team": "第一督查组", "place_id": [r[2] for r in rows],
        "staffing_ok": [r[3][0] for r in rows], "disinfection_log_ok": [r[3][1] for r in rows],
        "registration_log_ok": [r[3][2] for r in rows],
        "finding": ["无记录" if r[3] == bad else "" for r in rows],
        "rectified_on": pd.to_datetime([r[4] for r in rows])})
    places = pd.DataFrame({"place_id": ["P1", "P2", "P3"], "name": ["甲", "乙", "丙"], "kind": "park",
                           "lon": [109.8, 109.81, 109.82], "lat": [40.6, 40.61, 40.62]})
    context = tiny_context(sample_data, inspections=inspections, places=places)
    result = insp_metrics.inspection_result(context, Selection(DAY, metric="insp_pass_rate",
                                                               options=(("insp_window", 7),)))
    table = insp_metrics.place_rates(result)
    assert list(table["place_id"]) == ["P2", "P3", "P1"]
    assert list(table["visits"]) == [1, 0, 3] and list(table["passed"]) == [0, 0, 2]
    assert table["pass_rate"].iloc[0] == 0 and math.isnan(table["pass_rate"].iloc[1])
    assert table["pass_rate"].iloc[2] == pytest.approx(2 / 3)
    assert list(table["open_findings"]) == [1, 0, 0]
    assert list(table["status"]) == ["open", "not_visited", "passed"]

    # P1's history: all four visits up to the report date, newest first, failed items counted
    history = insp_metrics.place_history(context, Selection(DAY, metric="insp_pass_rate", feature="P1",
                                                            options=(("insp_window", 7),))).table
    assert list(history["date"].dt.strftime("%m-%d")) == ["10-09", "10-05", "10-03", "10-02"]
    assert list(history["failed_items"]) == [0, 1, 0, 1] and list(history["open"]) == [False] * 4
    history_html = insp_metrics.place_history(context, Selection(DAY, metric="insp_pass_rate", feature="P1",
                                                                 options=(("insp_window", 7),))).html
    assert "2022-10-06" in history_html and "NaT" not in history_html  # a missing date is blank


def test_enterprise_status_counts_its_targets_by_status(sample_data):
    # 2022-07-02 is day 183 of 365. E1/A: ytd 183, projected 183/183*365 = 365 >= target 365: on_track.
    # E1/B: ytd 183, projected 365 < 0.9*730 = 657: behind. E1's worst: behind. E2 has no target: no_data.
    enterprises = pd.DataFrame({"enterprise_id": ["E1", "E2"], "name": ["甲厂", "乙厂"], "sector": "铜",
                                "lon": [109.8, 109.9], "lat": [40.6, 40.7], "employees": [100, 50],
                                "closed_loop": [True, False]})
    production = pd.DataFrame({"date": pd.to_datetime(["2022-07-01", "2022-07-01"]), "enterprise_id": "E1",
                               "product": ["A", "B"], "quantity": [183.0, 183.0], "unit": "t"})
    targets = pd.DataFrame({"year": 2022, "enterprise_id": "E1", "product": ["A", "B"],
                            "target": [365.0, 730.0], "unit": "t"})
    context = tiny_context(sample_data, enterprises=enterprises, production=production, targets=targets)
    selection = Selection(pd.Timestamp("2022-07-02"), metric="ent_status", threshold=0.9)
    table = ent_metrics.enterprise_status(ent_metrics.enterprise_result(context, selection))
    assert list(table["enterprise_id"]) == ["E1", "E2"] and list(table["status"]) == ["behind", "no_data"]
    assert list(table["targets"]) == [2, 0] and list(table["behind"]) == [1, 0]
    assert list(table["on_track"]) == [1, 0] and list(table["at_risk"]) == [0, 0]

    # history: the last 14 days (06-19..07-02) of each target; on 07-01 both reach 183, 183/365 and 183/730
    history = ent_metrics.enterprise_history(context, dataclasses.replace(selection, feature="E1")).table
    assert len(history) == 2 * 14 and history["date"].min() == pd.Timestamp("2022-06-19")
    day = history[history["date"] == pd.Timestamp("2022-07-01")].set_index("product")
    assert day.loc["A", "cumulative"] == 183 and day.loc["A", "progress"] == pytest.approx(183 / 365)
    assert day.loc["B", "progress"] == pytest.approx(183 / 730)
    before = history[history["date"] == pd.Timestamp("2022-06-30")]
    assert (before["cumulative"] == 0).all() and before["quantity"].isna().all()


def test_checkpoint_history_marks_a_missing_day_missing_not_zero(sample_data):
    # window 3 ending 10-09: 10-07 reported 10 people, 10-08 nothing, 10-09 reported 30 people
    checkpoints = pd.DataFrame({"checkpoint_id": ["CP1"], "name": ["东卡口"], "lon": [109.8], "lat": [40.6]})
    daily = pd.DataFrame({"date": pd.to_datetime(["2022-10-07", "2022-10-09"]), "checkpoint_id": "CP1",
                          "vehicles": [4, 12], "people": [10, 30], "from_risk_areas": [1, 3],
                          "landing_tests": [10, 30]})
    context = tiny_context(sample_data, checkpoints=checkpoints, checkpoint_daily=daily)
    selection = Selection(DAY, metric="cp_flows", options=(("cp_window", 3),), feature="CP1")
    history = cp_metrics.checkpoint_history(context, selection).table
    assert list(history["date"].dt.strftime("%m-%d")) == ["10-09", "10-08", "10-07"]
    assert list(history["reported"]) == [True, False, True]
    assert history["people"].iloc[0] == 30 and pd.isna(history["people"].iloc[1])
    assert history["people"].iloc[2] == 10


def test_waste_history_ends_at_the_cut_off(sample_data):
    # cut-off 10-09 08:00; seven days back: after 10-02 08:00. Kept: 10-09 07:00, 10-02 08:30.
    # Left out: 10-09 09:00 (after the cut-off), 10-02 07:59 (before the seven days).
    waste = pd.DataFrame({"collected_at": pd.to_datetime(["2022-10-09 07:00", "2022-10-09 09:00",
                                                          "2022-10-02 08:30", "2022-10-02 07:59"]),
                          "site_id": "T1", "weight_kg": [5.0, 6.0, 7.0, 8.0], "bags": [1, 2, 3, 4]})
    sites = pd.DataFrame({"site_id": ["T1"], "name": ["一号点"], "kind": ["fixed"], "lon": [109.8],
                          "lat": [40.6]})
    context = tiny_context(sample_data, medical_waste=waste, testing_sites=sites)
    history = fc_metrics.site_waste_history(context, Selection(DAY, metric="fc_waste", feature="T1")).table
    assert list(history["weight_kg"]) == [5.0, 7.0] and list(history["bags"]) == [1, 3]


def square(x: float) -> shapely.Polygon:
    return shapely.box(x, 40.0, x + 0.01, 40.01)


def test_quarantine_and_supply_histories_per_day(sample_data):
    areas = gpd.GeoDataFrame({"area_id": ["S1", "S1C1"], "name": ["一街道", "一社区"],
                              "level": ["street", "community"], "parent_id": [None, "S1"],
                              "population": [262, 262], "households": [100, 100]},
                             geometry=[square(109.8), square(109.8)], crs="EPSG:4326")
    # quarantine: 10-09 10 households, 9 sealed ok -> 0.9; 10-07 20 households, 20 ok -> 1.0; 10-08 none
    checks = pd.DataFrame({"date": pd.to_datetime(["2022-10-09", "2022-10-07"]), "area_id": "S1C1",
                           "households": [10, 20], "seal_ok": [9, 20], "magnet_ok": [10, 20],
                           "tested": [10, 20], "disinfection_record_ok": [10, 20]})
    context = tiny_context(sample_data, areas=areas, quarantine_checks=checks)
    selection = Selection(DAY, metric="fc_quarantine", threshold=0.95, feature="S1C1")
    history = fc_metrics.area_compliance_history(context, selection).table.set_index("date")
    assert len(history) == fc_metrics.HISTORY_DAYS
    assert history.loc["2022-10-09", "share_seal_ok"] == pytest.approx(0.9)
    assert history.loc["2022-10-09", "weakest_share"] == pytest.approx(0.9)
    assert history.loc["2022-10-07", "share_seal_ok"] == 1.0 and math.isnan(history.loc["2022-10-08",
                                                                                         "share_seal_ok"])

    # supply: S1C1 sealed on 10-08 and 10-09; 50 of 100 households served on 10-09, none on 10-08
    zones = pd.DataFrame({"date": pd.to_datetime(["2022-10-08", "2022-10-09"]), "area_id": "S1C1",
                          "zone": "sealed"})
    deliveries = pd.DataFrame({"date": pd.to_datetime(["2022-10-09"]), "supplier_id": ["SP1"],
                               "area_id": ["S1C1"], "orders": [50], "packages_delivered": [60],
                               "households_served": [50]})
    suppliers = pd.DataFrame({"supplier_id": ["SP1"], "name": ["超市"], "kind": ["supermarket"],
                              "lon": [109.8], "lat": [40.0]})
    packages = pd.DataFrame({"supplier_id": ["SP1"], "package": ["菜包"], "price": [50.0],
                             "contents": ["菜"]})
    context = tiny_context(sample_data, areas=areas, zones=zones, deliveries=deliveries, suppliers=suppliers,
                           packages=packages)
    selection = Selection(DAY, metric="sp_served", feature="S1C1")
    history = supply_metrics.area_supply_history(context, selection).table.set_index("date")
    assert history.loc["2022-10-09", "share_24h"] == pytest.approx(0.5)
    assert history.loc["2022-10-09", "unserved"] == False  # noqa: E712  (a delivery in the last 24 h)
    assert history.loc["2022-10-08", "served_24h"] == 0 and history.loc["2022-10-08", "unserved"] == True  # noqa: E712
    assert pd.isna(history.loc["2022-10-07", "zone"])  # not watched that day


def test_a_date_before_a_domains_data_is_moved_into_its_range(explorer):
    explorer.controls.metric.value = "ent_progress"
    assert explorer.controls.date.min == dt.date(2022, 1, 1)
    explorer.controls.date.value = dt.date(2022, 3, 1)
    explorer.controls.metric.value = "coverage"
    assert explorer.controls.date.value == dt.date(2022, 10, 4) and explorer.view is not None


def test_a_domain_whose_data_cannot_load_shows_a_message_not_a_traceback(sample_data):
    from workbench.errors import DataError, Problem

    coverage_only = {n: sample_data[n] for n in ("areas", "zones", "testing_sites", "rounds", "sampling")}
    loads = []

    def failing_loader(names):
        loads.append(list(names))
        raise DataError([Problem("inspections", "inspections.xlsx", 3, "date", "a date", "10月9日")])

    explorer = Explorer(Datasets(sample_data.pack, coverage_only), loader=failing_loader)
    assert "insp_pass_rate" in explorer.metrics  # the pack has its datasets: offered, loaded when chosen
    explorer.controls.metric.value = "insp_pass_rate"
    assert ["places", "inspections"] in loads
    assert explorer.view is None and explorer.map_html == "" and explorer.table.empty
    assert "inspections.xlsx" in explorer.outputs.status.value and "10月9日" in explorer.outputs.status.value
    explorer.controls.metric.value = "coverage"
    assert explorer.view is not None and len(explorer.table) == len(sample_data.areas)
    # optional context: a note, worded on a Chinese page
    assert "admin_boundaries 未读入：数据包中有 1 处问题" in explorer.outputs.status.value


def test_the_waste_metric_runs_without_areas(sample_data):
    # a waste department's pack: testing sites and their collections, no areas to outline
    frames = {"testing_sites": sample_data.testing_sites, "medical_waste": sample_data.medical_waste}
    explorer = Explorer(Datasets(sample_data.pack, frames))
    assert "fc_waste" in [value for _, value in explorer.controls.metric.options]
    sites, site_map = choose(explorer, "fc_waste")
    assert len(sites) == len(sample_data.testing_sites) and "L.circleMarker" in html.unescape(site_map)
