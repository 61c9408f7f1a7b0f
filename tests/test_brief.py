"""The daily brief: each alert rule on hand-made figures, alert and figure comparison, the history
lookup, the brief's numbers against the domains' own, a revised pack, and the notebook over two days."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import SAMPLE

from workbench.brief import alert_changes, alerts, history
from workbench.brief import changes as brief_changes
from workbench.brief import figures as brief
from workbench.brief import rules as alert_rules
from workbench.domains import prices
from workbench.errors import WorkbenchError
from workbench.intake.rulefiles import read_parameter_file
from workbench.present import alert_text
from workbench.present.alert_text import alert_message
from workbench.present.views import brief as view

RULES = alert_rules.read_rules(domains=brief.DOMAIN_NAMES)
RULE = {rule.id: rule for rule in RULES}
PRICE_RULES = tuple(prices.parse_alert_rules(*read_parameter_file(None, prices.DEFAULT_RULES_FILE, "rules")))

# ---------------------------------------------------------------- hand-made figures, one domain each

DISTRICT = {"tested": 900, "population": 1000, "coverage": 0.9, "target": 0.95, "short": True}
COMMUNITIES = [
    {"area_id": "C1", "name": "和平社区", "street": "稀土路街道", "tested": 86, "population": 100,
     "coverage": 0.86, "target": 0.95, "short": True, "gap": 9},
    {"area_id": "C2", "name": "阳光社区", "street": "稀土路街道", "tested": 99, "population": 100,
     "coverage": 0.99, "target": 0.95, "short": False, "gap": 0},
]
SILENT = [{"site_id": "T5", "name": "一号点", "kind": "fixed", "silent_on": "2022-10-08",
           "last_reported": "2022-10-05"}]
CHECKPOINTS = [
    {"checkpoint_id": "CP1", "name": "黄河大桥卡口", "reported": True, "vehicles": 10, "people": 20,
     "from_risk_areas": 1, "landing_tests": 19},
    {"checkpoint_id": "CP2", "name": "万水泉卡口", "reported": False, "vehicles": None, "people": None,
     "from_risk_areas": None, "landing_tests": None},
]
FINDINGS = [
    {"inspection_id": "I1", "date": "2022-10-05", "team": "第一督查组", "place_id": "P1", "name": "恒大公园",
     "kind": "park", "finding": "值守人员不足", "age_days": 4, "overdue": True},
    {"inspection_id": "I2", "date": "2022-10-09", "team": "第二督查组", "place_id": "P2", "name": "希望酒店",
     "kind": "quarantine_hotel", "finding": "台账缺失", "age_days": 0, "overdue": False},
]
TOTALS = {"window_days": 7, "visits": 20, "passed": 17, "pass_rate": 0.85, "open": 2, "overdue": 1,
          "places": 10, "visited": 9}
WATCHED = [
    {"area_id": "A1", "name": "希望西区社区", "street": "滨河新区", "zone": "controlled", "households": 500,
     "served_24h": 0, "share_24h": 0.0, "last_delivery": "2022-10-08", "unserved": True},
    {"area_id": "A2", "name": "鹿城雅苑社区", "street": "滨河新区", "zone": "sealed", "households": 400,
     "served_24h": 200, "share_24h": 0.5, "last_delivery": "2022-10-09", "unserved": False},
]
SUPPLIERS = [
    {"supplier_id": "G1", "name": "华月工贸", "kind": "trading_company", "served_24h": 0,
     "last_delivery": "2022-10-07", "stopped": True},
    {"supplier_id": "G2", "name": "华联超市", "kind": "supermarket", "served_24h": 40,
     "last_delivery": "2022-10-09", "stopped": False},
]
PRICE_ALERTS = [
    {"price_rule": "above_baseline", "kind": "above_baseline", "commodity": "菠菜", "market": "滨河农贸市场",
     "value": 0.2, "price": 4.8, "unit": "元/斤", "compared_with": 4.0},
    {"price_rule": "daily_jump", "kind": "daily_jump", "commodity": "猪肉", "market": "华联超市",
     "value": 0.07, "price": 16.05, "unit": "元/斤", "compared_with": 15.0},
    {"price_rule": "rises3", "kind": "consecutive_rises", "commodity": "西红柿", "market": "华联超市",
     "value": 3.0, "price": 3.05, "unit": "元/斤", "compared_with": None},
]
ITEMS = [
    {"item": "seal_ok", "compliant": 99, "households": 100, "compliance": 0.99, "target": 0.95,
     "below_target": False},
    {"item": "magnet_ok", "compliant": 90, "households": 100, "compliance": 0.9, "target": 0.95,
     "below_target": True},
]
QUARANTINE_COMMUNITIES = [
    {"area_id": "C1", "name": "一社区", "street": "一街道", "households": 39, "weakest_item": "magnet_ok",
     "compliant": 22, "compliance": 22 / 39, "target": 0.95, "below_target": True, "band": "short"},
    {"area_id": "C2", "name": "二社区", "street": "一街道", "households": 20, "weakest_item": "seal_ok",
     "compliant": 18, "compliance": 0.9, "target": 0.95, "below_target": True, "band": "near"},
]
UNCOLLECTED = [
    {"site_id": "T7", "name": "七号点", "kind": "fixed", "last_collected": None, "hours_since": None},
    {"site_id": "T8", "name": "八号点", "kind": "mobile", "last_collected": "2022-10-07 20:30",
     "hours_since": 35.5},
]
TARGETS = [
    {"enterprise_id": "E1", "name": "华鼎铜业", "product": "产值", "unit": "亿元", "ytd": 61.2,
     "target": 100.0, "progress": 0.612, "elapsed": 0.7726, "projected": 79.2, "status": "behind"},
    {"enterprise_id": "E2", "name": "瑞鑫稀土", "product": "稀土金属", "unit": "t", "ytd": 5995.4,
     "target": 8000.0, "progress": 0.7494, "elapsed": 0.7726, "projected": 7760.0, "status": "at_risk"},
    {"enterprise_id": "E3", "name": "伊利乳业", "product": "液态奶", "unit": "万吨", "ytd": 35.8,
     "target": 45.0, "progress": 0.7956, "elapsed": 0.7726, "projected": 46.35, "status": "on_track"},
]
OVERDUE_REQUESTS = [
    {"request_id": "RQ7", "enterprise_id": "E1", "enterprise": "华鼎铜业", "category": "原料运输",
     "department": "交通运输局", "age_days": 5},
]
LATE_MILESTONES = [{"project_id": "P1", "name": "稀土新材料产业园", "milestone": "环评批复", "days_late": 8}]
SHORT_UNITS = [
    {"unit_kind": "checkpoint", "unit_id": "CP1", "name": "一号卡口", "unit": "一号卡口 (CP1)", "planned": 36,
     "on_duty": 32, "shortfall": 4},
    {"unit_kind": "testing_site", "unit_id": "T3", "name": None, "unit": "T3", "planned": 22, "on_duty": 19,
     "shortfall": 3},
]

#: rule id → (its domain's figures, subjects raised, zh message of the first, en message of the first)
CASES = {
    "district_coverage_short": (
        {"district": DISTRICT}, ["district"],
        "全区核酸覆盖率 90.0% (900 / 1,000)，低于目标 95.0%",
        "District testing coverage 90.0% (900 / 1,000), below the 95.0% target"),
    "community_coverage_short": (
        {"communities": COMMUNITIES}, ["C1"],
        "稀土路街道和平社区（C1）核酸覆盖率 86.0% (86 / 100)，低于目标 95.0%，尚差 9 人",
        "和平社区, 稀土路街道 (C1): testing coverage 86.0% (86 / 100), below the 95.0% target; "
        "9 more to test"),
    "testing_site_silent": (
        {"silent_sites": SILENT}, ["T5"],
        "采样点一号点（T5）自 2022-10-08 起无采样记录，最后上报 2022-10-05",
        "Testing site 一号点 (T5) silent since 2022-10-08; last reported 2022-10-05"),
    "checkpoint_not_reported": (
        {"checkpoints": CHECKPOINTS}, ["CP2"],
        "卡口万水泉卡口（CP2）未报送截至今日 8 时的数据",
        "Checkpoint 万水泉卡口 (CP2) has not reported the day ending 08:00 today"),
    "finding_overdue": (
        {"open_findings": FINDINGS}, ["I1"],
        "恒大公园（P1，公园）2022-10-05 督查发现“值守人员不足”，4 天未整改（第一督查组）",
        "恒大公园 (P1, Park): finding of 2022-10-05 “值守人员不足” open for 4 days (第一督查组)"),
    "inspection_pass_rate_low": (
        {"totals": TOTALS}, ["totals"],
        "近 7 天督查合格率 85.0% (17 / 20)，低于 90%",
        "Inspection pass rate over the last 7 days 85.0% (17 / 20), below 90%"),
    "area_unserved": (
        {"watched_areas": WATCHED}, ["A1"],
        "管控区滨河新区希望西区社区（A1）近 24 小时无保供配送，最近一次 2022-10-08",
        "希望西区社区, 滨河新区 (A1, Controlled): no delivery in the last 24 h; last on 2022-10-08"),
    "supplier_stopped": (
        {"suppliers": SUPPLIERS}, ["G1"],
        "保供企业华月工贸（G1）近 24 小时无配送，最近一次 2022-10-07",
        "Supplier 华月工贸 (G1): no delivery in the last 24 h; last on 2022-10-07"),
    "price_above_baseline": (
        {"alerts": PRICE_ALERTS}, ["above_baseline / 菠菜 / 滨河农贸市场"],
        "滨河农贸市场菠菜 4.80 元/斤，比基期价 4 高 20.0%",
        "菠菜 at 滨河农贸市场: 4.80 yuan/jin, 20.0% above the baseline 4"),
    "price_daily_jump": (
        {"alerts": PRICE_ALERTS}, ["daily_jump / 猪肉 / 华联超市"],
        "华联超市猪肉 16.05 元/斤，比前一日 15 涨 7.0%",
        "猪肉 at 华联超市: 16.05 yuan/jin, up 7.0% on the day before (15)"),
    "price_consecutive_rises": (
        {"alerts": PRICE_ALERTS}, ["rises3 / 西红柿 / 华联超市"],
        "华联超市西红柿连续 3 天上涨，现价 3.05 元/斤",
        "西红柿 at 华联超市: 3 rises in a row, now 3.05 yuan/jin"),
    "quarantine_item_below_target": (
        {"quarantine_items": ITEMS}, ["magnet_ok"],
        "居家隔离“门磁安装”落实率 90.0% (90 / 100)，低于目标 95.0%",
        "Home quarantine, Door magnet installed: 90.0% (90 / 100), below the 95.0% target"),
    "quarantine_community_short": (
        {"quarantine_communities": QUARANTINE_COMMUNITIES}, ["C1"],  # C2 is near the target: no alert
        "一街道一社区（C1）居家隔离“门磁安装”落实率 56.4% (22 / 39)，比目标 95.0% 低 10 个百分点以上",
        "一社区, 一街道 (C1): home quarantine, Door magnet installed 56.4% (22 / 39), "
        "more than 10 points below the 95.0% target"),
    "waste_uncollected": (
        {"uncollected_sites": UNCOLLECTED}, ["T7", "T8"],
        "采样点七号点（T7）医疗废物 24 小时未收运，上次收运 —（截至 8 时 — 小时）",
        "Testing site 七号点 (T7): medical waste not collected for 24 h; last — (— h before 08:00)"),
    "enterprise_behind": (
        {"targets": TARGETS}, ["E1 / 产值"],
        "华鼎铜业产值完成 61.2%（61.20 / 100.0 亿元），时间进度 77.3%，预计全年 79.20 亿元，进度落后",
        "华鼎铜业, 产值: 61.2% done (61.20 / 100.0 ×10⁸ yuan) at 77.3% of the year; "
        "projected 79.20 ×10⁸ yuan, behind"),
    "enterprise_at_risk": (
        {"targets": TARGETS}, ["E2 / 稀土金属"],
        "瑞鑫稀土稀土金属完成 74.9%（5,995 / 8,000 t），时间进度 77.3%，预计全年 7,760 t，有风险",
        "瑞鑫稀土, 稀土金属: 74.9% done (5,995 / 8,000 t) at 77.3% of the year; projected 7,760 t, at risk"),
    "enterprise_request_overdue": (
        {"overdue_requests": OVERDUE_REQUESTS}, ["RQ7"],
        "华鼎铜业（E1）原料运输诉求（RQ7）已 5 天未办结，责任部门：交通运输局",
        "华鼎铜业 (E1): 原料运输 request RQ7 open for 5 days; department: 交通运输局"),
    "project_milestone_late": (
        {"late_open_milestones": LATE_MILESTONES}, ["P1 / 环评批复"],
        "稀土新材料产业园（P1）环评批复滞后 8 天未完成",
        "稀土新材料产业园 (P1): 环评批复 8 days late, not done"),
    "project_no_progress": (
        {"stalled_projects": [{"project_id": "P2", "name": "冷链物流中心"}]}, ["P2"],
        "冷链物流中心（P2）近期无手续办结进展",
        "冷链物流中心 (P2): no procedure done recently"),
    "unit_short_staffed": (
        {"short_units": SHORT_UNITS}, ["checkpoint / CP1"],  # T3 short by 3: below the rule's 4
        "卡口 一号卡口 (CP1)：今日在岗 32 人，计划 36 人，缺 4 人",
        "Checkpoint 一号卡口 (CP1): 32 on duty of 36 planned today, 4 short"),
}


def test_every_rule_of_the_file_has_a_test_case():
    assert set(CASES) == set(RULE)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_raises_on_matching_items_only_with_its_evidence(rule_id):
    rule = RULE[rule_id]
    figures, subjects, zh, en = CASES[rule_id]
    raised = alerts.evaluate_alerts({rule.domain: figures}, [rule])
    assert [a.subject for a in raised] == subjects
    assert all(a.rule == rule_id and a.domain == rule.domain and a.severity == rule.severity for a in raised)
    first = raised[0]
    assert alert_message(first, "zh") == zh
    assert alert_message(first, "en") == en
    source = figures[rule.figure]
    assert first.evidence == (source if isinstance(source, dict) else next(
        item for item in source if brief_changes.item_key(item) == first.subject.replace(" / ", "/")))


@pytest.mark.parametrize("rule_id,figures", [
    ("district_coverage_short", {"district": {**DISTRICT, "short": False}}),
    ("inspection_pass_rate_low", {"totals": {**TOTALS, "passed": 18, "pass_rate": 0.9}}),  # 90 %: not below
    ("inspection_pass_rate_low", {"totals": {**TOTALS, "visits": 0, "passed": 0, "pass_rate": None}}),
    ("community_coverage_short", {"communities": []}),
])
def test_rule_stays_quiet(rule_id, figures):
    assert alerts.evaluate_alerts({RULE[rule_id].domain: figures}, [RULE[rule_id]]) == []


def test_a_domain_left_out_raises_nothing_and_alerts_come_most_severe_first():
    raised = alerts.evaluate_alerts({"enterprises": {"targets": TARGETS}, "coverage": {"district": DISTRICT}},
                                    [RULE["enterprise_at_risk"], RULE["district_coverage_short"],
                                     RULE["area_unserved"]])
    assert [a.rule for a in raised] == ["district_coverage_short", "enterprise_at_risk"]


def test_list_rule_raises_one_alert_per_id():
    rule = alert_rules.parse_rules({"rules": [{
        "id": "repeat", "domain": "inspections", "severity": "low", "kind": "list",
        "figure": "repeat_failures",
        "message": {"zh": "场所 {id} 多次不合格", "en": "Place {id} failed repeatedly"}}]})[0]
    raised = alerts.evaluate_alerts({"inspections": {"repeat_failures": ["P1", "P2"]}}, [rule])
    assert [(a.subject, alert_message(a, "en")) for a in raised] == [("P1", "Place P1 failed repeatedly"),
                                                             ("P2", "Place P2 failed repeatedly")]


def _rule(**changes):
    entry = {"id": "r", "domain": "coverage", "severity": "high", "kind": "list_items",
             "figure": "communities", "where": {"field": "coverage", "below": 0.95}, "subject": ["area_id"],
             "message": {"zh": "{name}", "en": "{name}"}}
    entry.update(changes)
    return {"rules": [{k: v for k, v in entry.items() if v is not None}]}


@pytest.mark.parametrize("changes,expected", [
    ({"where": {"field": "coverage", "lower_than": 0.95}}, "operator 'lower_than'"),
    ({"where": {"field": "coverage", "below": "0.95"}}, "'below' needs a number"),
    ({"message": {"zh": "{name.__class__}", "en": "x"}}, "must name an evidence field"),
    ({"message": {"zh": "{name!r}", "en": "x"}}, "must name an evidence field"),
    ({"message": {"zh": "{name:>10}", "en": "x"}}, "format '>10'"),
    ({"message": {"zh": "{gap:rate}", "en": "x"}}, "'rate' is known for"),
    ({"message": {"zh": "{name"}}, "a template in each of zh, en"),
    ({"message": {"zh": "{name", "en": "x"}}, "literal brace"),
    ({"kind": "value", "where": None, "subject": None}, "needs a 'where'"),
    ({"kind": "list", "subject": None}, "has no 'where'"),
    ({"subject": None}, "'subject' must list"),
    ({"domain": "weather"}, "domain 'weather'"),
    ({"severity": "urgent"}, "severity must be one of"),
    ({"figure": "a.b"}, "'figure' must name"),
    ({"threshold": 3}, "unknown key(s) threshold"),
])
def test_bad_rules_are_refused_with_the_rule_named(changes, expected):
    with pytest.raises(WorkbenchError, match="rule 1") as caught:
        alert_rules.parse_rules(_rule(**changes), "alerts.yaml", brief.DOMAIN_NAMES)
    assert expected in str(caught.value)


def test_duplicate_rule_ids_are_refused():
    document = {"rules": _rule()["rules"] * 2}
    with pytest.raises(WorkbenchError, match="used twice: r"):
        alert_rules.parse_rules(document)


def test_a_rule_naming_a_missing_figure_or_field_fails_clearly():
    rules = alert_rules.parse_rules(_rule())
    with pytest.raises(WorkbenchError, match="no 'communities'"):
        alerts.evaluate_alerts({"coverage": {"district": DISTRICT}}, rules)
    with pytest.raises(WorkbenchError, match="no field 'coverage'"):
        alerts.evaluate_alerts({"coverage": {"communities": [{"area_id": "C1", "name": "x"}]}}, rules)
    rules = alert_rules.parse_rules(_rule(message={"zh": "{coverage:rate}", "en": "{coverage}"}))
    with pytest.raises(WorkbenchError, match="needs population, tested"):
        alerts.evaluate_alerts({"coverage": {"communities": [{"area_id": "C1", "coverage": 0.5}]}}, rules)


def test_conditions_and_operators():
    item = {"n": 5, "s": "behind", "missing": None, "flag": True}

    def holds(**condition):
        (operator, value), = condition.items()
        return alert_rules.Condition(condition.get("field", "n"), operator, value).holds(item)

    assert holds(below=6) and not holds(below=5) and holds(at_most=5) and holds(above=4) and holds(at_least=5)
    assert alert_rules.Condition("s", "one_of", ["behind", "at_risk"]).holds(item)
    assert alert_rules.Condition("s", "not_equals", "on_track").holds(item)
    assert not alert_rules.Condition("missing", "below", 1).holds(item)
    assert alert_rules.Condition("missing", "equals", None).holds(item)
    assert not alert_rules.Condition("flag", "above", 0).holds(item)  # a flag is not a number


@pytest.mark.parametrize("template,evidence,lang,expected", [
    ("{n}", {"n": 12345}, "zh", "12,345"),
    ("{n:count}", {"n": 3.0}, "en", "3"),
    ("{x:share}", {"x": 0.9534}, "en", "95.3%"),
    ("{coverage:rate}", {"coverage": 0.5, "tested": 1, "population": 2}, "en", "50.0% (1 / 2)"),
    ("{q:num}", {"q": 0.01234}, "en", "0.0123"),
    ("{q:num}", {"q": 81586.85}, "en", "81,587"),
    ("{h:hours}", {"h": 82.4}, "zh", "82"),
    ("{h:hours}", {"h": 9.96}, "zh", "10"),
    ("{h:hours}", {"h": 3.46}, "en", "3.5"),
    ("{h:hours}", {"h": 24.0}, "en", "24"),
    ("{h:hours}", {"h": None}, "en", "—"),
    ("{d:days} late", {"d": 1}, "en", "1 day late"),
    ("{d:days} late", {"d": 12}, "en", "12 days late"),
    ("{zone:label}", {"zone": "sealed"}, "zh", "封控区"),
    ("{item:label:fc_}", {"item": "tested"}, "en", "Tested"),
    ("{x} {y:share}", {"x": None, "y": float("nan")}, "zh", "— —"),
    ("<{name}>", {"name": "<b>"}, "en", "<<b>>"),  # plain text: escaped where it reaches HTML
])
def test_render_message_formats(template, evidence, lang, expected):
    assert alert_text.render_message(template, evidence, lang) == expected


# ---------------------------------------------------------------- since the last run: alerts


def _alert(rule, subject, since=None, **evidence):
    templates = {"zh": "{subject}", "en": "{subject}"}
    return alerts.Alert(rule, "high", "coverage", subject, evidence, templates, since)


def test_compare_alerts_new_still_open_cleared_and_since():
    checked = {"short": "d1", "silent": "d2"}
    previous = [_alert("short", "C1", since="2022-10-07"), _alert("short", "C2"), _alert("silent", "T1")]
    today = [_alert("short", "C1"), _alert("short", "C3"), _alert("silent", "T1")]
    changes = alert_changes.compare_alerts(today, previous, report_date="2022-10-09",
                                           previous_date="2022-10-08",
                                           checked_today=checked, checked_before=checked)
    assert [a.key for a in changes.new] == [("short", "C3")]
    assert [(a.key, a.since) for a in changes.still_open] == [(("short", "C1"), "2022-10-07"),
                                                              (("silent", "T1"), "2022-10-08")]
    assert [a.key for a in changes.cleared] == [("short", "C2")]
    assert changes.not_compared == []
    assert {a.key: a.since for a in changes.today} == {("short", "C1"): "2022-10-07",
                                                       ("short", "C3"): "2022-10-09",
                                                       ("silent", "T1"): "2022-10-08"}


def test_compare_alerts_does_not_guess_across_changed_rules_or_missing_domains():
    previous = [_alert("short", "C1"), _alert("silent", "T1"), _alert("gone", "X")]
    today = [_alert("short", "C2"), _alert("added", "Y")]
    changes = alert_changes.compare_alerts(today, previous, report_date="2022-10-09",
                                           previous_date="2022-10-08",
                                           checked_today={"short": "new-digest", "added": "a"},
                                           checked_before={"short": "old-digest", "silent": "s", "gone": "g"})
    assert changes.new == changes.still_open == changes.cleared == []
    assert sorted((a.key, reason) for a, reason in changes.not_compared) == [
        (("added", "Y"), "rule_added"), (("gone", "X"), "not_checked_today"),
        (("short", "C1"), "rule_changed"), (("short", "C2"), "rule_changed"),
        (("silent", "T1"), "not_checked_today")]
    assert all(a.since is None for a in changes.today)


def test_without_a_previous_brief_nothing_is_compared():
    changes = alert_changes.compare_alerts([_alert("short", "C1")], None, report_date="2022-10-09",
                                           previous_date=None, checked_today={"short": "d"})
    assert changes.previous_date is None and changes.new == changes.cleared == []
    assert changes.today[0].since is None


def test_rule_digest_ignores_wording_and_severity():
    base = alert_rules.parse_rules(_rule())[0]
    reworded = alert_rules.parse_rules(_rule(severity="low", message={"zh": "新", "en": "new"}))[0]
    stricter = alert_rules.parse_rules(_rule(where={"field": "coverage", "below": 0.9}))[0]
    assert base.digest == reworded.digest != stricter.digest


def test_a_cleared_alert_is_worded_by_todays_rule_or_kept_as_published():
    record = {"rule": "community_coverage_short", "severity": "high", "domain": "coverage", "subject": "C1",
              "evidence": COMMUNITIES[0], "message": "旧的说法", "since": "2022-10-07"}
    worded = alert_message(alerts.alert_from_record(record, RULES), "en")
    assert worded.startswith("和平社区, 稀土路街道 (C1)")
    assert alert_message(alerts.alert_from_record(record, []), "en") == "旧的说法"


def test_a_cleared_alert_whose_evidence_lacks_a_field_of_todays_wording_keeps_its_words():
    before_targets = {k: v for k, v in COMMUNITIES[0].items() if k != "target"}
    record = {"rule": "community_coverage_short", "severity": "high", "domain": "coverage", "subject": "C1",
              "evidence": before_targets, "message": "旧的说法", "since": "2022-10-07"}
    assert alert_message(alerts.alert_from_record(record, RULES), "zh") == "旧的说法"


# ---------------------------------------------------------------- since the last run: revised figures


def test_compare_figures_paths_items_and_tolerance():
    published = {"coverage": {"district": {"tested": 900, "coverage": 0.9},
                              "communities": [{"area_id": "C1", "tested": 86},
                                              {"area_id": "C2", "tested": 99}],
                              "silent_sites": ["T1", "T2"]},
                 "prices": {"alert_count": 1}}
    recomputed = {"coverage": {"district": {"tested": 903, "coverage": 0.9 + 1e-12},
                               "communities": [{"area_id": "C2", "tested": 99},
                                               {"area_id": "C3", "tested": 5}],
                               "silent_sites": ["T2", "T1"]},
                  "checkpoints": {"today": {"people": 5}}}
    revised = brief_changes.compare_figures(published, recomputed)
    assert revised == [
        {"domain": "coverage", "figure": "district.tested", "published": 900, "recomputed": 903,
         "difference": 3},
        {"domain": "coverage", "figure": "communities[C1]", "published": {"area_id": "C1", "tested": 86},
         "recomputed": None, "difference": None},
        {"domain": "coverage", "figure": "communities[C3]", "published": None,
         "recomputed": {"area_id": "C3", "tested": 5}, "difference": None},
    ]
    assert brief_changes.compare_figures({"d": {"x": 0.5}}, {"d": {"x": 0.5001}}, tolerance=1e-3) == []
    (revision,) = brief_changes.compare_figures({"d": {"x": 0.5}}, {"d": {"x": 0.5001}})
    assert revision["difference"] == pytest.approx(1e-4)
    assert brief_changes.compare_figures({"d": {"x": True}}, {"d": {"x": 1}})[0]["difference"] is None
    revised = brief_changes.compare_figures({"d": {"ids": ["a"]}}, {"d": {"ids": ["a", "b"]}})
    assert revised[0]["figure"] == "ids"


def test_items_are_keyed_by_their_identity():
    assert brief_changes.item_key({"enterprise_id": "E1", "product": "铜", "name": "x"}) == "E1/铜"
    assert brief_changes.item_key({"inspection_id": "I1", "place_id": "P1"}) == "I1"
    price_item = {"price_rule": "r", "commodity": "c", "market": "m", "kind": "k"}
    assert brief_changes.item_key(price_item) == "r/c/m"
    assert brief_changes.item_key({"value": 1}) is None


def test_parameters_round_trip_through_the_record():
    params = brief.BriefParameters(coverage_target=0.9, rectify_days=2, price_rules=PRICE_RULES)
    record = json.loads(json.dumps(params.as_record()))
    again = brief.BriefParameters.from_record(record, brief.BriefParameters())
    assert again == params
    assert brief.BriefParameters.from_record({"coverage_target": 0.8}, params).rectify_days == 2
    changes = brief_changes.parameter_changes(again, brief.BriefParameters(price_rules=PRICE_RULES))
    assert [c["parameter"] for c in changes] == ["coverage_target", "rectify_days"]


# ---------------------------------------------------------------- history


def _record(root, date, name="daily_brief", status="ok", text=None):
    folder = root / date
    folder.mkdir(parents=True, exist_ok=True)
    body = text if text is not None else json.dumps({"report": name, "date": date, "status": status,
                                                     "figures": {"x": date}})
    (folder / f"{name}.json").write_text(body, "utf-8")


def test_previous_record_is_the_latest_good_run_before_the_date(tmp_path):
    _record(tmp_path, "2022-10-05")
    _record(tmp_path, "2022-10-06", status="failed")
    _record(tmp_path, "2022-10-07", text="{not json")
    _record(tmp_path, "2022-10-07", name="inspections")
    _record(tmp_path, "2022-10-09")  # the date itself never counts
    (tmp_path / "not-a-date").mkdir()
    record, notes = history.previous_record(tmp_path, "daily_brief", "2022-10-09")
    assert record["date"] == "2022-10-05" and record["figures"] == {"x": "2022-10-05"}
    assert notes == ["2022-10-07/daily_brief.json is unreadable: passed over",
                     "the daily_brief run of 2022-10-06 failed: passed over"]
    assert history.previous_record(tmp_path, "daily_brief", "2022-10-05") == (None, [])
    assert history.previous_record(tmp_path / "absent", "daily_brief", "2022-10-09") == (None, [])


def test_report_links_say_whether_each_report_ran(tmp_path):
    _record(tmp_path, "2022-10-09", name="inspections")
    _record(tmp_path, "2022-10-09", name="checkpoints", status="failed")
    (tmp_path / "2022-10-09" / "checkpoints.html").write_text("earlier good run", "utf-8")
    links = history.report_links(tmp_path, "2022-10-09", ["inspections", "checkpoints", "field_checks"])
    assert links == {"inspections": {"href": "inspections.html", "status": "ok", "html": False},
                     "checkpoints": {"href": "checkpoints.html", "status": "failed", "html": True},
                     "field_checks": {"href": "field_checks.html", "status": "missing", "html": False}}


def test_reports_dir_defaults_to_the_workbench_reports_folder():
    assert history.reports_root(None) == history.reports_root("") == SAMPLE.parents[1] / "reports"


# ---------------------------------------------------------------- the brief on the sample pack


@pytest.fixture(scope="module")
def sample_brief(sample_data):
    params = brief.BriefParameters(price_rules=PRICE_RULES)
    return brief.compute_figures(sample_data, "2022-10-09", params), params


def test_brief_numbers_are_the_full_reports_numbers(sample_data, sample_brief):
    from workbench.domains import checkpoints, coverage, enterprises, field_checks, inspections, supply

    figures, _ = sample_brief
    d = sample_data
    assert figures.skipped == {} and set(figures.domains) == set(brief.DOMAIN_NAMES)
    cov = coverage.coverage_figures(coverage.analyse_coverage(d.sampling, d.areas, d.testing_sites, d.rounds,
                                                              d.zones, "2022-10-09"))
    assert {k: figures.domains["coverage"]["district"][k] for k in cov["district"]} == cov["district"]
    published = {a["area_id"]: a["tested"] for a in cov["areas"] if a["level"] == "community"}
    assert {a["area_id"]: a["tested"] for a in figures.domains["coverage"]["communities"]} == published
    assert [s["site_id"] for s in figures.domains["coverage"]["silent_sites"]] == cov["silent_sites"]
    cp = checkpoints.checkpoint_figures(checkpoints.analyse_checkpoints(d.checkpoints, d.checkpoint_daily,
                                                                        "2022-10-09"))
    assert figures.domains["checkpoints"]["today"] == cp["total_today"]
    insp = inspections.inspection_figures(inspections.analyse_inspections(d.inspections, d.places,
                                                                          "2022-10-09"))
    open_findings = figures.domains["inspections"]["open_findings"]
    assert [f["inspection_id"] for f in open_findings if f["overdue"]] == insp["overdue"]
    sup = supply.supply_figures(supply.analyse_supply(d.deliveries, d.suppliers, d.packages, d.areas, d.zones,
                                                      "2022-10-09"))
    watched = figures.domains["supply"]["watched_areas"]
    assert [a["area_id"] for a in watched if a["unserved"]] == sup["unserved_areas"]
    assert {z: v["share_24h"] for z, v in figures.domains["supply"]["zones"].items()} == pytest.approx(
        sup["served_share"], abs=1e-6)
    pr = prices.price_alert_figures(prices.analyse_prices(d.prices, d.price_baselines, list(PRICE_RULES),
                                                          "2022-10-09"))
    assert [(a["commodity"], a["market"], a["value"]) for a in figures.domains["prices"]["alerts"]] == [
        (a["commodity"], a["market"], a["value"]) for a in pr]
    fc = field_checks.field_figures(field_checks.analyse_field_checks(
        d.quarantine_checks, d.medical_waste, d.testing_sites, d.areas, "2022-10-09"))
    assert sorted(s["site_id"] for s in figures.domains["field_checks"]["uncollected_sites"]) == \
        fc["uncollected_sites"]
    ent = enterprises.enterprise_figures(enterprises.analyse_enterprises(
        d.enterprises, d.production, d.targets, "2022-10-09", checks=d.enterprise_checks))
    assert figures.domains["enterprises"]["by_status"] == ent["by_status"]
    assert json.loads(json.dumps(figures.domains)) == figures.domains  # plain JSON values only


def test_every_shipped_rule_runs_on_the_sample_figures(sample_brief):
    figures, _ = sample_brief
    raised = alerts.evaluate_alerts(figures.domains, RULES)
    by_rule = {}
    for alert in raised:
        by_rule.setdefault(alert.rule, []).append(alert.subject)
        assert alert_message(alert, "zh") and alert_message(alert, "en")
    assert sorted(by_rule["community_coverage_short"]) == ["S01C002", "S01C013", "S03C001", "S05C004"]
    assert by_rule["finding_overdue"] == ["DC20221005-056", "DC20221007-032"]
    assert by_rule["area_unserved"] == ["S05C009"]
    assert "district_coverage_short" not in by_rule and "checkpoint_not_reported" not in by_rule


def test_a_domain_without_its_datasets_is_left_out_with_the_reason(sample_data):
    only = {name: sample_data[name] for name in ("checkpoints", "checkpoint_daily")}
    figures = brief.compute_figures(only, "2022-10-09")
    assert list(figures.domains) == ["checkpoints"]
    assert figures.skipped["coverage"] == "datasets not loaded: areas, rounds, sampling"
    assert figures.skipped["prices"] == "datasets not loaded: prices, price_baselines"


def test_a_domain_whose_analysis_cannot_run_is_left_out_with_the_reason(sample_data):
    names = ("areas", "zones", "testing_sites", "rounds", "sampling", "prices", "price_baselines",
             "checkpoints", "checkpoint_daily")
    data = {name: sample_data[name] for name in names}
    data["rounds"] = data["rounds"].assign(start=data["rounds"]["start"] + pd.Timedelta(days=30))
    figures = brief.compute_figures(data, "2022-10-09", brief.BriefParameters())
    assert figures.skipped["coverage"] == "no testing round started on or before 2022-10-09"
    assert figures.skipped["prices"] == "no price-alert rule was given"
    assert list(figures.domains) == ["checkpoints"]


def test_an_unexpected_error_in_one_domain_leaves_the_others(sample_data, monkeypatch):
    from workbench.domains import inspections

    def broken(*args, **kwargs):
        raise KeyError("place_id")

    monkeypatch.setattr(inspections, "analyse_inspections", broken)
    figures = brief.compute_figures(sample_data, "2022-10-09", brief.BriefParameters(price_rules=PRICE_RULES))
    assert figures.skipped == {"inspections": "the analysis failed (KeyError: 'place_id'); "
                                              "see the inspections report"}
    assert len(figures.domains) == len(brief.DOMAINS) - 1


def revised_data(data):
    """Today's data with late rows about 2022-10-08: 3 more people tested in S01C002 during round R3,
    and checkpoint CP03's people of 2022-10-08 corrected up by 100."""
    late = pd.DataFrame({"person_key": ["late_1", "late_2", "late_3"], "area_id": "S01C002",
                         "site_id": "T002", "sampled_at": pd.Timestamp("2022-10-08 10:00")})
    rows = data["sampling"].preview(10**7)  # the sample's 734,672 rows: a test may hold them
    sampling = pd.concat([rows, late.astype(rows.dtypes.to_dict())], ignore_index=True)
    daily = data["checkpoint_daily"].copy()
    row = (daily["checkpoint_id"] == "CP03") & (daily["date"] == pd.Timestamp("2022-10-08"))
    assert row.sum() == 1
    daily.loc[row, "people"] += 100
    return {**dict(data), "sampling": sampling, "checkpoint_daily": daily}


