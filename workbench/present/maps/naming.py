"""Names of a map's elements: short, letters only, in drawing order."""

from __future__ import annotations


def name_elements(root) -> None:
    """Give every element under ``root`` a short id of letters only, in drawing order.

    folium names each element after a random hex uuid (``geo_json_287f2180…``); a run of
    digits in one can look like a phone or ID-card number to the privacy filter that every
    output passes, which would then break the map's script. Letter ids cannot, and they make
    the same report render to the same bytes.
    """
    stack, count = [root], 0
    while stack:
        element = stack.pop()
        element._id = _letters(count)
        count += 1
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))


def _letters(number: int) -> str:
    """0 → ``a``, 25 → ``z``, 26 → ``ba``: a number written in the letters a–z."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
        if number == 0:
            return word
