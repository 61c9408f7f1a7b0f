"""Data notes in the report's language: each shape the stages write, worded in Chinese."""

import re

import pytest

from workbench.present import display
from workbench.present.notes import NOTE_PATTERNS, note_text

CASES = [
    ("2022-10-07/daily_brief.json is unreadable: passed over",
     "2022-10-07/daily_brief.json 无法读取，已跳过"),
    ("the daily_brief run of 2022-10-06 failed: passed over", "2022-10-06 的 daily_brief 运行失败，已跳过"),
    ("2022-10-05/daily_brief.json has the wrong shape (figures is not a mapping): passed over",
     "2022-10-05/daily_brief.json 结构不符（figures is not a mapping），已跳过"),
    ("supply: left out of the brief, 2 data problem(s): x; y", "保供：未纳入简报，数据问题 2 处：x; y"),
    ("datasets not loaded: quarantine_checks, medical_waste",
     "未读入数据集：quarantine_checks, medical_waste"),
    ("checkpoints: left out of the brief, 2 data problem(s): [error] d.csv, row 7, column vehicles: "
     "expected a number (found 'x'); [error] d.csv, row 9, column date, checkpoint_id: expected one row "
     "per date and checkpoint_id (found '2022-10-06, K1')",
     "卡口查控：未纳入简报，数据问题 2 处：【错误】d.csv，第 7 行，列 vehicles：应为数字（发现：x）；"
     "【错误】d.csv，第 9 行，列 date, checkpoint_id：应为每个 date、checkpoint_id 只有一行"
     "（发现：2022-10-06, K1）"),
    ("coverage: published on 2022-10-08, cannot be recomputed now (no rounds)",
     "核酸检测：2022-10-08 已发布，现无法重新计算（no rounds）"),
    ("3 checkpoint_daily row(s) dated after the report date are not shown",
     "3 条卡口日报晚于报告日期，未显示"),
    ("no checkpoint reported for the day ending 2022-10-09 08:00", "截至 2022-10-09 8 时，无卡口报送数据"),
    ("round R4 starts after the report date", "轮次 R4 晚于报告日期开始"),
    ("inspections: 49 inspection(s) dated after the report date 2022-10-08 were ignored "
     "(earliest 2022-10-09)",
     "督查检查：49 条督查记录晚于报告日期 2022-10-08（最早 2022-10-09），未计入"),
    ("requests: 6 enterprise request(s) raised after the report date 2022-10-08 are not counted",
     "企业诉求：6 条企业诉求晚于报告日期 2022-10-08 提出，未计入"),
    ("2 area id(s) with samples are not communities: ['X1', 'X2']",
     "2 个有采样记录的区域编码不是社区：['X1', 'X2']"),
    ("year 2021 is before the report date's year: figures stand at 2021-12-31",
     "2021 年早于报告日期所在年份：数字截至 2021-12-31"),
    ("no 2022 target for the enterprises in scope", "范围内企业无 2022 年目标"),
    ("4 production row(s) of 2 product(s) without a 2022 target are not counted: E01 / 铜, E02 / 铝",
     "2 种产品的 4 条产量记录无 2022 年目标，未计入：E01 / 铜, E02 / 铝"),
    ("1 target(s) without any production in 2022 (progress 0): E05 / 钢材",
     "1 项目标 2022 年无产量记录（进度记为 0）：E05 / 钢材"),
    ("2 target(s) with no report for more than 7 days (last report in brackets): 一厂 (E1) / 铜 (2022-10-02)",
     "2 项目标超过 7 天无报送（括号内为最后报送日期）：一厂 (E1) / 铜 (2022-10-02)"),
    ("enterprises: 3 missing daily report(s) of 1 enterprise(s): flagged, not counted as zero",
     "重点企业：1 家企业缺报日报 3 次：已标出，未按零计"),
    ("no home-quarantine checks dated 2022-10-09", "2022-10-09 无居家隔离检查记录"),
    ("no home-quarantine checks dated 2022-10-09 or the 2 day(s) before",
     "2022-10-09（及此前 2 天）无居家隔离检查记录"),
    ("5 medical-waste collection(s) after the 10-09 08:00 cut-off are not counted",
     "5 次医疗废物收运晚于 10-09 08:00 截止时间，未计入"),
    ("2 site id(s) of medical_waste are not testing sites: T900, T901",
     "医疗废物记录中 2 个采样点编码不在采样点表中：T900, T901"),
    ("2 finding(s) rectified before the visit date: counted as closed, left out of the days to rectify",
     "2 条问题的整改日期早于检查日期：按已整改计，不计入整改用时"),
    ("1,204 price(s) in another unit than their baseline are not compared with it",
     "1,204 条价格的单位与基期价不同，未作比较"),
    ("no baseline for 1 commodity: 菠菜", "1 种商品无基期价：菠菜"),
    ("no baseline for 2 commodities: 菠菜, 猪肉", "2 种商品无基期价：菠菜, 猪肉"),
    ("no price reported for 2022-10-09", "2022-10-09 无价格上报"),
    ("6 commodity-market series priced the day before have no price on 2022-10-09",
     "前一日有价格的 6 个商品—市场组合 2022-10-09 无价格"),
    ("households of 3 communities estimated as population ÷ 2.62", "3 个社区的户数按常住人口 ÷ 2.62 估算"),
    ("no zone data for 2022-10-09: no area is watched", "2022-10-09 无风险区域数据：无关注区域"),
    ("1 watched area(s) are not communities of areas: no share", "1 个关注区域不是社区：不计比例"),
    ("7 delivery row(s) dated after the report date are not counted", "7 条配送记录晚于报告日期，未计入"),
    ("2 testing site(s) in no street are not counted in any capacity",
     "2 个采样点不在任何街道内，未计入采样能力"),
    ("no testing_sites: the capacity of the streets is not known",
     "无采样点数据（testing_sites）：各街道采样能力未知"),
    ("coverage: 4 testing site(s) declare a community their coordinates are not in: the declared one is kept",
     "核酸检测：4 个采样点所报社区与其坐标所在社区不符：按所报社区计"),
    ("projects: 3 milestone(s) of a project not in projects are not counted",
     "重大项目手续：3 项手续所属项目不在项目表中，未计入"),
    ("1 project(s) have no milestone", "1 个项目没有手续记录"),
    ("staffing: no staffing rows dated 2022-10-09", "一线人员在岗：2022-10-09 无在岗记录"),
    ("no testing round started on or before 2022-09-30", "2022-09-30 及以前没有已开始的检测轮次"),
    ("prices: no price-alert rule was given", "物价：未设置物价预警规则"),
    ("the figures of 2022-10-07 cannot be recomputed with its parameters (TypeError)",
     "2022-10-07 的数字无法按其当时的参数重新计算（TypeError）"),
    ("the analysis failed (KeyError: 'x'); see the testing_coverage report",
     "分析失败（KeyError: 'x'）；详见 testing_coverage 报告"),
    ("2 problems in the data pack:\n  [error] a.csv, row 3, column n: expected a number (found 'x')\n"
     "  [error] a.csv, row 4, column n: expected a number (found 'y')",
     "数据包中有 2 处问题：【错误】a.csv，第 3 行，列 n：应为数字（发现：x）；"
     "【错误】a.csv，第 4 行，列 n：应为数字（发现：y）"),
    ("rounds left out: no testing round started on or before 2022-09-30",
     "rounds 未读入：2022-09-30 及以前没有已开始的检测轮次"),
]


