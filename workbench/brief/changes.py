"""What changed since the last brief: alerts new, still open or cleared, and revised figures.

:func:`since_last_run` compares with the previous brief's JSON record: alerts new, still open
or cleared (:func:`workbench.brief.alert_changes.compare_alerts`), and *revised* figures: the previous
date's figures are recomputed from today's pack, with the previous run's parameters, and
compared with what that run published (:func:`compare_figures`). A revision therefore means
the source data about that date changed after it was published (late or corrected rows) —
or the code that computes it did. :func:`brief_figures` assembles the brief's JSON figures;
every text in them passes through the privacy filter (:func:`workbench.privacy.mask_values`),
and so do the recomputed figures before they are compared with what was published.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.brief.alert_changes import AlertChanges, compare_alerts
from workbench.brief.alerts import Alert, alert_from_record
from workbench.brief.figures import BriefFigures, BriefParameters, compute_figures, rules_checked
from workbench.brief.rules import Rule
from workbench.errors import WorkbenchError
from workbench.privacy import mask_values

#: Relative and absolute tolerance below which two published numbers are the same.
TOLERANCE = 1e-9
#: Fields that identify an item of a figure list, tried in order (all fields of a tuple must be present).
ITEM_KEYS = (("inspection_id",), ("enterprise_id", "product"), ("price_rule", "commodity", "market"),
             ("area_id",), ("site_id",), ("checkpoint_id",), ("place_id",), ("supplier_id",), ("item",),
             ("request_id",), ("project_id", "milestone"), ("project_id",), ("unit_kind", "unit_id"))

# ---------------------------------------------------------------- revised figures


def compare_figures(published: Mapping[str, Mapping], recomputed: Mapping[str, Mapping],
                    tolerance: float = TOLERANCE) -> list[dict]:
    """The figures that differ between what was published and what is recomputed now.

    Parameters
    ----------
    published, recomputed : mapping
        Domain → figures, as JSON values. Only domains present on both sides are compared.
    tolerance : float
        Numbers within this relative or absolute difference are equal.

    Returns
    -------
    list of dict
        ``domain``, ``figure`` (a path: ``district.tested``, ``communities[S01C002].tested``; an
        item of a list is named by its identifying fields, see :data:`ITEM_KEYS`), ``published``,
        ``recomputed`` (None where absent) and ``difference`` (recomputed − published, numbers
        only). An item present on one side only is one revision with the whole item. A list of
        plain values is compared as a set.
    """
    out = []
    for name in (n for n in published if n in recomputed):
        for path, before, after in _differences(published[name], recomputed[name], "", tolerance):
            numbers = _is_number(before) and _is_number(after)
            out.append({"domain": name, "figure": path, "published": before, "recomputed": after,
                        "difference": after - before if numbers else None})
    return out


def _differences(before, after, path: str, tolerance: float):
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in dict.fromkeys([*before, *after]):
            inner = f"{path}.{key}" if path else key
            yield from _differences(before.get(key), after.get(key), inner, tolerance)
    elif _is_record_list(before) and _is_record_list(after):
        old, new = _keyed(before), _keyed(after)
        for key in dict.fromkeys([*old, *new]):
            if key in old and key in new:
                yield from _differences(old[key], new[key], f"{path}[{key}]", tolerance)
            else:
                yield f"{path}[{key}]", old.get(key), new.get(key)
    elif not _same(before, after, tolerance):
        yield path, before, after


def _is_record_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)


def item_key(item: Mapping) -> str | None:
    """The identity of a list item: its values of the first :data:`ITEM_KEYS` tuple it has."""
    for names in ITEM_KEYS:
        if all(n in item for n in names):
            return "/".join(str(item[n]) for n in names)
    return None


def _keyed(items: list) -> dict:
    out = {}
    for index, item in enumerate(items):
        key = item_key(item) or str(index)
        out[key if key not in out else f"{key}#{index}"] = item
    return out


def _same(before, after, tolerance: float) -> bool:
    if _is_number(before) and _is_number(after):
        return math.isclose(before, after, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(before, list) and isinstance(after, list):
        return sorted(map(json.dumps, before)) == sorted(map(json.dumps, after))
    return before == after and type(before) is type(after)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------- since the last run


@dataclass(frozen=True)
class SinceLastRun:
    """Today's brief against the previous one (``previous_date`` None: there is none)."""

    previous_date: str | None
    alerts: AlertChanges
    revised: list[dict] = field(default_factory=list)
    parameter_changes: list[dict] = field(default_factory=list)
    previous_pack: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def since_last_run(data: Mapping, today: BriefFigures, alerts: Sequence[Alert], rules: Sequence[Rule],
                   previous: Mapping | None, params: BriefParameters, tolerance: float = TOLERANCE
                   ) -> SinceLastRun:
    """Compare today's brief with the previous brief's JSON record.

    Parameters
    ----------
    data : mapping
        Today's datasets: the previous date's figures are recomputed from them.
    today : BriefFigures
    alerts : sequence of Alert
        Today's alerts.
    rules : sequence of Rule
        Today's rules (they word the cleared alerts when they still exist).
    previous : mapping, optional
        The previous brief's JSON record (``date``, ``figures``, ``pack``); None when there is none.
    params : BriefParameters
        Today's parameters; the recomputation uses the previous run's (read from its figures),
        so that only the data can make a figure differ.
    """
    checked = rules_checked(rules, today)
    if previous is None:
        changes = compare_alerts(alerts, None, report_date=today.report_date, previous_date=None,
                                 checked_today=checked)
        return SinceLastRun(None, changes)
    figures, date = previous.get("figures") or {}, str(previous.get("date"))
    before = [alert_from_record(record, rules) for record in figures.get("alerts", [])]
    changes = compare_alerts(alerts, before, report_date=today.report_date, previous_date=date,
                             checked_today=checked, checked_before=figures.get("rules_checked"))
    old_params = BriefParameters.from_record(figures.get("parameters"), params)
    published = figures.get("domains") or {}
    try:
        again = compute_figures(data, date, old_params)
    except (WorkbenchError, ValueError, TypeError) as exc:  # another version's parameters
        note = f"the figures of {date} cannot be recomputed with its parameters ({type(exc).__name__})"
        return SinceLastRun(date, changes, [], parameter_changes(old_params, params),
                            dict(previous.get("pack") or {}), [note])
    recomputed = mask_values(json.loads(json.dumps(again.domains)))
    notes = [f"{name}: published on {date}, cannot be recomputed now ({again.skipped.get(name, '?')})"
             for name in published if name not in recomputed]
    return SinceLastRun(date, changes, compare_figures(published, recomputed, tolerance),
                        parameter_changes(old_params, params), dict(previous.get("pack") or {}), notes)


