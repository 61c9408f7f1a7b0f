"""Front-line staffing on a hand-computed fixture (report date 2022-10-09)."""

import pandas as pd
import pytest

from workbench.domains import staffing as st

D = "2022-10-09"


@pytest.fixture
def staffing():
    rows = [
        ("2022-10-09", "testing_site", "S1", "sampler", 10, 8),  # short by 2
        ("2022-10-09", "testing_site", "S1", "registrar", 4, 5),  # over plan: not short, no make-up
        ("2022-10-09", "testing_site", "S2", "sampler", 6, 6),  # on_duty = planned: not short
        ("2022-10-09", "checkpoint", "K1", "police", 3, 1),  # short by 2
        ("2022-10-09", "checkpoint", "K1", "medic", 2, 1),  # short by 1
        ("2022-10-09", "quarantine_team", "Q1", "community", 5, 5),
        ("2022-10-08", "testing_site", "S1", "sampler", 10, 2),  # another day: not counted
    ]
    frame = pd.DataFrame(rows, columns=["date", "unit_kind", "unit_id", "role", "planned", "on_duty"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def test_rows_and_units(staffing):
    result = st.analyse_staffing(staffing, D)
    rows = result.rows.set_index(["unit_id", "role"])
    assert rows["shortfall"].to_dict() == {
        ("K1", "medic"): 1,
        ("K1", "police"): 2,
        ("Q1", "community"): 0,
        ("S1", "registrar"): 0,
        ("S1", "sampler"): 2,
        ("S2", "sampler"): 0,
    }
    units = result.units.set_index("unit_id")
    assert units.index.tolist() == ["K1", "S1", "Q1", "S2"]
    assert units["planned"].to_dict() == {"K1": 5, "S1": 14, "Q1": 5, "S2": 6}
    assert units["on_duty"].to_dict() == {"K1": 2, "S1": 13, "Q1": 5, "S2": 6}
    assert units["shortfall"].to_dict() == {"K1": 3, "S1": 1, "Q1": 0, "S2": 0}
    assert units["roles_short"].to_dict() == {"K1": 2, "S1": 1, "Q1": 0, "S2": 0}
    assert units["short"].to_dict() == {"K1": True, "S1": True, "Q1": False, "S2": False}


def test_district_totals_and_kinds(staffing):
    result = st.analyse_staffing(staffing, D)
    assert result.totals == {
        "units": 4,
        "units_short": 2,
        "rows_short": 3,
        "planned": 30,
        "on_duty": 26,
        "shortfall": 4,
        "share": pytest.approx(26 / 30),
    }
    kinds = result.kinds.set_index("unit_kind")
    assert kinds.loc[
        "testing_site", ["units", "units_short", "planned", "on_duty", "shortfall"]
    ].tolist() == [2, 1, 20, 19, 1]
    assert kinds.loc["checkpoint", "share"] == pytest.approx(2 / 5)


def test_figures_and_a_kind_filter(staffing):
    figures = st.staffing_figures(st.analyse_staffing(staffing, D, unit_kinds=["checkpoint"]))
    assert figures["on_duty"] == 2 and figures["planned"] == 5 and figures["share"] == 0.4
    assert figures["short_units"] == [{"unit_kind": "checkpoint", "unit_id": "K1", "name": None, "unit": "K1",
                                       "planned": 5, "on_duty": 2, "shortfall": 3}]


def test_units_are_named_by_their_site_checkpoint_or_community(staffing):
    checkpoints = pd.DataFrame({"checkpoint_id": ["K1"], "name": ["一号卡口"]})
    names = st.unit_names({"checkpoints": checkpoints, "areas": None, "testing_sites": None})
    assert names == {"checkpoint": {"K1": "一号卡口"}}
    figures = st.staffing_figures(st.analyse_staffing(staffing, D, unit_kinds=["checkpoint"], names=names))
    short = figures["short_units"][0]
    assert (short["name"], short["unit"]) == ("一号卡口", "一号卡口 (K1)")


def test_a_day_without_rows_says_so(staffing):
    result = st.analyse_staffing(staffing, "2022-10-10")
    assert result.warnings == ["no staffing rows dated 2022-10-10"]
    assert result.totals["on_duty"] is None and st.staffing_figures(result)["share"] is None


def test_sample_pack_has_about_4000_on_duty(sample_data):
    """The seed's 4000余名一线抗疫工作者, recomputed from the raw CSV with plain pandas."""
    from conftest import SAMPLE

    raw = pd.read_csv(SAMPLE / "staffing.csv", dtype={"unit_id": str})
    today = raw[raw["date"] == D]
    result = st.analyse_staffing(sample_data.staffing, D)
    assert result.totals["on_duty"] == int(today["on_duty"].sum())
    assert 4_000 <= result.totals["on_duty"] <= 4_200
    per_unit = today.groupby(["unit_kind", "unit_id"])[["planned", "on_duty"]].sum()
    assert result.totals["units_short"] == int((per_unit["on_duty"] < per_unit["planned"]).sum())


@pytest.mark.slow
def test_wiring_field_report_publishes_staffing(sample_data, tmp_path):
    """A wiring check: the report's ``staffing`` figures equal a direct computation."""
    from fixtures.reports import sample_report_figures

    figures, _ = sample_report_figures("field_checks", tmp_path)
    direct = st.analyse_staffing(sample_data.staffing, D, names=st.unit_names(sample_data))
    assert figures["staffing"] == st.staffing_figures(direct)


def test_brief_figures(staffing):
    from workbench.brief.figures import BriefParameters
    from workbench.brief.followup import staffing_brief

    figures, _ = staffing_brief({"staffing": staffing}, pd.Timestamp(D), BriefParameters())
    assert (figures["on_duty"], figures["planned"], figures["units_short"]) == (26, 30, 2)
    assert figures["tone"] == "warn"
    assert [u["unit_id"] for u in figures["short_units"]] == ["K1", "S1"]
