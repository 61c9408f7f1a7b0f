"""Labels in Chinese and English, and numbers formatted for each language."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import yaml

from workbench.errors import WorkbenchError

LANGUAGES = ("zh", "en")

LABELS_DIR = Path(__file__).with_name("labels")


@functools.cache
def all_labels() -> dict[str, dict[str, str]]:
    """Every label, merged from ``workbench/labels/*.yaml`` (one file per domain).

    Raises
    ------
    WorkbenchError
        When a key is defined in two files or lacks a language.
    """
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LABELS_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text("utf-8")) or {}).items():
            if key in merged:
                raise WorkbenchError(f"label {key!r} is defined twice (again in {path.name})")
            if set(texts) != set(LANGUAGES):
                raise WorkbenchError(f"label {key!r} in {path.name} needs exactly {LANGUAGES}")
            merged[key] = texts
    return merged


#: ``{n|finding|findings}``: the word for the count ``n`` (English labels; Chinese has no plural).
_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def label(key: str, lang: str = "zh", **values) -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``), with ``{placeholders}`` filled.

    ``{n|word|words}`` is the singular when ``n`` is 1 (or "1"), else the plural. An unknown key
    is returned as it is, so a missing translation shows rather than fails.
    """
    texts = all_labels().get(key)
    text = key if texts is None else texts["zh" if lang == "zh" else "en"]
    if not values:
        return text
    text = _PLURAL.sub(lambda m: m.group(2) if _is_one(values.get(m.group(1))) else m.group(3), text)
    return text.format(**values)


def _is_one(value) -> bool:
    return str(value).strip() in ("1", "1.0")


#: Units of the data in English: the contract's (t, 万吨, 元, 万元, 亿元) and those of price feeds
#: (元/斤); a unit is translated part by part around "/", a part not listed stays as it is.
UNITS_EN = {
    "吨": "t", "万吨": "×10⁴ t", "元": "yuan", "万元": "×10⁴ yuan", "亿元": "×10⁸ yuan",
    "斤": "jin", "公斤": "kg", "千克": "kg", "克": "g", "升": "L", "毫升": "mL",
    "个": "piece", "只": "piece", "件": "piece", "袋": "bag", "箱": "box", "盒": "box", "瓶": "bottle",
    "桶": "barrel", "份": "portion", "把": "bunch", "人": "person", "户": "household", "天": "day",
    "小时": "h",
}


def unit_text(unit, lang: str = "zh"):
    """A unit of the data as a page in ``lang`` shows it: as it is in zh; in en through :data:`UNITS_EN`.

    ``元/斤`` → ``yuan/jin``, ``万吨`` → ``×10⁴ t`` (after a number: "8 ×10⁴ t"); anything but
    text is returned unchanged.
    """
    if lang == "zh" or not isinstance(unit, str):
        return unit
    return "/".join(UNITS_EN.get(part.strip(), part) for part in unit.split("/"))


def format_count(value, lang: str = "zh", compact: bool = False) -> str:
    """An integer with thousands separators; ``compact`` uses 万/亿 (zh) or k/M (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    number = float(value)
    if compact:
        if lang == "zh":
            for size, unit in ((1e8, "亿"), (1e4, "万")):
                if abs(number) >= size:
                    return f"{number / size:,.2f}".rstrip("0").rstrip(".") + unit
        else:
            for size, unit in ((1e6, "M"), (1e3, "k")):
                if abs(number) >= size:
                    return f"{number / size:,.1f}".rstrip("0").rstrip(".") + unit
    return f"{round(number):,}"


def format_share(value, digits: int = 1) -> str:
    """A share (0.953) as a percentage ("95.3%"); missing values as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * float(value):.{digits}f}%"


def format_rate(numerator, denominator, lang: str = "zh", digits: int = 1) -> str:
    """A rate with its numerator and denominator: ``95.3% (2,345 / 2,461)``."""
    share = numerator / denominator if denominator else float("nan")
    counts = f"{format_count(numerator, lang)} / {format_count(denominator, lang)}"
    return f"{format_share(share, digits)} ({counts})"
