"""What to do today: the brief's ranked actions, each naming who acts and the rows behind it.

Built from the brief's figures (plain JSON values, :mod:`workbench.brief.figures`), pure: no
wording (that is :mod:`workbench.present.views.brief`'s), no file access.

An *action* is one owner's share of one kind of problem, in this order of rank (people's
needs and health first, then the follow-up of inspections, then the economy):

1. ``areas_unserved`` — sealed or controlled areas without a delivery in 24 h; owner: their
   street (``watched_areas`` with ``unserved``).
2. ``communities_short`` — communities below the coverage target; owner: their street
   (``communities`` with ``short``); weight: people still to test (``gap``).
3. ``sites_uncollected`` — testing sites whose medical waste was not collected in 24 h; owner:
   the site (``uncollected_sites``); weight: hours since the last collection.
4. ``overdue_findings`` — inspection findings open longer than ``rectify_days``; owner: the
   supervision team that found them (``open_findings`` with ``overdue``).
5. ``enterprises_behind`` — enterprise targets whose projection is below ``risk_ratio`` of the
   target; owner: the enterprise (``targets`` with status ``behind``).

Within a kind, owners with more (or heavier) items come first. An action's *severity* is the
highest of the alerts the rules raised on its items (:func:`workbench.brief.alerts.evaluate_alerts`:
an alert of the action's domain whose evidence has the item's :data:`ROW_KEYS` values), None
when no rule raised one: the severities of ``parameters/alerts.yaml``, as a user edited them,
rank the actions. At most ``limit`` actions are kept: first every action with a high-severity
alert, then the others; within each of the two, the heaviest action of every kind first, in
rank order, then the next ones, so that a day with twenty overdue findings still names the
streets short of target, and no medium problem is named while a high one is left out.

Each item carries the key of its row in the full report: the page links to
``REPORT.html#row-<key>`` (:func:`workbench.present.display.row_anchor`; the report's table
is given the same key columns, :data:`ROW_KEYS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.brief.rules import SEVERITIES

#: At most this many actions open the brief.
DEFAULT_LIMIT = 7
#: Kinds of action in rank order: (kind, domain, its full report).
ACTION_KINDS = (
    ("areas_unserved", "supply", "supply_prices"),
    ("communities_short", "coverage", "testing_coverage"),
    ("sites_uncollected", "field_checks", "field_checks"),
    ("overdue_findings", "inspections", "inspections"),
    ("enterprises_behind", "enterprises", "enterprise_output"),
)
#: Actions with an alert of these severities are kept before any other.
FIRST_SEVERITIES = ("high",)
#: The columns whose values, joined by ``-``, key an item's row in its report's table.
ROW_KEYS = {
    "overdue_findings": ("inspection_id",),
    "communities_short": ("area_id",),
    "areas_unserved": ("area_id",),
    "sites_uncollected": ("site_id",),
    "enterprises_behind": ("enterprise_id", "product"),
}


@dataclass(frozen=True)
class ActionItem:
    """One row behind an action: its name, its row key in the full report, its numbers."""

    name: str
    key: str
    evidence: Mapping = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Action:
    """One owner's share of one kind of problem (see the module docstring)."""

    kind: str
    domain: str
    report: str
    owner: str
    owner_kind: str  # team, street, site, enterprise
    items: tuple[ActionItem, ...]
    weight: float  # what ranks actions of one kind: items, people to test, hours
    severity: str | None = None  # the highest of its items' alerts; None: no rule raised one

    @property
    def rank(self) -> int:
        return [kind for kind, _, _ in ACTION_KINDS].index(self.kind)

    @property
    def first(self) -> bool:
        """Whether the action is kept before the others (:data:`FIRST_SEVERITIES`)."""
        return self.severity in FIRST_SEVERITIES


def row_key(item: Mapping, kind: str) -> str:
    """The key of ``item``'s row in its full report: its :data:`ROW_KEYS` values joined by ``-``."""
    return "-".join("" if item.get(name) is None else str(item[name]) for name in ROW_KEYS[kind])


def today_actions(figures: Mapping[str, Mapping], alerts: Iterable = (), limit: int = DEFAULT_LIMIT
                  ) -> tuple[list[Action], int]:
    """The ranked actions of the day, and how many more there were (:func:`choose_actions`)."""
    chosen, left_out = choose_actions(figures, alerts, limit)
    return chosen, len(left_out)


