"""Trends pinned on hand-computed fixtures: coverage by round, checkpoint flows, prices against their
baseline, folded burn-up charts, and the site-load table; the reports that show them on the sample."""

import io
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from fixtures.packs import sites_frame, write_pack
from fixtures.reports import sample_report_figures

from workbench.domains import checkpoints as cp
from workbench.domains import coverage_rounds as cr
from workbench.domains import prices
from workbench.domains.enterprise_output import watched_targets
from workbench.present.views import checkpoints as cp_view
from workbench.present.views import coverage_trend, site_load
from workbench.present.views import supply as supply_view

T = pd.Timestamp
SVG = "{http://www.w3.org/2000/svg}"


# ---------------------------------------------------------------- coverage round by round


def _areas() -> gpd.GeoDataFrame:
    """Street S1 (communities 007: 4 people, 008: 5) and street S2 (community 009: 2 people)."""
    rows = [("S1", "滨河街道", "street", None, 9, shapely.box(109.80, 40.60, 109.82, 40.61)),
            ("S2", "黄河街道", "street", None, 2, shapely.box(109.82, 40.60, 109.83, 40.61)),
            ("007", "社区七", "community", "S1", 4, shapely.box(109.80, 40.60, 109.81, 40.61)),
            ("008", "社区八", "community", "S1", 5, shapely.box(109.81, 40.60, 109.82, 40.61)),
            ("009", "社区九", "community", "S2", 2, shapely.box(109.82, 40.60, 109.83, 40.61))]
    frame = pd.DataFrame(rows, columns=["area_id", "name", "level", "parent_id", "population", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


ROUNDS = pd.DataFrame({
    "round_id": ["R1", "R2", "R3", "R4"],
    "name": ["第一轮", "第二轮", "第三轮", "第四轮"],
    "start": ["2022-10-04 08:00:00", "2022-10-06 08:00:00", "2022-10-09 07:00:00", "2022-10-10 07:00:00"],
    "end": ["2022-10-04 20:00:00", "2022-10-06 20:00:00", "2022-10-09 22:00:00", "2022-10-10 22:00:00"],
})

SAMPLES = [
    # R1: 007 — p1 at the start and p3 at the end count, p2 twice counts once, p4 a second late does not
    ("p1", "007", "2022-10-04 08:00:00"), ("p2", "007", "2022-10-04 12:00:00"),
    ("p2", "007", "2022-10-04 13:00:00"), ("p3", "007", "2022-10-04 20:00:00"),
    ("p4", "007", "2022-10-04 20:00:01"),
    ("p5", "008", "2022-10-04 10:00:00"), ("p6", "008", "2022-10-04 10:00:00"),
    ("p7", "009", "2022-10-04 11:00:00"),
    # R2: everybody of S1, nobody of S2 (p7 a second before the start)
    *[(p, "007", "2022-10-06 09:00:00") for p in ("p1", "p2", "p3", "p4")],
    *[(p, "008", "2022-10-06 09:00:00") for p in ("p5", "p6", "p8", "p9", "p10")],
    ("p7", "009", "2022-10-06 07:59:59"),
    # R3 started on the report date: what has come in so far; R4 starts after it and is left out
    ("p1", "007", "2022-10-09 07:00:00"),
    ("p2", "007", "2022-10-10 09:00:00"),
]


@pytest.fixture(scope="module")
def round_data(tmp_path_factory):
    """The fixture written as a pack and loaded like a report loads it (whatever type ``sampling`` has)."""
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets

    sampling = pd.DataFrame(SAMPLES, columns=["person_key", "area_id", "sampled_at"]).assign(site_id="T1")
    root = write_pack(tmp_path_factory.mktemp("rounds"),
                      {"areas.geojson": _areas(), "sampling.csv": sampling, "rounds.csv": ROUNDS,
                       "sites.csv": sites_frame()},
                      {"areas": "areas.geojson", "sampling": "sampling.csv", "rounds": "rounds.csv",
                       "testing_sites": "sites.csv"},
                      report_date="2022-10-09")
    return load_datasets(open_pack(root), ["areas", "sampling", "rounds", "testing_sites"])


def _figures(trend: pd.DataFrame) -> dict:
    return {(r.round_id, r.area_id): (r.tested, r.population) for r in trend.itertuples()}


def test_rounds_so_far_are_those_started_by_the_report_date():
    rounds = ROUNDS.assign(start=pd.to_datetime(ROUNDS["start"]), end=pd.to_datetime(ROUNDS["end"]))
    assert cr.rounds_so_far(rounds, "2022-10-09")["round_id"].tolist() == ["R1", "R2", "R3"]
    assert cr.rounds_so_far(rounds, "2022-10-05")["round_id"].tolist() == ["R1"]
    assert cr.rounds_so_far(rounds, "2022-10-03").empty


def test_district_coverage_by_round_is_hand_computed(round_data):
    trend = cr.coverage_by_round(round_data.sampling, round_data.areas, round_data.rounds, "2022-10-09",
                                 district_name="全区")
    assert _figures(trend) == {
        ("R1", "district"): (6, 11), ("R1", "S1"): (5, 9), ("R1", "S2"): (1, 2),
        ("R2", "district"): (9, 11), ("R2", "S1"): (9, 9), ("R2", "S2"): (0, 2),
        ("R3", "district"): (1, 11), ("R3", "S1"): (1, 9), ("R3", "S2"): (0, 2),
    }
    assert trend["round_id"].tolist() == ["R1"] * 3 + ["R2"] * 3 + ["R3"] * 3
    assert trend["role"].tolist()[:3] == ["total", "member", "member"]
    r2 = trend[trend["round_id"] == "R2"].set_index("area_id")
    assert r2.loc["S1", "coverage"] == 1.0 and not r2.loc["S1", "short"] and r2.loc["S1", "band"] == "reached"
    assert r2.loc["S2", "coverage"] == 0.0 and r2.loc["S2", "short"] and r2.loc["S2", "band"] == "short"
    assert r2.loc["district", "coverage"] == pytest.approx(9 / 11) and r2.loc["district", "name"] == "全区"


def test_a_street_scope_follows_its_communities(round_data):
    trend = cr.coverage_by_round(round_data.sampling, round_data.areas, round_data.rounds, "2022-10-09",
                                 scope="S1", target=0.75)
    assert _figures(trend) == {
        ("R1", "S1"): (5, 9), ("R1", "007"): (3, 4), ("R1", "008"): (2, 5),
        ("R2", "S1"): (9, 9), ("R2", "007"): (4, 4), ("R2", "008"): (5, 5),
        ("R3", "S1"): (1, 9), ("R3", "007"): (1, 4), ("R3", "008"): (0, 5),
    }
    r1 = trend[trend["round_id"] == "R1"].set_index("area_id")
    assert not r1.loc["007", "short"] and r1.loc["008", "short"]  # exactly at the 75 % target is not short
    figures = json.loads(json.dumps(charts_safe(cr.round_figures(trend))))
    assert figures[0]["round_id"] == "R1" and figures[0]["name"] == "第一轮"
    assert figures[0]["areas"][1] == {"area_id": "007", "name": "社区七", "level": "community", "tested": 3,
                                      "population": 4, "coverage": 0.75}


def charts_safe(value):
    from workbench.present.display import to_jsonable

    return to_jsonable(value)


def test_an_unknown_scope_names_the_streets(round_data):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="S1, S2"):
        cr.coverage_by_round(round_data.sampling, round_data.areas, round_data.rounds, "2022-10-09",
                             scope="S9")


def test_the_rounds_view_shows_rates_over_their_counts_latest_round_first(round_data):
    trend = cr.coverage_by_round(round_data.sampling, round_data.areas, round_data.rounds, "2022-10-09",
                                 district_name="全区")
    html = coverage_trend.table(trend, "zh").data
    head = re.search(r"<thead>(.*?)</thead>", html).group(1)
    assert head.index("第三轮") < head.index("第二轮") < head.index("第一轮") < head.index("编码")
    assert "54.5%</data><br><small>6 / 11</small>" in html and "0.0%</data><br><small>0 / 2</small>" in html
    csv = urllib.parse.unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', html).group(1))
    rows = pd.read_csv(io.StringIO(csv.lstrip("\ufeff")))
    r1_s1 = rows[(rows["检测轮次"] == "第一轮") & (rows["编码"] == "S1")].iloc[0]
    assert (r1_s1["已检人数"], r1_s1["常住人口"]) == (5, 9)
    assert r1_s1["覆盖率"] == pytest.approx(5 / 9)  # a number, not display text

    blocks = coverage_trend.charts_html(trend, 0.95, "en").data
    svgs = re.findall(r"<svg.*?</svg>", blocks, flags=re.S)
    assert len(svgs) == 1 + 3  # the legend, the district and both streets (few: none folded)
    district = ET.fromstring(svgs[1])
    assert district.find(f"{SVG}desc").text == ("第一轮: 54.5% (6 / 11); 第二轮: 81.8% (9 / 11); "
                                                "第三轮: 9.1% (1 / 11)")
    assert "<details" not in blocks


def test_many_communities_fold_those_that_reached(round_data, monkeypatch):
    trend = cr.coverage_by_round(round_data.sampling, round_data.areas, round_data.rounds, "2022-10-09",
                                 scope="S1", target=0.1)
    monkeypatch.setattr(coverage_trend, "FOLD_MEMBERS_OVER", 1)
    html = coverage_trend.charts_html(trend, 0.1, "zh").data
    shown, folded = html.split("<details", 1)
    # the latest round R3: 007 (1 / 4) reached 10 %, 008 (0 / 5) is short
    assert "社区八" in shown and "社区七" in folded and "社区七" not in shown
    assert shown.count("<svg") == 1 + 2  # the legend, the street, the short community
    assert "滨河街道" in shown


# ---------------------------------------------------------------- checkpoint flows


@pytest.fixture
def checkpoint_result():
    stations = pd.DataFrame({"checkpoint_id": ["A", "B"], "name": ["大桥卡口", "南路卡口"],
                             "lon": [109.8, 109.7], "lat": [40.56, 40.6]})
    rows = [("2022-10-07", "A", 10, 20, 1, 19), ("2022-10-08", "A", 20, 40, 2, 39),
            ("2022-10-09", "A", 30, 60, 3, 58),
            ("2022-10-07", "B", 5, 10, 0, 10), ("2022-10-09", "B", 7, 14, 7, 13)]  # B misses 10-08
    daily = pd.DataFrame(rows, columns=["date", "checkpoint_id", *cp.COUNTS])
    daily["date"] = pd.to_datetime(daily["date"])
    return cp.analyse_checkpoints(stations, daily, "2022-10-09", window=3)


def test_district_flows_sum_the_checkpoints_that_reported(checkpoint_result):
    flows = checkpoint_result.flows
    assert flows["date"].tolist() == [T("2022-10-07"), T("2022-10-08"), T("2022-10-09")]
    assert flows["people"].tolist() == [30, 40, 74] and flows["vehicles"].tolist() == [15, 20, 37]
    assert flows["from_risk_areas"].tolist() == [1, 2, 10] and flows["landing_tests"].tolist() == [29, 39, 71]
    assert flows["reported"].tolist() == [2, 1, 2] and flows["expected"].tolist() == [2, 2, 2]
    assert flows["complete"].tolist() == [True, False, True]
    assert flows["risk_share"].iloc[2] == pytest.approx(10 / 74)
    figures = json.loads(json.dumps(cp.checkpoint_figures(checkpoint_result)))
    assert figures["flows"][1] == {"date": "2022-10-08", "vehicles": 20, "people": 40, "from_risk_areas": 2,
                                   "landing_tests": 39, "reported": 1, "expected": 2}


def test_flow_charts_mark_the_incomplete_day_and_break_at_a_missing_one(checkpoint_result):
    html = cp_view.district_flow_charts(checkpoint_result, "zh").data
    first = ET.fromstring(re.findall(r"<svg.*?</svg>", html, flags=re.S)[0])
    points = [c for c in first.iter(f"{SVG}circle") if c.get("fill") == cp_view.INCOMPLETE_COLOUR]
    assert len(points) == 1 + 1  # the 10-08 point and its legend swatch
    day = "10-08: 人员(人次) 40 · 车辆(台次) 20 · 落地核酸 39 (1 / 2 个卡口已上报)"
    assert day in first.find(f"{SVG}desc").text
    labels = [t.text for t in first.iter(f"{SVG}text")]
    assert "10-09" in labels  # the report date labelled at the axis' right end

    html = cp_view.checkpoint_flow_charts(checkpoint_result, "en").data
    assert html.index("大桥卡口") < html.index("南路卡口")
    south = ET.fromstring(re.findall(r"<svg.*?</svg>", html, flags=re.S)[2])
    people = next(p for p in south.iter(f"{SVG}path") if p.get("stroke") == cp_view.FLOW_COLOURS["people"])
    assert people.get("d").count("M") == 2  # 10-07 and 10-09 alone: no line through the missing day
    assert "10-08: Missing" in south.find(f"{SVG}desc").text
    assert "missing 10-08" in html


def test_a_day_no_checkpoint_reported_is_missing_in_the_district_flow_not_zero():
    stations = pd.DataFrame({"checkpoint_id": ["A"], "name": ["大桥卡口"], "lon": [109.8], "lat": [40.56]})
    rows = [("2022-10-07", "A", 10, 20, 1, 19), ("2022-10-09", "A", 30, 60, 3, 58)]  # nobody on 10-08
    daily = pd.DataFrame(rows, columns=["date", "checkpoint_id", *cp.COUNTS])
    daily["date"] = pd.to_datetime(daily["date"])
    result = cp.analyse_checkpoints(stations, daily, "2022-10-09", window=3)
    assert result.flows["people"].isna().tolist() == [False, True, False]
    assert cp.checkpoint_figures(result)["flows"][1]["people"] is None
    html = cp_view.district_flow_charts(result, "zh").data
    first = ET.fromstring(re.findall(r"<svg.*?</svg>", html, flags=re.S)[0])
    assert "10-08: 未上报 (0 / 1 个卡口已上报)" in first.find(f"{SVG}desc").text
    people = next(p for p in first.iter(f"{SVG}path") if p.get("stroke") == cp_view.FLOW_COLOURS["people"])
    assert people.get("d").count("M") == 2  # no line down to zero through the day nobody reported


def test_a_report_date_no_checkpoint_reported_shows_dashes_not_zero_people():
    from workbench.present.views import brief as brief_view

    stations = pd.DataFrame({"checkpoint_id": ["A"], "name": ["大桥卡口"], "lon": [109.8], "lat": [40.56]})
    daily = pd.DataFrame([("2022-10-08", "A", 10, 20, 1, 19)], columns=["date", "checkpoint_id", *cp.COUNTS])
    daily["date"] = pd.to_datetime(daily["date"])
    result = cp.analyse_checkpoints(stations, daily, "2022-10-09", window=3)
    html = cp_view.headline(result, "zh").data
    people = html.split("人员(人次) · 近 24 小时", 1)[1]
    assert re.search(r'wb-value">—<', people.split("wb-card")[0])
    assert "车辆(台次) — · 0 / 1 个卡口已上报" in people
    card = brief_view._checkpoint_card({"today": {"people": 0, "vehicles": 0, "from_risk_areas": 0,
                                                  "landing_tests": 0, "reported": 0, "expected": 1},
                                        "tone": "bad"}, "zh")
    assert card["value"] == "—" and card["status"] == "bad"


# ---------------------------------------------------------------- prices against their baseline


RULES = [prices.AlertRule("big", "above_baseline", threshold=0.20),
         prices.AlertRule("above_baseline", "above_baseline", threshold=0.10),
         prices.AlertRule("daily_jump", "daily_jump", threshold=0.05)]


@pytest.fixture
def price_result():
    rows = [("2022-10-06", "M1", "鸡蛋", 5.0), ("2022-10-07", "M1", "鸡蛋", 5.0),
            ("2022-10-07", "M2", "鸡蛋", 6.0), ("2022-10-08", "M1", "鸡蛋", 5.5),
            ("2022-10-08", "M2", "鸡蛋", 6.5), ("2022-10-09", "M1", "鸡蛋", 5.6),
            ("2022-10-09", "M2", "鸡蛋", 5.0),
            ("2022-10-07", "M1", "白菜", 1.0), ("2022-10-09", "M1", "白菜", 1.02)]  # no cabbage on 10-08
    frame = pd.DataFrame(rows, columns=["date", "market", "commodity", "price"]).assign(unit="元/斤")
    frame["date"] = pd.to_datetime(frame["date"])
    baselines = pd.DataFrame({"commodity": ["鸡蛋", "白菜"], "baseline_price": [5.0, 1.0],
                              "period": "2022-09", "unit": "元/斤"})
    return prices.analyse_prices(frame, baselines, RULES, "2022-10-09", trend_days=3)


def test_price_trend_is_the_daily_mean_against_the_baseline(price_result):
    trend = price_result.trend.set_index(["commodity", "date"])
    egg = trend.loc["鸡蛋"]
    assert egg.index.tolist() == [T("2022-10-07"), T("2022-10-08"), T("2022-10-09")]  # 10-06 is outside
    assert egg["price"].tolist() == pytest.approx([5.5, 6.0, 5.3])
    assert egg["markets"].tolist() == [2, 2, 2] and egg["high"].tolist() == [6.0, 6.5, 5.6]
    assert egg["vs_baseline"].tolist() == pytest.approx([0.1, 0.2, 0.06])
    assert egg["alert_price"].tolist() == pytest.approx([5.5] * 3)  # the lowest above-baseline threshold
    cabbage = trend.loc["白菜"]
    assert cabbage["markets"].tolist() == [1, 0, 1] and np.isnan(cabbage["price"].iloc[1])  # a gap, not 1.0
    figures = json.loads(json.dumps(prices.price_trend_figures(price_result)))
    assert [f["commodity"] for f in figures] == ["白菜", "鸡蛋"]
    assert figures[1]["baseline"] == 5.0 and figures[1]["alert_price"] == 5.5
    assert figures[0]["days"][1] == {"date": "2022-10-08", "price": None, "markets": 0}
    assert figures[1]["days"][2] == {"date": "2022-10-09", "price": 5.3, "markets": 2}


def test_no_above_baseline_rule_no_alert_line(price_result):
    trend = prices.price_trend(price_result.changes, [RULES[2]], "2022-10-09", 3)
    assert trend["alert_price"].isna().all()


def test_alerted_commodities_are_shown_the_others_folded(price_result):
    assert set(price_result.alerts["commodity"]) == {"鸡蛋"}  # M1 at 5.6 ≥ 5.5; cabbage +2 % alerts nothing
    html = supply_view.price_trend_charts(price_result, "zh").data
    shown, folded = html.split("<details", 1)
    assert "鸡蛋" in shown and "白菜" in folded and "白菜" not in shown
    egg = ET.fromstring(re.findall(r"<svg.*?</svg>", shown, flags=re.S)[1])
    assert egg.find(f"{SVG}desc").text == "10-07: 5.50 (2); 10-08: 6.00 (2); 10-09: 5.30 (2)"
    assert "10-09 均价 5.30（2 个市场）· 基期 5.00 · 较基期 +6.0%" in shown
    cabbage = ET.fromstring(re.findall(r"<svg.*?</svg>", folded, flags=re.S)[0])
    mean = [p for p in cabbage.iter(f"{SVG}path") if p.get("stroke-width") == "2.2"][0]
    assert mean.get("d").count("M") == 2


# ---------------------------------------------------------------- burn-up charts and site load


def test_only_targets_behind_or_at_risk_are_watched():
    progress = pd.DataFrame({"status": ["on_track", "at_risk", "behind", "no_data"]})
    assert watched_targets(progress).tolist() == [False, True, True, False]


@pytest.fixture(scope="module")
def sample_enterprises():
    from workbench.domains import enterprises
    from workbench.intake.catalog import open_pack
    from workbench.intake.needs import load_report

    pack = open_pack(None)
    data = load_report(pack, "enterprise_output")
    return enterprises.analyse_enterprises(data.enterprises, data.production, data.targets,
                                           pack.resolve_date(None), checks=data.get("enterprise_checks"))


def test_burnup_charts_watched_in_full_the_rest_folded_small(sample_enterprises):
    from workbench.present.views import enterprises as view

    result = sample_enterprises
    html = view.burnup_charts(result, "zh").data
    shown, folded = html.split("<details", 1)
    counts = result.progress["status"].value_counts()
    assert shown.count("<svg") == counts["behind"] + counts["at_risk"]
    assert folded.count("<svg") == counts["on_track"] + 1  # the small charts and their one legend
    assert 'viewBox="0 0 220 150"' in folded and 'viewBox="0 0 220 150"' not in shown
    assert shown.index("进度滞后") < shown.index("存在风险")  # worst first


def test_site_load_table_puts_exceptions_first_and_folds_the_rest():
    summary = pd.DataFrame({
        "site_id": ["T1", "T2", "T3", "T4"], "name": ["一号点", "二号点", "三号点", "四号点"],
        "kind": ["fixed", "mobile", "fixed", "fixed"], "capacity_per_hour": [100, 50, 80, 40],
        "samples": [500, 300, 0, 120], "peak_hour_samples": [90, 60, 0, 40],
        "silent": [False, False, True, False]})
    summary["peak_load"] = summary["peak_hour_samples"] / summary["capacity_per_hour"]
    load = pd.DataFrame({"site_id": ["T1", "T1", "T2", "T4"],
                         "date": pd.to_datetime(["2022-10-08", "2022-10-09", "2022-10-09", "2022-10-08"]),
                         "peak_hour_samples": [90, 70, 60, 40]})
    result = type("Result", (), {"site_load": load})()
    rows = site_load.load_rows(summary, result)
    # silent, then over (120 %, 100 %), then below
    assert rows["site_id"].tolist() == ["T3", "T2", "T4", "T1"]
    assert rows["status"].tolist() == ["silent", "over", "over", "below"]
    assert rows["peak_day"].tolist()[1:] == [T("2022-10-09"), T("2022-10-08"), T("2022-10-08")]
    html = site_load.table(rows, "zh").data
    shown, folded = html.split("<details", 1)
    assert "一号点" in folded and all(n in shown for n in ("三号点", "二号点", "四号点"))
    head = re.search(r"<thead>(.*?)</thead>", shown).group(1)
    assert head.index("采样点") < head.index("负荷状态") < head.index("高峰负荷") < head.index("采样点编码")
    assert ">120.0%</data>" in shown and ">100.0%</data>" in shown
    card = site_load.headline(rows, "zh").data
    assert "2 / 4" in card and "二号点 (T2)" in card


# ---------------------------------------------------------------- the reports on the sample pack


@pytest.mark.slow
def test_coverage_report_shows_the_rounds_and_the_site_load(tmp_path):
    import duckdb

    from workbench.paths import SAMPLE_PACK_DIR

    _, html_path = sample_report_figures("testing_coverage", tmp_path)
    html = html_path.read_text("utf-8")
    assert "历轮覆盖率" in html and "采样点负荷" in html
    # an independent count of the sample: street S01 in round R1, distinct persons of its communities
    areas = gpd.read_file(SAMPLE_PACK_DIR / "areas.geojson")
    communities = areas.loc[(areas["level"] == "community") & (areas["parent_id"] == "S01"), "area_id"]
    rounds = pd.read_csv(SAMPLE_PACK_DIR / "rounds.csv")
    r1 = rounds.iloc[0]
    tested = duckdb.sql(
        f"SELECT count(DISTINCT (person_key, area_id)) FROM '{SAMPLE_PACK_DIR / 'sampling.parquet'}' "
        f"WHERE sampled_at BETWEEN TIMESTAMP '{r1['start']}' AND TIMESTAMP '{r1['end']}' "
        f"AND area_id IN ({', '.join(repr(c) for c in communities)})").fetchall()[0][0]
    population = int(areas.loc[areas["area_id"].isin(communities), "population"].sum())
    assert f"<small>{tested:,} / {population:,}</small>" in html


@pytest.mark.slow
def test_checkpoint_flows_equal_the_raw_file(tmp_path):
    from workbench.paths import SAMPLE_PACK_DIR

    figures, html_path = sample_report_figures("checkpoints", tmp_path)
    raw = pd.read_csv(SAMPLE_PACK_DIR / "checkpoint_daily.csv", parse_dates=["date"])
    window = raw[(raw["date"] >= "2022-10-03") & (raw["date"] <= "2022-10-09")]
    people = window.groupby(window["date"].dt.strftime("%Y-%m-%d"))["people"].sum().to_dict()
    assert {f["date"]: f["people"] for f in figures["flows"]} == people
    assert {f["date"]: f["reported"] for f in figures["flows"]}["2022-10-06"] == 5  # CP06 missed the day
    assert "近 7 天通行趋势" in html_path.read_text("utf-8")


@pytest.mark.slow
def test_price_trend_figures_equal_the_raw_file(tmp_path):
    from workbench.paths import SAMPLE_PACK_DIR

    figures, html_path = sample_report_figures("supply_prices", tmp_path)
    raw = pd.read_csv(SAMPLE_PACK_DIR / "价格监测.csv", encoding="gb18030", parse_dates=["日期"])
    eggs = raw[(raw["品种"] == "鸡蛋") & (raw["日期"] >= "2022-09-26") & (raw["日期"] <= "2022-10-09")]
    means = eggs.groupby(eggs["日期"].dt.strftime("%Y-%m-%d"))["价格"].mean()
    egg = next(f for f in figures["price_trend"] if f["commodity"] == "鸡蛋")
    assert len(egg["days"]) == 14
    assert {d["date"]: d["price"] for d in egg["days"]} == pytest.approx(means.to_dict())
    assert egg["alert_price"] == pytest.approx(egg["baseline"] * 1.10)
    assert "各品种价格走势与基期" in html_path.read_text("utf-8")
