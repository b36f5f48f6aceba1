"""Drafts of small documents of our own: a text file with full-width numbering, wrapped lines and a
broken 责任单位 line; a web page with inline tags, a line break mid-sentence, a script and a task
table; a Word file built here with a table and a garbled paragraph. Each draft loads with the strict
loader, passes the completeness check and holds the figures, tiers, 责任单位 and metadata of its text."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from officer.drafting.draft import draft_document
from officer.drafting.sources import read_source
from policy_db.completeness import check_document
from policy_db.loader import DATA_DIR

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "drafting"


def _benefit(data, clause_start: str):
    (doc,) = data.documents
    return next(b for b in doc.benefits if b.clause_text.startswith(clause_start))


def _figures(benefit) -> set[tuple[str, Decimal | dt.date | None, str, str]]:
    return {(f.kind, f.date_value or f.value, f.unit, f.text) for f in benefit.figures}


@pytest.fixture
def wrapped(city, load_draft):
    source = read_source(FIXTURES / "notice_wrapped.txt")
    draft = draft_document(source.text, "notice_wrapped.txt", city("滨州"), DATA_DIR)
    data, written = load_draft(draft, source.text)
    return data, written, source.text


def test_text_draft_reads_the_documents_own_data(wrapped):
    data, written, _ = wrapped
    doc = data.documents[0].document
    assert doc.title == "滨州市人民政府办公室关于支持小微企业稳定发展的若干措施"
    assert doc.doc_number == "滨政办字〔2023〕7号" and doc.key == "bz-2023-7"
    assert doc.issuer == "滨州市人民政府办公室"
    assert doc.published == dt.date(2023, 3, 15)  # 发布日期, not the 落款 date 2023年3月10日
    assert doc.valid_from == dt.date(2023, 4, 1) and doc.valid_until == dt.date(2024, 12, 31)
    assert doc.review and "review" in doc.review


def test_text_draft_joins_a_wrapped_clause_and_keeps_it_verbatim(wrapped):
    data, _, text = wrapped
    rent = _benefit(data, "对承租市属国有房屋的小微企业")
    assert rent.clause_text == "对承租市属国有房屋的小微企业，免收2个月租金，减半收取4个月租金"
    assert rent.clause_ref == "一(二)"
    assert _figures(rent) == {("months", 2, "个月", "2个月"), ("months", 4, "个月", "4个月")}
    assert rent.category == "rent_utility"
    # the inline (责任单位:市财政局、国资委) means 市国资委
    assert rent.departments == ("市财政局", "市国资委")
    assert "（责任单位" not in rent.clause_text


def test_text_draft_reads_who_and_the_conditions(wrapped):
    data, _, _ = wrapped
    tax = _benefit(data, "对年应纳税所得额未超过100万元")
    assert tax.eligibility == "小型微利企业"
    assert tax.conditions == ("年应纳税所得额未超过100万元",)
    assert ("threshold", 100, "万元", "100万元") in _figures(tax)
    assert ("ratio", 25, "%", "25%") in _figures(tax)
    assert tax.tier is None  # 减按25%计入 is no share of an amount the enterprise has


def test_text_draft_writes_bands_and_proportional_tiers(wrapped):
    data, _, _ = wrapped
    listing = _benefit(data, "对新上市企业按融资额奖励")
    assert listing.clause_ref == "二2"  # 「2、」 under 二
    tier = listing.tier
    assert tier is not None and tier.mode == "bracket" and tier.basis == "融资额" and tier.unit == "万元"
    # 1亿元 is 10000 in a tier counted in 万元
    assert [(s.min_value, s.max_value, s.amount_yuan) for s in tier.steps] == [
        (0, 5000, 100_000),
        (5000, 10000, 300_000),
        (10000, None, 500_000),
    ]
    loan = _benefit(data, "对首次获得银行贷款的小微企业")
    assert loan.tier is not None and loan.tier.mode == "proportional" and loan.tier.basis == "贷款金额"
    (step,) = loan.tier.steps
    assert step.ratio == Decimal("0.01") and step.cap_yuan == 200_000
    assert ("cap", 20, "万元", "20万元") in _figures(loan)
    # the wrapped list 「市金融局、人行」+「滨州中心支行、市财政局」 covers both items of 二
    assert loan.departments == listing.departments == ("市金融局", "人行滨州中心支行", "市财政局")


def test_text_draft_keeps_targets_as_facts_and_flags_a_broken_list(wrapped):
    data, written, _ = wrapped
    target = _benefit(data, "力争2023年新增市场主体2000家")
    assert target.is_fact and ("target", 2000, "家", "2000家") in _figures(target)
    assert "人民融" in target.review  # the garbled piece of the 责任单位 line is named for review
    assert "各县（市、区）人民政府" in target.departments
    assert "人民融" not in {d["name"] for d in written["departments"]}
    # the preamble's figure is excluded, with a reason
    (exclusion,) = written["exclusions"]
    assert "3亿元" in exclusion["context"] and exclusion["reason"]


def test_every_figure_of_the_text_is_in_a_record_or_an_exclusion(wrapped):
    _, written, _ = wrapped
    report = check_document(written, FIXTURES)
    assert report.ok, report.describe()


def test_every_drafted_record_carries_a_review_note_and_the_loader_warns(city, load_draft, caplog):
    source = read_source(FIXTURES / "notice_wrapped.txt")
    draft = draft_document(source.text, "notice_wrapped.txt", city("滨州"), DATA_DIR)
    with caplog.at_level(logging.WARNING, logger="policy_db.loader"):
        data, _ = load_draft(draft, source.text)
    assert all(b.review for b in data.documents[0].benefits)
    assert any("bz-2023-7" in r.getMessage() and "review" in r.getMessage() for r in caplog.records)


def test_curated_data_loads_without_review_warnings(caplog):
    from policy_db.loader import load_policy_data

    with caplog.at_level(logging.WARNING, logger="policy_db.loader"):
        load_policy_data()
    assert not [r for r in caplog.records if "review" in r.getMessage()]


def test_html_page_draft(city, load_draft):
    source = read_source(FIXTURES / "notice_page.html")
    assert "扫码领取" not in source.text and "color" not in source.text  # script and style are not text
    draft = draft_document(source.text, "notice_page.txt", city("三门峡"), DATA_DIR)
    data, written = load_draft(draft, source.text)
    doc = data.documents[0].document
    assert doc.title == "三门峡市工业和信息化局关于促进中小企业数字化转型的通知"
    assert doc.published == dt.date(2023, 5, 8) and doc.doc_number is None
    cloud = _benefit(data, "对新上云的中小企业")
    assert cloud.clause_text == "对新上云的中小企业，按服务费用的50%给予补贴，最高5万元"  # <span>, <strong> inline
    assert cloud.tier is not None and cloud.tier.basis == "服务费用" and cloud.tier.steps[0].cap_yuan == 50_000
    # the task table's 责任单位 column reaches the body clause the row restates
    assert cloud.departments == ("市工业信息化局", "市财政局")
    award = _benefit(data, "对认定为市级数字化转型示范项目的企业")
    assert award.clause_text.endswith("一次性奖励20万元")  # <br/> inside the sentence
    assert ("amount", 20, "万元", "20万元") in _figures(award)
    # the rows restating the body are exclusions, not second records
    assert len(data.documents[0].benefits) == 2
    assert all("分工表" in e["reason"] for e in written["exclusions"])


def _word_file(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("平顶山市工业和信息化局关于支持技术改造的实施细则")
    document.add_paragraph("平工信〔2024〕3号")
    document.add_paragraph("为推动企业技术改造，制定本细则。")
    document.add_paragraph("一、设备投资补助")
    document.add_paragraph("（一）对设备投资额达到500万元及以上的技术改造项目，按设备投资额的8%给予补助，")
    document.add_paragraph("单个项目最高不超过200万元。")
    document.add_paragraph("（二）ÃƒÂ¤Ã‚Â¸Ã‚Â€ï¼Œ乱码段落 ��� 无法辨认")
    document.add_paragraph("二、首台套奖励")
    document.add_paragraph("1．对首次认定为省级首台（套）装备的企业，一次性奖励30万元。")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows, [("序号", "工作内容", "责任单位"), ("1", "设备投资补助", ""), ("2", "首台套奖励", "")]
    ):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    merged = table.cell(1, 2).merge(table.cell(2, 2))  # one 责任单位 cell for both rows
    merged.text = "市工业和信息化局、财政局"
    document.add_paragraph("2024年1月8日")
    path = path / "细则.docx"
    document.save(str(path))
    return path


def test_word_file_draft(city, load_draft, tmp_path):
    source = read_source(_word_file(tmp_path))
    assert source.kind == "docx"
    assert "1 | 设备投资补助 | 市工业和信息化局、财政局" in source.text  # a table row is one line
    draft = draft_document(source.text, "细则.txt", city("平顶山"), DATA_DIR)
    data, written = load_draft(draft, source.text)
    doc = data.documents[0].document
    assert doc.doc_number == "平工信〔2024〕3号" and doc.key == "pds-2024-3"
    assert doc.published == dt.date(2024, 1, 8)  # no 发布日期: the date standing alone at the end
    equipment = _benefit(data, "对设备投资额达到500万元及以上的技术改造项目")
    assert equipment.clause_ref == "一(一)"
    assert equipment.clause_text.endswith("单个项目最高不超过200万元")  # two Word paragraphs, one sentence
    assert _figures(equipment) >= {("threshold", 500, "万元", "500万元"), ("cap", 200, "万元", "200万元")}
    assert equipment.tier is not None and equipment.tier.basis == "设备投资额"
    first_set = _benefit(data, "对首次认定为省级首台（套）装备的企业")
    assert first_set.clause_ref == "二1" and ("amount", 30, "万元", "30万元") in _figures(first_set)
    assert not [b for b in data.documents[0].benefits if "乱码" in b.clause_text]  # nothing drafted from it
    # the merged 责任单位 cell of the table reaches both clauses its rows restate
    assert equipment.departments == first_set.departments == ("市工业和信息化局", "市财政局")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "细则.txt").write_text(source.text, encoding="utf-8")
    assert check_document(written, sources).ok
