"""Alerts of the daily brief: the rules (:mod:`workbench.brief.rules`) checked against its figures.

An alert is structured data: the rule that raised it, its severity and domain, what it is
about (``subject``) and the figures behind it (``evidence``, plain JSON values). Its words,
the rule's message filled with the evidence, are presentation's
(:mod:`workbench.present.alert_text`). Text in the evidence passes through the privacy filter
(:func:`workbench.privacy.mask_values`) when the alert is made, so no output of an alert holds
a phone or ID-card number typed into the data. Since the last run: :mod:`workbench.brief.alert_changes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from workbench.brief.rules import SEVERITIES, Rule, needed_fields, read_rules
from workbench.errors import WorkbenchError
from workbench.privacy import mask_personal, mask_values

#: Rule and read_rules are also here, where they were before the rules had a module of their own.
__all__ = ["Alert", "Rule", "alert_from_record", "evaluate_alerts", "read_rules"]


@dataclass(frozen=True)
class Alert:
    """One alert: which rule, how severe, about what (``subject``) and the numbers behind it.

    ``templates`` are the rule's message templates by language; ``since`` is the report date
    from which the alert has been open without a break, as far as the briefs before tell (None
    when unknown). ``text`` is a message kept from an earlier run, shown when its rule is no
    longer in the rules file.
    """

    rule: str
    severity: str
    domain: str
    subject: str
    evidence: Mapping = field(hash=False)
    templates: Mapping[str, str] = field(default_factory=dict, hash=False)
    since: str | None = None
    text: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "subject", mask_personal(self.subject))
        object.__setattr__(self, "evidence", mask_values(dict(self.evidence)))
        if self.text is not None:
            object.__setattr__(self, "text", mask_personal(self.text))

    @property
    def key(self) -> tuple[str, str]:
        """What identifies an alert from one run to the next."""
        return (self.rule, self.subject)

    def as_record(self) -> dict:
        """The alert as JSON values: rule, severity, domain, subject, evidence, since (no wording)."""
        return {"rule": self.rule, "severity": self.severity, "domain": self.domain, "subject": self.subject,
                "evidence": dict(self.evidence), "since": self.since}


# ---------------------------------------------------------------- evaluating rules


def evaluate_alerts(figures: Mapping[str, Mapping], rules: Sequence[Rule]) -> list[Alert]:
    """Every alert the rules raise on the brief's figures, most severe first.

    Parameters
    ----------
    figures : mapping
        Domain name → that domain's figures (a domain left out of the brief is absent: its
        rules raise nothing).
    rules : sequence of Rule

    Returns
    -------
    list of Alert
        By severity, then the rules' order, then the figure's order.

    Raises
    ------
    WorkbenchError
        When a rule names a figure or a field the domain's figures do not have.
    """
    alerts = []
    for rule in rules:
        if rule.domain in figures:
            alerts += _rule_alerts(rule, figures[rule.domain])
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(alerts, key=lambda a: rank[a.severity])


def _rule_alerts(rule: Rule, figures: Mapping) -> list[Alert]:
    if rule.figure not in figures:
        raise WorkbenchError(f"alert rule {rule.id}: the {rule.domain} figures have no {rule.figure!r} "
                             f"(they have: {', '.join(figures)})")
    value = figures[rule.figure]
    if rule.kind == "value":
        items = [value] if _meets(rule, value) else []
        return [_alert(rule, rule.figure, item) for item in items]
    if not isinstance(value, list):
        raise WorkbenchError(f"alert rule {rule.id}: {rule.domain} figure {rule.figure!r} is not a list")
    if rule.kind == "list":
        return [_alert(rule, str(entry), {"id": entry}) for entry in value]
    return [_alert(rule, " / ".join(str(_field(rule, item, f)) for f in rule.subject), item)
            for item in value if _meets(rule, item)]


def _meets(rule: Rule, item) -> bool:
    if not isinstance(item, Mapping):
        raise WorkbenchError(f"alert rule {rule.id}: {rule.domain} figure {rule.figure!r} holds no mappings")
    for condition in rule.where:
        _field(rule, item, condition.field)
    return all(condition.holds(item) for condition in rule.where)


def _field(rule: Rule, item: Mapping, name: str):
    if name not in item:
        raise WorkbenchError(f"alert rule {rule.id}: {rule.domain} figure {rule.figure!r} has no field "
                             f"{name!r} (fields: {', '.join(item)})")
    return item[name]


def _alert(rule: Rule, subject: str, evidence: Mapping) -> Alert:
    for lang, template in rule.messages.items():
        if missing := sorted(needed_fields(template) - set(evidence)):
            raise WorkbenchError(f"alert rule {rule.id}: message {lang} needs {', '.join(missing)}, not in "
                                 f"the evidence ({', '.join(evidence)})")
    return Alert(rule.id, rule.severity, rule.domain, subject, dict(evidence), dict(rule.messages))


def alert_from_record(record: Mapping, rules: Sequence[Rule]) -> Alert:
    """An alert of an earlier brief's JSON, worded by today's rule of the same id when there is one.

    A template that needs a field the earlier evidence lacks (the rule's wording gained a figure
    since) is left out: that alert keeps the words it was published with.
    """
    evidence = dict(record.get("evidence") or {})
    templates = next((dict(r.messages) for r in rules if r.id == record.get("rule")), {})
    templates = {lang: t for lang, t in templates.items() if needed_fields(t) <= set(evidence)}
    return Alert(rule=str(record.get("rule")), severity=str(record.get("severity", "low")),
                 domain=str(record.get("domain", "")), subject=str(record.get("subject", "")),
                 evidence=evidence, templates=templates, since=record.get("since"),
                 text=record.get("message"))
