"""Every module or function a notebook's text or a document names by its dotted path exists.

A newcomer follows ``workbench.domains.inspections`` from a notebook's introduction to the code;
a name left behind by a move sends them nowhere.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOTTED = re.compile(r"`(workbench(?:\.[A-Za-z_]+)+)`")
#: Dotted names that are files, not code.
NOT_CODE = {"workbench.yaml"}


def _texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        texts.append((path.name, "".join(markdown)))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        texts.append((path.name, path.read_text("utf-8")))
    return texts


def resolves(name: str) -> bool:
    """Whether ``name`` is a module, or an attribute of the longest module it starts with."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


@pytest.mark.parametrize(("source", "text"), _texts(), ids=[name for name, _ in _texts()])
def test_dotted_names_resolve(source, text):
    missing = sorted({name for name in DOTTED.findall(text) if name not in NOT_CODE and not resolves(name)})
    assert not missing, f"{source} names code that does not exist: {', '.join(missing)}"


def test_a_moved_name_is_found():
    assert resolves("workbench.domains.inspections") and not resolves("workbench.inspections")
    assert resolves("workbench.domains.common.follow_up_status")
