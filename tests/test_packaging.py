"""Packaging: environment.yml (conda) and pyproject.toml (pip) agree; the distribution's name and data.

tests/test_wheel.py (slow) builds and installs the wheel; these check the configuration fast.
"""

import ast
import glob
import re
import tomllib
from pathlib import Path

import yaml

import workbench

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"python-duckdb": "duckdb",  # conda-forge spells a few packages differently
               "dask": "dask[dataframe,distributed]"}  # its `dask` has dataframe and distributed


def _split(spec: str) -> tuple[str, str]:
    name, constraint = re.match(r"^\s*([A-Za-z0-9_.\-\[\],]+)\s*(.*)$", spec).groups()
    return name.lower().replace("_", "-"), constraint.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    specs = project["dependencies"] + extras["test"] + extras["dev"] + extras["dask"]
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    specs = [d for d in deps if isinstance(d, str)]
    specs += [p for d in deps if isinstance(d, dict) for p in d["pip"] if not p.startswith("-e")]
    pairs = (_split(s) for s in specs)
    return {CONDA_NAMES.get(n, n): c for n, c in pairs if n not in ("python", "pip")}


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()


def _setup_resources() -> dict[str, str]:
    """The ``RESOURCES`` mapping of setup.py (read, not run: running it would build)."""
    tree = ast.parse((ROOT / "setup.py").read_text("utf-8"))
    assigned = next(node for node in tree.body
                    if isinstance(node, ast.Assign) and node.targets[0].id == "RESOURCES")
    return ast.literal_eval(assigned.value)


def test_the_distribution_has_its_own_name_and_the_package_version():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "situation-workbench"  # `workbench` on PyPI is another project
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "workbench.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", workbench.__version__)
    assert pyproject["project"]["scripts"] == {"workbench": "workbench.cli:main"}


def test_the_shipped_folders_are_mapped_from_the_checkout_and_given_package_data():
    resources = _setup_resources()
    assert resources == {"workbench._resources.notebooks": "notebooks",
                         "workbench._resources.parameters": "parameters",
                         "workbench._resources.data.sample": "data/sample"}
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, folder in resources.items():  # setuptools globs each pattern in the package's folder
        shipped = {Path(p) for pattern in package_data[package]
                   for p in glob.glob(str(ROOT / folder / pattern), recursive=True)}
        files = {path for path in (ROOT / folder).rglob("*") if path.is_file()
                 and not {"__pycache__", ".ipynb_checkpoints"} & set(path.parts)}
        assert files and files <= shipped, sorted(files - shipped)
