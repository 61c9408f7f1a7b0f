"""On a phone (390 × 700 px): the brief's first screen is its action list; tables fit or say they scroll;
the index's links are on screen."""

import pytest
from test_browser import open_offline

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST_SCREEN = """() => {
    const items = document.querySelectorAll('ol.wb-actions li');
    const meta = document.querySelector('.wb-meta span:nth-child(3)');  // generation time: further down
    const last = items.length ? items[items.length - 1].getBoundingClientRect().bottom : 0;
    return {items: items.length, last: last, meta: meta ? meta.getBoundingClientRect().top : 1e9};
}"""
TABLES = """() => [...document.querySelectorAll('.wb-scroll')]
    .filter(box => box.offsetParent !== null).map(box => ({
    fits: box.scrollWidth <= box.clientWidth + 1, cue: box.classList.contains('wb-overflow'),
    hint: getComputedStyle(box, '::before').content}))"""


def phone(browser, path):
    page, requests, errors = open_offline(browser, path, width=390)
    page.set_viewport_size({"width": 390, "height": 700})
    page.wait_for_timeout(200)
    assert requests == [] and errors == [], (path.name, requests, errors)
    return page


def test_the_briefs_first_phone_screen_holds_its_action_list(browser, sample_batch):
    reports, _, _ = sample_batch
    for path in sorted(reports.glob("*/daily_brief*.html")):
        page = phone(browser, path)
        shown = page.evaluate(FIRST_SCREEN)
        assert 1 <= shown["items"] <= 7, path.name
        assert shown["last"] <= 700, f"{path.name}: the action list ends at {shown['last']} px"
        assert shown["meta"] > 700, f"{path.name}: metadata before the actions"
        page.close()


def test_every_table_fits_a_phone_or_scrolls_with_a_visible_cue(browser, sample_batch):
    reports, _, _ = sample_batch
    for path in sorted(reports.glob("*/*.html")):
        page = phone(browser, path)
        for number, table in enumerate(page.evaluate(TABLES)):
            assert table["fits"] or (table["cue"] and table["hint"] not in ("none", "normal", "")), \
                f"{path.name}: table {number} is cut without a cue"
        page.close()


def test_the_index_links_are_on_a_phone_screen(browser, sample_batch):
    reports, _, _ = sample_batch
    page = phone(browser, reports / "index.html")
    rights = page.evaluate("() => [...document.querySelectorAll('td.links a')]"
                           ".map(a => a.getBoundingClientRect().right)")
    assert rights and max(rights) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
