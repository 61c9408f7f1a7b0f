"""A reference between datasets: the values of one column must exist in another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """``dataset.column`` must hold values of ``target.target_column``.

    With ``level``, only the target's rows of that ``level`` count (samples belong to
    communities: a street's id there would drop out of every community's coverage).
    """

    dataset: str
    column: str
    target: str
    target_column: str
    level: str | None = None
