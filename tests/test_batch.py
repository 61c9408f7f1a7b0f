"""Schedules: reading, fanning out over scopes, and a batch that goes on after a failure."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from workbench.batch import expand_jobs, list_streets, load_schedule, run_batch
from workbench.errors import ReportError

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "notebooks"
PACK = HERE / "tiny_pack"
DATE = "2022-10-09"


@pytest.fixture
def fake_areas(monkeypatch):
    """``workbench.loading.load_datasets`` answering two streets and a community."""
    areas = pd.DataFrame({"area_id": ["S02", "S01", "C01"], "level": ["street", "street", "community"]})
    loading = types.ModuleType("workbench.loading")
    loading.load_datasets = lambda pack, names: {"areas": areas}
    monkeypatch.setitem(sys.modules, "workbench.loading", loading)


def _schedule(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_daily_schedule_fans_out_over_the_district_and_every_street(fake_areas):
    assert list_streets(object()) == ["S01", "S02"]
    jobs = [job for job in expand_jobs(load_schedule(ROOT / "parameters" / "daily.yaml"), pack=object())
            if job.stem.startswith("testing_coverage")]
    stems = ["testing_coverage", "testing_coverage__S01", "testing_coverage__S02"]
    assert [job.stem for job in jobs] == stems
    assert [job.scope for job in jobs] == ["district", "S01", "S02"]
    assert all(job.parameters == {"coverage_target": 0.95, "lang": "zh"} for job in jobs)


@pytest.mark.parametrize(("text", "message"), [
    ("reports: []", "non-empty list"),
    ("reports: [{notebook: no_such_report}]", "no notebook"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, parameters: {{report_date: x}}}}]", "set by the runner"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, scope: [a]}}]", "keys are"),
    ("reports: [oops", "not valid YAML"),
])
def test_a_bad_schedule_is_refused_before_any_run(tmp_path, text, message):
    with pytest.raises(ReportError, match=message):
        load_schedule(_schedule(tmp_path, text))


@pytest.mark.slow
def test_batch_goes_on_after_a_failure_and_reports_it(tmp_path, capsys):
    schedule = _schedule(tmp_path, f"""
name: test
reports:
  - notebook: {HERE / 'tiny.ipynb'}
    parameters: {{coverage_target: 0.9}}
    scopes: [district, S01]
  - notebook: {HERE / 'failing.ipynb'}
""")
    reports = tmp_path / "reports"
    results = run_batch(schedule, pack=PACK, jobs=2, reports_dir=reports, runs_dir=tmp_path / "runs")
    expected = [("tiny", "ok"), ("tiny__S01", "ok"), ("failing", "failed")]
    assert [(r.stem, r.status) for r in results] == expected
    assert "ValueError" in results[2].error
    assert (tmp_path / "runs" / DATE / "failing.ipynb").is_file()
    assert not (reports / DATE / "failing.html").exists()
    assert json.loads((reports / DATE / "tiny.json").read_text(encoding="utf-8"))["scope"] == "district"
    lines = capsys.readouterr().err.splitlines()
    assert sorted(line.split()[0] for line in lines if line.startswith("[")) == ["[1/3]", "[2/3]", "[3/3]"]
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-report=") == 3
