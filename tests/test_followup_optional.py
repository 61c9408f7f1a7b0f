"""The follow-up datasets are optional: a pack without them runs its reports, which say what is missing."""

import json
import shutil

import pytest
from conftest import SAMPLE

FOLLOW_UP = ("enterprise_requests", "projects", "project_milestones", "staffing")


@pytest.fixture
def pack_without_follow_up(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE, pack, ignore=shutil.ignore_patterns(*(f"{name}.csv" for name in FOLLOW_UP)))
    catalog = pack / "catalog.yaml"
    lines = catalog.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.strip().split(":")[0] not in FOLLOW_UP]
    catalog.write_text("".join(kept), "utf-8")
    return pack


@pytest.mark.slow
@pytest.mark.parametrize(("report", "dataset", "key"), [
    ("enterprise_output", "enterprise_requests", "requests"),
    ("field_checks", "staffing", "staffing"),
])
def test_a_report_runs_without_its_follow_up_dataset_and_says_so(pack_without_follow_up, tmp_path, report,
                                                                  dataset, key):
    from workbench.runner.report import run_report

    run = run_report(report, pack=str(pack_without_follow_up), reports_dir=tmp_path / "reports",
                     runs_dir=tmp_path / "runs", index=False)
    assert run.status == "ok", run.error
    record = json.loads(run.json_path.read_text("utf-8"))
    assert key not in record["figures"]
    assert any(dataset in warning and "section not shown" in warning for warning in record["warnings"])
    assert f"数据包中没有 {dataset} 数据集" in run.html_path.read_text("utf-8")
