"""Every page of the sample batch at 390 × 844 (a phone) and 1280 × 800 (a laptop), measured once by
the session fixture ``rendered_pages`` (``test_browser.measure_pages``): the brief's first screen
holds its action list, every other report's its first headline figure and no run metadata; no
priority column of any table is clipped (a table fits, or scrolls inside its box with a visible
cue, and its priority columns (the row's name, the lead columns, the status) are on screen
without scrolling); the index's links are on screen.
"""

from pathlib import Path

import pytest
from test_browser import SCREENS, open_offline

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def briefs(pages):
    return {name: seen for name, seen in pages.items() if name.split("/")[-1].startswith("daily_brief")}


def test_the_briefs_first_phone_screen_holds_its_action_list(rendered_pages):
    shown = briefs(rendered_pages[390])
    assert len(shown) == 2  # zh and en
    for name, seen in shown.items():
        screen = seen["first_screen"]
        assert 1 <= screen["items"] <= 7, name
        assert screen["first"] <= SCREENS[390], f"{name}: the first action ends at {screen['first']} px"
        assert screen["last"] <= SCREENS[390], f"{name}: the action list ends at {screen['last']} px"
        assert screen["meta"] > screen["last"], f"{name}: metadata before the actions"


def test_every_reports_first_phone_screen_shows_its_first_headline_figure(rendered_pages):
    topics = {name: seen for name, seen in rendered_pages[390].items()
              if not Path(name).name.startswith(("daily_brief", "data_quality", "index"))}
    assert len(topics) >= 14
    for name, seen in topics.items():
        screen = seen["first_screen"]
        assert screen["card"] is not None, f"{name}: no headline figures"
        assert screen["card"] <= SCREENS[390], f"{name}: the first figure ends at {screen['card']} px"
        assert screen["meta"] > SCREENS[390], f"{name}: run metadata on the first screen"


def clipped(table) -> list[str]:
    """The priority headers of a measured table that are not wholly inside its visible box."""
    return [head["text"] for head in table["heads"]
            if head["key"] and (head["left"] < table["left"] - 1 or head["right"] > table["right"] + 1)]


def test_clipped_finds_a_priority_column_past_the_edge():
    table = {"left": 0, "right": 390, "heads": [
        {"text": "name", "key": True, "left": 0, "right": 120},
        {"text": "figure", "key": False, "left": 120, "right": 500},
        {"text": "status", "key": True, "left": 380, "right": 440}]}
    assert clipped(table) == ["status"]


@pytest.mark.parametrize("width", list(SCREENS))
def test_no_priority_column_is_clipped_and_every_wide_table_says_it_scrolls(rendered_pages, width):
    problems, measured = [], 0
    for name, seen in rendered_pages[width].items():
        for number, table in enumerate(seen["tables"]):
            measured += 1
            if not (table["fits"] or (table["cue"] and table["hint"] not in ("none", "normal", ""))):
                problems.append(f"{name}: table {number} is cut without a cue")
            if not any(head["key"] for head in table["heads"]):
                problems.append(f"{name}: table {number} marks no priority column")
            if cut := clipped(table):
                problems.append(f"{name}: table {number} ({table['heads'][0]['text']}): {cut} off screen")
    assert measured > 40
    assert problems == [], "\n".join(problems[:30])


def test_the_index_links_are_on_a_phone_screen(browser, sample_batch):
    reports, _, _ = sample_batch
    page, requests, errors = open_offline(browser, reports / "index.html", width=390)
    assert requests == [] and errors == []
    rights = page.evaluate("() => [...document.querySelectorAll('td.links a')]"
                           ".map(a => a.getBoundingClientRect().right)")
    assert rights and max(rights) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
