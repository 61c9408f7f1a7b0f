"""A reference between datasets: the values of one column must exist in another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """``dataset.column`` must hold values of ``target.target_column``.

    With ``level``, only the target's rows of that ``level`` count (samples belong to
    communities: a street's id there would drop out of every community's coverage). An
    ``optional`` reference is checked when the pack lists the target, and loading the dataset
    does not need it otherwise (coverage is counted without the testing sites).
    """

    dataset: str
    column: str
    target: str
    target_column: str
    level: str | None = None
    optional: bool = False
