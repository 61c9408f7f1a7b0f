"""Bands against a target and elapsed-time bands, pinned at every boundary by hand; the maps, the
tables, the report's headline and the daily brief all draw the same band.

The expectations are written out by hand (85 / 100 = 85.0 %, a 95 % target: the ``near`` band is
[85 %, 95 %), and so on); none is computed with the function under test.
"""

import re

import numpy as np
import pandas as pd
import pytest

from workbench.domains import bands, coverage
from workbench.domains import field_checks as fc
from workbench.present.palette import STATUS_COLOURS

TARGET = 0.95


@pytest.mark.parametrize("tested,population,band", [
    (95, 100, "reached"),  # exactly at target
    (57, 60, "reached"),  # 95 % again, through another float division
    (949, 1000, "near"),  # 94.9 %
    (90, 100, "near"),  # exactly 90.0 %
    (85, 100, "near"),  # exactly 85.0 %: the lower bound of near is inclusive
    (17, 20, "near"),  # 85 % through another division
    (849, 1000, "short"),  # 84.9 %
    (0, 10, "short"),
])
def test_target_band_at_every_boundary(tested, population, band):
    assert bands.target_band(tested / population, TARGET) == band


def test_a_share_without_a_base_has_no_band():
    assert bands.target_band(float("nan"), TARGET) == "no_data"
    assert bands.target_band(None, TARGET) == "no_data"


def test_target_bands_of_a_series_equal_the_single_values():
    shares = pd.Series([0.95, 0.9, 0.85, 0.8499, np.nan], index=list("abcde"))
    assert bands.target_bands(shares, TARGET).to_dict() == {
        "a": "reached", "b": "near", "c": "near", "d": "short", "e": "no_data"}


def test_the_legend_is_the_rule_s_thresholds():
    ranges = bands.band_ranges(TARGET)
    assert [(r.band, r.low, r.high) for r in ranges] == [
        ("short", None, pytest.approx(0.85)), ("near", pytest.approx(0.85), 0.95), ("reached", 0.95, None)]
    assert [r.tone for r in ranges] == ["bad", "warn", "good"]


@pytest.mark.parametrize("hours,band", [
    (0.0, "within"), (23.99, "within"), (24.0, "late"), (47.99, "late"), (48.0, "overdue"),
    (float("nan"), "overdue"),  # never collected
])
def test_elapsed_band_at_every_boundary(hours, band):
    assert bands.elapsed_band(hours, 24.0) == band


# ---------------------------------------------------------------- coverage: table, headline, brief


def _areas(populations: dict) -> pd.DataFrame:
    rows = [{"area_id": "S1", "name": "street", "level": "street", "parent_id": None, "population": 0}]
    rows += [{"area_id": a, "name": a, "level": "community", "parent_id": "S1", "population": p}
             for a, p in populations.items()]
    return pd.DataFrame(rows)


def test_coverage_table_bands_and_short_at_the_boundaries():
    areas = _areas({"C85": 100, "C90": 100, "C95": 60, "C849": 1000, "C0": 0})
    tested = pd.DataFrame({"area_id": ["C85", "C90", "C95", "C849"], "tested": [85, 90, 57, 849]})
    table = coverage.coverage_table(tested, areas, TARGET).set_index("area_id")
    assert table["band"].to_dict() == {"S1": "near", "C85": "near", "C90": "near", "C95": "reached",
                                       "C849": "short", "C0": "no_data"}
    # exactly at target (57 / 60) is not short and has no gap; 85 % of 100 is 10 persons short
    assert table.loc["C95", ["short", "gap"]].tolist() == [False, 0]
    assert table.loc["C85", ["short", "gap"]].tolist() == [True, 10]
    assert table.loc["C849", "gap"] == 101  # 950 - 849
    # the street: 1,081 of 1,260 = 85.79 %
    assert table.loc["S1", ["tested", "population"]].tolist() == [1081, 1260]


def test_the_district_tone_is_its_band_s_tone():
    areas = _areas({"C1": 100, "C2": 100})
    near = coverage.total_coverage(coverage.coverage_table(
        pd.DataFrame({"area_id": ["C1", "C2"], "tested": [90, 90]}), areas, TARGET), TARGET)
    assert (near["coverage"], near["band"], coverage.coverage_tone(near)) == (0.9, "near", "warn")
    # the district reached its target although one community is short: the figure is green
    reached = coverage.total_coverage(coverage.coverage_table(
        pd.DataFrame({"area_id": ["C1", "C2"], "tested": [100, 90]}), areas, TARGET), TARGET)
    assert reached["short_communities"] == 1
    assert (reached["band"], coverage.coverage_tone(reached)) == ("reached", "good")


