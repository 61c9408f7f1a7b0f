"""File names, department-style headers and the ``catalog.yaml`` of the sample pack."""

from __future__ import annotations

from workbench.sample.settings import BOUNDARIES_FILE, BOUNDARIES_LICENSE, REPORT_DATE

REPORT_DATE_TEXT = str(REPORT_DATE)

AREAS = "areas.geojson"
ZONES = "zones.csv"
TESTING_SITES = "核酸采样点.csv"
TESTING_SITES_ENCODING = "gb18030"
ROUNDS = "rounds.csv"
SAMPLING = "sampling.parquet"
CHECKPOINTS = "checkpoints.csv"
CHECKPOINT_DAILY = "checkpoint_daily.csv"
PLACES = "places.csv"
INSPECTIONS = "督查记录.xlsx"
INSPECTIONS_SHEET = "督查记录"
ENTERPRISES = "enterprises.csv"
PRODUCTION = "production.parquet"
TARGETS = "targets.csv"
ENTERPRISE_CHECKS = "enterprise_checks.csv"
SUPPLIERS = "suppliers.csv"
PACKAGES = "packages.csv"
DELIVERIES = "deliveries.csv"
PRICES = "价格监测.csv"
PRICES_ENCODING = "gb18030"
PRICE_BASELINES = "price_baselines.csv"
QUARANTINE_CHECKS = "居家隔离检查.csv"
MEDICAL_WASTE = "medical_waste.csv"
ENTERPRISE_REQUESTS = "enterprise_requests.csv"
PROJECTS = "projects.csv"
PROJECT_MILESTONES = "project_milestones.csv"
STAFFING = "staffing.csv"
ADMIN_BOUNDARIES = BOUNDARIES_FILE
ADMIN_LICENSE = BOUNDARIES_LICENSE
CATALOG = "catalog.yaml"
README = "README.md"

#: Chinese header of the testing-sites export -> contract column
TESTING_SITES_COLUMNS = {
    "采样点编码": "site_id",
    "采样点名称": "name",
    "类型": "kind",
    "经度": "lon",
    "纬度": "lat",
    "每小时采样能力": "capacity_per_hour",
}
#: Chinese header of the inspection workbook -> contract column (场所名称 is kept as is)
INSPECTIONS_COLUMNS = {
    "督查编号": "inspection_id",
    "日期": "date",
    "督查组": "team",
    "场所编码": "place_id",
    "人员配备": "staffing_ok",
    "消杀台账": "disinfection_log_ok",
    "登记台账": "registration_log_ok",
    "问题": "finding",
    "整改日期": "rectified_on",
}
INSPECTIONS_EXTRA = {"place_name": "场所名称"}
#: Chinese header of the price-monitoring export -> contract column
PRICES_COLUMNS = {"日期": "date", "市场": "market", "品种": "commodity", "价格": "price", "单位": "unit"}
#: Chinese header of the home-quarantine check sheet -> contract column
QUARANTINE_COLUMNS = {
    "日期": "date",
    "社区编码": "area_id",
    "居家隔离户数": "households",
    "封条张贴户数": "seal_ok",
    "门磁安装户数": "magnet_ok",
    "核酸检测户数": "tested",
    "消杀记录公示户数": "disinfection_record_ok",
}


def _flow(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"


def catalog_text(pack_name: str, pack_name_en: str) -> str:
    """The ``catalog.yaml`` of a generated pack."""
    return f"""name: {pack_name}
name_en: {pack_name_en}
timezone: Asia/Shanghai
datum: gcj02
report_date: {REPORT_DATE_TEXT}
datasets:
  areas: {{path: {AREAS}}}
  zones: {{path: {ZONES}}}
  testing_sites:
    path: {TESTING_SITES}
    encoding: {TESTING_SITES_ENCODING}
    columns: {_flow(TESTING_SITES_COLUMNS)}
  rounds: {{path: {ROUNDS}}}
  sampling: {{path: {SAMPLING}}}
  checkpoints: {{path: {CHECKPOINTS}}}
  checkpoint_daily: {{path: {CHECKPOINT_DAILY}}}
  places: {{path: {PLACES}}}
  inspections:
    path: {INSPECTIONS}
    sheet: {INSPECTIONS_SHEET}
    columns: {_flow(INSPECTIONS_COLUMNS)}
  enterprises: {{path: {ENTERPRISES}}}
  production: {{path: {PRODUCTION}}}
  targets: {{path: {TARGETS}}}
  enterprise_checks: {{path: {ENTERPRISE_CHECKS}}}
  suppliers: {{path: {SUPPLIERS}}}
  packages: {{path: {PACKAGES}}}
  deliveries: {{path: {DELIVERIES}}}
  prices:
    path: {PRICES}
    encoding: {PRICES_ENCODING}
    columns: {_flow(PRICES_COLUMNS)}
  price_baselines: {{path: {PRICE_BASELINES}}}
  quarantine_checks:
    path: {QUARANTINE_CHECKS}
    columns: {_flow(QUARANTINE_COLUMNS)}
  medical_waste: {{path: {MEDICAL_WASTE}}}
  enterprise_requests: {{path: {ENTERPRISE_REQUESTS}}}
  projects: {{path: {PROJECTS}}}
  project_milestones: {{path: {PROJECT_MILESTONES}}}
  staffing: {{path: {STAFFING}}}
  admin_boundaries: {{path: {ADMIN_BOUNDARIES}}}
"""
