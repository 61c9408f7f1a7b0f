"""The daily brief's opening list: today's ranked actions, who acts, links to their rows.

The actions are :func:`workbench.brief.actions.choose_actions`'s (figures and alerts in); this
module only words them. Every value from data is escaped. :mod:`workbench.present.views.brief`
holds the rest of the page (and re-exports :func:`actions_section`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from IPython.display import HTML

from workbench.brief.actions import Action, choose_actions
from workbench.brief.alerts import Alert
from workbench.brief.figures import BriefFigures
from workbench.present import display
from workbench.present.i18n import format_count, label
from workbench.present.safe_html import escape

ACTIONS_CSS = """
<style>
.wb-actions, .jp-RenderedHTMLCommon ol.wb-actions {padding-left: 1.6em; margin: .3em 0 .6em;}
.wb-actions li {padding: .25em 0; border-bottom: 1px solid #eee; line-height: 1.4;}
.wb-actions .wb-owner {font-weight: 600;}
.wb-actions .wb-who {color: #555; font-size: .8em; border: 1px solid #ccc; border-radius: .5em;
                     padding: 0 .35em; margin-right: .3em; white-space: nowrap;}
.wb-actions .wb-items {font-size: .9em;}
</style>
"""

#: At most this many of an action's rows are named (and linked); the rest counted.
ITEMS_NAMED = 3
#: At most this many owners of one kind are named in the line of actions left out; the rest counted.
OWNERS_NAMED = 3


def actions_section(figures: BriefFigures, alerts: Sequence[Alert], links: Mapping[str, Mapping],
                    lang: str = "zh") -> HTML:
    """The brief's opening list: today's ranked actions, who acts, links to their rows.

    ``alerts``: the alerts raised on the same figures (they rank the actions,
    :func:`workbench.brief.actions.choose_actions`). ``links``: report name → ``href``
    (:func:`workbench.brief.history.report_links`); each item links to ``href#row-<key>``
    (:func:`workbench.present.display.row_anchor`). A last line names the actions left out.
    """
    actions, left_out = choose_actions(figures.domains, alerts)
    if not actions:
        return HTML(f'{ACTIONS_CSS}<p class="wb-note">{escape(label("brief_no_actions", lang))}</p>')
    items = "".join(f"<li>{_action_line(action, links, lang)}</li>" for action in actions)
    tail = f'<p class="wb-note">{escape(left_out_text(left_out, lang))}</p>' if left_out else ""
    return HTML(f'{ACTIONS_CSS}<ol class="wb-actions">{items}</ol>{tail}')


def left_out_text(left_out: Sequence[Action], lang: str = "zh") -> str:
    """``另有 N 项：KIND（owner、owner…）；…`` — the actions left out, by kind, naming their owners."""
    owners: dict[str, list[str]] = {}
    for action in left_out:
        owners.setdefault(action.kind, []).append(action.owner)
    separator = "、" if lang == "zh" else ", "
    parts = []
    for kind, names in owners.items():
        named = separator.join(names[:OWNERS_NAMED])
        if len(names) > OWNERS_NAMED:
            named = label("brief_left_out_owners", lang, owners=named, total=len(names),
                          more=len(names) - OWNERS_NAMED)
        parts.append(label(f"brief_left_out_{kind}", lang, owners=named))
    what = ("；" if lang == "zh" else "; ").join(parts)
    return label("brief_actions_more", lang, n=len(left_out), what=what)


def _action_line(action: Action, links: Mapping[str, Mapping], lang: str) -> str:
    link = links.get(action.report, {})
    href = link.get("href", f"{action.report}.html")
    who = escape(label(f"brief_owner_{action.owner_kind}", lang))
    what = escape(label(f"brief_action_{action.kind}", lang, **_action_numbers(action, lang)))

    def linked(text: str, key: str) -> str:  # a page the run did not make is named, not linked
        if not link.get("html", True):
            return text
        return f'<a href="{escape(href)}#{display.row_anchor(key)}">{text}</a>'

    named = [linked(escape(item.name), item.key) for item in action.items[:ITEMS_NAMED]]
    if len(action.items) > ITEMS_NAMED:
        named.append(escape(label("brief_more_items", lang, n=len(action.items) - ITEMS_NAMED)))
    separator = "、" if lang == "zh" else ", "
    items = "" if action.owner_kind in ("site", "enterprise") and len(action.items) == 1 else (
        f'<div class="wb-items">{separator.join(named)}</div>')
    owner = escape(action.owner)
    if not items:  # the owner is the row itself: link the owner
        owner = linked(owner, action.items[0].key)
    return (f'<span class="wb-who">{who}</span><span class="wb-owner">{owner}</span>'
            f'{"：" if lang == "zh" else ": "}{what}{items}')


def _action_numbers(action: Action, lang: str) -> dict:
    evidence = [item.evidence for item in action.items]
    days = max((e.get("age_days") or 0 for e in evidence), default=0)
    hours = max((e.get("hours_since") or 0 for e in evidence), default=0)
    return {"n": len(action.items), "days": format_count(days, lang),
            "gap": format_count(round(action.weight), lang) if action.kind == "communities_short" else "",
            "hours": format_count(round(hours), lang)}