def test_brief_and_report_give_the_coverage_headline_the_same_tone(sample_data):
    from workbench.brief import figures as brief
    from workbench.present.views import brief as brief_view
    from workbench.present.views import coverage as coverage_view

    d = sample_data
    result = coverage.analyse_coverage(d.sampling, d.areas, d.testing_sites, d.rounds, d.zones, "2022-10-09")
    report_tone = coverage.coverage_tone(result.district)
    figures = brief.compute_figures(d, "2022-10-09").domains["coverage"]
    assert figures["district"]["tone"] == report_tone
    assert brief_view.CARDS["coverage"](figures, "en")["status"] == report_tone
    headline = coverage_view.headline(result, "en").data
    first_card = re.search(r"border-left-color:(#[0-9a-f]+)", headline).group(1)
    assert first_card == STATUS_COLOURS[report_tone]


# ---------------------------------------------------------------- the maps draw the band


def test_coverage_and_quarantine_maps_colour_85_percent_alike():
    from workbench.present.maps import classes

    # the coverage map once drew 85.0 % "far short" and the quarantine map amber
    colours = classes.band_colours([bands.target_band(85 / 100, TARGET), bands.target_band(17 / 20, TARGET)])
    assert colours == [STATUS_COLOURS["warn"], STATUS_COLOURS["warn"]]
    legend = classes.band_legend(TARGET, "en")
    assert legend[1] == (STATUS_COLOURS["warn"], "85% – < 95%")
    assert legend[0] == (STATUS_COLOURS["bad"], "< 85%")


def test_field_checks_bands_in_the_result():
    checks = pd.DataFrame({"date": pd.to_datetime(["2022-10-09"] * 3), "area_id": ["C1", "C2", "C3"],
                           "households": [100, 20, 100], "seal_ok": [85, 19, 84], "magnet_ok": [100, 20, 100],
                           "tested": [100, 20, 100], "disinfection_record_ok": [100, 20, 100]})
    areas = pd.DataFrame({"area_id": ["C1", "C2", "C3"], "name": ["a", "b", "c"], "parent_id": "S1"})
    sites = pd.DataFrame({"site_id": ["A", "B", "C"], "name": list("abc"), "kind": "fixed", "lon": 109.8,
                          "lat": 40.6})
    waste = pd.DataFrame({"collected_at": pd.to_datetime(["2022-10-08 08:00", "2022-10-08 08:01"]),
                          "site_id": ["A", "B"], "weight_kg": [1.0, 1.0], "bags": [1, 1]})
    result = fc.analyse_field_checks(checks, waste, sites, areas, "2022-10-09", compliance_target=TARGET)
    assert result.areas.set_index("area_id")["band"].to_dict() == {"C1": "near", "C2": "reached",
                                                                   "C3": "short"}
    # seal: 188 of 220 = 85.45 %: near; the others 220 / 220
    assert result.items.set_index("item")["band"].to_dict() == {
        "seal_ok": "near", "magnet_ok": "reached", "tested": "reached", "disinfection_record_ok": "reached"}
    sites_out = result.sites.set_index("site_id")
    # A collected exactly 24 h before the 08:00 cut-off: uncollected and late; B 23 h 59 min: collected
    assert sites_out["uncollected"].to_dict() == {"A": True, "B": False, "C": True}
    assert sites_out["waste_band"].to_dict() == {"A": "late", "B": "within", "C": "overdue"}


# ---------------------------------------------------------------- enterprises: one status rule


def _one_target(ytd: float, day: str = "2022-03-14", target: float = 100.0):
    """Progress of one target of ``target`` t with ``ytd`` t by ``day`` (2022-03-14: day 73 of 365)."""
    from workbench.domains import enterprises as ent

    production = pd.DataFrame({"date": pd.to_datetime(["2022-03-01"]), "enterprise_id": "E1", "product": "铜",
                               "quantity": [ytd], "unit": "t"})
    goals = pd.DataFrame({"enterprise_id": ["E1"], "product": ["铜"], "target": [target], "unit": ["t"]})
    return ent.progress_table(production, goals, ent.resolve_period(day), 0.9).iloc[0]


@pytest.mark.parametrize("ytd,share,status", [
    (20.0, 1.0, "on_track"),  # 20 / 73 × 365 = 100 = the target exactly
    (18.0, 0.9, "at_risk"),  # 90 = 0.9 × the target exactly
    (17.99, 0.8995, "behind"),
])
def test_projected_share_is_in_the_domain_with_its_status(ytd, share, status):
    row = _one_target(ytd)
    assert row["projected_share"] == pytest.approx(share, abs=1e-12)
    assert row["status"] == status


