"""Approximate sums (policy_db/approximate.py): each a range of yuan, both ends included; never a count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_db.approximate import find_approximations
from policy_db.money import find_money

WAN = Decimal(10_000)


@pytest.mark.parametrize(
    "text, said, low, high",
    [
        ("店里每月流水七八万", "七八万", 7 * WAN, 8 * WAN),
        ("去年营收一两千万吧", "一两千万", 1000 * WAN, 2000 * WAN),
        ("营业收入五六十万", "五六十万", 50 * WAN, 60 * WAN),
        ("房租两三千块", "两三千块", Decimal(2000), Decimal(3000)),
        ("一个月卖二十来万", "二十来万", 20 * WAN, 24 * WAN),
        ("月销售额十几万", "十几万", 11 * WAN, 19 * WAN),
        ("营收三十多万", "三十多万", 31 * WAN, 39 * WAN),
        ("投了几百万", "几百万", 200 * WAN, 900 * WAN),
        ("收入100多万", "100多万", 110 * WAN, 190 * WAN),
    ],
)
def test_an_approximate_sum_is_a_range(text, said, low, high):
    [found] = find_approximations(text)
    assert (found.said, found.low, found.high) == (said, low, high)
    assert text[found.start : found.end] == said
    assert find_money(text) == []  # never read as an exact figure as well


@pytest.mark.parametrize(
    "text",
    [
        "三四十个员工",  # people, not money
        "招了七八个人",
        "能给几万",  # a question, not the owner's sum
        "十八九万",  # part of a longer number: not guessed
        "十五来万",  # not a round number: not an approximation
        "5000万左右",  # 左右 with a figure: an exact figure for money.py
        "一二三四",
    ],
)
def test_no_approximation(text):
    assert find_approximations(text) == []


DIGITS = "一二三四五六七八"


@given(first=st.integers(min_value=0, max_value=7), magnitude=st.sampled_from(["", "十", "百", "千"]))
@settings(max_examples=40, deadline=None)
def test_two_neighbouring_digits_give_the_range_between_them(first, magnitude):
    text = f"月营业额{DIGITS[first]}{'九' if first == 7 else DIGITS[first + 1]}{magnitude}万"
    [found] = find_approximations(text)
    scale = {"": 1, "十": 10, "百": 100, "千": 1000}[magnitude] * WAN
    assert found.low == (first + 1) * scale and found.high == (first + 2) * scale
    assert found.low < found.high
