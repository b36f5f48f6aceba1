"""Reading the figures an owner gives, with what each measures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy_db.user_figures import read_figures


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们技术合同成交额600万", {"技术合同成交额": 6_000_000}),
        ("去年签的技术合同有600万", {"技术合同成交额": 6_000_000}),
        ("600万的技术合同能补多少", {"技术合同成交额": 6_000_000}),
        ("营收过了五千万", {"营业收入": 50_000_000}),
        ("月租1.2万", {"月租": 12_000}),
        ("房租一个月1.2万", {"月租": 12_000}),
        ("担保总额8000万", {"担保总额": 80_000_000}),
        ("担保费交了3万", {"担保费": 30_000}),
        ("贷了2000万，LPR现在3.45%", {"贷款额": 20_000_000, "LPR": Decimal("0.0345")}),
        ("买了12辆新能源车", {"车辆数": 12}),
        ("招了5个高级工、10个中级工，学两年", {"高级工": 5, "中级工": 10, "年数": 2}),
        ("招了4名高级工学2年", {"高级工": 4, "年数": 2}),
        ("融资15亿营收6000万", {"融资额": 1_500_000_000, "营业收入": 60_000_000}),
        ("普惠小微贷款余额增量1亿", {"贷款余额增量": 100_000_000}),
    ],
)
def test_figures_with_their_basis(text, expected):
    assert read_figures(text).values() == {k: Decimal(v) for k, v in expected.items()}


def test_money_with_no_basis_word_is_unlabelled():
    figures = read_figures("15个亿能奖多少")
    assert [(f.basis, f.value) for f in figures.figures] == [(None, Decimal(1_500_000_000))]
    assert figures.unlabelled("money")[0].text == "15个亿"


def test_basis_word_of_another_clause_does_not_label():
    figures = read_figures("我们做技术合同，今年15个亿")
    assert figures.figures[0].basis is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("融资-15亿", "负数"),
        ("融资负15亿", "负数"),
        ("营收0元", "零"),
        ("融资1e308亿", "1万亿"),
        ("招了-3个高级工", "负数"),
        ("招了0个人", "零"),
    ],
)
def test_refused_figures_keep_their_reason(text, reason):
    figures = read_figures(text)
    assert not figures.figures
    assert len(figures.refused) == 1 and reason in figures.refused[0].reason


def test_dates_and_ordinals_are_not_counts():
    assert read_figures("2022年贷款500万两年").values() == {"贷款额": Decimal(5_000_000), "年数": Decimal(2)}
    assert read_figures("第2年还有吗").figures == ()


def test_full_width_and_separators():
    assert read_figures("融资１，５００万").values() == {"融资额": Decimal(15_000_000)}
    assert read_figures("融资1,500,000,000元").values() == {"融资额": Decimal(1_500_000_000)}


def test_a_rent_without_a_unit_is_yuan_but_not_a_revenue_or_a_word():
    """「月租7000」 is 7000元 (rents are said so, vocabulary bare_yuan); 「营收5000」 may mean 5000万 and stays
    unread; 「房租一共」 holds no figure."""
    rent = read_figures("月租7000，能省多少").figures
    assert [(f.value, f.basis) for f in rent] == [(Decimal(7000), "月租")]
    assert [f.value for f in read_figures("每月租金六千五").figures] == [Decimal(6500)]
    assert read_figures("我们营收5000").figures == ()
    assert read_figures("房租一共能少交多少").figures == ()
    assert [f.value for f in read_figures("月租1.2万").figures] == [Decimal(12000)]


def test_a_number_of_shares_is_a_count_not_money():
    figures = read_figures("总股本1.2亿股，去年营收8000万").figures
    assert [(f.kind, f.value, f.basis) for f in figures] == [
        ("count", Decimal("120000000"), "总股本"),
        ("money", Decimal("80000000"), "营业收入"),
    ]
    # a share capital is larger than any head count: not refused as unreal
    assert read_figures("总股本30亿股").refused == ()
