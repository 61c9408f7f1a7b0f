"""The contract's words: units, kinds and check items, as plain constants.

No imports: domain modules take these without pulling in pandas, pandera or geopandas.
"""

#: Units the contract understands: unit → (base unit, factor to the base unit).
UNITS = {"t": ("t", 1.0), "万吨": ("t", 1e4), "元": ("元", 1.0), "万元": ("元", 1e4), "亿元": ("元", 1e8)}

#: China's rough extent, for plausibility checks of coordinates.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)

PLACE_KINDS = (
    "garbage_station", "public_toilet", "park", "square", "pump_station",
    "construction_site", "testing_site", "quarantine_hotel", "medical_institution",
)  # fmt: skip
#: Chinese names of place kinds in department lists.
PLACE_KIND_ALIASES = {
    "垃圾转运站": "garbage_station", "垃圾站": "garbage_station", "垃圾中转站": "garbage_station",
    "垃圾收集点": "garbage_station", "公共卫生间": "public_toilet", "公厕": "public_toilet",
    "公共厕所": "public_toilet", "厕所": "public_toilet", "公园": "park", "游园": "park",
    "广场": "square", "休闲广场": "square", "泵站": "pump_station", "污水泵站": "pump_station",
    "雨水泵站": "pump_station", "在建工地": "construction_site", "施工工地": "construction_site",
    "建筑工地": "construction_site", "工地": "construction_site", "在建项目": "construction_site",
    "核酸检测点": "testing_site", "检测点": "testing_site", "核酸采样点": "testing_site",
    "采样点": "testing_site", "隔离酒店": "quarantine_hotel", "集中隔离点": "quarantine_hotel",
    "隔离点": "quarantine_hotel", "医疗机构": "medical_institution", "医院": "medical_institution",
    "卫生院": "medical_institution", "诊所": "medical_institution",
    "社区卫生服务中心": "medical_institution", "社区卫生服务站": "medical_institution",
}  # fmt: skip
#: Kinds of testing sites, and their Chinese names.
SITE_KINDS = ("fixed", "mobile", "door_to_door", "checkpoint")
SITE_KIND_ALIASES = {
    "固定点": "fixed", "固定": "fixed", "固定采样点": "fixed", "便民采样点": "fixed",
    "常态化采样点": "fixed", "流动点": "mobile", "流动": "mobile", "采样车": "mobile",
    "流动采样点": "mobile", "流动采样车": "mobile", "移动采样车": "mobile", "入户": "door_to_door",
    "上门": "door_to_door", "入户采样": "door_to_door", "上门采样": "door_to_door", "卡口": "checkpoint",
    "卡口采样点": "checkpoint",
}  # fmt: skip
#: Levels of areas: streets and the townships beside them (镇, 乡, and 苏木 in Inner Mongolia),
#: communities and villages (村, 嘎查).
LEVEL_ALIASES = {
    "街道": "street", "街道办事处": "street", "街道办": "street", "镇": "street", "乡": "street",
    "苏木": "street", "社区": "community", "社区居委会": "community", "居委会": "community",
    "村": "community", "嘎查": "community",
}  # fmt: skip
#: Zones of an outbreak (and the risk levels that named them in other rules).
ZONE_ALIASES = {
    "封控区": "sealed", "封控": "sealed", "高风险区": "sealed", "管控区": "controlled", "管控": "controlled",
    "中风险区": "controlled", "防范区": "prevention", "防范": "prevention", "低风险区": "prevention",
}  # fmt: skip
#: Kinds of supply enterprises (Chinese spellings of department lists as aliases).
SUPPLIER_KINDS = ("supermarket", "farmers_market", "trading_company", "platform", "other")
SUPPLIER_ALIASES = {
    "超市": "supermarket", "农贸市场": "farmers_market", "农贸": "farmers_market",
    "商贸公司": "trading_company", "工贸": "trading_company", "工贸公司": "trading_company",
    "电商平台": "platform", "平台": "platform", "其他": "other",
}  # fmt: skip
#: The items of a home-quarantine check, each counted in households compliant.
QUARANTINE_ITEMS = ("seal_ok", "magnet_ok", "tested", "disinfection_record_ok")
#: The "eight in place" (八个到位) items of an enterprise check.
EIGHT_IN_PLACE = (
    "staff_control", "prevention_mechanism", "staff_screening", "supplies",
    "measures", "disinfection", "regular_testing", "closed_loop_management",
)  # fmt: skip
#: Kinds of front-line units whose staffing is reported (Chinese spellings as aliases).
UNIT_KINDS = ("testing_site", "checkpoint", "quarantine_team", "supervision_team", "other")
UNIT_KIND_ALIASES = {
    "采样点": "testing_site", "核酸采样点": "testing_site", "卡口": "checkpoint", "检查站": "checkpoint",
    "居家隔离": "quarantine_team", "隔离专班": "quarantine_team", "督查组": "supervision_team",
    "其他": "other",
}  # fmt: skip
#: Usual categories of enterprise requests (要素保障); other categories are kept as written.
REQUEST_CATEGORIES = (
    "raw_material_transport", "land_approval", "funding", "labour", "power", "logistics", "financing", "tax",
)  # fmt: skip
#: Units of a project's investment.
INVESTMENT_UNITS = ("万元", "亿元")
