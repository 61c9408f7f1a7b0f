"""The words of the brief's alerts: a rule's message template filled with the alert's evidence.

The alert engine (:mod:`workbench.brief.alerts`) hands over structured alerts; this module
formats their numbers and labels for a language. The template syntax is checked when the
rules are read (:func:`workbench.brief.rules.check_template`).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

from workbench.brief.alerts import Alert
from workbench.brief.rules import RATE_PARTS, is_number
from workbench.present.charts import format_quantity
from workbench.present.i18n import format_count, format_rate, format_share, label, unit_text
from workbench.privacy import mask_personal


def alert_message(alert: Alert, lang: str = "zh") -> str:
    """The alert's message in ``lang``: its rule's template filled with the evidence.

    An alert of an earlier run whose rule is gone keeps the message it was published with
    (``alert.text``), else it reads ``RULE: SUBJECT``.
    """
    if lang in alert.templates:
        return mask_personal(render_message(alert.templates[lang], alert.evidence, lang))
    return alert.text or f"{alert.rule}: {alert.subject}"


def render_message(template: str, evidence: Mapping, lang: str = "zh") -> str:
    """Fill ``template`` with ``evidence``, formatting each value for ``lang``.

    Formats: none (text as it is; whole numbers with separators), ``count`` (separators),
    ``share`` (0.953 → 95.3%), ``hours`` (a duration: whole hours from 10 on, else one decimal:
    82.4 → 82, 3.46 → 3.5), ``days`` (1 day, 3 days), ``rate`` (the share with its numerator and
    denominator, the fields named in :data:`~workbench.brief.rules.RATE_PARTS`), ``num`` (a quantity:
    separators when large, three significant digits when small), ``label`` (the label of the
    value, ``label:PREFIX`` the label of PREFIX + value, e.g. ``{zone:label}``,
    ``{item:label:fc_}``). ``{unit}`` is a unit of the data, in the page's language
    (:func:`~workbench.present.i18n.unit_text`). A missing value prints "—".
    """
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(format_value(name, spec, evidence, lang))
    return "".join(out)


def format_value(name: str, spec: str, evidence: Mapping, lang: str = "zh") -> str:
    """One placeholder of a template (see :func:`render_message`)."""
    value = evidence.get(name)
    if spec == "rate":
        numerator, denominator = (evidence.get(part) for part in RATE_PARTS[name])
        if numerator is None or denominator is None:
            return format_share(value)
        return format_rate(numerator, denominator, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if spec.startswith("label"):
        return label(spec.partition(":")[2] + str(value), lang)
    if name == "unit":
        return str(unit_text(value, lang))
    if spec == "share":
        return format_share(value)
    if spec == "hours":
        return format_hours(value)
    if spec == "days":  # an English count of days: 1 day, 3 days (a Chinese template writes 天)
        return f"{format_count(value, lang)} {'day' if float(value) == 1 else 'days'}"
    if spec == "num" or (spec == "" and isinstance(value, float)):
        return format_quantity(value)
    if spec == "count" or (spec == "" and is_number(value)):
        return format_count(value, lang)
    return str(value)


def format_hours(value) -> str:
    """A duration in hours for a sentence: whole hours from 10 on, else one decimal (no ``.0``)."""
    hours = float(value)
    text = f"{hours:,.0f}" if abs(hours) >= 10 else f"{hours:.1f}"
    return text.removesuffix(".0")
