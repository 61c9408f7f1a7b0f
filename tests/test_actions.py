"""The brief's opening: today's ranked actions (brief/actions.py), their page, grouped alerts, languages."""

from __future__ import annotations

import re

import pytest

from workbench.brief import actions, alerts
from workbench.brief import changes as brief_changes
from workbench.brief import figures as brief
from workbench.brief import rules as alert_rules
from workbench.present.i18n import all_labels, label
from workbench.present.views import brief as view
from workbench.present.views import brief_actions

RULES = alert_rules.read_rules(domains=brief.DOMAIN_NAMES)

FINDINGS = [  # two overdue of team 1 (ages 4 and 2), one of team 2, one not overdue
    {"inspection_id": "I1", "team": "第一督查组", "name": "恒大公园", "age_days": 4, "overdue": True},
    {"inspection_id": "I2", "team": "第二督查组", "name": "希望酒店", "age_days": 3, "overdue": True},
    {"inspection_id": "I3", "team": "第一督查组", "name": "一号站", "age_days": 2, "overdue": True},
    {"inspection_id": "I4", "team": "第二督查组", "name": "二号站", "age_days": 0, "overdue": False},
]
COMMUNITIES = [  # street A: gaps 9 + 30 = 39; street B: gap 50 (gap = 0.95 × population − tested)
    {"area_id": "C1", "name": "和平社区", "street": "A街道", "tested": 86, "population": 100,
     "coverage": 0.86,     "gap": 9, "short": True},
    {"area_id": "C2", "name": "阳光社区", "street": "A街道", "tested": 160, "population": 200,
     "coverage": 0.8,     "gap": 30, "short": True},
    {"area_id": "C3", "name": "河畔社区", "street": "B街道", "tested": 900, "population": 1000,
     "coverage": 0.9,     "gap": 50, "short": True},
    {"area_id": "C4", "name": "山前社区", "street": "B街道", "tested": 100, "population": 100,
     "coverage": 1.0,     "gap": 0, "short": False},
]
WATCHED = [{"area_id": "A1", "name": "希望西区", "street": "B街道", "unserved": True},
           {"area_id": "A2", "name": "鹿城雅苑", "street": "A街道", "unserved": False}]
UNCOLLECTED = [{"site_id": "T7", "name": "七号点", "hours_since": None},
               {"site_id": "T8", "name": "八号点", "hours_since": 35.5}]
TARGETS = [{"enterprise_id": "E1", "name": "华鼎铜业", "product": "产值", "status": "behind"},
           {"enterprise_id": "E1", "name": "华鼎铜业", "product": "铜材", "status": "behind"},
           {"enterprise_id": "E2", "name": "瑞鑫稀土", "product": "稀土金属", "status": "at_risk"}]
FIGURES = {"inspections": {"open_findings": FINDINGS}, "coverage": {"communities": COMMUNITIES},
           "supply": {"watched_areas": WATCHED}, "field_checks": {"uncollected_sites": UNCOLLECTED},
           "enterprises": {"targets": TARGETS}}


def summary(action):
    return (action.kind, action.owner, [item.key for item in action.items], action.weight)


def test_actions_are_ranked_by_kind_then_weight_each_naming_who_acts():
    chosen, more = actions.today_actions(FIGURES)
    assert [summary(a) for a in chosen] == [
        ("areas_unserved", "B街道", ["A1"], 1.0),  # people without supply first
        ("communities_short", "B街道", ["C3"], 50.0),  # 50 people to test before street A's 39
        ("communities_short", "A街道", ["C1", "C2"], 39.0),
        ("sites_uncollected", "八号点", ["T8"], 35.5),
        ("sites_uncollected", "七号点", ["T7"], 0.0),
        ("overdue_findings", "第一督查组", ["I1", "I3"], 2.0),
        ("enterprises_behind", "华鼎铜业", ["E1-产值", "E1-铜材"], 2.0),
    ]  # 八号点 (35.5 h) before 七号点 (never collected, no hours); team 2's finding would be the 8th
    assert more == 1
    assert [(a.kind, a.owner) for a in actions.today_actions(FIGURES, limit=8)[0]][6] == (
        "overdue_findings", "第二督查组")
    assert [a.owner_kind for a in chosen] == ["street", "street", "street", "site", "site", "team",
                                              "enterprise"]


