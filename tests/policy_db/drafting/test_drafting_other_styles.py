"""The drafter on eight test documents in other house styles (tests/fixtures/drafting/documents: a 办法
in articles, nested 若干措施 in Chinese numerals, a notice with a 牵头/配合单位 table, a portal page,
a Word file with automatic numbering, a PDF copy, funds and targets beside benefits, ranges), each
against its hand-written truth file: what an officer would check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from officer.drafting.truth import evaluate, truths_in
from policy_db.loader import DATA_DIR

DOCUMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "drafting" / "documents"
TRUTHS = {t.source.name: t for t in truths_in(DOCUMENTS, DATA_DIR)}


@pytest.fixture(scope="module")
def drafted():
    return {name: evaluate(truth, DATA_DIR) for name, truth in TRUTHS.items()}


def _record(draft, words: str):
    return next(b for b in draft["benefits"] if words in b["clause_text"])


def _figures(record) -> set[tuple[str, float, str]]:
    return {(f["kind"], f["value"], f["unit"]) for f in record["figures"]}


def test_eight_house_styles_are_measured():
    assert len(TRUTHS) >= 8
    assert {truth.source.suffix for truth in TRUTHS.values()} >= {".txt", ".html", ".docx"}


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_figures_and_departments_found_and_the_draft_loads(drafted, name):
    comparison, _, _ = drafted[name]
    assert comparison.figures.share >= 0.9, comparison.figures.missed
    assert comparison.departments.share >= 0.9, comparison.departments.missed
    assert comparison.loads == "", comparison.loads
    assert comparison.metadata is not None and comparison.metadata.share == 1.0, comparison.metadata.missed


def test_articles_are_clauses_with_their_own_reference(drafted):
    _, draft, _ = drafted["yunxi_banfa.txt"]
    bands = _record(draft, "对年营业收入首次突破5亿元")
    assert bands["clause_ref"] == "第四条"
    # the revenue bands are conditions, the rewards in Chinese numerals are the amounts
    assert _figures(bands) == {
        ("threshold", 5, "亿元"),
        ("threshold", 20, "亿元"),
        ("amount", 30, "万元"),
        ("amount", 80, "万元"),
    }
    assert bands["departments"] == ["市工业和信息化局", "市财政局", "市统计局"]
    small = _record(draft, "对上年度营业收入不超过4亿元")
    assert ("threshold", 4, "亿元") in _figures(small) and ("cap", 50, "万元") in _figures(small)
    fund = _record(draft, "市级财政每年安排")
    assert ("fund", 3, "亿元") in _figures(fund)
    # the document's validity, not the clause's 本条执行期至2026年6月30日
    assert draft["document"]["valid_until"] == dt.date(2027, 12, 31)
    days = {f["value"] for b in draft["benefits"] for f in b["figures"] if f["kind"] == "days"}
    assert days == {30, 5, 60}


def test_conditions_and_pools_are_not_amounts(drafted):
    _, draft, _ = drafted["nanfeng_jinrong.txt"]
    fees = _record(draft, "单户担保金额500万元及以下")
    assert ("threshold", 500, "万元") in _figures(fees) and ("rate", 1, "%") in _figures(fees)
    pool = _record(draft, "资金池规模5亿元")
    assert ("fund", 5, "亿元") in _figures(pool) and ("threshold", 1000, "万元") in _figures(pool)


def test_a_task_tables_lead_and_helper_columns_are_departments(drafted):
    _, draft, _ = drafted["qinglan_tongzhi.txt"]
    names = {d["name"] for d in draft["departments"]}
    assert {"青岚海关", "市公安局交通警察支队", "中国出口信用保险公司青岚营业部"} <= names


def test_a_portal_page_is_read_by_its_labels(drafted):
    _, draft, _ = drafted["bailu_portal.html"]
    document = draft["document"]
    assert document["published"] == dt.date(2025, 5, 9)  # 发布日期, not 成文日期 2025-05-06
    assert document["doc_number"] == "鹭政办〔2025〕12号"
    assert document["issuer"] == "白鹭市人民政府办公室"


def test_a_pdf_copy_wrapped_mid_word(drafted):
    _, draft, _ = drafted["heming_pdf.txt"]
    paid = _record(draft, "创新券按企业实际支付服务费用的50%")
    assert {("ratio", 50, "%"), ("cap", 20, "万元")} <= _figures(paid)  # 二十万\n元 across a line break
    assert paid["clause_ref"] == "第四条"
    assert "— 2 —" not in str(draft["benefits"])  # page numbers are no clause
    fund = _record(draft, "创新券资金1500万")  # an article before the first (一) is no preamble
    assert fund["clause_ref"] == "第二条" and ("fund", 1500, "万元") in _figures(fund)


def test_word_automatic_numbering_is_computed(tmp_path):
    """The numbers Word draws (numbering.xml) are in the text; the generator builds the fixture."""
    import importlib.util

    from officer.drafting.sources import read_source

    spec = importlib.util.spec_from_file_location("make_docx", DOCUMENTS / "make_docx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = read_source(module.build(tmp_path / "built.docx")).text.splitlines()
    assert "一、支持企业梯度成长" in lines and "三、强化服务保障" in lines
    assert any(line.startswith("（二）对年营业收入首次达到以下规模") for line in lines)
    assert any(line.startswith("2.对项目建设期内的贷款") for line in lines)  # 1. 2. start again under (一)
    assert sum(line.startswith("●营业收入") for line in lines) == 3


def test_bulleted_bands_are_one_benefit_with_tiers(drafted):
    _, draft, _ = drafted["liuchuan_numbering.docx"]
    bands = _record(draft, "●营业收入10亿元（含）至50亿元的")
    assert bands["clause_ref"] == "一(二)" and "●营业收入100亿元（含）以上的" in bands["clause_text"]
    assert bands["tiers"]["mode"] == "bracket" and bands["tiers"]["basis"] == "营业收入"
    assert bands["tiers"]["steps"] == [
        {"min": 10, "max": 50, "amount": "30万元"},
        {"min": 50, "max": 100, "amount": "60万元"},
        {"min": 100, "amount": "100万元"},
    ]
    assert _record(draft, "按设备购置额的8%")["clause_ref"] == "二(一)1"


def test_page_numbers_of_a_pdf_copy_are_dropped_from_the_cited_text(drafted):
    _, draft, text = drafted["heming_pdf.txt"]
    assert "— 2 —" not in text and "第 3 页" not in text
    capped = _record(draft, "最高不超过二十万")
    assert "二十万元" in capped["clause_text"].replace("\n", "").replace(" ", "")  # the page broke 二十万|元


def test_articles_numbered_by_word_count_on_across_chapters(drafted):
    _, draft, text = drafted["tanxi_xize.docx"]
    assert "第三章 申报程序" in text and "第六条 担保机构应于每年1月31日前" in text
    guarantee = _record(draft, "单笔800万元以下的担保贷款")
    assert guarantee["clause_ref"] == "第三条"
    assert {("threshold", 800, "万元"), ("ratio", 30, "%"), ("cap", 120, "万元")} <= _figures(guarantee)
    fees = _record(draft, "降至1%以下的业务")
    assert ("threshold", 1, "%") in _figures(fees)  # which business qualifies, not the rate it gets


def test_names_in_a_table_cell_broken_by_lines(tmp_path):
    """A cell's lines join: a name cut by <br> is one name, a name a line are two."""
    import docx

    from officer.drafting.sources import read_source

    page = tmp_path / "page.html"
    page.write_text(
        "<table><tr><td>1</td><td>奖励</td><td>市大数据<br>管理局</td><td>市财政局<br>市税务局</td></tr></table>",
        encoding="utf-8",
    )
    assert "1 | 奖励 | 市大数据管理局 | 市财政局、市税务局" in read_source(page).text
    document = docx.Document()
    cell = document.add_table(rows=1, cols=2).cell(0, 1)
    cell.text = "市工业和信息化局"
    cell.add_paragraph("市财政局")
    document.tables[0].cell(0, 0).text = "对首台套给予奖励"
    document.save(str(tmp_path / "cells.docx"))
    assert "对首台套给予奖励 | 市工业和信息化局、市财政局" in read_source(tmp_path / "cells.docx").text


