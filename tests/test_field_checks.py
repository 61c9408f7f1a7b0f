"""Home-quarantine compliance and medical-waste collection on hand-computed fixtures; the refusal of
person-level quarantine files; the report on the sample pack."""

import json

import pandas as pd
import pytest
from fixtures.packs import areas_frame, write_pack
from fixtures.reports import sample_report_figures

from workbench.domains import field_checks as fc
from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets

T = pd.Timestamp
D = T("2022-10-09")
ITEMS = ["seal_ok", "magnet_ok", "tested", "disinfection_record_ok"]


@pytest.fixture
def areas():
    return pd.DataFrame({"area_id": ["S1", "C1", "C2", "C3"], "name": ["street", "one", "two", "three"],
                         "parent_id": [None, "S1", "S1", "S1"]})


@pytest.fixture
def checks():
    rows = [
        ("2022-10-09", "C1", 10, 10, 6, 9, 10),  # magnets short: weakest item
        ("2022-10-09", "C2", 5, 5, 5, 5, 4),
        ("2022-10-09", "C3", 0, 0, 0, 0, 0),  # nobody under quarantine: no share, not 0 %
        ("2022-10-08", "C1", 8, 8, 8, 8, 8),
    ]
    frame = pd.DataFrame(rows, columns=["date", "area_id", "households", *ITEMS])
    return frame.assign(date=pd.to_datetime(frame["date"]))


@pytest.fixture
def sites():
    return pd.DataFrame({"site_id": ["A", "B", "C", "D", "E"], "name": list("abcde"), "kind": ["fixed"] * 5,
                         "lon": [109.8] * 5, "lat": [40.6] * 5})


@pytest.fixture
def waste():
    rows = [
        ("2022-10-08 21:00:00", "A", 10.0, 2),
        ("2022-10-08 12:00:00", "A", 4.5, 1),  # two collections in the last 24 h
        ("2022-10-09 08:00:00", "B", 3.0, 1),  # exactly at the cut-off: inside
        ("2022-10-08 08:00:00", "C", 7.0, 2),  # exactly 24 h before: outside
        ("2022-10-09 09:00:00", "D", 9.0, 2),  # after the cut-off: not counted
        ("2022-10-07 20:00:00", "D", 6.0, 2),
        # E was never collected
    ]
    frame = pd.DataFrame(rows, columns=["collected_at", "site_id", "weight_kg", "bags"])
    return frame.assign(collected_at=pd.to_datetime(frame["collected_at"]))


@pytest.fixture
def result(checks, waste, sites, areas):
    return fc.analyse_field_checks(checks, waste, sites, areas, D)


def test_compliance_sums_items_over_households(result):
    items = result.items.set_index("item")
    assert items["households"].unique().tolist() == [15]
    assert items["compliant"].to_dict() == {"seal_ok": 15, "magnet_ok": 11, "tested": 14,
                                            "disinfection_record_ok": 14}
    assert items.loc["magnet_ok", "share"] == pytest.approx(11 / 15)


def test_compliance_per_area_weakest_first(result):
    by_area = result.areas.set_index("area_id")
    assert by_area.index.tolist() == ["C1", "C2", "C3"]
    assert (by_area.loc["C1", "weakest_item"], by_area.loc["C1", "weakest_share"]) == ("magnet_ok", 0.6)
    assert by_area.loc["C2", "weakest_item"] == "disinfection_record_ok"
    assert by_area.loc["C2", "share_seal_ok"] == 1.0
    assert pd.isna(by_area.loc["C3", "share_tested"]) and pd.isna(by_area.loc["C3", "weakest_item"])
    assert by_area.loc["C1", "name"] == "one"


def test_a_longer_window_sums_its_days(checks, waste, sites, areas):
    result = fc.analyse_field_checks(checks, waste, sites, areas, D, window_days=2)
    c1 = result.areas.set_index("area_id").loc["C1"]
    assert (c1["households"], c1["magnet_ok"]) == (18, 14)
    assert result.by_day["date"].tolist() == [D, T("2022-10-08")]


def test_waste_windows_close_at_the_cutoff(result):
    sites = result.sites.set_index("site_id")
    assert sites.loc["A", ["collections_24h", "bags_24h"]].tolist() == [2, 3]
    assert sites.loc["A", "weight_kg_24h"] == pytest.approx(14.5)
    assert sites.loc["A", "hours_since"] == pytest.approx(11.0)
    assert (sites.loc["B", "collections_24h"], sites.loc["B", "hours_since"]) == (1, 0.0)
    assert sites.loc["C", "uncollected"] and sites.loc["C", "hours_since"] == 24.0
    assert sites.loc["D", "last_collected"] == T("2022-10-07 20:00")  # the later one is after the cut-off
    assert sites.loc["E", "uncollected"] and pd.isna(sites.loc["E", "hours_since"])
    assert result.uncollected["site_id"].tolist() == ["E", "D", "C"]  # never, then longest wait
    assert result.waste_kg_24h == pytest.approx(17.5)
    assert any("after the 10-09 08:00 cut-off" in w for w in result.warnings)


