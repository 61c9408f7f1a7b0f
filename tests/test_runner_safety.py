"""The runner on a bad day: hostile names, a full disk, a crash, stray folders (issue 12, issue 10.8)."""

from __future__ import annotations

import datetime as dt
import errno
import json
import types
from pathlib import Path

import nbformat
import pytest

import workbench.runner.batch
import workbench.runner.pipeline
import workbench.runner.records
import workbench.runner.report
from workbench import cli
from workbench.errors import ReportError
from workbench.runner.execute import FIGURES_MIMETYPE, check_no_template
from workbench.runner.pipeline import run_job
from workbench.runner.records import check_name, output_path
from workbench.runner.report import report_stem, run_report, update_index
from workbench.runner.retention import list_date_folders, prune_reports
from workbench.runner.schedule import Job, expand_jobs, load_schedule

HERE = Path(__file__).resolve().parent / "notebooks"
PACK = HERE / "tiny_pack"
TINY = HERE / "tiny.ipynb"
DATE = "2022-10-09"
PHONE = "13912345678"


def _schedule(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- outputs stay in their folders


@pytest.mark.parametrize("name", ["../../../X", "/etc/x", "a/b", "a\\b", "..", ".hidden", "x..y", "{lang}",
                                  "a}", "", "a b", "a\0b", "S[4]"])
def test_unsafe_report_names_and_scopes_are_refused(name):
    with pytest.raises(ReportError, match="cannot name a report file"):
        report_stem(name, None)
    with pytest.raises(ReportError, match="cannot name a report file"):
        report_stem("tiny", name)


@pytest.mark.parametrize("scope", ["S01", "稀土路街道", "S01:C002", "daily_brief_en", "a.b-c"])
def test_letters_chinese_digits_and_the_documented_punctuation_are_allowed(scope):
    assert check_name(scope) == scope
    assert report_stem("tiny", scope) == f"tiny__{scope}"


def test_a_schedule_naming_a_path_is_refused_before_any_run(tmp_path):
    for entry in ("name: ../../../X", "name: /tmp/X", "scopes: ['{lang}']", "scopes: ['../up']"):
        schedule = _schedule(tmp_path, f"reports:\n  - notebook: {TINY}\n    {entry}\n")
        with pytest.raises(ReportError, match="cannot name a report file"):
            expand_jobs(load_schedule(schedule), pack=object())


def test_an_output_path_that_resolves_outside_its_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / DATE).symlink_to(outside)
    with pytest.raises(ReportError, match="outside"):
        output_path(tmp_path / "reports", DATE, "tiny.html")
    assert output_path(tmp_path / "runs", DATE, "tiny.ipynb") == tmp_path / "runs" / DATE / "tiny.ipynb"


def test_papermill_is_never_given_a_path_it_would_read_as_a_template(tmp_path):
    with pytest.raises(ReportError, match="template"):
        check_no_template(TINY, tmp_path / "runs{lang}" / DATE / "tiny.ipynb")
    check_no_template(TINY, tmp_path / "runs" / DATE / "tiny.ipynb")


def test_a_run_into_a_folder_with_braces_leaves_no_stray_notebook(tmp_path):
    result = run_report(TINY, pack=PACK, reports_dir=tmp_path / "reports", runs_dir=tmp_path / "r{lang}")
    assert not result.ok and "template" in result.error
    assert not list(tmp_path.rglob("*.ipynb"))


# ---------------------------------------------------------------- failures are always recorded


@pytest.fixture
def fake_notebook(monkeypatch):
    """``run_report`` without a kernel: the notebook 'runs', publishes a warning with a phone."""
    def execute(source, target, parameters, **limits):
        nb = nbformat.v4.new_notebook()
        payload = {"figures": {"n": 1}, "warnings": [f"bad cell '张伟 {PHONE}'"]}
        nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data={FIGURES_MIMETYPE: payload})]))
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        return nb

    monkeypatch.setattr(workbench.runner.report, "execute_notebook", execute)
    monkeypatch.setattr(workbench.runner.report, "export_html", lambda nb, title, **kw: "<html>new</html>")


