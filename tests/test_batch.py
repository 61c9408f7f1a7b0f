"""Schedules and batches: fanning out over scopes, limits in parallel and in time, the lock, pruning."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import types
from pathlib import Path

import pandas as pd
import pytest

import workbench.runner.batch
import workbench.runner.pipeline
from workbench.errors import LockedError, ReportError
from workbench.intake.catalog import open_pack
from workbench.runner.batch import bound_jobs, order_longest_first, run_batch
from workbench.runner.locking import BATCH_LOCK_NAME, hold_batch_lock
from workbench.runner.pipeline import run_job, run_jobs
from workbench.runner.report import RunResult
from workbench.runner.retention import prune_reports
from workbench.runner.schedule import expand_jobs, list_streets, load_schedule, schedule_language, served_jobs

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "notebooks"
PACK = HERE / "tiny_pack"
DATE = "2022-10-09"
PHONE = "13912345678"


@pytest.fixture
def fake_areas(monkeypatch):
    """``workbench.intake.loading.load_datasets`` answering two streets and a community."""
    areas = pd.DataFrame({"area_id": ["S02", "S01", "C01"], "level": ["street", "street", "community"]})
    loading = types.ModuleType("workbench.intake.loading")
    loading.load_datasets = lambda pack, names: {"areas": areas}
    monkeypatch.setitem(sys.modules, "workbench.intake.loading", loading)


#: A pack whose catalog lists every dataset (what :func:`expand_jobs` asks of it).
EVERY_DATASET = types.SimpleNamespace(has=lambda name: True)


def _schedule(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_daily_schedule_fans_out_over_the_district_and_every_street(fake_areas):
    assert list_streets(EVERY_DATASET) == ["S01", "S02"]
    jobs = [job for job in expand_jobs(load_schedule(ROOT / "parameters" / "daily.yaml"), pack=EVERY_DATASET)
            if job.stem.startswith("testing_coverage")]
    stems = ["testing_coverage", "testing_coverage_en", "testing_coverage__S01", "testing_coverage__S02"]
    assert [job.stem for job in jobs] == stems
    assert [job.scope for job in jobs] == ["district", "district", "S01", "S02"]
    assert [job.parameters for job in jobs] == [{"coverage_target": 0.95, "lang": lang} for lang in
                                                ("zh", "en", "zh", "zh")]


def test_languages_fan_an_entry_out_and_only_picks_reports(tmp_path, fake_areas):
    schedule = _schedule(tmp_path, f"""lang: en
reports:
  - {{notebook: {HERE / 'tiny.ipynb'}, name: a, languages: [zh, en], scopes: [district, streets]}}
  - {{notebook: {HERE / 'tiny.ipynb'}, name: b, parameters: {{lang: en}}}}