def test_a_small_limit_still_names_every_kind_before_a_second_of_any():
    chosen, more = actions.today_actions(FIGURES, limit=5)
    assert [(a.kind, a.owner) for a in chosen] == [
        ("areas_unserved", "B街道"), ("communities_short", "B街道"), ("sites_uncollected", "八号点"),
        ("overdue_findings", "第一督查组"), ("enterprises_behind", "华鼎铜业")]
    assert more == 8 - 5
    assert actions.today_actions({}) == ([], 0)
    assert actions.today_actions({"coverage": {"communities": []}}) == ([], 0)


#: Alerts on FIGURES, by hand: severities the rules (as a user edited them) might have raised.
ALERTS = [
    alerts.Alert("finding_overdue", "high", "inspections", "I2", {"inspection_id": "I2"}),  # team 2
    alerts.Alert("community_coverage_short", "high", "coverage", "C1", {"area_id": "C1"}),  # street A
    alerts.Alert("quarantine_low", "high", "field_checks", "C3", {"area_id": "C3"}),  # not coverage: no row
    alerts.Alert("coverage_low", "low", "coverage", "C3", {"area_id": "C3"}),  # street B: low only
    alerts.Alert("waste_uncollected", "medium", "field_checks", "T7", {"site_id": "T7"}),
    alerts.Alert("enterprise_behind", "high", "enterprises", "E1", {"enterprise_id": "E1"}),  # no product
]


def test_actions_with_a_high_severity_alert_come_first_then_the_round_robin_of_the_others():
    chosen, left_out = actions.choose_actions(FIGURES, ALERTS, limit=4)
    assert [(a.kind, a.owner, a.severity) for a in chosen] == [
        ("communities_short", "A街道", "high"),  # C1's alert; C3's high alert is of another domain
        ("overdue_findings", "第二督查组", "high"),  # its finding I2 has a high alert; team 1's none
        ("areas_unserved", "B街道", None),  # then the others: the heaviest of each kind in rank
        ("communities_short", "B街道", "low"),
    ]
    assert [(a.kind, a.owner, a.severity) for a in left_out] == [
        ("sites_uncollected", "八号点", None),
        ("sites_uncollected", "七号点", "medium"),  # the lighter site (no hours) after 八号点 (35.5 h)
        ("overdue_findings", "第一督查组", None),
        ("enterprises_behind", "华鼎铜业", None),  # E1's alert names no product: it matches no row
    ]
    assert actions.today_actions(FIGURES, ALERTS, limit=4) == (chosen, 4)
    assert brief_actions.left_out_text(left_out, "zh") == (
        "另有 4 项：医疗废物未收运（八号点、七号点）；督查发现逾期未整改（第一督查组）；"
        "年度目标进度落后（华鼎铜业）。见下方预警清单。")
    assert brief_actions.left_out_text(left_out, "en") == (
        "4 more: medical waste not collected (八号点, 七号点); overdue findings (第一督查组); "
        "annual targets behind (华鼎铜业). See the alerts below.")


