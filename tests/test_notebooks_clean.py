"""Every committed notebook is clean: no outputs, no execution counts.

What is checked is the version git holds in its index (what a commit records): with the
nbstripout filter that ``make install`` sets up, a notebook run and saved in JupyterLab keeps
its outputs in the working tree, and git stores it stripped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "tests/notebooks")


def dirt(notebook: dict) -> list[str]:
    """What makes a notebook unclean: one line per cell with outputs or an execution count."""
    found = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("outputs"):
            found.append(f"cell {number}: {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {number}: execution count {cell['execution_count']}")
    return found


def committed_notebooks() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z", "--", *FOLDERS], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    return sorted(path for path in listed if path.endswith(".ipynb"))


def test_the_check_sees_outputs_and_execution_counts():
    clean = {"cells": [{"cell_type": "markdown", "source": "x"},
                       {"cell_type": "code", "execution_count": None, "outputs": [], "source": "1"}]}
    dirty = {"cells": [{"cell_type": "code", "execution_count": 3, "source": "1",
                        "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}]},
                       {"cell_type": "code", "execution_count": 4, "outputs": [], "source": "2"}]}
    assert dirt(clean) == []
    assert dirt(dirty) == ["cell 1: 1 output(s)", "cell 1: execution count 3", "cell 2: execution count 4"]


def test_every_committed_notebook_has_no_outputs_and_no_execution_counts():
    notebooks = committed_notebooks()
    assert "notebooks/testing_coverage.ipynb" in notebooks and "tests/notebooks/tiny.ipynb" in notebooks
    unclean = {}
    for path in notebooks:
        staged = subprocess.run(["git", "show", f":{path}"], cwd=ROOT, capture_output=True, check=True).stdout
        if found := dirt(json.loads(staged)):
            unclean[path] = found
    assert unclean == {}, f"strip them (make install sets nbstripout up as a git filter): {unclean}"


def test_the_filter_make_install_sets_up_strips_a_saved_notebook(tmp_path):
    pytest.importorskip("nbstripout", reason="nbstripout is in the dev extra (make install)")
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("needs make and git")
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", repo / "Makefile")
    shutil.copy(ROOT / "tests" / "notebooks" / "tiny.ipynb", repo / "notebooks" / "tiny.ipynb")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clean notebook"]):
        subprocess.run(git + command, cwd=repo, check=True, capture_output=True)
    bin_dir = Path(sys.executable).parent
    made = subprocess.run(["make", "--no-print-directory", "notebook-filter", f"BIN={bin_dir}"], cwd=repo,
                          capture_output=True, text=True, check=True)
    assert made.stdout.startswith("git stores notebooks without outputs")
    status = ["git", "status", "--porcelain"]
    assert subprocess.run(status, cwd=repo, capture_output=True, text=True, check=True).stdout == ""

    saved = repo / "notebooks" / "tiny.ipynb"
    notebook = json.loads(saved.read_text(encoding="utf-8"))
    code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    code["execution_count"] = 7
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "from JupyterLab\n"}]
    saved.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    subprocess.run(["git", "add", "notebooks/tiny.ipynb"], cwd=repo, check=True)
    staged = subprocess.run(["git", "show", ":notebooks/tiny.ipynb"], cwd=repo, capture_output=True,
                            check=True).stdout
    assert dirt(json.loads(staged)) == [] and dirt(json.loads(saved.read_text(encoding="utf-8"))) != []
    assert staged == (ROOT / "tests" / "notebooks" / "tiny.ipynb").read_bytes()  # ids and all else kept
    assert subprocess.run(status, cwd=repo, capture_output=True, text=True, check=True).stdout == ""