""")
    entries = load_schedule(schedule)
    jobs = expand_jobs(entries, pack=EVERY_DATASET)
    assert [(job.stem, job.parameters) for job in jobs] == [
        ("a", {"lang": "zh"}), ("a__S01", {"lang": "zh"}), ("a__S02", {"lang": "zh"}),
        ("a_en", {"lang": "en"}), ("a_en__S01", {"lang": "en"}), ("a_en__S02", {"lang": "en"}),
        ("b", {"lang": "en"})]
    assert [job.stem for job in expand_jobs(entries, pack=EVERY_DATASET, only=["b"])] == ["b"]
    assert len(expand_jobs(entries, pack=EVERY_DATASET, only=["a_en"])) == 6  # every run of the entry
    with pytest.raises(ReportError, match="no report of the schedule is named c"):
        expand_jobs(entries, pack=EVERY_DATASET, only=["c"])
    assert schedule_language(schedule) == "en"


@pytest.mark.parametrize(("entry", "message"), [
    ("languages: [fr]", "languages must be a list of zh, en"),
    ("languages: [en, en]", "each once"),
    ("languages: [en], parameters: {lang: en}", "not both"),
])
def test_languages_are_checked(tmp_path, entry, message):
    schedule = _schedule(tmp_path, f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, {entry}}}]")
    with pytest.raises(ReportError, match=message):
        load_schedule(schedule)


def test_the_schedules_index_language_is_checked(tmp_path):
    schedule = _schedule(tmp_path, f"lang: fr\nreports: [{{notebook: {HERE / 'tiny.ipynb'}}}]")
    with pytest.raises(ReportError, match="lang must be one of zh, en"):
        schedule_language(schedule)


@pytest.mark.parametrize(("text", "message"), [
    ("reports: []", "non-empty list"),
    ("reports: [{notebook: no_such_report}]", "no notebook"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, parameters: {{report_date: x}}}}]", "set by the runner"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, scope: [a]}}]", "keys are"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, timeout: -5}}]", "timeout must be a positive number"),
    (f"reports: [{{notebook: {HERE / 'tiny.ipynb'}, timeout: soon}}]", "timeout must be a positive number"),
    ("reports: [oops", "not valid YAML"),
])
def test_a_bad_schedule_is_refused_before_any_run(tmp_path, text, message):
    with pytest.raises(ReportError, match=message):
        load_schedule(_schedule(tmp_path, text))


def test_a_report_entry_timeout_reaches_its_runs_and_wins_over_the_batch_default(tmp_path, monkeypatch):
    entries = load_schedule(_schedule(tmp_path, f"""
reports:
  - {{notebook: {HERE / 'tiny.ipynb'}, timeout: 30, scopes: [S01, S02]}}
  - {{notebook: {HERE / 'failing.ipynb'}}}
"""))
    jobs = expand_jobs(entries, pack=EVERY_DATASET)
    assert [(job.stem, job.timeout) for job in jobs] == [("tiny__S01", 30), ("tiny__S02", 30),
                                                         ("failing", None)]
    seen = []

    def recorded_execute_report(notebook, **kwargs):
        seen.append(kwargs["timeout"])
        return types.SimpleNamespace(publish=lambda index: RunResult("x", DATE, "ok", None, 0.0))

    monkeypatch.setattr(workbench.runner.pipeline, "execute_report", recorded_execute_report)
    for job in (jobs[0], jobs[2]):
        run_job(job, timeout=900)
    assert seen == [30, 900]


def _pipelined(monkeypatch, publish_fails: set[str] = frozenset()):
    """Fake executions and publications that log their order and count the reports in flight."""
    log, lock, in_flight, most = [], threading.Lock(), [0], [0]
    next_started = threading.Event()

    def execute_report(notebook, *, scope, **kwargs):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            log.append(f"execute {scope}")
        if scope != "S01":
            next_started.set()

        def publish(index):
            if scope == "S01":  # the first publication waits for the next execution to start
                assert next_started.wait(10), "the next report did not start while S01 was published"
            with lock:
                in_flight[0] -= 1
                log.append(f"publish {scope}")
            if scope in publish_fails:
                raise RuntimeError(f"export bug near {PHONE}")
            return RunResult(f"tiny__{scope}", DATE, "ok", None, 0.1)

        return types.SimpleNamespace(publish=publish, started=dt.datetime.now().astimezone(), elapsed_s=0.1)

    monkeypatch.setattr(workbench.runner.pipeline, "execute_report", execute_report)
    return log, most


def test_a_report_is_published_while_the_next_executes_and_at_most_two_are_in_flight(tmp_path, monkeypatch):
    log, most = _pipelined(monkeypatch, publish_fails={"S03"})
    jobs = expand_jobs(load_schedule(_schedule(tmp_path, f"""
reports:
  - {{notebook: {HERE / 'tiny.ipynb'}, scopes: [S01, S02, S03, S04]}}
