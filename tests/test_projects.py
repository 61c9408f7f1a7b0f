"""Major-project milestones on a hand-computed fixture (report date 2022-10-09, stall_days 14)."""

import pandas as pd
import pytest

from workbench.domains import projects as pj

D = "2022-10-09"


@pytest.fixture
def projects():
    return pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4"],
            "name": ["稀土新材料", "永磁电机", "物流园", "新项目"],
            "enterprise_id": ["E1", None, "E3", None],
            "investment": [5.0, 8000.0, 1.2, 3000.0],
            "unit": ["亿元", "万元", "亿元", "万元"],
        }
    )


@pytest.fixture
def milestones():
    rows = [
        ("P1", "立项", "2022-09-01", "2022-08-30"),  # done before plan: not late
        ("P1", "用地预审", "2022-09-15", "2022-09-20"),  # done 5 days late
        ("P1", "环评", "2022-10-09", None),  # due today, not done: late by 0
        ("P1", "施工许可", "2022-11-01", None),  # not due
        ("P2", "立项", "2022-09-10", "2022-09-10"),  # done on plan
        ("P2", "环评", "2022-10-20", "2022-10-05"),  # done ahead of plan (not due yet)
        ("P2", "施工许可", "2022-10-30", "2022-10-12"),  # done after D: not done yet
        ("P3", "立项", "2022-10-09", "2022-10-09"),  # due and done today
        ("P3", "用地预审", "2022-10-01", None),  # 8 days late
        ("P4", "立项", "2022-10-30", None),  # nothing due yet
    ]
    frame = pd.DataFrame(rows, columns=["project_id", "milestone", "planned_on", "done_on"])
    return frame.assign(
        planned_on=pd.to_datetime(frame["planned_on"]), done_on=pd.to_datetime(frame["done_on"])
    )


def test_progress_per_project(projects, milestones):
    table = pj.analyse_projects(projects, milestones, D).progress.set_index("project_id")
    assert table["milestones"].to_dict() == {"P1": 4, "P2": 3, "P3": 2, "P4": 1}
    assert table["done"].to_dict() == {"P1": 2, "P2": 2, "P3": 1, "P4": 0}
    assert table["due"].to_dict() == {"P1": 3, "P2": 1, "P3": 2, "P4": 0}
    assert table["late"].to_dict() == {"P1": 2, "P2": 0, "P3": 1, "P4": 0}
    assert table.loc["P1", "progress"] == pytest.approx(2 / 3)
    assert table.loc["P2", "progress"] == 2.0 and table.loc["P3", "progress"] == 0.5
    assert pd.isna(table.loc["P4", "progress"])
    assert table["off_schedule"].to_dict() == {"P1": True, "P2": False, "P3": True, "P4": False}
    assert table["days_since_progress"].tolist()[:3] == [19.0, 4.0, 0.0]
    assert table["no_progress"].to_dict() == {"P1": True, "P2": False, "P3": False, "P4": False}
    assert table["investment_wan"].to_dict() == {"P1": 50000.0, "P2": 8000.0, "P3": 12000.0, "P4": 3000.0}


def test_late_milestones_and_totals(projects, milestones):
    result = pj.analyse_projects(projects, milestones, D)
    late = result.late
    assert list(zip(late["project_id"], late["milestone"], late["days_late"], strict=True)) == [
        ("P3", "用地预审", 8),
        ("P1", "环评", 0),
        ("P1", "用地预审", 5),
    ]
    assert {
        k: result.totals[k]
        for k in ("projects", "milestones", "done", "due", "late", "late_open", "no_progress")
    } == {"projects": 4, "milestones": 10, "done": 5, "due": 6, "late": 3, "late_open": 2, "no_progress": 1}
    assert result.totals["progress"] == pytest.approx(5 / 6)
    assert result.totals["schedule"] == {
        "on": {"projects": 2, "investment_wan": 11000.0},
        "off": {"projects": 2, "investment_wan": 62000.0},
    }