@pytest.mark.parametrize("rate,required,share,status", [
    (10.0, 10.0, 1.0, "on_track"),  # exactly the required rate
    (0.7 / 0.07, 10.0, 1.0, "on_track"),  # 9.999999999999998: on track within the tolerance (once "warn")
    (10.0 * (1 - 1e-10), 10.0, 1.0, "on_track"),  # at the tolerance
    (10.0 * (1 - 1e-6), 10.0, 0.999999, "at_risk"),  # beyond it
    (9.0, 10.0, 0.9, "at_risk"),  # exactly the risk ratio
    (8.99, 10.0, 0.899, "behind"),
])
def test_run_rate_status_is_the_status_rule(rate, required, share, status):
    from workbench.domains import enterprises as ent

    shares, statuses = ent.run_rate_status(pd.Series([rate]), pd.Series([required]), 0.9)
    assert shares.iloc[0] == pytest.approx(share, abs=1e-9)
    assert statuses.iloc[0] == status


def test_run_rate_status_without_a_required_rate_is_empty():
    from workbench.domains import enterprises as ent

    # target passed (required ≤ 0) or 31 December (NaN): no share, no status, no badge
    shares, statuses = ent.run_rate_status(pd.Series([5.0, 5.0, 5.0]), pd.Series([0.0, -1.0, np.nan]))
    assert shares.isna().all() and statuses.isna().all()


def test_bullet_bands_are_the_status_rule_with_its_tolerance():
    from workbench.domains import enterprises as ent
    from workbench.present.views import enterprises as view

    ranges = ent.status_ranges(0.5, 0.9)
    assert [(r.band, r.low, r.high) for r in ranges] == [
        ("behind", 0.0, 0.45 * (1 - 1e-9)), ("at_risk", 0.45 * (1 - 1e-9), 0.5 * (1 - 1e-9)),
        ("on_track", 0.5 * (1 - 1e-9), None)]
    assert view.bullet_bands(0.5, 0.9, 0.3) == [(0.45 * (1 - 1e-9), view.BAND_COLOURS["behind"]),
                                                 (0.5 * (1 - 1e-9), view.BAND_COLOURS["at_risk"]),
                                                 (1.0, view.BAND_COLOURS["on_track"])]
    # a progress a hair under the elapsed share is on track, and drawn in the on-track band
    progress = 0.5 * (1 - 1e-10)
    assert ent.classify_status([progress], [0.5], 0.9)[0] == "on_track"
    on_track_from = view.bullet_bands(0.5, 0.9, progress)[1][0]
    assert progress >= on_track_from


# ---------------------------------------------------------------- testing sites keep their declared community


