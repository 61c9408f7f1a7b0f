"""Context is optional: a report runs without a dataset it only draws or that feeds one section."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fixtures.packs import contract_pack

from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import format_problems, validate_pack
from workbench.intake.needs import REPORT_NEEDS, empty_frame, load_report, readiness
from workbench.paths import PARAMETERS_DIR

DAILY = PARAMETERS_DIR / "daily.yaml"


def test_every_report_of_the_daily_schedule_declares_its_needs():
    schedule = yaml.safe_load(DAILY.read_text(encoding="utf-8"))
    assert {entry["notebook"] for entry in schedule["reports"]} <= set(REPORT_NEEDS)


def test_admin_boundaries_and_zones_are_never_required():
    for needs in REPORT_NEEDS.values():
        assert not {"admin_boundaries", "zones"} & set(needs.required), needs.report


@pytest.fixture(scope="module")
def bare_pack(tmp_path_factory) -> Path:
    """Only the contract's datasets, without admin_boundaries and without zones."""
    return contract_pack(tmp_path_factory.mktemp("bare"), without=("admin_boundaries", "zones"))


# the projects report draws no map: it has no context layer to go without
@pytest.mark.parametrize("report", [r for r in REPORT_NEEDS if r not in ("daily_brief", "projects")])
def test_each_report_loads_without_context_and_zones_and_says_so(bare_pack, report):
    data = load_report(open_pack(bare_pack), report)
    assert data.get("admin_boundaries") is None
    warned = {p.dataset for p in data.warnings if p.severity == "warning"}
    assert "admin_boundaries" in warned
    if "zones" in REPORT_NEEDS[report].datasets:
        assert len(data.zones) == 0 and list(data.zones.columns) == ["date", "area_id", "zone"]
        assert "zones" in warned
        [note] = [str(p) for p in data.warnings if p.dataset == "zones"]
        assert "zones is not in catalog.yaml" in note and "left empty" in note


def test_empty_frame_has_the_contract_types():
    zones = empty_frame("zones")
    assert str(zones["date"].dtype) == "datetime64[ns]" and len(zones) == 0
    assert empty_frame("admin_boundaries").geometry.name == "geometry"


def test_a_missing_required_dataset_names_dataset_and_report(tmp_path):
    root = contract_pack(tmp_path, without=("admin_boundaries", "sampling"))
    with pytest.raises(DataError) as caught:
        load_report(open_pack(root), "testing_coverage")
    [problem] = caught.value.problems
    assert problem.dataset == "sampling" and "testing_coverage" in problem.expected
    assert "sampling" in str(caught.value) and "testing_coverage" in str(caught.value)


def test_an_optional_dataset_with_errors_is_left_out_with_a_warning(tmp_path):
    root = contract_pack(tmp_path)
    (root / "zones.csv").write_text("date,area_id,zone\n2022-10-09,NOWHERE,sealed\n", encoding="utf-8")
    data = load_report(open_pack(root), "supply_prices")
    assert len(data.zones) == 0
    assert any(p.dataset == "zones" and "has errors" in p.found for p in data.warnings)


def test_validate_ends_with_the_reports_the_pack_can_run(tmp_path):
    root = contract_pack(tmp_path, without=("admin_boundaries", "zones", "medical_waste", "projects"))
    text = format_problems(validate_pack(open_pack(root)))
    can, cannot = text.split("reports this pack can run:")[1].split("reports it cannot run:")
    assert "  testing_coverage (runs without zones, admin_boundaries)" in can
    assert "  inspections (runs without admin_boundaries)" in can
    assert "  field_checks (runs without medical_waste, admin_boundaries)" in can  # one section is enough
    assert cannot.strip().startswith("projects: projects is not in catalog.yaml")


def test_readiness_of_a_required_dataset_with_errors(bare_pack):
    from workbench.errors import Problem

    pack = open_pack(bare_pack)
    broken = [Problem("rounds", "rounds.csv", 2, "start", "a date", "x")]
    rows = {r.report: r for r in readiness(pack, broken)}
    assert not rows["testing_coverage"].runs and rows["testing_coverage"].reasons == ("rounds has errors",)
    assert rows["checkpoints"].runs


