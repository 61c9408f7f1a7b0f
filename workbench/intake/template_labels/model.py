"""The record of a template's words: a dataset's title and what one row is, each column's labels."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnLabels:
    """One column as a department sees it.

    Attributes
    ----------
    zh, en : str
        The header in Chinese and in English (units in brackets where the column has one).
    note_zh, note_en : str
        What the column means, one short line.
    example : object
        An example value as the contract spells it (``"sealed"``, ``True``, ``"2022-10-09"``).
    """

    zh: str
    en: str
    note_zh: str
    note_en: str
    example: object = None


@dataclass(frozen=True)
class DatasetLabels:
    """One dataset as a department sees it: title, what one row is, and its columns."""

    title_zh: str
    title_en: str
    row_zh: str
    row_en: str
    columns: dict[str, ColumnLabels] = field(default_factory=dict)

    def header(self, column: str, lang: str) -> str:
        """The header of ``column`` in ``lang`` (``zh`` or ``en``)."""
        labels = self.columns[column]
        return labels.zh if lang == "zh" else labels.en

    def note(self, column: str, lang: str) -> str:
        """The note of ``column`` in ``lang``."""
        labels = self.columns[column]
        return labels.note_zh if lang == "zh" else labels.note_en
