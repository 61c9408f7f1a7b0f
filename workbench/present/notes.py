"""Data notes in the report's language: the English notes of the stages worded in Chinese.

The stages that find something to say about the data (loading, the domains, the brief's
history) write one English sentence each, with its numbers; a Chinese page shows it through
:func:`note_text`, which knows their shapes (:data:`NOTE_PATTERNS`). A note of a shape it does
not know is shown as it is, so nothing is ever hidden. A note may be prefixed by the domain it
is about (``enterprises: ...``, as the brief writes them): the prefix becomes the domain's name.
"""

from __future__ import annotations

import re

from workbench.intake.setaside import SET_ASIDE
from workbench.present.i18n import label

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
)
_COMPILED = tuple((re.compile(pattern + r"\Z"), wording) for pattern, wording in NOTE_PATTERNS)
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
    None when it is not one. What was expected and found are worded by :func:`problem_text`."""
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
    for pattern, wording in _COMPILED:
        if match := pattern.match(rest):
            values = {key: _note_part(key, value) for key, value in match.groupdict().items()}
            text = wording.format(**values)
            return prefix + text.replace("（及此前  天）", "")
    return prefix + rest


#: (English shape, Chinese wording): what intake expected of a value, and what it found, as the
#: data-quality page shows them (:func:`problem_text`). Values from the file stay as they are.
PROBLEM_PATTERNS: tuple[tuple[str, str], ...] = (
    # what a value should have looked like (parsing, the contract's checks)
    (r"yes or no \(true/false, 1/0, 是/否, Y/N, yes/no, √/×, 合格/不合格\)",
     "是或否（true/false、1/0、是/否、Y/N、yes/no、√/×、合格/不合格）"),
    (r"yes or no \(true/false, 1/0, 是/否, Y/N, yes/no, √/×, 合格/不合格\) \(read as unknown "
     r"and the row kept: another item of it is false, so it failed anyway\)",
     "是或否（true/false、1/0、是/否、Y/N、yes/no、√/×、合格/不合格）"
     "（读作未知，该行保留：其另一项为否，无论如何均不合格）"),
    (r"a whole number \(below 10\^12\)", "整数（小于 10^12）"),
    (r"a whole number", "整数"),
    (r"a number", "数字"),
    (r"a date with the year first, such as 2022-10-09 \(is 09/10/2022 the 9th of October or the 10th "
     r"of September\?\)", "年份在前的日期，如 2022-10-09（09/10/2022 是 10 月 9 日还是 9 月 10 日？）"),
    (r"a date and time such as (?P<example>.+)", "日期和时间，如 {example}"),
    (r"a date such as (?P<example>.+)", "日期，如 {example}"),
    (r"a geometry \(WKT text or a geo file\)", "几何图形（WKT 文本或地理文件）"),
    (r"a Polygon or MultiPolygon geometry", "面状几何图形（多边形或多个多边形）"),
    (r"a number greater than 0", "大于 0 的数字"),
    (r"a number of 0 or more", "不小于 0 的数字"),
    (r"a longitude in China between (?P<low>\S+) and (?P<high>\S+)", "中国境内的经度，{low} 至 {high}"),
    (r"a latitude in China between (?P<low>\S+) and (?P<high>\S+)", "中国境内的纬度，{low} 至 {high}"),
    (r"one of: (?P<values>.+)", "以下之一：{values}"),
    (r"a value \(the column may not be empty\)", "有值（此列不能为空）"),
    (r"a unique (?P<column>\S+) \(this value occurs in other rows too\)",
     "唯一的 {column}（此值在其他行也出现）"),
    (r"one row per (?P<columns>.+) \(these rows were added together\)",
     "每个 {columns} 只有一行（这些行已相加）"),
    (r"one row per (?P<columns>.+)", "每个 {columns} 只有一行"),
    (r"the column to exist", "此列存在"),
    (r"values of type (?P<type>.+)", "{type} 类型的值"),
    (r"a column '(?P<column>[^']+)' \(renamed from (?P<sources>.+) in catalog\.yaml\)",
     "列 {column}（在 catalog.yaml 中由 {sources} 改名）"),
    (r"a column '(?P<column>[^']+)'", "列 {column}"),
    (r"plain identifiers and numbers \(full-width characters, stray blanks: normalised\)",
     "规范的编码和数字（全角字符、多余空格：已规范化）"),
    # rows and references
    (r"an id listed in (?P<reference>\S+) \((?P<file>.+)\)", "{reference} 中已有的编码（{file}）"),
    (r"an id listed in (?P<reference>\S+)", "{reference} 中已有的编码"),
    (r"each row in one file only \(this one was kept once and this copy set aside\)",
     "每行只在一个文件中出现（已保留一份，此重复行已剔除）"),
    (r"each row in one file only", "每行只在一个文件中出现"),
    (r"each row once \(this copy was set aside and the first kept\)",
     "每行只出现一次（已保留第一行，此重复行已剔除）"),
    (r"data rows only, no total rows", "只有数据行，没有合计行"),
    (r"rows of data", "有数据行"),
    (r"a date, or nothing while there is none yet", "日期，尚无时留空"),
    (r"(?P<n>[\d,]+) value\(s\) read without their count word, e\.g\. (?P<before>\".*\") as (?P<after>\S+)",
     "{n} 个值去掉量词读取，如 {before} 读作 {after}"),
    (r"(?P<n>[\d,]+) value\(s\) read as empty: (?P<values>.+)", "{n} 个值按空白读取：{values}"),
    (r"one value per cell \(a cell merged down rows was read for each row it spans\)",
     "每格一个值（向下合并的单元格已按其所跨的每一行读取）"),
    (r"(?P<n>[\d,]+) merged range\(s\) read for each of their rows: (?P<ranges>.+)",
     "{n} 个合并单元格区域已按每一行读取：{ranges}"),
    (r"the sheets to read named in catalog\.yaml \(sheet: a name, a list, or a pattern such as 10月\*\)",
     "在 catalog.yaml 中写明要读取的工作表（sheet：表名、列表或 10月* 这样的模式）"),
    (r"the first sheet \((?P<sheet>.+?)\) read; (?P<n>[\d,]+) other sheet\(s\) not read: (?P<sheets>.+)",
     "只读取了第一个工作表（{sheet}）；另有 {n} 个工作表未读取：{sheets}"),
    (r"a header row and data in every sheet read", "读取的每个工作表都有表头和数据"),
    (r"(?P<n>[\d,]+) empty sheet\(s\) passed over: (?P<sheets>.+)", "跳过 {n} 个空工作表：{sheets}"),
    (r"a sheet matching '(?P<pattern>.+)'", "与 {pattern} 匹配的工作表"),
    (r"(?P<n>\d+) sheets named", "指定了 {n} 个工作表"),
    (r"no rows: the file has a header only", "没有数据行：文件只有表头"),
    (r"no rows in any file", "所有文件都没有数据行"),
    (r"data rows only, no notes below them", "只有数据行，表格下方没有备注"),
    (r"the area_id of a street in areas \(a community's parent\)",
     "areas 中某个街道的 area_id（社区的上级）"),
    (r"an area_id in every row", "每行都有 area_id"),
    (r"a unit convertible to the target's \(t and 万吨, or 元, 万元 and 亿元\)",
     "可与目标单位换算的单位（t 与 万吨，或 元、万元 与 亿元）"),
    (r"counts per area only, no personal identifiers \(names, ID-card or phone numbers\): a person-level "
     r"file is refused",
     "只接受按区域汇总的数量，不含个人身份信息（姓名、身份证号、手机号）：个人明细文件不予读取"),
    (r"a pseudonymous person_key \(not an ID-card or phone number\)",
     "化名的 person_key（不是身份证号或手机号）"),
    (r"no personal identifiers besides the pseudonymous person_key",
     "除化名的 person_key 外不含个人身份信息"),
    # files and the catalog
    (r"an existing file", "存在的文件"),
    (r"a path inside the pack folder", "数据包文件夹内的路径"),
    (r"a file path", "文件路径"),
    (r"a file of a known format \((?P<formats>.+)\)", "已知格式的文件（{formats}）"),
    (r"keys among (?P<keys>.+)", "以下键之一：{keys}"),
    (r"a mapping source: name", "“源列名: 标准列名”的映射"),
    (r"a pack the workbench can read", "工作台能读取的数据包"),
    (r"a dataset listed in catalog\.yaml", "catalog.yaml 中列出的数据集"),
    (r"a dataset of the contract", "数据约定中的数据集"),
    (r"no report reads it: did you mean (?P<dataset>\S+)\?", "没有报告读取它：是否应为 {dataset}？"),
    (r"no report reads it", "没有报告读取它"),
    (r"dataset '(?P<dataset>[^']+)' in catalog\.yaml \((?P<name>\S+) refers to it\)",
     "catalog.yaml 中的数据集 {dataset}（{name} 引用了它）"),
    (r"dataset '(?P<dataset>[^']+)' for (?P<section>.+)", "数据集 {dataset}（用于{section}）"),
    (r"datasets (?P<datasets>.+) for (?P<section>the .+ section)", "数据集 {datasets}（用于{section}）"),
    (r"(?P<datasets>\S+(?:, \S+)+) "
     r"(?P<why>have errors \(see workbench validate\)|are not in catalog\.yaml(?: or have errors)?): "
     r"(?P<section>.+) not shown in (?P<report>\S+)", "{datasets} {why}：{section}不显示（{report}）"),
    (r"(?P<dataset>\S+) (?P<why>has errors \(see workbench validate\)|is not in catalog\.yaml): "
     r"(?P<section>.+) (?P<shown>left empty|not shown) in (?P<report>\S+)",
     "{dataset} {why}：{section}{shown}（{report}）"),
    (r"text in UTF-8 or GB18030 \(or declare its encoding in catalog\.yaml\)",
     "UTF-8 或 GB18030 编码的文本（或在 catalog.yaml 中声明其编码）"),
    (r"text in the declared encoding (?P<encoding>\S+)", "所声明编码 {encoding} 的文本"),
    (r"the same columns as (?P<file>.+) \(one dataset, many files\)",
     "与 {file} 相同的列（一个数据集的多个文件）"),
    (r"header_row as a line number from 1 \(CSV or XLSX only\)",
     "header_row 为从 1 起的行号（仅 CSV 或 XLSX）"),
    (r"datum wgs84, gcj02, bd09 or an EPSG code such as EPSG:4490",
     "坐标系 wgs84、gcj02、bd09 或 EPSG 代码（如 EPSG:4490）"),
    # what was found, in intake's words
    (r"\.\.\. and (?P<n>[\d,]+) more rows", "……另有 {n} 行"),
    (r"columns: (?P<columns>.*)", "现有列：{columns}"),
    (r"same row as (?P<file>.+) row (?P<row>\d+)", "与 {file} 第 {row} 行相同"),
    (r"(?P<value>.+) \((?P<code>\S+) is listed: leading zeros lost\?\)",
     "{value}（名录中有 {code}：前导零丢失？）"),
    (r"(?P<n>[\d,]+) value\(s\) normalised, e\.g\. (?P<before>\".*\") read as blank",
     "{n} 个值已规范化，如 {before} 读作空白"),
    (r"(?P<n>[\d,]+) value\(s\) normalised, e\.g\. (?P<before>\".*\") read as (?P<after>\".*\")",
     "{n} 个值已规范化，如 {before} 读作 {after}"),
    (r"(?P<n>[\d,]+) value\(s\) normalised", "{n} 个值已规范化"),
    (r"(?P<n>[\d,]+) total/subtotal row\(s\) set aside \(line (?P<lines>.+)\)",
     "剔除合计/小计行 {n} 行（第 {lines} 行）"),
    (r"total/subtotal row\(s\) set aside \(line (?P<lines>.+)\)", "剔除的合计/小计行（第 {lines} 行）"),
    (r"(?P<n>[\d,]+) note row\(s\) below the table set aside \(line (?P<lines>.+)\)",
     "剔除表格下方的备注行 {n} 行（第 {lines} 行）"),
    (r"(?P<n>[\d,]+) header row\(s\) repeated in the file set aside \(line (?P<lines>.+)\)",
     "剔除文件中重复的表头行 {n} 行（第 {lines} 行）"),
    (r"header row\(s\) repeated in the file set aside \(line (?P<lines>.+)\)",
     "剔除的文件中重复的表头行（第 {lines} 行）"),
    (r"data rows only, the header once \(were files joined into one\?\)",
     "只有数据行，表头只出现一次（是否把几个文件拼成了一个？）"),
    (r"note row\(s\) below the table set aside \(line (?P<lines>.+)\)",
     "剔除的表格下方备注行（第 {lines} 行）"),
    (r"(?P<n>[\d,]+) rows? without area_id placed by their (?P<by>coordinates|site's coordinates)",
     "{n} 行无 area_id，已按{by}落入区域"),
    (r"(?P<n>[\d,]+) rows? set aside: no area_id, and their site is unknown or in no area",
     "剔除 {n} 行：无 area_id，且其采样点未知或不在任何区域内"),
    (r"(?P<n>[\d,]+) rows? set aside: no area_id, and no testing_sites to place them by",
     "剔除 {n} 行：无 area_id，且没有采样点数据（testing_sites）可据以落入区域"),
    (r"no file (?P<file>.+)", "没有文件 {file}"),
    (r"none found", "未找到"),
    (r"(?P<what>.+); the column was not loaded and its values are not shown",
     "{what}；此列未读取，其值不显示"),
    (r"(?P<n>[\d,]+) values? shaped like (?P<kind>ID-card numbers|mobile numbers)",
     "{n} 个值形如{kind}"),
    (r"its name announces personal identifiers", "列名表明含个人身份信息"),
    (r"(?P<n>[\d,]+) of the first (?P<k>[\d,]+) keys are shaped like "
     r"(?P<kind>ID-card numbers|mobile numbers) \(not shown\): "
     r"ask the department to export pseudonymous keys",
     "前 {k} 个编号中有 {n} 个形如{kind}（不显示）：请部门改为导出化名编号"),
    (r"columns (?P<columns>.+) announce personal identifiers \(not read\): ask the department to export the "
     r"contract's columns only", "列 {columns} 表明含个人身份信息（未读取）：请部门只导出约定的列"),
)
_PROBLEMS = tuple((re.compile(pattern + r"\Z", re.S), wording) for pattern, wording in PROBLEM_PATTERNS)
#: How a problem whose row was set aside ends, in Chinese (intake's words: :data:`SET_ASIDE`).
_SET_ASIDE_ZH = "（该行已剔除，报告使用其余各行）"
_PROBLEM_WORDS = {"coordinates": "坐标", "site's coordinates": "采样点坐标", "ID-card numbers": "身份证号",
                  "mobile numbers": "手机号",
                  "has errors (see workbench validate)": "有错误（见 workbench validate）",
                  "is not in catalog.yaml": "不在 catalog.yaml 中", "left empty": "留空",
                  "not shown": "不显示",
                  "have errors (see workbench validate)": "有错误（见 workbench validate）",
                  "are not in catalog.yaml": "不在 catalog.yaml 中",
                  "are not in catalog.yaml or have errors": "不在 catalog.yaml 中或有错误",
                  # the sections an optional dataset feeds (workbench.intake.needs)
                  "the sealed/controlled/prevention status of areas": "区域的封控、管控、防范状态",
                  "the administrative boundaries drawn on the maps": "地图上的行政区划边界",
                  "the streets outlined on the map": "地图上的街道轮廓",
                  "the site-load and capacity sections": "采样点负荷与采样能力部分",
                  "the 'eight in place' checks of enterprises": "企业“八个到位”检查",
                  "the enterprise requests section": "企业诉求部分",
                  "the front-line staffing section": "一线人员在岗部分",
                  "the checkpoints' names in the staffing section": "人员在岗部分中的卡口名称",
                  "the home-quarantine section": "居家隔离检查部分",
                  "the medical-waste section": "医疗废物收运部分",
                  "the supply section": "保供配送部分", "the price section": "物价部分",
                  "the annual-target section": "年度目标部分"}


#: Parts of a problem's text that are names of the pack (datasets, columns, files, values): code.
CODE_PARTS = frozenset({"reference", "file", "column", "columns", "dataset", "datasets", "sources",
                        "encoding", "name", "keys", "formats", "type", "values"})


def problem_words(text: str, lang: str = "zh") -> tuple[str, dict[str, str]] | None:
    """A problem's text of a known shape as (wording in ``lang`` with ``{placeholders}``, their values).

    None when the shape is not known (or the language is English: intake writes English).
    """
    if lang != "zh":
        return None
    rest, suffix = text, ""
    if text.endswith(SET_ASIDE):
        rest, suffix = text.removesuffix(SET_ASIDE), _SET_ASIDE_ZH
    for pattern, wording in _PROBLEMS:
        if match := pattern.match(rest):
            values = {key: _problem_part(key, value) for key, value in match.groupdict().items()}
            return wording + suffix.replace("{", "{{").replace("}", "}}"), values
    return None


def _problem_part(key: str, value: str | None) -> str | None:
    """One part of a problem's text in Chinese: a nested problem worded, a list of columns with 、."""
    if key == "what" and value:
        return problem_text(value)
    if key == "columns" and value:
        return value.replace(" and ", "、").replace(", ", "、")
    return _PROBLEM_WORDS.get(value, value)


def known_problem_text(text: str, lang: str = "zh") -> str | None:
    """A problem's expected or found text in ``lang`` when its shape is known (in en: as it is), else None."""
    if lang != "zh":
        return text
    words = problem_words(text, lang)
    return None if words is None else words[0].format(**words[1])


def problem_text(text: str, lang: str = "zh") -> str:
    """A problem's text in ``lang``: worded in Chinese when its shape is known, else as it is."""
    return known_problem_text(text, lang) or text