def test_a_pages_numbered_lists_and_label_cells(drafted):
    _, draft, text = drafted["qiaocheng_list.html"]
    assert "2.对首次在本市举办的国际性展会" in text  # <ol> numbers, as the browser shows them
    assert _record(draft, "国际性展会")["clause_ref"] == "一2"
    document = draft["document"]
    assert (document["doc_number"], document["issuer"]) == ("桥商规〔2025〕5号", "桥城市商务局")
    assert document["published"] == dt.date(2025, 8, 5)  # 发布时间, not 成文时间
    assert "市商务局" in {d["name"] for d in draft["departments"]}  # 「市商务局（牵头）」


def test_full_width_digits_and_one_is_two_is(drafted):
    _, draft, _ = drafted["dongshan_yijian.txt"]
    assert ("amount", 10, "万元") in _figures(_record(draft, "示范企业"))
    assert ("fund", 2, "亿元") in _figures(_record(draft, "纾困基金"))


def test_numbering_carried_by_a_paragraph_style_and_a_word_task_table(drafted):
    _, draft, text = drafted["zhuxi_renwu.docx"]
    assert "二、支持政策" in text.splitlines()  # the style's numPr, not the paragraph's
    assert "2 | 落实工业项目奖励政策 | 市工业和信息化局 | 市财政局、市统计局" in text
    reward = _record(draft, "完成投资5亿元以上的工业项目")
    assert reward["clause_ref"] == "二"
    assert {("threshold", 5, "亿元"), ("amount", 50, "万元")} <= _figures(reward)


