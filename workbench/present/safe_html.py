"""Escaping of data values on their way into HTML and into JavaScript template literals.

folium writes tooltip and popup text into JavaScript template literals and inserts property
values with ``innerHTML``; nbconvert keeps HTML outputs as they are. Every value that comes
from data goes through :func:`escape` before it reaches a page.
"""

from __future__ import annotations

import html
import math

_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})
#: Longest text from data shown in a page (a cell, a tooltip, a card): longer text is cut with
#: "…" here, where it reaches HTML; downloads (CSV, XLSX) keep the whole value.
TEXT_LIMIT = 1_000


def escape(value) -> str:
    """HTML-escape ``value`` so that it is inert in element text, attributes and JS template literals.

    ``<>&"'`` are escaped as HTML entities; backtick, dollar and backslash too, so the text
    can sit inside a JavaScript template literal without ending it or interpolating.
    Missing values become an empty string; text longer than :data:`TEXT_LIMIT` characters is
    cut there with "…" (one 100,000-character finding must not make a report of megabytes).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    return html.escape(text, quote=True).translate(_TEMPLATE_LITERAL)