""")), pack=EVERY_DATASET)
    options = {"date": dt.date(2022, 10, 9), "pack": open_pack(PACK), "reports_dir": tmp_path / "reports"}
    results = run_jobs(jobs, 1, options, progress=False)
    assert [r.stem for r in results] == ["tiny__S01", "tiny__S02", "tiny__S03", "tiny__S04"]
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok"]
    assert results[2].error == "RuntimeError: export bug near [***]"  # a publication's crash is recorded
    assert (tmp_path / "reports" / DATE / "tiny__S03.json").is_file()
    assert log.index("execute S02") < log.index("publish S01")
    assert most[0] == 2  # one executing, one being published: never more with one job at a time


@pytest.mark.parametrize(("requested", "runs", "expected"), [
    (1, 10, (1, None)),
    (2, 10, (2, None)),
    (2, 1, (1, None)),                                     # never more than the runs, silently
    (16, 10, (2, "--jobs 16 reduced to 2: one run per CPU")),
])
def test_jobs_are_bounded_by_the_cpus_with_a_note(monkeypatch, requested, runs, expected):
    monkeypatch.setattr(workbench.runner.batch, "count_cpus", lambda: 2)
    assert bound_jobs(requested, runs) == expected


def test_runs_start_longest_first_by_their_last_recorded_duration(tmp_path):
    jobs = expand_jobs(load_schedule(_schedule(tmp_path, f"""
reports:
  - {{notebook: {HERE / 'tiny.ipynb'}, scopes: [S01, S02, S03, "S:4"]}}
""")), pack=EVERY_DATASET)
    for day, stem, seconds in [("2022-10-08", "tiny__S01", 50.0), ("2022-10-09", "tiny__S01", 2.0),
                               ("2022-10-09", "tiny__S02", 9.0), ("2022-10-09", "tiny__S:4", 1.0)]:
        (tmp_path / day).mkdir(exist_ok=True)
        (tmp_path / day / f"{stem}.json").write_text(json.dumps({"duration_s": seconds}), encoding="utf-8")
    # S03 never ran: first; then S02 (9 s), S01 (2 s on its newest date), S:4 (1 s)
    assert [jobs[n].scope for n in order_longest_first(jobs, tmp_path)] == ["S03", "S02", "S01", "S:4"]


def test_jobs_below_one_are_refused():
    with pytest.raises(ReportError, match="at least 1"):
        bound_jobs(0, 3)


# -- the lock -----------------------------------------------------------------------------------

def test_a_second_batch_for_the_same_date_and_folder_is_refused(tmp_path, lock_holder):
    refused = rf"another batch for {DATE} is running \(pid {lock_holder.pid} on .*, since 20"
    with pytest.raises(LockedError, match=refused), hold_batch_lock(tmp_path / "reports", DATE):
        pass
    with hold_batch_lock(tmp_path / "reports", "2022-10-08"):  # another date: its own lock
        pass
    with hold_batch_lock(tmp_path / "elsewhere", DATE):       # another folder: its own lock
        pass
    lock_holder.stdin.write("\n")
    lock_holder.stdin.flush()
    assert lock_holder.wait(timeout=10) == 0
    assert not (tmp_path / "reports" / DATE / BATCH_LOCK_NAME).exists()  # released and removed
    with hold_batch_lock(tmp_path / "reports", DATE) as lock:
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] != lock_holder.pid


def test_the_lock_file_of_a_crashed_batch_blocks_nobody(tmp_path, lock_holder):
    lock_holder.kill()  # SIGKILL: no clean-up, the file stays
    lock_holder.wait()
    stale = tmp_path / "reports" / DATE / BATCH_LOCK_NAME
    assert json.loads(stale.read_text(encoding="utf-8"))["pid"] == lock_holder.pid
    with hold_batch_lock(tmp_path / "reports", DATE) as lock:
        assert lock == stale and json.loads(lock.read_text(encoding="utf-8"))["pid"] != lock_holder.pid


# -- keeping N days -----------------------------------------------------------------------------


def _plant_days(root: Path, days: list[str]) -> None:
    for day in days:
        for folder, name in (("reports", "r.json"), ("runs", "r.ipynb")):
            (root / folder / day).mkdir(parents=True, exist_ok=True)
            (root / folder / day / name).write_text("{}", encoding="utf-8")


def test_prune_keeps_the_newest_n_days_and_nothing_else_is_touched(tmp_path):
    days = [(dt.date(2022, 10, 9) - dt.timedelta(days=n)).isoformat() for n in range(6)]
    _plant_days(tmp_path, days)
    (tmp_path / "runs" / "2022-10-01").mkdir()           # only under runs/
    for other in ("notes", "2022-13-40"):                  # not a date: left alone
        (tmp_path / "reports" / other).mkdir()
    (tmp_path / "reports" / "index.html").write_text("index", encoding="utf-8")
    deleted, skipped = prune_reports(3, tmp_path / "reports", tmp_path / "runs")
    kept = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert kept == ["2022-10-07", "2022-10-08", "2022-10-09", "2022-13-40", "index.html", "notes"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["2022-10-07", "2022-10-08", "2022-10-09"]
    assert len(deleted) == 7 and skipped == []
    with pytest.raises(ReportError, match="at least 1"):
        prune_reports(0, tmp_path / "reports", tmp_path / "runs")


def test_prune_skips_a_date_whose_batch_is_running(tmp_path, lock_holder):
    _plant_days(tmp_path, ["2022-09-01", DATE])  # the holder runs the old date: a backfill
    with hold_batch_lock(tmp_path / "reports", "2022-10-10"):
        pass
    deleted, skipped = prune_reports(1, tmp_path / "reports", tmp_path / "runs")
    assert [p.parent.name + "/" + p.name for p in deleted] == ["reports/2022-09-01", "runs/2022-09-01"]
    assert len(skipped) == 1 and skipped[0].startswith(f"kept {DATE}: another batch")
    assert (tmp_path / "runs" / DATE / "r.ipynb").is_file()


# -- whole batches ------------------------------------------------------------------------------


@pytest.mark.slow
def test_batch_goes_on_after_a_failure_and_reports_it(tmp_path, capsys):
    schedule = _schedule(tmp_path, f"""