def _failing_writes(monkeypatch, suffix: str) -> None:
    """Make every atomic write of a file ending in ``suffix`` fail as on a full disk."""
    real = workbench.runner.records.write_atomic

    def write(path, content):
        if str(path).endswith(suffix):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, content)

    monkeypatch.setattr(workbench.runner.records, "write_atomic", write)
    monkeypatch.setattr(workbench.runner.report, "write_atomic", write)


def test_a_page_that_cannot_be_written_is_a_failed_record_and_the_last_good_page_stays(
        tmp_path, fake_notebook, monkeypatch):
    reports = tmp_path / "reports"
    good = reports / DATE / "tiny.html"
    good.parent.mkdir(parents=True)
    good.write_text("<html>last good</html>", encoding="utf-8")
    (reports / DATE / "tiny.json").write_text(json.dumps({"report": "tiny", "date": DATE, "status": "ok"}))
    _failing_writes(monkeypatch, "tiny.html")
    result = run_report(TINY, pack=PACK, reports_dir=reports, runs_dir=tmp_path / "runs")
    assert not result.ok and "No space left on device" in result.error
    record = json.loads((reports / DATE / "tiny.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and "tiny.html: No space left on device" in record["error"]
    assert record["warnings"] == ["bad cell '[***] [***]'"]  # the record's text is masked, the name too
    assert good.read_text(encoding="utf-8") == "<html>last good</html>"
    index = (reports / "index.html").read_text(encoding="utf-8")
    # the index is in Chinese by default: "上次成功的报告页" is its "last good HTML" link
    assert 'class="badge failed"' in index and "上次成功的报告页" in index and 'class="badge ok"' not in index


def test_a_record_that_cannot_be_written_reaches_the_index_and_stderr(tmp_path, fake_notebook, monkeypatch,
                                                                       capsys):
    reports = tmp_path / "reports"
    stale = reports / DATE / "tiny.json"
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"report": "tiny", "date": DATE, "status": "ok"}), encoding="utf-8")
    _failing_writes(monkeypatch, "tiny.json")
    result = run_report(TINY, pack=PACK, reports_dir=reports, runs_dir=tmp_path / "runs")
    assert not result.ok and result.json_path is None
    assert "the record of tiny 2022-10-09 (status ok) was not written" in capsys.readouterr().err
    assert not stale.exists()  # it would still claim the earlier state
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'class="badge failed"' in index and "(no record written)" in index
    assert 'class="badge ok"' not in index


