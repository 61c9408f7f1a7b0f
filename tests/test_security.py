"""What a hostile pack cannot do to the pages and downloads: personal text, formulas, stray columns."""

from __future__ import annotations

import io
import urllib.parse

import numpy as np
import pandas as pd
import pytest

from workbench.present import display

PHONE, ID = "139-1234-5678", "11010119900307123X"


def _csv(html: str) -> pd.DataFrame:
    href = html.split('href="')[1].split('"')[0]
    text = urllib.parse.unquote(href.split(",", 1)[1]).lstrip("\ufeff")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _cells(html: str) -> list[str]:
    return [cell.split(">", 1)[0] for cell in html.split("<td")[1:]]


# ---------------------------------------------------------------- alignment (issue 10, point 8)


def test_text_columns_stay_left_and_wrap_numbers_go_right_formatted_or_not():
    frame = pd.DataFrame({"finding": ["值守人员不足，台账缺失，消杀记录不全"], "name": ["华鼎铜业"],
                          "share": [0.953], "count": [1234], "ratio": [1.5]})
    formats = {"finding": lambda v: f"<span>{v}</span>", "share": display.share_formatter(1)}
    html = display.table(frame, {c: c for c in frame}, "en", formats=formats).data
    assert _cells(html) == [' class="text"', ' class="text"', ' class="num"', ' class="num"', ' class="num"']
    assert ".wb-table td.text {text-align: left; white-space: normal;" in display.REPORT_CSS.replace(
        ".jp-RenderedHTMLCommon .wb-table td.text, ", "")
    assert "95.3%" in html and "1,234" in html


def test_a_missing_number_stays_in_its_number_column_and_a_flag_is_text():
    frame = pd.DataFrame({"n": [np.nan, 2.0], "flag": [True, False]})
    html = display.table(frame, {"n": "n", "flag": "flag"}, "en").data
    assert _cells(html) == [' class="num"', ' class="text"', ' class="num"', ' class="text"']


# ---------------------------------------------------------------- personal text (issue 12)


def test_tables_and_their_downloads_mask_phone_and_id_numbers_in_every_text_column():
    frame = pd.DataFrame({"team": pd.Categorical([f"第一组 {PHONE}"]), "finding": [f"身份证{ID}"], "n": [3]})
    seen = []
    formats = {"finding": lambda v: seen.append(v) or display.escape(v)}
    html = display.table(frame, {"team": "team", "finding": "finding", "n": "n"}, "en", formats=formats,
                         csv_name="x.csv").data
    assert seen == ["身份证[***]"]  # a formatter only ever sees masked text
    assert PHONE not in html and ID not in html and "1234" not in html
    assert _csv(html).to_dict("records") == [{"team": "第一组 [***]", "finding": "身份证[***]", "n": "3"}]


def test_a_column_the_view_did_not_choose_never_reaches_the_page_or_the_download():
    frame = pd.DataFrame({"name": ["和平社区"], "person_key": ["P-7f3a9c"], "contact": ["张伟"]})
    html = display.table(frame, {"name": "name"}, "en", csv_name="x.csv").data
    assert "P-7f3a9c" not in html and "张伟" not in html
    assert list(_csv(html).columns) == ["Name"]


def test_warnings_box_and_published_figures_are_masked():
    box = display.warnings_box([f"column done: found '张伟 {PHONE}'"], "en").data
    assert PHONE not in box and "[***]" in box
    from IPython.core.interactiveshell import InteractiveShell

    shown = []
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda data, **kw: shown.append(data)
    try:
        display.publish({"open": [{"finding": ID}]}, [f"bad cell {PHONE}"])
    finally:
        InteractiveShell.clear_instance()
    payload = shown[0][display.FIGURES_MIMETYPE]
    assert payload == {"figures": {"open": [{"finding": "[***]"}]}, "warnings": ["bad cell [***]"]}


# ---------------------------------------------------------------- formulas in downloads (issue 12, point 2)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_downloads_neutralise_formula_cells(cell):
    frame = pd.DataFrame({"name": [cell], "n": [-5], "text_number": ["-3"]})
    html = display.table(frame, {"name": "name", "n": "n", "text_number": "text_number"}, "en",
                         csv_name="x.csv").data
    row = _csv(html).iloc[0]
    assert row["Name"].startswith("'") and row["Name"][1:].strip() == cell.strip()
    assert row["n"] == "-5" and row["text_number"] == "-3"  # numbers stay numbers


def test_a_formula_in_a_column_name_is_neutralised_too():
    frame = pd.DataFrame({"=cmd": ["x"]})
    safe = display.spreadsheet_frame(frame)
    assert list(safe.columns) == ["'=cmd"]
