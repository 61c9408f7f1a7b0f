"""Data notes in the report's language: the English notes of the stages worded in Chinese.

The stages that find something to say about the data (loading, the domains, the brief's
history) write one English sentence each, with its numbers; a Chinese page shows it through
:func:`note_text`, which knows their shapes (:data:`NOTE_PATTERNS`). A note of a shape it does
not know is shown as it is, so nothing is ever hidden. A note may be prefixed by the domain it
is about (``enterprises: ...``, as the brief writes them): the prefix becomes the domain's name.
"""

from __future__ import annotations

import re

from workbench.present.i18n import label

#: (English shape, Chinese wording): the shapes of the notes the stages write.
NOTE_PATTERNS: tuple[tuple[str, str], ...] = (
    # brief: history, loading, revisions
    (r"(?P<date>\S+)/(?P<report>\S+)\.json is unreadable: passed over",
     "{date}/{report}.json 无法读取，已跳过"),
    (r"the (?P<report>\S+) run of (?P<date>\S+) failed: passed over", "{date} 的 {report} 运行失败，已跳过"),
    (r"(?P<date>\S+)/(?P<report>\S+)\.json has the wrong shape \((?P<problem>.*)\): passed over",
     "{date}/{report}.json 结构不符（{problem}），已跳过"),
    (r"left out of the brief, (?P<n>\d+) data problem\(s\): (?P<quoted>.*)",
     "未纳入简报，数据问题 {n} 处：{quoted}"),
    (r"published on (?P<date>\S+), cannot be recomputed now \((?P<reason>.*)\)",
     "{date} 已发布，现无法重新计算（{reason}）"),
    # domains
    (r"(?P<n>[\d,]+) checkpoint_daily row\(s\) dated after the report date are not shown",
     "{n} 条卡口日报晚于报告日期，未显示"),
    (r"no checkpoint reported for the day ending (?P<day>\S+) 08:00", "截至 {day} 8 时，无卡口报送数据"),
    (r"round (?P<round>\S+) starts after the report date", "轮次 {round} 晚于报告日期开始"),
    (r"(?P<n>[\d,]+) area id\(s\) with samples are not communities: (?P<ids>.*)",
     "{n} 个有采样记录的区域编码不是社区：{ids}"),
    (r"year (?P<year>\d+) is before the report date's year: figures stand at (?P<day>\S+)",
     "{year} 年早于报告日期所在年份：数字截至 {day}"),
    (r"no (?P<year>\d+) target for the enterprises in scope", "范围内企业无 {year} 年目标"),
    (r"(?P<n>[\d,]+) production row\(s\) of (?P<k>[\d,]+) product\(s\) without a (?P<year>\d+) target are "
     r"not counted: (?P<items>.*)", "{k} 种产品的 {n} 条产量记录无 {year} 年目标，未计入：{items}"),
    (r"(?P<n>[\d,]+) target\(s\) without any production in (?P<year>\d+) \(progress 0\): (?P<items>.*)",
     "{n} 项目标 {year} 年无产量记录（进度记为 0）：{items}"),
    (r"(?P<n>[\d,]+) missing daily report\(s\) of (?P<k>[\d,]+) enterprise\(s\): flagged, "
     r"not counted as zero",
     "{k} 家企业缺报日报 {n} 次：已标出，未按零计"),
    (r"no home-quarantine checks dated (?P<day>\S+)(?: or the (?P<k>\d+) day\(s\) before)?",
     "{day}（及此前 {k} 天）无居家隔离检查记录"),
    (r"(?P<n>[\d,]+) medical-waste collection\(s\) after the (?P<cutoff>.+?) cut-off are not counted",
     "{n} 次医疗废物收运晚于 {cutoff} 截止时间，未计入"),
    (r"(?P<n>[\d,]+) site id\(s\) of medical_waste are not testing sites: (?P<ids>.*)",
     "医疗废物记录中 {n} 个采样点编码不在采样点表中：{ids}"),
    (r"(?P<n>[\d,]+) finding\(s\) rectified before the visit date: counted as closed, left out of the days "
     r"to rectify", "{n} 条问题的整改日期早于检查日期：按已整改计，不计入整改用时"),
    (r"(?P<n>[\d,]+) price\(s\) in another unit than their baseline are not compared with it",
     "{n} 条价格的单位与基期价不同，未作比较"),
    (r"no baseline for (?P<n>\d+) commodit(?:y|ies): (?P<items>.*)", "{n} 种商品无基期价：{items}"),
    (r"no price reported for (?P<day>\S+)", "{day} 无价格上报"),
    (r"(?P<n>[\d,]+) commodity-market series priced the day before have no price on (?P<day>\S+)",
     "前一日有价格的 {n} 个商品—市场组合 {day} 无价格"),
    (r"households of (?P<n>\d+) communit(?:y|ies) estimated as population ÷ (?P<k>[\d.]+)",
     "{n} 个社区的户数按常住人口 ÷ {k} 估算"),
    (r"no zone data for (?P<day>\S+): no area is watched", "{day} 无风险区域数据：无关注区域"),
    (r"(?P<n>[\d,]+) watched area\(s\) are not communities of areas: no share",
     "{n} 个关注区域不是社区：不计比例"),
    (r"(?P<n>[\d,]+) delivery row\(s\) dated after the report date are not counted",
     "{n} 条配送记录晚于报告日期，未计入"),
)
_COMPILED = tuple((re.compile(pattern + r"\Z"), wording) for pattern, wording in NOTE_PATTERNS)
_DOMAIN_PREFIX = re.compile(r"(?P<domain>coverage|checkpoints|inspections|supply|prices|field_checks|"
                            r"enterprises): (?P<rest>.*)\Z", re.S)


def note_text(note: str, lang: str = "zh") -> str:
    """``note`` in ``lang``: worded in Chinese when its shape is known, else (and in English) as it is."""
    if lang != "zh":
        return note
    prefix, rest = "", note
    if match := _DOMAIN_PREFIX.match(note):
        prefix = label(f"brief_domain_{match['domain']}", lang) + "："
        rest = match["rest"]
    for pattern, wording in _COMPILED:
        if match := pattern.match(rest):
            values = {key: ("" if value is None else value) for key, value in match.groupdict().items()}
            text = wording.format(**values)
            return prefix + text.replace("（及此前  天）", "")
    return prefix + rest
