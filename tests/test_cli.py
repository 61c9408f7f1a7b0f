"""The command line: arguments reach the package, errors come out clean, exit codes hold."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import workbench.cli
import workbench.runner.batch
import workbench.runner.execute
import workbench.runner.report
from workbench import __version__
from workbench.cli import main, progress_line
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
    monkeypatch.setattr(workbench.runner.execute, "ensure_kernel", lambda: "workbench")
    return calls


def test_run_types_p_values_like_the_notebook_defaults(recorded_run, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("coverage_target: 0.5\nlang: en\n", encoding="utf-8")
    argv = ["run", str(TINY), "--params", str(params), "-p", "code", "007", "-p", "coverage_target", "0.9",
            "--scope", "S01", "--date", "2022-10-08"]
    assert main(argv) == 0
    notebook, kwargs = recorded_run[0]
    assert kwargs["parameters"] == {"coverage_target": 0.9, "lang": "en", "code": "007"}
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
    seen.clear()  # the next call starts empty: what it passes is all that is left
    assert main(["batch", DAILY]) == 0
    assert "timeout" not in seen and seen["keep_days"] is None
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
    schedule.write_text(f"reports: [{{notebook: {HERE / 'slow_cells.ipynb'}, parameters: {{seconds: 4}}}}, "
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


def test_an_undeclared_p_name_exits_2_listing_the_notebook_parameters(recorded_run, capsys):
    err = _clean_error(capsys, 2, "run", str(TINY), "-p", "coverage_targt", "0.9", "-p", "lang", "en")
    assert err.strip() == ("workbench run: error: tiny declares no parameter 'coverage_targt' (did you mean "
                           "'coverage_target'?); -p can set: coverage_target (default 0.95), "
                           'code (default "001"), lang (default "zh")')
    assert recorded_run == []  # nothing ran


def test_several_undeclared_p_names_are_all_named(recorded_run, capsys):
    err = _clean_error(capsys, 2, "run", str(TINY), "-p", "zzz", "1", "-p", "qqq", "2", "-p", "zzz", "3")
    assert "declares no parameter 'zzz', 'qqq';" in err and recorded_run == []


def test_version_and_python_dash_m(capsys):
    assert main(["--version"]) == 0 and capsys.readouterr().out == f"workbench {__version__}\n"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"workbench {__version__}\n", "")
    done = subprocess.run([sys.executable, "-m", "workbench", "run"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("usage: workbench run")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_ticks_on_a_terminal_and_is_erased():
    stream = _Terminal()
    with progress_line("tiny", stream, interval=0.05):
        time.sleep(0.2)
    text = stream.getvalue()
    assert text.startswith("\rtiny: running 0 s") and text.endswith("\r\033[K")
    assert text.count("\rtiny: running ") >= 3  # at 0, 0.05, 0.10, 0.15 s


def test_progress_line_writes_nothing_off_a_terminal():
    stream = io.StringIO()
    with progress_line("tiny", stream, interval=0.01):
        time.sleep(0.05)
    assert stream.getvalue() == ""


def test_run_off_a_terminal_prints_no_progress(recorded_run, capsys):
    assert main(["run", str(TINY)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == "tiny ok 0.1s\n"


def test_run_on_a_terminal_shows_the_progress_line(monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(workbench.cli, "PROGRESS_INTERVAL", 0.05)

    def slow_run_report(notebook, **kwargs):
        time.sleep(0.12)
        return RunResult("tiny", "2022-10-09", "ok", None, 0.12)

    monkeypatch.setattr(workbench.runner.report, "run_report", slow_run_report)
    monkeypatch.setattr(workbench.runner.execute, "ensure_kernel", lambda: "workbench")
    assert main(["run", str(TINY)]) == 0
    assert terminal.getvalue().startswith("\rtiny: running 0 s") and terminal.getvalue().endswith("\033[K")
    assert capsys.readouterr().out == "tiny ok 0.1s\n"


@pytest.fixture
def kernel_specs(monkeypatch):
    """Pretend the kernelspecs found are ``specs``; record the installs instead of making them."""
    from ipykernel import kernelspec
    from jupyter_client.kernelspec import KernelSpecManager

    specs, installed = {}, []
    monkeypatch.setattr(KernelSpecManager, "find_kernel_specs", lambda self: dict(specs))

    def install(kernel_name, display_name, prefix):
        installed.append((kernel_name, display_name, prefix))
        return f"{prefix}/share/jupyter/kernels/{kernel_name}"

    monkeypatch.setattr(kernelspec, "install", install)
    return specs, installed


def test_registering_the_kernel_says_so_once_on_stderr(kernel_specs, capsys):
    specs, installed = kernel_specs
    assert workbench.runner.execute.ensure_kernel() == "workbench"
    assert installed == [("workbench", "Python (workbench)", sys.prefix)]
    err = capsys.readouterr().err
    assert err == (f"workbench: first run: registered the Jupyter kernel 'workbench' for {sys.executable} "
                   f"in {sys.prefix}/share/jupyter/kernels/workbench "
                   "(remove: jupyter kernelspec remove workbench)\n")
    specs["workbench"] = "somewhere"
    assert workbench.runner.execute.ensure_kernel() == "workbench"
    assert len(installed) == 1 and capsys.readouterr().err == ""