@pytest.mark.parametrize(("english", "chinese"), CASES)
def test_each_known_note_is_worded_in_chinese_and_kept_in_english(english, chinese):
    assert note_text(english, "zh") == chinese
    shown = note_text(english, "en")
    assert shown == english or ("(s)" in english and "(s)" not in shown)  # counted words agree


def test_an_english_note_counts_in_the_singular_or_the_plural():
    note = "enterprises: 3 missing daily report(s) of 1 enterprise(s): flagged, not counted as zero"
    assert note_text(note, "en") == ("enterprises: 3 missing daily reports of 1 enterprise: flagged, "
                                     "not counted as zero")
    assert note_text("1,200 price(s) in another unit", "en") == "1,200 prices in another unit"


def test_every_shape_has_a_case():
    import re

    for pattern, _ in NOTE_PATTERNS:
        assert any(re.search(pattern, english) for english, _ in CASES), pattern


def test_an_unknown_note_is_shown_as_it_is_and_the_box_is_masked():
    assert note_text("prices: something new happened", "zh") == "物价：something new happened"
    html = display.warnings_box(["enterprises: 3 missing daily report(s) of 1 enterprise(s): flagged, not "
                                 "counted as zero", "call 13812345678"], "zh").data
    assert "1 家企业缺报日报 3 次" in html and "13812345678" not in html and "[***]" in html