def expected_revisions(published: dict) -> dict:
    """(domain, figure) → difference that :func:`revised_data` makes to the figures of 2022-10-08."""
    today, week = published["checkpoints"]["today"], published["checkpoints"]["week"]

    def share_change(totals):  # risk shares are published rounded to 6 decimals
        return round(totals["from_risk_areas"] / (totals["people"] + 100), 6) - totals["risk_share"]

    return {
        ("coverage", "district.tested"): 3,
        ("coverage", "district.coverage"): pytest.approx(3 / 250_000),
        ("coverage", "communities[S01C002].tested"): 3,
        ("coverage", "communities[S01C002].coverage"): pytest.approx(3 / 2671),
        ("coverage", "communities[S01C002].gap"): -3,
        ("checkpoints", "today.people"): 100,
        ("checkpoints", "today.risk_share"): pytest.approx(share_change(today)),
        ("checkpoints", "week.people"): 100,
        ("checkpoints", "week.risk_share"): pytest.approx(share_change(week)),
        ("checkpoints", "checkpoints[CP03].people"): 100,
    }


def test_revised_past_figures_are_found_exactly(sample_data):
    params = brief.BriefParameters(price_rules=PRICE_RULES)
    yesterday = brief.compute_figures(sample_data, "2022-10-08", params)
    yesterday_alerts = alerts.evaluate_alerts(yesterday.domains, RULES)
    none = brief_changes.since_last_run(sample_data, yesterday, yesterday_alerts, RULES, None, params)
    record = {"date": "2022-10-08", "pack": {"fingerprint": "yesterday"},
              "figures": json.loads(json.dumps(brief_changes.brief_figures(yesterday, none, params, RULES)))}

    today_data = revised_data(sample_data)
    today = brief.compute_figures(today_data, "2022-10-09", params)
    raised = alerts.evaluate_alerts(today.domains, RULES)
    since = brief_changes.since_last_run(today_data, today, raised, RULES, record, params)
    expected = expected_revisions(record["figures"]["domains"])
    assert {(r["domain"], r["figure"]): r["difference"] for r in since.revised} == expected
    tested = next(r for r in since.revised if r["figure"] == "communities[S01C002].tested")
    assert tested["recomputed"] == tested["published"] + 3
    assert since.parameter_changes == [] and since.notes == []
    assert since.previous_pack == {"fingerprint": "yesterday"}

    unrevised = brief_changes.since_last_run(sample_data, today, raised, RULES, record, params)
    assert unrevised.revised == []  # the same pack: nothing revised