def parameter_changes(before: BriefParameters, after: BriefParameters) -> list[dict]:
    """``{parameter, previous, today}`` for each parameter that differs between two runs."""
    old, new = before.as_record(), after.as_record()
    return [{"parameter": k, "previous": old[k], "today": new[k]} for k in new if old[k] != new[k]]


# ---------------------------------------------------------------- the JSON figures


def brief_figures(today: BriefFigures, since: SinceLastRun, params: BriefParameters, rules: Sequence[Rule],
                  message: Callable[[Alert], str] | None = None) -> dict:
    """The brief's JSON ``figures``: domains, alerts (with ``since``), and ``since_last_run``.

    Parameters
    ----------
    today, since, params, rules
        Today's figures, the comparison with the previous brief, the parameters and rules.
    message : callable, optional
        Words an alert (presentation's, e.g.
        :func:`workbench.present.alert_text.alert_message`); each alert record then has a
        ``message``.

    Returns
    -------
    dict
        JSON values, every text masked by the privacy filter.
    """
    changes = since.alerts

    def keys(alerts, with_since=False):
        return [{"rule": a.rule, "subject": a.subject, **({"since": a.since} if with_since else {})}
                for a in alerts]

    def record(alert: Alert) -> dict:
        fields = alert.as_record()
        if message is not None:
            since_date = fields.pop("since")
            fields = {**fields, "message": message(alert), "since": since_date}
        return fields

    return mask_values({
        "report_date": today.report_date,
        "parameters": params.as_record(),
        "domains": today.domains,
        "skipped": today.skipped,
        "rules_checked": rules_checked(rules, today),
        "alerts": [record(alert) for alert in changes.today],
        "since_last_run": {
            "previous_date": since.previous_date,
            "previous_pack": since.previous_pack.get("fingerprint"),
            "new": keys(changes.new),
            "still_open": keys(changes.still_open, with_since=True),
            "cleared": [record(alert) for alert in changes.cleared],
            "not_compared": [{"rule": a.rule, "subject": a.subject, "reason": reason}
                             for a, reason in changes.not_compared],
            "revised": since.revised,
            "parameter_changes": since.parameter_changes,
        },
    })
