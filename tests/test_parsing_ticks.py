"""Parsing what department exports hold: ticked items (√/×, 合格/不合格) and absurd counts."""

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
             "符合", "不符合"]
    parsed, failed = parse_booleans(pd.Series(words + ["有时", "基本到位"]))
    assert parsed.tolist()[:12] == [True, False] * 6
    assert failed.tolist() == [False] * 12 + [True, True]  # a hedge is no answer: the row says so