def test_a_broken_feed_leaves_the_rest_of_the_brief(tmp_path):
    from workbench.brief.data import load_brief_data
    from workbench.intake.catalog import open_pack

    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE, pack)
    daily = (pack / "checkpoint_daily.csv").read_text("utf-8").splitlines()
    fields = daily[3].split(",")
    fields[2] = "-5"  # out of range: an error (an unparseable count would only set its row aside)
    daily[3] = ",".join(fields)
    (pack / "checkpoint_daily.csv").write_text("\n".join(daily) + "\n", "utf-8")
    data, notes = load_brief_data(open_pack(pack))
    assert "checkpoint_daily" not in data and "sampling" in data
    (note,) = [n for n in notes if n.startswith("checkpoints:")]
    assert "left out of the brief, 1 data problem(s)" in note and "row 4, column vehicles" in note
    figures = brief.compute_figures(data, "2022-10-09", brief.BriefParameters(price_rules=PRICE_RULES))
    assert figures.skipped == {"checkpoints": "datasets not loaded: checkpoints, checkpoint_daily"}


# ---------------------------------------------------------------- the page


def test_page_escapes_data_and_marks_reports_not_there(sample_brief):
    figures, params = sample_brief
    hostile = json.loads(json.dumps(figures.domains))
    hostile["coverage"]["communities"][1]["name"] = "<script>alert(1)</script>"
    hostile["coverage"]["communities"][1]["short"] = True
    hostile["coverage"]["round_name"] = "<img src=x onerror=alert(2)>"
    today = brief.BriefFigures("2022-10-09", hostile)
    raised = alerts.evaluate_alerts(today.domains, RULES)
    since = brief_changes.since_last_run({}, today, raised, RULES, None, params)
    links = {"testing_coverage": {"href": "testing_coverage.html", "status": "failed", "html": True}}
    parts = (view.summary(since, "en"), view.domain_cards(today, links, "en"),
             view.alerts_digest(since, "en"), view.since_section(since, "f", "en"))
    page = "".join(part.data for part in parts)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert 'href="testing_coverage.html"' in page and "the link opens the day&#x27;s last good run" in page
    # the other reports of the domains (six before enterprise requests, projects and staffing joined)
    assert page.count("not there when the brief was made") == 9


