"""Today's alerts against the previous brief's: new, still open, cleared, or not comparable.

Alerts are keyed by (rule, subject). Two runs can only call an alert new or cleared when they
checked the same rule the same way (:attr:`workbench.brief.rules.Rule.digest`); otherwise the
alert is listed as not compared, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from workbench.brief.alerts import Alert


@dataclass(frozen=True)
class AlertChanges:
    """Today's alerts against the previous brief's, keyed by (rule, subject).

    ``today`` holds today's alerts with ``since`` filled; ``new``, ``still_open`` are among them;
    ``cleared`` holds alerts of the previous brief that today's checks no longer raise;
    ``not_compared`` pairs an alert (today's or the previous one) with why it cannot be called
    new or cleared: ``rule_added`` (the rule was not checked at the previous run),
    ``rule_changed`` (it selects differently now), ``not_checked_today`` (its rule or its
    domain is not checked today).
    """

    previous_date: str | None
    today: list[Alert]
    new: list[Alert]
    still_open: list[Alert]
    cleared: list[Alert]
    not_compared: list[tuple[Alert, str]]


def compare_alerts(today: Sequence[Alert], previous: Sequence[Alert] | None, *, report_date: str,
                   previous_date: str | None, checked_today: Mapping[str, str],
                   checked_before: Mapping[str, str] | None = None) -> AlertChanges:
    """Which alerts are new, still open or cleared since the previous brief.

    Parameters
    ----------
    today : sequence of Alert
        Today's alerts.
    previous : sequence of Alert, optional
        The previous brief's alerts (None when there is no previous brief: nothing is compared).
    report_date, previous_date : str
        ISO dates of both runs.
    checked_today, checked_before : mapping
        Rule id → :attr:`Rule.digest` of the rules checked at each run (a rule whose domain was
        left out is not checked). ``checked_before`` None (an older record): taken as today's.

    Returns
    -------
    AlertChanges
    """
    if previous is None:
        return AlertChanges(None, list(today), [], [], [], [])
    before = dict(checked_today) if checked_before is None else dict(checked_before)
    earlier = {alert.key: alert for alert in previous}
    dated, new, still_open, not_compared = [], [], [], []
    for alert in today:
        if alert.key in earlier:
            alert = replace(alert, since=earlier[alert.key].since or previous_date)
            still_open.append(alert)
        elif before.get(alert.rule) == checked_today.get(alert.rule):
            alert = replace(alert, since=report_date)
            new.append(alert)
        else:
            not_compared.append((alert, "rule_added" if alert.rule not in before else "rule_changed"))
        dated.append(alert)
    keys = {alert.key for alert in today}
    cleared = []
    for alert in previous:
        if alert.key in keys:
            continue
        if alert.rule in checked_today and before.get(alert.rule) == checked_today[alert.rule]:
            cleared.append(alert)
        elif alert.rule not in checked_today:
            not_compared.append((alert, "not_checked_today"))
        else:
            not_compared.append((alert, "rule_changed"))
    return AlertChanges(previous_date, dated, new, still_open, cleared, not_compared)
