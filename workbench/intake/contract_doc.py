"""The column tables of ``docs/datasets.md``, generated from the contract so the two cannot drift.

``docs/datasets.md`` is written by hand (what one row is, how a dataset is read, which reports
use it) except the blocks between ``<!-- generated: NAME -->`` and ``<!-- /generated -->``:
``NAME`` is ``summary`` (every dataset, what one row is, its required columns) or a dataset,
whose block is the reports that need it or take it optionally (from
:data:`workbench.intake.needs.REPORT_NEEDS`), its column table (name, Chinese template header,
kind, required or optional, allowed values and their aliases, checks, uniqueness) and the
references it must satisfy.

Regenerate after changing a schema::

    python -m workbench.intake.contract_doc          # rewrites docs/datasets.md
    python -m workbench.intake.contract_doc --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandera.pandas as pa

from workbench.errors import WorkbenchError
from workbench.intake.contract import REFERENCES, SCHEMAS
from workbench.intake.needs import REPORT_NEEDS
from workbench.intake.template_labels import labels_of
from workbench.intake.template_labels.values import range_text
from workbench.paths import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "datasets.md"
SUMMARY = "summary"
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.DOTALL)
#: How each column kind reads in the tables.
KIND_WORDS = {
    "id": "identifier (text)",
    "text": "text",
    "enum": "one of a list",
    "bool": "yes/no",
    "int": "whole number",
    "float": "number",
    "date": "date",
    "timestamp": "date and time",
    "geometry": "polygon",
}


def requirement(column: pa.Column) -> str:
    """``required``, ``required, may be empty`` or ``optional`` (the column may be left out)."""
    if not column.required:
        return "optional"
    return "required, may be empty" if column.nullable else "required"


def values_and_checks(column: pa.Column) -> str:
    """Allowed values with their aliases (``sealed`` (封控区)), a numeric range, ``unique``."""
    parts = []
    for check in column.checks:
        allowed = (check.statistics or {}).get("allowed_values")
        if allowed:
            parts.append(", ".join(_value_with_aliases(str(v), column.metadata["aliases"]) for v in allowed))
    if column.metadata["kind"] in ("int", "float") and range_text(column):
        parts.append(range_text(column))
    if column.metadata["kind"] == "geometry":
        parts.append("Polygon or MultiPolygon")
    if column.metadata.get("date_only") == "end_of_day":
        parts.append("a date alone means the end of that day")
    if column.unique:
        parts.append("unique")
    return "; ".join(parts)


def _value_with_aliases(value: str, aliases: dict[str, str]) -> str:
    spellings = [alias for alias, target in aliases.items() if target == value]
    return f"`{value}`" + (f" ({', '.join(spellings)})" if spellings else "")


def reports_line(dataset: str) -> str:
    """Which reports need ``dataset`` and which take it optionally (and for what), from ``REPORT_NEEDS``."""
    required = [f"`{n.report}`" for n in REPORT_NEEDS.values() if dataset in n.required]
    by_section: dict[str, list[str]] = {}
    for needs in REPORT_NEEDS.values():
        for optional in needs.optional:
            if optional.dataset == dataset:
                by_section.setdefault(optional.section, []).append(f"`{needs.report}`")
    parts = [f"required by {', '.join(required)}"] if required else []
    parts += [f"for {section.name} of `{needs.report}` (it runs with any one of its sections: "
              f"{needs.one_of()})"
              for needs in REPORT_NEEDS.values() for section in needs.sections if dataset in section.datasets]
    parts += [f"optional for {', '.join(reports)} ({section})" for section, reports in by_section.items()]
    return "**Reports:** " + ("; ".join(parts) or "none of the daily schedule") + "."


def column_table(dataset: str) -> str:
    """The Markdown block of ``dataset``: the reports using it, its column table, uniqueness,
    row checks and references."""
    schema, labels = SCHEMAS[dataset], labels_of(dataset)
    lines = [
        reports_line(dataset),
        "",
        "| column | template header (zh) | kind | required | values and checks | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for name, column in schema.columns.items():
        cells = (
            f"`{name}`",
            labels.header(name, "zh"),
            KIND_WORDS[column.metadata["kind"]],
            requirement(column),
            values_and_checks(column),
            labels.note(name, "en"),
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    notes = []
    if schema.unique:
        notes.append("One row per " + ", ".join(f"`{c}`" for c in schema.unique) + " (unique together).")
    notes += [f"Each row: {check.error}." for check in schema.checks if check.error]
    for ref in REFERENCES:
        if ref.dataset == dataset:
            of_level = f" (level `{ref.level}`)" if ref.level else ""
            notes.append(
                f"`{ref.column}` must be one of the `{ref.target_column}` values of `{ref.target}`{of_level}."
            )
    return "\n".join(lines + ([""] + [f"- {note}" for note in notes] if notes else [])) + "\n"


def summary_table() -> str:
    """Every dataset of the contract: what one row is, and its required columns."""
    lines = ["| dataset | one row is | required columns |", "|---|---|---|"]
    for name, schema in SCHEMAS.items():
        required = ", ".join(
            f"`{c}`" + (" (may be empty)" if col.nullable else "")
            for c, col in schema.columns.items()
            if col.required
        )
        lines.append(f"| [`{name}`](#{name}) | {labels_of(name).row_en} | {required} |")
    return "\n".join(lines) + "\n"


def generated_block(name: str) -> str:
    """The generated text of block ``name`` (``summary`` or a dataset)."""
    if name == SUMMARY:
        return summary_table()
    if name not in SCHEMAS:
        raise WorkbenchError(f"docs/datasets.md has a generated block for {name!r}, which is no dataset")
    return column_table(name)


def render(text: str) -> str:
    """``text`` with every generated block rewritten from the contract.

    Raises
    ------
    WorkbenchError
        When a dataset of the contract has no block, or a block names no dataset.
    """
    named = [match["name"] for match in _BLOCK.finditer(text)]
    missing = [name for name in (SUMMARY, *SCHEMAS) if name not in named]
    if missing:
        raise WorkbenchError("docs/datasets.md lacks a generated block for: " + ", ".join(missing))
    return _BLOCK.sub(lambda m: m.group(1) + generated_block(m["name"]) + m.group(4), text)


def main(argv: list[str] | None = None, path: Path = DOC_PATH) -> int:
    """Rewrite ``docs/datasets.md`` (or, with ``--check``, exit 1 when it is out of date)."""
    argv = sys.argv[1:] if argv is None else argv
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in argv:
        if current != wanted:
            print(f"{path} is out of date: run python -m workbench.intake.contract_doc", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        path.write_text(wanted, encoding="utf-8")
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