name: test
reports:
  - notebook: {HERE / 'tiny.ipynb'}
    parameters: {{coverage_target: 0.9}}
    scopes: [district, S01]
  - notebook: {HERE / 'failing.ipynb'}
  - notebook: {HERE / 'slow_cells.ipynb'}
    parameters: {{seconds: 30}}
    timeout: 4
""")
    reports = tmp_path / "reports"
    _plant_days(tmp_path, ["2022-10-01", "2022-10-08"])
    results = run_batch(schedule, pack=PACK, jobs=2, keep_days=2, reports_dir=reports,
                        runs_dir=tmp_path / "runs")
    expected = [("tiny", "ok"), ("tiny__S01", "ok"), ("failing", "failed"), ("slow_cells", "failed")]
    assert [(r.stem, r.status) for r in results] == expected
    assert "ValueError" in results[2].error
    assert results[3].error.startswith("ReportTimeout: the report ran longer than its 4 s limit")
    assert results[3].duration_s < 20 and (tmp_path / "runs" / DATE / "slow_cells.ipynb").is_file()
    assert (tmp_path / "runs" / DATE / "failing.ipynb").is_file()
    assert not (reports / DATE / "failing.html").exists() and not (reports / DATE / BATCH_LOCK_NAME).exists()
    assert json.loads((reports / DATE / "tiny.json").read_text(encoding="utf-8"))["scope"] == "district"
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"schedule.yaml {DATE}: 4 report(s), 2 at a time"
    steps = sorted(line.split()[0] for line in lines if line.startswith("["))
    assert steps == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert lines[-2:] == [f"pruned {reports / '2022-10-01'}", f"pruned {tmp_path / 'runs' / '2022-10-01'}"]
    assert sorted(p.name for p in reports.iterdir()) == ["2022-10-08", DATE, "index.html"]
    index = (reports / "index.html").read_text(encoding="utf-8")
    listed = index.count("<tr data-report=") - index.count("<tr data-report=\"data_quality\"")
    assert listed == 5  # the four runs, and the planted record of 2022-10-08 (beside the data-quality row)


def test_a_later_stage_starts_after_every_run_of_the_earlier_one_and_names_its_report(tmp_path):
    schedule = _schedule(tmp_path, f"""
