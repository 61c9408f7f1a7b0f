"""Checkpoint figures on a tiny hand-computed fixture, and the report on the sample pack."""

import json

import pandas as pd
import pytest
from fixtures.reports import sample_report_figures

from workbench.domains import checkpoints as cp
from workbench.errors import WorkbenchError

T = pd.Timestamp


@pytest.fixture
def stations():
    return pd.DataFrame({
        "checkpoint_id": ["A", "B", "C", "D"], "name": ["Bridge", "Road", "New", "Dead"],
        "lon": [109.8, 109.7, 109.9, 109.75], "lat": [40.56, 40.6, 40.62, 40.58],
    })


@pytest.fixture
def daily():
    rows = [
        # A reports every day of a 3-day window ending 10-09, and before it
        ("2022-10-06", "A", 100, 200, 4, 190),
        ("2022-10-07", "A", 10, 20, 1, 19),
        ("2022-10-08", "A", 20, 40, 2, 39),
        ("2022-10-09", "A", 30, 60, 3, 58),
        # B misses 10-08
        ("2022-10-05", "B", 1, 1, 0, 1),
        ("2022-10-07", "B", 5, 10, 0, 10),
        ("2022-10-09", "B", 7, 0, 0, 0),  # nobody passed: a share over 0 people is missing
        # C opened on 10-08: not expected on 10-07
        ("2022-10-08", "C", 2, 4, 1, 4),
        ("2022-10-09", "C", 3, 6, 0, 5),
        # a row after the report date is not shown
        ("2022-10-10", "A", 99, 99, 9, 99),
        # D never reported: expected every day
    ]
    frame = pd.DataFrame(rows, columns=["date", "checkpoint_id", *cp.COUNTS])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def result(stations, daily):
    return cp.analyse_checkpoints(stations, daily, "2022-10-09", window=3)


def test_window_days_end_on_the_report_date():
    days = cp.window_days("2022-10-09", 7)
    assert (days[0], days[-1], len(days)) == (T("2022-10-03"), T("2022-10-09"), 7)
    with pytest.raises(WorkbenchError, match="window_days"):
        cp.window_days("2022-10-09", 0)


def test_missing_days_are_listed_never_zero(result):
    missing = [(f"{r.date:%m-%d}", r.checkpoint_id) for r in result.missing.itertuples()]
    assert missing == [("10-07", "D"), ("10-08", "B"), ("10-08", "D"), ("10-09", "D")]
    row = result.grid[(result.grid["checkpoint_id"] == "B") & (result.grid["date"] == T("2022-10-08"))]
    assert not row["reported"].item() and pd.isna(row["people"].item())
    # C opened during the window: its day before opening is neither expected nor missing
    assert result.grid[(result.grid["checkpoint_id"] == "C")]["date"].tolist() == [T("2022-10-08"),
                                                                                   T("2022-10-09")]


def test_window_sums_add_reported_days_only(result):
    week = result.week.set_index("checkpoint_id")
    assert week.loc["A", list(cp.COUNTS)].tolist() == [60, 120, 6, 116]
    assert (week.loc["A", "days_reported"], week.loc["A", "days_expected"]) == (3, 3)
    assert week.loc["A", "risk_share"] == pytest.approx(6 / 120)
    assert week.loc["A", "people_per_day"] == pytest.approx(40)
    assert week.loc["B", ["vehicles", "people"]].tolist() == [12, 10]
    days = ["days_reported", "days_expected", "complete"]
    assert week.loc["B", days].tolist() == [2, 3, False]
    assert week.loc["C", days].tolist() == [2, 2, True]  # opened on 10-08
    assert week.loc["D", days].tolist() == [0, 3, False] and week.loc["D", "people"] == 0
    assert pd.isna(week.loc["D", "people_per_day"]) and pd.isna(week.loc["D", "risk_share"])
    assert result.total_week["people"] == 120 + 10 + 10
    assert result.total_week["from_risk_areas"] == 6 + 0 + 1


def test_report_day_figures_and_shares(result):
    today = result.today.set_index("checkpoint_id")
    assert today.loc["A", "people"] == 60 and today.loc["A", "risk_share"] == pytest.approx(0.05)
    assert pd.isna(today.loc["B", "risk_share"])  # 0 people: no share, not 0 %
    assert not today.loc["D", "reported"]
    assert result.total_today == {
        "vehicles": 40, "people": 66, "from_risk_areas": 3, "landing_tests": 63,
        "risk_share": pytest.approx(3 / 66), "landing_share": pytest.approx(63 / 66),
        "reported": 3, "expected": 4,
    }
    assert any("after the report date" in w for w in result.warnings)


