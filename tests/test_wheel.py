"""The wheel installs like a product: built, installed in a fresh venv, ``init`` and a batch there.

The done-when of issue 14: from a wheel in a fresh venv, ``workbench init site && cd site &&
workbench batch parameters/daily.yaml`` produces the same figures as the checkout (the session's
``sample_batch``). Slow: it builds the wheel and installs every dependency into a new venv (from
the package index, or pip's cache after a first run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workbench import __version__
from workbench.runner.index_page import DATA_QUALITY_RECORD

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "situation_workbench"
SHIPPED = {"notebooks": "workbench/_resources/notebooks", "parameters": "workbench/_resources/parameters",
           "data/sample": "workbench/_resources/data/sample"}
#: The parts of a run's JSON record that must not depend on where the workbench is installed.
COMPARED = ("report", "date", "scope", "status", "figures", "warnings", "error")

pytestmark = pytest.mark.slow


def tracked_files() -> list[str]:
    """The checkout's files a build sees: tracked (as in the working tree) and new, not ignored."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("building the wheel from the checkout needs git")
    command = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(command, cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    return sorted(path for path in listed if path and (ROOT / path).is_file())


def clean_environment(venv: Path) -> dict:
    """This environment without anything pointing at the checkout or a working folder; venv first on PATH."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "WORKBENCH_HOME", "WORKBENCH_PACK", "JUPYTER_PATH")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(argv: list, cwd: Path, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout's files (the checkout gets no build/ folder)."""
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"
    for path in tracked_files():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, source / path)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out / "dist", source], out,
        dict(os.environ))
    built = sorted((out / "dist").glob(f"{DISTRIBUTION}-{__version__}-py3-none-any.whl"))
    assert len(built) == 1, list((out / "dist").iterdir())
    return built[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (and its dependencies, nothing of the checkout)."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", folder], folder.parent, clean_environment(folder))
    run([folder / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], folder.parent,
        clean_environment(folder), timeout=1800)
    return folder


def test_the_wheel_ships_the_notebooks_parameters_sample_pack_templates_and_labels(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    files = tracked_files()
    for folder, inside in SHIPPED.items():
        expected = {f"{inside}/{path[len(folder) + 1:]}" for path in files if path.startswith(f"{folder}/")}
        assert expected and expected <= names, sorted(expected - names)
    packaged = [path for path in files if path.startswith("workbench/") and not path.endswith(".py")]
    assert packaged and set(packaged) <= names, sorted(set(packaged) - names)  # templates, labels, boundaries
    assert {path for path in files if path.startswith("workbench/") and path.endswith(".py")} <= names
    metadata = zipfile.ZipFile(wheel).read(f"{DISTRIBUTION}-{__version__}.dist-info/METADATA").decode()
    assert "Name: situation-workbench" in metadata.splitlines()


def test_the_installed_command_knows_its_version_and_its_data(venv, tmp_path):
    env = clean_environment(venv)
    for command in ([venv / "bin" / "workbench"], [venv / "bin" / "python", "-m", "workbench"]):
        assert run([*command, "--version"], tmp_path, env).stdout == f"workbench {__version__}\n"
    probe = "import workbench.paths as p; print(p.LAYOUT.kind, p.SAMPLE_PACK_DIR)"
    where = run([venv / "bin" / "python", "-c", probe], tmp_path, env).stdout.split()
    assert where[0] == "installed" and Path(where[1]).is_relative_to(venv)
    validated = subprocess.run([venv / "bin" / "workbench", "validate"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=300)
    assert validated.returncode == 0 and "Traceback" not in validated.stderr, validated.stderr


def test_init_and_the_daily_batch_from_the_wheel_match_the_checkout(venv, tmp_path, sample_batch):
    env = clean_environment(venv)
    run([venv / "bin" / "workbench", "init", "site"], tmp_path, env)
    site = tmp_path / "site"
    batch = run([venv / "bin" / "workbench", "batch", "parameters/daily.yaml", "--jobs", "2"], site, env,
                timeout=1800)
    assert "workbench: first run: registered the Jupyter kernel 'workbench'" in batch.stderr
    assert batch.stdout.splitlines()[-1] == "reports/index.html"
    assert (site / "reports" / "index.html").is_file()

    checkout_reports, _, results = sample_batch
    assert results and all(result.ok for result in results)
    day = results[0].date
    def run_records(folder):  # the data-quality record beside them is no run
        return sorted(path.name for path in folder.glob("*.json") if path.name != DATA_QUALITY_RECORD)

    theirs, ours = run_records(checkout_reports / day), run_records(site / "reports" / day)
    assert (site / "reports" / day / DATA_QUALITY_RECORD).is_file()
    assert ours == theirs and len(ours) == len(results)
    for name in ours:
        mine = json.loads((site / "reports" / day / name).read_text(encoding="utf-8"))
        checkout = json.loads((checkout_reports / day / name).read_text(encoding="utf-8"))
        assert {key: mine[key] for key in COMPARED} == {key: checkout[key] for key in COMPARED}, name
        assert mine["pack"]["fingerprint"] == checkout["pack"]["fingerprint"], name  # the same sample pack
        assert Path(mine["pack"]["path"]).is_relative_to(venv)
        assert {k: v for k, v in mine["parameters"].items() if k not in ("pack", "reports_dir")} \
            == {k: v for k, v in checkout["parameters"].items() if k not in ("pack", "reports_dir")}, name
        executed = json.loads((site / "reports" / mine["notebook"]).read_text(encoding="utf-8"))
        source = Path(executed["metadata"]["papermill"]["input_path"])
        assert source.parent == site / "notebooks", source  # the working folder's notebook ran
