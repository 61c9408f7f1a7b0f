"""Words of the department templates: each dataset's title and each column's headers, notes, example.

One :class:`DatasetLabels` per dataset of the contract, grouped by domain like
:mod:`workbench.intake.contract`. The XLSX templates (:mod:`workbench.intake.templates`) and
the column tables of ``docs/datasets.md`` (:mod:`workbench.intake.contract_doc`) both read
them, so a header, its meaning and the file a department fills can never disagree;
:mod:`.values` spells contract values as a department types them (封控区, 是, 吨).
Examples are written as contract values (``"sealed"``, ``True``, ``"2022-10-09"``); each
template spells them in its language (封控区, 是).
"""

from __future__ import annotations

from workbench.intake.contract import SCHEMAS
from workbench.intake.template_labels import enterprises, field, supervision, supply, testing
from workbench.intake.template_labels.model import ColumnLabels, DatasetLabels

_GROUPS = (testing, supervision, enterprises, supply, field)

LABELS: dict[str, DatasetLabels] = {name: d for group in _GROUPS for name, d in group.LABELS.items()}


def labels_of(dataset: str) -> DatasetLabels:
    """The labels of ``dataset``, with every column of its schema.

    A dataset or column added to the contract without labels yet gets its contract name as
    header and its kind as note, so a template is still written (``tests/test_templates.py``
    fails until its labels are added here).
    """
    known = LABELS.get(dataset) or DatasetLabels(dataset, dataset, dataset, dataset)
    columns = {
        name: known.columns.get(name)
        or ColumnLabels(name, name, column.metadata["kind"], column.metadata["kind"])
        for name, column in SCHEMAS[dataset].columns.items()
    }
    return DatasetLabels(known.title_zh, known.title_en, known.row_zh, known.row_en, columns)


__all__ = ["LABELS", "ColumnLabels", "DatasetLabels", "labels_of"]
