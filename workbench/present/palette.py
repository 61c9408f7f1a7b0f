"""One colour scheme for statuses across every report, map and legend."""

STATUS_COLOURS = {
    "bad": "#d73027",  # short, behind, overdue, silent
    "warn": "#fc8d59",  # at risk, nearly short
    "good": "#1a9850",  # reached, on track, passed
    "no_data": "#bdbdbd",
    "neutral": "#4575b4",
}

#: Shades of the gap map (persons still to test): three reds, darkest for the largest gap, then green.
#: Coverage itself is coloured by its band (``workbench.domains.bands``) with ``STATUS_COLOURS``.
COVERAGE_COLOURS = ("#a50026", "#d73027", "#fc8d59", "#1a9850")

ZONE_COLOURS = {"sealed": "#7b3294", "controlled": "#e66101", "prevention": "#4575b4"}

SITE_KIND_COLOURS = {
    "fixed": "#2166ac",
    "mobile": "#5aae61",
    "door_to_door": "#9970ab",
    "checkpoint": "#35978f",
}
