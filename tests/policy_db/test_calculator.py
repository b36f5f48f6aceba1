"""The amount an enterprise gets from its own figures, with the working, the unit and the cap."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pytest

from policy_db.calculator import Calculation, MissingFigures, bases_needed, calculate
from policy_db.loader import load_policy_data
from policy_db.records import BenefitRecord
from policy_db.user_figures import read_figures


@lru_cache(maxsize=1)
def records() -> dict[str, BenefitRecord]:
    """The real curated benefits, as the loader gives them (the same records the database returns)."""
    return {b.key: b for doc in load_policy_data().documents for b in doc.benefits}


def calc(key: str, text: str):
    return calculate(records()[key], read_figures(text))


@pytest.mark.parametrize(
    "key, text, amount, working, capped",
    [
        (
            "pds-rent-state-owned-relief",
            "我们月租1.2万",
            "7.2万元",
            "月租1.2万元 × 3个月 + 月租1.2万元 × 6个月 × 50% = 7.2万元",
            False,
        ),
        (
            "pds-trade-rent-state-owned",
            "房租每月8000元",
            "4.8万元",
            "月租8000元 × 3个月 + 月租8000元 × 6个月 × 50% = 4.8万元",
            False,
        ),
        ("pds-apprentice-subsidy", "招了4个高级工学2年", "4.8万元", "6000元 × 高级工4人 × 2年 = 4.8万元", False),
        (
            "pds-apprentice-subsidy",
            "招了5个高级工、10个中级工，学两年",
            "16万元",
            "5000元 × 中级工10人 × 2年 + 6000元 × 高级工5人 × 2年 = 16万元",
            False,
        ),
        ("bz-nev-subsidy-private", "买了12辆新能源车", "60.48万元", "5.04万元 × 12辆 = 60.48万元", False),
        ("bz-nev-subsidy-public", "公交公司买了3台车", "19.44万元", "6.48万元 × 3辆 = 19.44万元", False),
        ("bz-techreform-guarantee-fee", "担保总额8000万", "40万元", "担保总额8000万元 × 0.5% = 40万元", False),
        (
            "bz-techreform-loan-interest",
            "技改贷款2000万，LPR 3.45%",
            "24.15万元",
            "贷款额2000万元 × LPR 3.45% × 35% = 24.15万元",
            False,
        ),
        (
            "bz-techreform-loan-interest",
            "贷款20亿，利率3.45%",
            "2000万元",
            "贷款额20亿元 × LPR 3.45% × 35% = 2415万元，超过上限，按最高2000万元",
            True,
        ),
        (
            "pds-xjr-equipment-subsidy",
            "买设备花了2000万",
            "500万元",
            "设备投资2000万元 × 30% = 600万元，超过上限，按最高500万元",
            True,
        ),
        ("bz-fx-hedge-guarantee-fee-subsidy", "担保费3万", "3万元", "担保费3万元 × 100% = 3万元", False),
        ("bz-hr-high-end-event-subsidy", "办了2场论坛", "40万元", "20万元 × 2场 = 40万元", False),
        # tiers: delegated to policy_db.tiers
        (
            "smx-tech-transfer-subsidy",
            "技术合同成交额600万",
            "60万元",
            "上年度技术合同成交额600万元 × 10% = 60万元",
            False,
        ),
        (
            "smx-tech-transfer-subsidy",
            "技术合同成交额3000万",
            "100万元",
            "上年度技术合同成交额3000万元 × 10% = 300万元，超过上限，按最高100万元",
            True,
        ),
        ("pds-upscale-reward", "营收6000万", "8万元", "年主营业务收入6000万元：5万元 + 3万元 = 8万元", False),
    ],
)
def test_amount_working_and_cap(key, text, amount, working, capped):
    result = calc(key, text)
    assert isinstance(result, Calculation), result
    assert (result.amount_text, result.working, result.capped) == (amount, working, capped)


@pytest.mark.parametrize("text", ["15个亿", "融资15亿", "1,500,000,000元", "1.5e9元", "融资１５亿", "十五亿"])
def test_listing_tier_says_which_tier(text):
    result = calc("bz-listing-financing-reward", text)
    assert result.amount_yuan == Decimal(7_000_000) and result.tier_text == "10亿元（含）至20亿元"
    assert "，" in result.working and "," not in result.working


def test_cap_is_named():
    result = calc("pds-xjr-equipment-subsidy", "设备投资1800万")
    assert result.capped and result.cap_text == "500万元" and result.upto
    assert calc("pds-xjr-equipment-subsidy", "设备投资100万").amount_yuan == Decimal(300_000)


def test_rounds_to_the_fen():
    result = calc("bz-techreform-guarantee-fee", "担保总额12345.67元")
    assert result.amount_yuan == Decimal("61.73") and result.amount_text == "61.73元"


@pytest.mark.parametrize(
    "key, text, needed",
    [
        ("smx-tech-transfer-subsidy", "贷款500万", "请告诉我上年度技术合同成交额"),
        ("pds-inclusive-loan-reward", "贷款500万", "请告诉我普惠小微贷款余额增量"),  # a loan is not a bank's increment
        ("bz-listing-financing-reward", "营收6000万", "请告诉我融资额"),
        ("bz-techreform-loan-interest", "贷款2000万", "请告诉我最新一期LPR（如3.45%）"),
        ("pds-apprentice-subsidy", "招了5个高级工", "请告诉我年数"),
        ("pds-rent-state-owned-relief", "", "请告诉我每月房租"),
    ],
)
def test_missing_figures_are_asked_in_plain_words(key, text, needed):
    result = calc(key, text)
    assert isinstance(result, MissingFigures) and result.message.startswith(needed)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("融资-15亿", "负数"),
        ("负15亿", "负数"),
        ("融资0元", "零"),
        ("融资1e308亿", "1万亿"),
        ("3万亿", "1万亿"),
    ],
)
def test_refused_figures_are_never_computed(text, reason):
    result = calc("bz-listing-financing-reward", text)
    assert isinstance(result, MissingFigures) and reason in result.message and "融资额" in result.message


def test_unlabelled_money_only_for_one_money_basis():
    assert calc("pds-rent-state-owned-relief", "1.2万").amount_text == "7.2万元"
    assert calc("pds-inclusive-loan-reward", "500万").amount_text == "5万元"


def test_no_rule_and_bases_needed():
    assert calc("pds-xjr-national", "15亿") is None
    assert bases_needed(records()["pds-apprentice-subsidy"]) == ["中级工人数", "年数", "高级工人数"]
    assert bases_needed(records()["smx-tech-transfer-subsidy"]) == ["上年度技术合同成交额"]
    assert bases_needed(records()["pds-xjr-national"]) == []


def test_what_the_owner_still_pays_over_the_relief_period(catalog):
    from policy_db.calculator import still_to_pay
    from policy_db.user_figures import read_figures

    relief = catalog.get(["pds-rent-state-owned-relief"])[0]
    rest = still_to_pay(relief, read_figures("月租4000元"))
    # 4000 × 9 months − (4000 × 3 + 4000 × 6 × 50%) = 36000 − 24000
    assert rest is not None and rest.amount_yuan == 12000 and "9个月" in rest.working
    assert still_to_pay(relief, read_figures("营收4000万")) is None  # no monthly rent given


def test_a_stake_in_shares_is_computed_in_shares_and_is_not_money():
    """滨州's 市级股权投资: 参股比例不超过总股本的25%: from the owner's share capital, a number of shares."""
    result = calc("bz-zjtx-equity-investment", "我们公司总股本1.2亿股")
    assert isinstance(result, Calculation) and not result.is_money
    assert result.amount_text == "3000万股" and result.upto and result.gives == "可参股"
    assert result.working == "总股本1.2亿股 × 25% = 3000万股"
    assert calc("bz-zjtx-equity-investment", "股本一共是两亿四千万股").amount_text == "6000万股"
    # whole shares: a fraction of a share is not a share
    assert calc("bz-zjtx-equity-investment", "总股本1001股").amount_text == "250股"
    # money is not share capital: asked for in shares
    missing = calc("bz-zjtx-equity-investment", "注册资本5000万元")
    assert isinstance(missing, MissingFigures) and missing.needed == ("企业总股本（多少股）",)
