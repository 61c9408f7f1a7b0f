"""Cross-checks between loaded datasets: identifiers that point nowhere, units that cannot be compared.

- Every :data:`~workbench.intake.contract.REFERENCES` pair whose both ends are loaded: in a
  record dataset the rows pointing nowhere are set aside (warnings), elsewhere they are errors
  (:mod:`workbench.intake.setaside`); a community's ``parent_id`` must be a street.
- A production row whose ``unit`` measures something else than its target's (t against 元)
  cannot count towards it: an error naming the file, row and column ``unit`` (the domain
  would otherwise stop the report with no file or row).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from workbench.errors import Problem
from workbench.intake.catalog import Pack
from workbench.intake.contract import REFERENCES, Reference
from workbench.intake.origins import Origin
from workbench.intake.placing import PLACEMENT_LEVEL
from workbench.intake.problems import row_problems
from workbench.intake.setaside import SET_ASIDE, can_set_aside
from workbench.intake.vocabulary import UNITS


def check_references(
    frames: Mapping[str, pd.DataFrame], pack: Pack, origins: Mapping[str, Origin] | None = None
) -> tuple[list[Problem], dict[str, pd.Series]]:
    """Problems for identifiers that point nowhere, among the ``frames`` loaded.

    Checks every :data:`~workbench.intake.contract.REFERENCES` pair whose both ends are loaded
    (missing values are skipped: they are placed or reported elsewhere), and that a
    community's ``parent_id`` is a street of ``areas``.

    Returns
    -------
    (list of Problem, dict of str to Series)
        The problems, and per record dataset the mask of rows to set aside (their problems
        are warnings; see :mod:`workbench.intake.setaside`).
    """
    origins = origins or {}
    problems, unknown = [], {}
    for ref in REFERENCES:
        source, target = frames.get(ref.dataset), frames.get(ref.target)
        if source is not None and target is not None and ref.column in source.columns:
            where = origins.get(ref.dataset) or pack.spec(ref.dataset).file
            bad = _unknown(source[ref.column], target, ref)
            if bad is None or not bad.any():
                continue
            aside = can_set_aside(ref.dataset, bad | unknown.get(ref.dataset, False), len(source))
            problems += _unknown_problems(source[ref.column][bad], ref, pack, where, aside, target)
            if aside:
                unknown[ref.dataset] = bad | unknown.get(ref.dataset, False)
    if "areas" in frames:
        problems += _check_area_parents(frames["areas"], origins.get("areas") or pack.spec("areas").file)
    return problems, unknown


def _unknown(values: pd.Series, target: pd.DataFrame, ref: Reference) -> pd.Series | None:
    """Mask of ``values`` not among the target's ids (of ``ref.level``, if given)."""
    if ref.target_column not in target.columns:
        return None
    return values.notna() & ~values.isin(_listed(target, ref).dropna().unique())


def _listed(target: pd.DataFrame, ref: Reference) -> pd.Series:
    if ref.level is not None and "level" in target.columns:
        target = target[target["level"] == ref.level]
    return target[ref.target_column]


def _unknown_problems(
    values: pd.Series, ref: Reference, pack: Pack, where: str | Origin, aside: bool, target: pd.DataFrame
) -> list[Problem]:
    """Problems for the unknown ``values`` (warnings when their rows were set aside)."""
    listed = f"{ref.target}.{ref.target_column} ({pack.spec(ref.target).file})"
    if ref.level is not None:
        listed += f" of level {ref.level}"
    expected = f"an id listed in {listed}" + (SET_ASIDE if aside else "")
    found = with_lost_zeros(values, _listed(target, ref))
    severity = "warning" if aside else "error"
    return row_problems(ref.dataset, where, ref.column, found, expected, severity=severity)


def with_lost_zeros(values: pd.Series, listed: pd.Series) -> pd.Series:
    """Unknown ids as found, with a hint where one is a listed id that lost its leading zeros.

    A spreadsheet turns a code typed as ``007`` into the number 7. The hint says so
    (``7 (007 is listed: leading zeros lost?)``); the row is not read as ``007``, since the
    department may mean another code.
    """
    padded: dict[int, list[str]] = {}
    for code in pd.Series(listed, dtype="object").dropna().astype(str).unique():
        if code.startswith("0") and code.isdigit() and code.isascii():
            padded.setdefault(int(code), []).append(code)
    if not padded:
        return values

    def hinted(value):
        text = str(value)
        match = re.fullmatch(r"(\d+)(?:\.0+)?", text)
        codes = padded.get(int(match.group(1)), []) if match else []
        return f"{text} ({codes[0]} is listed: leading zeros lost?)" if len(codes) == 1 else value

    return values.map(hinted)


def _check_area_parents(areas: pd.DataFrame, file: str | Origin) -> list[Problem]:
    """Each community's ``parent_id`` must be the ``area_id`` of a street."""
    if not {"area_id", "level", "parent_id"} <= set(areas.columns):
        return []
    level_of = areas.drop_duplicates("area_id").set_index("area_id")["level"]
    communities = areas[areas["level"] == PLACEMENT_LEVEL]
    not_street = ~communities["parent_id"].map(level_of).isin(["street"])
    expected = "the area_id of a street in areas (a community's parent)"
    return row_problems("areas", file, "parent_id", communities["parent_id"][not_street], expected)


def check_units(
    frames: Mapping[str, pd.DataFrame], pack: Pack, origins: Mapping[str, Origin] | None = None
) -> list[Problem]:
    """Errors for production rows whose unit has another base unit than their target's.

    Needs ``production`` (``date``, ``enterprise_id``, ``product``, ``unit``) and ``targets``
    (``year``, ``enterprise_id``, ``product``, ``unit``) among ``frames``; a row without a
    target that year is not checked (it counts towards nothing). Vectorised: one merge.
    """
    production, targets = frames.get("production"), frames.get("targets")
    keys = ["enterprise_id", "product"]
    if production is None or targets is None or production.empty:
        return []
    needed = ({"date", "unit", *keys}, {"year", "unit", *keys})
    if not (needed[0] <= set(production.columns) and needed[1] <= set(targets.columns)):
        return []
    base = {unit: spec[0] for unit, spec in UNITS.items()}
    goal = targets.assign(target_base=targets["unit"].map(base)).drop_duplicates([*keys, "year"])
    rows = production[[*keys, "unit"]].assign(
        year=production["date"].dt.year.astype("Int64"),
        base=production["unit"].map(base),
        label=production.index,
    )
    goal = goal[[*keys, "year", "target_base", "unit"]].astype({"year": "Int64"})
    merged = rows.merge(goal, on=[*keys, "year"], suffixes=("", "_target"))
    clash = merged["base"].notna() & merged["target_base"].notna() & (merged["base"] != merged["target_base"])
    if not clash.any():
        return []
    bad = merged[clash]
    found = pd.Series((bad["unit"] + " (its target is in " + bad["unit_target"] + ")").to_numpy(),
                      index=bad["label"].to_numpy())  # fmt: skip
    expected = "a unit convertible to the target's (t and 万吨, or 元, 万元 and 亿元)"
    where = (origins or {}).get("production") or pack.spec("production").file
    return row_problems("production", where, "unit", found.sort_index(), expected)
