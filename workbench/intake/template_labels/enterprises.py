"""Labels of the key-enterprise datasets: enterprises, production, targets, eight-in-place checks."""

from __future__ import annotations

from workbench.intake.template_labels.model import DatasetLabels, labels

_UNIT_NOTE = (
    "单位：吨(t)、万吨、元、万元、亿元（下拉选择）",
    "unit: t, 万吨 (10⁴ t), 元, 万元 (10⁴ 元), 亿元 (10⁸ 元)",
)
#: The "eight in place" (八个到位) items: (column, Chinese header, English header).
_EIGHT = (
    ("staff_control", "人员管控到位", "staff control"),
    ("prevention_mechanism", "防控机制到位", "prevention mechanism"),
    ("staff_screening", "人员排查到位", "staff screening"),
    ("supplies", "物资储备到位", "supplies"),
    ("measures", "防控措施到位", "measures"),
    ("disinfection", "消毒消杀到位", "disinfection"),
    ("regular_testing", "常态化检测到位", "regular testing"),
    ("closed_loop_management", "闭环管理到位", "closed-loop management"),
)

LABELS = {
    "enterprises": DatasetLabels(
        "重点企业",
        "Key enterprises",
        "一家重点跟踪企业",
        "an enterprise followed by the zone",
        {
            "enterprise_id": labels(
                "企业编码", "enterprise code", "企业的唯一编码", "unique code of the enterprise", "E01"
            ),
            "name": labels(
                "企业名称",
                "enterprise name",
                "企业全称",
                "name of the enterprise",
                "包头华鼎铜业发展有限公司",
            ),
            "sector": labels("行业", "sector", "所属行业", "its sector", "有色金属"),
            "lon": labels(
                "经度", "longitude", "经度（度）", "degrees east, in the catalog's datum", 109.7810
            ),
            "lat": labels("纬度", "latitude", "纬度（度）", "degrees north", 40.6350),
            "employees": labels("职工人数(人)", "employees", "职工人数", "number of employees", 820),
            "closed_loop": labels(
                "闭环管理",
                "closed loop",
                "是否实行闭环管理：是/否",
                "under closed-loop management: yes/no",
                True,
            ),
            "area_id": labels(
                "所在社区编码",
                "area code",
                "可留空（按坐标定位）",
                "may be empty: placed by coordinates",
                None,
            ),
        },
    ),
    "production": DatasetLabels(
        "企业产量产值日报",
        "Daily production",
        "一家企业一种产品一天的产量或产值",
        "an enterprise's output of one product on one day",
        {
            "date": labels("日期", "date", "生产日期", "day of production", "2022-10-08"),
            "enterprise_id": labels(
                "企业编码", "enterprise code", "企业编码，与重点企业数据一致", "an enterprise code", "E01"
            ),
            "product": labels(
                "产品", "product", "产品名称，与年度目标一致", "product, as in the targets", "阴极铜"
            ),
            "quantity": labels(
                "数量", "quantity", "当日产量或产值（单位见下一列）", "output that day, in the unit", 310.5
            ),
            "unit": labels("单位", "unit", *_UNIT_NOTE, "t"),
        },
    ),
    "targets": DatasetLabels(
        "企业年度目标",
        "Annual targets",
        "一家企业一种产品的年度目标",
        "an annual target",
        {
            "year": labels("年度", "year", "目标年度，如 2022", "the year, e.g. 2022", 2022),
            "enterprise_id": labels(
                "企业编码", "enterprise code", "企业编码，与重点企业数据一致", "an enterprise code", "E01"
            ),
            "product": labels(
                "产品", "product", "产品名称，与产量日报一致", "product, as in production", "阴极铜"
            ),
            "target": labels(
                "目标值",
                "target",
                "年度目标，大于0（单位见下一列）",
                "annual target, above 0, in the unit",
                12,
            ),
            "unit": labels("单位", "unit", *_UNIT_NOTE, "万吨"),
        },
    ),
    "enterprise_checks": DatasetLabels(
        "企业八个到位检查",
        "Eight-in-place checks",
        "对一家企业一天的“八个到位”检查",
        "an eight-in-place check of an enterprise on a day",
        {
            "date": labels("检查日期", "date", "检查日期", "day of the check", "2022-10-08"),
            "enterprise_id": labels(
                "企业编码", "enterprise code", "企业编码，与重点企业数据一致", "an enterprise code", "E01"
            ),
            **{
                column: labels(zh, en, f"{zh}：是/否", f"{en} in place: yes/no", True)
                for column, zh, en in _EIGHT
            },
        },
    ),
}
