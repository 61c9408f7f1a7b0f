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
