"""The one privacy filter: personal identifiers in data text never reach an output.

Every path by which text from data reaches a report, a download, a JSON record, a warning or
an error message passes through :func:`mask_personal` (whole text), :func:`mask_values`
(every text inside a JSON-like value) or :func:`sample_of` (a short, masked sample of a bad
cell, for error messages). Downloads also pass through :func:`spreadsheet_safe`, so that no
cell is read as a formula by Excel or WPS.

Masked: mainland mobile numbers in every common spelling (``13912345678``,
``+86 139 1234 5678``, ``139-1234-5678``, ``0086-13912345678``), resident ID-card numbers
(18 digits, the last may be ``X``; the older 15-digit form; digits grouped by spaces or
dashes, 6-8-4 or 6-4-4-4) and landlines with an area code (``0472-1234567``). The mask keeps
the text readable (``[***]``) and never keeps part of the number. Dates, times, counts,
amounts and ids such as ``S01C002`` or ``T082`` are left as they are.

Names in free text (``负责人王小明未到岗``) cannot be found in general; two shapes that say a
name is there are masked too (:data:`NAME_AFTER_ROLE`, :data:`NAME_BEFORE_PHONE`): a common
surname and one or two characters right after a role word (负责人, 联系人, 店主, 户主...) and
followed by punctuation, the end or a verb such as 未/不/在, and the same right before a
phone number. ``负责人王小明(电话[***])未到岗`` reads ``负责人[***](电话[***])未到岗``; a
place or shop name before a phone (``华联超市电话``) is left as it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

MASK = "[***]"
_SEP = r"[ \-\u00a0]?"
#: Digits after a decimal point (``40.558796198136590``, a map's coordinate) are never one.
#: A mainland mobile number: optional +86 / 0086 prefix, 1[3-9] then nine digits, in groups.
MOBILE = re.compile(
    r"(?<![\d])(?<!\d\.)(?:(?:\+|00)?86" + _SEP + r")?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}(?![\d])"
)
#: A mobile number in dotted groups (139.1234.5678); a decimal (139.12345678) has one dot only.
DOTTED_MOBILE = re.compile(r"(?<![\d.])1[3-9]\d\.\d{4}\.\d{4}(?![\d.])")
#: A resident ID-card number: 18 characters (6 + 8 + 3 + check digit or X, optionally grouped
#: 6-8-4 or 6-4-4-4) or 15 digits (optionally grouped 6-6-3).
ID_CARD = re.compile(
    r"(?<![\dXx])(?<!\d\.)(?:"
    r"\d{6}" + _SEP + r"\d{8}" + _SEP + r"\d{3}[\dXx]"
    r"|\d{6}" + _SEP + r"\d{4}" + _SEP + r"\d{4}" + _SEP + r"\d{3}[\dXx]"
    r"|\d{6}" + _SEP + r"\d{6}" + _SEP + r"\d{3}"
    r")(?![\dXx])"
)
#: A landline with area code (0472-1234567, 0472 12345678).
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[ \-]\d{7,8}(?!\d)")
_PATTERNS = (ID_CARD, MOBILE, DOTTED_MOBILE, LANDLINE)
#: Whether any of them matches anywhere: one pass instead of three, and the lookahead lets the
#: regex engine skip to the next digit or ``+`` (a map page of 2.5 MB: 0.16 s against 0.85 s).
#: Texts it finds nothing in, nearly all, are returned as they are.
_ANY = re.compile(r"(?=[\d+])(?:" + "|".join(f"(?:{p.pattern})" for p in _PATTERNS) + ")")
#: Words after which a name follows in inspection and request texts.
_ROLES = ("负责人|联系人|责任人|值班人员|值班人|值守人员|店主|店长|老板|业主|户主|房东|经理|站长|组长|队长|"
          "主任|书记|网格员|楼长|居民|患者|姓名|签字人|检查人|填报人|登记人|填表人|采样员|保洁员|收运员|"
          "管理员|志愿者|司机|医生|护士|保安|联系")
#: Common surnames (the compound ones first), from the most frequent Chinese family names.
_SURNAMES = ("(?:欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|"
             "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
             "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
             "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
             "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄"
             "丛仲虞敖巩佘池查麻苑迟邝])")
_GIVEN = "[\u4e00-\u9fff]{1,2}"
#: Words that open with a surname's character and often follow a role word: not names.
_NOT_NAMES = ("(?!安排|应当|全部|全面|全程|明确|高度|马上|严格|严重|管理|单位|成立|成员|查看|解决|连续|方面|"
              "关于|常态|时间|文件|车辆|项目|商户|尚未|包括|温度|施工|齐全|路口|向上|边界|席位)")
#: A name right after a role word, ended by a non-Han character, the end, or a verb.
NAME_AFTER_ROLE = re.compile(
    f"({_ROLES})([:：为是 ]{{0,2}})({_NOT_NAMES}{_SURNAMES}{_GIVEN})"
    "(?=[^\u4e00-\u9fff]|$|[未不在已没称说拒擅])"
)
#: A name right before a phone number (masked or not), the text before it not Han.
NAME_BEFORE_PHONE = re.compile(
    f"(?<![\u4e00-\u9fff])({_SURNAMES}{_GIVEN})"
    r"(?=[（(]?(?:联系电话|联系方式|电话|手机|tel|Tel|TEL)?[:：]?\s*(?:\[\*\*\*\]|\+?\d{7}))"
)
_NAME_HINT = re.compile(f"{_ROLES}|电话|手机|\\[\\*\\*\\*\\]")
#: First characters a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


#: Full-width digits and signs (１３９…, typed with a Chinese input method) read as ASCII ones.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９＋－　", "0123456789+- ")


def _half_width(text: str) -> str:
    return text if text.isascii() else text.translate(_HALF_WIDTH)


def mask_personal(value) -> str:
    """``value`` as text with phone and ID-card numbers replaced by ``[***]`` ("" for missing).

    Full-width digits are read as ASCII ones, so ``１３９１２３４５６７８`` is masked too; the rest
    of the text keeps its own characters (``T０1`` stays ``T０1``).
    """
    if _missing(value):
        return ""
    original = str(value)
    half = _half_width(original)
    if _ANY.search(half):
        for pattern in _PATTERNS:
            half, original = _aligned_sub(pattern, lambda m: MASK, half, original)
    if half.isascii() or not _NAME_HINT.search(half):
        return original
    half, original = _aligned_sub(NAME_AFTER_ROLE, lambda m: m[1] + m[2] + MASK, half, original)
    return _aligned_sub(NAME_BEFORE_PHONE, lambda m: MASK, half, original)[1]


def _aligned_sub(pattern: re.Pattern, replace, half: str, original: str) -> tuple[str, str]:
    """``pattern`` matched in ``half`` (``original`` with half-width digits: the same length, so
    the same places) and each match replaced in both."""
    halves, originals, last = [], [], 0
    for match in pattern.finditer(half):
        new = replace(match)
        halves += [half[last : match.start()], new]
        originals += [original[last : match.start()], new]
        last = match.end()
    if not halves:
        return half, original
    return "".join(halves) + half[last:], "".join(originals) + original[last:]


def has_personal(value) -> bool:
    """Whether ``value`` holds a phone or ID-card number in any spelling this module masks."""
    return not _missing(value) and _ANY.search(_half_width(str(value))) is not None


def sample_of(value, width: int = 40) -> str:
    """A short masked sample of a bad cell for an error message (never the whole free text)."""
    text = mask_personal(value).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


#: What a problem shows instead of a bad cell that holds a phone or ID-card number.
HIDDEN_CELL = "(a value holding a phone or ID-card number: not shown)"


def cell_sample(value, width: int = 40) -> str:
    """What an error message shows of a bad cell: a short sample, or nothing of a personal one.

    A cell that holds a phone or ID-card number is not sampled at all: the text beside the
    number is most often the person's name (``张伟 13912345678`` in a yes/no column).
    """
    return HIDDEN_CELL if has_personal(value) else sample_of(value, width)


def mask_values(value):
    """``value`` (JSON-like: mappings, lists, text, numbers) with every text masked.

    Keys, numbers, booleans and None are kept as they are; mappings and lists are copied.
    """
    if isinstance(value, str):
        return mask_personal(value)
    if isinstance(value, Mapping):
        return {key: mask_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_values(item) for item in value]
    return value


def neutralise_formula(value):
    """A spreadsheet cell that cannot run as a formula: text starting with ``= + - @ TAB CR`` gets a ``'``.

    Only text is changed; numbers (negative ones too) and text that is a plain number
    (``-3``, ``+1.5``) stay as they are, so they still sort and sum in a spreadsheet.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_safe(value):
    """A download's cell: text masked (:func:`mask_personal`), then :func:`neutralise_formula`."""
    if not isinstance(value, str):
        return value
    return neutralise_formula(mask_personal(value))
