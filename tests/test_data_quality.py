"""The data-quality page: every figure pinned on a tiny hand-built pack, in its JSON and its HTML text.

The pack (report date 2022-10-09): areas (3), testing sites T1, T2, checkpoints C1-C3, and

- ``sampling.csv``, 8 data rows (lines 2-9): p001 T1 10-08, p002 T1 10-09, p003 T2 10-07 are
  kept; set aside are line 5 (site T9 is unknown), lines 6, 8, 9 (``sampled_at`` "soon", a
  phone number, a ``<script>``: unparseable) and line 7 (a ``合计`` total row): 5 of 8;
- ``checkpoint_daily/`` of two files: 3 rows for 10-08 (C1, C2, C3), 3 rows for 10-09 (C1,
  C2, and on line 4 the unknown C9, set aside): C3 stopped reporting after 10-08.

So: testing sites 1 of 2 reported on 10-09 (T1), T2 last on 10-07 (2 days before);
checkpoints 2 of 3, C3 last on 10-08 (1 day before).
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import workbench.runner.batch
from workbench.cli import main
from workbench.errors import Problem, ReportError
from workbench.intake.catalog import open_pack
from workbench.intake.quality import (
    HIDDEN,
    MAX_LATE_UNITS,
    REPORTING_UNITS,
    problem_rows,
    rows_in,
    set_aside_reasons,
    unit_reports,
)
from workbench.privacy import HIDDEN_CELL
from workbench.runner.batch import run_batch, write_data_quality

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures.packs import areas_frame, sites_frame, write_pack  # noqa: E402

DAY = "2022-10-09"
PACK_NAME = "测试数据包"
SAMPLING = """person_key,area_id,site_id,sampled_at
p001,007,T1,2022-10-08 08:00
p002,007,T1,2022-10-09 09:30
p003,008,T2,2022-10-07 10:00
p004,008,T9,2022-10-09 10:00
p005,007,T1,soon
合计,,,
p006,007,T1,13912345678
p007,008,T2,<script>alert(1)</script>
"""
PERSON_KEYS = [f"p00{n}" for n in range(1, 8)]
PHONE = "13912345678"
CHECKPOINTS = """checkpoint_id,name,lon,lat
C1,一号卡口,109.801,40.601
C2,二号卡口,109.811,40.601
C3,三号卡口,109.815,40.605
"""
HEADER = "date,checkpoint_id,vehicles,people,from_risk_areas,landing_tests\n"
DAY_8 = HEADER + "2022-10-08,C1,10,20,1,2\n2022-10-08,C2,11,21,0,1\n2022-10-08,C3,12,22,2,0\n"
DAY_9 = HEADER + "2022-10-09,C1,13,23,1,1\n2022-10-09,C2,14,24,0,0\n2022-10-09,C9,1,1,0,0\n"
SET_ASIDE = " (the row was set aside; the report uses the others)"
TIMESTAMP = "a date and time such as 2022-10-09 08:00"
KNOWN_SITE = "an id listed in testing_sites.site_id (sites.csv)"
KNOWN_CHECKPOINT = "an id listed in checkpoints.checkpoint_id (checkpoints.csv)"


def tiny_pack(root: Path) -> Path:
    files = {
        "areas.geojson": areas_frame(),
        "sites.csv": sites_frame(),
        "sampling.csv": SAMPLING,
        "checkpoints.csv": CHECKPOINTS,
        "checkpoint_daily/2022-10-08.csv": DAY_8,
        "checkpoint_daily/2022-10-09.csv": DAY_9,
    }
    (root / "checkpoint_daily").mkdir(parents=True)
    datasets = {
        "areas": "areas.geojson",
        "testing_sites": "sites.csv",
        "sampling": "sampling.csv",
        "checkpoints": "checkpoints.csv",
        "checkpoint_daily": "checkpoint_daily",
    }
    return write_pack(root, files, datasets, report_date=DAY, name=PACK_NAME)


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """``workbench validate`` of the tiny pack, in zh and en: (exit codes, page texts, record)."""
    root = tmp_path_factory.mktemp("quality")
    pack = tiny_pack(root / "pack")
    codes = {
        lang: main(["validate", "--pack", str(pack), "--reports", str(root / lang), "--lang", lang])
        for lang in ("zh", "en")
    }
    pages = {lang: (root / lang / DAY / ("data_quality.html" if lang == "zh" else "data_quality_en.html"))
             .read_text("utf-8") for lang in codes}
    record = json.loads((root / "zh" / DAY / "data_quality.json").read_text("utf-8"))
    return codes, pages, record


# ---------------------------------------------------------------- the figures (JSON)


def test_validate_writes_the_page_and_its_figures_as_a_run_record(validated):
    codes, pages, record = validated
    assert codes == {"zh": 0, "en": 0}  # set-aside rows are warnings
    assert record["report"] == "data_quality" and record["date"] == DAY and record["status"] == "ok"
    assert record["html"] == f"{DAY}/data_quality.html"
    assert record["figures"]["report_date"] == DAY
    assert record["figures"]["counts"] == {
        "errors": 0,
        "warnings": 6,
        "problems_listed": 6,
        "problems_not_listed": 0,
    }
    assert pages["zh"].startswith("<!DOCTYPE html>") and '<html lang="zh">' in pages["zh"]
    for page in pages.values():  # the reports' look: the template's page rules, the title block, the tables
        assert (
            "main { max-width: 1000px" in page and 'class="wb-title"' in page and 'class="wb-table"' in page
        )
    for page in pages.values():  # offline and self-contained: nothing to fetch
        assert not re.search(r"https?:|src=|@import", page)


def test_rows_read_kept_and_set_aside_and_why(validated):
    sampling = validated[2]["figures"]["datasets"]["sampling"]
    assert sampling["files"] == [
        {"file": "sampling.csv", "rows_read": 8, "rows_kept": 3, "rows_set_aside": 5}
    ]
    assert (sampling["rows_read"], sampling["rows_kept"], sampling["rows_set_aside"]) == (8, 3, 5)
    assert sampling["set_aside"] == [
        {
            "file": "sampling.csv",
            "column": None,
            "kind": "total_rows",
            "reason": "total/subtotal row(s) set aside (line 7)",
            "rows": 1,
        },
        {
            "file": "sampling.csv",
            "column": "sampled_at",
            "kind": "unparseable",
            "reason": TIMESTAMP,
            "rows": 3,
        },
        {
            "file": "sampling.csv",
            "column": "site_id",
            "kind": "unknown_reference",
            "reason": KNOWN_SITE,
            "rows": 1,
        },
    ]
    assert sampling["date_range"] == {
        "column": "sampled_at",
        "first_day": "2022-10-07",
        "last_day": "2022-10-09",
    }
    assert (sampling["errors"], sampling["warnings"]) == (0, 5)


def test_a_dataset_of_two_files_counts_each_file(validated):
    daily = validated[2]["figures"]["datasets"]["checkpoint_daily"]
    assert daily["files"] == [
        {"file": "checkpoint_daily/2022-10-08.csv", "rows_read": 3, "rows_kept": 3, "rows_set_aside": 0},
        {"file": "checkpoint_daily/2022-10-09.csv", "rows_read": 3, "rows_kept": 2, "rows_set_aside": 1},
    ]
    assert (daily["rows_read"], daily["rows_kept"], daily["rows_set_aside"]) == (6, 5, 1)
    assert daily["set_aside"] == [
        {
            "file": "checkpoint_daily/2022-10-09.csv",
            "column": "checkpoint_id",
            "kind": "unknown_reference",
            "reason": KNOWN_CHECKPOINT,
            "rows": 1,
        }
    ]
    assert daily["date_range"] == {"column": "date", "first_day": "2022-10-08", "last_day": "2022-10-09"}
    assert validated[2]["figures"]["datasets"]["areas"]["date_range"] is None  # no date column


def test_completeness_and_the_units_that_stopped_reporting(validated):
    reporting = validated[2]["figures"]["reporting"]
    assert reporting["checkpoint"] == {
        "records": "checkpoint_daily",
        "checked_day": DAY,
        "expected": 3,
        "reported": 2,
        "completeness": 2 / 3,
        "late_count": 1,
        "late": [{"unit": "C3", "name": "三号卡口", "last_day": "2022-10-08", "days_since": 1}],
    }
    assert reporting["testing_site"] == {
        "records": "sampling",
        "checked_day": DAY,  # a site sampled on D: D is checked
        "expected": 2,
        "reported": 1,
        "completeness": 0.5,
        "late_count": 1,
        "late": [{"unit": "T2", "name": "二号点", "last_day": "2022-10-07", "days_since": 2}],
    }
    assert "enterprise" not in reporting  # the pack has no production


def test_which_reports_can_run_and_why_not(validated):
    reports = {r["report"]: r for r in validated[2]["figures"]["reports"]}
    assert reports["checkpoints"] == {
        "report": "checkpoints",
        "runs": True,
        "missing": [],
        "erring": [],
        "without": ["admin_boundaries"],
        "one_of": [],
    }
    assert reports["testing_coverage"] == {
        "report": "testing_coverage",
        "runs": False,
        "missing": ["rounds"],
        "erring": [],
        "without": ["zones", "admin_boundaries"],
        "one_of": [],
    }
    # a report of sections needs one whole: the pack has neither quarantine checks nor medical waste
    groups = [["quarantine_checks", "areas"], ["medical_waste", "testing_sites"], ["staffing"]]
    assert reports["field_checks"]["one_of"] == groups
    assert not reports["field_checks"]["runs"] and reports["field_checks"]["missing"] == []
    assert [r for r, v in reports.items() if v["runs"]] == ["checkpoints", "daily_brief"]


def test_every_problem_with_its_file_line_and_column(validated):
    problems = validated[2]["figures"]["problems"]
    located = [(p["file"], p["row"], p["column"], p["found"]) for p in problems]
    assert located == [
        ("checkpoint_daily/2022-10-09.csv", 4, "checkpoint_id", "C9"),
        ("sampling.csv", None, None, "1 total/subtotal row(s) set aside (line 7)"),
        ("sampling.csv", 6, "sampled_at", "soon"),
        ("sampling.csv", 8, "sampled_at", HIDDEN_CELL),
        ("sampling.csv", 9, "sampled_at", "<script>alert(1)</script>"),
        ("sampling.csv", 5, "site_id", "T9"),
    ]
    assert {p["expected"] for p in problems[2:5]} == {TIMESTAMP + SET_ASIDE}


# ---------------------------------------------------------------- the same numbers in the HTML text


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(page: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def row_with(table: list[list[str]], first: str) -> list[str]:
    return next(row for row in table if first in row)


def test_the_page_text_shows_the_same_numbers(validated):
    reports, datasets, files, aside, reporting, late, problems = tables_of(validated[1]["en"])
    assert row_with(reports, "Road checkpoints")[1] == "yes"
    assert row_with(reports, "Testing coverage")[1:] == [
        "no",
        "missing datasets: rounds; runs without: zones, admin_boundaries",
    ]
    assert row_with(datasets, "sampling")[2:] == [
        "1",
        "8",
        "3",
        "5",
        "sampled_at",
        "2022-10-07",
        "2022-10-09",
        "0",
        "5",
    ]
    assert row_with(datasets, "checkpoint_daily")[2:9] == [
        "2",
        "6",
        "5",
        "1",
        "date",
        "2022-10-08",
        "2022-10-09",
    ]
    assert row_with(files, "checkpoint_daily/2022-10-09.csv") == [
        "checkpoint_daily",
        "checkpoint_daily/2022-10-09.csv",
        "3",
        "2",
        "1",
    ]
    assert row_with(aside, TIMESTAMP) == [
        "sampling",
        "sampling.csv",
        "sampled_at",
        "a value that cannot be read",
        TIMESTAMP,
        "3",
    ]
    assert row_with(aside, KNOWN_SITE)[-1] == "1"
    assert row_with(aside, KNOWN_CHECKPOINT)[:3] == [
        "checkpoint_daily",
        "checkpoint_daily/2022-10-09.csv",
        "checkpoint_id",
    ]
    assert row_with(reporting, "Checkpoint") == ["Checkpoint", "checkpoint_daily", DAY, "3", "2", "66.7%",
                                                 "1"]
    assert row_with(reporting, "Testing site") == ["Testing site", "sampling", DAY, "2", "1", "50.0%", "1"]
    assert [row for row in late[1:]] == [
        ["二号点", "Testing site", "T2", "2022-10-07", "2"],  # names before codes
        ["三号卡口", "Checkpoint", "C3", "2022-10-08", "1"],
    ]
    assert row_with(problems, "soon")[:5] == ["warning", "sampling", "sampling.csv", "6", "sampled_at"]
    assert row_with(problems, "T9")[3] == "5"


def test_a_script_in_a_value_shows_as_text(validated):
    for page in validated[1].values():
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page.lower()
        # the page's own scripts are the tables' sorting script, nothing from data
        assert all("wbTables" in s for s in re.findall(r"<script>(.*?)</script>", page, flags=re.S))


def test_no_personal_data_on_the_page_or_in_its_figures(tmp_path, validated):
    texts = [*validated[1].values(), json.dumps(validated[2], ensure_ascii=False)]
    for text in texts:
        assert PHONE not in text
        assert not set(re.findall(r"p\d{3}", text)) & set(PERSON_KEYS)
    person = Problem("sampling", "s.csv", 4, "person_key", "a key", "P0042")
    free_text = Problem("inspections", "i.xlsx", 3, "finding", "a text", "门口 张三 说")
    shown = problem_rows([person, free_text])
    assert [p["found"] for p in shown] == [HIDDEN, HIDDEN]


def _outside(page: str, *, remove: tuple[str, ...]) -> str:
    """The visible text of a page: no style, script, code, lang="en" spans, nor the ``remove`` words."""
    text = re.sub(r"<style.*?</style>|<script.*?</script>|<code>.*?</code>|<span lang=\"en\">.*?</span>", " ",
                  page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    for word in remove:
        text = text.replace(word, " ")
    return text


def test_both_languages(validated):
    _, pages, record = validated
    fingerprint = record["pack"]["fingerprint"]
    zh = _outside(pages["zh"], remove=(fingerprint, "UTC", "CST"))  # the time zone's abbreviation
    assert re.findall(r"[A-Za-z]+", zh) == []
    assert (
        "核酸采样记录" in zh
        and "剔除行数" in zh
        and "编码在参考数据中不存在" in zh
        and "合计行、小计行、表格下方的备注行或重复的表头行" in zh
        and "道路卡口" in zh
    )
    late_names = tuple(u["name"] for r in record["figures"]["reporting"].values() for u in r["late"])
    en = _outside(pages["en"], remove=(PACK_NAME, *late_names))  # names are data, shown as given
    assert re.findall(r"[\u4e00-\u9fff]", en) == []
    assert "Rows set aside" in en and "Sampling records" in en


# ---------------------------------------------------------------- boundaries of the figures


def test_a_unit_that_never_reported_comes_first_and_rows_after_the_day_are_not_counted():
    unit = next(u for u in REPORTING_UNITS if u.kind == "checkpoint")
    frames = {
        "checkpoints": pd.DataFrame({"checkpoint_id": ["C1", "C2", "C3"]}),
        "checkpoint_daily": pd.DataFrame(
            {
                "checkpoint_id": ["C1", "C2", "C2"],
                "date": pd.to_datetime(["2022-10-09", "2022-10-05", "2022-10-10"]),
            }
        ),
    }
    figures = unit_reports(frames, unit, pd.Timestamp("2022-10-09"))
    assert (figures["expected"], figures["reported"], figures["completeness"]) == (3, 1, 1 / 3)
    assert figures["late"] == [
        {"unit": "C3", "name": None, "last_day": None, "days_since": None},
        {"unit": "C2", "name": None, "last_day": "2022-10-05", "days_since": 4},
    ]


def test_without_expected_units_completeness_is_none_not_zero():
    unit = next(u for u in REPORTING_UNITS if u.kind == "checkpoint")
    frames = {
        "checkpoints": pd.DataFrame({"checkpoint_id": pd.Series([], dtype=str)}),
        "checkpoint_daily": pd.DataFrame(
            {"checkpoint_id": pd.Series([], dtype=str), "date": pd.to_datetime(pd.Series([], dtype=str))}
        ),
    }
    figures = unit_reports(frames, unit, pd.Timestamp("2022-10-09"))
    assert (figures["expected"], figures["completeness"], figures["late"]) == (0, None, [])


def test_late_units_are_capped_with_their_exact_count():
    unit = next(u for u in REPORTING_UNITS if u.kind == "enterprise")
    ids = [f"E{n:03d}" for n in range(MAX_LATE_UNITS + 50)]
    frames = {
        "enterprises": pd.DataFrame({"enterprise_id": ids}),
        "production": pd.DataFrame({"enterprise_id": ids, "date": pd.Timestamp("2022-10-08")}),
    }
    figures = unit_reports(frames, unit, pd.Timestamp("2022-10-09"))
    assert (figures["late_count"], len(figures["late"]), figures["reported"]) == (150, 100, 0)


def test_the_rows_a_problem_stands_for():
    assert rows_in(Problem("sampling", "s.csv", 12, "site_id", "an id", "T9")) == 1
    assert rows_in(Problem("sampling", "s.csv", None, "site_id", "an id", "... and 1,234 more rows")) == 1234
    assert (
        rows_in(Problem("sampling", "s.csv", None, None, "no totals", "3 total/subtotal row(s) set aside"))
        == 3
    )
    assert rows_in(Problem("sampling", "s.csv", None, "x", "a column 'x'", "columns: a, b")) == 0
    capped = [
        Problem("sampling", "s.csv", line, "site_id", "an id" + SET_ASIDE, "T9", "warning")
        for line in range(2, 22)
    ]
    capped.append(
        Problem("sampling", "s.csv", None, "site_id", "an id" + SET_ASIDE, "... and 5 more rows", "warning")
    )
    assert set_aside_reasons(capped) == [
        {"file": "s.csv", "column": "site_id", "kind": "other", "reason": "an id", "rows": 25}
    ]


def test_the_problem_list_is_capped_with_the_exact_count(tmp_path):
    from workbench.intake.quality import quality_figures

    pack = open_pack(tiny_pack(tmp_path / "pack"))
    many = [
        Problem("sampling", "sampling.csv", n, "site_id", "an id", "T9", "warning") for n in range(2, 1002)
    ]
    figures = quality_figures(pack, {}, {}, many, DAY)
    assert figures["counts"]["problems_listed"] == 400 and figures["counts"]["problems_not_listed"] == 600
    assert figures["datasets"]["sampling"]["loaded"] is False
    assert figures["datasets"]["sampling"]["files"] == [
        {"file": "sampling.csv", "rows_read": None, "rows_kept": None, "rows_set_aside": None}
    ]


def test_a_dataset_with_an_error_is_listed_as_not_loaded(tmp_path):
    pack = tiny_pack(tmp_path / "pack")
    (pack / "checkpoints.csv").write_text("checkpoint_id,name,lon\nC1,一号卡口,109.801\n", "utf-8")
    assert main(["validate", "--pack", str(pack), "--reports", str(tmp_path / "r"), "--lang", "en"]) == 1
    figures = json.loads((tmp_path / "r" / DAY / "data_quality_en.json").read_text("utf-8"))["figures"]
    assert figures["datasets"]["checkpoints"]["loaded"] is False
    assert figures["datasets"]["checkpoints"]["rows_read"] is None
    checkpoints = next(r for r in figures["reports"] if r["report"] == "checkpoints")
    assert (checkpoints["runs"], checkpoints["erring"]) == (False, ["checkpoints"])
    page = (tmp_path / "r" / DAY / "data_quality_en.html").read_text("utf-8")
    assert "datasets with errors: <code>checkpoints</code>" in page


# ---------------------------------------------------------------- where and when it is written


def test_a_batch_writes_the_page_once_before_its_reports(tmp_path, monkeypatch):
    pack = tiny_pack(tmp_path / "pack")
    schedule = tmp_path / "schedule.yaml"
    notebook = Path(__file__).resolve().parent / "notebooks" / "tiny.ipynb"
    schedule.write_text(
        f"reports:\n  - notebook: {notebook}\n  - notebook: {notebook}\n    name: tiny2\n", "utf-8"
    )
    events = []
    real = workbench.runner.batch.write_data_quality

    def recorded(*args, **kwargs):
        events.append("page")
        return real(*args, **kwargs)

    def run_stages(todo, *args, **kwargs):
        events.extend(job.stem for job in todo)
        return []

    monkeypatch.setattr(workbench.runner.batch, "write_data_quality", recorded)
    monkeypatch.setattr(workbench.runner.batch, "run_stages", run_stages)
    monkeypatch.setattr(workbench.runner.batch, "ensure_kernel", lambda: None)
    run_batch(
        schedule, pack=pack, reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs", progress=False
    )
    assert events == ["page", "tiny", "tiny2"]
    record = json.loads((tmp_path / "reports" / DAY / "data_quality.json").read_text("utf-8"))
    assert record["figures"]["datasets"]["sampling"]["rows_set_aside"] == 5
    index = (tmp_path / "reports" / "index.html").read_text("utf-8")
    assert f"{DAY}/data_quality.html" in index


def test_a_page_that_cannot_be_written_does_not_stop_the_batch(tmp_path, monkeypatch):
    said = []

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(workbench.runner.batch, "write_data_quality", broken)
    workbench.runner.batch.write_batch_quality(object(), DAY, tmp_path, said.append)
    assert said == ["data_quality.html not written: OSError: No space left on device"]


def test_the_page_stays_inside_reports_of_its_date_and_is_replaced_atomically(tmp_path):
    pack = open_pack(tiny_pack(tmp_path / "pack"))
    with pytest.raises(ReportError, match="outside"):
        write_data_quality(pack, "../elsewhere", tmp_path / "reports")
    first = write_data_quality(pack, DAY, tmp_path / "reports")
    again = write_data_quality(pack, DAY, tmp_path / "reports")
    assert first == again and '<html lang="zh">' in again.read_text("utf-8")
    assert sorted(p.name for p in again.parent.iterdir()) == ["data_quality.html", "data_quality.json"]


def test_the_english_page_is_written_beside_the_chinese_one_under_the_name_english_reports_link(tmp_path):
    pack = open_pack(tiny_pack(tmp_path / "pack"))
    chinese = write_data_quality(pack, DAY, tmp_path / "reports")
    english = write_data_quality(pack, DAY, tmp_path / "reports", lang="en")
    assert english.name == "data_quality_en.html" and '<html lang="en">' in english.read_text("utf-8")
    assert '<html lang="zh">' in chinese.read_text("utf-8")
    assert sorted(p.name for p in english.parent.iterdir()) == [
        "data_quality.html", "data_quality.json", "data_quality_en.html", "data_quality_en.json"]
    record = json.loads((english.parent / "data_quality_en.json").read_text("utf-8"))
    assert (record["report"], record["parameters"], record["html"]) == (
        "data_quality_en", {"lang": "en"}, f"{DAY}/data_quality_en.html")


def test_validate_without_a_report_date_says_why_there_is_no_page(tmp_path, capsys):
    pack = tiny_pack(tmp_path / "pack")
    catalog = (pack / "catalog.yaml").read_text("utf-8").replace(f"report_date: '{DAY}'\n", "")
    (pack / "catalog.yaml").write_text(catalog, "utf-8")
    assert main(["validate", "--pack", str(pack), "--reports", str(tmp_path / "r")]) == 0
    assert "data-quality page not written: no report date" in capsys.readouterr().err
    assert (
        main(["validate", "--pack", str(pack), "--reports", str(tmp_path / "r"), "--date", "2022-10-08"]) == 0
    )
    figures = json.loads((tmp_path / "r" / "2022-10-08" / "data_quality.json").read_text("utf-8"))["figures"]
    assert figures["reporting"]["checkpoint"]["reported"] == 3  # on 10-08 all three reported


def test_the_figures_of_a_sample_sized_feed_need_no_loop_over_its_rows(tmp_path):
    """734,672 samples (the sample pack's count) at 126 sites: well under a second when vectorised."""
    import time

    import numpy as np

    from workbench.intake.origins import Origin, Part
    from workbench.intake.quality import quality_figures

    pack = open_pack(tiny_pack(tmp_path / "pack"))
    rows = 734_672
    sites = np.array([f"T{n:03d}" for n in range(126)])
    sampling = pd.DataFrame(
        {
            "site_id": sites[np.arange(rows) % 126],
            "sampled_at": pd.Timestamp("2022-10-04 07:00") + pd.to_timedelta(np.arange(rows) % 5, unit="D"),
        }
    )
    frames = {"sampling": sampling.iloc[1:], "testing_sites": pd.DataFrame({"site_id": sites})}
    origins = {"sampling": Origin("sampling", (Part("sampling.csv", start=0, stop=rows),))}
    started = time.perf_counter()
    figures = quality_figures(pack, frames, origins, [], DAY)
    assert time.perf_counter() - started < 5
    assert figures["datasets"]["sampling"]["files"][0] == {
        "file": "sampling.csv",
        "rows_read": 734_672,
        "rows_kept": 734_671,
        "rows_set_aside": 1,
    }
    # no site sampled on the report date 10-09 (no round): checked on 10-08, when all 126 did
    assert figures["reporting"]["testing_site"]["checked_day"] == "2022-10-08"
    assert figures["reporting"]["testing_site"]["late_count"] == 0


def test_validate_of_a_catalog_that_cannot_be_opened_writes_no_page_and_says_so(tmp_path, capsys):
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "catalog.yaml").write_text("datasets: [oops\n", "utf-8")
    assert main(["validate", "--pack", str(tmp_path / "pack"), "--reports", str(tmp_path / "r")]) == 1
    out, err = capsys.readouterr()
    assert "valid YAML" in out and "Traceback" not in out + err
    assert "data-quality page not written: the catalog cannot be opened" in err
    assert not (tmp_path / "r").exists()


