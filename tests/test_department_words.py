"""The words departments write for the contract's values: levels, zones, kinds of sites and places.

Baotou lies in Inner Mongolia, where townships beside the streets are 苏木 and villages 嘎查; an
outbreak's zones are also written as the risk levels that named them (高风险区 for a sealed area).
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.intake.validation import conform


def conformed(dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    out, problems = conform(frame, dataset, file=f"{dataset}.csv")
    assert not [p for p in problems if p.severity == "error"], problems
    return out


@pytest.mark.parametrize(("written", "level"), [
    ("街道办事处", "street"), ("镇", "street"), ("苏木", "street"), ("社区居委会", "community"),
    ("村", "community"), ("嘎查", "community"),
])
def test_levels_of_areas(written, level):
    frame = pd.DataFrame({"area_id": ["A1"], "name": ["x"], "level": [written], "parent_id": [None],
                          "population": ["100"], "geometry": ["POLYGON ((0 0, 1 0, 1 1, 0 0))"]})
    assert conformed("areas", frame)["level"].tolist() == [level]


def test_zones_written_as_risk_levels():
    written = ["封控区", "高风险区", "管控", "中风险区", "防范区", "低风险区"]
    frame = pd.DataFrame({"date": ["2022-10-09"] * 6, "area_id": [f"C{i}" for i in range(6)],
                          "zone": written})
    expected = ["sealed"] * 2 + ["controlled"] * 2 + ["prevention"] * 2
    assert conformed("zones", frame)["zone"].tolist() == expected


def test_kinds_of_testing_sites_and_places():
    sites = pd.DataFrame({"site_id": ["T1", "T2", "T3", "T4"], "name": ["a", "b", "c", "d"],
                          "kind": ["便民采样点", "流动采样车", "上门采样", "卡口采样点"],
                          "lon": ["109.8"] * 4, "lat": ["40.6"] * 4, "capacity_per_hour": ["60"] * 4})
    kinds = ["fixed", "mobile", "door_to_door", "checkpoint"]
    assert conformed("testing_sites", sites)["kind"].tolist() == kinds
    written = ["垃圾中转站", "公共厕所", "游园", "休闲广场", "污水泵站", "建筑工地", "核酸采样点",
               "集中隔离点", "社区卫生服务中心"]
    places = pd.DataFrame({"place_id": [f"P{i}" for i in range(9)], "name": ["x"] * 9, "kind": written,
                           "lon": ["109.8"] * 9, "lat": ["40.6"] * 9})
    assert conformed("places", places)["kind"].tolist() == [
        "garbage_station", "public_toilet", "park", "square", "pump_station", "construction_site",
        "testing_site", "quarantine_hotel", "medical_institution"]
