"""Money figures in the forms enterprise owners type them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy_db.money import (
    FigureError,
    chinese_number,
    find_money,
    format_yuan,
    parse_amount,
    parse_ratio,
    refused_mentions,
)


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("融资15亿", 1_500_000_000),
        ("融了15个亿", 1_500_000_000),
        ("一千五百万", 15_000_000),
        ("营收6000万元", 60_000_000),
        ("1.5亿元", 150_000_000),
        ("两个亿", 200_000_000),
        ("三千万", 30_000_000),
        ("贷款500万", 5_000_000),
        ("5000元", 5000),
    ],
)
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


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("1,500,000,000元", 1_500_000_000),
        ("融资１，５００万", 15_000_000),
        ("１５亿", 1_500_000_000),
        ("1.5e9元", 1_500_000_000),
        ("1千5百万", 15_000_000),
        ("一千五百万零三", 15_000_003),
        ("一千五百万零三元", 15_000_003),
        ("一亿五", 150_000_000),
        ("月租1万5", 15_000),
        ("5千块钱", 5000),
        ("200块", 200),
        ("十万元", 100_000),
        ("一点五亿", 150_000_000),
        ("一百零五万", 1_050_000),
        ("一万亿元", 10**12),
        ("融资10-15亿", 1_500_000_000),
    ],
)
def test_owner_forms_read_exactly(text, yuan):
    assert find_money(text)[0][1] == Decimal(yuan)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("-15亿", "负数"),
        ("负15亿", "负数"),
        ("融资－15亿", "负数"),
        ("0元", "零"),
        ("零元", "零"),
        ("1e308亿", "1万亿"),
        ("两万亿元", "1万亿"),
        ("1e-5元", "零"),
    ],
)
def test_bad_figures_are_refused_not_fixed(text, reason):
    assert find_money(text) == []
    refused = refused_mentions(text)
    assert len(refused) == 1 and refused[0].yuan is None and reason in refused[0].problem


@pytest.mark.parametrize("text", ["千万不要", "5万人", "2022年", "招了5个高级工", "1.5e9", "负责人", "总股本1.2亿股"])
def test_not_money(text):
    assert find_money(text) == []


def test_next_figure_is_not_swallowed():
    assert find_money("贷款500万两年") == [("500万", Decimal(5_000_000))]
    assert find_money("月租1.2万三个月") == [("1.2万", Decimal(12_000))]


def test_chinese_number_and_format():
    assert chinese_number("三万亿") == Decimal(3 * 10**12)
    assert chinese_number("十五") == 15
    with pytest.raises(FigureError):
        chinese_number("一二三")
    assert format_yuan(Decimal(15_000_003)) == "15000003元"
    assert format_yuan(Decimal("64800")) == "6.48万元"
    assert format_yuan(Decimal("255500.00")) == "25.55万元"
    assert format_yuan(Decimal("12345.67")) == "12345.67元"
