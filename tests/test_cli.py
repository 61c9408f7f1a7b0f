"""The command line: arguments reach the package, errors come out clean, exit codes hold."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import workbench.runner.batch
import workbench.runner.report
from workbench.cli import main
from workbench.errors import Problem
from workbench.runner.report import RunResult

HERE = Path(__file__).resolve().parent / "notebooks"
TINY, PACK = HERE / "tiny.ipynb", HERE / "tiny_pack"
DAILY = str(Path(__file__).resolve().parents[1] / "parameters" / "daily.yaml")


def _clean_error(capsys, code: int, *argv: str) -> str:
    assert main(list(argv)) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_unknown_notebook_is_a_clean_error(capsys, tmp_path):
    err = _clean_error(capsys, 2, "run", "no_such_report", "--pack", str(PACK), "--reports", str(tmp_path))
    assert "no notebook 'no_such_report'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "index.html").exists()


@pytest.mark.parametrize("argv", [
    ["run", str(TINY), "--pack", str(PACK), "--date", "2022-13-40"],
    ["run", str(TINY), "--pack", str(PACK), "-p", "coverage_target", "high"],
    ["run", str(TINY), "--pack", str(PACK), "--params", "no_such_file.yaml"],
    ["run", str(TINY), "--pack", "no_such_pack"],
    ["batch", "no_such_schedule.yaml", "--pack", str(PACK)],
    ["batch", DAILY, "--jobs", "0"],
    ["batch", DAILY, "--keep-days", "0"],
    ["batch", DAILY, "--timeout", "0"],
    ["run", str(TINY), "--timeout", "soon"],
    ["prune", "--keep-days", "-1"],
])
def test_bad_input_exits_2_without_a_traceback(capsys, argv):
    assert "error" in _clean_error(capsys, 2, *argv)


def test_usage_error_and_help_return_codes(capsys):
    assert main(["run"]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


@pytest.fixture
def recorded_run(monkeypatch):
    """Replace run_report by a recorder returning an ok result."""
    calls = []

    def fake_run_report(notebook, **kwargs):
        calls.append((notebook, kwargs))
        return RunResult("tiny", "2022-10-09", "ok", None, 0.1)

    monkeypatch.setattr(workbench.runner.report, "run_report", fake_run_report)
    return calls


def test_run_types_p_values_like_the_notebook_defaults(recorded_run, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("coverage_target: 0.5\nlang: en\n", encoding="utf-8")
    argv = ["run", str(TINY), "--params", str(params), "-p", "code", "007", "-p", "coverage_target", "0.9",
            "-p", "undeclared", "x", "--scope", "S01", "--date", "2022-10-08"]
    assert main(argv) == 0
    notebook, kwargs = recorded_run[0]
    assert kwargs["parameters"] == {"coverage_target": 0.9, "lang": "en", "code": "007", "undeclared": "x"}
    assert (kwargs["scope"], kwargs["date"]) == ("S01", "2022-10-08")


def test_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(workbench.runner.report, "run_report", interrupted)
    assert _clean_error(capsys, 130, "run", str(TINY)).strip() == "workbench run: interrupted"


def test_batch_exits_1_when_a_report_failed_and_prints_the_index(monkeypatch, capsys, tmp_path):
    results = [RunResult("a", "2022-10-09", "ok", None, 1.0),
               RunResult("b", "2022-10-09", "failed", "boom", 1.0)]
    monkeypatch.setattr(workbench.runner.batch, "run_batch", lambda *args, **kwargs: results)
    assert main(["batch", DAILY, "--reports", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["1 ok, 1 failed b", str(tmp_path / "index.html")]


def test_batch_passes_timeout_and_keep_days(monkeypatch, capsys, tmp_path):
    seen = {}
    monkeypatch.setattr(workbench.runner.batch, "run_batch",
                        lambda *args, **kwargs: seen.update(kwargs) or [])
    assert main(["batch", DAILY, "--jobs", "2", "--timeout", "60", "--keep-days", "30"]) == 0
    assert (seen["jobs"], seen["timeout"], seen["keep_days"]) == (2, 60.0, 30)
    assert main(["batch", DAILY]) == 0
    assert "timeout" not in seen or seen.clear() is None  # reset: the next call starts empty
    assert main(["batch", DAILY]) == 0 and "timeout" not in seen and seen["keep_days"] is None
    capsys.readouterr()


def test_a_second_batch_for_the_date_exits_3_and_touches_nothing(capsys, tmp_path, lock_holder):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"reports: [{{notebook: {TINY}}}]\n", encoding="utf-8")
    reports, runs = tmp_path / "reports", tmp_path / "runs"
    err = _clean_error(capsys, 3, "batch", str(schedule), "--pack", str(PACK), "--reports", str(reports),
                       "--runs", str(runs))
    assert err.startswith(f"workbench batch: another batch for 2022-10-09 is running (pid {lock_holder.pid} ")
    assert len(err.strip().splitlines()) == 1
    assert [p.name for p in reports.rglob("*")] == ["2022-10-09", ".batch.lock"] and not runs.exists()


def test_prune_keeps_n_days_and_rewrites_the_index(capsys, tmp_path):
    for day in ("2022-10-07", "2022-10-08", "2022-10-09"):
        for folder in ("reports", "runs"):
            (tmp_path / folder / day).mkdir(parents=True)
    reports, runs = str(tmp_path / "reports"), str(tmp_path / "runs")
    assert main(["prune", "--keep-days", "2", "--reports", reports, "--runs", runs]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"pruned {reports}/2022-10-07", f"pruned {runs}/2022-10-07", f"{reports}/index.html"]
    kept = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert kept == ["2022-10-08", "2022-10-09", "index.html"]


@pytest.mark.slow
def test_sigterm_lets_the_running_report_finish_and_starts_no_other(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"reports: [{{notebook: {HERE / 'slow_cells.ipynb'}, parameters: {{seconds: 1}}}}, "
                        f"{{notebook: {TINY}}}]\n", encoding="utf-8")
    reports = tmp_path / "reports"
    argv = [sys.executable, "-m", "workbench.cli", "batch", str(schedule), "--pack", str(PACK),
            "--reports", str(reports), "--runs", str(tmp_path / "runs")]
    batch = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert batch.stderr.readline().endswith("2 report(s), 1 at a time\n")
    day = reports / "2022-10-09"
    for _ in range(300):  # until the first report runs (its runs/D folder is made as it starts)
        if (tmp_path / "runs" / "2022-10-09").is_dir():
            break
        time.sleep(0.1)
    batch.send_signal(signal.SIGTERM)
    out, err = batch.communicate(timeout=60)
    assert batch.returncode == 130 and err.strip().endswith("workbench batch: interrupted"), err
    assert json.loads((day / "slow_cells.json").read_text(encoding="utf-8"))["status"] == "ok"
    assert not (day / "tiny.json").exists() and not (day / ".batch.lock").exists()
    assert (reports / "index.html").is_file() and "Traceback" not in err


@pytest.mark.parametrize(("severity", "code"), [("error", 1), ("warning", 0)])
def test_validate_exits_1_only_on_errors(monkeypatch, capsys, tmp_path, severity, code):
    problems = [Problem("rounds", "rounds.csv", 2, "start", "a timestamp", "yesterday", severity)]
    loading = types.ModuleType("workbench.intake.loading")
    loading.validate_pack = lambda pack: problems
    loading.format_problems = lambda found: "\n".join(str(p) for p in found)
    monkeypatch.setitem(sys.modules, "workbench.intake.loading", loading)
    assert main(["validate", "--pack", str(PACK), "--reports", str(tmp_path)]) == code
    assert "rounds.csv, row 2, column start" in capsys.readouterr().out
