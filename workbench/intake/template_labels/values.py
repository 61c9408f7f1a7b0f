"""Contract values as a department types them: dropdown words (封控区, 是, 吨) and numeric ranges."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from workbench.errors import WorkbenchError

BOOLEAN_WORDS = {"zh": ("是", "否"), "en": ("yes", "no")}


def allowed_values(column: pa.Column, lang: str) -> list[str] | None:
    """The dropdown of an enumeration or boolean column in ``lang``; None for other kinds.

    An enumeration offers, for each contract value, its first alias in the contract (封控区 for
    ``sealed``, 吨 for ``t``) in Chinese, else the value itself; the parser reads both back.
    """
    kind = column.metadata["kind"]
    if kind == "bool":
        return list(BOOLEAN_WORDS[lang])
    if kind != "enum":
        return None
    values = _enum_values(column)
    if lang == "en":
        return values
    first_alias = {}
    for alias, value in column.metadata["aliases"].items():
        first_alias.setdefault(value, alias)
    return [first_alias.get(value, value) for value in values]


def _enum_values(column: pa.Column) -> list[str]:
    for check in column.checks:
        if "allowed_values" in (check.statistics or {}):
            return [str(v) for v in check.statistics["allowed_values"]]
    raise WorkbenchError(f"enumeration {column.name!r} declares no allowed values")


def spell_value(value, column: pa.Column, lang: str):
    """``value`` as a department would type it into a template cell of ``column``.

    Contract values of enumerations become their dropdown word, booleans 是/否 (yes/no),
    dates and timestamps datetime cells; a missing value is an empty cell (None).
    """
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    kind = column.metadata["kind"]
    if kind == "bool":
        yes, no = BOOLEAN_WORDS[lang]
        return yes if bool(value) else no
    if kind == "enum":
        words = dict(zip(_enum_values(column), allowed_values(column, lang), strict=True))
        return words.get(str(value), str(value))
    if kind in ("date", "timestamp"):
        return pd.Timestamp(value).to_pydatetime()
    if kind in ("id", "text"):
        return str(value)
    if kind == "int":
        return int(value)
    return float(value)


def range_rule(column: pa.Column) -> tuple[str, list[float]] | None:
    """The contract's numeric check of ``column`` as (operator, bounds), e.g. ``(">=", [0])``."""
    rules = {"greater_than": ">", "greater_than_or_equal_to": ">=", "in_range": "between"}
    for check in column.checks:
        operator = rules.get(check.name)
        if operator:
            stats = check.statistics
            return operator, [stats["min_value"]] + ([stats["max_value"]] if "max_value" in stats else [])
    return None


def range_text(column: pa.Column) -> str:
    """The numeric check of ``column`` in symbols: ``> 0``, ``≥ 0``, ``2000 … 2100``; empty if none."""
    rule = range_rule(column)
    if rule is None:
        return ""
    operator, limits = rule
    if operator == "between":
        return f"{limits[0]:g} … {limits[1]:g}"
    return f"{'>' if operator == '>' else '≥'} {limits[0]:g}"
