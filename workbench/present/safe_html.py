"""Escaping of data values on their way into HTML and into JavaScript template literals.

folium writes tooltip and popup text into JavaScript template literals and inserts property
values with ``innerHTML``; nbconvert keeps HTML outputs as they are. Every value that comes
from data goes through :func:`escape` before it reaches a page.
"""

from __future__ import annotations

import html
import math

_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(value) -> str:
    """HTML-escape ``value`` so that it is inert in element text, attributes and JS template literals.

    ``<>&"'`` are escaped as HTML entities; backtick, dollar and backslash too, so the text
    can sit inside a JavaScript template literal without ending it or interpolating.
    Missing values become an empty string.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)
