"""Reports of sections run on a pack that has the datasets of one section (DESIGN: only what a
report needs is required): field_checks on home-quarantine checks alone or on medical waste alone,
supply_prices on prices alone or on supply alone. The section the pack lacks says so (a dash,
"nothing judged", null in the JSON), never 0 or "none"; figures of the other are hand-computed."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fixtures.packs import areas_frame, contract_pack, sites_frame, write_pack

from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.needs import load_report, readiness

CHECKS = ("date,area_id,households,seal_ok,magnet_ok,tested,disinfection_record_ok\n"
          "2022-10-09,007,10,10,6,9,10\n"
          "2022-10-09,008,5,5,5,5,4\n")
# cut-off 2022-10-09 08:00: T1 collected 2 h before it, T2 47 h before it (uncollected)
WASTE = ("collected_at,site_id,weight_kg,bags\n"
         "2022-10-09 06:00,T1,12.5,3\n"
         "2022-10-07 09:00,T2,4.0,1\n")
PRICES = ("date,market,commodity,price,unit\n"
          "2022-10-08,M1,白菜,1.30,元/斤\n"
          "2022-10-09,M1,白菜,1.40,元/斤\n")
BASELINES = "commodity,baseline_price,period,unit\n白菜,1.20,2022-09-01/2022-09-30,元/斤\n"


def quarantine_pack(root, checks: str = CHECKS):
    """Areas and home-quarantine checks: no testing sites, no medical waste."""
    datasets = {"areas": "areas.geojson", "quarantine_checks": "quarantine.csv"}
    return write_pack(root, {"areas.geojson": areas_frame(), "quarantine.csv": checks}, datasets,
                      report_date="2022-10-09")


def waste_pack(root):
    """Testing sites and medical waste: no areas, no home-quarantine checks."""
    return write_pack(root, {"sites.csv": sites_frame(), "waste.csv": WASTE},
                      {"testing_sites": "sites.csv", "medical_waste": "waste.csv"}, report_date="2022-10-09")


def prices_pack(root):
    return write_pack(root, {"prices.csv": PRICES, "baselines.csv": BASELINES},
                      {"prices": "prices.csv", "price_baselines": "baselines.csv"}, report_date="2022-10-09")


def test_field_checks_loads_on_quarantine_checks_alone(tmp_path):
    data = load_report(open_pack(quarantine_pack(tmp_path)), "field_checks")
    assert data.sections == {"quarantine"}
    assert {"medical_waste", "testing_sites"} <= data.absent
    assert len(data.medical_waste) == 0 and len(data.testing_sites) == 0  # empty stand-ins
    [waste] = [p.found for p in data.warnings if p.dataset == "medical_waste"]  # one for the section
    assert waste == ("medical_waste, testing_sites are not in catalog.yaml: the medical-waste section "
                     "not shown in field_checks")


def test_field_checks_loads_on_medical_waste_alone(tmp_path):
    data = load_report(open_pack(waste_pack(tmp_path)), "field_checks")
    assert data.sections == {"waste"}
    assert len(data.areas) == 0 and len(data.testing_sites) == 2


STAFFING = ("date,unit_kind,unit_id,role,planned,on_duty\n"
            "2022-10-09,testing_site,T1,采样员,6,4\n"
            "2022-10-09,checkpoint,CP1,值守,3,3\n")


def one_dataset_pack(root, dataset: str, text: str):
    """A pack of one CSV dataset, dated 2022-10-09."""
    return write_pack(root, {f"{dataset}.csv": text}, {dataset: f"{dataset}.csv"}, report_date="2022-10-09")


def staffing_pack(root):
    """Front-line staffing alone: the report's staffing section, nothing else."""
    return one_dataset_pack(root, "staffing", STAFFING)


def test_field_checks_loads_on_staffing_alone(tmp_path):
    data = load_report(open_pack(staffing_pack(tmp_path)), "field_checks")
    assert data.sections == {"staffing"}
    assert len(data.quarantine_checks) == 0 and len(data.medical_waste) == 0