def choose_actions(figures: Mapping[str, Mapping], alerts: Iterable = (), limit: int = DEFAULT_LIMIT
                   ) -> tuple[list[Action], list[Action]]:
    """The ranked actions of the day, and those left out.

    Parameters
    ----------
    figures : mapping
        Domain name → that domain's brief figures; a domain left out raises no action. Needs
        ``inspections.open_findings`` [inspection_id, name, team, age_days, overdue],
        ``coverage.communities`` [area_id, name, street, gap, short],
        ``supply.watched_areas`` [area_id, name, street, unserved],
        ``field_checks.uncollected_sites`` [site_id, name, hours_since],
        ``enterprises.targets`` [enterprise_id, product, name, status].
    alerts : iterable of Alert
        The alerts the rules raised on the same figures (``domain``, ``severity``, ``evidence``);
        they give the actions their severity. None given: every action is of no severity.
    limit : int
        Most actions kept.

    Returns
    -------
    (list of Action, list of Action)
        The actions kept: those with a high-severity alert first, then by rank of kind, then
        weight (heaviest first); the actions left out, in the same order.
    """
    severities = _severities(alerts)
    by_kind = [_actions_of(kind, domain, report, figures.get(domain), severities.get(kind, {}))
               for kind, domain, report in ACTION_KINDS]
    chosen: list[Action] = []
    for first in (True, False):
        _round_robin([[a for a in actions if a.first is first] for actions in by_kind], chosen, limit)
    kept = {id(action) for action in chosen}
    left_out = [action for actions in by_kind for action in actions if id(action) not in kept]
    return sorted(chosen, key=_order), sorted(left_out, key=_order)


def _order(action: Action) -> tuple:
    return (not action.first, action.rank, -action.weight, action.owner)


def _round_robin(by_kind: Sequence[Sequence[Action]], chosen: list[Action], limit: int) -> None:
    """Add to ``chosen``, up to ``limit``, the heaviest action of every kind, then the next ones."""
    depth = 0
    while len(chosen) < limit and any(len(actions) > depth for actions in by_kind):
        for actions in by_kind:
            if depth < len(actions) and len(chosen) < limit:
                chosen.append(actions[depth])
        depth += 1


def _severities(alerts: Iterable) -> dict[str, dict[str, str]]:
    """Kind → row key → the highest severity of the alerts of the kind's domain with that row key."""
    found: dict[str, dict[str, str]] = {}
    for alert in alerts:
        for kind, domain, _ in ACTION_KINDS:
            if alert.domain != domain or not all(name in alert.evidence for name in ROW_KEYS[kind]):
                continue
            known, key = found.setdefault(kind, {}), row_key(alert.evidence, kind)
            known[key] = _most_severe([alert.severity, *([known[key]] if key in known else [])])
    return found


def _most_severe(severities: Sequence[str]) -> str | None:
    """The highest of ``severities`` (:data:`~workbench.brief.rules.SEVERITIES` order), None if none."""
    return min(severities, key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES),
               default=None)


def _actions_of(kind: str, domain: str, report: str, figures: Mapping | None,
                severities: Mapping[str, str]) -> list[Action]:
    if not figures:
        return []
    selected, owner_field, owner_kind, weight_field = SELECTIONS[kind](figures)
    groups: dict[str, list[Mapping]] = {}
    for item in selected:
        groups.setdefault(_text(item.get(owner_field)), []).append(item)
    actions = []
    for owner, items in groups.items():
        rows = tuple(ActionItem(_text(i.get("name")), row_key(i, kind), dict(i)) for i in items)
        severity = _most_severe([severities[row.key] for row in rows if row.key in severities])
        actions.append(Action(kind, domain, report, owner, owner_kind, rows, _weight(items, weight_field),
                              severity))
    return sorted(actions, key=lambda action: (-action.weight, action.owner))


def _weight(items: Sequence[Mapping], weight_field: str | None) -> float:
    if weight_field is None:
        return float(len(items))
    return float(sum(_number(i.get(weight_field)) for i in items))


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _text(value) -> str:
    return "—" if value is None or value == "" else str(value)


def _overdue_findings(f: Mapping):
    return [i for i in f.get("open_findings", []) if i.get("overdue") is True], "team", "team", None


def _communities_short(f: Mapping):
    return [i for i in f.get("communities", []) if i.get("short") is True], "street", "street", "gap"


def _areas_unserved(f: Mapping):
    return [i for i in f.get("watched_areas", []) if i.get("unserved") is True], "street", "street", None


def _sites_uncollected(f: Mapping):
    return list(f.get("uncollected_sites", [])), "name", "site", "hours_since"


def _enterprises_behind(f: Mapping):
    return [i for i in f.get("targets", []) if i.get("status") == "behind"], "name", "enterprise", None


#: Kind → function(figures) → (items, owner field, owner kind, weight field or None: the count).
SELECTIONS = {"overdue_findings": _overdue_findings, "communities_short": _communities_short,
              "areas_unserved": _areas_unserved, "sites_uncollected": _sites_uncollected,
              "enterprises_behind": _enterprises_behind}