# ---------------------------------------------------------------- the notebook, two days


def _revised_pack(root):
    """A copy of the sample pack with the late rows of :func:`revised_data` written into its files."""
    shutil.copytree(SAMPLE, root)
    sampling = pd.read_parquet(root / "sampling.parquet")
    late = pd.DataFrame({"person_key": ["late_1", "late_2", "late_3"], "area_id": "S01C002",
                         "site_id": "T002", "sampled_at": pd.Timestamp("2022-10-08 10:00")})
    late = late.astype(sampling.dtypes.to_dict())
    pd.concat([sampling, late], ignore_index=True).to_parquet(root / "sampling.parquet")
    daily = pd.read_csv(root / "checkpoint_daily.csv", dtype={"checkpoint_id": str})
    daily.loc[(daily["checkpoint_id"] == "CP03") & (daily["date"] == "2022-10-08"), "people"] += 100
    daily.to_csv(root / "checkpoint_daily.csv", index=False)
    return root


@pytest.mark.slow
def test_notebook_over_two_days_with_a_revised_pack(tmp_path):
    from workbench.runner.report import run_report

    reports, runs = tmp_path / "reports", tmp_path / "runs"
    # the runner passes the reports folder itself to a notebook that declares reports_dir
    first = run_report("daily_brief", date="2022-10-08", reports_dir=reports, runs_dir=runs, index=False)
    assert first.status == "ok", first.error
    before = json.loads(first.json_path.read_text("utf-8"))["figures"]
    assert before["since_last_run"]["previous_date"] is None and before["skipped"] == {}
    assert set(before["domains"]) == set(brief.DOMAIN_NAMES)

    (reports / "2022-10-09").mkdir(parents=True, exist_ok=True)
    (reports / "2022-10-09" / "testing_coverage.html").write_text("<p>the Chinese report</p>", "utf-8")
    second = run_report("daily_brief", date="2022-10-09", pack=_revised_pack(tmp_path / "revised"),
                        parameters={"lang": "en"}, reports_dir=reports,
                        runs_dir=runs, name="daily_brief_en", index=False)
    assert second.status == "ok", second.error
    figures = json.loads(second.json_path.read_text("utf-8"))["figures"]
    since = figures["since_last_run"]
    assert since["previous_date"] == "2022-10-08" and since["not_compared"] == []

    keys = {(a["rule"], a["subject"]) for a in figures["alerts"]}
    previous = {(a["rule"], a["subject"]) for a in before["alerts"]}
    new = {(a["rule"], a["subject"]) for a in since["new"]}
    still_open = {(a["rule"], a["subject"]) for a in since["still_open"]}
    cleared = {(a["rule"], a["subject"]) for a in since["cleared"]}
    assert new | still_open == keys and not new & still_open
    assert still_open | cleared == previous and not still_open & cleared
    assert ("area_unserved", "S05C009") in new and ("finding_overdue", "DC20221006-020") in cleared
    since_of = {(a["rule"], a["subject"]): a["since"] for a in figures["alerts"]}
    assert {since_of[key] for key in new} == {"2022-10-09"}
    assert {since_of[key] for key in still_open} == {"2022-10-08"}
    expected = expected_revisions(before["domains"])
    assert {(r["domain"], r["figure"]): r["difference"] for r in since["revised"]} == expected

    html = second.html_path.read_text("utf-8")
    assert "Daily situation brief" in html and "Revised past figures (10)" in html
    assert "communities[S01C002].tested" in html and "New alerts" in html
    assert 'href="testing_coverage.html"' in html  # the English brief links the Chinese report there is
    assert 'href="inspections.html"' not in html and 'href="inspections_en.html"' not in html  # no page


