"""The brief's links land on their rows: every ``REPORT.html#row-<key>`` of an action is an id, once.

The brief's actions are computed from the sample pack's figures (``compute_figures`` +
``today_actions``, every action kept); the full reports' pages are rebuilt from the same data with
the views their notebooks display, in the notebooks' order (maps and charts left out: they carry
no row ids). A small hand-built fixture pins the anchor of a key that needs escaping.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from workbench.brief import actions
from workbench.brief.figures import compute_figures, datasets_wanted
from workbench.domains import checkpoints, coverage, enterprises, field_checks, inspections, supply
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.present.display import row_anchor
from workbench.present.i18n import label
from workbench.present.views import checkpoints as checkpoint_view
from workbench.present.views import coverage as coverage_view
from workbench.present.views import enterprises as enterprise_view
from workbench.present.views import field_checks as field_view
from workbench.present.views import inspections as inspection_view
from workbench.present.views import supply as supply_view

ID = re.compile(r'\bid="([^"]+)"')


@pytest.fixture(scope="module")
def sample():
    pack = open_pack(None)
    data = load_datasets(pack, datasets_wanted(pack.datasets))
    return data, pack.resolve_date(None)


@pytest.fixture(scope="module")
def brief_keys(sample):
    """Report name → the row keys the brief's actions link to (every action, none left out)."""
    data, day = sample
    figures = compute_figures(data, day)
    chosen, left_out = actions.today_actions(figures.domains, limit=10_000)
    assert left_out == 0
    keys: dict[str, list[str]] = {}
    for action in chosen:
        keys.setdefault(action.report, []).extend(item.key for item in action.items)
    return keys


def coverage_page(data, day, lang):
    result = coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds, data.zones,
                                       day)
    return [coverage_view.headline(result, lang), coverage_view.short_table(result, data.areas, lang),
            coverage_view.silent_table(result, lang), coverage_view.street_table(result, lang)]


def inspection_page(data, day, lang):
    result = inspections.analyse_inspections(data.inspections, data.places, day)
    v = inspection_view
    return [v.headline(result, lang), v.open_table(result, lang), v.team_table(result, lang),
            v.kind_table(result, lang), v.trend_chart(result, lang), v.items_table(result, lang),
            v.rectify_table(result, lang), v.repeat_table(result, lang), v.coverage_table(result, lang),
            v.unvisited_table(result, lang)]


def supply_page(data, day, lang):
    result = supply.analyse_supply(data.deliveries, data.suppliers, data.packages, data.areas, data.zones,
                                   day)
    v = supply_view
    return [v.areas_table(result, lang), v.suppliers_table(result, lang), v.packages_table(result, lang)]


def field_page(data, day, lang):
    result = field_checks.analyse_field_checks(data.quarantine_checks, data.medical_waste, data.testing_sites,
                                               data.areas, day)
    v = field_view
    return [v.headline(result, lang), v.items_table(result, lang), v.areas_table(result, data.areas, lang),
            v.days_table(result, lang), v.uncollected_table(result, lang), v.sites_table(result, lang)]


def enterprise_page(data, day, lang):
    result = enterprises.analyse_enterprises(data.enterprises, data.production, data.targets, day,
                                             checks=data.get("enterprise_checks"))
    v = enterprise_view
    return [v.headline(result, lang), v.progress_table(result, lang), v.bullet_graphs(result, lang),
            v.burnup_charts(result, lang), v.run_rate_table(result, lang), v.checks_table(result, lang),
            v.missing_table(result, lang)]


PAGES = {"testing_coverage": coverage_page, "inspections": inspection_page, "supply_prices": supply_page,
         "field_checks": field_page, "enterprise_output": enterprise_page}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("report", list(PAGES))
def test_every_link_of_the_brief_is_an_id_once_in_its_report(sample, brief_keys, report, lang):
    data, day = sample
    html = "".join(part.data for part in PAGES[report](data, day, lang))
    ids = Counter(ID.findall(html))
    wanted = [row_anchor(key) for key in brief_keys[report]]
    assert wanted, f"the sample pack raises no action for {report}: nothing would be checked"
    assert {anchor: ids[anchor] for anchor in wanted} == dict.fromkeys(wanted, 1)
    assert [i for i, n in ids.items() if n > 1] == []  # no id twice in one page


def test_the_sample_links_every_kind_of_action(brief_keys):
    assert set(brief_keys) == set(PAGES)


def _firms_and_goals():
    firms = pd.DataFrame({"enterprise_id": ["E1"], "name": ["铜业公司"], "sector": ["metal"],
                          "lon": [109.8], "lat": [40.6], "employees": [820],
                          "closed_loop": pd.array([True], dtype="boolean")})
    production = pd.DataFrame({"date": pd.to_datetime(["2022-01-01"]), "enterprise_id": ["E1"],
                               "product": ["阴极铜"], "quantity": [1.0], "unit": ["t"]})
    goals = pd.DataFrame({"year": [2022], "enterprise_id": ["E1"], "product": ["阴极铜"],
                          "target": [100_000.0], "unit": ["t"]})
    return firms, production, goals


