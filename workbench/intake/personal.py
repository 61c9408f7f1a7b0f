"""Personal identifiers: aggregate-only datasets refuse columns of names, ID-card or phone numbers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from workbench.errors import Problem
from workbench.intake.origins import Origin
from workbench.intake.parsing import parse_strings
from workbench.intake.problems import locate

PERSONAL_HEADER_WORDS = ("姓名", "名字", "身份证", "证件号", "手机", "电话", "联系方式", "户主")
#: Whole column names (lower case, blanks and ``-`` read as ``_``) of personal identifiers.
PERSONAL_HEADERS = frozenset({
    "name", "full_name", "person_name", "resident_name", "id_card", "idcard", "id_card_no",
    "id_number", "id_no", "identity_number", "phone", "phone_number", "telephone", "tel",
    "mobile", "mobile_number", "cellphone", "contact", "person_key",
})  # fmt: skip
#: Values shaped like a Chinese ID-card number, and like a mainland mobile number.
ID_CARD_PATTERN = r"\d{17}[\dXx]"
MOBILE_PATTERN = r"(?:\+?86[- ]?)?1[3-9]\d{9}"
_PERSONAL_EXPECTED = (
    "counts per area only, no personal identifiers (names, ID-card or phone "
    "numbers): a person-level file is refused"
)


def _personal_header(column) -> str | None:
    """What kind of personal identifier a column name announces, or None."""
    name = str(column).strip()
    if any(word in name for word in PERSONAL_HEADER_WORDS):
        return "its name announces personal identifiers"
    if name.lower().replace(" ", "_").replace("-", "_") in PERSONAL_HEADERS:
        return "its name announces personal identifiers"
    return None


def refuse_personal_identifiers(
    frame: pd.DataFrame, dataset: str, file: str | Origin
) -> tuple[pd.DataFrame, list[Problem]]:
    """Refuse columns of personal identifiers in a dataset that must hold aggregates only.

    A column is refused when its name announces names, ID-card or phone numbers
    (:data:`PERSONAL_HEADER_WORDS`, :data:`PERSONAL_HEADERS`), or when any of its values is
    shaped like an 18-digit ID-card number or an 11-digit mobile number. Each refused column
    is one error naming the file and the column (and the first row, for values); no value is
    ever repeated in the problem, and the column is dropped so nothing downstream carries it.

    Returns
    -------
    (DataFrame, list of Problem)
        ``frame`` without the refused columns, and one error per refused column.
    """
    problems, refused = [], []
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in frame.columns:
        if column == geometry:
            continue
        reason, first = _personal_header(column), None
        if reason is None:
            reason, first = _personal_values(frame[column])
        if reason is not None:
            refused.append(column)
            [(name, row, cell)] = locate(file, [first], str(column))
            found = f"{reason}; the column was not loaded and its values are not shown"
            problems.append(Problem(dataset, name, row, str(column), _PERSONAL_EXPECTED, found, cell=cell))
    return (frame.drop(columns=refused) if refused else frame), problems


def _personal_values(values: pd.Series) -> tuple[str | None, int | None]:
    """("N value(s) shaped like ...", index label of the first) when values look like identifiers."""
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None, None
    if pd.api.types.is_float_dtype(values.dtype) and not (values.dropna() % 1 == 0).all():
        return None, None
    text = parse_strings(values).dropna()
    for pattern, what in ((ID_CARD_PATTERN, "ID-card numbers"), (MOBILE_PATTERN, "mobile numbers")):
        hits = text.str.fullmatch(pattern)
        if hits.any():
            first = hits.index[hits.to_numpy(dtype=bool)][0]
            count = int(hits.sum())
            return f"{count:,} {'value' if count == 1 else 'values'} shaped like {what}", first
    return None, None


#: Keys of a person-level file looked at for raw identifiers: its first rows tell.
KEYS_LOOKED_AT = 1000
_PSEUDONYM_EXPECTED = "a pseudonymous person_key (not an ID-card or phone number)"


#: What :func:`key_shapes` counts: the keys looked at, and those shaped like each identifier.
KEY_SHAPE_COLUMNS = ("looked_at", "id_card", "mobile")
_SHAPES = (("id_card", ID_CARD_PATTERN, "ID-card numbers"), ("mobile", MOBILE_PATTERN, "mobile numbers"))


def key_shapes(keys: list) -> pd.DataFrame:
    """One row of :data:`KEY_SHAPE_COLUMNS`: how many of ``keys`` (the text ones) look like identifiers.

    Counts only, no key: this is what the scan memory may keep of a file's keys.
    """
    text = pd.Series([k for k in keys if isinstance(k, str)], dtype="object")
    hits = {column: int(text.str.fullmatch(pattern).sum()) if len(text) else 0
            for column, pattern, _ in _SHAPES}  # fmt: skip
    return pd.DataFrame([{"looked_at": len(text), **hits}], columns=list(KEY_SHAPE_COLUMNS))


def raw_identifier_problems(dataset: str, file: str, shapes: pd.DataFrame,
                            stored_columns: list[str]) -> list[Problem]:
    """Warnings for a person-level file that carries personal identifiers, which no report reads.

    ``shapes`` is the :func:`key_shapes` of the first :data:`KEYS_LOOKED_AT` ``person_key``
    values read; when any is shaped like an ID-card or mobile number, one warning asks for
    pseudonymous keys. ``stored_columns`` are the file's column names: one warning names those
    that announce names, ID-card or phone numbers (never read). No value is repeated; the
    figures are unchanged (a key still counts one person), so these are warnings, not errors.
    """
    problems = []
    counts = shapes.iloc[0]
    for column, _, what in _SHAPES:
        hits = int(counts[column])
        if hits:
            found = (f"{hits:,} of the first {int(counts['looked_at']):,} keys are shaped like {what} "
                     "(not shown): ask the department to export pseudonymous keys")  # fmt: skip
            problems.append(Problem(dataset, file, None, "person_key", _PSEUDONYM_EXPECTED, found, "warning"))
            break
    announced = [str(c) for c in stored_columns if _personal_header(c) and str(c) != "person_key"]
    if announced:
        found = (f"columns {', '.join(announced)} announce personal identifiers (not read): "
                 "ask the department to export the contract's columns only")  # fmt: skip
        expected = "no personal identifiers besides the pseudonymous person_key"
        problems.append(Problem(dataset, file, None, announced[0], expected, found, "warning"))
    return problems
