"""The command centre's follow-up work in the sample: enterprise requests, major projects and their
approval milestones, front-line staffing (≈ 4,000 on duty, as the report says).

Each table draws from its own random stream (see :func:`workbench.sample.settings.random_stream`),
so the other datasets of the pack do not move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.sample.mass_testing import DOOR, FIXED, MOBILE
from workbench.sample.names import serial_ids
from workbench.sample.operations import ENV_GROUPS, TEAMS
from workbench.sample.settings import REPORT_DATE, ZONE_DATES

#: Request categories (要素保障) of the report and the department that answers each.
REQUEST_CATEGORIES = {
    "原料运输": "交通运输局", "用地审批": "自然资源分局", "资金": "财政局", "用工": "人力资源和社会保障局",
    "电力": "供电公司", "物流": "商务局", "融资": "金融服务办公室", "税务": "税务局",
}  # fmt: skip
REQUESTS_PER_ENTERPRISE = (1, 4)
REQUEST_START = np.datetime64("2022-09-26")
#: The enterprise left with several open requests (the README names it).
SEVERAL_OPEN = "E03"

#: Major projects: name, enterprise index (None: no enterprise), investment, unit.
PROJECTS = (
    ("稀土新材料产业园二期", 0, 12.5, "亿元"),
    ("高性能钕铁硼磁材扩产项目", 2, 6.8, "亿元"),
    ("乳制品智能工厂升级项目", 1, 38000, "万元"),
    ("稀土高新区冷链物流中心", None, 4.2, "亿元"),
    ("铜冶炼余热发电项目", 0, 26000, "万元"),
)
#: The approval procedures (前期手续) of a project, in order.
MILESTONES = ("项目立项", "用地预审", "规划许可", "环评批复", "施工许可")
#: The project whose procedures stopped (no milestone done for weeks).
STALLED = "P04"

#: Staffing plan per role of each unit kind (people on a day).
SITE_ROLES = {
    FIXED: {"采样员": 10, "信息登记员": 6, "秩序维护员": 6},
    MOBILE: {"采样员": 6, "信息登记员": 3, "秩序维护员": 3},
    DOOR: {"采样员": 6, "信息登记员": 4},
}
CHECKPOINT_ROLES = {"民警": 12, "医护人员": 10, "工作人员": 14}
QUARANTINE_ROLES = {"社区干部": 6, "网格员": 10, "医护人员": 2}
SUPERVISION_ROLES = {"督查员": 6}
#: Share of (unit, role) rows short on a day, and the most people missing from one.
SHORT_SHARE = 0.08
MOST_MISSING = 3


def requests_table(enterprise_ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Requests raised by the enterprises from late September to the report date, most resolved."""
    rows = []
    days = np.arange(REQUEST_START, REPORT_DATE + 1)
    categories = list(REQUEST_CATEGORIES)
    for eid in enterprise_ids:
        for _ in range(int(rng.integers(*REQUESTS_PER_ENTERPRISE, endpoint=True))):
            raised = days[int(rng.integers(len(days)))]
            category = categories[int(rng.integers(len(categories)))]
            took = int(rng.choice([0, 1, 1, 2, 2, 3, 4, 6]))
            resolved = raised + np.timedelta64(took, "D")
            if resolved > REPORT_DATE or rng.random() < 0.12:
                resolved = None
            rows.append([eid, raised, category, resolved])
    for offset in (1, 5, 6):  # one enterprise waits on several requests, two of them overdue
        rows.append([SEVERAL_OPEN, REPORT_DATE - np.timedelta64(offset, "D"), categories[offset % 8], None])
    frame = pd.DataFrame(rows, columns=["enterprise_id", "raised_on", "category", "resolved_on"])
    frame = frame.sort_values(["raised_on", "enterprise_id"], kind="stable", ignore_index=True)
    frame.insert(0, "request_id", serial_ids("RQ", len(frame)))
    frame["department"] = frame["category"].map(REQUEST_CATEGORIES)
    frame["description"] = frame["category"] + "保障诉求"
    frame["raised_on"] = pd.to_datetime(frame["raised_on"]).dt.strftime("%Y-%m-%d")
    frame["resolved_on"] = pd.to_datetime(frame["resolved_on"]).dt.strftime("%Y-%m-%d")
    return frame[
        ["request_id", "enterprise_id", "raised_on", "category", "description", "department", "resolved_on"]
    ]


def projects_table(enterprise_ids: list[str]) -> pd.DataFrame:
    """The major projects the zone follows."""
    return pd.DataFrame(
        {
            "project_id": serial_ids("P", len(PROJECTS), width=2),
            "name": [p[0] for p in PROJECTS],
            "enterprise_id": [None if p[1] is None else enterprise_ids[p[1]] for p in PROJECTS],
            "investment": [p[2] for p in PROJECTS],
            "unit": [p[3] for p in PROJECTS],
        }
    )


def milestones_table(projects: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Each project's procedures planned every two to four weeks; most done near plan, some late."""
    rows = []
    for pid in projects["project_id"]:
        planned = np.datetime64("2022-08-01") + np.timedelta64(int(rng.integers(0, 30)), "D")
        for milestone in MILESTONES:
            delay = int(rng.choice([-3, -1, 0, 0, 1, 2, 5, 9]))
            done = planned + np.timedelta64(delay, "D")
            stalled = pid == STALLED and planned > np.datetime64("2022-09-01")
            if done > REPORT_DATE or stalled:
                done = None
            rows.append([pid, milestone, planned, done])
            planned = planned + np.timedelta64(int(rng.integers(14, 29)), "D")
    frame = pd.DataFrame(rows, columns=["project_id", "milestone", "planned_on", "done_on"])
    for column in ("planned_on", "done_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return frame


def _units(sites: pd.DataFrame, checkpoints: pd.DataFrame, community_ids) -> list[tuple[str, str, dict]]:
    units = [
        ("testing_site", sid, SITE_ROLES[kind])
        for sid, kind in zip(sites["site_id"], sites["kind"], strict=True)
    ]
    units += [("checkpoint", cid, CHECKPOINT_ROLES) for cid in checkpoints["checkpoint_id"]]
    units += [("quarantine_team", cid, QUARANTINE_ROLES) for cid in community_ids]
    units += [("supervision_team", team, SUPERVISION_ROLES) for team in (*TEAMS, *ENV_GROUPS)]
    return units


def staffing_table(
    sites: pd.DataFrame, checkpoints: pd.DataFrame, community_ids, rng: np.random.Generator
) -> pd.DataFrame:
    """People planned and on duty per unit and role, each day from 4 October to the report date."""
    rows = []
    for day in ZONE_DATES:
        for kind, unit, roles in _units(sites, checkpoints, community_ids):
            for role, planned in roles.items():
                short = rng.random() < SHORT_SHARE
                missing = int(rng.integers(1, MOST_MISSING, endpoint=True)) if short else 0
                extra = int(rng.random() < 0.05)
                on_duty = planned - missing if short else planned + extra
                rows.append([str(day), kind, unit, role, planned, max(on_duty, 0)])
    return pd.DataFrame(rows, columns=["date", "unit_kind", "unit_id", "role", "planned", "on_duty"])
