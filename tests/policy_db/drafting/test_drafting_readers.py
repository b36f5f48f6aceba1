"""The drafter's readers one by one: source formats, paragraphs and 责任单位 lists, department names,
figure kinds and tiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import docx
import pytest

from officer.drafting.departments import DepartmentBook, split_names
from officer.drafting.figures import clause_figures
from officer.drafting.layout import clauses_of, read_layout
from officer.drafting.sources import UnreadableSource, read_source
from officer.drafting.tiers import tier_of


# -- sources -------------------------------------------------------------------------------------------------
def test_gbk_text_is_read(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes("一、对小微企业给予5万元奖励。".encode("gb18030"))
    assert read_source(path).text == "一、对小微企业给予5万元奖励。"


def test_html_blocks_become_lines_and_tables_rows(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(
        "<html><head><title>不要</title></head><body><div>一、<em>支持</em>企业<br>上云。</div>"
        "<table><tr><td>1</td><td>任务<b>一</b></td><td>市财政局</td></tr></table>"
        "<noscript>请打开JavaScript</noscript></body></html>",
        encoding="utf-8",
    )
    assert read_source(path).text.splitlines() == ["一、支持企业", "上云。", "1 | 任务一 | 市财政局"]


def test_docx_paragraphs_and_merged_cells(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、对企业给予奖励。")
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "1"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "工作内容"
    path = tmp_path / "a.docx"
    document.save(str(path))
    assert read_source(path).text.splitlines() == ["一、对企业给予奖励。", "1 | 工作内容"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("x.txt", b"\x00\x01\x02PK binary", "不是文本文件"),
        ("x.txt", b"\xff\xfe\xfd\xfc\x81\x30", "编码无法识别"),
        ("x.docx", "不是压缩包".encode(), "不是有效的 Word .docx 文件"),
        ("x.txt", b"only ascii, no Chinese", "没有可读的中文文字"),
    ],
)
def test_unreadable_files_say_why(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableSource, match=reason):
        read_source(path)


def test_a_folder_is_not_a_source(tmp_path):
    with pytest.raises(UnreadableSource, match="不是文件"):
        read_source(tmp_path)


# -- layout --------------------------------------------------------------------------------------------------
WRAPPED = """关于支持企业发展的通知
一、加大支持
(一)对新认定的高新技术企业,给予

