"""Supervision inspections on a tiny hand-computed fixture (DESIGN.md's definitions, pinned exactly).

Report date 2022-10-09, window 7 days (10-03 … 10-09 inclusive), rectify_days 1, repeat look-back
30 days (09-10 … 10-09). Every expected number below is worked out by hand in the comments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from fixtures.packs import write_pack

from workbench.domains import inspections as ins
from workbench.errors import DataError, WorkbenchError
from workbench.intake.catalog import open_pack
from workbench.intake.contract import SCHEMAS
from workbench.intake.loading import load_datasets
from workbench.present.display import to_jsonable
from workbench.present.i18n import label

DAY = "2022-10-09"
T1, T2, T3 = "第一督查组", "第二督查组", "核酸检测组"
Y, N = True, False


def places_frame() -> pd.DataFrame:
    rows = [
        ("P1", "站一", "garbage_station"),
        ("P2", "公园二", "park"),
        ("P3", "公厕三", "public_toilet"),
        ("P4", "采样点四", "testing_site"),
        ("P5", "公园五", "park"),  # never visited
        ("P6", "广场六", "square"),  # last visited 10-02: one day before the window
        ("P7", "广场七", "square"),  # visited on 10-03: the window's first day
    ]
    frame = pd.DataFrame(rows, columns=["place_id", "name", "kind"])
    frame["lon"] = 109.80 + np.arange(len(frame)) * 0.002
    frame["lat"] = 40.60 + np.arange(len(frame)) * 0.001
    return frame


def visits_frame() -> pd.DataFrame:
    rows = [
        # id    date          team place staff disinf regist finding        rectified_on
        ("V01", "2022-10-09", T1, "P1", Y, Y, Y, None, None),            # passed
        ("V02", "2022-10-09", T1, "P2", N, Y, Y, "无人", "2022-10-09"),  # fixed on the report day: closed
        ("V03", "2022-10-08", T1, "P3", Y, N, Y, "消杀台账缺失", "2022-10-10"),  # fixed after it: open, age 1
        ("V04", "2022-10-07", T2, "P1", Y, Y, N, "未扫码登记", None),     # no fix: open, age 2 > 1: overdue
        ("V05", "2022-10-06", T2, "P2", N, N, Y, "两项不合格", "2022-10-08"),  # closed after 2 d
        ("V06", "2022-10-03", T2, "P7", Y, Y, Y, None, None),            # window start: counted
        ("V07", "2022-10-02", T2, "P6", Y, Y, Y, None, None),            # before the window
        ("V08", "2022-10-10", T1, "P4", N, N, N, "未来", None),           # after the report date: ignored
        ("V09", "2022-09-20", T1, "P2", Y, N, Y, "旧问题", "2022-09-21"),  # before the window, in 30 days
        ("V10", "2022-09-09", T1, "P1", N, Y, Y, "太旧", "2022-09-09"),   # 31st day back: not in 30 days
        ("V11", "2022-09-10", T1, "P3", N, Y, Y, "三十天内", "2022-09-10"),  # 30th day back: in
        ("V12", "2022-10-05", T3, "P4", Y, Y, Y, None, None),
        ("V13", "2022-10-05", T1, "P3", Y, Y, Y, None, None),            # 10-04 has no visit at all
    ]
    columns = ["inspection_id", "date", "team", "place_id", *ins.ITEMS, "finding", "rectified_on"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["rectified_on"] = pd.to_datetime(frame["rectified_on"])
    for item in ins.ITEMS:
        frame[item] = frame[item].astype("boolean")
    return frame


@pytest.fixture
def result():
    return ins.analyse_inspections(visits_frame(), places_frame(), DAY)


def test_window_is_the_last_window_days_ending_on_the_report_date(result):
    assert result.window_start == pd.Timestamp("2022-10-03")
    expected = ["V01", "V02", "V03", "V04", "V05", "V06", "V12", "V13"]
    assert sorted(result.in_window["inspection_id"]) == expected


def test_pass_rate_over_the_window(result):
    # passed in the window: V01, V06, V12, V13 of 8 visits
    assert (result.totals["visits"], result.totals["passed"], result.totals["pass_rate"]) == (8, 4, 0.5)


def test_pass_rate_by_team_and_by_kind(result):
    by_team = {r["team"]: (r["visits"], r["passed"]) for r in result.by_team.to_dict("records")}
    assert by_team == {T1: (4, 2), T2: (3, 1), T3: (1, 1)}
    assert result.by_team["team"].tolist() == [T3, T1, T2]  # numbers read in names: 第一 before 第二
    assert result.by_team.set_index("team").loc[T2, "pass_rate"] == pytest.approx(1 / 3)
    by_kind = result.by_kind.set_index("kind")
    assert by_kind.index.tolist() == ["garbage_station", "public_toilet", "park", "square", "testing_site"]
    assert by_kind[["visits", "passed"]].to_dict("index") == {
        "garbage_station": {"visits": 2, "passed": 1}, "public_toilet": {"visits": 2, "passed": 1},
        "park": {"visits": 2, "passed": 0}, "square": {"visits": 1, "passed": 1},
        "testing_site": {"visits": 1, "passed": 1}}


def test_closed_open_and_overdue_at_the_report_date(result):
    visits = result.visits.set_index("inspection_id")
    assert bool(visits.loc["V02", "closed"]) and not visits.loc["V02", "open"]  # rectified on the report date
    assert bool(visits.loc["V03", "open"])  # rectified after the report date
    assert bool(visits.loc["V04", "open"])  # no rectification date
    assert visits.loc["V03", "age_days"] == 1 and not visits.loc["V03", "overdue"]  # exactly rectify_days old
    assert visits.loc["V04", "age_days"] == 2 and bool(visits.loc["V04", "overdue"])  # one day older
    assert result.open["inspection_id"].tolist() == ["V04", "V03"]  # overdue first
    assert result.open["age_days"].tolist() == [2, 1]
    assert pd.isna(result.open.loc[0, "rectified_on"])
    assert result.open.loc[1, "rectified_on"] == pd.Timestamp("2022-10-10")
    assert (result.totals["open"], result.totals["overdue"]) == (2, 1)


@pytest.mark.parametrize(("rectify_days", "overdue"), [(0, ["V04", "V03"]), (1, ["V04"]), (2, [])])
def test_overdue_follows_rectify_days(rectify_days, overdue):
    result = ins.analyse_inspections(visits_frame(), places_frame(), DAY, rectify_days=rectify_days)
    assert ins.inspection_figures(result)["overdue"] == overdue


def test_future_visit_is_ignored_with_a_warning(result):
    assert "V08" not in set(result.visits["inspection_id"])
    [warning] = result.warnings
    assert "1 inspection(s)" in warning and "2022-10-10" in warning
    # P4 shows its last visit before the report date, not the future failure
    assert result.places.set_index("place_id").loc["P4", "status"] == "passed"


def test_time_to_rectify_of_closed_findings_in_the_window(result):
    # closed in the window: V02 0 days, V05 2 days; V09 (1 day) is before the window
    expected = {"closed": 2, "same_day": 1, "median": 1.0, "p90": pytest.approx(1.8), "max": 2.0}
    assert result.rectify == expected
    teams = result.rectify_teams.set_index(result.rectify_teams["team"].fillna("all"))
    assert teams.loc["all", "closed"] == 2 and teams.loc[T1, "median"] == 0 and teams.loc[T2, "median"] == 2


def test_failing_items(result):
    # staffing: V02, V05; disinfection: V03, V05; registration: V04 — of 4 failed visits
    items = result.items.set_index("item")
    assert result.items["item"].tolist() == ["staffing_ok", "disinfection_log_ok", "registration_log_ok"]
    assert items["failures"].tolist() == [2, 2, 1]
    assert items.loc["staffing_ok", "share_of_failed"] == 0.5
    assert items.loc["registration_log_ok", "share_of_visits"] == 1 / 8


def test_repeat_failures_within_30_days(result):
    # P2: 09-20, 10-06, 10-09; P3: 09-10 (the 30th day back), 10-08; P1: 09-09 is the 31st day back
    repeat = result.repeat.set_index("place_id")
    assert result.repeat["place_id"].tolist() == ["P2", "P3"]
    assert repeat["failures"].tolist() == [3, 2]
    assert repeat.loc["P3", "failed_on"] == "09-10, 10-08"
    assert bool(repeat.loc["P3", "open"]) and not repeat.loc["P2", "open"]


def test_place_coverage_and_places_not_visited(result):
    coverage = result.coverage.set_index("kind")
    assert coverage.loc["park", ["places", "visited"]].tolist() == [2, 1]  # P5 never visited
    assert coverage.loc["square", "coverage"] == 0.5  # P6 on 10-02 is out, P7 on 10-03 is in
    assert coverage.loc["testing_site", "coverage"] == 1.0
    assert result.unvisited["place_id"].tolist() == ["P5", "P6"]  # never visited first
    assert pd.isna(result.unvisited.loc[0, "last_visit"])
    assert result.unvisited.loc[1, "days_since"] == 7
    assert (result.totals["places"], result.totals["visited"]) == (7, 5)


def test_place_status(result):
    status = result.places.set_index("place_id")["status"].to_dict()
    assert status == {"P1": "overdue", "P2": "rectified", "P3": "open", "P4": "passed",
                      "P5": "not_visited", "P6": "not_visited", "P7": "passed"}


def test_daily_trend_lists_every_day_and_never_a_zero_rate(result):
    daily = result.daily.set_index(result.daily["date"].dt.strftime("%m-%d"))
    assert daily.index.tolist() == ["10-03", "10-04", "10-05", "10-06", "10-07", "10-08", "10-09"]
    assert daily["visits"].tolist() == [1, 0, 2, 1, 1, 1, 2]
    assert daily["passed"].tolist() == [1, 0, 2, 0, 0, 0, 1]
    assert np.isnan(daily.loc["10-04", "pass_rate"]) and daily.loc["10-09", "pass_rate"] == 0.5


def test_figures_are_the_issue_s_keys_and_serialisable(result):
    figures = to_jsonable(ins.inspection_figures(result))
    json.dumps(figures)
    assert {"visits", "passed", "pass_rate", "by_team", "by_kind", "open", "overdue", "place_coverage",
            "median_rectify_days"} <= set(figures)
    assert (figures["visits"], figures["passed"], figures["pass_rate"]) == (8, 4, 0.5)
    assert figures["by_team"][0] == {"team": T3, "visits": 1, "passed": 1, "pass_rate": 1.0}
    assert figures["by_kind"][2] == {"kind": "park", "visits": 2, "passed": 0, "pass_rate": 0.0}
    assert (figures["open"], figures["overdue"]) == (["V04", "V03"], ["V04"])
    assert figures["place_coverage"] == {"garbage_station": 1.0, "public_toilet": 1.0, "park": 0.5,
                                         "square": 0.5, "testing_site": 1.0}
    assert figures["median_rectify_days"] == 1.0
    assert figures["window"] == {"days": 7, "start": "2022-10-03", "end": "2022-10-09"}


def test_a_shorter_window(result):
    short = ins.analyse_inspections(visits_frame(), places_frame(), DAY, window_days=1)
    assert short.window_start == pd.Timestamp(DAY)
    assert (short.totals["visits"], short.totals["passed"]) == (2, 1)  # V01, V02
    assert short.open["inspection_id"].tolist() == ["V04", "V03"]  # open findings ignore the window


def test_team_filter_uses_the_team_s_rotation():
    result = ins.analyse_inspections(visits_frame(), places_frame(), DAY, team=T2)
    assert (result.totals["visits"], result.totals["passed"]) == (3, 1)  # V04, V05, V06
    assert sorted(result.places["place_id"]) == ["P1", "P2", "P6", "P7"]
    assert result.unvisited["place_id"].tolist() == ["P6"]
    assert result.open["inspection_id"].tolist() == ["V04"]
    assert result.by_team["team"].tolist() == [T2]


def test_kind_filter():
    result = ins.analyse_inspections(visits_frame(), places_frame(), DAY, kind="park")
    assert (result.totals["visits"], result.totals["passed"]) == (2, 0)  # V02, V05
    assert result.coverage["kind"].tolist() == ["park"] and result.unvisited["place_id"].tolist() == ["P5"]
    assert result.repeat["place_id"].tolist() == ["P2"]


@pytest.mark.parametrize(("options", "message"), [
    ({"team": "第九督查组"}, "第九督查组.*teams: 核酸检测组, 第一督查组, 第二督查组"),
    ({"kind": "hotel"}, "not a place kind"),
    ({"window_days": 0}, "window_days"),
    ({"rectify_days": -1}, "rectify_days"),
])
def test_bad_parameters_are_clear_errors(options, message):
    with pytest.raises(WorkbenchError, match=message):
        ins.analyse_inspections(visits_frame(), places_frame(), DAY, **options)


def test_unknown_place_is_a_validation_error():
    visits = visits_frame()
    visits.loc[3, "place_id"] = "P99"
    with pytest.raises(DataError) as caught:
        ins.analyse_inspections(visits, places_frame(), DAY)
    [problem] = caught.value.problems
    assert (problem.column, problem.row, problem.found) == ("place_id", 4, "P99")


def test_no_visit_in_scope_gives_empty_tables_not_errors():
    result = ins.analyse_inspections(visits_frame(), places_frame(), "2022-08-01")
    assert result.totals["visits"] == 0 and np.isnan(result.totals["pass_rate"])
    assert result.rectify["median"] is None and result.open.empty and result.repeat.empty
    assert result.totals["visited"] == 0 and len(result.unvisited) == 7
    json.dumps(to_jsonable(ins.inspection_figures(result)))


def test_place_kinds_match_the_contract():
    allowed = SCHEMAS["places"].columns["kind"].checks[0].statistics["allowed_values"]
    assert set(ins.PLACE_KINDS) == set(allowed)


# ---------------------------------------------------------------- through the loader


def _pack(tmp_path: Path, suffix: str, items: dict) -> Path:
    """A pack of places and four inspections whose three items are given as ``items`` columns."""
    visits = pd.DataFrame({
        "inspection_id": ["A1", "A2", "A3", "A4"],
        "date": ["2022-10-08", "2022-10-08", "2022-10-09", "2022-10-09"],
        "team": [T1, T1, T2, T2],
        "place_id": ["P1", "P2", "P3", "P7"],
        **items,
        "finding": [None, "f2", "f3", "f4"],
        "rectified_on": [None, "2022-10-08", None, "2022-10-09"],
    })
    name = f"inspections.{suffix}"
    return write_pack(tmp_path, {"places.csv": places_frame(), name: visits},
                      {"places": "places.csv", "inspections": name}, report_date=DAY)


# row 1 passes; rows 2, 3, 4 fail staffing, disinfection and registration in turn
SPELLINGS = {
    "是/否": (["是", "否", "是", "是"], ["是", "是", "否", "是"], ["是", "是", "是", "否"]),
    "true/false": (["true", "FALSE", "True", "true"], ["true", "true", "false", "TRUE"],
                   ["True", "true", "true", "false"]),
    "1/0 text": (["1", "0", "1", "1"], ["1", "1", "0", "1"], ["1", "1", "1", "0"]),
    "1/0 numbers": ([1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]),
    "mixed": (["是", "否", "1", "Y"], ["true", "1", "否", "yes"], [1, 1, 1, 0]),
}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_items_as_是否_true_false_or_1_0_in_the_source(tmp_path, suffix, spelling):
    items = dict(zip(ins.ITEMS, SPELLINGS[spelling], strict=True))
    data = load_datasets(open_pack(_pack(tmp_path, suffix, items)), ["inspections"])
    for item in ins.ITEMS:
        assert str(data.inspections[item].dtype) == "boolean"
    result = ins.analyse_inspections(data.inspections, data.places, DAY, window_days=2)
    assert (result.totals["visits"], result.totals["passed"]) == (4, 1)
    assert result.items.set_index("item")["failures"].to_dict() == {item: 1 for item in ins.ITEMS}
    assert result.open["inspection_id"].tolist() == ["A3"]  # A2 and A4 were fixed by the report date


def test_loader_rejects_a_visit_to_an_unknown_place(tmp_path):
    items = dict(zip(ins.ITEMS, SPELLINGS["是/否"], strict=True))
    root = _pack(tmp_path, "csv", items)
    frame = pd.read_csv(root / "inspections.csv", dtype=str)
    frame.loc[2, "place_id"] = "P404"
    frame.to_csv(root / "inspections.csv", index=False)
    data = load_datasets(open_pack(root), ["inspections"])  # the visit is set aside (issue 11.3)
    [problem] = [p for p in data.warnings if p.column == "place_id"]
    assert (problem.file, problem.row, problem.found) == ("inspections.csv", 4, "P404")  # line 4
    assert "P404" not in set(data.inspections["place_id"])


# ---------------------------------------------------------------- views and map: escaped, redacted


HOSTILE = '<img src=x onerror=alert(1)> 联系 13812345678 `${x}`'


@pytest.fixture
def hostile_result():
    visits, places = visits_frame(), places_frame()
    visits.loc[visits["inspection_id"] == "V04", "finding"] = HOSTILE
    visits.loc[visits["inspection_id"] == "V05", "finding"] = HOSTILE
    places.loc[places["place_id"] == "P1", "name"] = "<script>alert(2)</script>"
    visits.loc[visits["team"] == T2, "team"] = "<b>二组</b>"
    return ins.analyse_inspections(visits, places, DAY)


def _assert_inert(html: str) -> None:
    assert "<img src=x" not in html and "<script>alert" not in html and "<b>二组" not in html
    assert "13812345678" not in html and "${x}" not in html


def test_tables_escape_and_redact_findings(hostile_result):
    from workbench.present.views import inspections as view

    for make in (view.open_table, view.repeat_table, view.team_table, view.kind_table, view.headline,
                 view.rectify_table, view.unvisited_table, view.coverage_table, view.trend_chart):
        html = make(hostile_result, "en").data
        _assert_inert(html)
    assert "&lt;img src=x" in view.open_table(hostile_result, "zh").data


def test_map_tooltips_escape_and_redact(hostile_result):
    from workbench.present.maps.inspections import inspections_map

    page = inspections_map(hostile_result, cluster_above=3).get_root().render()
    _assert_inert(page)
    assert "alert(2)" in page  # the name is there, escaped (and JSON-encoded inside the layer data)
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']?https?://", page)


def test_map_clusters_only_good_places_and_only_when_dense(result):
    from workbench.present.maps.inspections import inspections_map

    dense = inspections_map(result, cluster_above=3)
    page = dense.get_root().render()
    # P4, P7 passed and P2 rectified are clustered (two cluster groups); the others never
    assert page.count("L.markerClusterGroup(") == 2 and "refreshClusters" in page
    assert dense.options.get("max_zoom")
    sparse = inspections_map(result, cluster_above=100).get_root().render()
    assert "L.markerClusterGroup(" not in sparse
    for status in ins.STATUSES:  # a layer per status, named with its count
        assert label(f"insp_status_{status}", "zh") + " (" in page
    legend = re.search(r'<details id="wb-legend".*?</details>', page, re.S).group(0)
    assert "(1)" in legend and "(2)" in legend  # counts per status in the legend


def test_trend_svg_breaks_the_line_on_a_day_without_visits(result):
    from workbench.present.views.inspections import trend_svg

    svg = trend_svg(result.daily, "en")
    assert svg.startswith("<svg") and "<style" not in svg and "NaN" not in svg and "nan" not in svg
    assert svg.count("<polyline") == 2  # 10-03, then 10-05 … 10-09
    assert svg.count("<circle") == 6 and svg.count('fill="#d73027"') == 6  # one red part per day with visits


# ---------------------------------------------------------------- the notebook on the sample pack


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from workbench.runner.report import run_report

    out = tmp_path_factory.mktemp("inspections")
    return run_report("inspections", reports_dir=out / "reports", runs_dir=out / "runs"), out


@pytest.mark.slow
def test_wiring_report_on_the_sample_pack_equals_a_direct_computation(sample_run):
    """A wiring check (the expectation comes from the functions under test); the figures themselves are
    pinned by the hand-computed fixtures of this file."""
    result, _ = sample_run
    assert result.ok, result.error
    record = json.loads(result.json_path.read_text("utf-8"))
    pack = open_pack(None)
    data = load_datasets(pack, ["places", "inspections"])
    direct = ins.analyse_inspections(data.inspections, data.places, pack.resolve_date(None))
    expected = json.loads(json.dumps(to_jsonable(ins.inspection_figures(direct))))
    assert record["figures"] == expected
    figures = record["figures"]
    assert len(figures["by_team"]) == 6 and len(figures["place_coverage"]) == 9
    assert figures["open"] and figures["overdue"] and figures["not_visited"]  # the sample tells all three
    assert record["warnings"] == []

    # the same from the raw workbook with plain pandas, without the workbench's loader
    catalog = yaml.safe_load((pack.root / "catalog.yaml").read_text("utf-8"))["datasets"]
    spec = catalog["inspections"]
    raw = pd.read_excel(pack.root / spec["path"], sheet_name=spec["sheet"]).rename(columns=spec["columns"])
    day = pd.Timestamp(DAY)
    failed = (raw[list(ins.ITEMS)] == "否").any(axis=1)
    still_open = failed & (raw["rectified_on"].isna() | (raw["rectified_on"] > day))
    age = (day - raw["date"]).dt.days
    assert sorted(figures["open"]) == sorted(raw.loc[still_open, "inspection_id"])
    assert sorted(figures["overdue"]) == sorted(raw.loc[still_open & (age > 1), "inspection_id"])
    recent = raw[age.between(0, 6)]
    assert (figures["visits"], figures["passed"]) == (len(recent), int((~failed[recent.index]).sum()))
    places = pd.read_csv(pack.root / catalog["places"]["path"], dtype=str)
    assert sorted(figures["not_visited"]) == sorted(set(places["place_id"]) - set(recent["place_id"]))


@pytest.mark.slow
def test_report_html_is_offline_and_shows_every_part(sample_run):
    result, _ = sample_run
    page = result.html_path.read_text("utf-8")
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    for part in ("<svg", "wb-map", "open_findings.csv", "pass_rate_by_team.csv", "pass_rate_by_kind.csv",
                 "failing_items.csv", "time_to_rectify.csv", "repeat_failures.csv", "place_coverage.csv",
                 "places_not_visited.csv", "逾期未整改"):
        assert part in page, part
    assert "analyse_inspections" not in page  # no code


@pytest.mark.slow
def test_report_for_an_earlier_date_with_filters_in_english(tmp_path):
    from workbench.runner.report import run_report

    run = run_report("inspections", date="2022-10-06", parameters={"team": T1, "lang": "en"},
                     reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs")
    assert run.ok, run.error
    # named as a schedule names it: an English run leaves the day's Chinese report in place
    assert run.html_path == tmp_path / "reports" / "2022-10-06" / "inspections_en.html"
    record = json.loads(run.json_path.read_text("utf-8"))
    assert record["report"] == "inspections_en"
    assert record["figures"]["team"] == T1 and [t["team"] for t in record["figures"]["by_team"]] == [T1]
    assert any("after the report date 2022-10-06" in w for w in record["warnings"])
    # DC20221005-017 was fixed on 10-08: open on 10-06
    assert "DC20221005-017" in record["figures"]["open"]
    assert "Pass rate by team" in run.html_path.read_text("utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_report_draws_its_map_offline_and_fits_a_phone(browser, sample_run):
    result, _ = sample_run
    requests, errors = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    for width in (1200, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(result.html_path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        assert requests == [] and errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        frame = next(f for f in page.frames if f != page.main_frame)
        drawn = frame.evaluate("""() => {
            const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
            let paths = 0; map.eachLayer(l => { if (l instanceof L.Path) paths += 1; });
            return [paths, document.querySelectorAll('.wb-cluster').length];
        }""")
        assert drawn[0] > 10 and drawn[1] > 0, drawn
        page.close()