def test_an_xlsx_problem_names_its_sheet_and_cell(tmp_path):
    from fixtures.packs import inspections_frame, places_frame

    visits = inspections_frame()
    visits.loc[1, "date"] = "yesterday"  # data row 2 is line 3 of the sheet; date is column B
    root = write_pack(
        tmp_path / "pack",
        {"areas.geojson": areas_frame(), "places.csv": places_frame()},
        {
            "areas": "areas.geojson",
            "places": "places.csv",
            "inspections": {"path": "督查.xlsx", "sheet": "督查记录"},
        },
        report_date=DAY,
    )
    visits.to_excel(root / "督查.xlsx", sheet_name="督查记录", index=False)
    write_data_quality(open_pack(root), DAY, tmp_path / "r", lang="en")
    figures = json.loads((tmp_path / "r" / DAY / "data_quality_en.json").read_text("utf-8"))["figures"]
    (problem,) = [p for p in figures["problems"] if p["dataset"] == "inspections"]
    assert (problem["file"], problem["row"], problem["column"], problem["found"]) == (
        "督查.xlsx",
        "督查记录!B3",
        "date",
        "yesterday",
    )
    inspections = figures["datasets"]["inspections"]
    assert (inspections["rows_read"], inspections["rows_kept"], inspections["rows_set_aside"]) == (2, 1, 1)
    assert inspections["date_range"] == {
        "column": "date",
        "first_day": "2022-10-05",
        "last_day": "2022-10-05",
    }