10万元奖励;对复审通过的,给予5万元奖励。
责任单位:市科技局、财政局,各县(市、
区)人民政府
(二)推动企业上云。
二、其他
1.对企业开展培训。(市人社局、市财政局按职责分工负责)
"""


def test_wrapped_lines_are_one_paragraph_and_a_standalone_list_covers_it():
    paragraphs = read_layout(WRAPPED).paragraphs
    first = next(p for p in paragraphs if p.text.startswith("(一)"))
    assert first.text == "(一)对新认定的高新技术企业,给予10万元奖励;对复审通过的,给予5万元奖励。"
    assert first.department_texts == ["市科技局、财政局,各县(市、区)人民政府"]  # wrapped list joined
    assert [c.text for c in clauses_of(first)] == [
        "对新认定的高新技术企业,给予10万元奖励",
        "对复审通过的,给予5万元奖励",
    ]
    second = next(p for p in paragraphs if p.text.startswith("(二)"))
    assert second.department_texts == []  # a list covers the paragraphs before it, not after
    assert not paragraphs[0].in_body and all(p.in_body for p in paragraphs[1:])


def test_a_closing_duty_parenthesis_is_a_list_and_not_part_of_the_clause():
    paragraph = next(p for p in read_layout(WRAPPED).paragraphs if p.text.startswith("1."))
    assert [c.text for c in clauses_of(paragraph)] == ["对企业开展培训"]


def test_headings_are_not_clauses():
    layout = read_layout("三、优化服务\n(三)强化要素保障。对重点项目优先保障用地。\n")
    heading, clause = layout.paragraphs
    assert heading.is_heading and clause.heading == "强化要素保障"
    assert [c.text for c in clauses_of(clause)] == ["对重点项目优先保障用地"]


# -- departments --------------------------------------------------------------------------------------------
def test_city_prefix_carries_over_a_list_but_not_onto_units_with_their_own():
    names = split_names("市工信局、发改委、兴业银行三明分行,各县(市、区)人民政府、三明供电公司", ("三明",))
    assert names.names == ["市工信局", "市发改委", "兴业银行三明分行", "各县(市、区)人民政府", "三明供电公司"]


def test_brackets_keep_a_name_whole_and_garbled_pieces_are_rejected():
    names = split_names("市税务局,各县〔市、区〕政府〔管委会〕、人民融 经开区管委会、驻京办等相关部门")
    assert names.names == ["市税务局", "各县〔市、区〕政府〔管委会〕", "经开区管委会", "驻京办"]
    assert names.rejected == ["人民融"]


def test_two_units_joined_by_he_are_split_but_a_name_with_he_is_not():
    assert split_names("相关乡镇和登封新区管委会").names == ["相关乡镇", "登封新区管委会"]
    assert split_names("市工业和信息化局").names == ["市工业和信息化局"]


def test_spellings_of_one_department_are_grouped():
    book = DepartmentBook()
    for name in [
        "市工业信息化局",
        "市工业和信息化局",
        "市工业信息化局",
        "市市场监管局",
        "市场监管局",
        "经开区管委",
        "经开区管委会",
    ]:
        book.add(name)
    records = {r["name"]: r["aliases"] for r in book.records()}
    assert set(records) == {"市工业信息化局", "市市场监管局", "经开区管委会"}  # most used, then the uncut name
    assert "市工业和信息化局" in records["市工业信息化局"] and "市场监管局" in records["市市场监管局"]
    aliases = [a for names in records.values() for a in names]
    assert len(aliases) == len(set(aliases))  # no alias belongs to two departments


# -- figures ---------------------------------------------------------------------------------------------------
def _kinds(text: str, is_fact: bool = False) -> list[tuple[str, object, str]]:
    return [(f.kind, f.value, f.unit) for f in clause_figures(text, is_fact)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对新三板挂牌成功的,给予200万元奖励", [("amount", 200, "万元")]),
        ("给予最高不超过200万元奖励", [("cap", 200, "万元")]),
        ("发放30万元以下免抵押、免担保信用贷款", [("cap", 30, "万元")]),
        ("对月销售额未超过15万元的纳税人免征增值税", [("threshold", 15, "万元")]),
        ("将平均担保费率降至1%以下", [("rate", 1, "%")]),
        ("按照融资额度的2‰给予一次性奖励,每户最高限额100万元", [("ratio", 2, "‰"), ("cap", 100, "万元")]),
        ("最高给予担保总额0.5%的补助", [("cap", Decimal("0.5"), "%")]),
        ("免收3个月房租、减半收取六个月房租", [("months", 3, "个月"), ("months", 6, "个月")]),
        ("审批时限不超过5个工作日", [("working_days", 5, "个工作日")]),
        ("奖补资金由省级和属地财政按照1∶1比例分担", [("share", 50, "%")]),
        (
            "实行85折通行费优惠,政策执行期至2022年12月31日",
            [("rate", 85, "%"), ("deadline", dt.date(2022, 12, 31), "date")],
        ),
        ("缓缴政策执行期到2022年年底", [("deadline", dt.date(2022, 12, 31), "date")]),
        ("于2020年6月份组织开展", []),
        ("将升规3年以内的中小型企业作为重点", [("years", 3, "年")]),
    ],
)
def test_figure_kinds_in_a_benefit(text, expected):
    assert _kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力争全年新增规模以上工业企业50家,年产值达到110亿元", [("target", 50, "家"), ("target", 110, "亿元")]),
        ("确保年落地10亿元以上重大制造业项目2个以上", [("threshold", 10, "亿元"), ("target", 2, "个")]),
        ("启动运作规模10亿元的产业发展引导基金", [("fund", 10, "亿元")]),
        ("按发展预期数的1.2倍建立培育库", [("count", Decimal("1.2"), "倍")]),
        ("问题解决率不低于96%", [("target", 96, "%")]),
    ],
)
def test_figure_kinds_in_a_fact(text, expected):
    assert _kinds(text, is_fact=True) == expected


def test_a_kind_no_word_decides_is_marked_unsure():
    (figure,) = clause_figures("全市新增规模以上工业企业138家", is_fact=True)
    assert figure.kind == "target"
    (figure,) = clause_figures("新增建设用地指标的30%用于工业项目", is_fact=False)
    assert figure.kind == "share"


# -- tiers -------------------------------------------------------------------------------------------------------
def test_bracket_tier():
    text = "融资额10亿元以下的奖补200万元;融资额10亿元(含)至20亿元的奖补700万元;融资额20亿元(含)以上的奖补1200万元"
    tier = tier_of(text, clause_figures(text, False))
    assert tier == {
        "basis": "融资额",
        "unit": "亿元",
        "mode": "bracket",
        "steps": [
            {"min": 0, "max": 10, "amount": "200万元"},
            {"min": 10, "max": 20, "amount": "700万元"},
            {"min": 20, "amount": "1200万元"},
        ],
    }


def test_cumulative_tier():
    text = "对首次入库的工业企业,给予5万元一次性奖励,年主营业务收入达到5000万元及以上的企业,再给予3万元奖励"
    tier = tier_of(text, clause_figures(text, False))
    assert tier is not None and tier["mode"] == "cumulative" and tier["basis"] == "年主营业务收入"
    assert tier["steps"] == [{"min": 0, "amount": "5万元"}, {"min": 5000, "amount": "3万元"}]


def test_proportional_tiers():
    text = "按其上年度技术合同成交额给予最高10%不超过100万元的后补助"
    assert tier_of(text, clause_figures(text, False)) == {
        "basis": "上年度技术合同成交额",
        "unit": "万元",
        "mode": "proportional",
        "steps": [{"min": 0, "ratio": "10%", "cap": "100万元"}],
    }
    text = "知识产权等科技成果的购置费用,省级按照不超过10%的比例给予支持,单户企业最高500万元"
    tier = tier_of(text, clause_figures(text, False))
    assert tier is not None and tier["basis"] == "购置费用" and tier["steps"][0]["cap"] == "500万元"
    text = "贷款贴息按银行最新一期的贷款市场报价利率(LPR)的35%、最高2000万元确定"
    assert tier_of(text, clause_figures(text, False)) is None  # a share of a rate is not an amount's share