def test_a_data_problem_note_reads_in_chinese_on_a_chinese_page():
    from workbench.errors import Problem

    placed = Problem("sampling", "采样记录/", None, "area_id", "an area_id in every row",
                     "3 rows without area_id placed by their site's coordinates", "warning")
    assert note_text(str(placed)) == ("【提示】采样记录/，列 area_id：应为每行都有 area_id"
                                      "（发现：3 行无 area_id，已按采样点坐标落入区域）")
    dated = Problem("inspections", "督查.xlsx", 7, "date", "a date such as 2022-10-09", "yesterday", "error")
    assert note_text(str(dated)) == ("【错误】督查.xlsx，第 7 行，列 date："
                                     "应为日期，如 2022-10-09（发现：yesterday）")
    assert note_text(str(dated), "en") == str(dated)
    from workbench.intake.needs import REPORT_NEEDS, _absent_warning, _section_warning

    for needs in REPORT_NEEDS.values():  # every optional dataset's warning, absent or failed
        for optional in needs.optional:
            for failed in (False, True):
                worded = note_text(str(_absent_warning(optional, needs.report, failed)))
                assert not re.search(r"[a-z]{3,} [a-z]{3,}", worded.replace("workbench validate", "")), worded
        for section in needs.sections:  # every section's, one dataset or all, absent, failed or both
            names = list(section.datasets)
            cases = ((names[:1], set()), (names, set()), (names, set(names)), (names, {names[0]}))
            for lacking, failed in cases:
                worded = note_text(str(_section_warning(section, lacking, needs.report, failed)))
                assert not re.search(r"[a-z]{3,} [a-z]{3,}", worded.replace("workbench validate", "")), worded
    odd = Problem("x", "f.csv", None, None, "something new", "", "warning")
    assert note_text(str(odd)) == "【提示】f.csv：应为something new"  # an unknown one stays as written


def test_personal_identifier_warnings_read_in_chinese():
    from workbench.errors import Problem

    keys = Problem("sampling", "采样.csv", None, "person_key",
                   "a pseudonymous person_key (not an ID-card or phone number)",
                   "12 of the first 1,000 keys are shaped like ID-card numbers (not shown): "
                   "ask the department to export pseudonymous keys", "warning")
    assert note_text(str(keys)) == (
        "【提示】采样.csv，列 person_key：应为化名的 person_key（不是身份证号或手机号）"
        "（发现：前 1,000 个编号中有 12 个形如身份证号（不显示）：请部门改为导出化名编号）")
    refused = ("counts per area only, no personal identifiers (names, ID-card or phone numbers): "
               "a person-level file is refused")
    found = "2 values shaped like mobile numbers; the column was not loaded and its values are not shown"
    column = Problem("quarantine_checks", "居家.csv", 3, "联系", refused, found)
    assert "（发现：2 个值形如手机号；此列未读取，其值不显示）" in note_text(str(column))