def test_figures_follow_the_issue(result):
    figures = json.loads(json.dumps(cp.checkpoint_figures(result)))
    assert figures["daily"][0] == {"date": "2022-10-09", "checkpoint_id": "A", "vehicles": 30, "people": 60,
                                   "from_risk_areas": 3, "landing_tests": 58}
    assert [d["checkpoint_id"] for d in figures["daily"]] == ["A", "B", "C"]
    assert figures["missing"][0] == {"date": "2022-10-07", "checkpoint_id": "D"}
    week = {w["checkpoint_id"]: w for w in figures["week"]}
    assert week["A"]["people"] == 120 and week["B"]["days_reported"] == 2
    assert figures["window"] == {"start": "2022-10-07", "end": "2022-10-09", "days": 3}


def test_a_day_nobody_reported_is_a_warning(stations, daily):
    result = cp.analyse_checkpoints(stations, daily[daily["date"] < T("2022-10-09")], "2022-10-09", window=3)
    assert result.total_today["reported"] == 0 and result.total_today["people"] == 0
    assert any("no checkpoint reported" in w for w in result.warnings)


# ---------------------------------------------------------------- the sample pack


@pytest.fixture(scope="module")
def sample():
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets

    pack = open_pack(None)
    return pack, load_datasets(pack, ["checkpoints", "checkpoint_daily"])


def test_sample_reproduces_the_source_report(sample):
    pack, data = sample
    result = cp.analyse_checkpoints(data.checkpoints, data.checkpoint_daily, pack.resolve_date(None))
    bridge = result.grid[(result.grid["checkpoint_id"] == "CP01") & (result.grid["date"] == T("2022-10-08"))]
    assert bridge["name"].item() == "黄河大桥卡口"
    assert (bridge["from_risk_areas"].item(), bridge["landing_tests"].item()) == (694, 19_606)
    week = result.week.set_index("checkpoint_id")
    assert 9_000 <= week.loc["CP01", "vehicles_per_day"] <= 11_000
    assert 18_000 <= week.loc["CP01", "people_per_day"] <= 21_000
    missing = [(f"{r.date:%Y-%m-%d}", r.checkpoint_id) for r in result.missing.itertuples()]
    assert missing == [("2022-10-06", "CP06")]


@pytest.mark.slow
def test_wiring_notebook_figures_equal_a_direct_computation(sample, tmp_path):
    """A wiring check (the expectation comes from the functions under test); the figures themselves are
    pinned by the hand-computed fixtures of this file."""
    pack, data = sample
    figures, html_path = sample_report_figures("checkpoints", tmp_path)
    expected = cp.checkpoint_figures(cp.analyse_checkpoints(data.checkpoints, data.checkpoint_daily,
                                                            pack.resolve_date(None)))
    assert figures == json.loads(json.dumps(expected))
    assert {"date": "2022-10-06", "checkpoint_id": "CP06"} in figures["missing"]
    html = html_path.read_text("utf-8")
    assert "黄河大桥卡口" in html and "19,606" in html


def test_map_escapes_names_and_draws_every_checkpoint(stations, daily):
    import geopandas as gpd
    import shapely

    from workbench.present.maps.base import MapOptions
    from workbench.present.maps.checkpoints import checkpoint_map

    hostile = stations.assign(name=["<img src=x onerror=alert(1)>", "b", "c", "d"])
    result = cp.analyse_checkpoints(hostile, daily, "2022-10-09", window=3)
    areas = gpd.GeoDataFrame({"area_id": ["S1"], "name": ["`${x}`"], "level": ["street"]},
                             geometry=[shapely.box(109.6, 40.5, 110.0, 40.7)], crs="EPSG:4326")
    page = checkpoint_map(result, areas, MapOptions(lang="en")).get_root().render()
    # the page's JSON writes "<" as \u003c and "&" as \u0026: an escaped name reads \u0026lt;img
    assert "\\u0026lt;img src=x" in page
    assert "<img src=x" not in page and "\\u003cimg" not in page
    assert "${x}" not in page
    assert page.count('"radius"') >= 4