# ---------------------------------------------------------------- privacy


def test_every_rule_has_a_message_in_each_report_language():
    from workbench.present.i18n import LANGUAGES

    assert alert_rules.MESSAGE_LANGUAGES == LANGUAGES


def test_a_phone_or_id_number_in_a_finding_never_reaches_the_alerts_page_or_record():
    finding = "值守人员不足，联系人 +86 139-1234-5678，身份证 110101 19900307 123X"
    masked = "值守人员不足，联系人 [***]，身份证 [***]"
    findings = [{**FINDINGS[0], "finding": finding, "team": "第一督查组 13812345678"}]
    domains = {"inspections": {"open_findings": findings}}
    raised = alerts.evaluate_alerts(domains, [RULE["finding_overdue"]])
    assert raised[0].evidence["finding"] == masked and raised[0].evidence["team"] == "第一督查组 [***]"
    assert alert_message(raised[0], "zh") == (
        f"恒大公园（P1，公园）2022-10-05 督查发现“{masked}”，4 天未整改（第一督查组 [***]）")
    today = brief.BriefFigures("2022-10-09", domains)
    params = brief.BriefParameters(price_rules=PRICE_RULES)
    since = brief_changes.since_last_run({}, today, raised, RULES, None, params)
    for lang in ("zh", "en"):
        text = json.dumps(view.record_figures(today, since, params, RULES, lang), ensure_ascii=False)
        page = view.alerts_digest(since, lang).data
        for shown in (text, page):
            assert "139" not in shown and "1234" not in shown and "13812345678" not in shown
            assert "[***]" in shown
    record = view.record_figures(today, since, params, RULES, "en")
    assert record["domains"]["inspections"]["open_findings"][0]["finding"] == masked
    assert record["alerts"][0]["message"].startswith("恒大公园 (P1, Park): finding of 2022-10-05 “值守")


