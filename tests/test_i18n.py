"""Labels load from one file per domain; numbers format for each language."""

import urllib.parse

import pandas as pd
import pytest

from workbench.present import display, i18n
from workbench.present.safe_html import escape


def test_every_label_has_both_languages_and_is_defined_once():
    labels = i18n.all_labels()  # raises on duplicates or a missing language
    assert labels["coverage"] == {"zh": "覆盖率", "en": "Coverage"}


def test_unknown_label_shows_its_key():
    assert i18n.label("no_such_label", "en") == "no_such_label"


@pytest.mark.parametrize("value,lang,compact,expected", [
    (250000, "zh", True, "25万"), (123456789, "zh", True, "1.23亿"), (19606, "en", True, "19.6k"),
    (19606, "zh", False, "19,606"), (None, "zh", False, "—"),
])
def test_format_count(value, lang, compact, expected):
    assert i18n.format_count(value, lang, compact) == expected


def test_format_rate_shows_numerator_and_denominator():
    assert i18n.format_rate(2345, 2461) == "95.3% (2,345 / 2,461)"
    assert i18n.format_rate(0, 0) == "— (0 / 0)"


def test_escape_makes_html_and_template_literals_inert():
    assert escape('<img src=x onerror="a">') == "&lt;img src=x onerror=&quot;a&quot;&gt;"
    assert escape("`${alert(1)}`\\") == "&#96;&#36;{alert(1)}&#96;&#92;"
    assert escape(float("nan")) == "" and escape(None) == ""


def test_table_escapes_values_and_embeds_csv_with_bom():
    frame = pd.DataFrame({"name": ["<script>x</script>"], "tested": [3]})
    html = display.table(frame, {"name": "name", "tested": "tested"}, "en", csv_name="t.csv").data
    assert "<script>x" not in html and "&lt;script&gt;" in html
    href = html.split('href="')[1].split('"')[0]
    assert href.startswith("data:text/csv;charset=utf-8,")
    text = urllib.parse.unquote(href.split(",", 1)[1])
    assert text.startswith("\ufeffName,Tested")


def test_long_text_is_cut_where_it_reaches_html_and_kept_whole_in_the_download():
    from workbench.present.safe_html import TEXT_LIMIT

    assert escape("a" * TEXT_LIMIT) == "a" * TEXT_LIMIT
    assert escape("a" * (TEXT_LIMIT + 1)) == "a" * (TEXT_LIMIT - 1) + "…"
    finding = "整改" * 50_000  # one 100,000-character cell
    frame = pd.DataFrame({"name": [finding], "tested": [3]})
    html = display.table(frame, {"name": "name", "tested": "tested"}, "en", csv_name="t.csv").data
    shown = html.split('<a class="wb-download"')[0]
    assert len(shown) < 5 * TEXT_LIMIT and "整改" * 400 in shown
    href = html.split('href="')[1].split('"')[0]
    assert finding in urllib.parse.unquote(href.split(",", 1)[1])


def test_to_jsonable_turns_numpy_and_nan_into_json():
    import numpy as np

    out = display.to_jsonable({"a": np.int64(3), "b": np.float64("nan"), "c": pd.Timestamp("2022-10-09"),
                                "d": [np.bool_(True)]})
    assert out == {"a": 3, "b": None, "c": "2022-10-09T00:00:00", "d": [True]}


def test_reports_link_the_days_data_quality_page_from_their_metadata_and_data_notes():
    class Pack:
        name, timezone = "p", "Asia/Shanghai"

        def fingerprint(self):
            return "f"

        def display_name(self, lang):
            return self.name

    pages = (("zh", "数据质量", "data_quality.html"), ("en", "Data quality", "data_quality_en.html"))
    for lang, words, page in pages:
        meta = display.meta_block(Pack(), "全区", "2022-10-09", lang).data
        assert f'<a href="{page}">{words}</a>' in meta
        assert f'href="{page}"' in display.warnings_box(["x"], lang).data
    assert display.warnings_box([], "zh").data == ""


def test_english_labels_say_one_thing_and_two_things():
    from workbench.present.i18n import label

    assert label("ent_missing_detail", "en", days=1, enterprises="1") == "1 day · 1 enterprise"
    assert label("ent_missing_detail", "en", days=3, enterprises=2) == "3 days · 2 enterprises"
    assert label("ent_missing_detail", "zh", days=1, enterprises=1) == "1 天 · 1 家企业"
    assert label("ent_missing_detail", "en", days=11, enterprises=21) == "11 days · 21 enterprises"


def test_no_english_label_writes_a_plural_in_brackets():
    from workbench.present.i18n import all_labels

    bracketed = [key for key, texts in all_labels().items() if "(s)" in texts["en"]]
    assert bracketed == []
