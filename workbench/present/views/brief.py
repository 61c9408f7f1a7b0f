"""The daily brief's page: summary cards, one card per domain with its link, alerts, since the last run.

Built from the brief's figures (plain JSON values), so the page shows exactly what the JSON
record holds (:func:`record_figures`, the alerts worded here). Lists rather than wide tables:
the brief is read on a phone first. Every value from data is escaped; the alerts' texts were
masked by the privacy filter when they were raised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import HTML

from workbench.brief.alerts import Alert
from workbench.brief.changes import SinceLastRun, brief_figures
from workbench.brief.figures import DOMAINS, BriefFigures, BriefParameters
from workbench.brief.rules import SEVERITIES, Rule
from workbench.present import display
from workbench.present.alert_text import alert_message, render_message
from workbench.present.i18n import format_count, format_rate, format_share, label
from workbench.present.notes import note_text
from workbench.present.palette import STATUS_COLOURS
from workbench.present.safe_html import escape
from workbench.present.views.brief_actions import actions_section  # noqa: F401 (the page's opening)
from workbench.present.views.brief_followup import FOLLOWUP_CARDS
from workbench.privacy import mask_personal

BRIEF_CSS = """
<style>
.wb-brief-card .wb-detail {margin-top: .15em;}
.wb-brief-card a {font-size: .85em;}
.wb-alerts, .jp-RenderedHTMLCommon ul.wb-alerts {list-style: none; padding-left: 0; margin: .3em 0;}
.wb-alerts li {padding: .3em 0; border-bottom: 1px solid #eee;}
.wb-alerts .wb-domain {color: #555; font-size: .85em; margin-right: .3em;}
.wb-cleared li {color: #555;}
.wb-alert-group ul {margin: .1em 0 .2em 1em; padding-left: .6em; font-size: .92em;}
.wb-digest > details > summary {font-weight: 600; padding: .2em 0;}
@media print { details::details-content {content-visibility: visible; display: block;} }
</style>
"""
#: Every <details> of the page open on paper (Chromium prints a closed one as its summary only):
#: opened before printing, closed again after, as they were. Besides BRIEF_CSS's print rule on
#: ``details::details-content`` (a browser without it drops that rule); the PDF writer opens them
#: too (:mod:`workbench.runner.pdf`).
PRINT_SCRIPT = """
<script>
(function () {
  if (window.wbPrintDetails) { return; }
  window.wbPrintDetails = true;
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
</script>
"""
#: Severity → palette status of its badge.
SEVERITY_STATUS = {"high": "bad", "medium": "warn", "low": "neutral"}
#: Severities whose alerts are listed open; the others are folded under a summary line.
OPEN_SEVERITIES = ("high", "medium")


# ---------------------------------------------------------------- the JSON figures


def record_figures(today: BriefFigures, since: SinceLastRun, params: BriefParameters, rules: Sequence[Rule],
                   lang: str = "zh") -> dict:
    """The brief's JSON figures (:func:`workbench.brief.changes.brief_figures`), alerts worded in ``lang``."""
    return brief_figures(today, since, params, rules, message=lambda alert: alert_message(alert, lang))


# ---------------------------------------------------------------- summary


def summary(since: SinceLastRun, lang: str = "zh") -> HTML:
    """Cards: alerts by severity, new and cleared since the last brief, revised past figures."""
    changes = since.alerts
    counts = {s: sum(a.severity == s for a in changes.today) for s in SEVERITIES}
    worst = next((s for s in SEVERITIES if counts[s]), None)
    cards = [{"label": label("brief_alert_count", lang), "value": str(len(changes.today)),
              "detail": " · ".join(f"{label(f'brief_severity_{s}', lang)} {counts[s]}" for s in SEVERITIES),
              "status": SEVERITY_STATUS[worst] if worst else "good"}]
    if since.previous_date is None:
        cards.append({"label": label("brief_since_section", lang), "value": "—",
                      "detail": label("brief_no_previous", lang), "status": "no_data"})
    else:
        compared = label("brief_compared_with", lang, date=since.previous_date)
        cards += [
            {"label": label("brief_new_count", lang), "value": str(len(changes.new)), "detail": compared,
             "status": "bad" if changes.new else "good"},
            {"label": label("brief_cleared_count", lang), "value": str(len(changes.cleared)),
             "detail": label("brief_still_open_count", lang, n=len(changes.still_open)), "status": "neutral"},
        ]
        if since.revised:  # an analyst's matter: a card only when a past figure changed
            cards.append({"label": label("brief_revised_count", lang), "value": str(len(since.revised)),
                          "detail": label("brief_revised_detail", lang, date=since.previous_date),
                          "status": "warn"})
    return display.headline(cards)


# ---------------------------------------------------------------- one card per domain


def domain_cards(figures: BriefFigures, links: Mapping[str, Mapping], lang: str = "zh") -> HTML:
    """One card per domain: its headline figure, the numbers behind it, a link to its full report."""
    parts = []
    for domain in DOMAINS:
        missing = {"href": f"{domain.report}.html", "status": "missing", "html": False}
        link = _link(links.get(domain.report, missing), lang)
        if domain.name in figures.domains:
            card = CARDS[domain.name](figures.domains[domain.name], lang)
        else:
            why = note_text(figures.skipped.get(domain.name, ""), lang)
            reason = label("brief_skipped", lang, reason=why)
            card = {"value": "—", "details": [reason], "status": "no_data"}
        parts.append(_card(label(f"brief_domain_{domain.name}", lang), card, link))
    return HTML(f'{BRIEF_CSS}<div class="wb-cards">{"".join(parts)}</div>')


def _card(title: str, card: Mapping, link_html: str) -> str:
    colour = STATUS_COLOURS.get(card["status"], STATUS_COLOURS["neutral"])
    details = "".join(f'<div class="wb-detail">{escape(d)}</div>' for d in card["details"])
    return (f'<div class="wb-card wb-brief-card" style="border-left-color:{colour}">'
            f'<div class="wb-label">{escape(title)}</div><div class="wb-value">{escape(card["value"])}</div>'
            f'{details}<div class="wb-detail">{link_html}</div></div>')


def _link(link: Mapping, lang: str) -> str:
    """The link to a full report of the same run, with a badge when it failed or is not there (yet)."""
    words = escape(label("brief_full_report", lang))
    # a page the run did not make (not run, or a day without it) is not linked: no dead link
    anchor = f'<a href="{escape(link["href"])}">{words} →</a>' if link.get("html", True) else words
    if link.get("in_other_language"):
        anchor += f' <span class="wb-note">{escape(label("brief_in_chinese", lang))}</span>'
    if link["status"] == "ok":
        return anchor
    if link["status"] == "failed":
        text = label("brief_report_failed_kept" if link["html"] else "brief_report_failed", lang)
        return f"{anchor} {display.badge(text, 'bad')}"
    return f"{anchor} {display.badge(label('brief_report_missing', lang), 'no_data')}"


def _rate(numerator, denominator, lang: str) -> str:
    return format_rate(numerator, denominator, lang)


def _coverage_card(f: Mapping, lang: str) -> dict:
    district = f["district"]
    return {"value": format_share(district["coverage"]),
            "details": [f"{f['round_name']} · {_rate(district['tested'], district['population'], lang)}",
                        label("brief_short", lang, n=f["short_communities"], of=f["communities_total"]),
                        label("brief_silent", lang, n=len(f["silent_sites"])) if f.get("sites_known", True)
                        else label("sl_no_sites", lang)],
            "status": district.get("tone", "no_data")}  # the coverage report's tone (domains.coverage)


def _checkpoint_card(f: Mapping, lang: str) -> dict:
    today = f["today"]
    people = today["people"]
    if not today["reported"]:  # no checkpoint reported the last 24 h: unknown, not 0 people
        return {"value": "—", "details": [label("brief_reported", lang, n=0, of=today["expected"])],
                "status": f.get("tone", "no_data")}
    return {"value": label("brief_people_value", lang, n=format_count(people, lang)),
            "details": [label("brief_people_detail", lang),
                        label("brief_vehicles", lang, n=format_count(today["vehicles"], lang)),
                        label("brief_from_risk", lang, rate=_rate(today["from_risk_areas"], people, lang)),
                        label("brief_landing", lang, rate=_rate(today["landing_tests"], people, lang)),
                        label("brief_reported", lang, n=today["reported"], of=today["expected"])],
            "status": f.get("tone", "no_data")}


def _inspection_card(f: Mapping, lang: str) -> dict:
    t = f["totals"]
    return {"value": format_share(t["pass_rate"]),
            "details": [label("brief_pass_rate", lang, days=t["window_days"],
                              rate=_rate(t["passed"], t["visits"], lang)),
                        label("brief_open_overdue", lang, open=t["open"], overdue=t["overdue"]),
                        label("brief_places_visited", lang, rate=_rate(t["visited"], t["places"], lang))],
            "status": f.get("tone", "no_data")}


def _supply_card(f: Mapping, lang: str) -> dict:
    zones = [f"{label(zone, lang)} {_rate(z['served_24h'], z['households'], lang)}"
             for zone, z in f["zones"].items()]
    return {"value": f"{f['unserved']} / {len(f['watched_areas'])}",
            "details": [label("brief_unserved", lang), label("brief_served_24h", lang), *zones],
            "status": f.get("tone", "no_data")}


def _price_card(f: Mapping, lang: str) -> dict:
    return {"value": str(f["alert_count"]),
            "details": [label("brief_price_alerts", lang),
                        label("brief_price_series", lang, n=f["series_today"])],
            "status": f.get("tone", "no_data")}


def _field_card(f: Mapping, lang: str) -> dict:
    """Items below target and uncollected sites; a section the pack has no data for says so."""
    items = f["quarantine_items"]
    below = [i for i in items if i["below_target"]]
    q, w = f["quarantine"], f["waste"]
    details = [label("brief_items_below", lang),
               *(f"{label('fc_' + i['item'], lang)} {_rate(i['compliant'], i['households'], lang)}"
                 for i in below),
               label("brief_communities_below", lang, n=q["communities_below_target"], of=q["communities"]),
               ] if q is not None else [label("fc_no_quarantine_data", lang)]
    details += [label("brief_uncollected", lang, n=w["uncollected"], of=w["testing_sites"]),
                label("brief_waste", lang, kg=format_count(w["kg_24h"], lang))
                ] if w is not None else [label("fc_no_waste_data", lang)]
    value = f"{len(below)} / {len(items)}" if q is not None else "—"
    status = "bad" if below or (w or {}).get("uncollected") else "good"
    return {"value": value, "details": details, "status": status}


def _enterprise_card(f: Mapping, lang: str) -> dict:
    targets, firms = f["by_status"], f["enterprises_by_status"]
    return {"value": str(targets["behind"]),
            "details": [label("brief_targets_behind", lang), label("brief_targets_status", lang, **targets),
                        label("brief_enterprises_status", lang, **firms),
                        label("brief_missing_reports", lang, n=f["missing_reports"])],
            "status": f.get("tone", "no_data")}


CARDS = {"coverage": _coverage_card, "checkpoints": _checkpoint_card, "inspections": _inspection_card,
         "supply": _supply_card, "prices": _price_card, "field_checks": _field_card,
         "enterprises": _enterprise_card, **FOLLOWUP_CARDS}


# ---------------------------------------------------------------- alerts

#: Alerts of these rules are grouped by this evidence field: one line per commodity listing its
#: markets, one per enterprise listing its products (labels ``brief_group_head_/item_<rule>``).
GROUPED_RULES = {"price_above_baseline": "commodity", "price_daily_jump": "commodity",
                 "price_consecutive_rises": "commodity", "enterprise_behind": "enterprise_id",
                 "enterprise_at_risk": "enterprise_id"}


def alerts_digest(since: SinceLastRun, lang: str = "zh") -> HTML:
    """Today's alerts, folded by severity; alerts of one rule and commodity (enterprise) on one line.

    Each line states its evidence in words and whether it is new since the last brief. With it,
    the page's print listener (:data:`PRINT_SCRIPT`): every fold of the page opens on paper.
    """
    today = since.alerts.today
    if not today:
        return HTML(f'{PRINT_SCRIPT}<p class="wb-note">{escape(label("brief_no_alerts", lang))}</p>')
    new = None if since.previous_date is None else {a.key for a in since.alerts.new}
    parts = []
    for severity in SEVERITIES:
        alerts = [a for a in today if a.severity == severity]
        if not alerts:
            continue
        title = f"{label(f'brief_severity_{severity}', lang)} ({len(alerts)})"
        parts.append(f"<details><summary>{escape(title)}</summary>{_alert_list(alerts, lang, new)}</details>")
    return HTML(f'{BRIEF_CSS}{PRINT_SCRIPT}<div class="wb-digest">{"".join(parts)}</div>')


def group_alerts(alerts: Sequence[Alert]) -> list[list[Alert]]:
    """``alerts`` in groups, in their order: one per rule and value of its :data:`GROUPED_RULES` field."""
    groups: dict[tuple, list[Alert]] = {}
    for alert in alerts:
        field = GROUPED_RULES.get(alert.rule)
        key = (alert.rule, str(alert.evidence.get(field))) if field else (alert.rule, alert.subject,
                                                                           id(alert))
        groups.setdefault(key, []).append(alert)
    return list(groups.values())


def _alert_list(alerts: Sequence[Alert], lang: str, new: set | None) -> str:
    rows = []
    for group in group_alerts(alerts):
        first = group[0]
        domain = escape(label(f"brief_domain_{first.domain}", lang))
        if len(group) == 1:
            state = "" if new is None else _since_badge(first, first.key in new, lang) + " "
            text = escape(alert_message(first, lang))
            rows.append(f'<li>{state}<span class="wb-domain">{domain}</span>{text}</li>')
            continue
        head = render_message(label(f"brief_group_head_{first.rule}", lang),
                              {**first.evidence, "n": len(group)}, lang)
        members = []
        for alert in group:
            state = "" if new is None else _since_badge(alert, alert.key in new, lang) + " "
            text = render_message(label(f"brief_group_item_{alert.rule}", lang), alert.evidence, lang)
            members.append(f"<li>{state}{escape(mask_personal(text))}</li>")
        rows.append(f'<li class="wb-alert-group"><span class="wb-domain">{domain}</span>'
                    f'{escape(mask_personal(head))}'
                    f'<ul>{"".join(members)}</ul></li>')
    return f'<ul class="wb-alerts">{"".join(rows)}</ul>'


def _since_badge(alert: Alert, new: bool, lang: str) -> str:
    """``new``, ``open since D`` or ``not compared`` (the rule was not checked the same way before)."""
    if new:
        return display.badge(label("brief_new", lang), "bad")
    if alert.since is None:
        return display.badge(label("brief_not_compared", lang), "no_data")
    return display.badge(label("brief_open_since", lang, date=alert.since), "warn")


# ---------------------------------------------------------------- since the last run


def since_section(since: SinceLastRun, fingerprint: str, lang: str = "zh") -> HTML:
    """What changed since the previous brief: cleared alerts, alerts not compared, revised figures."""
    if since.previous_date is None:
        return HTML(f'<p class="wb-note">{escape(label("brief_no_previous", lang))}</p>')
    changes = since.alerts
    previous = since.previous_pack.get("fingerprint") or "—"
    # the fingerprints themselves close the page (report details); here only what they mean
    note = label("brief_compared_note", lang, date=since.previous_date, new=len(changes.new),
                 open=len(changes.still_open), cleared=len(changes.cleared))
    if previous == fingerprint:
        note += " " + label("brief_same_pack", lang)
    parts = [_note(note)]
    parts.append(f"<h3>{escape(label('brief_cleared', lang))} ({len(changes.cleared)})</h3>")
    parts.append(_plain_list([alert_message(a, lang) for a in changes.cleared], lang, "wb-alerts wb-cleared"))
    if changes.not_compared:
        parts.append(f"<h3>{escape(label('brief_not_compared', lang))} ({len(changes.not_compared)})</h3>")
        parts.append(_plain_list([f"{label(f'brief_reason_{reason}', lang)}: {alert_message(a, lang)}"
                                  for a, reason in changes.not_compared], lang, "wb-alerts wb-cleared"))
    if since.parameter_changes:
        parts.append(f"<h3>{escape(label('brief_parameter_changes', lang))}</h3>")
        parts.append(_plain_list([f"{c['parameter']}: {_text(c['previous'])} → {_text(c['today'])}"
                                  for c in since.parameter_changes], lang, "wb-alerts"))
    parts.append(f"<h3>{escape(label('brief_revised', lang))} ({len(since.revised)})</h3>")
    parts.append(_note(label("brief_revised_note", lang, date=since.previous_date)))
    parts.append(revisions_table(since.revised, lang).data)
    return HTML("".join(parts))


def revisions_table(revised: Sequence[Mapping], lang: str = "zh") -> HTML:
    """Figures of the previous date whose value changed: published, recomputed, difference."""
    frame = pd.DataFrame([{"domain": label(f"brief_domain_{r['domain']}", lang), "figure": r["figure"],
                           "published": _text(r["published"]), "recomputed": _text(r["recomputed"]),
                           "difference": _text(r["difference"], signed=True)} for r in revised],
                         columns=["domain", "figure", "published", "recomputed", "difference"])
    columns = {"domain": "brief_domain", "figure": "brief_figure", "published": "brief_published",
               "recomputed": "brief_recomputed", "difference": "brief_difference"}
    return display.table(frame, columns, lang, csv_name="revised_figures.csv",
                         empty_text=label("brief_no_revision", lang))


def _text(value, signed: bool = False) -> str:
    """A figure's value as short text: numbers as they are, items and lists as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:+,}" if signed else f"{value:,}"
    if isinstance(value, float):
        return f"{value:+.6g}" if signed else f"{value:.6g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _note(text: str) -> str:
    return f'<p class="wb-note">{escape(text)}</p>'


def _plain_list(texts: Sequence[str], lang: str, css: str) -> str:
    if not texts:
        return _note(label("none", lang))
    return f'<ul class="{css}">{"".join(f"<li>{escape(t)}</li>" for t in texts)}</ul>'
