"""The contract of the follow-up datasets: bad rows named by file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.packs import write_pack

from workbench.errors import DataError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets


def _problems(root, names):
    with pytest.raises(DataError) as caught:
        load_datasets(open_pack(root), names)
    return caught.value.problems


def test_a_request_resolved_before_it_was_raised_is_named(tmp_path):
    requests = pd.DataFrame(
        {
            "request_id": ["R1", "R2"],
            "enterprise_id": ["E1", "E1"],
            "raised_on": ["2022-10-05", "2022-10-06"],
            "category": ["用工", "电力"],
            "department": ["人社局", "供电公司"],
            "resolved_on": ["2022-10-06", "2022-10-04"],
        }
    )
    enterprises = pd.DataFrame(
        {
            "enterprise_id": ["E1"],
            "name": ["华鼎铜业"],
            "sector": ["冶炼"],
            "lon": [109.8],
            "lat": [40.6],
            "employees": [820],
            "closed_loop": ["是"],
        }
    )
    root = write_pack(
        tmp_path,
        {"enterprise_requests.csv": requests, "enterprises.csv": enterprises},
        {"enterprise_requests": "enterprise_requests.csv", "enterprises": "enterprises.csv"},
    )
    [problem] = [p for p in _problems(root, ["enterprise_requests", "enterprises"]) if p.severity == "error"]
    assert (problem.row, problem.column) == (3, "raised_on, resolved_on")  # the line, header on line 1


def test_staffing_reads_chinese_unit_kinds_and_refuses_unknown_ones(tmp_path):
    staffing = pd.DataFrame(
        {
            "date": ["2022-10-09"] * 3,
            "unit_kind": ["采样点", "卡口", "hospital"],
            "unit_id": ["T1", "CP1", "H1"],
            "role": ["采样员", "民警", "医生"],
            "planned": [10, 5, 3],
            "on_duty": [9, 5, 3],
        }
    )
    root = write_pack(tmp_path, {"staffing.csv": staffing}, {"staffing": "staffing.csv"})
    [problem] = [p for p in _problems(root, ["staffing"]) if p.severity == "error"]
    assert (problem.row, problem.column, problem.found) == (4, "unit_kind", "hospital")  # line 4 of the file


def test_a_project_in_another_unit_is_refused(tmp_path):
    projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2"],
            "name": ["产业园", "物流中心"],
            "enterprise_id": ["", ""],
            "investment": [12.5, 3000],
            "unit": ["亿元", "美元"],
        }
    )
    root = write_pack(tmp_path, {"projects.csv": projects}, {"projects": "projects.csv"})
    [problem] = [p for p in _problems(root, ["projects"]) if p.severity == "error"]
    assert (problem.row, problem.column) == (3, "unit")  # line 3 of the file
