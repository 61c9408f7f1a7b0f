"""Labels of the mass-testing datasets: areas, zones, testing sites, rounds, sampling, boundaries."""

from __future__ import annotations

from workbench.intake.template_labels.model import DatasetLabels, labels

LABELS = {
    "areas": DatasetLabels(
        "街道社区区划",
        "Streets and communities",
        "一个街道或社区的边界（面）",
        "a street or community polygon",
        {
            "area_id": labels(
                "区划编码",
                "area code",
                "街道或社区的唯一编码",
                "unique code of the street or community",
                "S01C001",
            ),
            "name": labels(
                "区划名称", "area name", "街道或社区名称", "name of the street or community", "和平社区"
            ),
            "level": labels("层级", "level", "街道 或 社区", "street or community", "community"),
            "parent_id": labels(
                "上级编码",
                "parent code",
                "社区所属街道的编码；街道留空",
                "a community's street; empty for a street",
                "S01",
            ),
            "population": labels("常住人口", "population", "常住人口数（人）", "residents (persons)", 3120),
            "households": labels(
                "户数", "households", "户数（户），可留空", "households, may be empty", 1190
            ),
            "geometry": labels("边界", "geometry", "面（Polygon/MultiPolygon）", "Polygon or MultiPolygon"),
        },
    ),
    "zones": DatasetLabels(
        "风险区划",
        "Risk zones",
        "一个区划在一天的风险等级",
        "an area's risk status on a day",
        {
            "date": labels(
                "日期", "date", "所属日期，如 2022-10-09", "the day, e.g. 2022-10-09", "2022-10-09"
            ),
            "area_id": labels(
                "区划编码",
                "area code",
                "街道或社区编码，与区划数据一致",
                "an area code of the areas",
                "S01C004",
            ),
            "zone": labels(
                "风险等级", "zone", "封控区、管控区或防范区", "sealed, controlled or prevention", "sealed"
            ),
        },
    ),
    "testing_sites": DatasetLabels(
        "核酸采样点",
        "Testing sites",
        "一个核酸采样点",
        "a sampling point",
        {
            "site_id": labels(
                "采样点编码", "site code", "采样点的唯一编码", "unique code of the site", "T001"
            ),
            "name": labels("采样点名称", "site name", "采样点名称", "name of the site", "和平社区1号采样点"),
            "kind": labels(
                "类型",
                "kind",
                "fixed 固定点、mobile 流动点、door_to_door 上门、checkpoint 卡口",
                "fixed, mobile, door_to_door or checkpoint",
                "fixed",
            ),
            "lon": labels(
                "经度",
                "longitude",
                "经度（度），坐标系见 catalog.yaml 的 datum",
                "degrees east, in the catalog's datum",
                109.8651,
            ),
            "lat": labels("纬度", "latitude", "纬度（度）", "degrees north", 40.6418),
            "capacity_per_hour": labels(
                "每小时采样能力", "capacity per hour", "每小时最多采样人次", "most samples an hour", 300
            ),
            "area_id": labels(
                "所在社区编码",
                "area code",
                "所在社区编码，可留空（按坐标定位）",
                "its community; empty: placed by coordinates",
                "S01C001",
            ),
        },
    ),
    "rounds": DatasetLabels(
        "核酸检测轮次",
        "Testing rounds",
        "一轮全员核酸检测",
        "a mass-testing round",
        {
            "round_id": labels("轮次编码", "round code", "轮次的唯一编码", "unique code of the round", "R3"),
            "name": labels("轮次名称", "round name", "轮次名称", "name of the round", "第三轮全员核酸检测"),
            "start": labels(
                "开始时间",
                "start",
                "开始时间，如 2022-10-08 06:00",
                "start, e.g. 2022-10-08 06:00",
                "2022-10-08 06:00",
            ),
            "end": labels(
                "结束时间",
                "end",
                "结束时间，不早于开始时间",
                "end, not before the start",
                "2022-10-08 22:00",
            ),
        },
    ),
    "sampling": DatasetLabels(
        "核酸采样记录",
        "Sampling records",
        "一人一次采样（仅假名编号，不含姓名、证件号、电话）",
        "one person sampled once (a pseudonym only)",
        {
            "person_key": labels(
                "人员编号",
                "person key",
                "假名化的人员编号，不得填写姓名、身份证号或电话",
                "a pseudonymous key; never a name, ID-card or phone number",
                "pk_3f9a0c1d2e4b5a67",
            ),
            "area_id": labels(
                "社区编码", "area code", "居住社区编码，可留空", "home community, may be empty", "S01C001"
            ),
            "site_id": labels(
                "采样点编码",
                "site code",
                "采样点编码，与采样点数据一致",
                "a site code of the testing sites",
                "T001",
            ),
            "sampled_at": labels(
                "采样时间",
                "sampled at",
                "采样日期和时间，如 2022-10-08 09:15",
                "date and time, e.g. 2022-10-08 09:15",
                "2022-10-08 09:15",
            ),
        },
    ),
    "admin_boundaries": DatasetLabels(
        "行政区划边界（地图底图）",
        "Administrative boundaries (map context)",
        "一条行政区划边界，仅作地图背景",
        "an administrative boundary drawn as map context",
        {
            "name": labels("名称", "name", "行政区名称", "name of the unit", "昆都仑区"),
            "geometry": labels("边界", "geometry", "面（Polygon/MultiPolygon）", "Polygon or MultiPolygon"),
        },
    ),
}
