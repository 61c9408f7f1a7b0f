"""Enterprise progress on tiny hand-computed fixtures (DESIGN.md's definitions, pinned exactly)."""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from workbench.domains import enterprises as ent
from workbench.errors import WorkbenchError

T = pd.Timestamp


def production(rows):
    frame = pd.DataFrame(rows, columns=["date", "enterprise_id", "product", "quantity", "unit"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def targets(rows):
    return pd.DataFrame(rows, columns=["year", "enterprise_id", "product", "target", "unit"])


@pytest.fixture
def firms():
    return pd.DataFrame({
        "enterprise_id": ["E1", "E2", "E3"], "name": ["Copper", "Dairy", "Idle"],
        "sector": ["metal", "food", "none"], "lon": [109.8, 109.9, 109.85], "lat": [40.6, 40.62, 40.61],
        "employees": [820, 100, 10],
        "closed_loop": pd.array([True, False, pd.NA], dtype="boolean"),
    })


# ---------------------------------------------------------------- units


@pytest.mark.parametrize("value,source,dest,expected", [
    (12, "万吨", "t", 120_000), (120_000, "t", "万吨", 12),
    (80, "亿元", "元", 8e9), (8e9, "元", "亿元", 80),
    (80, "亿元", "万元", 800_000), (800_000, "万元", "亿元", 80),
    (5, "万元", "元", 50_000), (50_000, "元", "万元", 5), (7, "t", "t", 7),
])
def test_convert_both_ways(value, source, dest, expected):
    assert ent.convert(value, source, dest) == pytest.approx(expected, rel=1e-12)


def test_incompatible_or_unknown_units_are_errors_naming_what():
    with pytest.raises(WorkbenchError, match="E1 / 铜: cannot convert t to 亿元"):
        ent.conversion_factor("t", "亿元", "E1 / 铜")
    with pytest.raises(WorkbenchError, match="unknown unit 'kg'"):
        ent.conversion_factor("kg", "t")
    # an extended table is understood
    assert ent.conversion_factor("kg", "t", units={"kg": ("t", 1e-3), "t": ("t", 1.0)}) == 1e-3


def test_progress_raises_on_incompatible_production_unit():
    period = ent.resolve_period("2022-10-09")
    with pytest.raises(WorkbenchError, match="E1 / 铜"):
        ent.progress_table(production([("2022-10-01", "E1", "铜", 5, "万元")]),
                           targets([(2022, "E1", "铜", 12, "万吨")]).drop(columns="year"), period)


# ---------------------------------------------------------------- the period


def test_period_days_and_elapsed():
    p = ent.resolve_period("2022-10-09")
    assert (p.year, p.day_of_year, p.days_in_year, p.days_left, p.capped) == (2022, 282, 365, 83, False)
    assert p.elapsed == 282 / 365
    leap = ent.resolve_period("2024-02-29")
    assert (leap.day_of_year, leap.days_in_year) == (60, 366)
    assert ent.resolve_period("2024-12-31").elapsed == 1.0


def test_past_year_stands_at_its_31_december_and_future_year_is_an_error():
    p = ent.resolve_period("2022-10-09", 2021)
    assert p.as_of == T("2021-12-31") and p.capped and p.day_of_year == 365
    with pytest.raises(WorkbenchError, match="after the report date"):
        ent.resolve_period("2022-10-09", 2023)


# ---------------------------------------------------------------- progress


def _progress(prod, goal_rows, day, risk=0.9):
    period = ent.resolve_period(day)
    goals = ent.year_targets(targets(goal_rows), period)
    return ent.progress_table(prod, goals, period, risk).set_index(["enterprise_id", "product"])


def test_progress_pins_every_figure_with_mixed_units():
    prod = production([
        ("2022-01-01", "E1", "铜", 300, "t"),
        ("2022-01-02", "E1", "铜", 0.07, "万吨"),  # 700 t
        ("2022-01-02", "E1", "产值", 1.5, "亿元"),
        ("2022-01-02", "E1", "产值", 5000, "万元"),  # 0.5 亿元
    ])
    table = _progress(prod, [(2022, "E1", "铜", 12, "万吨"), (2022, "E1", "产值", 80, "亿元")], "2022-01-02")
    copper = table.loc[("E1", "铜")]
    assert copper["unit"] == "万吨"
    assert copper["ytd"] == pytest.approx(0.1)  # 1,000 t
    assert copper["progress"] == pytest.approx(0.1 / 12)
    assert copper["elapsed"] == 2 / 365
    assert copper["projected"] == pytest.approx(0.1 / 2 * 365)  # 18.25 万吨
    assert copper["required_daily"] == pytest.approx((12 - 0.1) / 363)
    assert copper["status"] == "on_track"
    value = table.loc[("E1", "产值")]
    assert value["ytd"] == pytest.approx(2.0) and value["projected"] == pytest.approx(365.0)
    assert value["reported_days"] == 1 and value["last_reported"] == T("2022-01-02")


def test_report_date_1_january():
    prod = production([("2022-01-01", "E1", "铜", 100, "t"), ("2021-12-31", "E1", "铜", 999, "t")])
    row = _progress(prod, [(2022, "E1", "铜", 36_500, "t")], "2022-01-01").loc[("E1", "铜")]
    assert row["ytd"] == 100 and row["elapsed"] == 1 / 365
    assert row["projected"] == 36_500 and row["status"] == "on_track"
    assert row["required_daily"] == pytest.approx(36_400 / 364)


def test_report_date_31_december_required_daily_not_applicable():
    prod = production([("2022-06-30", "E1", "铜", 900, "t"), ("2022-12-31", "E1", "铜", 50, "t")])
    row = _progress(prod, [(2022, "E1", "铜", 1000, "t")], "2022-12-31").loc[("E1", "铜")]
    assert row["ytd"] == 950 and row["elapsed"] == 1.0
    assert row["projected"] == pytest.approx(950)  # = ytd on the last day
    assert math.isnan(row["required_daily"])  # not a division by zero
    assert row["status"] == "at_risk"  # 950 >= 0.9 × 1000


def test_leap_year_uses_366_days():
    prod = production([("2024-02-29", "E1", "铜", 60, "t")])
    row = _progress(prod, [(2024, "E1", "铜", 366, "t")], "2024-02-29").loc[("E1", "铜")]
    assert row["elapsed"] == 60 / 366
    assert row["projected"] == pytest.approx(60 / 60 * 366)
    assert row["required_daily"] == pytest.approx((366 - 60) / (366 - 60))
    last = _progress(prod, [(2024, "E1", "铜", 366, "t")], "2024-12-31").loc[("E1", "铜")]
    assert last["elapsed"] == 1.0 and math.isnan(last["required_daily"])


def test_production_after_the_report_date_or_in_another_year_never_counts():
    prod = production([
        ("2021-12-31", "E1", "铜", 1000, "t"),  # previous year
        ("2022-03-01", "E1", "铜", 10, "t"),
        ("2022-03-02", "E1", "铜", 20, "t"),  # the report date: counts
        ("2022-03-03", "E1", "铜", 4000, "t"),  # after the report date
        ("2023-01-01", "E1", "铜", 5000, "t"),  # next year
    ])
    row = _progress(prod, [(2022, "E1", "铜", 365, "t")], "2022-03-02").loc[("E1", "铜")]
    assert row["ytd"] == 30 and row["reported_days"] == 2


def test_target_without_production_is_zero_and_behind():
    row = _progress(production([]), [(2022, "E3", "铜", 100, "t")], "2022-10-09").loc[("E3", "铜")]
    assert row["ytd"] == 0 and row["progress"] == 0 and row["projected"] == 0
    assert row["status"] == "behind" and row["reported_days"] == 0 and pd.isna(row["last_reported"])


@pytest.mark.parametrize("ytd,expected", [
    (20.0, "on_track"),  # projected = 20 / 73 × 365 = 100 = target
    (18.0, "at_risk"),  # projected = 90 = 0.9 × target exactly
    (17.99, "behind"),
])
def test_status_boundaries_exactly_at_target_and_risk_ratio(ytd, expected):
    day = "2022-03-14"  # day 73 of 365
    prod = production([("2022-03-01", "E1", "铜", ytd, "t")])
    assert _progress(prod, [(2022, "E1", "铜", 100, "t")], day).loc[("E1", "铜"), "status"] == expected


def test_status_boundary_survives_unit_conversion_rounding():
    # 18 t = 0.0018 万吨; 0.0018 / 73 × 365 = 0.009 while 0.9 × 0.01 = 0.009000000000000001 in floats
    prod = production([("2022-03-01", "E1", "铜", 18, "t")])
    table = _progress(prod, [(2022, "E1", "铜", 0.01, "万吨")], "2022-03-14")
    assert table.loc[("E1", "铜"), "status"] == "at_risk"


def test_classify_status_with_other_risk_ratio():
    statuses = ent.classify_status([100, 80, 79.9], [100, 100, 100], 0.8)
    assert list(statuses) == ["on_track", "at_risk", "behind"]


# ---------------------------------------------------------------- run rates and missing days


def daily(first, last, eid="E1", product="铜", quantity=10.0, unit="t", skip=()):
    days = [d for d in pd.date_range(first, last) if d.strftime("%Y-%m-%d") not in skip]
    return production([(d, eid, product, quantity, unit) for d in days])


def test_run_rates_leave_missing_days_out():
    prod = pd.concat([daily("2022-09-01", "2022-09-30", quantity=10.0, skip=("2022-09-29",)),
                      daily("2022-09-24", "2022-09-30", product="酸", quantity=2.0)])
    prod.loc[prod["date"] == T("2022-09-30"), "quantity"] = [24.0, 2.0]
    period = ent.resolve_period("2022-09-30")
    goals = targets([(2022, "E1", "铜", 1, "万吨"), (2022, "E1", "酸", 1000, "t")]).drop(columns="year")
    rates = ent.run_rates(prod, goals, period).set_index("product")
    # 7 days 24-30 Sep: 6 reported (29 missing): (5 × 10 + 24) t / 6 days, in 万吨
    assert rates.loc["铜", "rate_7"] == pytest.approx(74 / 6 / 1e4)
    assert (rates.loc["铜", "days_7"], rates.loc["铜", "window_7"]) == (6, 7)
    assert rates.loc["铜", "rate_30"] == pytest.approx((28 * 10 + 24) / 29 / 1e4)
    assert rates.loc["酸", "rate_30"] == 2.0 and rates.loc["酸", "days_30"] == 7


def test_run_rate_window_starts_on_1_january():
    prod = daily("2021-12-20", "2022-01-03", quantity=10.0)
    rates = ent.run_rates(prod, targets([(2022, "E1", "铜", 10, "t")]).drop(columns="year"),
                          ent.resolve_period("2022-01-03"))
    assert (rates.loc[0, "window_7"], rates.loc[0, "days_7"], rates.loc[0, "rate_7"]) == (3, 3, 10.0)


def test_missing_day_of_a_daily_reporter_is_flagged():
    prod = daily("2022-09-01", "2022-10-09", skip=("2022-10-02", "2022-10-03", "2022-10-06"))
    missing = ent.missing_reports(prod, ent.resolve_period("2022-10-09"))
    assert [d.strftime("%m-%d") for d in missing["date"]] == ["10-02", "10-03", "10-06"]
    assert missing["products"].tolist() == [["铜"]] * 3


def test_weekday_reporter_is_not_missing_on_weekends_and_future_rows_are_ignored():
    days = pd.date_range("2022-08-01", "2022-10-07")
    weekdays = production([(d, "E2", "奶", 1.0, "t") for d in days if d.weekday() < 5
                           and d != T("2022-10-05")])  # a Wednesday missing
    missing = ent.missing_reports(weekdays, ent.resolve_period("2022-10-07"))
    assert [d.strftime("%Y-%m-%d") for d in missing["date"]] == ["2022-10-05"]
    # habit is judged on rows up to the report date only: a row after it changes nothing
    before = ent.missing_reports(weekdays, ent.resolve_period("2022-10-04"))
    assert before.empty


def test_missing_days_before_the_year_are_not_reported():
    prod = daily("2021-11-01", "2022-01-10", skip=("2021-12-30", "2022-01-05"))
    missing = ent.missing_reports(prod, ent.resolve_period("2022-01-10"))
    assert [d.strftime("%Y-%m-%d") for d in missing["date"]] == ["2022-01-05"]


def test_a_pack_starting_a_week_before_the_year_judges_early_january_on_that_week():
    prod = daily("2021-12-25", "2022-01-12", skip=("2022-01-03", "2022-01-10"))
    missing = ent.missing_reports(prod, ent.resolve_period("2022-01-12"))
    # 01-03: one Monday before it in the data (12-27), reported; 01-10: two of two
    assert [d.strftime("%Y-%m-%d") for d in missing["date"]] == ["2022-01-03", "2022-01-10"]
    late = daily("2022-09-01", "2022-10-09", skip=("2022-09-05", "2022-09-13"))
    late_missing = ent.missing_reports(late, ent.resolve_period("2022-10-09"))["date"]
    # 1 Jan to 31 Aug: no data, none missing; 09-05: no Monday before it in the data; 09-13: one Tuesday
    assert [d.strftime("%m-%d") for d in late_missing] == ["09-13"]


# ---------------------------------------------------------------- checks


def test_latest_check_on_or_before_the_date(firms):
    items = list(ent.CHECK_ITEMS)
    rows = [
        {"date": T("2022-10-01"), "enterprise_id": "E1", **dict.fromkeys(items, False)},
        {"date": T("2022-10-08"), "enterprise_id": "E1", **dict.fromkeys(items, True), "supplies": False},
        {"date": T("2022-10-10"), "enterprise_id": "E1", **dict.fromkeys(items, True)},  # after D
        {"date": T("2022-10-05"), "enterprise_id": "E2", **dict.fromkeys(items, True)},
    ]
    checks = pd.DataFrame(rows)
    checks[items] = checks[items].astype("boolean")
    checks.loc[3, "measures"] = pd.NA
    out = ent.latest_checks(checks, firms, "2022-10-09").set_index("enterprise_id")
    assert out.loc["E1", "check_date"] == T("2022-10-08")
    assert out.loc["E1", "items_ok"] == 7 and out.loc["E1", "failed_items"] == ["supplies"]
    assert bool(out.loc["E1", "all_ok"]) is False  # bool(NA) would raise
    assert (out.loc["E2", "items_ok"], out.loc["E2", "items_known"]) == (7, 7)
    assert pd.isna(out.loc["E2", "all_ok"])  # an item not recorded: unknown, not failed
    assert pd.isna(out.loc["E3", "check_date"]) and pd.isna(out.loc["E3", "all_ok"])
    none = ent.latest_checks(None, firms, "2022-10-09")
    assert none["check_date"].isna().all() and (none["items_ok"] == 0).all()


def test_the_eight_in_place_card_counts_the_complete_and_names_the_others(firms):
    from workbench.present.views import enterprises as views

    items = list(ent.CHECK_ITEMS)
    checks = pd.DataFrame([
        {"date": T("2022-10-08"), "enterprise_id": "E1", **dict.fromkeys(items, True), "supplies": False},
        {"date": T("2022-10-05"), "enterprise_id": "E2", **dict.fromkeys(items, True)},
    ])
    checks[items] = checks[items].astype("boolean")
    prod = daily("2022-01-01", "2022-10-09", "E1", "copper", 10.0)
    result = ent.analyse_enterprises(firms, prod, targets([(2022, "E1", "copper", 5000, "t")]), "2022-10-09",
                                     checks=checks)
    for lang, words in (("zh", "未全部到位："), ("en", "Not all in place: ")):
        card = views.headline(result, lang).data.split(views.label("ent_eight_in_place", lang))[1]
        value, detail = re.findall(r'class="wb-(?:value|detail)">([^<]*)<', card)[:2]
        assert value == "1 / 2" and detail.startswith(words) and "(E1)" in detail and "(E2)" not in detail


# ---------------------------------------------------------------- the analysis and its figures


def test_analyse_and_figures(firms):
    prod = pd.concat([
        daily("2022-01-01", "2022-12-31", "E1", "铜", 300.0, "t"),  # rows after D are ignored
        daily("2022-01-01", "2022-12-31", "E2", "奶", 0.001, "万吨", skip=("2022-12-30",)),
        production([("2022-05-01", "E2", "酸奶", 1.0, "t")]),  # no target
    ])
    goals = targets([(2022, "E1", "铜", 12, "万吨"), (2022, "E2", "奶", 0.36, "万吨"),
                     (2022, "E3", "铜", 1, "t"), (2021, "E1", "铜", 1, "t")])
    result = ent.analyse_enterprises(firms, prod, goals, "2022-12-31", risk_ratio=0.9)
    figures = ent.enterprise_figures(result)
    json.dumps(figures)
    rows = {(r["enterprise_id"], r["product"]): r for r in figures["progress"]}
    assert set(rows) == {("E1", "铜"), ("E2", "奶"), ("E3", "铜")}
    copper = rows[("E1", "铜")]
    assert copper["ytd"] == pytest.approx(10.95) and copper["unit"] == "万吨"
    assert copper["required_daily"] is None and copper["status"] == "at_risk"  # 10.95 >= 0.9 × 12 = 10.8
    assert rows[("E2", "奶")]["ytd"] == pytest.approx(0.364)  # 364 days reported
    assert rows[("E2", "奶")]["status"] == "on_track"  # projected 0.364 >= 0.36
    assert rows[("E3", "铜")]["status"] == "behind" and rows[("E3", "铜")]["ytd"] == 0
    assert figures["by_status"] == {"on_track": 1, "at_risk": 1, "behind": 1}
    assert figures["enterprises_by_status"] == {"on_track": 1, "at_risk": 1, "behind": 1, "no_data": 0}
    assert figures["missing_reports"] == [{"enterprise_id": "E2", "date": "2022-12-30"}]
    assert result.progress.set_index("enterprise_id").loc["E2", "missing_days"] == 1
    assert any("without a 2022 target" in w for w in result.warnings)
    assert any("without any production" in w for w in result.warnings)
    assert figures["closed_loop"] == 1


def test_analyse_one_enterprise_and_a_past_year(firms):
    prod = daily("2021-01-01", "2022-10-09", "E1", "铜", 100.0, "t")
    goals = targets([(2021, "E1", "铜", 36_500, "t"), (2022, "E1", "铜", 1, "t"), (2021, "E2", "奶", 1, "t")])
    result = ent.analyse_enterprises(firms, prod, goals, "2022-10-09", year=2021, enterprise="E1")
    assert result.period.as_of == T("2021-12-31")
    rows = result.progress[["enterprise_id", "ytd", "status"]].values.tolist()
    assert rows == [["E1", 36_500.0, "on_track"]]
    assert any("figures stand at 2021-12-31" in w for w in result.warnings)
    assert result.cumulative["cumulative"].iloc[-1] == 36_500
    with pytest.raises(WorkbenchError, match="E9"):
        ent.analyse_enterprises(firms, prod, goals, "2022-10-09", enterprise="E9")
    assert ent.select_enterprises(firms, "Dairy")["enterprise_id"].tolist() == ["E2"]


def test_worst_status_per_enterprise():
    progress = pd.DataFrame({"enterprise_id": ["A", "A", "B"], "status": ["on_track", "at_risk", "on_track"]})
    assert ent.worst_status(progress, ["A", "B", "C"]).tolist() == ["at_risk", "on_track", "no_data"]


def test_cumulative_is_flat_on_missing_days():
    prod = daily("2022-01-01", "2022-01-05", skip=("2022-01-03",))
    period = ent.resolve_period("2022-01-05")
    cum = ent.cumulative_output(prod, targets([(2022, "E1", "铜", 100, "t")]).drop(columns="year"), period)
    assert cum["cumulative"].tolist() == [10, 20, 20, 30, 40]
    assert np.isnan(cum["quantity"].iloc[2])


# ---------------------------------------------------------------- the notebook on the sample pack


def test_wiring_notebook_on_the_sample_matches_the_domain(tmp_path):
    """A wiring check (the expectation comes from the functions under test); the figures themselves are
    pinned by the hand-computed fixtures of this file."""
    from workbench.intake import catalog
    from workbench.intake.loading import load_datasets
    from workbench.runner.report import run_report

    run = run_report("enterprise_output", reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs")
    assert run.ok, run.error
    record = json.loads(run.json_path.read_text("utf-8"))
    # the enterprise-requests section publishes its own figures beside these (tests/test_requests.py)
    figures = {k: v for k, v in record["figures"].items() if k != "requests"}

    pack = catalog.open_pack(None)
    data = load_datasets(pack, ["enterprises", "production", "targets", "enterprise_checks"])
    result = ent.analyse_enterprises(data.enterprises, data.production, data.targets, pack.resolve_date(None),
                                     checks=data.enterprise_checks)
    expected = json.loads(json.dumps(ent.enterprise_figures(result)))
    assert figures == expected

    rows = {(r["enterprise_id"], r["product"]): r for r in figures["progress"]}
    # the reference case: the copper smelter's three targets (sample README)
    assert rows[("E01", "铜")]["projected"] / rows[("E01", "铜")]["target"] == pytest.approx(0.95, abs=5e-4)
    assert rows[("E01", "铜")]["status"] == "at_risk" and rows[("E01", "铜")]["unit"] == "万吨"
    assert rows[("E01", "硫酸")]["status"] == "on_track" and rows[("E01", "产值")]["unit"] == "亿元"
    assert {(m["enterprise_id"], m["date"]) for m in figures["missing_reports"]} == {
        ("E14", "2022-10-02"), ("E14", "2022-10-03"), ("E14", "2022-10-06")}
    assert sum(figures["by_status"].values()) == len(figures["progress"]) == 26

    html = run.html_path.read_text("utf-8")
    assert html.count("<svg") >= 2 * 26  # a burn-up chart and a bullet graph per target
    assert "包头华鼎铜业发展有限公司" in html


def test_hostile_names_and_products_are_escaped_everywhere(firms):
    from workbench.present.maps import enterprises as enterprise_maps
    from workbench.present.views import enterprises as views

    evil = '<img src=x onerror="window.pwned=1">`${1}`'
    firms = firms.assign(name=[evil, "Dairy", "Idle"], sector=[evil, "food", "none"])
    prod = daily("2022-01-01", "2022-10-09", "E1", evil, 10.0, skip=("2022-10-02",))
    goals = targets([(2022, "E1", evil, 5000, "t")])
    result = ent.analyse_enterprises(firms, prod, goals, "2022-10-09")
    pieces = [view(result).data for view in (views.headline, views.progress_table, views.run_rate_table,
                                             views.burnup_charts, views.bullet_graphs, views.checks_table,
                                             views.missing_table)]
    checks = result.checks.set_index("enterprise_id")
    pieces.append(enterprise_maps.enterprise_tooltip(result.enterprises.iloc[0], result.progress,
                                                     checks.loc["E1"], 1))
    for html in pieces:
        assert "<img" not in html and "${1}" not in html
    assert "&lt;img" in pieces[3]  # the burn-up chart shows the product, escaped
    fmap = enterprise_maps.enterprise_map(result)
    page = fmap.get_root().render()
    assert "<img src=x" not in page
    assert "&lt;img" in page or "\\u0026lt;img" in page  # escaped, then JSON-encoded by folium


def test_notebook_runs_without_the_optional_datasets(tmp_path):
    import shutil

    from conftest import SAMPLE

    from workbench.runner.report import run_report

    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("enterprises.csv", "production.parquet", "targets.csv"):
        shutil.copy(SAMPLE / name, pack / name)
    (pack / "catalog.yaml").write_text(
        "name: enterprises only\ndatum: gcj02\nreport_date: 2022-10-09\ndatasets:\n"
        "  enterprises: {path: enterprises.csv}\n  production: {path: production.parquet}\n"
        "  targets: {path: targets.csv}\n", "utf-8")
    run = run_report("enterprise_output", pack=pack, parameters={"enterprise": "E01", "lang": "en"},
                     reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs", index=False)
    assert run.ok, run.error
    figures = json.loads(run.json_path.read_text("utf-8"))["figures"]
    assert [r["product"] for r in figures["progress"]] == ["铜", "硫酸", "产值"]
    assert figures["checks"] == [] and figures["enterprise"] == "E01"
    assert "Not checked" in run.html_path.read_text("utf-8")


# ---------------------------------------------------------------- enterprises that fall silent


def test_a_product_silent_for_two_months_is_missing_every_usual_day_not_three_weeks():
    prod = daily("2022-06-01", "2022-08-14")  # silent from 08-15 to the report date, 10-09
    missing = ent.missing_reports(prod, ent.resolve_period("2022-10-09"))
    assert len(missing) == 56 and missing["date"].min() == T("2022-08-15")
    assert missing["date"].max() == T("2022-10-09")


def test_a_silent_weekday_reporter_stays_missing_on_weekdays_only():
    days = pd.date_range("2022-08-01", "2022-09-16")  # last report Friday 16 September
    prod = production([(d, "E2", "奶", 1.0, "t") for d in days if d.weekday() < 5])
    missing = ent.missing_reports(prod, ent.resolve_period("2022-10-09"))
    # 19 September to 7 October: three weeks of five weekdays; the 8th and 9th are a weekend
    assert len(missing) == 15 and {d.weekday() for d in missing["date"]} == {0, 1, 2, 3, 4}


def test_a_target_silent_for_more_than_a_week_is_named_with_its_last_report(firms):
    prod = pd.concat([daily("2022-01-01", "2022-10-02", "E1", "铜"),
                      daily("2022-01-01", "2022-10-09", "E2", "奶")])
    goals = targets([(2022, "E1", "铜", 5000, "t"), (2022, "E2", "奶", 5000, "t")])
    period = ent.resolve_period("2022-10-09")
    silent = ent.silent_targets(prod, goals, period)
    assert silent.to_dict("records") == []  # 7 days since 10-02: not yet more than a week
    late = ent.silent_targets(prod, goals, ent.resolve_period("2022-10-10"))
    assert late[["enterprise_id", "product", "silent_days"]].to_dict("records") == [
        {"enterprise_id": "E1", "product": "铜", "silent_days": 8}]
    result = ent.analyse_enterprises(firms, prod, goals, "2022-10-10")
    [warning] = [w for w in result.warnings if "no report for more than" in w]
    name = firms.set_index("enterprise_id").loc["E1", "name"]
    assert warning == ("1 target(s) with no report for more than 7 days (last report in brackets): "
                       f"{name} (E1) / 铜 (2022-10-02)")


def test_a_pack_without_any_production_says_so_instead_of_no_missing_report(firms):
    from workbench.present.views import enterprises as views

    empty = production([])
    result = ent.analyse_enterprises(firms, empty, targets([(2022, "E1", "铜", 5000, "t")]), "2022-10-09")
    for lang, words in (("zh", "2022 年没有任何产量记录"), ("en", "No production reported in 2022")):
        card = views.headline(result, lang).data.split(views.label("ent_missing_reports", lang), 1)[1]
        value, detail = re.findall(r'class="wb-(?:value|detail)">([^<]*)<', card)[:2]
        assert value == "—" and detail.startswith(words)
        assert words in views.missing_table(result, lang).data
    behind = views.headline(result, "zh").data.split(views.label("ent_behind", "zh"), 1)[1]
    assert "其中 1 项 2022 年无任何产量记录（累计按 0 计）" in behind  # behind by the definition, said why


def test_the_missing_reports_card_names_the_enterprises(firms):
    from workbench.present.views import enterprises as views

    goals = targets([(2022, "E1", "铜", 5000, "t")])
    result = ent.analyse_enterprises(firms, daily("2022-01-01", "2022-10-06", "E1"), goals, "2022-10-09")
    name = firms.set_index("enterprise_id").loc["E1", "name"]
    expected = (("zh", f"3 天 · 1 家企业：{name} (E1)"), ("en", f"3 days · 1 enterprise: {name} (E1)"))
    for lang, words in expected:
        card = views.headline(result, lang).data.split(views.label("ent_missing_reports", lang), 1)[1]
        value, detail = re.findall(r'class="wb-(?:value|detail)">([^<]*)<', card)[:2]
        assert (value, detail) == ("3", words)


def test_a_status_card_names_five_targets_and_counts_the_rest():
    from workbench.present.views import enterprises as views

    firms = pd.DataFrame({"enterprise_id": [f"E{i}" for i in range(7)], "name": [f"厂{i}" for i in range(7)],
                          "sector": "x", "lon": 109.8, "lat": 40.6, "employees": 1, "closed_loop": False})
    goals = targets([(2022, f"E{i}", "铜", 5000, "t") for i in range(7)])
    result = ent.analyse_enterprises(firms, daily("2022-01-01", "2022-10-09", "E0"), goals, "2022-10-09")
    card = views.headline(result, "en").data.split(views.label("ent_behind", "en"), 1)[1].split("wb-card")[0]
    assert "厂4 (E4)" in card and "厂5 (E5)" not in card and ", and 2 more" in card