def test_stall_limit_is_inclusive(projects, milestones):
    # P1's last milestone was done 19 days before D
    at = pj.analyse_projects(projects, milestones, D, stall_days=19).progress.set_index("project_id")
    above = pj.analyse_projects(projects, milestones, D, stall_days=20).progress.set_index("project_id")
    assert at.loc["P1", "no_progress"] and not above.loc["P1", "no_progress"]


def test_a_project_on_schedule_waiting_for_its_next_milestone_is_not_stalled(projects):
    # P5 did its due milestone 30 days before D; its next is planned after D: on schedule
    rows = pd.DataFrame({"project_id": ["P5", "P5"], "milestone": ["立项", "环评"],
                         "planned_on": pd.to_datetime(["2022-09-09", "2022-11-01"]),
                         "done_on": pd.to_datetime(["2022-09-09", None])})
    five = pd.DataFrame({"project_id": ["P5"], "name": ["等待"], "enterprise_id": [None],
                         "investment": [1.0], "unit": ["亿元"]})
    row = pj.analyse_projects(five, rows, D).progress.set_index("project_id").loc["P5"]
    assert (row["days_since_progress"], row["off_schedule"], row["no_progress"]) == (30.0, False, False)


def test_figures_and_unknown_project(projects, milestones):
    extra = pd.DataFrame(
        {
            "project_id": ["P9"],
            "milestone": ["立项"],
            "planned_on": [pd.Timestamp("2022-10-01")],
            "done_on": [pd.NaT],
        }
    )
    result = pj.analyse_projects(projects, pd.concat([milestones, extra], ignore_index=True), D)
    assert result.warnings == ["1 milestone(s) of a project not in projects are not counted"]
    figures = pj.project_figures(result)
    assert figures["late_open"] == 2 and figures["progress"] == round(5 / 6, 6)
    assert figures["late_milestones"][0] == {
        "project_id": "P3",
        "milestone": "用地预审",
        "done": False,
        "days_late": 8,
    }
    assert figures["projects_table"][3]["progress"] is None


def test_sample_pack_against_plain_pandas(sample_data):
    """The sample's milestones recomputed from the raw CSV with plain pandas (an independent oracle)."""
    from conftest import SAMPLE

    raw = pd.read_csv(SAMPLE / "project_milestones.csv", dtype=str)
    day = pd.Timestamp(D)
    planned, done_on = pd.to_datetime(raw["planned_on"]), pd.to_datetime(raw["done_on"])
    done = done_on.notna() & (done_on <= day)
    due = planned <= day
    late = (due & ~done) | (done & (done_on > planned))
    result = pj.analyse_projects(sample_data.projects, sample_data.project_milestones, D)
    assert (result.totals["done"], result.totals["due"], result.totals["late"]) == (
        int(done.sum()), int(due.sum()), int(late.sum()))
    stalled = result.progress.set_index("project_id")
    assert stalled.loc["P04", "no_progress"] and stalled.loc["P04", "off_schedule"]


@pytest.mark.slow
def test_wiring_projects_report(sample_data, tmp_path):
    """A wiring check: the projects report's figures equal a direct computation."""
    from fixtures.reports import sample_report_figures

    figures, html_path = sample_report_figures("projects", tmp_path)
    result = pj.analyse_projects(sample_data.projects, sample_data.project_milestones, D)
    assert figures == pj.project_figures(result)
    assert "稀土新材料产业园二期" in html_path.read_text("utf-8")


def test_brief_figures_list_late_open_milestones_and_stalled_projects(projects, milestones):
    from workbench.brief.figures import BriefParameters
    from workbench.brief.followup import project_brief

    figures, _ = project_brief({"projects": projects, "project_milestones": milestones}, pd.Timestamp(D),
                               BriefParameters())
    assert (figures["done"], figures["due"], figures["late_open"], figures["no_progress"]) == (5, 6, 2, 1)
    assert figures["late_open_milestones"] == [
        {"project_id": "P3", "name": "物流园", "milestone": "用地预审", "days_late": 8},
        {"project_id": "P1", "name": "稀土新材料", "milestone": "环评", "days_late": 0}]
    assert figures["stalled_projects"] == [{"project_id": "P1", "name": "稀土新材料"}]
    assert figures["tone"] == "bad"