def test_a_section_with_errors_is_left_out_and_the_other_runs(tmp_path):
    root = waste_pack(tmp_path)
    quarantine_pack(root, CHECKS.replace("008,5,5", "008,5,6"))  # 6 of 5 households: an error
    catalog = (root / "catalog.yaml").read_text("utf-8")
    (root / "catalog.yaml").write_text(catalog.replace(
        "datasets:\n", "datasets:\n  testing_sites: sites.csv\n  medical_waste: waste.csv\n"), "utf-8")
    data = load_report(open_pack(root), "field_checks")
    assert data.sections == {"waste"} and len(data.quarantine_checks) == 0
    assert any(p.dataset == "quarantine_checks" and "has errors" in p.found for p in data.warnings)


def test_a_report_of_sections_needs_one_whole(tmp_path):
    root = write_pack(tmp_path, {"areas.geojson": areas_frame()}, {"areas": "areas.geojson"})
    with pytest.raises(DataError) as caught:
        load_report(open_pack(root), "field_checks")
    [problem] = caught.value.problems
    assert "quarantine_checks + areas, or medical_waste + testing_sites, or staffing" in problem.expected
    assert problem.found == "not listed: quarantine_checks, medical_waste, testing_sites, staffing"
    verdict = {r.report: r for r in readiness(open_pack(root), [])}["field_checks"]
    assert not verdict.runs
    groups = (("quarantine_checks", "areas"), ("medical_waste", "testing_sites"), ("staffing",))
    assert verdict.one_of == groups
    assert verdict.reasons == ("needs quarantine_checks + areas, or medical_waste + testing_sites, or "
                               "staffing (not in catalog.yaml: quarantine_checks, medical_waste, "
                               "testing_sites, staffing)",)


def test_validate_says_what_a_report_of_sections_runs_without(tmp_path):
    rows = {r.report: r for r in readiness(open_pack(quarantine_pack(tmp_path)), [])}
    assert rows["field_checks"].runs
    assert rows["field_checks"].without == ("medical_waste", "testing_sites", "staffing", "checkpoints",
                                            "admin_boundaries")
    assert not rows["supply_prices"].runs


def test_supply_prices_loads_on_prices_alone(tmp_path):
    data = load_report(open_pack(prices_pack(tmp_path)), "supply_prices")
    assert data.sections == {"prices"}
    assert len(data.deliveries) == 0 and len(data.areas) == 0


def _run(report: str, pack, tmp_path) -> tuple[dict, str]:
    from workbench.runner.report import run_report

    run = run_report(report, pack=str(pack), reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs",
                     index=False)
    assert run.status == "ok", run.error
    return json.loads(run.json_path.read_text("utf-8")), run.html_path.read_text("utf-8")


@pytest.mark.slow
def test_field_checks_report_on_quarantine_checks_alone(tmp_path):
    record, html = _run("field_checks", quarantine_pack(tmp_path / "pack"), tmp_path)
    f = record["figures"]
    # seal 15/15, magnet (6 + 5)/15, tested (9 + 5)/15, record board (10 + 4)/15
    assert f["quarantine_compliance"] == {"seal_ok": 1.0, "magnet_ok": round(11 / 15, 6),
                                          "tested": round(14 / 15, 6),
                                          "disinfection_record_ok": round(14 / 15, 6)}
    assert f["quarantine_households"] == 15 and f["quarantine_areas"] == 2
    assert f["waste_known"] is False and f["uncollected_sites"] is None and f["testing_sites"] is None
    assert "数据包中没有医疗废物收运记录（medical_waste）：未作评判" in html
    assert "数据包中没有 medical_waste 数据集：本节未计算。" in html


@pytest.mark.slow
def test_field_checks_report_on_medical_waste_alone(tmp_path):
    record, html = _run("field_checks", waste_pack(tmp_path / "pack"), tmp_path)
    f = record["figures"]
    assert f["uncollected_sites"] == ["T2"] and f["testing_sites"] == 2
    assert f["waste_kg_24h"] == 12.5 and f["waste_bags_24h"] == 3
    assert f["quarantine_known"] is False and f["quarantine_compliance"] is None
    assert "数据包中没有居家隔离检查（quarantine_checks）：未作评判" in html
    assert "二号点" in html  # the uncollected site, by name


