"""Where a CSV or XLSX file's header row is, and the names it may hold.

Department exports often put a title (``稀土高新区督查记录表 2022年10月``), a note and blank rows
above the header. The header is the line the catalog gives as ``header_row: N`` (1-based, as
Excel or a text editor numbers lines); without it, the first of the first
:data:`HEADER_SEARCH_ROWS` lines that holds the most column names the dataset may have (contract
names or the catalog's rename sources). Lines above the header are ignored.
"""

from __future__ import annotations

from workbench.intake.catalog import DatasetSpec
from workbench.intake.contract import SCHEMAS

#: Lines searched for the header row when the catalog gives no ``header_row``.
HEADER_SEARCH_ROWS = 30


def clean_name(name) -> str:
    """A column name as matched and kept: without surrounding blanks or a byte-order mark."""
    return str(name).strip().lstrip("\ufeff").strip()


def header_names(spec: DatasetSpec) -> frozenset[str]:
    """Column names a header row of ``spec`` may hold: the contract's and the renamed ones."""
    contract = set(SCHEMAS[spec.name].columns) if spec.name in SCHEMAS else set()
    return frozenset(contract | set(spec.columns))


def find_header(rows: list[list[str]], names: frozenset[str]) -> int:
    """The 0-based position among ``rows`` of the header: most cells among ``names``, earliest.

    Returns 0 (the first row) when no row holds any of ``names``, so that the usual
    "missing column" problems name what the first row holds.
    """
    best, best_count = 0, 0
    for position, row in enumerate(rows):
        count = len({clean_name(cell) for cell in row if cell is not None} & names)
        if count > best_count:
            best, best_count = position, count
    return best


def header_position(spec: DatasetSpec, rows: list[list[str]]) -> int:
    """0-based line of the header among ``rows`` (the file's first lines): the catalog's
    ``header_row``, else :func:`find_header`."""
    if spec.header_row is not None:
        return spec.header_row - 1
    return find_header(rows, header_names(spec))
