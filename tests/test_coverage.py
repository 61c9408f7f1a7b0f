"""Coverage on a tiny hand-computed fixture (DESIGN.md's definitions, pinned exactly)."""

import pandas as pd
import pytest

from workbench.domains import coverage
from workbench.errors import WorkbenchError

T = pd.Timestamp


@pytest.fixture
def areas():
    return pd.DataFrame({
        "area_id": ["S1", "S2", "C1", "C2", "C3"],
        "name": ["Street 1", "Street 2", "Comm 1", "Comm 2", "Comm 3"],
        "level": ["street", "street", "community", "community", "community"],
        "parent_id": [None, None, "S1", "S1", "S2"],
        "population": [999, 999, 4, 2, 5],  # street figures in the file are ignored: sums win
    })


@pytest.fixture
def rounds():
    return pd.DataFrame({
        "round_id": ["R1", "R2"], "name": ["first", "second"],
        "start": [T("2022-10-04 07:00:00"), T("2022-10-06 07:00:00")],
        "end": [T("2022-10-04 18:00:00"), T("2022-10-06 18:00:00")],
    })


@pytest.fixture
def sampling():
    rows = [
        ("p1", "C1", "A", "2022-10-04 08:00:00"),
        ("p1", "C1", "A", "2022-10-04 09:00:00"),  # duplicate sample: counted once
        ("p2", "C1", "A", "2022-10-04 18:00:00"),  # exactly at the end: inside
        ("p3", "C1", "A", "2022-10-04 18:00:01"),  # one second after: outside
        ("p4", "C1", "A", "2022-10-04 06:59:59"),  # before the start: outside
        ("p5", "C2", "B", "2022-10-04 10:00:00"),
        ("p5", "C1", "A", "2022-10-04 11:00:00"),  # same person in two areas: counted in each
        ("p6", "C2", "B", "2022-10-04 12:00:00"),
    ]
    frame = pd.DataFrame(rows, columns=["person_key", "area_id", "site_id", "sampled_at"])
    frame["sampled_at"] = pd.to_datetime(frame["sampled_at"])
    return frame


def test_count_tested_closed_interval_and_distinct(sampling, rounds):
    tested = coverage.count_tested(sampling, rounds.start[0], rounds.end[0])
    assert dict(zip(tested.area_id, tested.tested, strict=True)) == {"C1": 3, "C2": 2}


def test_coverage_table_pins_every_area(sampling, rounds, areas):
    tested = coverage.count_tested(sampling, rounds.start[0], rounds.end[0])
    table = coverage.coverage_table(tested, areas, target=0.95).set_index("area_id")
    assert table.loc["C1", ["tested", "population"]].tolist() == [3, 4]
    assert table.loc["C1", "coverage"] == 0.75
    assert table.loc["C2", "coverage"] == 1.0
    # an area with no samples is 0, not missing
    assert table.loc["C3", "tested"] == 0 and table.loc["C3", "coverage"] == 0.0
    # street = sum of its communities
    assert table.loc["S1", ["tested", "population"]].tolist() == [5, 6]
    assert table.loc["S2", ["tested", "population"]].tolist() == [0, 5]
    assert bool(table.loc["C1", "short"]) and table.loc["C1", "gap"] == 1  # ceil(0.95*4) - 3
    assert table.loc["C3", "gap"] == 5
    assert not table.loc["C2", "short"] and table.loc["C2", "gap"] == 0
    total = coverage.total_coverage(table.reset_index(), 0.95)
    assert (total["tested"], total["population"]) == (5, 11)
    assert total["coverage"] == pytest.approx(5 / 11)
    assert total["short_communities"] == 2


def test_coverage_exactly_at_target_is_not_short(sampling, rounds, areas):
    tested = coverage.count_tested(sampling, rounds.start[0], rounds.end[0])
    table = coverage.coverage_table(tested, areas, target=0.75).set_index("area_id")
    assert table.loc["C1", "coverage"] == 0.75
    assert not table.loc["C1", "short"]


def test_short_areas_sorted_by_gap(sampling, rounds, areas):
    tested = coverage.count_tested(sampling, rounds.start[0], rounds.end[0])
    table = coverage.coverage_table(tested, areas, target=0.95)
    assert coverage.short_areas(table)["area_id"].tolist() == ["C3", "C1"]


def test_scope_street_keeps_street_and_its_communities(areas):
    assert coverage.areas_in_scope(areas, "S1")["area_id"].tolist() == ["S1", "C1", "C2"]
    assert len(coverage.areas_in_scope(areas, "district")) == 5
    with pytest.raises(WorkbenchError, match="neither 'district' nor a street"):
        coverage.areas_in_scope(areas, "C1")


def test_select_round_latest_started_on_or_before(rounds):
    assert coverage.select_round(rounds, "2022-10-05")["round_id"] == "R1"
    assert coverage.select_round(rounds, "2022-10-06")["round_id"] == "R2"  # started that day
    assert coverage.select_round(rounds, "2022-10-09", round_id="R1")["round_id"] == "R1"
    with pytest.raises(WorkbenchError, match="no testing round"):
        coverage.select_round(rounds, "2022-10-03")
    with pytest.raises(WorkbenchError, match="R9"):
        coverage.select_round(rounds, "2022-10-09", round_id="R9")


def _load(site_days):
    rows = [(s, T(d)) for s, days in site_days.items() for d in days]
    return pd.DataFrame(rows, columns=["site_id", "date"])


