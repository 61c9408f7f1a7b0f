"""A data problem's texts in the report's language: what intake expected of a value, and what it found.

Intake writes each :class:`workbench.errors.Problem` in English; the data-quality page and the
problem notes show its texts through :func:`problem_text`, which knows their shapes
(:data:`PROBLEM_PATTERNS`). A text of a shape it does not know is shown as it is. Every shape
intake writes has a wording: ``tests/test_notes_worded.py`` reads the package to make sure.
"""

from __future__ import annotations

import re

from workbench.intake.setaside import SET_ASIDE

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
    (r"a date and time", "日期和时间"),
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
    (r"a data pack folder", "数据包文件夹"),
    (r"a catalog\.yaml in (?P<folder>.+)", "{folder} 中的 catalog.yaml"),
    (r"a UTF-8 text file", "UTF-8 编码的文本文件"),
    (r"valid YAML", "有效的 YAML"),
    (r"a mapping with name, datasets, \.\.\.", "含 name、datasets 等键的映射"),
    (r"a non-empty 'datasets:' mapping", "非空的 datasets: 映射"),
    (r"the pack's name in that language, as text", "该语言的数据包名称（文本）"),
    (r"an IANA time zone such as Asia/Shanghai", "IANA 时区名，如 Asia/Shanghai"),
    (r"report_date as YYYY-MM-DD", "report_date 写作 YYYY-MM-DD"),
    (r"a report among (?P<reports>.+)", "以下报告之一：{reports}"),
    (r"engine duckdb or dask", "engine 为 duckdb 或 dask"),
    (r"scheduler local, client or an address such as tcp://host:8786",
     "scheduler 为 local、client 或 tcp://host:8786 这样的地址"),
    (r"staging: a folder inside the pack \(on storage the workers read\)",
     "staging：数据包内的文件夹（位于各 worker 都能读取的存储上）"),
    (r"(?P<key>\S+) only with engine: dask", "{key} 仅用于 engine: dask"),
    (r"engine: dask on a person-level dataset \((?P<datasets>.+)\)",
     "仅对个人明细数据集使用 engine: dask（{datasets}）"),
    (r"a readable (?P<format>\S+) file", "可读取的 {format} 文件"),
    (r"a (?P<suffix>\.\w+) file beside (?P<file>.+) \(a shapefile is \.shp \+ \.shx \+ \.dbf\)",
     "{file} 旁的 {suffix} 文件（shapefile 由 .shp、.shx、.dbf 三个文件组成）"),
    (r"a known text encoding", "已知的文本编码"),
    (r"a file with a header row and data", "有表头和数据的文件"),
    (r"a header row naming the columns", "写有列名的表头行"),
    (r"each column name once \(after renames\)", "每个列名只出现一次（改名之后）"),
    (r"a sheet number (?P<n>\d+) \(0 is the first\)", "序号为 {n} 的工作表（0 为第一个）"),
    (r"a sheet named '(?P<sheet>.+)'", "名为 {sheet} 的工作表"),
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
    (r"dataset '(?P<dataset>[^']+)' in catalog\.yaml \(the (?P<report>\S+) report needs it\)",
     "catalog.yaml 中的数据集 {dataset}（{report} 报告需要它）"),
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
    (r"no folder (?P<folder>.+)", "没有文件夹 {folder}"),
    (r"no such file", "没有此文件"),
    (r"file is empty", "文件为空"),
    (r"not listed", "未列出"),
    (r"not listed: (?P<datasets>.+)", "未列出：{datasets}"),
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
                        "encoding", "name", "keys", "formats", "type", "values", "folder", "reports",
                        "key", "format", "sheet", "suffix", "report"})


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