def test_a_key_of_chinese_text_is_escaped_the_same_way_in_brief_and_report():
    firms, production, goals = _firms_and_goals()
    result = enterprises.analyse_enterprises(firms, production, goals, "2022-10-09")
    html = enterprise_view.progress_table(result, "zh").data
    # 阴 U+9634, 极 U+6781, 铜 U+94DC: worked out by hand
    assert ID.findall(html) == ["row-E1-_9634_6781_94dc"]
    item = {"enterprise_id": "E1", "product": "阴极铜"}
    assert row_anchor(actions.row_key(item, "enterprises_behind")) == "row-E1-_9634_6781_94dc"


# ---------------------------------------------------------------- names before codes


def checkpoint_page(data, day, lang):
    result = checkpoints.analyse_checkpoints(data.checkpoints, data.checkpoint_daily, day)
    v = checkpoint_view
    return [v.headline(result, lang), v.today_table(result, lang), v.week_table(result, lang),
            v.missing_table(result, lang), v.daily_table(result, lang)]


NAME_HEADERS = ("name", "community", "street", "checkpoint", "ent_name", "insp_place", "sp_supplier")
CODE_HEADERS = ("area_id", "site_id", "ent_enterprise_id", "insp_place_id")
HEAD = re.compile(r"<thead><tr>(.*?)</tr></thead>", re.S)
TH = re.compile(r"<th[^>]*>(.*?)</th>", re.S)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("report", [*PAGES, "checkpoints"])
def test_every_table_shows_the_name_before_the_code(sample, report, lang):
    data, day = sample
    page = {**PAGES, "checkpoints": checkpoint_page}[report]
    html = "".join(part.data for part in page(data, day, lang))
    names = {label(k, lang) for k in NAME_HEADERS}
    codes = {label(k, lang) for k in CODE_HEADERS}
    checked = 0
    for head in HEAD.findall(html):
        headers = TH.findall(head)
        code_at = [i for i, h in enumerate(headers) if h in codes]
        if code_at:
            name_at = [i for i, h in enumerate(headers) if h in names]
            assert name_at and name_at[0] < code_at[0], headers
            checked += 1
    assert checked, f"no table of {report} has a code column: nothing was checked"


def _cards(html: str) -> dict[str, tuple[str, str]]:
    """Card label → (value, detail), as escaped text."""
    found = re.findall(r'<div class="wb-label">(.*?)</div><div class="wb-value">(.*?)</div>'
                       r'<div class="wb-detail">(.*?)</div>', html)
    return {name: (value, detail) for name, value, detail in found}


def test_cards_name_sites_enterprises_checkpoints_and_rounds():
    sites = pd.DataFrame({"site_id": ["T082"], "name": ["东门采样点"], "kind": ["fixed"], "lon": [109.8],
                          "lat": [40.6]})
    areas = pd.DataFrame({"area_id": ["S1"], "name": ["东街道"], "parent_id": [None]})
    waste = pd.DataFrame({"collected_at": pd.to_datetime(["2022-10-07 08:00:00"]), "site_id": ["T082"],
                          "weight_kg": [1.0], "bags": [1]})
    checks = pd.DataFrame({"date": pd.to_datetime([]), "area_id": pd.Series([], dtype=object),
                           **{item: pd.Series([], dtype="int64")
                              for item in ("households", *field_checks.QUARANTINE_ITEMS)}})
    result = field_checks.analyse_field_checks(checks, waste, sites, areas, "2022-10-09")
    cards = _cards(field_view.headline(result, "en").data)
    # collected 10-07 08:00, more than 24 h before the 10-09 08:00 cut-off: not collected
    assert cards[label("fc_uncollected_sites", "en")] == ("1 / 1", "东门采样点 (T082)")

    firms, production, goals = _firms_and_goals()
    enterprise = enterprises.analyse_enterprises(firms, production, goals, "2022-10-09")
    cards = _cards(enterprise_view.headline(enterprise, "en").data)
    # 1 t by 10-09 against 100 000 t a year: behind
    assert cards[enterprise_view.status_label("behind", "en")][1] == "铜业公司 (E1) 阴极铜"
    assert cards[label("ent_closed_loop_count", "en")] == ("1 / 1", "铜业公司 (E1)")

    stations = pd.DataFrame({"checkpoint_id": ["CP06"], "name": ["北桥卡口"], "lon": [109.8], "lat": [40.56]})
    daily = pd.DataFrame({"date": pd.to_datetime(["2022-10-08"]), "checkpoint_id": ["CP06"],
                          **{count: [1] for count in checkpoints.COUNTS}})
    station = checkpoints.analyse_checkpoints(stations, daily, "2022-10-09", window=2)
    cards = _cards(checkpoint_view.headline(station, "en").data)
    # reported 10-08, not 10-09: one missing day
    assert cards[label("cp_missing_reports", "en")] == ("1", "北桥卡口 (CP06) 10-09")


def test_the_round_card_shows_the_round_name_with_its_code_after(sample):
    data, day = sample
    result = coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds, data.zones,
                                       day)
    value, detail = _cards(coverage_view.headline(result, "zh").data)[label("round", "zh")]
    assert value == result.round["name"] != result.round["round_id"]
    assert detail.endswith(f" · {result.round['round_id']}")
