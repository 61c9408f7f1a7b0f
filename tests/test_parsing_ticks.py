"""Parsing what department exports hold: ticked items (√/×, 合格/不合格), full-width digits and absurd
counts."""

import pandas as pd

from workbench.intake.parsing import parse_booleans


def test_ticked_inspection_items_read_as_booleans():
    parsed, failed = parse_booleans(pd.Series(["√", "×", "✓", "✗", "合格", "不合格", " √ ", "?"]))
    assert parsed.tolist()[:7] == [True, False, True, False, True, False, True]
    assert failed.tolist() == [False] * 7 + [True]


def test_a_count_beyond_ten_to_the_twelve_is_refused_not_overflowed():
    from workbench.intake.parsing import parse_numbers

    parsed, bad = parse_numbers(pd.Series(["12", "999999999999", "1000000000000", "9223372036854775808"]),
                                integer=True)
    assert bad.tolist() == [False, False, True, True]
    assert parsed.tolist()[:2] == [12, 999999999999]


def test_what_a_supervision_team_writes_of_an_item_reads_as_passed_or_not():
    words = ["有", "无", "到位", "不到位", "齐全", "不齐全", "已落实", "未落实", "达标", "不达标",
             "符合", "不符合", "正常", "异常"]
    parsed, failed = parse_booleans(pd.Series(words + ["有时", "基本到位"]))
    assert parsed.tolist()[:14] == [True, False] * 7
    assert failed.tolist() == [False] * 14 + [True, True]  # a hedge is no answer: the row says so


def test_numbers_typed_in_full_width_read_as_the_same_numbers():
    from workbench.intake.parsing import parse_numbers

    parsed, bad = parse_numbers(pd.Series(["１２３", "1，234", "３．５", "1,234", "十二", None]))
    assert parsed.tolist()[:4] == [123.0, 1234.0, 3.5, 1234.0]
    assert bad.tolist() == [False, False, False, False, True, False]  # a number in words stays refused
    counts, bad = parse_numbers(pd.Series(["１２", "３．５"]), integer=True)
    assert counts.tolist()[0] == 12 and bad.tolist() == [False, True]