@pytest.mark.slow
def test_the_daily_batch_of_the_sample_writes_its_page(sample_batch):
    reports, _, results = sample_batch
    page = reports / DAY / "data_quality.html"
    record = json.loads(page.with_suffix(".json").read_text("utf-8"))
    assert record["status"] == "ok" and len(page.read_bytes()) < 200_000
    sampling = record["figures"]["datasets"]["sampling"]
    assert (sampling["rows_read"], sampling["rows_set_aside"]) == (734_672, 0)  # the sample's 734,672 samples
    assert record["figures"]["reporting"]["checkpoint"]["expected"] == 6
    assert all(r["runs"] for r in record["figures"]["reports"])
    reported = {r.stem.split("__")[0].removesuffix("_en") for r in results}  # streets, the en brief
    assert reported == {entry["report"] for entry in record["figures"]["reports"]}  # every report is judged
    assert "data_quality" not in {r.stem for r in results}


def test_a_day_without_a_round_calls_no_testing_site_late_but_a_day_without_checkpoint_reports_does():
    from workbench.intake.quality import REPORTING_UNITS, unit_reports

    units = {unit.kind: unit for unit in REPORTING_UNITS}
    site, checkpoint = units["testing_site"], units["checkpoint"]
    stamps = pd.to_datetime(["2022-10-07 09:00", "2022-10-08 09:00", "2022-10-07 10:00"])
    frames = {"sampling": pd.DataFrame({"site_id": ["T1", "T1", "T2"], "sampled_at": stamps}),
              "testing_sites": pd.DataFrame({"site_id": ["T1", "T2"]}),
              "checkpoint_daily": pd.DataFrame({"checkpoint_id": ["C1"],
                                                "date": pd.to_datetime(["2022-10-08"])}),
              "checkpoints": pd.DataFrame({"checkpoint_id": ["C1"]})}
    sites = unit_reports(frames, site, pd.Timestamp(DAY))
    assert (sites["checked_day"], sites["reported"], sites["late_count"]) == ("2022-10-08", 1, 1)
    assert sites["late"] == [{"unit": "T2", "name": None, "last_day": "2022-10-07", "days_since": 2}]
    checkpoints = unit_reports(frames, checkpoint, pd.Timestamp(DAY))
    assert (checkpoints["checked_day"], checkpoints["reported"], checkpoints["late_count"]) == (DAY, 0, 1)


