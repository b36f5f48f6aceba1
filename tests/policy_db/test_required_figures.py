"""The figures the product must get right, read through the query API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policy_db.money import parse_amount
from policy_db.tiers import compute


def _best(catalog, city, text):
    hits = catalog.find_benefits(city=city, topics=catalog.topics_in(text), text=text, limit=1)
    assert hits, f"nothing found for {city} {text}"
    return hits[0].benefit


def _amounts(benefit):
    return {f.text for f in benefit.figures}


def test_pingdingshan_national_little_giant_is_500k(catalog):
    b = _best(catalog, "平顶山", "国家级专精特新小巨人一次性奖励")
    assert b.city == "平顶山" and "50万元" in _amounts(b)
    assert b.document.doc_number == "平政办〔2022〕15号"
    assert "附件3" in b.clause_ref
    assert "市工业和信息化局" in b.departments and "市财政局" in b.departments


def test_pingdingshan_provincial_zjtx_is_200k(catalog):
    b = _best(catalog, "平顶山", "省级专精特新中小企业奖励")
    assert "20万元" in _amounts(b) and "省级" in b.name


def test_binzhou_listing_reward_for_15_yi_financing_is_7_million(catalog):
    b = _best(catalog, "滨州", "上市融资额奖补")
    assert b.tier is not None and b.tier.basis == "融资额"
    assert compute(b.tier, parse_amount("15亿元")).amount_yuan == Decimal("7000000")
    assert compute(b.tier, parse_amount("5亿元")).amount_yuan == Decimal("2000000")
    assert compute(b.tier, parse_amount("20亿元")).amount_yuan == Decimal("12000000")
    assert compute(b.tier, parse_amount("10亿元")).amount_yuan == Decimal("7000000")


def test_sanming_zjtx_is_100k_and_ended_2020(catalog):
    b = _best(catalog, "三明", "省级专精特新一次性奖励")
    assert "10万元" in _amounts(b)
    assert b.valid_until == dt.date(2020, 12, 31)
    assert b.is_expired(dt.date(2026, 11, 21))


def test_pingdingshan_social_insurance_deferral_is_3_months_at_hrss(catalog):
    b = _best(catalog, "平顶山", "社保缓缴")
    assert b.category == "social_insurance"
    assert any(f.kind == "months" and f.value == 3 for f in b.figures)
    assert b.departments[0] == "市人力资源和社会保障局"
    assert b.valid_until == dt.date(2022, 12, 31)


def test_pingdingshan_listing_reward_by_stage(catalog):
    b = _best(catalog, "平顶山", "主板上市分段奖励")
    assert [f.text for f in b.figures if f.kind == "amount"][:3] == ["300万", "300万", "400万"]


def test_pingdingshan_refinancing_reward_is_2_per_mille_capped_at_1_million(catalog):
    b = _best(catalog, "平顶山", "中原股权交易中心挂牌企业再融资奖励")
    assert b.tier is not None and b.tier.mode == "proportional"
    assert compute(b.tier, parse_amount("1亿元")).amount_yuan == Decimal("200000")
    assert compute(b.tier, parse_amount("10亿元")).amount_yuan == Decimal("1000000")


def test_pingdingshan_upscale_reward_adds_30k_at_50_million_revenue(catalog):
    b = _best(catalog, "平顶山", "小升规 首次入规 奖励")
    assert b.tier is not None and b.tier.mode == "cumulative"
    assert compute(b.tier, parse_amount("3000万元")).amount_yuan == Decimal("50000")
    assert compute(b.tier, parse_amount("6000万元")).amount_yuan == Decimal("80000")


def test_sanmenxia_tech_transfer_subsidy_is_10_percent_capped_at_1_million(catalog):
    b = _best(catalog, "三门峡", "技术合同成交额 后补助")
    assert b.tier is not None
    assert compute(b.tier, parse_amount("500万元")).amount_yuan == Decimal("500000")
    assert compute(b.tier, parse_amount("5000万元")).amount_yuan == Decimal("1000000")


def test_goals_are_not_benefits(catalog):
    """A goal (新增规上企业50家) may be a record people can ask about, but only as a fact record."""
    texts = " ".join(b.clause_text for b in catalog.benefits if not b.is_fact)
    assert "新增规模以上工业企业50家" not in texts.replace("\n", "")
    assert not any("5G基站" in b.name for b in catalog.benefits)


def test_search_never_crosses_the_city(catalog):
    for b in catalog.find_benefits(city="三明", text="新三板挂牌奖励", limit=10):
        assert b.benefit.city == "三明"
