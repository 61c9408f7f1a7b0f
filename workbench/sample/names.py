"""Synthetic but plausible Chinese names for streets, communities, sites and places."""

from __future__ import annotations

import itertools

import numpy as np

#: The five streets of the district-scale sample, from north to south.
DISTRICT_STREETS = ("稀土路街道", "希望园区", "黄河大街街道", "万水泉镇", "滨河新区")

_STREET_STEMS = (
    "阿尔丁", "钢铁", "友谊", "团结", "民主", "和平", "白云", "幸福", "青年", "少先",
    "林荫", "昆河", "沼潭", "乌兰", "前进", "胜利", "兴胜", "哈林格尔", "麻池", "哈业胡同",
    "站北", "银河", "富强", "先锋", "呼得木林", "新都市", "黄河", "环城", "南海", "北梁",
    "东兴", "西脑包", "自由", "巴彦塔拉", "河东", "铁西", "九原", "赛汗", "万青", "阿嘎如泰",
)

_PLACE_STEMS = (
    "阳光", "幸福", "和平", "友谊", "青年", "民主", "团结", "富强", "锦绣", "瑞丰",
    "金辉", "华发", "钢铁", "少先", "白云", "黄河", "阿尔丁", "稀土", "曙光", "康乐",
    "北辰", "振华", "翠苑", "丽景", "怡园", "昆河", "万青", "百合", "紫云", "银河",
    "春晖", "明珠", "嘉和", "恒大", "凯旋", "御景", "滨河", "希望", "新星", "绿都",
    "天骄", "鹿城", "草原", "敕勒", "景苑",
)
_COMMUNITY_SUFFIXES = (
    "花园", "家园", "新村", "嘉园", "雅苑", "里", "名苑", "新城", "佳苑",
    "华府", "丽都", "东区", "西区", "南区", "北区", "一村", "二村", "三村", "庭院",
    "豪庭", "公寓", "锦园", "尚城", "首府", "水岸", "欣苑", "悦府", "和园", "学府",
    "春城", "绿洲", "康城", "美居", "晶座",
)


def street_names(count: int) -> list[str]:
    """Return ``count`` distinct street names, the district's five first."""
    names = list(DISTRICT_STREETS)
    names += [f"{stem}街道" for stem in _STREET_STEMS]
    if count > len(names):
        raise ValueError(f"at most {len(names)} street names are available, not {count}")
    return names[:count]


def community_names(count: int, rng: np.random.Generator) -> list[str]:
    """Return ``count`` distinct community names such as ``阳光花园社区``."""
    combos = [a + b for a, b in itertools.product(_PLACE_STEMS, _COMMUNITY_SUFFIXES)]
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} community names are available, not {count}")
    chosen = rng.choice(len(combos), size=count, replace=False)
    return [f"{combos[i]}社区" for i in chosen]


def place_stems(count: int, rng: np.random.Generator) -> list[str]:
    """Return ``count`` short place-name stems (with repetition when count is large)."""
    picks = rng.choice(len(_PLACE_STEMS), size=count, replace=count > len(_PLACE_STEMS))
    return [_PLACE_STEMS[i] for i in picks]


def serial_ids(prefix: str, count: int, width: int = 3) -> list[str]:
    """Return ``prefix`` followed by 1..count, zero-padded to ``width`` digits at least."""
    width = max(width, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]
