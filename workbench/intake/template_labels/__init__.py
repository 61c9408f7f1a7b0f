"""Words of the department templates: each dataset's title and each column's headers, notes, example.

One :class:`DatasetLabels` per dataset of the contract, read from the YAML files of this
folder (one per group of datasets, like :mod:`workbench.intake.contract`; words are data, kept
apart from code). The XLSX templates (:mod:`workbench.intake.templates`) and
the column tables of ``docs/datasets.md`` (:mod:`workbench.intake.contract_doc`) both read
them, so a header, its meaning and the file a department fills can never disagree;
:mod:`.values` spells contract values as a department types them (封控区, 是, 吨).
Examples are written as contract values (``"sealed"``, ``True``, ``"2022-10-09"``); each
template spells them in its language (封控区, 是).
"""

from __future__ import annotations

from importlib import resources

import yaml

from workbench.intake.contract import SCHEMAS
from workbench.intake.template_labels.model import ColumnLabels, DatasetLabels

#: The label files, in the order of the contract's groups.
GROUP_FILES = ("testing.yaml", "supervision.yaml", "enterprises.yaml", "supply.yaml", "field.yaml",
               "followup.yaml")


def _read_labels() -> dict[str, DatasetLabels]:
    """Every dataset's labels from the YAML files: ``title``, ``row`` and ``columns`` lists."""
    found = {}
    folder = resources.files(__name__)
    for name in GROUP_FILES:
        for dataset, entry in yaml.safe_load(folder.joinpath(name).read_text("utf-8")).items():
            columns = {column: ColumnLabels(*words) for column, words in entry["columns"].items()}
            found[dataset] = DatasetLabels(*entry["title"], *entry["row"], columns)
    return found


LABELS: dict[str, DatasetLabels] = _read_labels()


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
