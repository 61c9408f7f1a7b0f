"""The daily schedule on the sample pack: every report runs, figures equal a direct computation,
and nothing personal reaches a shared file."""

import json
import re

import pytest

from workbench.domains import coverage

pytestmark = pytest.mark.slow


def _record(reports, stem):
    (path,) = reports.glob(f"*/{stem}.json")
    return json.loads(path.read_text("utf-8"))


def test_every_report_of_the_daily_schedule_succeeds(sample_batch):
    reports, _, results = sample_batch
    failed = {r.stem: r.error for r in results if not r.ok}
    assert not failed
    index = (reports / "index.html").read_text("utf-8")
    for result in results:
        assert result.html_path.exists()
        assert f"{result.stem}.html" in index


def test_coverage_figures_equal_a_direct_computation(sample_batch, sample_data):
    reports, _, _ = sample_batch
    record = _record(reports, "testing_coverage")
    assert record["status"] == "ok" and record["scope"] in (None, "district")
    d = sample_data
    result = coverage.analyse_coverage(d.sampling, d.areas, d.testing_sites, d.rounds, d.zones,
                                       d.pack.resolve_date(None), target=0.95)
    expected = json.loads(json.dumps(coverage.coverage_figures(result), default=str))
    figures = record["figures"]
    assert figures["round_id"] == "R3"
    assert figures["district"]["tested"] == expected["district"]["tested"] == 242_677
    assert figures["district"]["population"] == 250_000
    assert figures["silent_sites"] == expected["silent_sites"]
    assert "T009" in figures["silent_sites"]
    assert {a["area_id"]: a["tested"] for a in figures["areas"]} == {
        a["area_id"]: a["tested"] for a in expected["areas"]}
    short = sorted(a["area_id"] for a in figures["areas"] if a["short"] and a["level"] == "community")
    assert short == ["S01C002", "S01C013", "S03C001", "S05C004"]


def test_street_reports_agree_with_the_district_report(sample_batch):
    reports, _, _ = sample_batch
    district = {a["area_id"]: a for a in _record(reports, "testing_coverage")["figures"]["areas"]}
    streets = [a for a in district.values() if a["level"] == "street"]
    assert len(streets) == 5
    for street in streets:
        scoped = _record(reports, f"testing_coverage__{street['area_id']}")["figures"]
        assert scoped["scope_total"]["tested"] == street["tested"]
        assert scoped["scope_total"]["population"] == street["population"]
        assert {a["area_id"] for a in scoped["areas"]} >= {street["area_id"]}


ID_CARD = re.compile(r"(?<![0-9A-Za-z.])\d{17}[\dXx](?![0-9A-Za-z])")  # not the digits of a decimal
MOBILE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z])")


def test_no_personal_identifier_reaches_a_shared_file(sample_batch, sample_data):
    reports, _, _ = sample_batch
    keys = set(sample_data.sampling.preview(10**7)["person_key"].unique())
    shared = [*reports.rglob("*.html"), *reports.rglob("*.json")]
    assert shared
    for path in shared:
        text = path.read_text("utf-8")
        tokens = set(re.findall(r"[A-Za-z0-9_\-]{6,}", text))
        assert not tokens & keys, f"{path.name} holds a person_key"
        assert not ID_CARD.search(text), f"{path.name} holds an ID-card-like number"
        assert not MOBILE.search(text), f"{path.name} holds a mobile-like number"


def test_a_failing_run_keeps_the_previous_good_html(tmp_path):
    from workbench.runner.report import run_report

    reports, runs = tmp_path / "reports", tmp_path / "runs"
    good = run_report("testing_coverage", reports_dir=reports, runs_dir=runs)
    before = good.html_path.read_bytes()
    bad = run_report("testing_coverage", parameters={"round_id": "R9"}, reports_dir=reports, runs_dir=runs)
    assert not bad.ok and "R9" in bad.error
    assert good.html_path.read_bytes() == before
    assert json.loads(bad.json_path.read_text("utf-8"))["status"] == "failed"
    assert bad.notebook_path.exists()


def test_every_report_opens_on_its_headline_figures_and_closes_on_its_run_details(sample_batch):
    """A leader's first screen: the name, scope and date, then the figures; the generation time,
    pack fingerprint and parameters close the page."""
    from workbench.intake.catalog import open_pack

    fingerprint = open_pack(None).fingerprint()
    reports, _, results = sample_batch
    checked = 0
    for result in results:
        if result.stem.startswith("daily_brief"):  # its actions come first (test_phone_pages)
            continue
        page = result.html_path.read_text("utf-8")
        title, cards = page.index('class="wb-title"'), page.index('class="wb-cards"')
        assert title < cards < page.index(fingerprint), result.stem
        assert cards < page.index("<details><summary>"), f"{result.stem}: parameters before the figures"
        checked += 1
    assert checked >= 14
