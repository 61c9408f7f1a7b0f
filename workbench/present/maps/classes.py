"""The domain's bands drawn on a map: a colour per band and the legend items of their thresholds.

The bands and their thresholds are :mod:`workbench.domains.bands`; only colours and wording are here.
"""

from __future__ import annotations

from workbench.domains import bands
from workbench.domains.bands import tone
from workbench.present.i18n import format_share, label
from workbench.present.palette import STATUS_COLOURS


def band_colours(bands) -> list[str]:
    """The colour of each band of :mod:`workbench.domains.bands` (its tone's status colour)."""
    return [STATUS_COLOURS[tone(b)] for b in bands]


def band_legend(target: float, lang: str) -> list[tuple[str, str]]:
    """Legend items of the target bands, derived from :func:`workbench.domains.bands.band_ranges`."""
    items = []
    for r in bands.band_ranges(target):
        if r.low is None:
            text = f"< {format_share(r.high, 0)}"
        elif r.high is None:
            text = f"≥ {format_share(r.low, 0)} ({label('reached', lang)})"
        else:
            text = f"{format_share(r.low, 0)} – < {format_share(r.high, 0)}"
        items.append((STATUS_COLOURS[r.tone], text))
    return [*items, (STATUS_COLOURS["no_data"], label("no_data", lang))]
