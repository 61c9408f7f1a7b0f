"""Enterprise requests on a hand-computed fixture (report date 2022-10-09, request_days 3)."""

import pandas as pd
import pytest

from workbench.domains import requests as rq

D = "2022-10-09"


@pytest.fixture
def requests():
    rows = [
        # id, enterprise, raised, category, department, resolved
        ("R1", "E1", "2022-10-09", "原料运输", "交通局", None),  # raised today: age 0, open
        ("R2", "E1", "2022-10-06", "用地审批", "自然资源局", None),  # age 3 = limit: open, not overdue
        ("R3", "E1", "2022-10-05", "原料运输", "交通局", "2022-10-10"),  # fixed after D: open, age 4, overdue
        ("R4", "E2", "2022-10-07", "资金", "财政局", "2022-10-09"),  # resolved on D: 2 days
        ("R5", "E2", "2022-10-01", "用工", "人社局", "2022-10-02"),  # 1 day
        ("R6", "E3", "2022-09-20", "资金", "财政局", "2022-09-30"),  # 10 days
        ("R7", "E2", "2022-10-10", "电力", "发改委", None),  # after D: left out
    ]
    frame = pd.DataFrame(
        rows, columns=["request_id", "enterprise_id", "raised_on", "category", "department", "resolved_on"]
    )
    frame["raised_on"] = pd.to_datetime(frame["raised_on"])
    frame["resolved_on"] = pd.to_datetime(frame["resolved_on"])
    return frame


def test_open_overdue_and_resolved(requests):
    result = rq.analyse_requests(requests, D)
    table = result.requests.set_index("request_id")
    assert list(table.index) == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert table["age_days"].to_dict() == {"R1": 0, "R2": 3, "R3": 4, "R4": 2, "R5": 8, "R6": 19}
    assert table["open"].to_dict() == {
        "R1": True,
        "R2": True,
        "R3": True,
        "R4": False,
        "R5": False,
        "R6": False,
    }
    assert table.index[table["overdue"]].tolist() == ["R3"]
    assert result.totals == {
        "requests": 6,
        "open": 3,
        "overdue": 1,
        "resolved": 3,
        "median_days": 2.0,
        "max_days": 10.0,
    }
    assert result.warnings == [
        "1 enterprise request(s) raised after the report date 2022-10-09 are not counted"
    ]


def test_tables(requests):
    result = rq.analyse_requests(requests, D)
    assert result.open["request_id"].tolist() == ["R3", "R2", "R1"]
    assert result.by_category.to_dict("records") == [
        {"category": "原料运输", "open": 2, "overdue": 1, "oldest_days": 4},
        {"category": "用地审批", "open": 1, "overdue": 0, "oldest_days": 3},
    ]
    assert result.by_department.to_dict("records") == [
        {"department": "交通局", "open": 2, "overdue": 1, "oldest_days": 4},
        {"department": "自然资源局", "open": 1, "overdue": 0, "oldest_days": 3},
    ]
    assert result.several.to_dict("records") == [{"enterprise_id": "E1", "open": 3, "overdue": 1}]


def test_figures(requests):
    figures = rq.request_figures(rq.analyse_requests(requests, D))
    assert figures["open"] == 3 and figures["overdue"] == 1 and figures["median_days"] == 2.0
    assert figures["open_requests"][0] == {"request_id": "R3", "age_days": 4, "overdue": True}
    assert figures["enterprises_with_several"] == [{"enterprise_id": "E1", "open": 3, "overdue": 1}]


def test_a_shorter_limit_and_an_even_median(requests):
    # request_days 2: R2 (age 3) is overdue too; a day later R1 is 1 day old
    result = rq.analyse_requests(requests.iloc[[0, 1, 3, 4]], "2022-10-10", request_days=2)
    assert result.requests.set_index("request_id")["overdue"].to_dict() == {
        "R1": False,
        "R2": True,
        "R4": False,
        "R5": False,
    }
    assert result.totals["median_days"] == 1.5  # (1 + 2) / 2