def test_declared_community_is_kept_and_disagreements_counted():
    import geopandas as gpd
    from shapely.geometry import box

    from workbench.domains import testing_sites

    areas = gpd.GeoDataFrame({"area_id": ["S1", "C1", "C2"], "level": ["street", "community", "community"]},
                             geometry=[box(0, 0, 2, 1), box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    sites = pd.DataFrame({"site_id": ["A", "B", "C", "D"], "lon": [0.5, 0.5, 1.5, 5.0], "lat": [0.5] * 4,
                          "area_id": ["C2", None, "C2", None]})
    placed, disagreeing = testing_sites.sites_in_areas(sites, areas)
    # A declares C2 but stands in C1: kept, and counted; B is placed; C agrees; D is outside every community
    assert placed["area_id"].tolist()[:3] == ["C2", "C1", "C2"] and pd.isna(placed["area_id"].iloc[3])
    assert placed["located_in"].tolist()[:3] == ["C1", "C1", "C2"] and pd.isna(placed["located_in"].iloc[3])
    assert disagreeing == 1


def test_a_reached_district_with_a_short_community_has_one_tone_in_report_and_brief():
    """Once the report's headline was green and the brief's card red for the same figure."""
    import geopandas as gpd
    from shapely.geometry import box

    from workbench.brief import figures as brief
    from workbench.present.views import brief as brief_view
    from workbench.present.views import coverage as coverage_view

    areas = gpd.GeoDataFrame({"area_id": ["S1", "C1", "C2"], "name": ["s", "c1", "c2"],
                              "level": ["street", "community", "community"], "parent_id": [None, "S1", "S1"],
                              "population": [0, 100, 100]},
                             geometry=[box(0, 0, 2, 1), box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    # C1: 100 of 100, C2: 90 of 100: the district 190 of 200 = 95 % reaches the target, C2 is short
    people = [(f"a{i}", "C1") for i in range(100)] + [(f"b{i}", "C2") for i in range(90)]
    sampling = pd.DataFrame({"person_key": [p for p, _ in people], "area_id": [a for _, a in people],
                             "site_id": "T1", "sampled_at": pd.Timestamp("2022-10-09 09:00")})
    data = {"areas": areas, "sampling": sampling,
            "testing_sites": pd.DataFrame({"site_id": ["T1"], "name": ["t"], "kind": ["fixed"], "lon": [0.5],
                                           "lat": [0.5], "capacity_per_hour": [500]}),
            "rounds": pd.DataFrame({"round_id": ["R1"], "name": ["r"],
                                    "start": [pd.Timestamp("2022-10-09 07:00")],
                                    "end": [pd.Timestamp("2022-10-09 18:00")]}),
            "zones": pd.DataFrame({"date": pd.to_datetime([]), "area_id": pd.Series([], dtype=str),
                                   "zone": pd.Series([], dtype=str)})}
    result = coverage.analyse_coverage(data["sampling"], areas, data["testing_sites"], data["rounds"],
                                       data["zones"], "2022-10-09", target=TARGET)
    assert (result.total["coverage"], result.total["short_communities"]) == (0.95, 1)
    headline = coverage_view.headline(result, "en").data
    report_colour = re.search(r"border-left-color:(#[0-9a-f]+)", headline).group(1)
    figures, _ = brief.coverage_brief(data, pd.Timestamp("2022-10-09"), brief.BriefParameters())
    card = brief_view.CARDS["coverage"](figures, "en")
    assert report_colour == STATUS_COLOURS[card["status"]] == STATUS_COLOURS["good"]


# ---------------------------------------------------------------- one tone per headline figure


@pytest.mark.parametrize("tone_of,args,expected", [
    ("checkpoints.reporting_tone", (7, 7), "good"), ("checkpoints.reporting_tone", (6, 7), "bad"),
    ("inspections.findings_tone", (0, 0), "good"), ("inspections.findings_tone", (1, 0), "warn"),
    ("inspections.findings_tone", (3, 1), "bad"),
    ("supply.unserved_tone", (0,), "good"), ("supply.unserved_tone", (1,), "bad"),
    ("prices.alerts_tone", (0,), "good"), ("prices.alerts_tone", (2,), "warn"),
    ("enterprises.targets_tone", ({"behind": 0, "at_risk": 0, "on_track": 3},), "good"),
    ("enterprises.targets_tone", ({"behind": 0, "at_risk": 1, "on_track": 2},), "warn"),
    ("enterprises.targets_tone", ({"behind": 1, "at_risk": 1, "on_track": 1},), "bad"),
])
def test_headline_tones(tone_of, args, expected):
    import importlib

    module, name = tone_of.split(".")
    assert getattr(importlib.import_module(f"workbench.domains.{module}"), name)(*args) == expected


def _first_card_colour(html: str, card: int = 0) -> str:
    return re.findall(r"border-left-color:(#[0-9a-f]+)", html)[card]


def test_brief_cards_and_report_headlines_share_their_tones(sample_data):
    """Checkpoints reporting, open findings: the brief once said "neutral" where the report said "good"."""
    from workbench.brief import figures as brief
    from workbench.domains import checkpoints, inspections
    from workbench.present.views import brief as brief_view
    from workbench.present.views import checkpoints as checkpoint_view
    from workbench.present.views import inspections as inspection_view

    d, day = sample_data, "2022-10-09"
    figures = brief.compute_figures(d, day).domains
    cp = checkpoints.analyse_checkpoints(d.checkpoints, d.checkpoint_daily, day)
    assert STATUS_COLOURS[brief_view.CARDS["checkpoints"](figures["checkpoints"], "en")["status"]] == \
        _first_card_colour(checkpoint_view.headline(cp, "en").data)
    ins = inspections.analyse_inspections(d.inspections, d.places, day)
    assert STATUS_COLOURS[brief_view.CARDS["inspections"](figures["inspections"], "en")["status"]] == \
        _first_card_colour(inspection_view.headline(ins, "en").data, 1)


def test_checkpoint_states_on_the_window():
    from workbench.domains import checkpoints

    week = pd.DataFrame({"checkpoint_id": ["A", "B", "C", "D"], "complete": [True, False, True, False]})
    today = pd.DataFrame({"checkpoint_id": ["A", "B", "C"], "reported": [True, True, False]})
    # C reported every other day but not today; D has no row today at all
    assert checkpoints.checkpoint_states(week, today).tolist() == [
        "complete", "incomplete", "missing_today", "missing_today"]
