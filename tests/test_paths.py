"""workbench.paths finds the folders of a checkout, a wheel and a working folder; init makes one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import __version__, paths
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.runner.working_folder import lay_out_working_folder

ROOT = Path(__file__).resolve().parents[1]


def _wheel_like(tmp_path: Path) -> Path:
    """A fake site-packages/workbench with its _resources folder, as a wheel installs it."""
    package = tmp_path / "site-packages" / "workbench"
    for folder in ("notebooks", "parameters", "data/sample"):
        (package / "_resources" / folder).mkdir(parents=True)
    (package / "_resources" / "notebooks" / "a.ipynb").write_text("{}", encoding="utf-8")
    (package / "_resources" / "parameters" / "daily.yaml").write_text("reports: []\n", encoding="utf-8")
    return package


def test_the_checkout_uses_its_own_folders(tmp_path):
    layout = paths.find_layout(cwd=tmp_path, environ={})
    assert (layout.kind, layout.root, layout.shipped) == ("checkout", ROOT, ROOT)
    assert (layout.notebooks, layout.parameters) == (ROOT / "notebooks", ROOT / "parameters")
    assert (layout.sample_pack, layout.reports) == (ROOT / "data" / "sample", ROOT / "reports")


def test_the_module_constants_keep_their_names():
    assert paths.PROJECT_ROOT == ROOT and paths.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert paths.PARAMETERS_DIR == ROOT / "parameters" and paths.SAMPLE_PACK_DIR == ROOT / "data" / "sample"
    assert paths.REPORTS_DIR == ROOT / "reports"


def test_an_installed_wheel_uses_its_package_data_and_reports_here(tmp_path):
    package = _wheel_like(tmp_path)
    here = tmp_path / "somewhere"
    here.mkdir()
    layout = paths.find_layout(cwd=here, environ={}, package_dir=package)
    assert (layout.kind, layout.root) == ("installed", package / "_resources")
    assert layout.notebooks == package / "_resources" / "notebooks"
    assert layout.sample_pack == package / "_resources" / "data" / "sample"
    assert layout.reports == here / "reports"  # never inside site-packages


def test_a_working_folder_is_found_from_below_it_or_from_the_environment(tmp_path):
    package = _wheel_like(tmp_path)
    site = tmp_path / "site"
    (site / "notebooks").mkdir(parents=True)
    (site / paths.MARKER_FILE).write_text("workbench: 0\n", encoding="utf-8")
    for cwd in (site, site / "notebooks"):
        layout = paths.find_layout(cwd=cwd, environ={}, package_dir=package)
        assert (layout.kind, layout.root, layout.reports) == ("working folder", site, site / "reports")
        assert layout.parameters == site / "parameters"
        assert layout.sample_pack == package / "_resources" / "data" / "sample"  # data: the shipped pack
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    layout = paths.find_layout(cwd=elsewhere, environ={paths.HOME_ENV: str(site)}, package_dir=package)
    assert (layout.kind, layout.root) == ("working folder", site)
    blank = paths.find_layout(cwd=elsewhere, environ={paths.HOME_ENV: " "}, package_dir=package)
    assert blank.kind == "installed"


def test_init_lays_out_a_working_folder(tmp_path, capsys):
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [str(site / name) for name in ("notebooks", "parameters", "reports", "README.md",
                                                        paths.MARKER_FILE)]
    assert out[5].startswith(f"next: cd {site} && workbench batch parameters/daily.yaml")
    shipped_notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (site / "notebooks").iterdir()) == shipped_notebooks
    daily = "parameters/daily.yaml"
    assert (site / daily).read_bytes() == (ROOT / daily).read_bytes()
    shipped_parameters = sorted(p.name for p in (ROOT / "parameters").glob("*.yaml"))
    assert sorted(p.name for p in (site / "parameters").iterdir()) == shipped_parameters
    assert {"daily.yaml", "alerts.yaml", "price_alerts.yaml"} <= set(shipped_parameters)
    assert list((site / "reports").iterdir()) == []
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert f"situation-workbench {__version__}" in readme
    assert "workbench batch parameters/daily.yaml" in readme
    assert f"workbench: {__version__}" in (site / paths.MARKER_FILE).read_text(encoding="utf-8")


def test_init_accepts_an_empty_folder_and_refuses_anything_else(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert lay_out_working_folder(empty, version=__version__)[0] == empty / "notebooks"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    for target in ("full", "file"):
        assert main(["init", str(tmp_path / target)]) == 2
        err = capsys.readouterr().err
        assert err.strip() == (f"workbench init: error: {tmp_path / target} already exists and is not "
                               "an empty folder; give a new folder")
    assert (tmp_path / "full" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["notes.txt"]


def test_init_says_when_nothing_is_shipped(tmp_path):
    package = tmp_path / "site-packages" / "workbench"
    package.mkdir(parents=True)
    with pytest.raises(WorkbenchError, match="no notebooks or parameters shipped in"):
        lay_out_working_folder(tmp_path / "site", version="0",
                               shipped=paths.shipped_layout(package))
    assert not (tmp_path / "site").exists()


def test_a_process_started_in_a_working_folder_uses_it(tmp_path):
    site = tmp_path / "site"
    lay_out_working_folder(site, version=__version__)
    probe = ("import json, workbench.paths as p; print(json.dumps([p.LAYOUT.kind, str(p.NOTEBOOKS_DIR), "
             "str(p.PARAMETERS_DIR), str(p.REPORTS_DIR), str(p.SAMPLE_PACK_DIR)]))")
    env = {key: value for key, value in os.environ.items() if key != paths.HOME_ENV}
    env["PYTHONPATH"] = str(ROOT)
    for cwd in (site, site / "notebooks"):
        done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=60, check=True)
        expected = ["working folder", site / "notebooks", site / "parameters", site / "reports",
                    ROOT / "data" / "sample"]
        assert json.loads(done.stdout) == [str(value) for value in expected]