def test_a_pdf_copy_drafted_from_the_command_line(tmp_path):
    """The text without page numbers is written next to the draft and cited from there."""
    from tests.support.cli import run_policy_db

    source = tmp_path / "heming_pdf.txt"
    source.write_text((DOCUMENTS / "heming_pdf.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_policy_db("draft", source, "--city", "平顶山", "--out", tmp_path / "heming_pdf.yml")
    assert result.returncode == 0, result.stderr
    assert "— 2 —" in source.read_text(encoding="utf-8")  # the officer's file is left as it was
    cited = tmp_path / "heming_pdf.source.txt"
    assert "— 2 —" not in cited.read_text(encoding="utf-8")
    assert "source_file: heming_pdf.source.txt" in (tmp_path / "heming_pdf.yml").read_text(encoding="utf-8")


def test_a_truth_file_without_its_text_is_reported(tmp_path):
    from tests.support.cli import run_policy_db

    (tmp_path / "lost.truth.yml").write_text("city: {name: 平顶山}\nfigures: []\n", encoding="utf-8")
    result = run_policy_db("draft", "--compare", "--truth", tmp_path)
    assert result.returncode == 2 and "lost" in result.stderr and "Traceback" not in result.stderr


def test_a_portal_page_with_labels_run_together_and_an_article_on_its_own_line(drafted):
    _, draft, _ = drafted["huaiyu_gov.html"]
    document = draft["document"]
    assert (document["doc_number"], document["issuer"]) == ("怀政办〔2025〕7号", "怀玉市人民政府办公室")
    assert document["published"] == dt.date(2025, 1, 24)
    insured = _record(draft, "投保出口信用保险")
    assert insured["clause_ref"] == "第三条"  # 「第三条」 alone on its line, the text on the next
    assert {("ratio", 60, "%"), ("cap", 80, "万元")} <= _figures(insured)
    bands = _record(draft, "首次突破1亿美元")
    assert _figures(bands) == {("amount", 50, "万元"), ("amount", 100, "万元")}  # no 亿元 from 亿美元
    assert any("1亿美元" in e["context"] for e in draft["exclusions"])  # left for the officer, in red


def test_lists_under_other_labels(city):
    from officer.drafting.draft import draft_document

    text = (
        "某市若干措施\n一、总则\n（一）对企业给予奖励10万元。（牵头单位：市发展改革委；配合单位：市财政局、市工信局）\n"
        "（二）对企业给予补贴5万元。\n牵头部门：市商务局\n"
    )
    draft = draft_document(text, "x.txt", city("平顶山"), DATA_DIR)
    assert [b["departments"] for b in draft["benefits"]] == [["市发展改革委", "市财政局", "市工信局"], ["市商务局"]]


def test_items_under_a_list_of_conditions_are_conditions(drafted):
    _, draft, _ = drafted["heming_pdf.txt"]
    item = _record(draft, "研发人员占职工总数的比例不低于10%")
    assert {("threshold", 2, "亿元"), ("threshold", 10, "%")} <= _figures(item)


def test_a_range_of_ratios_is_two_ratios(drafted):
    _, draft, _ = drafted["songxi_fangan.txt"]
    flat = _record(draft, "人才公寓租金")
    assert {("ratio", 50, "%"), ("ratio", 70, "%")} <= _figures(flat)


def test_an_annex_table_of_standards_gives_one_benefit_a_row(drafted):
    _, draft, _ = drafted["fengyi_biaozhun.docx"]
    row = _record(draft, "重点实验室 | 国家级 | 500万元")
    assert row["clause_ref"] == "附件1" and _figures(row) == {("amount", 500, "万元")}
    assert row.get("kind") != "fact"  # the header 「奖励标准」 says the rows grant


def test_a_pdf_copy_with_running_headers_and_spaced_article_numbers(drafted):
    _, draft, text = drafted["linhai_pdf.txt"]
    assert "行政规范性文件" not in text and "- 2 -" not in text  # the page furniture is gone
    first = _record(draft, "国家级工业互联网平台")
    assert first["clause_ref"] == "第一条" and first["clause_text"].startswith("对新认定的国家级")  # 「第 一 条」
    capped = _record(draft, "数字化改造")
    assert ("cap", 300, "万元") in _figures(capped)  # 「最高不超过」 | page break, header | 「300万元」


def test_a_page_laid_out_in_tables_keeps_its_paragraphs_and_its_data_table(drafted):
    _, draft, text = drafted["taoyuan_layout.html"]
    lines = text.splitlines()
    assert "二、对年销售额首次突破5000万元、1亿元的商贸企业，分别给予5万元、10万元奖励。（县商务局、县统计局）" in lines
    assert "2 | 县域商业网点改造 | 每个网点补助3万元 | 县商务局、县市场监管局" in lines
    assert _record(draft, "突破5000万元")["clause_ref"] == "二"


def test_a_table_of_bands_under_an_introduction(city):
    from officer.drafting.draft import draft_document

    text = (
        "某市若干措施\n一、对规模以上工业企业按营业收入分档给予奖励，标准如下：\n"
        "序号 | 营业收入 | 奖励金额 | 责任单位\n1 | 1亿元（含）至5亿元 | 20万元 | 市工信局\n"
        "2 | 5亿元（含）以上 | 50万元 | 市工信局、市财政局\n"
    )
    draft = draft_document(text, "x.txt", city("平顶山"), DATA_DIR)
    assert [(b["clause_ref"], _figures(b), b["departments"]) for b in draft["benefits"]] == [
        ("表1", {("threshold", 1, "亿元"), ("threshold", 5, "亿元"), ("amount", 20, "万元")}, ["市工信局"]),
        ("表2", {("threshold", 5, "亿元"), ("amount", 50, "万元")}, ["市工信局", "市财政局"]),
    ]  # the introduction 「…标准如下：」 is no record of its own


def test_numbering_behind_the_marks_of_an_article_copied_from_online(city):
    from officer.drafting.draft import draft_document

    text = "某市十条新政\n📌一、首次升规奖励\n✅对首次纳入规上统计的工业企业，最高奖励50万！\n📌二、稳岗补贴\n对吸纳就业的企业，每人补贴1000元。\n"
    draft = draft_document(text, "x.txt", city("平顶山"), DATA_DIR)
    assert [(b["clause_ref"], _figures(b)) for b in draft["benefits"]] == [
        ("一", {("cap", 50, "万元")}),
        ("二", {("amount", 1000, "元")}),
    ]


def test_a_lead_unit_written_once_for_several_rows_of_a_web_table(tmp_path):
    from officer.drafting.sources import read_source

    page = tmp_path / "rowspan.html"
    page.write_text(
        "<table><tr><td>序号</td><td>任务</td><td>牵头单位</td><td>配合单位</td></tr>"
        "<tr><td>1</td><td>对企业奖励10万元</td><td rowspan='2'>市商务局</td><td>市财政局</td></tr>"
        "<tr><td>2</td><td>对企业补贴5万元</td><td>市税务局</td></tr></table>",
        encoding="utf-8",
    )
    assert "2 | 对企业补贴5万元 | 市商务局 | 市税务局" in read_source(page).text.splitlines()
