"""The one privacy filter: a corpus of spellings that must be masked, and of numbers that must not."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.privacy import (
    MASK,
    has_personal,
    mask_personal,
    mask_values,
    neutralise_formula,
    sample_of,
    spreadsheet_safe,
)

#: text → the same text with the identifier masked
PERSONAL = {
    "13912345678": MASK,
    "联系人张伟13912345678已到场": f"联系人{MASK}{MASK}已到场",  # the name before the number too
    "+8613812345678": MASK,
    "+86 138 1234 5678": MASK,
    "+86-138-1234-5678": MASK,
    "0086 13812345678": MASK,
    "0086-13812345678": MASK,
    "8613812345678": MASK,
    "139-1234-5678": MASK,
    "139 1234 5678": MASK,
    "电话：139 1234 5678。": f"电话：{MASK}。",
    "tel 15012345678, 18612345678": f"tel {MASK}, {MASK}",
    "110101199003071234": MASK,
    "11010119900307123X": MASK,
    "11010119900307123x": MASK,
    "身份证110101 19900307 123X未登记": f"身份证{MASK}未登记",
    "110101 1990 0307 1234": MASK,
    "110101-19900307-1234": MASK,
    "110101900307123": MASK,  # the older 15-digit form
    "110101 900307 123": MASK,
    "值班电话 0472-1234567": f"值班电话 {MASK}",
    "0472 12345678": MASK,
}
#: text that holds numbers but no identifier: left exactly as it is
NOT_PERSONAL = [
    "2022-10-05", "2022-10-05 08:00", "2022-10-05 2022-10-06 2022-10-07", "20221005", "13:45:10",
    "12345", "1,234,567.89", "61.2亿元", "S01", "T082", "S01C002", "CP12", "E1 / 产值", "P1",
    "4.80 元/斤", "95.3% (2,345 / 2,461)", "1234567890123456", "12345678901", "1391234567",
    "139123456789", "-3", "0.5", "第一督查组", "",
]


#: free text → the same with the name a role word or a phone number points at masked
NAMED = {
    "负责人王小明(电话13712345678)未到岗": f"负责人{MASK}(电话{MASK})未到岗",
    "店主张三未佩戴口罩": f"店主{MASK}未佩戴口罩",
    "联系人：李四 13800001111": f"联系人：{MASK} {MASK}",
    "检查人欧阳娜娜。": f"检查人{MASK}。",
    "户主为刘洋，已居家": f"户主为{MASK}，已居家",
    "王小明13800001111": f"{MASK}{MASK}",
}
#: free text with role words or phones but no name: left as it is (numbers masked)
UNNAMED = {
    "负责人未到岗": "负责人未到岗", "值守人员不足": "值守人员不足", "负责人马上整改": "负责人马上整改",
    "负责人安排不到位": "负责人安排不到位", "负责人高度重视，严格落实": "负责人高度重视，严格落实",
    "华联超市电话13800001111": f"华联超市电话{MASK}", "户主外出": "户主外出", "业主反映噪音": "业主反映噪音",
}


@pytest.mark.parametrize(("text", "masked"), [*NAMED.items(), *UNNAMED.items()])
def test_a_name_after_a_role_word_or_before_a_phone_is_masked(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(("text", "masked"), PERSONAL.items())
def test_every_spelling_of_a_phone_or_id_number_is_masked(text, masked):
    assert mask_personal(text) == masked
    assert has_personal(text)
    assert not has_personal(mask_personal(text))


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_dates_counts_ids_and_amounts_are_not_masked(text):
    assert mask_personal(text) == text
    assert not has_personal(text)


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, pd.NaT])
def test_missing_values_become_empty_text(missing):
    assert mask_personal(missing) == ""
    assert not has_personal(missing)


def test_it_covers_everything_the_inspections_redact_does():
    from workbench.present.views.inspections import redact

    for text in ["13912345678", "见13912345678", "110101199003071234", "11010119900307123X",
                 "1391234567", "2022-10-05", None, math.nan, pd.NA, "无问题"]:
        assert mask_personal(text) == redact(text), text


def test_a_sample_of_a_bad_cell_is_masked_short_and_on_one_line():
    assert sample_of("张伟 13912345678") == f"{MASK} {MASK}"
    long = "一" * 60 + "\n13912345678"
    assert sample_of(long, width=10) == "一" * 9 + "…"
    assert "\n" not in sample_of("a\nb")


def test_mask_values_masks_every_text_inside_and_keeps_the_rest():
    value = {"finding": "13912345678", "age": 4, "rate": 0.5, "ok": True, "none": None,
             "items": [{"team": "一组 139-1234-5678"}, "110101199003071234", 7]}
    assert mask_values(value) == {"finding": MASK, "age": 4, "rate": 0.5, "ok": True, "none": None,
                                  "items": [{"team": f"一组 {MASK}"}, MASK, 7]}


@pytest.mark.parametrize(("cell", "safe"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-12.5%", "-12.5%"),
    (-3, -3), (-0.25, -0.25),
    ("和平社区", "和平社区"), ("a=b", "a=b"),
])
def test_formula_cells_are_neutralised_and_numbers_stay_numbers(cell, safe):
    assert neutralise_formula(cell) == safe


def test_a_download_cell_is_masked_then_neutralised():
    assert spreadsheet_safe("=13912345678") == f"'={MASK}"
    assert spreadsheet_safe(5) == 5


def test_a_bad_cell_holding_a_personal_number_is_not_sampled_at_all():
    from workbench.privacy import HIDDEN_CELL, cell_sample

    assert cell_sample("张伟 139-1234-5678") == HIDDEN_CELL
    assert cell_sample("110101 19900307 123X 李四") == HIDDEN_CELL
    assert cell_sample("maybe") == "maybe"
    assert cell_sample("很长" * 30) == "很长" * 19 + "很…"


def _three_passes(text: str) -> str:
    """The filter's definition: each pattern substituted in turn over the whole text."""
    from workbench.privacy import _PATTERNS

    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def test_the_one_pass_check_finds_exactly_what_the_three_patterns_find():
    """``mask_personal`` skips texts its combined search clears: it must clear no text a pattern matches."""
    import random

    rng = random.Random(20221009)
    pieces = ["1", "3", "9", "0", "8", "6", "4", "7", "2", "5", "X", "x", " ", "-", "\u00a0", "+", ".",
              "a", "一", "13912345678", "0472-1234567", "11010519491231002X", "86", "00", "40.5587961981"]
    masked = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 24)))
        expected = _three_passes(text)
        assert mask_personal(text) == expected, text
        assert has_personal(text) == (expected != text), text
        masked += expected != text
    assert 500 < masked < 3500  # both kinds of text were drawn


@pytest.mark.parametrize(("text", "masked"), [
    ("电话１３９１２３４５６７８", "电话[***]"),  # full-width digits, typed with a Chinese input method
    ("联系139.1234.5678", "联系[***]"),  # dotted groups
    ("采样员刘洋未到岗", "采样员[***]未到岗"),
    ("保洁员张桂兰", "保洁员[***]"),
    ("价格139.12345678", "价格139.12345678"),  # a decimal, not a phone
    ("门牌１２号", "门牌１２号"),  # full-width digits that are no phone stay as written
])
def test_hostile_spellings_of_phones_and_names(text, masked):
    assert mask_personal(text) == masked