def test_no_resolved_request_has_no_median(requests):
    result = rq.analyse_requests(
        requests.iloc[[0, 1]],
        D,
        enterprises=pd.DataFrame({"enterprise_id": ["E1"], "name": ["稀土新材料公司"]}),
    )
    assert result.totals["median_days"] is None and result.totals["resolved"] == 0
    assert result.several["enterprise"].tolist() == ["稀土新材料公司"]


def test_sample_pack_against_plain_pandas(sample_data):
    """The sample's requests recomputed from the raw CSV with plain pandas (an independent oracle)."""
    from conftest import SAMPLE

    raw = pd.read_csv(SAMPLE / "enterprise_requests.csv", dtype=str)
    day = pd.Timestamp(D)
    raised, resolved = pd.to_datetime(raw["raised_on"]), pd.to_datetime(raw["resolved_on"])
    still_open = resolved.isna() | (resolved > day)
    overdue = still_open & ((day - raised).dt.days > 3)
    done = resolved.notna() & (resolved <= day)
    result = rq.analyse_requests(sample_data.enterprise_requests, D)
    assert result.totals["open"] == int(still_open.sum()) and result.totals["overdue"] == int(overdue.sum())
    assert result.totals["median_days"] == float((resolved - raised)[done].dt.days.median())
    several = raw[still_open].groupby("enterprise_id").size()
    assert set(result.several["enterprise_id"]) == set(several[several >= 2].index)
    assert "E03" in set(result.several["enterprise_id"])  # the sample's enterprise waiting on several


def test_view_escapes_request_text(requests):
    from workbench.present.views import requests as view

    hostile = requests.assign(department=["<img src=x onerror=alert(1)>"] * len(requests))
    html = view.open_table(rq.analyse_requests(hostile, D), "en").data
    assert "<img src=x" not in html and "&lt;img src=x" in html


@pytest.mark.slow
def test_wiring_enterprise_report_publishes_requests(sample_data, tmp_path):
    """A wiring check: the report's ``requests`` figures equal a direct computation."""
    from fixtures.reports import sample_report_figures

    figures, html_path = sample_report_figures("enterprise_output", tmp_path)
    expected = rq.request_figures(rq.analyse_requests(sample_data.enterprise_requests, D))
    assert figures["requests"] == expected
    assert "RQ" in html_path.read_text("utf-8")


def test_brief_figures_list_each_overdue_request_with_its_department(requests):
    from workbench.brief.figures import BriefParameters
    from workbench.brief.followup import request_brief

    figures, warnings = request_brief({"enterprise_requests": requests}, pd.Timestamp(D), BriefParameters())
    assert (figures["open"], figures["overdue"], figures["median_days"]) == (3, 1, 2.0)
    assert figures["tone"] == "bad"
    assert figures["overdue_requests"] == [{"request_id": "R3", "enterprise_id": "E1", "enterprise": "E1",
                                            "category": "原料运输", "department": "交通局", "age_days": 4}]
    assert figures["enterprises_with_several"] == 1 and len(warnings) == 1


def test_the_shared_follow_up_rule_at_its_boundaries():
    """The one open/overdue rule of findings and requests (domains.common), limit 3 days, D = 10-09."""
    from workbench.domains.common import follow_up_status

    raised = pd.to_datetime(pd.Series(["2022-10-09", "2022-10-06", "2022-10-05", "2022-10-05", "2022-10-01"]))
    resolved = pd.to_datetime(pd.Series([None, None, None, "2022-10-09", "2022-10-10"]))
    status = follow_up_status(raised, resolved, pd.Timestamp(D), 3)
    assert status["age_days"].tolist() == [0, 3, 4, 4, 8]
    assert status["open"].tolist() == [True, True, True, False, True]   # resolved on D: closed; after D: open
    assert status["overdue"].tolist() == [False, False, True, False, True]
    assert status["days_to_close"].fillna(-1).tolist() == [-1, -1, -1, 4.0, -1]
