"""Typed eligibility: `requires:` is validated, stored and checked against what an owner said."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_db.eligibility import PROFILE_ATTRIBUTES, EnterpriseProfile, assess, places_of, profile_from_text
from policy_db.loader import DataError, load_policy_data
from policy_db.requirements import Requirement, load_eligibility_vocabulary
from tests.support.policy_files import GOOD_BENEFIT as BENEFIT
from tests.support.policy_files import write_doc


def _load(data_dir: Path, **changes):
    write_doc(data_dir, {**BENEFIT, **changes})
    return load_policy_data(data_dir)


# -- the loader -------------------------------------------------------------------------------


def test_good_requires_and_fact_marker_load(data_dir):
    data = _load(
        data_dir,
        kind="fact",
        requires=[
            {"field": "revenue", "op": ">=", "value": 5000, "unit": "万元"},
            {"field": "first_time", "op": "==", "value": True},
            {"field": "board", "op": "in", "value": ["主板", "北交所"]},
        ],
    )
    benefit = data.documents[0].benefits[0]
    assert benefit.kind == "fact"
    assert benefit.requires[0] == Requirement("revenue", ">=", Decimal("50000000"), "万元")
    assert benefit.requires[2].value == ("主板", "北交所")


@pytest.mark.parametrize(
    "requires,message",
    [
        ([{"field": "turnover", "op": ">=", "value": 1, "unit": "万元"}], "未知的 field 'turnover'"),
        ([{"field": "revenue", "op": "in", "value": 1, "unit": "万元"}], "不能用 op 'in'"),
        ([{"field": "revenue", "op": ">=", "value": 5000}], "unit 必须是 元/万元/亿元"),
        ([{"field": "revenue", "op": ">=", "value": "很多", "unit": "万元"}], "必须是非负数"),
        ([{"field": "level", "op": "==", "value": "县级"}], "取值 县级 不在 vocabulary.yml 中"),
        ([{"field": "first_time", "op": "==", "value": "是"}], "必须是 true 或 false"),
        ([{"field": "board", "op": "==", "value": ["主板", "创业板"]}], "多个取值用 op: in"),
        ({"field": "level"}, "requires 应为列表"),
    ],
)
def test_bad_requires_name_the_file_and_record(data_dir, requires, message):
    with pytest.raises(DataError) as err:
        _load(data_dir, requires=requires)
    text = str(err.value)
    assert "documents/test.yml benefits[0] (pds-test-reward)" in text and message in text, text


def test_unknown_kind_is_rejected(data_dir):
    with pytest.raises(
        DataError, match=re.escape("documents/test.yml benefits[0] (pds-test-reward): 未知的 kind 'goal'")
    ):
        _load(data_dir, kind="goal")


def test_every_vocabulary_field_is_a_profile_attribute_or_a_measure():
    """Fields with an attribute of their own, and money or number fields kept as measures."""
    vocab = load_eligibility_vocabulary()
    measured = {f.name for f in vocab.fields if f.type in ("money", "number")} - set(PROFILE_ATTRIBUTES)
    assert set(vocab.names) == set(PROFILE_ATTRIBUTES) | measured
    assert all(hasattr(EnterpriseProfile(), attr) for attr in PROFILE_ATTRIBUTES.values())


# -- assess -----------------------------------------------------------------------------------


def _with(catalog, key, *requires):
    return replace(catalog.get([key])[0], requires=tuple(requires))


REVENUE_5000W = Requirement("revenue", ">=", Decimal("50000000"), "万元")


@pytest.mark.parametrize(
    "revenue,verdict",
    [
        (Decimal("60000000"), "fits"),
        (Decimal("50000000"), "fits"),
        (Decimal("30000000"), "does_not_fit"),
        (None, "unknown"),
    ],
)
def test_revenue_threshold(catalog, revenue, verdict):
    benefit = _with(catalog, "pds-upscale-reward", REVENUE_5000W)
    result = assess(benefit, EnterpriseProfile(revenue_yuan=revenue))
    assert result.verdict == verdict
    if verdict == "unknown":
        assert result.reason == "需年主营业务收入达到5000万元（您未提供）" and result.missing == ("revenue",)
    if verdict == "does_not_fit":
        assert "您的是3000万元" in result.reason


def test_first_time_recognition_and_level(catalog):
    national = catalog.get(["pds-xjr-national"])[0]
    assert {r.field for r in national.requires} == {"recognition", "level", "first_time"}
    fits = EnterpriseProfile(recognitions=frozenset({"小巨人"}), levels=frozenset({"国家级"}), first_time=True)
    assert assess(national, fits).fits
    renewed = replace(fits, first_time=False)
    assert assess(national, renewed).does_not_fit and "首次认定" in assess(national, renewed).reason
    provincial = replace(fits, levels=frozenset({"省级"}))
    result = assess(national, provincial)
    assert result.does_not_fit and result.reason == "需为国家级认定（您说的是省级）"
    unsure = replace(fits, first_time=None)
    assert assess(national, unsure).unknown and assess(national, unsure).missing == ("first_time",)


def test_implied_recognition_and_open_questions(catalog):
    zjtx = catalog.get(["pds-zjtx-finance-support"])[0]
    assert assess(zjtx, EnterpriseProfile(recognitions=frozenset({"小巨人"}))).fits  # 小巨人 is also 专精特新
    other = assess(zjtx, EnterpriseProfile(recognitions=frozenset({"高新技术企业"})))
    assert other.unknown and "未提到" in other.reason  # may hold both; not a contradiction


def test_board_and_city(catalog):
    listing = catalog.get(["pds-listing-reward"])[0]
    assert assess(listing, EnterpriseProfile(boards=frozenset({"科创板"}))).fits
    assert assess(listing, EnterpriseProfile(city="滨州", boards=frozenset({"科创板"}))).does_not_fit


def test_no_typed_conditions_and_facts_are_unknown(catalog):
    fund = catalog.get(["df-fact-guide-fund-size"])[0]
    assert assess(fund, EnterpriseProfile()).unknown
    plain = _with(catalog, "pds-upscale-reward")
    assert assess(plain, EnterpriseProfile(revenue_yuan=Decimal(1))).unknown


def test_the_curated_documents_have_typed_requirements(catalog):
    assert {b.city for b in catalog.benefits if b.requires} >= {"三门峡", "登封", "平顶山", "三明", "滨州"}


# -- profile_from_text ------------------------------------------------------------------------


@pytest.fixture
def places(catalog):
    return places_of(catalog.cities)


def test_profile_listing_plan_and_equipment(places):
    p = profile_from_text("我们是邹平一家专精特新企业，准备上市，还要买2000万的设备", places)
    assert p.city == "滨州" and p.recognitions == {"专精特新"}
    assert p.plans == {"上市", "技改"} and p.investment_yuan == Decimal("20000000")
    assert p.revenue_yuan is None


def test_profile_revenue_headcount_first_time_level(places):
    p = profile_from_text("郏县的机械厂，去年营收八千万，员工两百来人，今年刚被认定为国家级小巨人", places)
    assert p.city == "平顶山" and p.revenue_yuan == Decimal("80000000") and p.headcount == 200
    assert p.recognitions == {"小巨人"} and p.levels == {"国家级"} and p.first_time is True
    assert "工业企业" in p.enterprise_types and "装备制造" in p.industries


def test_profile_negation_and_listed_state(places):
    p = profile_from_text("我们不是专精特新，已经在新三板挂牌了，年销售额3000万元左右", places)
    assert "专精特新" not in p.recognitions and p.boards == {"新三板"} and "上市" not in p.plans
    assert p.revenue_yuan == Decimal("30000000")


def test_profile_small_business_words(places):
    p = profile_from_text("在三明开了个小超市，个体户，想贷款50万，打算招几个应届毕业生", places)
    assert p.city == "三明" and {"个体工商户", "商贸企业"} <= p.enterprise_types
    assert {"融资", "招聘高校毕业生"} <= p.plans and p.headcount is None
    assert p.revenue_yuan is None and p.investment_yuan is None  # a loan is neither


def test_profile_then_assess(catalog, places):
    text = "我们是平顶山的省级专精特新，前年就认定过了"
    p = profile_from_text(text, places)
    result = assess(catalog.get(["pds-zjtx-provincial-reward"])[0], p)
    assert p.levels == {"省级"} and p.first_time is False
    assert result.does_not_fit and "首次认定" in result.reason


def test_profiles_merge_across_turns():
    first = EnterpriseProfile(city="滨州", recognitions=frozenset({"专精特新"}))
    second = EnterpriseProfile(revenue_yuan=Decimal(6e7), recognitions=frozenset({"高新技术企业"}))
    merged = first.merged(second)
    assert merged.city == "滨州" and merged.revenue_yuan == Decimal(6e7)
    assert merged.recognitions == {"专精特新", "高新技术企业"}


# -- alternatives and measures read from the owner's words --------------------------------------------
def _vat_benefit(catalog):
    return catalog.get(["pds-vat-small-scale-exempt"])[0]


def test_a_quarterly_figure_above_the_limit_decides_no(catalog):
    profile = profile_from_text("小规模纳税人，这季度销售额合计52万")
    result = assess(_vat_benefit(catalog), profile)
    assert result.does_not_fit and "45万元" in result.reason and "52万元" in result.reason


def test_exactly_at_an_upper_limit_that_includes_it_fits(catalog):
    profile = profile_from_text("小规模纳税人，这季度销售额合计45万")
    assert assess(_vat_benefit(catalog), profile).fits


def test_either_alternative_is_enough(catalog):
    profile = profile_from_text("小规模纳税人，月销售额12万")
    assert assess(_vat_benefit(catalog), profile).fits


def test_an_alternative_not_given_asks_for_it(catalog):
    result = assess(_vat_benefit(catalog), profile_from_text("我们是小规模纳税人"))
    assert result.unknown and "销售额" in result.reason


def test_a_rank_inside_the_top_group_fits_and_outside_does_not(catalog):
    grant = catalog.get(["bz-hr-firm-introduction-grant"])[0]
    assert assess(grant, profile_from_text("人力资源服务企业，大中华区排名第30")).fits
    assert assess(grant, profile_from_text("人力资源服务企业，大中华区排名第50")).fits  # 50强 includes the 50th
    assert assess(grant, profile_from_text("人力资源服务企业，大中华区排名第51")).does_not_fit


def test_a_contract_of_half_a_year_is_not_one_year(catalog):
    subsidy = catalog.get(["pds-trade-si-subsidy"])[0]
    short = assess(subsidy, profile_from_text("小微企业，招了个失业人员，合同只签了半年"))
    assert short.does_not_fit and "1年" in short.reason
    assert assess(subsidy, profile_from_text("小微企业，招了个大学生，签了3年劳动合同")).fits


def test_a_level_below_the_one_required_does_not_fit(catalog):
    [dcmm] = catalog.get(["bz-dcmm-certification-subsidy"])
    low = assess(dcmm, profile_from_text("首次申报DCMM数据管理认证，申请的是一级"))
    assert low.does_not_fit and "2级" in low.reason and "1级" in low.reason
    assert not assess(dcmm, profile_from_text("首次申请DCMM认证，申请的是二级")).does_not_fit


def test_a_share_above_the_cap_does_not_fit(catalog):
    [equity] = catalog.get(["bz-zjtx-equity-investment"])
    over = assess(equity, profile_from_text("专精特新，打算上市，政府基金想入股35%的股份"))
    assert over.does_not_fit and "25%" in over.reason and "35%" in over.reason
    at_cap = assess(equity, profile_from_text("专精特新企业，准备上市，财政参股占总股本25%"))
    assert not at_cap.does_not_fit  # 不超过 includes the boundary


# -- a share given as two amounts (vocabulary.yml `share_of`) -------------------------------------------------
def test_a_share_is_read_from_the_part_invested_in_the_city_over_the_sum_raised(places):
    p = profile_from_text("我们在平顶山，去年发债筹集了5000万，其中3500万用在平顶山的新厂房，剩下的投到了郑州", places)
    assert p.city == "平顶山" and p.measure("local_funds_share") == Decimal("70.0")
    # a county of the city counts as the city; an amount sent elsewhere is not the part
    p = profile_from_text("平顶山的企业，再融资6000万，2000万投到了外地，4800万投在舞钢", places)
    assert p.measure("local_funds_share") == Decimal("80.0")
    # 「本地」 is the owner's city
    p = profile_from_text("平顶山企业，募集资金一共2亿，1.9亿投在本地", places)
    assert p.measure("local_funds_share") == Decimal("95.0")


def test_no_share_is_guessed_from_one_amount_or_from_another_citys_places(places):
    assert profile_from_text("平顶山企业，融了3000万", places).measure("local_funds_share") is None
    assert profile_from_text("平顶山企业，2000万投在平顶山", places).measure("local_funds_share") is None
    # the part named in another city of the catalogue is not the owner's city
    p = profile_from_text("我们在平顶山注册，融资3000万，其中2900万投在滨州", places)
    assert p.city == "平顶山" and p.measure("local_funds_share") is None
    # a part larger than the whole is no share
    assert profile_from_text("平顶山企业，融资1000万，3000万投在本地", places).measure("local_funds_share") is None


@given(whole=st.integers(min_value=100, max_value=90_000), part_per_mille=st.integers(min_value=0, max_value=1000))
@settings(max_examples=60, deadline=None)
def test_the_share_is_the_part_over_the_whole_to_a_tenth_of_a_percent(whole, part_per_mille):
    part = whole * part_per_mille // 1000
    if part == 0:
        return
    text = f"平顶山的企业，这次再融资{whole}万元，其中{part}万元投在本市"
    share = profile_from_text(text, {"平顶山": "平顶山", "滨州": "滨州"}).measure("local_funds_share")
    assert share == (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# -- approximate sums (policy_db/approximate.py) --------------------------------------------------------------
def test_an_approximate_sum_decides_a_threshold_only_when_all_of_it_is_on_one_side(catalog):
    [vat] = catalog.get(["pds-vat-small-scale-exempt"])
    below = assess(vat, profile_from_text("小规模纳税人，每月流水七八万"))
    assert below.fits and "七八万" in below.reason
    above = assess(vat, profile_from_text("小规模纳税人，每月营业额二十来万"))
    assert not above.fits and "二十来万" in above.reason
    across = assess(vat, profile_from_text("小规模纳税人，月销售额十几万"))
    assert across.unknown and "十几万" in across.reason and "确切" in across.reason


def test_what_the_owner_says_last_of_a_measure_counts(catalog, places):
    [vat] = catalog.get(["pds-vat-small-scale-exempt"])
    first = profile_from_text("平顶山的小规模纳税人，每月营业额12万", places)
    assert assess(vat, first).fits
    # an approximation said later replaces the exact sum, and an exact sum said later the approximation
    later = first.merged(profile_from_text("每月营业额二十来万", places, earlier=first))
    assert not assess(vat, later).fits and later.measure("monthly_sales") is None
    again = later.merged(profile_from_text("每月营业额9万", places, earlier=later))
    assert assess(vat, again).fits and again.range_of("monthly_sales") is None


def test_a_bare_sum_restates_the_one_money_measure_given_before(places):
    earlier = profile_from_text("平顶山企业，一个月流水12万", places)
    assert profile_from_text("那16万呢", places, earlier=earlier).measure("monthly_sales") == Decimal("160000")
    restated = profile_from_text("要是八九万呢", places, earlier=earlier)
    assert restated.range_of("monthly_sales") == (Decimal("80000"), Decimal("90000"), "八九万")
    # with two measures given before, a bare sum could be either: it restates neither
    two = profile_from_text("平顶山企业，一个月流水12万，年营收150万", places)
    assert profile_from_text("那16万呢", places, earlier=two).measures == frozenset()