def test_the_checkpoints_report_runs_on_a_checkpoint_departments_pack_alone(tmp_path):
    """Areas only outline the streets on the checkpoints' map: a pack of the checkpoints and
    their daily counts runs the report, its figures those of the full pack."""
    from workbench.domains import checkpoints

    pack = contract_pack(tmp_path, without=("admin_boundaries", "areas"))
    catalog = yaml.safe_load((pack / "catalog.yaml").read_text(encoding="utf-8"))
    catalog["datasets"] = {k: v for k, v in catalog["datasets"].items() if k.startswith("checkpoint")}
    (pack / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    opened = open_pack(pack)
    assert {r.report: r.runs for r in readiness(opened, validate_pack(opened))}["checkpoints"]
    data = load_report(opened, "checkpoints")
    assert len(data.areas) == 0 and "areas" in {p.dataset for p in data.warnings}
    result = checkpoints.analyse_checkpoints(data.checkpoints, data.checkpoint_daily, "2022-10-09")
    assert int(result.today["people"].sum()) == 35_768  # the sample's last 24 h (its brief's card)


def test_coverage_is_counted_without_the_testing_sites_and_their_sections_say_so(tmp_path, bare_pack):
    """Coverage needs areas, rounds and sampling (DESIGN's definition); the sites feed the site-load
    and capacity sections: without them no site is silent and no capacity is known, never 0."""
    from workbench.domains import capacity, coverage
    from workbench.present.views import coverage as view
    from workbench.present.views import site_load

    full = load_report(open_pack(bare_pack), "testing_coverage")
    data = load_report(open_pack(contract_pack(tmp_path, without=("admin_boundaries", "testing_sites"))),
                       "testing_coverage")
    assert "testing_sites" in data.absent and len(data.testing_sites) == 0
    assert "testing_sites" not in full.absent
    day = "2022-10-09"
    results = [coverage.analyse_coverage(d.sampling, d.areas, d.testing_sites, d.rounds, d.zones, day)
               for d in (full, data)]
    with_sites, without = (coverage.coverage_figures(r) for r in results)
    assert without["district"] == with_sites["district"] and without["short_communities"]
    assert without["short_communities"] == with_sites["short_communities"]
    assert results[0].sites_known and not results[1].sites_known and without["silent_sites"] == []
    headline = view.headline(results[1], "zh").data
    assert "范围内没有采样点" in headline
    sites = coverage.site_round_summary(results[1], coverage.sites_in_scope(data.testing_sites, data.areas))
    assert "范围内没有采样点" in site_load.headline(site_load.load_rows(sites, results[1]), "zh").data
    unknown = capacity.analyse_capacity(sites, data.areas, results[1].round, results[1].table,
                                        "2022-10-09 08:00", known=False)
    figures = capacity.capacity_figures(unknown)
    assert figures["capacity_known"] is False and figures["capacity_short"] == [] == figures["cannot_reach"]
    assert {s["capacity"] for s in figures["streets"]} == {None}
    assert "not known" in " ".join(unknown.warnings)


def test_without_testing_sites_a_sample_without_area_is_set_aside_and_said(tmp_path):
    from fixtures.packs import areas_frame, sampling_frame, write_pack

    from workbench.intake.loading import load_datasets
    from workbench.present.problem_wording import problem_text

    sampling = sampling_frame()
    sampling.loc[0, "area_id"] = None
    pack = write_pack(tmp_path, {"areas.geojson": areas_frame(), "sampling.csv": sampling},
                      {"areas": "areas.geojson", "sampling": "sampling.csv"})

    data = load_datasets(open_pack(pack), ["areas", "sampling"])
    [warning] = [p for p in data.warnings if p.dataset == "sampling"]
    assert warning.found == "1 row set aside: no area_id, and no testing_sites to place them by"
    worded = "剔除 1 行：无 area_id，且没有采样点数据（testing_sites）可据以落入区域"
    assert problem_text(warning.found) == worded
    assert len(data.sampling.preview()) == len(sampling) - 1


def test_a_whole_number_not_known_shows_a_dash_never_na():
    import pandas as pd

    from workbench.present import display

    frame = pd.DataFrame({"sites": pd.array([3, None], dtype="Int64")})
    page = display.table(frame, {"sites": "tc_sites"}).data
    assert "&lt;NA&gt;" not in page and "<NA>" not in page and "—" in page
