"""Money figures in the forms enterprise owners type them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from policy_db.money import FigureError, find_money, format_yuan, parse_amount, parse_ratio


@pytest.mark.parametrize("text, yuan", [
    ("融资15亿", 1_500_000_000), ("融了15个亿", 1_500_000_000), ("一千五百万", 15_000_000),
    ("营收6000万元", 60_000_000), ("1.5亿元", 150_000_000), ("两个亿", 200_000_000),
    ("三千万", 30_000_000), ("贷款500万", 5_000_000), ("5000元", 5000),
])
def test_find_money(text, yuan):
    assert find_money(text)[0][1] == Decimal(yuan)


def test_no_money_in_plain_question():
    assert find_money("平顶山小巨人奖励") == []


def test_parse_curated_amounts_and_ratios():
    assert parse_amount("200万元") == Decimal(2_000_000)
    assert parse_amount("6.48万元") == Decimal(64_800)
    assert parse_ratio("2‰") == Decimal("0.002")
    assert parse_ratio("10%") == Decimal("0.1")
    with pytest.raises(FigureError):
        parse_amount("两百万")


def test_format_yuan():
    assert format_yuan(Decimal(7_000_000)) == "700万元"
    assert format_yuan(Decimal(1_200_000_000)) == "12亿元"
    assert format_yuan(Decimal(5000)) == "5000元"