def test_validate_leaves_the_page_of_a_day_reported_from_other_data(tmp_path, capsys):
    pack = tiny_pack(tmp_path / "pack")
    reports = tmp_path / "reports"
    page = reports / DAY / "data_quality.html"
    validate = ["validate", "--pack", str(pack), "--reports", str(reports)]
    code = main(validate)
    fingerprint = json.loads((reports / DAY / "data_quality.json").read_text("utf-8"))["pack"]["fingerprint"]

    def report_made_from(fingerprint: str) -> None:
        record = {"report": "checkpoints", "date": DAY, "status": "ok", "pack": {"fingerprint": fingerprint}}
        (reports / DAY / "checkpoints.json").write_text(json.dumps(record), "utf-8")

    report_made_from("0123456789abcdef")  # the morning's reports, from the data as it was then
    page.write_text("the page of the morning's batch", "utf-8")
    capsys.readouterr()
    assert main(validate) == code  # the problems are printed and counted all the same
    assert page.read_text("utf-8") == "the page of the morning's batch"
    said = capsys.readouterr().err
    assert "data-quality page not written" in said and "reports made from other data (checkpoints)" in said
    assert "run the batch again" in said and "--reports DIR" in said
    report_made_from(fingerprint)  # the same data: the page is rewritten
    assert main(validate) == code and "数据质量" in page.read_text("utf-8")
