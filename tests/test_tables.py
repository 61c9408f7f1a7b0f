"""display.table: column kinds, row anchors, order, folding, sorting script, CSV and XLSX downloads."""

from __future__ import annotations

import base64
import csv
import io
import re
import urllib.parse

import openpyxl
import pandas as pd
import pytest

from workbench.present import display
from workbench.present.i18n import label
from workbench.privacy import mask_personal

COLUMNS = {"status": "cv_status", "name": "name", "coverage": "cv_coverage", "tested": "cv_tested",
           "population": "population", "day": "report_date"}
KINDS = {"status": "status:brief_severity_", "name": "text", "coverage": "rate", "tested": "count",
         "population": "count", "day": "date"}


def frame() -> pd.DataFrame:
    # coverage is tested / population, worked out by hand: 2303/2671 = 0.862224..., 97/100 = 0.97
    return pd.DataFrame({
        "area_id": ["S01C001", "S01C002", "S01 C/3"],
        "name": ["=HYPERLINK(\"x\")", "东河社区 13812345678", "+1 west"],
        "coverage": [2303 / 2671, 0.97, None],
        "tested": [2303, 97, 0],
        "population": [2671, 100, 0],
        "status": ["high", "low", "high"],
        "short": [True, False, True],
        "day": pd.to_datetime(["2022-10-09", "2022-10-08", None]),
    })


def downloads(html: str) -> tuple[str, bytes]:
    csv_href = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1)
    xlsx_href = re.search(r'href="data:application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet;'
                          r'base64,([^"]+)"', html).group(1)
    return urllib.parse.unquote(csv_href), base64.b64decode(xlsx_href)


def test_kinds_show_raw_values_by_kind_and_align_numbers_right():
    html = display.table(frame(), COLUMNS, "en", kinds=KINDS).data
    assert f'<td class="num"><data value="{2303 / 2671!r}">86.2%</data></td>' in html
    assert '<td class="num"><data value="2303.0">2,303</data></td>' in html
    assert '<td class="num"><data value="0.97">97.0%</data></td>' in html
    assert '<td class="num"><data value="">—</data></td>' in html  # a missing rate
    assert '<td class="text"><data value="2022-10-09">2022-10-09</data></td>' in html
    high = label("brief_severity_high", "en")
    assert f">{high}</span></td>" in html and 'class="wb-badge"' in html  # status words, not codes
    assert ">high<" not in html
    assert '<th class="wb-sort num" tabindex="0">' in html  # number headers right-aligned too
    assert "13812345678" not in html and "[***]" in html


def test_row_ids_come_from_the_key_column_and_stay_valid_and_unique():
    data = pd.concat([frame(), frame().iloc[[0]]])
    html = display.table(data, COLUMNS, "zh", kinds=KINDS, key="area_id").data
    ids = re.findall(r'<tr id="([^"]+)">', html)
    assert ids == ["row-S01C001", "row-S01C002", "row-S01_20C_2f3"]  # the repeated key gets no second id
    assert html.split("<tbody>")[1].count("<tr") == 4
    assert display.row_anchor("E01-钢材") == "row-E01-_94a2_6750"
    assert display.row_anchor(7) == "row-7"


def test_lead_columns_come_first_and_exceptions_before_the_rest():
    data = frame().iloc[[1, 0, 2]]  # the short rows (0 and 2) are not first in the frame
    html = display.table(data, COLUMNS, "en", kinds=KINDS, key="area_id", lead=["status", "coverage"],
                         exceptions="short").data
    headers = re.findall(r'<th class="[^"]+" tabindex="0">([^<]+)</th>', html)
    assert headers[:3] == [label("cv_status", "en"), label("cv_coverage", "en"), label("name", "en")]
    assert re.findall(r'<tr id="([^"]+)">', html) == ["row-S01C001", "row-S01_20C_2f3", "row-S01C002"]
    with pytest.raises(ValueError, match="lead columns not among"):
        display.table(data, COLUMNS, "en", lead=["gap"])


def test_rows_after_the_limit_are_folded_under_a_summary():
    html = display.table(frame(), COLUMNS, "en", kinds=KINDS, key="area_id", fold_after=2).data
    shown, folded = html.split('<details class="wb-more">')
    assert shown.count("<tr id=") == 2 and folded.count("<tr id=") == 1
    assert f"<summary>{label('table_more_rows', 'en', n=1)}</summary>" in folded
    assert folded.count("<thead>") == 1  # the folded rows keep their headers
    assert "<details" not in display.table(frame(), COLUMNS, "en", fold_after=3).data


def test_a_table_is_sortable_and_marks_its_overflow_with_a_hint():
    html = display.table(frame(), COLUMNS, "zh", kinds=KINDS).data
    assert html.count("<script>") == 1 and "window.wbTables" in html
    assert "http" not in html.split("<script>")[1]
    assert f'data-hint="{label("table_scroll_hint", "zh")}"' in html
    assert "wb-wide" not in html
    wide = {f"c{i}": "value" for i in range(9)}
    many = pd.DataFrame({f"c{i}": [i] for i in range(9)})
    assert 'class="wb-scroll wb-wide"' in display.table(many, wide, "zh").data  # printed landscape


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown column kind 'percent'"):
        display.table(frame(), COLUMNS, "en", kinds={"coverage": "percent"})


def test_csv_holds_the_same_values_as_the_xlsx_numbers_as_numbers_and_no_formula():
    html = display.table(frame(), COLUMNS, "zh", kinds=KINDS, csv_name="coverage.csv").data
    text, xlsx = downloads(html)
    assert text.startswith("\ufeff")
    records = list(csv.reader(io.StringIO(text[1:])))
    high, low = label("brief_severity_high", "zh"), label("brief_severity_low", "zh")
    assert records[0] == [label(k, "zh") for k in COLUMNS.values()]
    assert records[1] == [high, "'=HYPERLINK(\"x\")", repr(2303 / 2671), "2303", "2671", "2022-10-09"]
    assert records[2] == [low, "东河社区 [***]", "0.97", "97", "100", "2022-10-08"]
    assert records[3] == [high, "'+1 west", "", "0", "0", ""]

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == records[0]
    assert values[1][:5] == [high, "'=HYPERLINK(\"x\")", 2303 / 2671, 2303, 2671]
    assert values[1][5].date().isoformat() == "2022-10-09"
    assert values[3][:5] == [high, "'+1 west", None, 0, 0]
    assert sheet["C2"].number_format == "0.0%" and sheet["D2"].number_format == "#,##0"
    assert isinstance(sheet["C3"].value, float) and isinstance(sheet["D3"].value, int)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@"), cell.value


def test_a_column_without_kind_downloads_as_before():
    data = pd.DataFrame({"name": ["a"], "share": [0.5]})
    html = display.table(data, {"name": "name", "share": "value"}, "en",
                         formats={"share": display.share_formatter()}, csv_name="x.csv").data
    text, xlsx = downloads(html)
    assert list(csv.reader(io.StringIO(text[1:])))[1] == ["a", "0.5"]
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx)).active[2]] == ["a", 0.5]
    assert '<td class="num"><data value="0.5">50.0%</data></td>' in html


def test_a_coordinate_is_not_taken_for_a_phone_or_id_number():
    # a map's bounds: 15 digits after the point would match an old-style ID-card number
    bounds = "[[40.558796198136590, 109.13812345678]]"
    assert mask_personal(bounds) == bounds
    assert mask_personal("Tel.13812345678") == "Tel.[***]"
    assert mask_personal("3.5 110105199001011234") == "3.5 [***]"
