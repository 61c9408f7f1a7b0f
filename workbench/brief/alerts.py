"""Alert rules of the daily brief: rules are data, checked against the brief's figures.

A rule (``parameters/alerts.yaml``) names a domain of the brief, a selector over that domain's
figures, a severity and a message template in zh and en. The selectors, with no expression
language behind them:

- ``list_items``: each item (a mapping) of the list ``figure`` that meets ``where`` raises one
  alert; its evidence is the item, its subject the values of the rule's ``subject`` fields.
- ``list``: each entry of the list of ids ``figure`` raises one alert; evidence ``{"id": entry}``.
- ``value``: the mapping ``figure`` raises one alert when it meets ``where``; its evidence is the
  mapping, its subject the figure's name.

``where`` is one condition or a list of conditions that must all hold, each
``{field: NAME, OPERATOR: VALUE}`` with an operator of :data:`OPERATORS`. A missing value (None)
meets no comparison: no data raises no alert (``equals: null`` does match it).

Templates name evidence fields, ``{field}`` or ``{field:format}``; the formats are listed in
:data:`FORMATS` (see :func:`render_message`). Nothing in a rule is evaluated as code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from workbench.errors import WorkbenchError
from workbench.intake.rulefiles import read_parameter_file
from workbench.paths import PARAMETERS_DIR
from workbench.present.charts import format_quantity
from workbench.present.i18n import LANGUAGES, format_count, format_rate, format_share, label

DEFAULT_RULES_FILE = PARAMETERS_DIR / "alerts.yaml"
KINDS = ("list_items", "list", "value")
SEVERITIES = ("high", "medium", "low")
#: Severity → palette status of its badge.
SEVERITY_STATUS = {"high": "bad", "medium": "warn", "low": "neutral"}
NUMERIC_OPERATORS = ("below", "at_most", "above", "at_least")
OPERATORS = ("equals", "not_equals", "one_of", *NUMERIC_OPERATORS)
#: Template formats: plain (no format), count, share, rate, num, label or label:PREFIX.
FORMATS = ("", "count", "share", "rate", "num", "label")
#: The numerator and denominator printed beside a rate field by the ``rate`` format.
RATE_PARTS = {
    "coverage": ("tested", "population"),
    "pass_rate": ("passed", "visits"),
    "compliance": ("compliant", "households"),
    "share_24h": ("served_24h", "households"),
    "risk_share": ("from_risk_areas", "people"),
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABEL_SPEC = re.compile(r"^label(:[a-z0-9_]+)?$")
RULE_KEYS = ("id", "domain", "severity", "kind", "figure", "where", "subject", "message")


@dataclass(frozen=True)
class Condition:
    """``field OPERATOR value``, e.g. ``coverage below 0.95``."""

    field: str
    operator: str
    value: object

    def holds(self, item: Mapping) -> bool:
        """Whether ``item[field]`` meets the condition (a missing value meets no comparison)."""
        found = item.get(self.field)
        if self.operator == "equals":
            return found == self.value
        if self.operator == "not_equals":
            return found != self.value
        if self.operator == "one_of":
            return found in self.value
        if not _is_number(found) or (isinstance(found, float) and math.isnan(found)):
            return False
        return {"below": found < self.value, "at_most": found <= self.value,
                "above": found > self.value, "at_least": found >= self.value}[self.operator]


@dataclass(frozen=True)
class Rule:
    """One alert rule of ``parameters/alerts.yaml`` (see the module docstring)."""

    id: str
    domain: str
    severity: str
    kind: str
    figure: str
    messages: Mapping[str, str] = field(hash=False)
    where: tuple[Condition, ...] = ()
    subject: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        """A short hash of what the rule selects (not its severity or wording).

        Two runs can only say an alert is new or cleared when they checked the same rule.
        """
        what = [self.domain, self.kind, self.figure, list(self.subject),
                [[c.field, c.operator, c.value] for c in self.where]]
        return hashlib.sha256(json.dumps(what, ensure_ascii=False, default=str).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Alert:
    """One alert: which rule, how severe, about what (``subject``) and the numbers behind it.

    ``since`` is the report date from which the alert has been open without a break, as far as
    the briefs before tell (None when unknown). ``text`` is a message kept from an earlier run,
    shown when its rule is no longer in the rules file.
    """

    rule: str
    severity: str
    domain: str
    subject: str
    evidence: Mapping = field(hash=False)
    templates: Mapping[str, str] = field(default_factory=dict, hash=False)
    since: str | None = None
    text: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What identifies an alert from one run to the next."""
        return (self.rule, self.subject)

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang``, filled with the evidence."""
        if lang in self.templates:
            return render_message(self.templates[lang], self.evidence, lang)
        return self.text or f"{self.rule}: {self.subject}"

    def as_record(self, lang: str = "zh") -> dict:
        """The alert in the brief's JSON figures."""
        return {"rule": self.rule, "severity": self.severity, "domain": self.domain, "subject": self.subject,
                "evidence": dict(self.evidence), "message": self.message(lang), "since": self.since}


