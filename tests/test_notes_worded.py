"""Every data note a stage can write has a Chinese wording: none shows in English on a Chinese page.

The domains, the brief and the explorer write their notes in English (``warnings.append(f"...")``)
and :func:`workbench.present.notes.note_text` words the shapes it knows. A new note whose shape
nobody added would show in English among the Chinese notes: this test reads the source of the
stages, renders each note it finds with plausible values, and asks whether its shape is known.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import workbench
from workbench.present.notes import known_note, note_text
from workbench.present.problem_wording import known_problem_text

PACKAGE = Path(workbench.__file__).parent
#: The stages whose notes reach a page through note_text.
STAGES = ("domains", "brief", "present/explore/registry.py")
#: The names the stages collect their notes in (``notes.append(...)``, ``warnings = [...]``,
#: ``skipped[name] = ...`` for a brief card's reason, ``raise WorkbenchError(...)`` for a domain's).
NOTE_NAMES = {"notes", "warnings", "warning", "note", "skipped"}


def _value(expression: ast.expr) -> str:
    """A plausible value for one ``{...}`` of a note: a domain's name, a date, else a count."""
    source = ast.unparse(expression)
    if isinstance(expression, ast.IfExp):  # "y" if n == 1 else "ies": the plural, as the count is 3
        return _render(expression.orelse) or _render(expression.body) or ""
    if source == "CATALOG_FILE":
        return "catalog.yaml"
    if "section" in source:
        return "the supply section"
    if source.endswith("suffix"):
        return ".dbf"
    if source in {"report", "d.report"}:
        return "testing_coverage"
    if source in {"domain.name", "d.name", "name"}:
        return "coverage"
    if "days" not in source and any(word in source for word in ("day", "date", "cutoff", "first")):
        return "2022-10-09"
    return "3"


def _formatted(part: ast.FormattedValue) -> str:
    """A ``{...}`` of an f-string with its value: quoted as ``{value!r}`` quotes it."""
    return repr(_value(part.value)) if part.conversion == ord("r") else _value(part.value)


def _render(node: ast.expr) -> str | None:
    """The text a string expression gives, its values replaced by plausible ones; None if not text."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else _formatted(part)
                       for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        if left is None and right is None:
            return None
        left = _value(node.left) if left is None else left
        return left + (_value(node.right) if right is None else right)
    if isinstance(node, ast.IfExp):
        return _render(node.orelse) or _render(node.body)
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".format"):  # "... {!r} ...".format(x)
        template = _render(node.func.value)
        return None if template is None else template.replace("{!r}", "'3'").replace("{}", "3")
    return None


def _collected_in(node: ast.expr) -> str | None:
    """The name a note is collected in: ``notes`` of ``notes``, ``self.notes``, ``skipped[name]``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _collected_in(node.value)
    return None


def _elements(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.ListComp):
        return [node.elt]
    if isinstance(node, ast.IfExp):
        return _elements(node.body) + _elements(node.orelse)
    return [node]