def test_an_alert_kept_from_an_earlier_record_is_masked_too():
    record = {"rule": "gone", "severity": "low", "domain": "inspections", "subject": "I9 13912345678",
              "evidence": {"finding": "110101199003071234"}, "message": "旧 13912345678"}
    alert = alerts.alert_from_record(record, [])
    assert (alert.subject, alert.evidence, alert_message(alert, "zh")) == (
        "I9 [***]", {"finding": "[***]"}, "旧 [***]")


# ---------------------------------------------------------------- history is defensive


@pytest.mark.parametrize("figures,date,problem", [
    ([1, 2], "2022-10-07", "'figures' is not a mapping"),
    ({"alerts": {"rule": "x"}}, "2022-10-07", "'alerts' is not a list of alerts"),
    ({"alerts": [{"rule": "x", "evidence": [1]}]}, "2022-10-07", "'alerts' is not a list of alerts"),
    ({"alerts": ["x"]}, "2022-10-07", "'alerts' is not a list of alerts"),
    ({"domains": ["coverage"]}, "2022-10-07", "'domains' is not a mapping"),
    ({"domains": {"coverage": 3}}, "2022-10-07", "'domains' holds a value that is not a mapping"),
    ({"rules_checked": "all"}, "2022-10-07", "'rules_checked' is not a mapping"),
    ({"parameters": [0.95]}, "2022-10-07", "'parameters' is not a mapping"),
    ({}, "yesterday", "date 'yesterday' is not a date"),
])
def test_an_earlier_record_of_the_wrong_shape_is_passed_over_with_a_note(tmp_path, figures, date, problem):
    _record(tmp_path, "2022-10-05")
    _record(tmp_path, "2022-10-07", text=json.dumps({"report": "daily_brief", "date": date, "status": "ok",
                                                     "figures": figures}))
    record, notes = history.previous_record(tmp_path, "daily_brief", "2022-10-09")
    assert record["date"] == "2022-10-05"
    assert notes == [f"2022-10-07/daily_brief.json has the wrong shape ({problem}): passed over"]


def test_the_brief_still_runs_after_a_malformed_earlier_record(tmp_path, sample_data):
    params = brief.BriefParameters(price_rules=PRICE_RULES)
    _record(tmp_path, "2022-10-08", text=json.dumps({"report": "daily_brief", "date": "2022-10-08",
                                                     "status": "ok", "figures": {"alerts": "broken"}}))
    previous, notes = history.previous_record(tmp_path, "daily_brief", "2022-10-09")
    today = brief.compute_figures(sample_data, "2022-10-09", params)
    raised = alerts.evaluate_alerts(today.domains, RULES)
    since = brief_changes.since_last_run(sample_data, today, raised, RULES, previous, params)
    assert previous is None and since.previous_date is None and len(notes) == 1
    assert view.record_figures(today, since, params, RULES, "en")["alerts"]