def test_a_crashed_job_of_a_batch_is_recorded_as_failed_and_reaches_the_index(tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError(f"runner bug near {PHONE}")

    monkeypatch.setattr(workbench.runner.pipeline, "execute_report", crash)
    from workbench.intake.catalog import open_pack

    reports = tmp_path / "reports"
    result = run_job(Job(TINY, {"x": 1}, "S01"), date=dt.date(2022, 10, 9), pack=open_pack(PACK),
                     reports_dir=reports, runs_dir=tmp_path / "runs")
    assert (result.stem, result.status) == ("tiny__S01", "failed")
    assert result.json_path == reports / DATE / "tiny__S01.json"
    record = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert set(record) == set(workbench.runner.records.RECORD_KEYS)
    assert (record["status"], record["scope"]) == ("failed", "S01")
    assert record["error"] == "RuntimeError: runner bug near [***]"
    update_index(reports)
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "RuntimeError: runner bug near [***]" in index and PHONE not in index


# ---------------------------------------------------------------- retention is safe


def _plant(root: Path, days: list[str]) -> None:
    for folder in ("reports", "runs"):
        for day in days:
            (root / folder / day).mkdir(parents=True, exist_ok=True)
            (root / folder / day / "r.json").write_text("{}", encoding="utf-8")


def test_a_symlink_named_like_a_date_is_no_candidate_and_its_target_is_untouched(tmp_path):
    _plant(tmp_path, ["2022-10-01", DATE])
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("x", encoding="utf-8")
    (tmp_path / "reports" / "2022-09-01").symlink_to(target)
    assert [p.name for ps in list_date_folders(tmp_path / "reports").values() for p in ps] == [
        "2022-10-01", DATE]
    deleted, skipped = prune_reports(1, tmp_path / "reports", tmp_path / "runs")
    assert sorted(p.parent.name + "/" + p.name for p in deleted) == ["reports/2022-10-01", "runs/2022-10-01"]
    assert (target / "keep.txt").is_file() and (tmp_path / "reports" / "2022-09-01").is_symlink()


def test_a_stray_future_folder_deletes_no_real_report(tmp_path):
    _plant(tmp_path, ["2022-10-07", "2022-10-08", DATE, "2099-12-31"])
    assert prune_reports(3, tmp_path / "reports", tmp_path / "runs") == ([], [])  # counted from 2022-10-09
    deleted, _ = prune_reports(2, tmp_path / "reports", tmp_path / "runs", as_of=dt.date(2022, 10, 9))
    assert sorted({p.name for p in deleted}) == ["2022-10-07"]
    kept = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert kept == ["2022-10-08", DATE, "2099-12-31"]


def test_one_folder_for_reports_and_runs_is_pruned_once(tmp_path):
    (tmp_path / "out" / "2022-10-01").mkdir(parents=True)
    (tmp_path / "out" / DATE).mkdir()
    deleted, skipped = prune_reports(1, tmp_path / "out", tmp_path / "out")
    assert [p.name for p in deleted] == ["2022-10-01"] and skipped == []


def test_prune_with_a_symlink_named_like_a_date_exits_0(tmp_path, capsys):
    _plant(tmp_path, ["2022-10-01", DATE])
    (tmp_path / "reports" / "2022-09-30").symlink_to(tmp_path / "runs")
    status = cli.main(["prune", "--keep-days", "2", "--reports", str(tmp_path / "reports"),
                       "--runs", str(tmp_path / "runs")])
    assert status == 0, capsys.readouterr().err
    assert (tmp_path / "runs" / DATE).is_dir() and not (tmp_path / "reports" / "2022-10-01").exists()


@pytest.mark.parametrize("same_folder", [False, True])
def test_a_successful_batch_with_keep_days_exits_0(tmp_path, monkeypatch, same_folder, capsys):
    def run(notebook, *, date, scope=None, name=None, reports_dir, **_):
        stem = report_stem(name or Path(notebook).stem, scope)
        path = Path(reports_dir) / date.isoformat() / f"{stem}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"report": stem, "date": date.isoformat(), "status": "ok"}))
        result = workbench.runner.report.RunResult(stem, date.isoformat(), "ok", None, 0.1, path)
        return types.SimpleNamespace(publish=lambda index: result)

    monkeypatch.setattr(workbench.runner.pipeline, "execute_report", run)
    monkeypatch.setattr(workbench.runner.batch, "ensure_kernel", lambda: "workbench")
    reports = tmp_path / "out"
    runs = reports if same_folder else tmp_path / "runs"
    for folder in {reports, runs}:
        (folder / "2022-10-01").mkdir(parents=True)
        (folder / "2099-12-31").mkdir()
    (reports / "2022-09-30").symlink_to(tmp_path)
    schedule = _schedule(tmp_path, f"reports:\n  - notebook: {TINY}\n    scopes: [district, S01]\n")
    status = cli.main(["batch", str(schedule), "--pack", str(PACK), "--keep-days", "2",
                       "--reports", str(reports), "--runs", str(runs)])
    assert status == 0, capsys.readouterr().err
    assert not (reports / "2022-10-01").exists() and (reports / DATE / "tiny__S01.json").is_file()
    assert (reports / "2099-12-31").is_dir() and (reports / "2022-09-30").is_symlink()
