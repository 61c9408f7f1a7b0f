"""Fixed costs of a report (issue 15 point 3): what a report's import cell loads, and its kernel.

Each report runs in its own kernel, so every package its first cell imports is paid once per
report (``bench/imports.py`` measures it; ``bench/batch.py`` prints the split of a batch). These
tests pin what was cut: DuckDB only where person-level data are read, folium only where a map is
drawn, ipywidgets only in the explorer, and no debugger in an unattended kernel.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WATCHED = ("duckdb", "folium", "ipywidgets", "debugpy")
#: Per report: the watched packages its import cell must load, and those it must not.
EXPECTED = {
    "testing_coverage": ({"duckdb"}, {"ipywidgets"}),  # folium: on first use of ``maps.coverage_map``
    "daily_brief": ({"duckdb"}, {"folium", "ipywidgets"}),
    "projects": (set(), {"duckdb", "folium", "ipywidgets"}),
    "checkpoints": ({"folium"}, {"duckdb", "ipywidgets"}),
    "inspections": ({"folium"}, {"duckdb", "ipywidgets"}),
    "enterprise_output": ({"folium"}, {"duckdb", "ipywidgets"}),
    "supply_prices": ({"folium"}, {"duckdb", "ipywidgets"}),
    "field_checks": ({"folium"}, {"duckdb", "ipywidgets"}),
    "explore": ({"ipywidgets"}, set()),
}


def import_cell(notebook: str) -> str:
    """The first code cell of ``notebook`` that holds only imports."""
    for cell in nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells:
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
        if cell.cell_type == "code" and lines and all(ln.startswith(("import ", "from ")) for ln in lines):
            return cell.source
    raise AssertionError(f"{notebook} has no cell of imports")


def loaded_by(code: str) -> set[str]:
    """The watched packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = (f"import sys, json\nexec({code!r})\n"
              f"print(json.dumps([p for p in {WATCHED!r} if sys.modules.get(p) is not None]))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_every_notebook_is_watched():
    assert set(EXPECTED) == {path.stem for path in NOTEBOOKS.glob("*.ipynb")}


@pytest.mark.parametrize("notebook", sorted(EXPECTED))
def test_a_report_loads_what_it_uses(notebook):
    needed, unneeded = EXPECTED[notebook]
    loaded = loaded_by(import_cell(notebook))
    assert needed <= loaded, f"{notebook} no longer loads {needed - loaded}: is the test out of date?"
    assert not unneeded & loaded, f"{notebook}'s import cell loads {unneeded & loaded}, which it does not use"


def test_maps_names_are_loaded_on_first_use():
    import workbench.present.maps as maps
    from workbench.present.maps import base, coverage, field_checks

    assert maps.MapOptions is base.MapOptions and maps.embed is base.embed
    assert maps.coverage_map is coverage.coverage_map and maps.waste_map is field_checks.waste_map
    assert set(maps.__all__) <= set(dir(maps))
    with pytest.raises(AttributeError, match="no_such_map"):
        maps.no_such_map  # noqa: B018


def test_maps_lazy_table_agrees_with_its_type_checking_imports():
    """``_HOMES`` (what Python follows) and the TYPE_CHECKING imports (what readers see) say the same."""
    import workbench.present.maps as maps

    tree = ast.parse(Path(maps.__file__).read_text(encoding="utf-8"))
    declared = {alias.name: node.module.rpartition(".")[2] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("workbench.present.maps.") for alias in node.names}
    assert declared == maps._MODULE_OF
    assert sorted(declared) == sorted(maps.__all__)


def test_an_unattended_kernel_class_has_no_debugger():
    script = ("import sys\nimport workbench.runner.kernel as k\nfrom ipykernel import debugger\n"
              "print(debugger._is_debugpy_available, issubclass(k.UnattendedKernel, "
              "__import__('ipykernel.ipkernel').ipkernel.IPythonKernel))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    assert done.stdout.split() == ["False", "True"]


def test_the_runner_starts_its_kernels_with_that_class():
    from workbench.runner.execute import KERNEL_ARGUMENTS

    assert "--IPKernelApp.kernel_class=workbench.runner.kernel.UnattendedKernel" in KERNEL_ARGUMENTS


@pytest.mark.slow
def test_a_report_kernel_runs_without_the_debugger(tmp_path):
    from workbench.runner.execute import execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import sys\nprint(type(get_ipython().kernel).__name__, "
                                          "sys.modules.get('debugpy') is None)")]
    nb.metadata["kernelspec"] = {"name": "workbench", "display_name": "workbench", "language": "python"}
    source = tmp_path / "probe.ipynb"
    nbformat.write(nb, source)
    done = execute_notebook(source, tmp_path / "out" / "probe.ipynb", {"x": 2}, timeout=120)
    printed = "".join(o.get("text", "") for c in done.cells for o in c.get("outputs", []))
    assert printed.split() == ["UnattendedKernel", "True"]
