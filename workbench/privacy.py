"""The one privacy filter: personal identifiers in data text never reach an output.

Every path by which text from data reaches a report, a download, a JSON record, a warning or
an error message passes through :func:`mask_personal` (whole text), :func:`mask_values`
(every text inside a JSON-like value) or :func:`sample_of` (a short, masked sample of a bad
cell, for error messages). Downloads also pass through :func:`spreadsheet_safe`, so that no
cell is read as a formula by Excel or WPS.

Masked: mainland mobile numbers in every common spelling (``13912345678``,
``+86 139 1234 5678``, ``139-1234-5678``, ``0086-13912345678``), resident ID-card numbers
(18 digits, the last may be ``X``; the older 15-digit form; digits grouped by spaces or
dashes, 6-8-4 or 6-4-4-4) and landlines with an area code (``0472-1234567``). The mask keeps
the text readable (``[***]``) and never keeps part of the number. Dates, times, counts,
amounts and ids such as ``S01C002`` or ``T082`` are left as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

MASK = "[***]"
_SEP = r"[ \-\u00a0]?"
#: Digits after a decimal point (``40.558796198136590``, a map's coordinate) are never one.
#: A mainland mobile number: optional +86 / 0086 prefix, 1[3-9] then nine digits, in groups.
MOBILE = re.compile(
    r"(?<![\d])(?<!\d\.)(?:(?:\+|00)?86" + _SEP + r")?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}(?![\d])"
)
#: A resident ID-card number: 18 characters (6 + 8 + 3 + check digit or X, optionally grouped
#: 6-8-4 or 6-4-4-4) or 15 digits (optionally grouped 6-6-3).
ID_CARD = re.compile(
    r"(?<![\dXx])(?<!\d\.)(?:"
    r"\d{6}" + _SEP + r"\d{8}" + _SEP + r"\d{3}[\dXx]"
    r"|\d{6}" + _SEP + r"\d{4}" + _SEP + r"\d{4}" + _SEP + r"\d{3}[\dXx]"
    r"|\d{6}" + _SEP + r"\d{6}" + _SEP + r"\d{3}"
    r")(?![\dXx])"
)
#: A landline with area code (0472-1234567, 0472 12345678).
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[ \-]\d{7,8}(?!\d)")
_PATTERNS = (ID_CARD, MOBILE, LANDLINE)
#: Whether any of them matches anywhere: one pass instead of three, and the lookahead lets the
#: regex engine skip to the next digit or ``+`` (a map page of 2.5 MB: 0.16 s against 0.85 s).
#: Texts it finds nothing in, nearly all, are returned as they are.
_ANY = re.compile(r"(?=[\d+])(?:" + "|".join(f"(?:{p.pattern})" for p in _PATTERNS) + ")")
#: First characters a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


def mask_personal(value) -> str:
    """``value`` as text with phone and ID-card numbers replaced by ``[***]`` ("" for missing)."""
    if _missing(value):
        return ""
    text = str(value)
    if not _ANY.search(text):
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def has_personal(value) -> bool:
    """Whether ``value`` holds a phone or ID-card number in any spelling this module masks."""
    return not _missing(value) and _ANY.search(str(value)) is not None


def sample_of(value, width: int = 40) -> str:
    """A short masked sample of a bad cell for an error message (never the whole free text)."""
    text = mask_personal(value).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


#: What a problem shows instead of a bad cell that holds a phone or ID-card number.
HIDDEN_CELL = "(a value holding a phone or ID-card number: not shown)"


def cell_sample(value, width: int = 40) -> str:
    """What an error message shows of a bad cell: a short sample, or nothing of a personal one.

    A cell that holds a phone or ID-card number is not sampled at all: the text beside the
    number is most often the person's name (``张伟 13912345678`` in a yes/no column).
    """
    return HIDDEN_CELL if has_personal(value) else sample_of(value, width)


def mask_values(value):
    """``value`` (JSON-like: mappings, lists, text, numbers) with every text masked.

    Keys, numbers, booleans and None are kept as they are; mappings and lists are copied.
    """
    if isinstance(value, str):
        return mask_personal(value)
    if isinstance(value, Mapping):
        return {key: mask_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_values(item) for item in value]
    return value


def neutralise_formula(value):
    """A spreadsheet cell that cannot run as a formula: text starting with ``= + - @ TAB CR`` gets a ``'``.

    Only text is changed; numbers (negative ones too) and text that is a plain number
    (``-3``, ``+1.5``) stay as they are, so they still sort and sum in a spreadsheet.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_safe(value):
    """A download's cell: text masked (:func:`mask_personal`), then :func:`neutralise_formula`."""
    if not isinstance(value, str):
        return value
    return neutralise_formula(mask_personal(value))
