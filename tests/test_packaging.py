"""environment.yml (conda) and pyproject.toml (pip) list the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"python-duckdb": "duckdb"}  # conda-forge spells a few packages differently


def _split(spec: str) -> tuple[str, str]:
    name, constraint = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", spec).groups()
    return name.lower().replace("_", "-"), constraint.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    specs = [d for d in deps if isinstance(d, str)]
    specs += [p for d in deps if isinstance(d, dict) for p in d["pip"] if not p.startswith("-e")]
    pairs = (_split(s) for s in specs)
    return {CONDA_NAMES.get(n, n): c for n, c in pairs if n not in ("python", "pip")}


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()