def test_more_high_actions_than_the_limit_are_chosen_round_robin_and_left_out_first():
    chosen, left_out = actions.choose_actions(FIGURES, ALERTS, limit=1)
    assert [(a.kind, a.owner) for a in chosen] == [("communities_short", "A街道")]
    assert [(a.kind, a.owner) for a in left_out][:2] == [("overdue_findings", "第二督查组"),  # high: first
                                                         ("areas_unserved", "B街道")]
    sites = [{"site_id": f"S{n}", "name": f"S{n}", "hours_since": 50 - n} for n in range(1, 6)]
    chosen, left_out = actions.choose_actions({"field_checks": {"uncollected_sites": sites}}, [], limit=1)
    assert [a.owner for a in chosen] == ["S1"]
    assert brief_actions.left_out_text(left_out, "zh") == (
        "另有 4 项：医疗废物未收运（S2、S3、S4等 4 个）。见下方预警清单。")
    assert brief_actions.left_out_text(left_out, "en") == (
        "4 more: medical waste not collected (S2, S3, S4 and 1 more). See the alerts below.")


USER_RULES = {"rules": [  # a user's alerts.yaml: the uncollected waste raised to high, findings low
    {"id": "waste_uncollected", "domain": "field_checks", "severity": "high", "kind": "list_items",
     "figure": "uncollected_sites", "subject": ["site_id"], "message": {"zh": "{name}", "en": "{name}"}},
    {"id": "finding_overdue", "domain": "inspections", "severity": "low", "kind": "list_items",
     "figure": "open_findings", "where": {"field": "overdue", "equals": True}, "subject": ["inspection_id"],
     "message": {"zh": "{name}", "en": "{name}"}},
]}


def test_the_severities_of_a_users_rules_rank_the_actions():
    rules = alert_rules.parse_rules(USER_RULES, domains=brief.DOMAIN_NAMES)
    raised = alerts.evaluate_alerts(FIGURES, rules)
    chosen, left_out = actions.choose_actions(FIGURES, raised, limit=3)
    assert [(a.kind, a.owner, a.severity) for a in chosen] == [
        ("sites_uncollected", "八号点", "high"), ("sites_uncollected", "七号点", "high"),
        ("areas_unserved", "B街道", None)]  # the two high sites, then the first of the others
    assert len(left_out) == 8 - 3


def test_the_sample_brief_names_every_high_problem_before_a_medium_one():
    """The reviewer's case: 春晖尚城社区 (S05C004, 滨河新区) short of target, a high alert, was left out."""
    from workbench.brief.data import load_brief_data
    from workbench.intake.catalog import open_pack

    pack = open_pack(None)
    data, _ = load_brief_data(pack)
    today = brief.compute_figures(data, pack.resolve_date(None), brief.BriefParameters())
    raised = alerts.evaluate_alerts(today.domains, RULES)
    chosen, left_out = actions.choose_actions(today.domains, raised)
    assert [(a.kind, a.owner, a.severity) for a in chosen] == [
        ("areas_unserved", "滨河新区", "high"), ("communities_short", "稀土路街道", "high"),
        ("communities_short", "黄河大街街道", "high"), ("communities_short", "滨河新区", "high"),
        ("overdue_findings", "第三督查组", "high"), ("overdue_findings", "隔离酒店检查组", "high"),
        ("sites_uncollected", "鹿城雅苑社区1号采样点", "medium")]
    assert [item.key for item in chosen[3].items] == ["S05C004"]
    assert {a.severity for a in left_out} == {"medium"}
    html = view.actions_section(today, raised, {}, "zh").data
    assert "春晖尚城社区" in html and "另有 6 项：医疗废物未收运（" in html


def since_for(figures):
    today = brief.BriefFigures("2022-10-09", figures)
    rules = [r for r in RULES if r.figure in figures.get(r.domain, {})]  # the rules of the figures given
    raised = alerts.evaluate_alerts(today.domains, rules)
    return today, brief_changes.since_last_run({}, today, raised, rules, None, brief.BriefParameters())


