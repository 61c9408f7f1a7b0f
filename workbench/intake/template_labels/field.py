"""Labels of the field-check datasets: home-quarantine checks and medical-waste collections."""

from __future__ import annotations

from workbench.intake.template_labels.model import DatasetLabels, labels

LABELS = {
    "quarantine_checks": DatasetLabels(
        "居家隔离检查",
        "Home-quarantine checks",
        "一个社区一个统计日的居家隔离检查户数（只填户数，不填人员信息）",
        "a community's home-quarantine checks in one day (household counts only)",
        {
            "date": labels(
                "日期",
                "date",
                "统计日：前一日8时至当日8时，记为当日",
                "08:00 the day before to 08:00 on this day, dated the day it ends",
                "2022-10-09",
            ),
            "area_id": labels("社区编码", "community code", "社区编码", "the community", "S01C004"),
            "households": labels(
                "居家隔离户数", "households", "检查的居家隔离户数", "households checked", 40
            ),
            "seal_ok": labels(
                "封条张贴户数",
                "seal ok",
                "其中封条张贴的户数，不超过隔离户数",
                "of them, door seal posted (at most households)",
                40,
            ),
            "magnet_ok": labels(
                "门磁安装户数", "magnet ok", "其中门磁安装的户数", "door magnet installed", 24
            ),
            "tested": labels("核酸检测户数", "tested", "其中按时核酸检测的户数", "tested as scheduled", 39),
            "disinfection_record_ok": labels(
                "消杀记录公示户数",
                "disinfection record ok",
                "其中消杀记录公示的户数",
                "disinfection record board posted",
                38,
            ),
        },
    ),
    "medical_waste": DatasetLabels(
        "医疗废物收运",
        "Medical-waste collections",
        "一个采样点的一次医疗废物收运",
        "one collection of medical waste at a testing site",
        {
            "collected_at": labels(
                "收运时间",
                "collected at",
                "收运日期和时间，如 2022-10-08 19:30",
                "date and time, e.g. 2022-10-08 19:30",
                "2022-10-08 19:30",
            ),
            "site_id": labels(
                "采样点编码",
                "site code",
                "采样点编码，与采样点数据一致",
                "a site code of the testing sites",
                "T001",
            ),
            "weight_kg": labels(
                "重量(千克)", "weight (kg)", "收运重量，单位千克", "weight collected, in kg", 12.4
            ),
            "bags": labels("袋数", "bags", "收运的袋（箱）数", "bags or boxes collected", 3),
        },
    ),
}