name: test
reports:
  - notebook: {HERE / 'tiny.ipynb'}
    name: summary_en
    stage: 2
  - notebook: {HERE / 'tiny.ipynb'}
    scopes: [district, S01, S02]
""")
    reports = tmp_path / "reports"
    results = run_batch(schedule, pack=PACK, jobs=2, reports_dir=reports, runs_dir=tmp_path / "runs",
                        progress=False)
    assert [(r.stem, r.status) for r in results] == [
        ("summary_en", "ok"), ("tiny", "ok"), ("tiny__S01", "ok"), ("tiny__S02", "ok")]
    record = {r.stem: json.loads(r.json_path.read_text(encoding="utf-8")) for r in results}
    assert record["summary_en"]["report"] == "summary_en"
    first_stage_end = max(record[s]["finished_at"] for s in ("tiny", "tiny__S01", "tiny__S02"))
    assert record["summary_en"]["started_at"] >= first_stage_end


def test_two_entries_of_one_notebook_need_their_own_names(tmp_path):
    schedule = _schedule(tmp_path, f"""
reports:
  - notebook: {HERE / 'tiny.ipynb'}
  - notebook: {HERE / 'tiny.ipynb'}
""")
    with pytest.raises(ReportError, match="give one entry its own 'name'"):
        expand_jobs(load_schedule(schedule), pack=EVERY_DATASET)


def test_a_pack_serves_only_the_reports_whose_datasets_its_catalog_lists(fake_areas):
    """A department's pack of places and inspections: no per-street fan-out, no report needing
    what it does not list; the brief (which needs nothing) and inspections run."""
    listed = {"places", "inspections"}
    pack = types.SimpleNamespace(has=lambda name: name in listed)
    assert list_streets(pack) == []
    jobs, unserved = served_jobs(expand_jobs(load_schedule(ROOT / "parameters" / "daily.yaml"), pack), pack)
    stems = sorted(job.stem for job in jobs)
    assert stems == ["daily_brief", "daily_brief_en", "inspections", "inspections_en"]
    assert unserved["projects"] == ("projects", "project_milestones")
    assert unserved["testing_coverage"] == ("areas", "rounds", "sampling")
    assert unserved["field_checks"] == ("quarantine_checks", "areas", "medical_waste", "testing_sites",
                                        "staffing")
    waste = types.SimpleNamespace(has=lambda name: name in {"medical_waste", "testing_sites"})
    served, _ = served_jobs(expand_jobs(load_schedule(ROOT / "parameters" / "daily.yaml"), waste), waste)
    assert {"field_checks", "field_checks_en"} <= {job.stem for job in served}  # one section is enough
    lines = workbench.runner.batch.unserved_lines({"a": ("areas",), "b": ("x", "y"), "a_en": ("areas",)})
    assert lines == ["not run, the catalog lists no areas: a, a_en", "not run, the catalog lists no x, y: b"]


def test_streets_that_cannot_be_read_leave_the_other_reports_to_run(monkeypatch):
    from workbench.errors import DataError, Problem

    def broken(pack, names):
        raise DataError([Problem("areas", "areas.geojson", None, None, "a readable file", "garbage")])

    loading = types.ModuleType("workbench.intake.loading")
    loading.load_datasets = broken
    monkeypatch.setitem(sys.modules, "workbench.intake.loading", loading)
    assert list_streets(EVERY_DATASET) == []
