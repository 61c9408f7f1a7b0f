"""The package's folders are the pipeline's stages, and imports run one way through them.

intake → domains → brief → present → runner → cli: a module may import its own stage and
the stages before it, never one after it. ``errors`` and ``paths`` are the ground every stage
stands on; ``sample`` (the synthetic pack generator) stands apart and imports nothing of the
workbench but itself, so that it stays an independent oracle of the figures. No two modules
import each other, directly or through others. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
#: Stage of each top-level part of the package; a module may import stages ≤ its own.
STAGES = {"errors": 0, "paths": 0, "privacy": 0,
          "intake": 1, "domains": 2, "brief": 3, "present": 4, "runner": 5,
          "cli": 6, "__main__": 6, "": 6}
APART = "sample"
#: Modules that must stay light: no pandera, geopandas, pyproj or folium among their imports.
LIGHT = ("workbench.intake.vocabulary",)
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """Workbench modules that ``name`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m == "workbench" or m.startswith("workbench.")}


GRAPH = {name: imported_modules(name, path) - {name} for name, path in MODULES.items()}


def part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def arrows_against_the_order(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in graph.items():
        for target in sorted(targets):
            a, b = part(source), part(target)
            if a == APART or b == APART:
                if a != b and not (b == APART and STAGES.get(a, 0) >= STAGES["cli"]):
                    wrong.append(f"{source} -> {target}")
            elif STAGES[b] > STAGES[a]:
                wrong.append(f"{source} -> {target} (stage {b} after {a})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_stage():
    assert {part(m) for m in MODULES} <= set(STAGES) | {APART}


def test_imports_run_one_way_through_the_stages():
    assert arrows_against_the_order(GRAPH) == []


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    fine = {"workbench.domains.coverage": {"workbench.intake.geo", "workbench.errors"},
            "workbench.present.display": {"workbench.domains.coverage"},
            "workbench.cli": {"workbench.sample", "workbench.runner.report"}}
    assert arrows_against_the_order(fine) == []
    upward = {**fine, "workbench.domains.coverage": {"workbench.present.display"},
              "workbench.sample.pack": {"workbench.intake.catalog"}}
    assert arrows_against_the_order(upward) == [
        "workbench.domains.coverage -> workbench.present.display (stage present after domains)",
        "workbench.sample.pack -> workbench.intake.catalog"]
    looped = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(looped) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", [m for m in MODULES if part(m) == "domains"])
def test_domains_are_pure(name):
    """Domain modules compute: no file access, no HTML, no wording, no parsing machinery."""
    source = MODULES[name].read_text("utf-8")
    tree = ast.parse(source)
    calls = {getattr(n.func, "id", getattr(n.func, "attr", None)) for n in ast.walk(tree)
             if isinstance(n, ast.Call)}
    assert not calls & {"open", "read_text", "read_csv", "read_parquet", "read_file", "read_excel",
                        "safe_load"}
    allowed = {"workbench.errors", "workbench.intake.vocabulary", "workbench.intake.geo",
               "workbench.intake.problems"}
    assert {m for m in GRAPH[name] if part(m) != "domains"} <= allowed


def test_light_modules_import_nothing_heavy():
    for name in LIGHT:
        tree = ast.parse(MODULES[name].read_text("utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def test_no_module_is_long_without_a_reason():
    """A module over ~400 lines says in its docstring why it is one module."""
    long = []
    for name, path in MODULES.items():
        lines = len(path.read_text("utf-8").splitlines())
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        if lines > MAX_LINES and "one module because" not in doc.lower():
            long.append(f"{name}: {lines} lines")
    assert long == []
