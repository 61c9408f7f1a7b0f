"""Alert rules of the daily brief, read and checked: rules are data, nothing in them runs as code.

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
:data:`FORMATS`. This module only checks them; the wording (numbers, labels) is presentation's
(:mod:`workbench.present.alert_text`). Raising alerts: :mod:`workbench.brief.alerts`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.intake.rulefiles import read_parameter_file
from workbench.paths import PARAMETERS_DIR

DEFAULT_RULES_FILE = PARAMETERS_DIR / "alerts.yaml"
#: The languages every rule has a message template in (the report languages).
MESSAGE_LANGUAGES = ("zh", "en")
KINDS = ("list_items", "list", "value")
SEVERITIES = ("high", "medium", "low")
NUMERIC_OPERATORS = ("below", "at_most", "above", "at_least")
OPERATORS = ("equals", "not_equals", "one_of", *NUMERIC_OPERATORS)
#: Template formats: plain (no format), count, share, rate, num, hours, days, label or label:PREFIX.
FORMATS = ("", "count", "share", "rate", "num", "hours", "days", "label")
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


def is_number(value) -> bool:
    """Whether ``value`` is an int or float (a bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


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
        if not is_number(found) or (isinstance(found, float) and math.isnan(found)):
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
        if operator in NUMERIC_OPERATORS and not is_number(expected):
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
    if not isinstance(value, dict) or set(value) != set(MESSAGE_LANGUAGES):
        raise WorkbenchError(f"{where}: 'message' needs a template in each of {', '.join(MESSAGE_LANGUAGES)}")
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
                                 "count, share, rate, num, hours, days, label, label:PREFIX")
        if spec == "rate" and name not in RATE_PARTS:
            raise WorkbenchError(f"{where}: {{{name}:rate}} — 'rate' is known for {', '.join(RATE_PARTS)}")
        fields.append(name)
    return fields


def needed_fields(template: str) -> set[str]:
    """The evidence fields a template needs: those it names, and the numerator and denominator of a rate."""
    needed = set()
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            needed |= {name, *RATE_PARTS.get(name, ())} if spec == "rate" else {name}
    return needed