# ---------------------------------------------------------------- reading rules


def read_rules(path: str | os.PathLike | None = None, domains: Collection[str] | None = None) -> list[Rule]:
    """Read the rules file: ``path``, or ``parameters/alerts.yaml`` of the workbench.

    A relative path that does not exist from the working directory is looked up from the
    workbench's folder (reports run in a scratch directory).
    """
    document, chosen = read_parameter_file(path, DEFAULT_RULES_FILE, "alert rules")
    return parse_rules(document, str(chosen), domains)


def parse_rules(document, source: str = "alert rules", domains: Collection[str] | None = None) -> list[Rule]:
    """Check and convert the ``rules:`` list of a rules document (already parsed YAML).

    Parameters
    ----------
    document : mapping
        ``{"rules": [...]}``.
    source : str
        Named in error messages (the file).
    domains : collection of str, optional
        The domains a rule may name; any when None.

    Raises
    ------
    WorkbenchError
        Naming ``source``, the rule and the key at fault.
    """
    entries = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise WorkbenchError(f"{source}: expected a non-empty 'rules:' list")
    rules = [_parse_rule(entry, f"{source}, rule {number}", domains)
             for number, entry in enumerate(entries, start=1)]
    ids = [rule.id for rule in rules]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise WorkbenchError(f"{source}: rule id(s) used twice: {', '.join(twice)}")
    return rules


