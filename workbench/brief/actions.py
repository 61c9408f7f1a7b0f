"""What to do today: the brief's ranked actions, each naming who acts and the rows behind it.

Built from the brief's figures (plain JSON values, :mod:`workbench.brief.figures`), pure: no
wording (that is :mod:`workbench.present.views.brief`'s), no file access.

An *action* is one owner's share of one kind of problem, in this order of rank:

1. ``overdue_findings`` — inspection findings open longer than ``rectify_days``; owner: the
   supervision team that found them (``open_findings`` with ``overdue``).
2. ``communities_short`` — communities below the coverage target; owner: their street
   (``communities`` with ``short``); weight: people still to test (``gap``).
3. ``areas_unserved`` — sealed or controlled areas without a delivery in 24 h; owner: their
   street (``watched_areas`` with ``unserved``).
4. ``sites_uncollected`` — testing sites whose medical waste was not collected in 24 h; owner:
   the site (``uncollected_sites``); weight: hours since the last collection.
5. ``enterprises_behind`` — enterprise targets whose projection is below ``risk_ratio`` of the
   target; owner: the enterprise (``targets`` with status ``behind``).

Within a kind, owners with more (or heavier) items come first. At most ``limit`` actions are
kept: first the heaviest action of every kind, in rank order, then the next ones, so that a
day with twenty overdue findings still names the streets short of target.

Each item carries the key of its row in the full report: the page links to
``REPORT.html#row-<key>`` (:func:`workbench.present.display.row_anchor`; the report's table
is given the same key columns, :data:`ROW_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: At most this many actions open the brief.
DEFAULT_LIMIT = 7
#: Kinds of action in rank order: (kind, domain, its full report).
ACTION_KINDS = (
    ("overdue_findings", "inspections", "inspections"),
    ("communities_short", "coverage", "testing_coverage"),
    ("areas_unserved", "supply", "supply_prices"),
    ("sites_uncollected", "field_checks", "field_checks"),
    ("enterprises_behind", "enterprises", "enterprise_output"),
)
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

    @property
    def rank(self) -> int:
        return [kind for kind, _, _ in ACTION_KINDS].index(self.kind)


def row_key(item: Mapping, kind: str) -> str:
    """The key of ``item``'s row in its full report: its :data:`ROW_KEYS` values joined by ``-``."""
    return "-".join("" if item.get(name) is None else str(item[name]) for name in ROW_KEYS[kind])


def today_actions(figures: Mapping[str, Mapping], limit: int = DEFAULT_LIMIT) -> tuple[list[Action], int]:
    """The ranked actions of the day, and how many more there were.

    Parameters
    ----------
    figures : mapping
        Domain name → that domain's brief figures; a domain left out raises no action. Needs
        ``inspections.open_findings`` [inspection_id, name, team, age_days, overdue],
        ``coverage.communities`` [area_id, name, street, gap, short],
        ``supply.watched_areas`` [area_id, name, street, unserved],
        ``field_checks.uncollected_sites`` [site_id, name, hours_since],
        ``enterprises.targets`` [enterprise_id, product, name, status].
    limit : int
        Most actions kept.

    Returns
    -------
    (list of Action, int)
        By rank of kind, then weight (heaviest first); the count of actions left out.
    """
    by_kind = [_actions_of(kind, domain, report, figures.get(domain))
               for kind, domain, report in ACTION_KINDS]
    chosen: list[Action] = []
    depth = 0
    while len(chosen) < limit and any(len(actions) > depth for actions in by_kind):
        for actions in by_kind:
            if depth < len(actions) and len(chosen) < limit:
                chosen.append(actions[depth])
        depth += 1
    total = sum(len(actions) for actions in by_kind)
    chosen.sort(key=lambda action: (action.rank, -action.weight, action.owner))
    return chosen, total - len(chosen)


def _actions_of(kind: str, domain: str, report: str, figures: Mapping | None) -> list[Action]:
    if not figures:
        return []
    selected, owner_field, owner_kind, weight_field = SELECTIONS[kind](figures)
    groups: dict[str, list[Mapping]] = {}
    for item in selected:
        groups.setdefault(_text(item.get(owner_field)), []).append(item)
    actions = [
        Action(kind, domain, report, owner, owner_kind,
               tuple(ActionItem(_text(i.get("name")), row_key(i, kind), dict(i)) for i in items),
               _weight(items, weight_field))
        for owner, items in groups.items()
    ]
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
