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
from workbench.present.problem_wording import problem_text

#: A count, up to two words, then a word written "word(s)" by the stages.
_COUNTED = re.compile(r"\b(\d[\d,]*)( (?:[\w-]+ ){0,2})(\w+)\(s\)")
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
    (r"(?P<n>[\d,]+) target\(s\) with no report for more than (?P<k>\d+) days \(last report in brackets\): "
     r"(?P<items>.*)", "{n} 项目标超过 {k} 天无报送（括号内为最后报送日期）：{items}"),
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
    (r"datasets not loaded: (?P<names>.+)", "未读入数据集：{names}"),
    (r"(?P<n>[\d,]+) delivery row\(s\) dated after the report date are not counted",
     "{n} 条配送记录晚于报告日期，未计入"),
    (r"(?P<n>[\d,]+) inspection\(s\) dated after the report date (?P<day>\S+) were ignored "
     r"\(earliest (?P<first>\S+)\)", "{n} 条督查记录晚于报告日期 {day}（最早 {first}），未计入"),
    (r"(?P<n>[\d,]+) enterprise request\(s\) raised after the report date (?P<day>\S+) are not counted",
     "{n} 条企业诉求晚于报告日期 {day} 提出，未计入"),
    (r"(?P<n>[\d,]+) testing site\(s\) in no street are not counted in any capacity",
     "{n} 个采样点不在任何街道内，未计入采样能力"),
    (r"no testing_sites: the capacity of the streets is not known",
     "无采样点数据（testing_sites）：各街道采样能力未知"),
    (r"(?P<n>[\d,]+) testing site\(s\) declare a community their coordinates are not in: the declared one is "
     r"kept", "{n} 个采样点所报社区与其坐标所在社区不符：按所报社区计"),
    (r"(?P<n>[\d,]+) milestone\(s\) of a project not in projects are not counted",
     "{n} 项手续所属项目不在项目表中，未计入"),
    (r"(?P<n>[\d,]+) project\(s\) have no milestone", "{n} 个项目没有手续记录"),
    (r"no staffing rows dated (?P<day>\S+)", "{day} 无在岗记录"),
    (r"no testing round started on or before (?P<day>\S+)", "{day} 及以前没有已开始的检测轮次"),
    # the brief's cards and comparisons, the explorer's datasets
    (r"no price-alert rule was given", "未设置物价预警规则"),
    (r"the figures of (?P<date>\S+) cannot be recomputed with its parameters \((?P<error>.*)\)",
     "{date} 的数字无法按其当时的参数重新计算（{error}）"),
    (r"the analysis failed \((?P<error>.*)\); see the (?P<report>\S+) report",
     "分析失败（{error}）；详见 {report} 报告"),
    (r"(?P<n>\d+) problems? in the data pack:\n(?P<problems>.*)", "数据包中有 {n} 处问题：{problems}"),
    (r"(?P<dataset>\S+) left out: (?P<reason>.*)", "{dataset} 未读入：{reason}"),
)
_COMPILED = tuple((re.compile(pattern + r"\Z", re.S), wording) for pattern, wording in NOTE_PATTERNS)
_DOMAIN_PREFIX = re.compile(r"(?P<domain>coverage|checkpoints|inspections|supply|prices|field_checks|"
                            r"enterprises|requests|projects|staffing): (?P<rest>.*)\Z", re.S)


#: A data problem as intake words it (:class:`workbench.errors.Problem`): where, what was expected,
#: what was found (repr of the value).
_PROBLEM_NOTE = re.compile(r"\[(?P<severity>warning|error)\] (?P<file>.+?)(?:, cell (?P<cell>[^,:]+))?"
                           r"(?:, row (?P<row>\d+))?(?:, column (?P<column>[^:]+))?"
                           r": expected (?P<expected>.+?)(?: \(found (?P<found>'.*'|\".*\")\))?\Z", re.S)
_SEVERITY_ZH = {"warning": "提示", "error": "错误"}


def problem_note(note: str) -> str | None:
    """A data problem's note (``[warning] file, column c: expected e (found 'f')``) in Chinese,
    None when it is not one. What was expected and found are worded by
    :func:`workbench.present.problem_wording.problem_text`."""
    match = _PROBLEM_NOTE.match(note)
    if match is None:
        return None
    where = match["file"]
    if match["cell"] or match["row"]:
        where += f"，单元格 {match['cell']}" if match["cell"] else f"，第 {match['row']} 行"
    where += f"，列 {match['column']}" if match["column"] else ""
    found = f"（发现：{problem_text(match['found'][1:-1])}）" if match["found"] else ""
    return f"【{_SEVERITY_ZH[match['severity']]}】{where}：应为{problem_text(match['expected'])}{found}"


_QUOTED_PROBLEMS = re.compile(r"; (?=\[(?:warning|error)\] )")


def _note_part(key: str, value: str | None) -> str:
    """One part of a note in Chinese: the problems it quotes worded one by one."""
    if value is None:
        return ""
    if key == "quoted":
        return "；".join(problem_note(part) or part for part in _QUOTED_PROBLEMS.split(value))
    if key == "problems":  # a DataError's lines, one problem each
        return "；".join(problem_note(line.strip()) or line.strip() for line in value.splitlines())
    if key == "reason":
        return note_text(value)
    return value


def note_text(note: str, lang: str = "zh") -> str:
    """``note`` in ``lang``: worded in Chinese when its shape is known, else as it is; in English
    with its counts' words in the singular or the plural (``1 enterprise(s)`` → ``1 enterprise``)."""
    if lang != "zh":
        return _COUNTED.sub(lambda m: m[1] + m[2] + m[3] + ("" if m[1] == "1" else "s"), note)
    if (worded := problem_note(note)) is not None:
        return worded
    prefix, rest = "", note
    if match := _DOMAIN_PREFIX.match(note):
        prefix = label(f"brief_domain_{match['domain']}", lang) + "："
        rest = match["rest"]
    return prefix + (_worded_in_chinese(rest) or rest)


def known_note(note: str) -> bool:
    """Whether :func:`note_text` words ``note`` in Chinese (its shape, past a domain's prefix, is known)."""
    match = _DOMAIN_PREFIX.match(note)
    return problem_note(note) is not None or _worded_in_chinese(match["rest"] if match else note) is not None


def _worded_in_chinese(note: str) -> str | None:
    """A note without a domain's prefix in Chinese, None when its shape is not known."""
    for pattern, wording in _COMPILED:
        if match := pattern.match(note):
            values = {key: _note_part(key, value) for key, value in match.groupdict().items()}
            return wording.format(**values).replace("（及此前  天）", " ")
    return None
