"""What each figure of a clause is, from the words around it, as an officer reads it: the figure's kind,
value and unit (officer/drafting/figures.py with the words of data/drafting.yml)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from officer.drafting.figures import clause_figures
from officer.drafting.words import drafting_words

CASES = [
    ("对认定为国家级孵化器的，给予一次性奖励100万元", [("amount", 100, "万元")]),
    ("按照实际投资额的5%给予补助，最高不超过500万元", [("ratio", 5, "%"), ("cap", 500, "万元")]),
    ("对年主营业务收入首次突破10亿元的企业，奖励经营团队50万元", [("threshold", 10, "亿元"), ("amount", 50, "万元")]),
    (
        "年营业收入首次突破5亿元、20亿元的，分别给予三十万元、八十万元奖励",
        [("threshold", 5, "亿元"), ("threshold", 20, "亿元"), ("amount", 30, "万元"), ("amount", 80, "万元")],
    ),
    (
        "对上年度营业收入不超过4亿元的中小企业，按投入的百分之二十给予补助，最高五十万元",
        [("threshold", 4, "亿元"), ("ratio", 20, "%"), ("cap", 50, "万元")],
    ),
    ("对单户担保金额500万元及以下的小微企业，担保费率降至1%", [("threshold", 500, "万元"), ("rate", 1, "%")]),
    ("资金池规模5亿元，按本金损失的40%给予补偿", [("fund", 5, "亿元"), ("ratio", 40, "%")]),
    ("市级财政每年安排专项资金3亿元", [("fund", 3, "亿元")]),
    ("设立总规模两亿元的应急转贷资金，单笔转贷期限不超过十五天", [("fund", 2, "亿元"), ("days", 15, "天")]),
    ("企业应当在通知发布之日起30日内提出申请", [("days", 30, "天")]),
    ("给予每户不超过5万元的一次性补助", [("cap", 5, "万元")]),
    ("奖励标准为每人每年2万元，最长不超过3年", [("amount", 2, "万元"), ("years", 3, "年")]),
    (
        "对小微企业年应纳税所得额不超过100万元的部分，减按25%计入应纳税所得额",
        [("threshold", 100, "万元"), ("ratio", 25, "%")],
    ),
    ("研发费用加计扣除比例提高到100%", [("ratio", 100, "%")]),
    (
        "企业上年度营业收入在2000万元至1亿元之间的，奖励10万元",
        [("threshold", 2000, "万元"), ("threshold", 1, "亿元"), ("amount", 10, "万元")],
    ),
    (
        "给予一百万元至三百万元安家补贴，奖励期限一至三年",
        [("amount", 100, "万元"), ("cap", 300, "万元"), ("years", 1, "年"), ("years", 3, "年")],
    ),
    ("贷款额度最高可达1000万元，期限1年", [("cap", 1000, "万元"), ("years", 1, "年")]),
    ("补助金额按投资额的百分之十计算，上限为三百万元", [("ratio", 10, "%"), ("cap", 300, "万元")]),
    ("对裁员率不高于5.5%的企业返还失业保险费的60%", [("threshold", 5.5, "%"), ("ratio", 60, "%")]),
    ("每年组织免费培训不少于20场次，培训满意度不低于95%", [("target", 20, "场次"), ("target", 95, "%")]),
    ("对年出口额首次突破1亿美元的企业，奖励五十万元", [("amount", 50, "万元")]),
    ("出台企业上市三年行动计划", []),
    ("专项资金由市财政预算安排，每年不少于2亿元", [("fund", 2, "亿元")]),
    ("市级财政每年统筹安排专项资金不少于1亿元", [("fund", 1, "亿元")]),
    ("对首次认定的企业一次性奖励五十万，每人每月补贴5千元", [("amount", 50, "万元"), ("amount", 5000, "元")]),
    ("转贷资金使用费按日万分之五收取", [("rate", 0.5, "‰")]),
    ("企业吸纳高校毕业生就业的，按每人3000元标准给予一次性补贴", [("amount", 3000, "元")]),
    ("对小微企业贷款给予贴息，贴息率为1个百分点，贴息期限不超过1年", [("rate", 1, "%"), ("years", 1, "年")]),
    ("按照实际发放工资总额的50%给予补贴，补贴期限最长6个月", [("ratio", 50, "%"), ("months", 6, "个月")]),
    ("对年度研发投入超过500万元的企业，按超出部分的10%给予补助", [("threshold", 500, "万元"), ("ratio", 10, "%")]),
    ("对入驻园区的企业，前2年免收租金，第3至5年减半收取", [("years", 2, "年")]),
    ("市级奖补资金与县级按1:1比例配套", [("share", 50, "%")]),
    ("市县按1：1比例分担", [("share", 50, "%")]),
    ("给予奖励1,000万元，补贴10,000元", [("amount", 1000, "万元"), ("amount", 10000, "元")]),
    ("给予不超过贷款利息50%的贴息", [("cap", 50, "%")]),
    ("担保费率降至1%以下，对担保机构按年化担保额的1%给予补贴", [("rate", 1, "%"), ("ratio", 1, "%")]),
]


@pytest.mark.parametrize(("clause", "expected"), CASES, ids=[c for c, _ in CASES])
def test_kind_value_and_unit(clause, expected):
    is_fact = not any(word in clause for word in drafting_words().grant_words)
    found = sorted((f.kind, Decimal(str(f.value)), f.unit) for f in clause_figures(clause, is_fact))
    assert found == sorted((kind, Decimal(str(value)), unit) for kind, value, unit in expected)


def test_a_number_with_thousands_separators_loads(city, load_draft):
    from officer.drafting.draft import draft_document
    from policy_db.loader import DATA_DIR

    text = "某市措施\n一、总则\n（一）对新落户的总部企业，给予奖励1,000万元。\n"
    draft = draft_document(text, "x.txt", city("平顶山"), DATA_DIR)
    data, written = load_draft(draft, text)
    (doc,) = data.documents
    (reward,) = doc.benefits
    assert [(f.kind, f.value, f.unit) for f in reward.figures] == [("amount", Decimal(1000), "万元")]