@pytest.mark.slow
def test_field_checks_report_on_staffing_alone(tmp_path):
    record, html = _run("field_checks", staffing_pack(tmp_path / "pack"), tmp_path)
    f = record["figures"]
    assert f["quarantine_known"] is False and f["waste_known"] is False
    staffing = f["staffing"]
    assert staffing["on_duty"] == 7 and staffing["planned"] == 9  # 4 + 3 of 6 + 3
    assert "数据包中没有居家隔离检查" in html and "数据包中没有医疗废物收运记录" in html


@pytest.mark.slow
def test_supply_prices_report_on_prices_alone(tmp_path):
    record, html = _run("supply_prices", prices_pack(tmp_path / "pack"), tmp_path)
    f = record["figures"]
    assert f["supply_known"] is False and f["unserved_areas"] is None
    # 1.40 / 1.20 − 1 = 0.166667 above the baseline; 1.40 / 1.30 − 1 = 0.076923 over the day before
    assert sorted((a["rule"], a["value"]) for a in f["alerts"]) == [
        ("above_baseline", round(1.40 / 1.20 - 1, 6)), ("daily_jump", round(1.40 / 1.30 - 1, 6))]
    assert "数据包中没有保供数据" in html


@pytest.mark.slow
def test_supply_prices_report_on_supply_alone(tmp_path):
    pack = contract_pack(tmp_path / "pack", without=("admin_boundaries", "prices", "price_baselines"))
    record, html = _run("supply_prices", pack, tmp_path)
    f = record["figures"]
    assert f["prices_known"] is False and f["alerts"] is None
    assert f["supply_known"] is True and isinstance(f["unserved_areas"], list)
    assert "数据包中没有价格数据" in html


def test_the_brief_shows_field_checks_on_one_section(tmp_path):
    from workbench.brief.data import load_brief_data
    from workbench.brief.figures import BriefParameters, compute_figures

    frames, _ = load_brief_data(open_pack(waste_pack(tmp_path)))
    figures = compute_figures(frames, pd.Timestamp("2022-10-09"), BriefParameters())
    field = figures.domains["field_checks"]
    assert field["quarantine"] is None and field["quarantine_items"] == []
    assert field["waste"] == {"kg_24h": 12.5, "bags_24h": 3, "testing_sites": 2, "uncollected": 1}
    assert [s["site_id"] for s in field["uncollected_sites"]] == ["T2"]
    from workbench.present.views.brief import CARDS

    card = CARDS["field_checks"](field, "zh")
    assert card["value"] == "—" and card["status"] == "bad"
    assert card["details"][0] == "数据包中没有居家隔离检查（quarantine_checks）：未作评判"


REQUESTS = ("request_id,enterprise_id,raised_on,category,department,resolved_on\n"
            "RQ1,E1,2022-10-01,电力,供电公司,2022-10-02\n"
            "RQ2,E2,2022-10-05,融资,金融服务办公室,\n")


def requests_pack(root):
    """An enterprise-service department's requests alone: no enterprises, output or targets."""
    return one_dataset_pack(root, "enterprise_requests", REQUESTS)


def test_enterprise_requests_load_without_enterprises(tmp_path):
    data = load_report(open_pack(requests_pack(tmp_path)), "enterprise_output")
    assert data.sections == {"requests"} and not data.errors
    assert len(data.enterprise_requests) == 2 and len(data.enterprises) == 0


@pytest.mark.slow
def test_enterprise_output_report_on_requests_alone(tmp_path):
    record, html = _run("enterprise_output", requests_pack(tmp_path / "pack"), tmp_path)
    f = record["figures"]
    assert f["progress_known"] is False and f["by_status"] is None
    # RQ2 raised 10-05, open on 10-09: 4 days old, overdue beyond 3
    assert f["requests"]["open_requests"] == [{"request_id": "RQ2", "age_days": 4, "overdue": True}]
    assert "数据包中没有企业产量与年度目标" in html