def test_the_action_list_links_each_row_of_its_full_report():
    today = brief.BriefFigures("2022-10-09", FIGURES)
    links = {"inspections": {"href": "inspections_en.html"},
             "testing_coverage": {"href": "testing_coverage.html"}}
    html = view.actions_section(today, [], links, "en").data
    assert html.count("<li>") == 7
    assert ('<a href="inspections_en.html#row-I1">恒大公园</a>, '
            '<a href="inspections_en.html#row-I3">一号站</a>') in html
    assert '<a href="testing_coverage.html#row-C3">河畔社区</a>' in html
    assert '<a href="field_checks.html#row-T8">八号点</a>' in html  # the site is the row: its name links
    assert label("brief_action_overdue_findings", "en", n=2, days="4") in html
    assert label("brief_action_communities_short", "en", n=2, gap="39", days="0", hours="0") in html
    assert "1 more: overdue findings (第二督查组). See the alerts below." in html
    zh = view.actions_section(today, [], links, "zh").data
    assert "尚差 39 人" in zh and "医疗废物 36 小时未收运" in zh  # 35.5 h rounds to 36
    assert "<script" not in html


def price_alerts():
    prices = [{"price_rule": "above_baseline", "kind": "above_baseline", "commodity": "鸡蛋", "market": m,
               "value": v, "price": p, "unit": "元/斤", "compared_with": 5.0}
              for m, v, p in (("滨河市场", 0.2, 6.0), ("华联超市", 0.1, 5.5))]
    prices.append({"price_rule": "above_baseline", "kind": "above_baseline", "commodity": "菠菜",
                   "market": "滨河市场", "value": 0.25, "price": 5.0, "unit": "元/斤", "compared_with": 4.0})
    return prices


def test_price_alerts_of_one_commodity_are_one_line_listing_its_markets():
    _, since = since_for({"prices": {"alerts": price_alerts()}})
    groups = view.group_alerts(since.alerts.today)
    assert [[a.evidence["market"] for a in g] for g in groups] == [["滨河市场", "华联超市"], ["滨河市场"]]
    html = view.alerts_digest(since, "zh").data
    assert "鸡蛋高于基期价（2 个市场）" in html
    assert "<ul><li>滨河市场 6 元/斤（高 20.0%）</li><li>华联超市 5.50 元/斤（高 10.0%）</li></ul>" in html
    assert html.count('class="wb-alert-group"') == 1  # the spinach alert stays one line
    assert "<details><summary>" in html  # folded below the actions


ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
#: Words a Chinese label may hold: names of files, formats and units.
ALLOWED_IN_ZH = {"CSV", "Excel", "parameters", "alerts", "yaml", "JSON", "HTML"}


@pytest.mark.parametrize("prefix", ["brief_", "index_", "run_status_", "table_", "download_", "param_"])
def test_labels_of_the_brief_and_index_are_complete_in_both_languages(prefix):
    for key, texts in all_labels().items():
        if not key.startswith(prefix):
            continue
        assert not CJK.search(texts["en"]), f"{key}: Chinese in the English label {texts['en']!r}"
        words = set(ENGLISH_WORD.findall(re.sub(r"\{[^}]*\}", "", texts["zh"]))) - ALLOWED_IN_ZH
        assert not words, f"{key}: English {words} in the Chinese label {texts['zh']!r}"


def test_the_en_brief_page_holds_chinese_only_in_data_values():
    today = brief.BriefFigures("2022-10-09", FIGURES)
    _, since = since_for({"prices": {"alerts": price_alerts()}})
    links = {name: {"href": f"{name}.html", "status": "ok", "html": True, "in_other_language": True}
             for name in brief.linked_reports()}
    shown = (view.actions_section(today, ALERTS, links, "en"), view.summary(since, "en"),
             view.alerts_digest(since, "en"))
    page = "".join(p.data for p in shown)
    text = re.sub(r"<[^>]+>", " ", page.split("</style>")[-1])
    data = [*(i for d in FIGURES.values() for items in d.values() for i in items), *price_alerts()]
    names = {str(v) for item in data for v in item.values()}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    assert not CJK.search(text), CJK.findall(text)[:10]
