"""The explorer's follow-up domains (issue 16): enterprise requests, major-project procedures,
front-line staffing and testing capacity.

On the tiny pack of :mod:`fixtures.followup` (read and validated like any pack), each control
is set as an analyst would and the figures of the table, the map and the history are checked
against the numbers worked out by hand in that module's docstring; a pack without these
optional datasets must still open, without offering them.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pandas as pd
import pytest
from fixtures.followup import DAY, FOLLOWUP, followup_pack
from fixtures.pages import map_tooltips

from workbench.domains import coverage
from workbench.intake.loading import Datasets
from workbench.present.explore import requests as rq_metrics
from workbench.present.explore.common import EVERY
from workbench.present.explore.widgets import Explorer
from workbench.present.palette import STATUS_COLOURS

BAD, WARN, GOOD = (STATUS_COLOURS[tone] for tone in ("bad", "warn", "good"))
FOLLOWUP_METRICS = {"rq_open", "rq_by", "pj_progress", "pj_late", "st_units", "st_kinds"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return followup_pack(tmp_path_factory.mktemp("followup") / "pack")


@pytest.fixture
def explorer(pack):
    return Explorer.from_pack(pack)


def choose(explorer: Explorer, metric: str) -> pd.DataFrame:
    explorer.controls.metric.value = metric
    assert explorer.view is not None, explorer.outputs.status.value
    return explorer.table


def set_control(explorer: Explorer, key: str, value) -> pd.DataFrame:
    control = explorer.controls.extra[key]
    assert control.layout.display != "none", f"{key} is hidden for {explorer.controls.metric.value}"
    control.value = value
    assert explorer.view is not None, explorer.outputs.status.value
    return explorer.table


def points(map_html: str) -> dict[str, str]:
    """Each point or polygon of the map's layers: its tooltip's first bold text → its fill colour.

    A layer's features are a JSON block ``{"f": [[coordinates, {"s": style, "t": tooltip}], ...]}``
    (workbench/present/maps/layers.py).
    """
    page, found = html.unescape(map_html), {}
    for blob in re.findall(r'<script type="application/json" id="\w+_json">(.*?)</script>', page, flags=re.S):
        for _, properties in json.loads(blob)["f"]:
            tip, style = properties.get("t", ""), properties.get("s", {})
            name = re.match(r"<b>(.*?)</b>", tip)
            if name and "fillColor" in style:
                found[html.unescape(name.group(1))] = style["fillColor"]
    return found


def visible(explorer: Explorer) -> set[str]:
    return {k for k, w in explorer.controls.extra.items() if w.layout.display != "none"}


# ------------------------------------------------------------------ enterprise requests


def test_request_days_and_filters_change_the_open_requests_and_the_map(explorer):
    table = choose(explorer, "rq_open")
    assert visible(explorer) == {"rq_days", "rq_category", "rq_department"}
    controls = explorer.controls
    assert controls.round.layout.display == "none" and controls.street.layout.display == "none"
    # request_days 3: R3 (age 4) overdue, R2 (age 3) open, R5 (age 1, resolved after the date) open;
    # R1 resolved on the report date is not open; R6 raised after it is not counted (a warning)
    assert list(table["request_id"]) == ["R3", "R2", "R5"] and list(table["age_days"]) == [4, 3, 1]
    assert list(table["overdue"]) == [True, False, False]
    assert "1 条企业诉求晚于报告日期 2022-10-09 提出，未计入" in explorer.outputs.status.value
    assert "1.5" in explorer.outputs.summary.value  # median days to resolve: (0 + 3) / 2
    first_map = explorer.map_html
    assert points(first_map) == {"甲厂 (E1)": BAD, "乙厂 (E2)": WARN}

    two = set_control(explorer, "rq_days", 2)
    assert list(two["overdue"]) == [True, True, False] and explorer.map_html != first_map
    one = set_control(explorer, "rq_days", 1)
    assert list(one["overdue"]) == [True, True, False]  # R5, open 1 day: not more than 1, not overdue

    set_control(explorer, "rq_days", 3)
    power = set_control(explorer, "rq_category", "电力")
    assert list(power["request_id"]) == ["R2", "R5"] and not power["overdue"].any()
    assert points(explorer.map_html) == {"甲厂 (E1)": WARN, "乙厂 (E2)": WARN}
    set_control(explorer, "rq_category", EVERY)
    labour = set_control(explorer, "rq_department", "人社局")
    # 人社局 has R3 of E1 (overdue) and R4 of E2 (resolved in 3 days): E2 has nothing open, green
    assert list(labour["request_id"]) == ["R3"]
    assert points(explorer.map_html) == {"甲厂 (E1)": BAD, "乙厂 (E2)": GOOD}


def test_open_requests_grouped_by_category_or_department(explorer):
    by_category = choose(explorer, "rq_by")
    assert visible(explorer) == {"rq_by", "rq_days", "rq_category", "rq_department"}
    # 用工: R3 (overdue, 4 days); 电力: R2 and R5 (oldest 3 days); most overdue first
    assert list(by_category["category"]) == ["用工", "电力"]
    assert list(by_category["open"]) == [1, 2] and list(by_category["overdue"]) == [1, 0]
    assert list(by_category["oldest_days"]) == [4, 3]
    by_department = set_control(explorer, "rq_by", "department")
    assert list(by_department["department"]) == ["人社局", "供电公司"]
    assert list(by_department["open"]) == [1, 2]
    assert "责任部门" in explorer.outputs.table.value


def test_an_enterprises_history_lists_its_requests_with_their_state(explorer):
    choose(explorer, "rq_open")
    assert [v for _, v in explorer.controls.feature.options][1:] == ["E1", "E2"]
    explorer.controls.feature.value = "E1"
    history = explorer.history.table
    assert list(history["request_id"]) == ["R1", "R2", "R3"]  # newest first
    assert list(history["status"]) == ["resolved", "open", "overdue"]
    assert history["resolved_on"].iloc[0] == DAY and history["resolved_on"].iloc[1:].isna().all()
    assert "甲厂 (E1)" in explorer.outputs.history.value
    explorer.controls.feature.value = "E2"
    history = explorer.history.table.set_index("request_id")
    assert list(history.index) == ["R5", "R4"]  # R6, raised after the report date, is not listed
    assert history.loc["R5", "status"] == "open" and pd.isna(history.loc["R5", "resolved_on"])
    assert history.loc["R4", "status"] == "resolved"


def test_enterprise_request_counts_and_tones(explorer):
    choose(explorer, "rq_open")
    selection = explorer.selection
    result = rq_metrics.request_result(explorer.context, selection)
    rows = rq_metrics.enterprise_requests(result, explorer.context.data.enterprises)
    rows = rows.set_index("enterprise_id")
    assert list(rows.index) == ["E1", "E2"]  # E3 raised nothing
    assert rows.loc["E1", ["requests", "open", "overdue"]].tolist() == [3, 2, 1]
    assert rows.loc["E2", ["requests", "open", "overdue"]].tolist() == [2, 1, 0]
    assert list(rows["tone"]) == ["bad", "warn"]


# ------------------------------------------------------------------ major projects


def test_projects_have_no_map_and_stall_days_changes_the_stalled(explorer):
    table = choose(explorer, "pj_progress").set_index("project_id")
    assert explorer.outputs.map.layout.display == "none" and explorer.map_html == ""
    assert visible(explorer) == {"pj_stall"}
    assert table["done"].tolist() == [2, 1] and table["due"].tolist() == [3, 1]
    assert table.loc["PA", "progress"] == pytest.approx(2 / 3) and table.loc["PB", "progress"] == 1.0
    assert table["investment_wan"].tolist() == [20000.0, 5000.0]  # 2 亿元 = 20 000 万元
    assert table["off_schedule"].tolist() == [True, False]  # PA's 规划, due today, not done
    assert table["days_since_progress"].tolist() == [14, 12]
    assert table["no_progress"].tolist() == [True, False]  # 14 days: at the limit, stalled
    summary = explorer.outputs.summary.value
    assert "3 / 4" in summary and "20,000 万元" in summary and "5,000 万元" in summary
    # PB is on schedule (its due milestone done): waiting for its plan, stalled at no limit
    assert set_control(explorer, "pj_stall", 7)["no_progress"].tolist() == [True, False]
    assert set_control(explorer, "pj_stall", 21)["no_progress"].tolist() == [False, False]
    assert explorer.outputs.map.layout.display == "none"

    explorer.controls.date.value = dt.date(2022, 10, 8)  # PA's 规划 not due yet: on schedule
    earlier = explorer.table.set_index("project_id")
    assert earlier.loc["PA", ["done", "due"]].tolist() == [2, 2] and not earlier["off_schedule"].any()


def test_late_procedures_and_a_projects_history(explorer):
    late = choose(explorer, "pj_late")
    # still open first (规划, due today: 0 days late), then done late, most days first
    assert list(zip(late["project_id"], late["milestone"], late["days_late"], strict=True)) == [
        ("PA", "规划", 0), ("PB", "立项", 17), ("PA", "用地", 5)]
    assert [v for _, v in explorer.controls.feature.options][1:] == ["PA", "PB"]
    explorer.controls.feature.value = "PA"
    history = explorer.history.table
    assert list(history["milestone"]) == ["立项", "用地", "规划", "施工"]
    assert list(history["state"]) == ["done", "done", "late", "planned"]
    assert [None if pd.isna(d) else int(d) for d in history["days_late"]] == [None, 5, 0, None]
    assert explorer.map_html == ""  # a project has no place: nothing to outline
    assert "甲项目 (PA)" in explorer.outputs.history.value


# ------------------------------------------------------------------ staffing


def test_staffing_unit_kind_changes_the_short_units_and_the_map(explorer):
    table = choose(explorer, "st_units")
    assert visible(explorer) == {"st_kind"}
    # short: community 007's team by 2, T1 by 1 (13 of 14); CP1 6 of 6 is on plan
    assert list(table["unit_id"]) == ["007", "T1"] and list(table["shortfall"]) == [2, 1]
    summary = explorer.outputs.summary.value
    assert ">25<" in summary and "28" in summary and "2 / 4" in summary
    placed = points(explorer.map_html)
    assert placed == {"一号点 (T1)": WARN, "东卡口 (CP1)": GOOD, "社区007 (007)": WARN}  # 一组 has no place
    first_map = explorer.map_html

    sites = set_control(explorer, "st_kind", "testing_site")
    assert list(sites["unit_id"]) == ["T1"] and explorer.map_html != first_map
    assert set(points(explorer.map_html)) == {"一号点 (T1)"}
    teams = set_control(explorer, "st_kind", "supervision_team")
    assert teams.empty and explorer.map_html == ""  # no unit of the kind has a place: no map
    assert explorer.outputs.map.layout.display == "none"
    set_control(explorer, "st_kind", EVERY)
    assert explorer.outputs.map.layout.display != "none"

    kinds = choose(explorer, "st_kinds").set_index("unit_kind")
    counts = ["units", "units_short", "planned", "on_duty", "shortfall"]
    assert kinds.loc["testing_site", counts].tolist() == [1, 1, 14, 13, 1]
    assert kinds.loc["checkpoint", ["units_short", "shortfall"]].tolist() == [0, 0]
    assert kinds["on_duty"].sum() == 25 and kinds["shortfall"].sum() == 3


def test_a_units_history_marks_a_day_without_rows_missing(explorer):
    choose(explorer, "st_units")
    features = dict((v, t) for t, v in explorer.controls.feature.options)
    units = {"testing_site:T1", "checkpoint:CP1", "quarantine_team:007", "supervision_team:一组"}
    assert units <= set(features)
    explorer.controls.feature.value = "testing_site:T1"
    history = explorer.history.table.set_index("date")
    assert len(history) == 7 and history.index[0] == DAY
    assert history.loc[DAY, ["planned", "on_duty", "shortfall"]].tolist() == [14, 13, 1]
    assert history.loc[DAY, "short"] == True  # noqa: E712
    day_before = DAY - pd.Timedelta(days=1)
    assert history.loc[day_before, ["planned", "on_duty", "shortfall"]].tolist() == [14, 14, 0]
    assert pd.isna(history.loc[DAY - pd.Timedelta(days=2), "planned"])
    explorer.controls.feature.value = "checkpoint:CP1"
    history = explorer.history.table.set_index("date")
    assert history.loc[DAY, "short"] == False and pd.isna(history.loc[day_before, "on_duty"])  # noqa: E712
    unplaced_map = explorer.map_html
    explorer.controls.feature.value = "supervision_team:一组"
    assert explorer.history.table["on_duty"].iloc[0] == 3
    assert explorer.map_html.count("L.geoJson(") == unplaced_map.count("L.geoJson(") - 1  # no outline


# ------------------------------------------------------------------ testing capacity


def test_capacity_round_and_target_change_the_street_and_the_map(explorer, monkeypatch):
    street = choose(explorer, "tc_capacity").set_index("area_id").loc["S1"]
    assert explorer.controls.threshold.layout.display != "none" and explorer.controls.threshold.value == 0.95
    # R2 (latest): 200/h × 24 h = 4 800 for 3 000 people; 22 h left after 08:00: 4 400 >= gap 2 850
    assert street[["capacity", "capacity_ratio", "remaining_capacity", "gap"]].tolist() == [
        4800.0, 1.6, 4400.0, 2850]
    assert not street["capacity_short"] and not street["cannot_reach"]
    assert points(explorer.map_html) == {"滨河街道 (S1)": GOOD}

    explorer.controls.round.value = "R1"
    street = explorer.table.set_index("area_id").loc["S1"]
    # R1: 200/h × 12 h = 2 400, ratio 0.8; p001 and p002 tested: gap 2 850 − 2; the round is over
    assert street[["capacity", "capacity_ratio", "remaining_capacity", "gap"]].tolist() == [
        2400.0, 0.8, 0.0, 2848]
    assert street["capacity_short"] and street["cannot_reach"]
    assert points(explorer.map_html) == {"滨河街道 (S1)": BAD}
    r1_map = explorer.map_html

    monkeypatch.setattr(coverage, "count_tested", lambda *a, **k: pytest.fail("recounted"))
    explorer.controls.threshold.value = 0.80
    street = explorer.table.set_index("area_id").loc["S1"]
    assert not street["capacity_short"] and street["gap"] == 2398  # a ratio exactly at the target
    assert explorer.map_html != r1_map

    explorer.controls.street.value = "S1"
    assert list(explorer.table["area_id"]) == ["S1"]
    explorer.controls.feature.value = "S1"
    history = explorer.history.table.set_index("round_id")
    assert history["capacity"].tolist() == [2400.0, 4800.0]
    assert history["cannot_reach"].tolist() == [True, False]


# ------------------------------------------------------------------ packs without them


def test_the_explorer_opens_on_a_pack_without_the_optional_datasets(tmp_path):
    pack = followup_pack(tmp_path / "bare", without=tuple(name for name, _, _ in FOLLOWUP))
    explorer = Explorer.from_pack(pack)
    offered = {v for _, v in explorer.controls.metric.options}
    assert not offered & FOLLOWUP_METRICS and "tc_capacity" in offered  # capacity needs only testing data
    assert explorer.view is not None and len(explorer.table)
    choose(explorer, "tc_capacity")


def test_a_pack_of_projects_alone_opens_on_its_procedures(tmp_path):
    keep = {"projects", "project_milestones"}
    pack = followup_pack(tmp_path / "projects", without=tuple(
        n for n in ("areas", "testing_sites", "sampling", "rounds", "zones", "enterprises", "checkpoints",
                    "enterprise_requests", "staffing") if n not in keep))
    explorer = Explorer.from_pack(pack)
    assert set(explorer.metrics) == {"pj_progress", "pj_late"}
    assert explorer.view is not None and explorer.map_html == "" and len(explorer.table) == 2
    picker = explorer.controls.date  # the procedures' planned and done dates
    assert (picker.min, picker.max) == (dt.date(2022, 9, 1), dt.date(2022, 10, 30))


def test_data_values_are_escaped_in_the_follow_up_metrics(pack):
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets

    evil = '<img src=x onerror="alert(1)">'
    data = load_datasets(open_pack(pack))
    frames = dict(data)
    frames["enterprises"] = data.enterprises.assign(name=evil)
    frames["enterprise_requests"] = data.enterprise_requests.assign(category=evil, department=evil)
    frames["projects"] = data.projects.assign(name=evil)
    frames["project_milestones"] = data.project_milestones.assign(milestone=evil)
    frames["staffing"] = data.staffing.assign(role=evil)
    frames["testing_sites"] = data.testing_sites.assign(name=evil)
    frames["areas"] = data.areas.assign(name=evil)
    explorer = Explorer(Datasets(data.pack, frames))
    for metric in ("rq_open", "rq_by", "pj_progress", "pj_late", "st_units", "st_kinds", "tc_capacity"):
        choose(explorer, metric)
        explorer.controls.feature.value = explorer.controls.feature.options[1][1]
        outputs = explorer.outputs
        pages = (outputs.table.value, outputs.summary.value, outputs.history.value, explorer.map_html,
                 map_tooltips(explorer.map_html))
        assert all("<img" not in page for page in pages), metric
        assert "&lt;img" in outputs.table.value + outputs.history.value + explorer.map_html, metric


def test_the_follow_up_metrics_speak_english(explorer):
    explorer.controls.lang.value = "en"
    choose(explorer, "st_units")
    assert "Units short-staffed" in explorer.outputs.status.value
    assert "Quarantine team" in explorer.outputs.table.value and "Legend" in explorer.map_html
    assert explorer.controls.extra["st_kind"].description == "Unit kind"
    choose(explorer, "rq_open")
    assert explorer.controls.extra["rq_days"].description == "Overdue after (days open)"
    assert "3 days" in explorer.controls.extra["rq_days"].label
    choose(explorer, "pj_progress")
    assert explorer.controls.extra["pj_stall"].description == "Stalled after (days without progress)"
