"""Bad curated data is rejected with a message naming the file and the record."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from policy_db.__main__ import main as cli
from policy_db.loader import SOURCES_DIR, DataError, load_policy_data
from tests.support.policy_files import GOOD_BENEFIT, write_doc


def problems(data_dir: Path) -> str:
    with pytest.raises(DataError) as err:
        load_policy_data(data_dir, SOURCES_DIR)
    return str(err.value)


def test_good_record_loads(data_dir):
    write_doc(data_dir, GOOD_BENEFIT)
    data = load_policy_data(data_dir, SOURCES_DIR)
    assert data.documents[0].benefits[0].departments == ("市财政局",)


def test_unknown_city(data_dir):
    write_doc(data_dir, GOOD_BENEFIT, city="郑州")
    assert "documents/test.yml document: 未知的城市 '郑州'" in problems(data_dir)


def test_unknown_department_names_file_and_record(data_dir):
    write_doc(data_dir, {**GOOD_BENEFIT, "departments": ["市不存在局"]})
    assert "documents/test.yml benefits[0] (pds-test-reward): 未知的责任单位 '市不存在局'" in problems(data_dir)


def test_unparseable_amount(data_dir):
    tiers = {"basis": "融资额", "unit": "亿元", "mode": "bracket", "steps": [{"min": 0, "amount": "二百万"}]}
    write_doc(data_dir, {**GOOD_BENEFIT, "tiers": tiers})
    assert "documents/test.yml benefits[0] (pds-test-reward) tiers steps[0]: 无法解析的金额: '二百万'" in problems(
        data_dir
    )


def test_missing_clause_reference(data_dir):
    write_doc(data_dir, {k: v for k, v in GOOD_BENEFIT.items() if k != "clause_ref"})
    assert "documents/test.yml benefits[0] (pds-test-reward): 缺少 clause_ref" in problems(data_dir)


def test_end_date_before_start(data_dir):
    write_doc(data_dir, GOOD_BENEFIT, valid_from="2022-06-01", valid_until="2021-12-31")
    assert "结束日期 2021-12-31 早于开始日期 2022-06-01" in problems(data_dir)


def test_clause_text_must_be_verbatim(data_dir):
    write_doc(data_dir, {**GOOD_BENEFIT, "clause_text": "对企业给予一次性奖励80万元"})
    assert "clause_text 在原文 pingdingshan.txt 中找不到" in problems(data_dir)


def test_unknown_category_and_topic(data_dir):
    write_doc(data_dir, {**GOOD_BENEFIT, "category": "gift", "topics": ["无此主题"]})
    text = problems(data_dir)
    assert "未知的 category 'gift'" in text and "未定义的主题词 '无此主题'" in text


def test_build_command_rejects_bad_data_and_exits_2(data_dir, capsys):
    write_doc(data_dir, {**GOOD_BENEFIT, "departments": ["市不存在局"]})
    assert cli(["--database-url", f"sqlite:///{data_dir / 'x.db'}", "--data-dir", str(data_dir), "build"]) == 2
    assert "市不存在局" in capsys.readouterr().err
    assert not (data_dir / "x.db").exists() or (data_dir / "x.db").stat().st_size == 0


def test_the_real_data_is_valid():
    data = load_policy_data()
    assert {d.city for d in data.documents} == {c.name for c in data.cities}  # every city has its document
    assert sum(len(d.benefits) for d in data.documents) > 100


# -- formula (policy_db/formulas.py) ------------------------------------------------------------

RENT_BENEFIT = {
    **GOOD_BENEFIT,
    "id": "pds-test-rent",
    "category": "rent_utility",
    "clause_text": "承租国有资产类经营用房的免收3个月房租、减半收取6个月房租",
    "figures": [
        {"kind": "months", "value": 3, "unit": "个月", "label": "免收", "text": "3个月"},
        {"kind": "months", "value": 6, "unit": "个月", "label": "减半", "text": "6个月"},
    ],
}
RENT_FORMULA = {"terms": [{"base": "月租", "per": ["3个月"]}, {"base": "月租", "per": ["6个月"], "ratio": "减半"}]}


def test_good_formula_loads(data_dir):
    write_doc(data_dir, {**RENT_BENEFIT, "formula": RENT_FORMULA})
    formula = load_policy_data(data_dir, SOURCES_DIR).documents[0].benefits[0].formula
    assert formula.money_bases() == ["月租"] and formula.terms[1].ratio == Decimal("0.5")


@pytest.mark.parametrize(
    "formula, message",
    [
        ({"terms": [{"base": "营业利润", "ratio": "10%"}]}, "未知的 base '营业利润'"),
        ({"terms": [{"base": "月租", "per": ["3个月"], "ratio": "12%"}]}, "ratio '12%' 不是本条 figures 中的数字"),
        ({"terms": [{"base": "月租", "per": ["3个月"], "ratio": "一成"}]}, "无法解析的比例"),
        ({"terms": [{"base": "月租", "per": ["4个月"]}]}, "per '4个月' 不是本条 figures 中的数字"),
        ({"terms": [{"base": "月租", "per": ["员工数"]}]}, "未知的 per 基数 '员工数'"),
        ({"terms": [{"base": "月租", "per": ["人数(厨师)"]}]}, "人数 没有限定词 '厨师'"),
        ({"terms": [{"per": ["3个月"]}]}, "需要 base(企业的金额)或 amount(条款的金额)之一"),
        ({"terms": [{"base": "月租"}]}, "base 需要乘以 ratio 或 per"),
        ({"terms": []}, "缺少 terms"),
        ({"terms": [{"base": "月租", "per": ["3个月"]}], "cap": "100万元"}, "cap '100万元' 不是本条 figures 中的数字"),
        ({"terms": [{"base": "月租", "per": ["3个月"], "times": 2}]}, "未知的字段 'times'"),
        ({"terms": [{"amount": "5000元", "per": ["3个月"]}]}, "amount '5000元' 不是本条 figures 中的数字"),
        # a formula in a unit other than money: its base is the owner's count in that unit, no money in it
        ({"unit": "股", "terms": [{"base": "月租", "per": ["3个月"]}]}, "unit 为 股 时 base 必须是以股计的数量"),
        ({"unit": "股", "terms": [{"base": "人数", "per": ["3个月"]}]}, "unit 为 股 时 base 必须是以股计的数量"),
        ({"unit": "股", "terms": [{"base": "总股本", "per": ["3个月"]}], "cap": "100万元"}, "unit 为 股 时不能有 cap"),
    ],
)
def test_bad_formula_names_file_record_and_problem(data_dir, formula, message):
    write_doc(data_dir, {**RENT_BENEFIT, "formula": formula})
    text = problems(data_dir)
    assert "documents/test.yml benefits[0] (pds-test-rent) formula" in text and message in text, text


def test_formula_and_tiers_together_are_rejected(data_dir):
    tiers = {"basis": "融资额", "unit": "亿元", "mode": "bracket", "steps": [{"min": 0, "amount": "50万元"}]}
    write_doc(data_dir, {**RENT_BENEFIT, "formula": RENT_FORMULA, "tiers": tiers})
    assert "tiers 与 formula 只能写一个" in problems(data_dir)


def test_in_addition_to_must_name_a_benefit_of_the_same_document(data_dir):
    write_doc(data_dir, {**GOOD_BENEFIT, "in_addition_to": ["pds-no-such-benefit"]})
    assert "in_addition_to 指向本文件中不存在的条目 'pds-no-such-benefit'" in problems(data_dir)


def test_the_kinds_of_help_a_benefit_may_be_come_from_categories_yml(data_dir):
    """A new kind of help is one entry in categories.yml: the loader accepts it, the record names its label."""
    path = data_dir / "categories.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["categories"].insert(
        -1,
        {
            "key": "land",
            "label": "用地保障",
            "intent": "ask_land",
            "question": "{topic}有什么用地支持",
            "templates": ["{w}用地政策"],
        },
    )
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    write_doc(data_dir, {**GOOD_BENEFIT, "category": "land"})
    [document] = load_policy_data(data_dir, SOURCES_DIR).documents
    assert document.benefits[0].category == "land"
