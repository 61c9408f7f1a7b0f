"""The index for people: one language, sections by date, the brief first, titles, status, quality links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.present.i18n import label
from workbench.runner.index_page import collect_runs, render_index

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def plant(reports: Path, date: str, stem: str, report: str, status: str = "ok", lang: str = "zh",
          scope: str | None = None, finished: str = "09:00") -> None:
    folder = reports / date
    folder.mkdir(parents=True, exist_ok=True)
    record = {"report": report, "date": date, "scope": scope, "status": status, "duration_s": 1.5,
              "finished_at": f"{date}T{finished}:00+08:00", "parameters": {"lang": lang},
              "error": None if status == "ok" else "ValueError: boom"}
    (folder / f"{stem}.json").write_text(json.dumps(record), "utf-8")
    if status == "ok":
        (folder / f"{stem}.html").write_text("<html></html>", "utf-8")


@pytest.fixture
def reports(tmp_path):
    plant(tmp_path, "2022-10-08", "inspections", "inspections", finished="08:10")
    plant(tmp_path, "2022-10-08", "daily_brief", "daily_brief", finished="08:30")
    plant(tmp_path, "2022-10-09", "testing_coverage__S01", "testing_coverage", scope="S01", finished="08:05")
    plant(tmp_path, "2022-10-09", "testing_coverage", "testing_coverage", scope="district", finished="08:06")
    plant(tmp_path, "2022-10-09", "checkpoints", "checkpoints", status="failed", finished="08:07")
    plant(tmp_path, "2022-10-09", "daily_brief_en", "daily_brief_en", lang="en", finished="08:40")
    plant(tmp_path, "2022-10-09", "daily_brief", "daily_brief", finished="08:41")
    (tmp_path / "2022-10-09" / "data_quality.html").write_text("<html></html>", "utf-8")
    return tmp_path


def order(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr(?: class="brief")? data-report="([^"]+)" data-date="([^"]+)"[^>]*>', page)


def test_the_index_is_chinese_by_default_with_titles_and_the_brief_first(reports):
    page = render_index(collect_runs(reports))
    assert '<html lang="zh-CN">' in page and f"<title>{label('index_title', 'zh')}</title>" in page
    assert order(page) == [
        ("daily_brief", "2022-10-09"), ("daily_brief_en", "2022-10-09"), ("checkpoints", "2022-10-09"),
        ("testing_coverage", "2022-10-09"), ("testing_coverage", "2022-10-09"),  # district, then S01
        ("daily_brief", "2022-10-08"), ("inspections", "2022-10-08")]
    sections = re.findall(r'<section data-date="([^"]+)"><h2><span>[^<]+</span>(.*?)</h2>', page)
    quality = f'<a href="2022-10-09/data_quality.html">{label("index_data_quality")}</a>'
    assert sections == [("2022-10-09", quality),
                        ("2022-10-08", "")]
    assert f'<a href="2022-10-09/daily_brief.html">{label("brief_title")}</a>' in page
    tag = '<span class=meta>英文版</span>'
    assert f'{label("brief_title")}</a> {tag} <code class="code">daily_brief_en' in page
    assert f'<a href="2022-10-09/testing_coverage__S01.html">{label("testing_coverage")}</a>' in page
    assert f'<span class="badge failed">{label("run_status_failed")}</span>' in page
    assert page.count(f'<span class="badge ok">{label("run_status_ok")}</span>') == 6
    assert "ValueError: boom" in page  # the error's first line, as the record has it
    assert f'{label("index_all")}</option><option value="checkpoints">{label("checkpoints")}</option>' in page


def test_the_english_index_has_no_chinese_ui_text(reports):
    page = render_index(collect_runs(reports), lang="en")
    assert '<html lang="en">' in page
    assert order(page)[:2] == [("daily_brief_en", "2022-10-09"), ("daily_brief", "2022-10-09")]
    text = re.sub(r"<(script|style)>.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not CJK.search(text), CJK.findall(text)[:5]
    assert "Daily situation brief" in text and "Chinese   daily_brief" in text and "Data quality" in text


def test_the_report_filter_offers_each_report_once_in_every_language(reports):
    page = render_index(collect_runs(reports))
    options = re.findall(r'<option value="([^"]*)"', page.split('id="f-report"')[1].split("</select>")[0])
    assert "daily_brief" in options and "daily_brief_en" not in options  # the English brief is the brief's
    assert len(options) == len(set(options))
    assert 'data-report="daily_brief_en" data-date="2022-10-09" data-group="daily_brief"' in page


def test_a_failed_run_says_its_first_problem_not_only_that_there_are_problems():
    from workbench.errors import DataError, Problem, error_headline

    problem = Problem("checkpoint_daily", "卡口日报.xlsx", None, None, "an existing file",
                      "no file 卡口日报.xlsx")
    text = f"DataError: {DataError([problem])}\n(raised by cell [4] of the notebook)"
    assert error_headline(text) == ("DataError: 1 problem in the data pack: [error] 卡口日报.xlsx: "
                                    "expected an existing file (found 'no file 卡口日报.xlsx')")
    two = f"DataError: {DataError([problem, problem])}"
    assert error_headline(two).startswith("DataError: 2 problems in the data pack: [error]")
    assert error_headline(two).endswith(" …")
    assert error_headline("ValueError: boom\n(raised by cell [7] of the notebook)") == "ValueError: boom"
    assert error_headline("") == ""
