"""Dates whose day and month could be read either way are never guessed (hand-checked values).

A department's ``09/10/2022`` is the 9th of October to one office and the 10th of September
to another; read the wrong way it moves a day's figures a month. The column decides: one
``13/10/2022`` proves day first, one ``10/13/2022`` month first; a value the column leaves
open is refused with a message saying why.
"""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.packs import coverage_pack, sampling_frame, write_pack

from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets, validate_pack
from workbench.intake.stamps import ambiguous_day_month, parse_dates, parse_timestamps
from workbench.present.problem_wording import problem_text


def read(values):
    stamps, bad = parse_dates(pd.Series(values))
    return [None if pd.isna(s) else s.strftime("%Y-%m-%d") for s in stamps], bad.tolist()


@pytest.mark.parametrize("values,dates", [
    (["13/10/2022", "09/10/2022"], ["2022-10-13", "2022-10-09"]),  # proved day first
    (["09/10/2022", "13/10/2022"], ["2022-10-09", "2022-10-13"]),  # ... whichever comes first
    (["10/13/2022", "10/09/2022"], ["2022-10-13", "2022-10-09"]),  # proved month first
    (["9.10.2022", "10.10.2022"], ["2022-10-09", "2022-10-10"]),  # dotted: day first, the European way
    (["13-10-2022", "9-10-2022"], ["2022-10-13", "2022-10-09"]),
    (["10/10/2022"], ["2022-10-10"]),  # the same either way
    (["2022.10.9", "2022/10/10", "20221009"], ["2022-10-09", "2022-10-10", "2022-10-09"]),
])  # fmt: skip
def test_a_column_proves_the_order_of_its_day_and_month(values, dates):
    assert read(values) == (dates, [False] * len(values))


@pytest.mark.parametrize("values,dates", [
    (["09/10/2022", "10/10/2022"], [None, "2022-10-10"]),  # nothing proves an order
    (["13/10/2022", "10/13/2022", "09/10/2022"], ["2022-10-13", "2022-10-13", None]),  # both proved
    (["09-10-2022"], [None]),
])  # fmt: skip
def test_a_date_the_column_leaves_open_is_unparseable_not_guessed(values, dates):
    read_dates, bad = read(values)
    assert read_dates == dates and bad == [d is None for d in dates]


@pytest.mark.parametrize("value", ["2022", "2022-10", "2022/10", "2022年10月", "2022.10"])
def test_a_year_or_a_month_alone_is_no_date(value):
    assert read([value, "2022-10-09"]) == ([None, "2022-10-09"], [True, False])


def test_times_after_a_year_last_date_are_kept():
    stamps, bad = parse_timestamps(pd.Series(["13/10/2022 8:05", "09/10/2022 18:30:10"]))
    assert [str(s) for s in stamps] == ["2022-10-13 08:05:00", "2022-10-09 18:30:10"] and not bad.any()


def test_which_values_are_open_to_either_order():
    values = pd.Series(["09/10/2022", "10/10/2022", "13/10/2022", "9.10.2022", "2022-10-09", None, "x"])
    assert ambiguous_day_month(values).tolist() == [True, False, False, False, False, False, False]


DAYS = "date,checkpoint_id,vehicles,people,from_risk_areas,landing_tests\n"
CHECKPOINTS = "checkpoint_id,name,lon,lat\nK1,东出口,109.9,40.6\n"


def test_a_pack_dated_month_first_within_the_first_twelve_days_is_refused_with_why(tmp_path):
    rows = "".join(f"10/{day:02d}/2022,K1,1,2,0,0\n" for day in range(1, 10))
    write_pack(tmp_path, {"checkpoints.csv": CHECKPOINTS, "daily.csv": DAYS + rows},
               {"checkpoints": "checkpoints.csv", "checkpoint_daily": "daily.csv"})  # fmt: skip
    problems = [p for p in validate_pack(open_pack(tmp_path)) if p.column == "date"]
    assert [p.row for p in problems] == list(range(2, 11))  # 10/01 ... 10/09 on lines 2 to 10, all refused
    assert {p.severity for p in problems} == {"error"}
    assert problems[0].expected.startswith("a date with the year first, such as 2022-10-09 (is 09/10/2022")
    assert problem_text(problems[0].expected) == (
        "年份在前的日期，如 2022-10-09（09/10/2022 是 10 月 9 日还是 9 月 10 日？）"
    )


def test_a_pack_dated_month_first_across_the_month_is_read(tmp_path):
    rows = "".join(f"10/{day:02d}/2022,K1,{day},2,0,0\n" for day in (8, 9, 13))
    write_pack(tmp_path, {"checkpoints.csv": CHECKPOINTS, "daily.csv": DAYS + rows},
               {"checkpoints": "checkpoints.csv", "checkpoint_daily": "daily.csv"})  # fmt: skip
    data = load_datasets(open_pack(tmp_path), ["checkpoint_daily"])
    days = data.checkpoint_daily.set_index("vehicles")["date"].dt.strftime("%Y-%m-%d").to_dict()
    assert days == {8: "2022-10-08", 9: "2022-10-09", 13: "2022-10-13"}


def test_person_level_samples_dated_day_first_are_read_by_the_column(tmp_path):
    sampling = sampling_frame()
    sampling["sampled_at"] = ["04/10/2022 08:00", "04/10/2022 09:30", "15/10/2022 10:00"]
    data = load_datasets(open_pack(coverage_pack(tmp_path, sampling=sampling)), ["sampling"])
    stamps = data.sampling.preview()["sampled_at"].astype(str)
    assert sorted(stamps) == ["2022-10-04 08:00:00", "2022-10-04 09:30:00", "2022-10-15 10:00:00"]