def _note_expressions(tree: ast.AST, raises: bool = True):
    """The expressions of the notes a module writes (and of the errors it raises, with ``raises``)."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"append", "insert"} and node.args
                and _collected_in(node.func.value) in NOTE_NAMES):
            yield node.args[-1]
        elif (isinstance(node, ast.Assign) and any(_collected_in(t) in NOTE_NAMES for t in node.targets)
              or isinstance(node, ast.keyword) and node.arg in NOTE_NAMES):
            yield from _elements(node.value)
        elif (raises and isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
              and ast.unparse(node.exc.func) == "WorkbenchError"):
            yield node.exc.args[0]


def _stage_notes() -> list[tuple[str, str]]:
    """(where, rendered note) of every note the stages write."""
    found = []
    for stage in STAGES:
        path = PACKAGE / stage
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            tree = ast.parse(module.read_text(encoding="utf-8"))
            raises = module.relative_to(PACKAGE).as_posix() not in CONFIGURATION_MODULES
            for expression in _note_expressions(tree, raises):
                if (text := _render(expression)) is not None and text.strip():
                    found.append((f"{module.relative_to(PACKAGE)}:{expression.lineno}", text))
    return found


#: Modules whose errors are about a configuration file or a caller's choice (alert and price rules,
#: explorer metrics): they stop a run with their message and never reach a page as a note.
CONFIGURATION_MODULES = {"brief/rules.py", "brief/alerts.py", "domains/prices.py",
                         "present/explore/registry.py"}
#: Errors of the other domains about a parameter the caller gave (a scope, a team, a ratio) or a unit
#: that intake has already refused: the brief passes valid parameters, so they never reach its cards.
PARAMETER_ERRORS = ("must be", "is neither", "is not in the", "is not a place kind", "has no inspection",
                    "unknown unit", "cannot convert", "is after the report date")
NOTES = _stage_notes()
#: The notes that can reach a Chinese page.
SHOWN = [(where, note) for where, note in NOTES if not any(words in note for words in PARAMETER_ERRORS)]


def test_the_stages_notes_are_found():
    """The reading finds the notes it is meant to: a sample of each kind of statement."""
    wheres = {where.split(":")[0] for where, _ in NOTES}
    texts = [text for _, text in NOTES]
    assert len(NOTES) > 40
    assert {"domains/checkpoints.py", "domains/staffing.py", "brief/figures.py",
            "present/explore/registry.py"} <= wheres
    assert "no staffing rows dated 2022-10-09" in texts  # warnings = [] if ... else [f"..."]
    assert "no baseline for 3 commodities: 3" in texts  # f"..." + ", ".join(...)
    assert "no testing round started on or before 2022-10-09" in texts  # raise WorkbenchError(f"...")


@pytest.mark.parametrize(("where", "note"), SHOWN, ids=[where for where, _ in SHOWN])
def test_each_note_a_stage_writes_has_a_chinese_wording(where, note):
    assert known_note(note), f"{where} writes a note with no Chinese wording in present/notes.py: {note!r}"
    assert note_text(note) != note


def test_a_note_of_an_unknown_shape_is_not_called_known():
    assert not known_note("coverage: something new happened")
    assert known_note("coverage: round R4 starts after the report date")


# What intake expected and found: the data-quality page and the problem notes word them
# (workbench.present.problem_wording.problem_text). The same reading over every call that makes a Problem.

#: Where a Problem's texts are among the arguments of the functions that make one.
PROBLEM_FIELDS = ("dataset", "file", "row", "column", "expected", "found", "severity")


def _problem_makers(trees: dict[str, ast.Module]) -> dict[str, list[str]]:
    """Parameter names of the functions that take the ``expected`` text of a Problem, by name."""
    makers = {"Problem": list(PROBLEM_FIELDS)}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "expected" in (names := [a.arg for a in node.args.args]):
                makers.setdefault(node.name, names + [a.arg for a in node.args.kwonlyargs])
    return makers


def _argument(call: ast.Call, names: list[str], name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    position = names.index(name) if name in names else len(call.args)
    return call.args[position] if position < len(call.args) else None


def _expected_constants(tree: ast.Module) -> list[str]:
    """The texts a module keeps in a name for what it expected (``expected = "..."``,
    ``MERGED_EXPECTED = "..."``, ``PARSE_EXPECTED = {reason: "...", ...}``)."""
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any("expected" in ast.unparse(t).lower() for t in node.targets):
            values = node.value.values if isinstance(node.value, ast.Dict) else [node.value]
            texts += [text.replace("{!r}", "'rounds'") for value in values if (text := _render(value))]
    return texts


def _problem_texts() -> list[tuple[str, str, str]]:
    """(where, expected or found, rendered text) of every Problem the package makes with a written text.

    A found text counts when it is written by the workbench (it starts with words of its own), not a
    value of the file."""
    trees = {module.relative_to(PACKAGE).as_posix(): ast.parse(module.read_text(encoding="utf-8"))
             for module in sorted(PACKAGE.rglob("*.py"))}
    makers = _problem_makers(trees)
    texts = []
    for where, tree in trees.items():
        texts += [(where, "expected", text) for text in _expected_constants(tree)]
        for call in ast.walk(tree):
            name = ast.unparse(call.func).split(".")[-1] if isinstance(call, ast.Call) else ""
            if name not in makers:
                continue
            for part in ("expected", "found"):
                node = _argument(call, makers[name], part)
                written = isinstance(node, ast.Constant) or (
                    isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant))
                if node is not None and (part == "expected" or written) and (text := _render(node)):
                    texts.append((f"{where}:{call.lineno}", part, text))
    return texts


PROBLEM_TEXTS = _problem_texts()


def test_the_problems_texts_are_found():
    texts = {text for _, _, text in PROBLEM_TEXTS}
    assert len(PROBLEM_TEXTS) > 40
    assert {"a number", "a file with a header row and data", "file is empty", "an existing file"} <= texts


@pytest.mark.parametrize(("where", "part", "text"), PROBLEM_TEXTS,
                         ids=[f"{where}-{part}" for where, part, _ in PROBLEM_TEXTS])
def test_each_problem_text_intake_writes_has_a_chinese_wording(where, part, text):
    assert known_problem_text(text) is not None, (
        f"{where} writes a problem whose {part} text has no Chinese wording in "
        f"present/problem_wording.py: {text!r}")
