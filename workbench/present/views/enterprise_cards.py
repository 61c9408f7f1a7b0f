"""The headline cards of the enterprise-output report: targets by status, closed loop, checks,
missing reports."""

from __future__ import annotations

from IPython.display import HTML

from workbench.domains.enterprises import STATUS_PALETTE, STATUSES, EnterpriseResult
from workbench.present import display
from workbench.present.i18n import label
from workbench.privacy import mask_personal


def status_label(status: str, lang: str = "zh") -> str:
    """The readable name of a status (``no_data``: no annual target)."""
    return label("ent_no_target" if status == "no_data" else f"ent_{status}", lang)


#: Targets a status card names before "and N more".
CARD_NAMES = 5


def headline(result: EnterpriseResult, lang: str = "zh") -> HTML:
    """Cards: targets by status, enterprises in closed loop, checks all in place, missing reports."""
    if not result.known:
        return display.headline([display.unknown_card("ent_targets_title", "ent_no_progress_data", lang)])
    statuses = result.progress["status"]
    total = len(statuses)
    cards = []
    for status in reversed(STATUSES):  # behind, at risk, on track: the bad news first
        count = int((statuses == status).sum())
        names = result.progress.loc[statuses == status]
        detail = ", ".join(mask_personal(f"{n} ({e}) {p}") for n, e, p in
                           zip(names["name"].iloc[:CARD_NAMES], names["enterprise_id"].iloc[:CARD_NAMES],
                               names["product"].iloc[:CARD_NAMES], strict=True))
        if len(names) > CARD_NAMES:  # a phone's card names a few; the table below has them all
            detail += label("ent_and_more", lang, n=len(names) - CARD_NAMES)
        if status == "on_track" or not detail:
            detail = label("ent_targets_count", lang, n=total)
        unreported = int((names["reported_days"] == 0).sum())
        if status == "behind" and unreported:  # behind by the definition (ytd 0), but no data: say so
            detail = label("ent_behind_unreported", lang, n=unreported, year=result.period.year) + detail
        cards.append({"label": status_label(status, lang), "value": f"{count} / {total}", "detail": detail,
                      "status": STATUS_PALETTE[status] if count or status == "on_track" else "good"})
    ents = result.enterprises
    closed = ents["closed_loop"].fillna(False).astype(bool)
    cards.append({"label": label("ent_closed_loop_count", lang),
                  "value": f"{int(closed.sum())} / {len(ents)}",
                  "detail": display.display_names(ents.loc[closed], "enterprise_id") or label("none", lang),
                  "status": "neutral"})
    checks = result.checks
    checked = checks[checks["check_date"].notna()]
    all_ok = int(checked["all_ok"].fillna(False).sum())
    failing = checked.loc[~checked["all_ok"].fillna(False).astype(bool)]
    not_all = display.display_names(failing, "enterprise_id")  # the card counts the others: say so
    detail = label("ent_not_all_in_place", lang, names=not_all) if not_all else label("none", lang)
    cards.append({"label": label("ent_eight_in_place", lang), "value": f"{all_ok} / {len(checked)}",
                  "detail": detail,
                  "status": "no_data" if checked.empty else "bad" if len(failing) else "good"})
    cards.append(_missing_card(result, lang))
    return display.headline(cards)


def no_production(result: EnterpriseResult) -> bool:
    """Whether no target of the scope has a production row this year: nothing to judge missing by."""
    return not result.progress["reported_days"].gt(0).any()


def _missing_card(result: EnterpriseResult, lang: str) -> dict:
    """Missing reports: enterprise-days, or "—" when no production reached the pack at all."""
    missing = result.missing
    if no_production(result) and missing.empty:
        return {"label": label("ent_missing_reports", lang), "value": "—",
                "detail": label("ent_no_production", lang, year=result.period.year), "status": "no_data"}
    ents = result.enterprises
    named = ents[ents["enterprise_id"].isin(missing["enterprise_id"])]  # which ones: a leader acts on names
    names = display.display_names(named.iloc[:CARD_NAMES], "enterprise_id")
    if len(named) > CARD_NAMES:
        names += label("ent_and_more", lang, n=len(named) - CARD_NAMES)
    key = "ent_missing_detail_named" if names else "ent_missing_detail"
    return {"label": label("ent_missing_reports", lang), "value": str(len(missing)),
            "detail": label(key, lang, days=len(missing), enterprises=missing["enterprise_id"].nunique(),
                            names=names),
            "status": "bad" if len(missing) else "good"}