def _parse_rule(entry, at: str, domains: Collection[str] | None) -> Rule:
    if not isinstance(entry, dict):
        raise WorkbenchError(f"{at}: expected a mapping with {', '.join(RULE_KEYS)}")
    if unknown := sorted(set(entry) - set(RULE_KEYS)):
        raise WorkbenchError(f"{at}: unknown key(s) {', '.join(unknown)}; keys are {', '.join(RULE_KEYS)}")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _IDENTIFIER.match(rule_id):
        raise WorkbenchError(f"{at}: 'id' must be a name of letters, digits and _, got {rule_id!r}")
    at = f"{at} ({rule_id})"
    domain, kind = entry.get("domain"), entry.get("kind")
    if domains is not None and domain not in domains:
        raise WorkbenchError(f"{at}: domain {domain!r} is not one of {', '.join(domains)}")
    if kind not in KINDS:
        raise WorkbenchError(f"{at}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if entry.get("severity") not in SEVERITIES:
        raise WorkbenchError(f"{at}: severity must be one of {', '.join(SEVERITIES)}")
    if not isinstance(entry.get("figure"), str) or not _IDENTIFIER.match(entry["figure"]):
        raise WorkbenchError(f"{at}: 'figure' must name a figure of the domain, e.g. communities")
    conditions = _parse_conditions(entry.get("where"), at)
    if kind == "value" and not conditions:
        raise WorkbenchError(f"{at}: a 'value' rule needs a 'where' condition")
    if kind == "list" and conditions:
        raise WorkbenchError(f"{at}: a 'list' rule has no 'where' (its entries are plain ids)")
    subject = _parse_subject(entry.get("subject"), kind, at)
    return Rule(id=rule_id, domain=str(domain), severity=entry["severity"], kind=kind, figure=entry["figure"],
                messages=_parse_messages(entry.get("message"), at), where=conditions, subject=subject)


def _parse_conditions(value, where: str) -> tuple[Condition, ...]:
    items = [] if value is None else value if isinstance(value, list) else [value]
    conditions = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 2 or not isinstance(item.get("field"), str):
            raise WorkbenchError(f"{where}: each 'where' condition is {{field: NAME, OPERATOR: VALUE}} "
                                 f"with one operator of {', '.join(OPERATORS)}")
        operator, expected = next((k, v) for k, v in item.items() if k != "field")
        if operator not in OPERATORS:
            raise WorkbenchError(f"{where}: operator {operator!r} is not one of {', '.join(OPERATORS)}")
        if operator in NUMERIC_OPERATORS and not _is_number(expected):
            raise WorkbenchError(f"{where}: '{operator}' needs a number, got {expected!r}")
        if operator == "one_of" and not isinstance(expected, list):
            raise WorkbenchError(f"{where}: 'one_of' needs a list, got {expected!r}")
        conditions.append(Condition(item["field"], operator, expected))
    return tuple(conditions)


def _parse_subject(value, kind: str, where: str) -> tuple[str, ...]:
    if kind != "list_items":
        if value is not None:
            raise WorkbenchError(f"{where}: only 'list_items' rules name a 'subject'")
        return ()
    fields = [value] if isinstance(value, str) else value
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise WorkbenchError(f"{where}: 'subject' must list the fields that identify an item, e.g. [area_id]")
    return tuple(fields)


def _parse_messages(value, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise WorkbenchError(f"{where}: 'message' needs a template in each of {', '.join(LANGUAGES)}")
    for lang, template in value.items():
        if not isinstance(template, str):
            raise WorkbenchError(f"{where}: message {lang} must be text")
        check_template(template, f"{where}, message {lang}")
    return dict(value)


def check_template(template: str, where: str = "template") -> list[str]:
    """The fields a template names; a WorkbenchError for anything but ``{field}`` / ``{field:format}``."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise WorkbenchError(f"{where}: {exc} (write a literal brace as {{{{ or }}}})") from None
    fields = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not _IDENTIFIER.match(name) or conversion:
            raise WorkbenchError(f"{where}: {{{name}}} must name an evidence field (letters, digits, _)")
        if spec not in FORMATS and not _LABEL_SPEC.match(spec):
            raise WorkbenchError(f"{where}: format {spec!r} of {{{name}}} is not one of "
                                 "count, share, rate, num, label, label:PREFIX")
        if spec == "rate" and name not in RATE_PARTS:
            raise WorkbenchError(f"{where}: {{{name}:rate}} — 'rate' is known for {', '.join(RATE_PARTS)}")
        fields.append(name)
    return fields


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


def needed_fields(template: str) -> set[str]:
    """The evidence fields a template needs: those it names, and the numerator and denominator of a rate."""
    needed = set()
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            needed |= {name, *RATE_PARTS.get(name, ())} if spec == "rate" else {name}
    return needed


# ---------------------------------------------------------------- messages


def render_message(template: str, evidence: Mapping, lang: str = "zh") -> str:
    """Fill ``template`` with ``evidence``, formatting each value for ``lang``.

    Formats: none (text as it is; whole numbers with separators), ``count`` (separators),
    ``share`` (0.953 → 95.3%), ``rate`` (the share with its numerator and denominator, the
    fields named in :data:`RATE_PARTS`), ``num`` (a quantity: separators when large, three
    significant digits when small), ``label`` (the label of the value, ``label:PREFIX`` the
    label of PREFIX + value, e.g. ``{zone:label}``, ``{item:label:fc_}``). A missing value
    prints "—".
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
    if spec == "share":
        return format_share(value)
    if spec == "num" or (spec == "" and isinstance(value, float)):
        return format_quantity(value)
    if spec == "count" or (spec == "" and _is_number(value)):
        return format_count(value, lang)
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------- since the last run


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


def alert_from_record(record: Mapping, rules: Sequence[Rule]) -> Alert:
    """An alert of an earlier brief's JSON, worded by today's rule of the same id when there is one."""
    templates = next((dict(r.messages) for r in rules if r.id == record.get("rule")), {})
    return Alert(rule=str(record.get("rule")), severity=str(record.get("severity", "low")),
                 domain=str(record.get("domain", "")), subject=str(record.get("subject", "")),
                 evidence=dict(record.get("evidence") or {}), templates=templates,
                 since=record.get("since"), text=record.get("message"))
