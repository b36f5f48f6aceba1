"""Whatever text it is given, garbled or not, the drafter writes a draft that the strict loader accepts
and that passes the completeness check: every clause verbatim, every figure placed."""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from officer.drafting.draft import draft_document
from officer.drafting.layout import read_layout
from policy_db.completeness import check_document
from policy_db.loader import DATA_DIR

# Pieces of official texts, put together in any order: numbering in every form, figures, band and
# cap words, 责任单位 lists inline, on their own line and cut short, table rows, metadata lines,
# garbled numbering and web-copy debris.
PIECES = [
    "一、", "（二）", "(三)", "(三三)", "3.", "4、", "5．", "附件2\n", "附 件\n", "\n", "\n\n",
    "对", "小微企业", "个体工商户", "给予", "奖励", "补贴", "最高", "不超过", "未超过", "5万元", "1.5亿元", "300万",
    "10%", "2‰", "三个月", "5个工作日", "20家", "1.2倍", "3年", "2023年底", "到2024年6月30日", "85折",
    "，", "。", "；", "、", "融资额", "以下的", "以上的", "至", "（含）", "再给予", "按照", "的", "比例", "1∶1",
    "力争", "新增", "（责任单位：市财政局、科技局）", "\n责任单位：市人社局、", "\n各县（市、区）人民融 经开区管委\n",
    "(市发展改革委、市财政局按职责分工负责)", "由市工信局牵头，市商务局配合，", "\n| 1 | 对企业给予奖励 | 市财政局 |\n",
    "\n平政办〔2023〕3号\n", "\n发布日期：2023-01-05\n", "ÃƒÂ¤", "�", "  ", "（", "）", "“", "”",
]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=80))
def test_any_text_gives_a_draft_that_loads_and_is_complete(city, load_draft, tmp_path_factory, pieces):
    text = "平顶山市人民政府关于测试的通知\n" + "".join(pieces)
    draft = draft_document(text, "t.txt", city("平顶山"), DATA_DIR)
    sources = tmp_path_factory.mktemp("sources")
    (sources / "t.txt").write_text(text, encoding="utf-8")
    assert check_document(draft, sources).ok
    logging.disable(logging.WARNING)  # the loader's note that the draft still has review notes
    try:
        data, _ = load_draft(draft, text)
    finally:
        logging.disable(logging.NOTSET)
    assert len(data.documents[0].benefits) == len(draft["benefits"])


def test_garbled_numbering_is_read_as_text():
    paragraphs = read_layout("一、总则\n(三三)对企业给予5万元奖励。\n").paragraphs
    assert paragraphs[-1].text == "(三三)对企业给予5万元奖励。"
    assert paragraphs[-1].section.part == "1" and not paragraphs[-1].section.section
