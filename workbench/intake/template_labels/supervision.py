"""Labels of the field-supervision datasets: checkpoints, their daily counts, places, inspections."""

from __future__ import annotations

from workbench.intake.template_labels.model import DatasetLabels, labels

_DAY = (
    "日期(统计截至当日8时)",
    "date (day ending 08:00)",
    "统计日：前一日8时至当日8时，记为当日",
    "08:00 the day before to 08:00 on this day, dated the day it ends",
)

LABELS = {
    "checkpoints": DatasetLabels(
        "交通卡口",
        "Road checkpoints",
        "一个交通卡口",
        "a road checkpoint",
        {
            "checkpoint_id": labels(
                "卡口编码", "checkpoint code", "卡口的唯一编码", "unique code of the checkpoint", "CP01"
            ),
            "name": labels(
                "卡口名称", "checkpoint name", "卡口名称", "name of the checkpoint", "黄河大桥卡口"
            ),
            "lon": labels(
                "经度", "longitude", "经度（度）", "degrees east, in the catalog's datum", 109.9012
            ),
            "lat": labels("纬度", "latitude", "纬度（度）", "degrees north", 40.5523),
            "area_id": labels(
                "所在社区编码",
                "area code",
                "可留空（按坐标定位）",
                "may be empty: placed by coordinates",
                None,
            ),
        },
    ),
    "checkpoint_daily": DatasetLabels(
        "卡口每日查验",
        "Checkpoint daily counts",
        "一个卡口一个统计日（前一日8时至当日8时）的查验数",
        "a checkpoint's 08:00-to-08:00 day",
        {
            "date": labels(*_DAY, "2022-10-08"),
            "checkpoint_id": labels(
                "卡口编码", "checkpoint code", "卡口编码，与卡口数据一致", "a checkpoint code", "CP01"
            ),
            "vehicles": labels("查验车辆(辆)", "vehicles", "查验车辆数", "vehicles checked", 10120),
            "people": labels("查验人员(人)", "people", "查验人员数", "people checked", 19874),
            "from_risk_areas": labels(
                "来自风险地区人员(人)",
                "from risk areas",
                "其中来自风险地区的人数",
                "of them, people from risk areas",
                694,
            ),
            "landing_tests": labels(
                "落地检(人)", "landing tests", "落地核酸检测人数", "landing tests done", 19606
            ),
        },
    ),
    "places": DatasetLabels(
        "督查场所",
        "Places under supervision",
        "一个被督查的场所",
        "a place under supervision",
        {
            "place_id": labels(
                "场所编码", "place code", "场所的唯一编码", "unique code of the place", "P001"
            ),
            "name": labels("场所名称", "place name", "场所名称", "name of the place", "阿尔丁广场"),
            "kind": labels(
                "场所类型",
                "kind",
                "garbage_station 垃圾站、public_toilet 公厕、park 公园、square 广场、pump_station 泵站、"
                "construction_site 工地、testing_site 采样点、quarantine_hotel 隔离酒店、"
                "medical_institution 医疗机构",
                "one of the nine place kinds",
                "square",
            ),
            "lon": labels(
                "经度", "longitude", "经度（度）", "degrees east, in the catalog's datum", 109.8410
            ),
            "lat": labels("纬度", "latitude", "纬度（度）", "degrees north", 40.6602),
            "area_id": labels(
                "所在社区编码",
                "area code",
                "可留空（按坐标定位）",
                "may be empty: placed by coordinates",
                None,
            ),
        },
    ),
    "inspections": DatasetLabels(
        "督查记录",
        "Inspections",
        "督查组的一次督查",
        "one visit by a supervision team",
        {
            "inspection_id": labels(
                "督查编号",
                "inspection code",
                "每次督查的唯一编号",
                "unique code of the visit",
                "DC20221009-001",
            ),
            "date": labels("日期", "date", "督查日期", "day of the visit", "2022-10-09"),
            "team": labels("督查组", "team", "督查组名称", "the supervision team", "第一督查组"),
            "place_id": labels(
                "场所编码", "place code", "场所编码，与场所数据一致", "a place code of the places", "P001"
            ),
            "staffing_ok": labels(
                "人员配备", "staffing ok", "人员配备是否到位：是/否", "staffing in place: yes/no", True
            ),
            "disinfection_log_ok": labels(
                "消杀台账",
                "disinfection log ok",
                "消杀台账是否规范：是/否",
                "disinfection log kept: yes/no",
                True,
            ),
            "registration_log_ok": labels(
                "登记台账",
                "registration log ok",
                "登记台账是否规范：是/否",
                "registration log kept: yes/no",
                False,
            ),
            "finding": labels(
                "问题",
                "finding",
                "发现的问题，无问题留空",
                "what was found; empty if nothing",
                "登记台账未及时更新",
            ),
            "rectified_on": labels(
                "整改日期",
                "rectified on",
                "整改完成日期，未整改留空",
                "day fixed; empty while open",
                "2022-10-09",
            ),
        },
    ),
}
