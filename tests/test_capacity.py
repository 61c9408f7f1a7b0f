"""Testing capacity on a hand-computed fixture: a 12-hour round, counted from its 6th hour."""

import math

import pandas as pd
import pytest

from workbench.domains import capacity as cap

ROUND = {"round_id": "R1", "start": pd.Timestamp("2022-10-09 08:00"), "end": pd.Timestamp("2022-10-09 20:00")}
AT = pd.Timestamp("2022-10-09 14:00")  # 6 of the 12 hours left


@pytest.fixture
def areas():
    return pd.DataFrame(
        {
            "area_id": ["ST1", "ST2", "ST3", "C1", "C2", "C3", "C4"],
            "level": ["street"] * 3 + ["community"] * 4,
            "parent_id": [None, None, None, "ST1", "ST1", "ST2", "ST3"],
        }
    )


@pytest.fixture
def sites():
    return pd.DataFrame(
        {
            "site_id": ["A", "B", "C", "D", "E"],
            "area_id": ["C1", "C2", "C3", "C3", None],
            "capacity_per_hour": [50, 70, 100, 90, 40],
            "peak_hour_samples": [60, 70, 30, 0, 10],
        }
    )


@pytest.fixture
def coverage():
    # street rows as coverage_table gives them
    # (population = sum of communities; gap = ceil(0.95 pop) - tested)
    return pd.DataFrame(
        {
            "area_id": ["ST1", "ST2", "ST3", "C1"],
            "name": ["一街", "二街", "三街", "一社区"],
            "level": ["street", "street", "street", "community"],
            "population": [1600, 2400, 300, 1000],
            "tested": [800, 1000, 285, 500],
            "gap": [720, 1280, 0, 450],
        }
    )


def test_street_capacity(sites, areas, coverage):
    result = cap.analyse_capacity(sites, areas, ROUND, coverage, AT)
    assert result.hours == 12.0 and result.hours_remaining == 6.0
    streets = result.streets.set_index("area_id")
    assert streets.index.tolist() == ["ST1", "ST2", "ST3"]
    assert streets["sites"].tolist() == [2, 2, 0]
    assert streets["capacity"].tolist() == [1440.0, 2280.0, 0.0]  # 120 × 12, 190 × 12
    assert streets["capacity_ratio"].tolist() == [pytest.approx(0.9), pytest.approx(0.95), 0.0]
    assert streets["capacity_short"].tolist() == [True, False, True]  # exactly 0.95 is not short
    assert streets["remaining_capacity"].tolist() == [720.0, 1140.0, 0.0]
    assert streets["cannot_reach"].tolist() == [False, True, False]  # 720 left for 720 to test: reachable
    assert result.warnings == ["1 testing site(s) in no street are not counted in any capacity"]


def test_site_peaks(sites, areas, coverage):
    peaks = cap.analyse_capacity(sites, areas, ROUND, coverage, AT).sites
    assert peaks["site_id"].tolist() == ["A", "B", "C", "D"]
    assert peaks["peak_load"].tolist()[:3] == [pytest.approx(1.2), 1.0, pytest.approx(0.3)]
    assert math.isnan(peaks["peak_load"].iloc[3])  # D sampled nobody: no load measured, never 0 %
    assert peaks["over"].tolist() == [True, True, False, False]  # a full hour (1.0) is over
    assert peaks["street"].tolist() == ["ST1", "ST1", "ST2", "ST2"]


def test_hours_left_is_clipped_to_the_round():
    assert cap.hours_left(ROUND["start"], ROUND["end"], "2022-10-09 07:00") == 12.0
    assert cap.hours_left(ROUND["start"], ROUND["end"], "2022-10-09 20:00") == 0.0
    assert cap.hours_left(ROUND["start"], ROUND["end"], "2022-10-10 08:00") == 0.0


def test_figures(sites, areas, coverage):
    figures = cap.capacity_figures(cap.analyse_capacity(sites, areas, ROUND, coverage, AT))
    assert figures["capacity_short"] == ["ST1", "ST3"] and figures["cannot_reach"] == ["ST2"]
    assert figures["sites_over"] == ["A", "B"]
    assert figures["streets"][1] == {
        "area_id": "ST2",
        "sites": 2,
        "capacity": 2280.0,
        "population": 2400,
        "capacity_ratio": 0.95,
        "gap": 1280,
        "remaining_capacity": 1140.0,
    }


def test_sample_pack_capacity_against_plain_pandas(sample_data):
    """The sample's street capacity in round R3 (07:00-22:00, 15 h), summed with plain pandas."""
    from workbench.domains import coverage

    data = sample_data
    placed, _ = coverage.sites_in_areas(data.testing_sites, data.areas)
    r3 = data.rounds[data.rounds["round_id"] == "R3"].iloc[0]
    table = coverage.coverage_table(coverage.count_tested(data.sampling, r3["start"], r3["end"]), data.areas)
    result = cap.analyse_capacity(placed.assign(peak_hour_samples=0), data.areas, r3, table,
                                  pd.Timestamp("2022-10-09 08:00"))
    parents = data.areas.set_index("area_id")["parent_id"]
    expected = placed.groupby(placed["area_id"].map(parents))["capacity_per_hour"].sum() * 15
    assert result.hours == 15.0 and result.hours_remaining == 0.0
    assert result.streets.set_index("area_id")["capacity"].to_dict() == expected.astype(float).to_dict()


@pytest.mark.slow
def test_wiring_coverage_report_publishes_capacity(tmp_path):
    from fixtures.reports import sample_report_figures

    figures, _ = sample_report_figures("testing_coverage", tmp_path)
    capacity = figures["capacity"]
    assert capacity["round_id"] == "R3" and capacity["round_hours"] == 15.0
    assert len(capacity["streets"]) == 5 and len(capacity["sites"]) == 126


def test_the_capacity_section_and_the_site_load_table_share_one_over_capacity_rule():
    from workbench.domains.testing_sites import site_load_status

    loads = [1.2, 1.0, 1.0 - 1e-12, 0.999, float("nan")]  # 1 − 1e-12: a full hour, float noise
    summary = pd.DataFrame({"site_id": list("ABCDE"), "street": "ST1", "capacity_per_hour": 1.0,
                            "peak_hour_samples": loads, "peak_load": loads, "samples": 1, "silent": False})
    over_here = cap.site_peaks(summary).set_index("site_id")["over"].sort_index().tolist()
    over_there = (site_load_status(summary) == "over").tolist()
    assert over_here == over_there == [True, True, True, False, False]
