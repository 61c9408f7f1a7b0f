"""The mechanisms every domain shares (workbench.domains.common), on hand-written cases."""

import numpy as np
import pandas as pd
import pytest

from workbench.domains import common
from workbench.errors import WorkbenchError

T = pd.Timestamp


def test_n_days_ending_on_d_include_both_ends():
    days = common.days_ending("2022-10-09 17:30", 7)
    assert [f"{d:%m-%d}" for d in days] == ["10-03", "10-04", "10-05", "10-06", "10-07", "10-08", "10-09"]
    assert list(common.days_ending("2022-10-09", 1)) == [T("2022-10-09")]
    assert common.window_start("2022-03-01", 2) == T("2022-02-28")


@pytest.mark.parametrize("days", [0, -1, 1.5, "7", True, None])
def test_a_window_of_less_than_one_whole_day_is_refused_with_its_name(days):
    with pytest.raises(WorkbenchError, match="repeat_days must be a whole number of 1 or more"):
        common.days_ending("2022-10-09", days, "repeat_days")


def test_every_domain_window_refuses_zero_days():
    from workbench.domains import checkpoints, field_checks, inspections, supply

    for call in (lambda: checkpoints.window_days("2022-10-09", 0),
                 lambda: supply.window_dates("2022-10-09", 0),
                 lambda: inspections.window_start("2022-10-09", 0),
                 lambda: field_checks.compliance_by_day(pd.DataFrame(columns=["date"]), "2022-10-09", 0)):
        with pytest.raises(WorkbenchError, match="must be a whole number of 1 or more"):
            call()


def test_ratio_guards_zero_and_missing_denominators():
    assert common.ratio(1, 4) == 0.25
    assert np.isnan(common.ratio(3, 0)) and np.isnan(common.ratio(3, None))
    assert np.isnan(common.ratio(None, 3))
    shares = common.ratio(pd.Series([1, 2, None, 5], dtype="Int64"), pd.Series([0, 4, 2, -1]))
    assert shares.isna().tolist() == [True, False, True, True] and shares[1] == 0.5
    assert common.ratio(np.array([1.0, 2.0]), np.array([2.0, 0.0])).tolist()[0] == 0.5


def test_expected_but_missing_cells():
    rows = pd.DataFrame({"date": pd.to_datetime(["2022-10-01", "2022-10-02", "2022-10-02"]),
                         "site_id": ["A", "A", "B"]})
    days = pd.date_range("2022-10-01", "2022-10-03")
    reported = common.reporting_grid(rows, ["site_id"], days)
    assert reported.to_dict("list") == {"A": [True, True, False], "B": [False, True, False]}
    expected = reported.copy()
    expected.loc[T("2022-10-03")] = [True, False]  # A expected on the 3rd, B not
    expected.loc[T("2022-10-01"), "B"] = True
    missing = common.missing_cells(reported, expected)
    assert [(f"{d:%m-%d}", s) for d, s in zip(missing["date"], missing["site_id"], strict=True)] == [
        ("10-01", "B"), ("10-03", "A")]


def test_time_since_the_last_event_against_a_limit():
    last = pd.Series(pd.to_datetime(["2022-10-08 08:00", "2022-10-08 08:01", None]))
    hours = common.time_since(last, "2022-10-09 08:00", "h")
    assert hours[0] == 24.0 and hours[1] == pytest.approx(23 + 59 / 60) and np.isnan(hours[2])
    # exactly at the limit is past it; never is past it
    assert common.past_limit(hours, 24.0).tolist() == [True, False, True]
    assert common.time_since(T("2022-10-07"), "2022-10-09", "D") == 2.0
