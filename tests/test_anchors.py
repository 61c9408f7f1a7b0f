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
from workbench.domains import coverage, enterprises, field_checks, inspections, supply
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.present.display import row_anchor
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
