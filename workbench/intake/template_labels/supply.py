"""Labels of the supply datasets: suppliers, packages, deliveries, prices and price baselines."""

from __future__ import annotations

from workbench.intake.template_labels.model import DatasetLabels, labels

_DAY = (
    "日期(统计截至当日8时)",
    "date (day ending 08:00)",
    "统计日：前一日8时至当日8时，记为当日",
    "08:00 the day before to 08:00 on this day, dated the day it ends",
)

LABELS = {
    "suppliers": DatasetLabels(
        "保供企业",
        "Suppliers",
        "一家向封控、管控区域保供的企业",
        "an enterprise supplying sealed and controlled areas",
        {
            "supplier_id": labels(
                "企业编码", "supplier code", "保供企业的唯一编码", "unique code of the supplier", "GY01"
            ),
            "name": labels("企业名称", "supplier name", "保供企业名称", "name of the supplier", "华联超市"),
            "kind": labels(
                "类型",
                "kind",
                "超市、农贸市场、商贸公司、电商平台或其他",
                "supermarket, farmers_market, trading_company, platform or other",
                "supermarket",
            ),
            "lon": labels(
                "经度", "longitude", "经度（度）", "degrees east, in the catalog's datum", 109.8420
            ),
            "lat": labels("纬度", "latitude", "纬度（度）", "degrees north", 40.6580),
            "area_id": labels(
                "所在社区编码",
                "area code",
                "可留空（按坐标定位）",
                "may be empty: placed by coordinates",
                None,
            ),
        },
    ),
    "packages": DatasetLabels(
        "保供套餐",
        "Packages",
        "一家保供企业销售的一种套餐",
        "a package a supplier sells",
        {
            "supplier_id": labels("企业编码", "supplier code", "保供企业编码", "a supplier code", "GY01"),
            "package": labels(
                "套餐名称",
                "package",
                "套餐名称，同一企业内不重复",
                "package name, once per supplier",
                "蔬菜标准包",
            ),
            "price": labels(
                "价格(元)",
                "price (元)",
                "每份价格，大于0，单位元",
                "price of one package in 元, above 0",
                68,
            ),
            "contents": labels(
                "内容",
                "contents",
                "套餐内容，可留空",
                "what is in it, may be empty",
                "土豆2斤、白菜1棵、西红柿2斤",
            ),
        },
    ),
    "deliveries": DatasetLabels(
        "保供配送",
        "Deliveries",
        "一家保供企业一个统计日向一个社区的配送",
        "what one supplier delivered to one community in a day",
        {
            "date": labels(*_DAY, "2022-10-09"),
            "supplier_id": labels("企业编码", "supplier code", "保供企业编码", "a supplier code", "GY01"),
            "area_id": labels(
                "社区编码", "community code", "配送的社区编码", "the community delivered to", "S01C004"
            ),
            "orders": labels("订单数", "orders", "收到的订单数", "orders received", 152),
            "packages_delivered": labels(
                "配送份数", "packages delivered", "送达的套餐份数", "packages handed over", 160
            ),
            "households_served": labels(
                "服务户数", "households served", "收到配送的户数", "households served", 148
            ),
        },
    ),
    "prices": DatasetLabels(
        "价格监测",
        "Price monitoring",
        "一个市场一种商品一天的价格",
        "the price of one commodity at one market on one day",
        {
            "date": labels("日期", "date", "监测日期", "day the price was taken", "2022-10-09"),
            "market": labels(
                "市场", "market", "监测的市场或超市", "the market or shop monitored", "滨河农贸市场"
            ),
            "commodity": labels(
                "品种", "commodity", "商品名称，与基期价格一致", "commodity, as in the baselines", "白菜"
            ),
            "price": labels(
                "价格", "price", "价格，大于0（单位见下一列）", "the price, above 0, in the unit", 1.6
            ),
            "unit": labels(
                "单位", "unit", "如 元/斤、元/公斤、元/升", "e.g. 元/斤 (per 500 g), 元/升", "元/斤"
            ),
        },
    ),
    "price_baselines": DatasetLabels(
        "基期价格",
        "Price baselines",
        "一种商品的基期价格",
        "a commodity's reference price",
        {
            "commodity": labels("品种", "commodity", "商品名称，不重复", "commodity, once each", "白菜"),
            "baseline_price": labels(
                "基期价格", "baseline price", "基期价格，大于0", "the reference price, above 0", 1.2
            ),
            "period": labels(
                "基期", "period", "基期所指时段", "what the baseline stands for", "2022-09-01/2022-09-30"
            ),
            "unit": labels(
                "单位",
                "unit",
                "可留空；填写时单位不同的价格不作比较",
                "optional: prices in another unit are not compared",
                "元/斤",
            ),
        },
    ),
}