def test_figures_follow_the_issue(result):
    figures = json.loads(json.dumps(fc.field_figures(result)))
    assert figures["quarantine_compliance"] == {"seal_ok": 1.0, "magnet_ok": pytest.approx(11 / 15),
                                                "tested": pytest.approx(14 / 15),
                                                "disinfection_record_ok": pytest.approx(14 / 15)}
    assert figures["uncollected_sites"] == ["C", "D", "E"]
    assert figures["waste_kg_24h"] == 17.5
    assert figures["cutoff"] == "2022-10-09 08:00"


def test_no_checks_in_the_window_is_said(checks, waste, sites, areas):
    result = fc.analyse_field_checks(checks[checks["date"] < D], waste, sites, areas, D)
    assert result.areas.empty and result.items["households"].iloc[0] == 0
    assert any("no home-quarantine checks" in w for w in result.warnings)


# ---------------------------------------------------------------- loading: counts only


def quarantine_pack(root, frame):
    files = {"areas.geojson": areas_frame(), "quarantine.csv": frame}
    return write_pack(root, files, {"areas": "areas.geojson", "quarantine_checks": "quarantine.csv"})


def counts_frame():
    return pd.DataFrame({"date": ["2022-10-09", "2022-10-09"], "area_id": ["007", "008"],
                         "households": [10, 4],
                         "seal_ok": [10, 4], "magnet_ok": [9, 4], "tested": [10, 3],
                         "disinfection_record_ok": [8, 4]})


def test_a_counts_file_loads(tmp_path):
    data = load_datasets(open_pack(quarantine_pack(tmp_path, counts_frame())), ["quarantine_checks"])
    assert data.quarantine_checks["magnet_ok"].tolist() == [9, 4] and data.warnings == []


def test_an_item_above_households_is_an_error(tmp_path):
    frame = counts_frame()
    frame.loc[1, "tested"] = 5
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(quarantine_pack(tmp_path, frame)), ["quarantine_checks"])
    (problem,) = caught.value.problems
    assert problem.row == 3 and "no more than households" in problem.expected  # line 3


@pytest.mark.parametrize("column,values,what", [
    ("姓名", ["张三", "李四"], "name announces"),
    ("身份证号", ["x", "y"], "name announces"),
    ("phone", ["", ""], "name announces"),
    ("备注", ["ok", "110105199003071234"], "shaped like ID-card numbers"),
    ("contact_info", ["13812345678", ""], "shaped like mobile numbers"),
])
def test_person_level_files_are_refused_without_echoing_values(tmp_path, column, values, what):
    frame = counts_frame().assign(**{column: values})
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(quarantine_pack(tmp_path, frame)), ["quarantine_checks"])
    (problem,) = caught.value.problems
    assert (problem.dataset, problem.file, problem.column, problem.severity) == (
        "quarantine_checks", "quarantine.csv", column, "error")
    assert what in problem.found and "counts per area only" in problem.expected
    message = str(caught.value)
    assert not any(v and v in message for v in values if v not in ("ok", "x", "y"))
    if what.startswith("shaped"):
        assert problem.row == 2 + next(i for i, v in enumerate(values) if v and v != "ok")  # line


def test_a_refused_column_is_not_carried_even_when_not_strict(tmp_path):
    frame = counts_frame().assign(姓名=["张三", "李四"])
    data = load_datasets(open_pack(quarantine_pack(tmp_path, frame)), ["quarantine_checks"], strict=False)
    assert "姓名" not in data.quarantine_checks.columns
    assert [p.column for p in data.errors] == ["姓名"]


# ---------------------------------------------------------------- the sample pack


@pytest.fixture(scope="module")
def sample():
    pack = open_pack(None)
    return pack, load_datasets(pack, ["areas", "testing_sites", "quarantine_checks", "medical_waste"])


def _sample_result(pack, data):
    return fc.analyse_field_checks(data.quarantine_checks, data.medical_waste, data.testing_sites, data.areas,
                                   pack.resolve_date(None))


def test_sample_tells_the_field_story(sample):
    pack, data = sample
    result = _sample_result(pack, data)
    assert len(result.sites) == 126
    assert result.uncollected["site_id"].sort_values().tolist() == ["T005", "T009", "T035", "T082"]
    short = result.areas.set_index("area_id").loc["S01C004"]
    assert short["weakest_item"] == "magnet_ok" and short["weakest_share"] < 0.7
    assert 500 < result.waste_kg_24h < 3000


@pytest.mark.slow
def test_wiring_notebook_figures_equal_a_direct_computation(sample, tmp_path):
    """A wiring check (the expectation comes from the functions under test); the figures themselves are
    pinned by the hand-computed fixtures of this file."""
    pack, data = sample
    figures, _ = sample_report_figures("field_checks", tmp_path)
    figures.pop("staffing")  # the staffing section's own figures (tests/test_staffing.py)
    assert figures == json.loads(json.dumps(fc.field_figures(_sample_result(pack, data))))
    assert figures["uncollected_sites"] == ["T005", "T009", "T035", "T082"]