def test_silent_site_is_flagged_never_zero():
    sites = pd.DataFrame({"site_id": ["A", "B", "C"], "name": ["a", "b", "c"], "kind": ["fixed"] * 3})
    load = _load({
        "A": ["2022-10-01", "2022-10-02", "2022-10-03"],  # habitual, nothing on 10-04: silent
        "B": ["2022-10-01"],  # 1 of 3 active days: not habitual
        "C": ["2022-10-01", "2022-10-02", "2022-10-03", "2022-10-04"],
    })
    silent = coverage.silent_sites(load, sites, [T("2022-10-04")], lookback_days=7)
    assert silent["site_id"].tolist() == ["A"]
    assert silent.loc[0, "silent_on"] == T("2022-10-04")
    assert silent.loc[0, "last_reported"] == T("2022-10-03")
    assert (silent.loc[0, "days_reported"], silent.loc[0, "active_days"]) == (3, 3)


def test_site_daily_load_peak_hour(sampling):
    sites = pd.DataFrame({"site_id": ["A", "B"], "capacity_per_hour": [2, 4]})
    load = coverage.site_daily_load(sampling, sites).set_index("site_id")
    assert load.loc["A", "samples"] == 6
    assert load.loc["A", "peak_hour_samples"] == 2  # 18:00:00 and 18:00:01 share an hour
    assert load.loc["A", "peak_load"] == 1.0
    assert load.loc["B", "samples"] == 2


def test_a_site_without_samples_in_the_round_has_no_peak_load_never_zero():
    from types import SimpleNamespace

    from workbench.domains.testing_sites import site_load_status, site_round_summary

    sites = pd.DataFrame({"site_id": ["A", "B", "C"], "capacity_per_hour": [4, 4, 0]})
    daily = pd.DataFrame({"site_id": ["A", "C"], "date": [T("2022-10-04")] * 2, "samples": [9, 3],
                          "peak_hour_samples": [4, 3]})
    result = SimpleNamespace(site_load=daily, silent=pd.DataFrame({"site_id": ["B"]}))
    summary = site_round_summary(result, sites).set_index("site_id")
    assert summary["samples"].tolist() == [9, 0, 3]
    assert summary.loc["A", "peak_load"] == 1.0
    assert pd.isna(summary.loc["B", "peak_load"])  # silent, nothing sampled: not 0 %
    assert pd.isna(summary.loc["C", "peak_load"])  # no capacity: no load
    assert site_load_status(summary.reset_index()).tolist() == ["over", "silent", "below"]


def test_the_rounds_site_load_counts_only_the_samples_inside_the_round(sampling, rounds, areas):
    import geopandas as gpd
    import shapely

    boxes = [shapely.box(109.0 + i, 40.0, 109.5 + i, 40.5) for i in range(len(areas))]
    areas = gpd.GeoDataFrame(areas, geometry=boxes, crs="EPSG:4326")
    sites = pd.DataFrame({"site_id": ["A", "B"], "name": ["a", "b"], "kind": ["fixed"] * 2,
                          "lon": [109.1, 110.1], "lat": [40.1, 40.1], "area_id": ["C1", "C2"],
                          "capacity_per_hour": [2, 4]})
    start, end = T("2022-10-04 07:00"), T("2022-10-04 18:00")
    inside = coverage.site_daily_load(sampling, sites, start, end).set_index("site_id")
    assert inside.loc["A", "samples"] == 4  # 06:59:59 and 18:00:01 are outside the round
    assert inside.loc["A", "peak_hour_samples"] == 1  # 18:00:01 no longer shares the 18:00 hour
    zones = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "area_id": pd.Series(dtype=object),
                          "zone": pd.Series(dtype=object)})
    result = coverage.analyse_coverage(sampling, areas, sites, rounds, zones, "2022-10-04", round_id="R1")
    assert result.site_load.set_index("site_id")["samples"].to_dict() == {"A": 4, "B": 2}


def test_one_reading_gives_the_load_of_every_sample_and_of_the_round(sampling):
    from pandas.testing import assert_frame_equal

    sites = pd.DataFrame({"site_id": ["A", "B"], "capacity_per_hour": [2, 4]})
    start, end = T("2022-10-04 07:00"), T("2022-10-04 18:00")
    every, inside = coverage.site_daily_loads(sampling, sites, start, end)
    assert_frame_equal(every, coverage.site_daily_load(sampling, sites))
    assert_frame_equal(inside, coverage.site_daily_load(sampling, sites, start, end))
    assert inside.set_index("site_id").loc["A", "samples"] == 4  # 06:59:59 and 18:00:01 are outside
    assert every.set_index("site_id").loc["A", "samples"] == 6
    before, after = coverage.site_daily_loads(sampling, sites, T("2022-09-01"), T("2022-09-02"))
    assert after.empty and list(after.columns) == list(before.columns)  # no sample in the round: no day


def test_the_site_load_table_of_a_street_none_of_whose_sites_sampled_in_the_round():
    from types import SimpleNamespace

    from workbench.present.views import site_load

    summary = pd.DataFrame({"site_id": ["A"], "name": ["a"], "kind": ["fixed"], "capacity_per_hour": [4],
                            "samples": [0], "peak_hour_samples": [0], "peak_load": [float("nan")],
                            "silent": [False]})
    empty = pd.DataFrame({"site_id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"),
                          "peak_hour_samples": pd.Series(dtype="int64")})
    rows = site_load.load_rows(summary, SimpleNamespace(site_load=empty))
    assert rows["peak_day"].isna().all() and rows["status"].tolist() == ["idle"]  # never "below capacity"
    page = site_load.table(rows, "en").data
    assert "—" in page and "No samples this round" in page
