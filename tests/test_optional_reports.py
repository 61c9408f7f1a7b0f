"""Every report of the daily schedule runs on packs built from the contract only (slow: notebooks)."""

from __future__ import annotations

import json

import pytest
from fixtures.packs import contract_pack

from workbench.paths import PARAMETERS_DIR
from workbench.runner.batch import run_batch

pytestmark = pytest.mark.slow


def _batch(root, pack):
    return run_batch(PARAMETERS_DIR / "daily.yaml", pack=pack, jobs=2, reports_dir=root / "reports",
                     runs_dir=root / "runs", progress=False)  # fmt: skip


@pytest.mark.parametrize("without", [("admin_boundaries",), ("admin_boundaries", "zones")])
def test_the_daily_schedule_runs_without_context_or_zones(tmp_path, without):
    pack = contract_pack(tmp_path / "pack", without=without)
    results = _batch(tmp_path, pack)
    assert {r.stem: r.error for r in results if not r.ok} == {}
    assert len(results) == 21  # with the projects report; the district's reports in zh and en
    for path in (tmp_path / "reports").glob("*/*.json"):
        if path.name == "index.json":
            continue
        record = json.loads(path.read_text("utf-8"))
        assert record["status"] == "ok", path.name
    coverage = json.loads(next((tmp_path / "reports").glob("*/testing_coverage.json")).read_text("utf-8"))
    assert coverage["figures"]["district"]["tested"] == 242_677  # the same figure as with every dataset
    if "zones" in without:
        html = next((tmp_path / "reports").glob("*/supply_prices.html")).read_text("utf-8")
        assert "zones 不在 catalog.yaml 中" in html  # the Chinese page words the warning


def test_a_pack_of_one_department_runs_its_report_and_the_brief_and_nothing_else(tmp_path, capsys):
    """Places and inspections only (the supervision department's export): no areas to fan out
    over, no report needing what the catalog does not list; the batch succeeds."""
    import yaml

    from workbench.paths import SAMPLE_PACK_DIR

    every = yaml.safe_load((SAMPLE_PACK_DIR / "catalog.yaml").read_text("utf-8"))["datasets"]
    pack = contract_pack(tmp_path / "pack", without=tuple(set(every) - {"places", "inspections"}))
    results = run_batch(PARAMETERS_DIR / "daily.yaml", pack=pack, jobs=2, reports_dir=tmp_path / "reports",
                        runs_dir=tmp_path / "runs", progress=True)
    assert sorted((r.stem, r.status) for r in results) == [
        ("daily_brief", "ok"), ("daily_brief_en", "ok"), ("inspections", "ok"), ("inspections_en", "ok")]
    said = capsys.readouterr().err
    assert "not run, the catalog lists no projects, project_milestones: projects, projects_en" in said
    assert "testing_coverage__" not in said  # no street without areas
