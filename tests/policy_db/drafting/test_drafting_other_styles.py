"""The drafter on eight test documents in other house styles (tests/fixtures/drafting/documents: a 办法
in articles, nested 若干措施 in Chinese numerals, a notice with a 牵头/配合单位 table, a portal page,
a Word file with automatic numbering, a PDF copy, funds and targets beside benefits, ranges), each
against its hand-written truth file: what an officer would check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policy_db.drafting.truth import evaluate, truths_in
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
