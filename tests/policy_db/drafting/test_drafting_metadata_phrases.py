"""The document's own fields however the text lays them out: a title over two lines, a 落款 date in
brackets or in Chinese numerals, 发布 vs 印发, the document's validity vs one clause's."""

from __future__ import annotations

import datetime as dt

from officer.drafting.metadata import read_metadata


def test_a_title_over_two_lines_and_a_date_in_brackets(city):
    text = (
        "某某市人民政府关于进一步支持\n中小企业发展的若干措施\n某政〔2025〕3号\n一、总则\n（一）对企业奖励10万元。\n"
        "本措施自印发之日起施行。\n某某市人民政府\n（2025年3月1日）\n"
    )
    meta = read_metadata(text, city("平顶山"))
    assert meta.title == "某某市人民政府关于进一步支持中小企业发展的若干措施"
    assert (meta.issuer, meta.doc_number) == ("某某市人民政府", "某政〔2025〕3号")
    assert meta.published == meta.valid_from == dt.date(2025, 3, 1)


def test_the_documents_validity_not_one_clauses(city):
    text = (
        "某某市促进投资若干措施\n一、总则\n（一）对企业奖励10万元，本条执行期至2025年6月30日。\n"
        "本措施自二〇二五年一月一日起施行，有效期至二〇二七年十二月三十一日。\n"
    )
    meta = read_metadata(text, city("平顶山"))
    assert meta.valid_from == dt.date(2025, 1, 1) and meta.valid_until == dt.date(2027, 12, 31)


def test_a_period_of_one_cited_item_is_not_the_documents(city):
    text = (
        "某某市技术改造资金管理实施细则\n第一条 为规范管理，制定本细则。\n第二条 对企业奖励10万元。\n"
        "第三条 本细则第二条政策执行期至2026年12月31日。\n第四章 附则\n第四条 本细则自2025年7月1日起施行，有效期至2030年6月30日。\n"
    )
    meta = read_metadata(text, city("平顶山"))
    assert meta.valid_until == dt.date(2030, 6, 30)  # not 2026-12-31 of 「本细则第二条」


def test_portal_labels_however_the_page_lays_them_out(city):
    lines = (
        "索引号：123 | 发布单位：某市商务局\n文 号：某商〔2025〕2号 | 成文日期：2025-02-01\n"
        "标 题：某市商务局关于支持会展业发展的通知\n发布日期：2025-02-05\n一、总则\n（一）对企业奖励10万元。\n"
    )
    meta = read_metadata(lines, city("平顶山"))
    assert (meta.title, meta.doc_number, meta.issuer) == (
        "某市商务局关于支持会展业发展的通知",
        "某商〔2025〕2号",
        "某市商务局",
    )
    assert meta.published == dt.date(2025, 2, 5)
    info = (
        "某市人民政府办公室关于支持外贸发展的通知\n信息来源：某市人民政府办公室 发布日期：2025年3月4日 10:20 浏览次数：100\n"
        "某政办〔2025〕5号\n一、总则\n（一）对企业奖励10万元。\n"
    )
    meta = read_metadata(info, city("平顶山"))
    assert (meta.issuer, meta.published, meta.doc_number) == (
        "某市人民政府办公室",
        dt.date(2025, 3, 4),
        "某政办〔2025〕5号",
    )
