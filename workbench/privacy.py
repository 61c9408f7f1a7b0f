"""The one privacy filter: personal identifiers in data text never reach an output.

Every path by which text from data reaches a report, a download, a JSON record, a warning or
an error message passes through :func:`mask_personal` (whole text) or :func:`sample_of`
(a short, masked sample of a bad cell, for error messages).

Masked: mainland mobile numbers in every common spelling (``13912345678``,
``+86 139 1234 5678``, ``139-1234-5678``, ``0086-13912345678``) and resident ID-card numbers
(18 digits, the last may be ``X``; the older 15-digit form; digits grouped by spaces). The
mask keeps the text readable (``[***]``) and never keeps part of the number.
"""

from __future__ import annotations

import math
import re

MASK = "[***]"
_SEP = r"[ \-\u00a0]?"
#: A mainland mobile number: optional +86 / 0086 prefix, 1[3-9] then nine digits, in groups.
MOBILE = re.compile(
    r"(?<![\d])(?:(?:\+|00)?86" + _SEP + r")?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}(?![\d])"
)
#: A resident ID-card number: 18 characters (6 + 8 + 3 + check digit or X) or 15 digits,
#: optionally grouped 6-8-4 by spaces.
ID_CARD = re.compile(
    r"(?<![\dXx])(?:\d{6}" + _SEP + r"\d{8}" + _SEP + r"\d{3}[\dXx]|\d{15})(?![\dXx])"
)
#: A landline with area code (0472-1234567, 0472 12345678).
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[ \-]\d{7,8}(?!\d)")
_PATTERNS = (ID_CARD, MOBILE, LANDLINE)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


def mask_personal(value) -> str:
    """``value`` as text with phone and ID-card numbers replaced by ``[***]`` ("" for missing)."""
    if _missing(value):
        return ""
    text = str(value)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def has_personal(value) -> bool:
    """Whether ``value`` holds a phone or ID-card number in any spelling this module masks."""
    return not _missing(value) and any(p.search(str(value)) for p in _PATTERNS)


def sample_of(value, width: int = 40) -> str:
    """A short masked sample of a bad cell for an error message (never the whole free text)."""
    text = mask_personal(value).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
