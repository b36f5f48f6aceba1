"""What an owner sees on a phone: the figure bold in the first two lines, citations with 《标题》, 文号, date
and a link to the clause, 「原文」 giving the verbatim clause, related records as buttons of the same reply,
expired policies said plainly, city buttons and departments that fit the question.

Expected values come from the catalogue and the source texts, not from the code under test."""

from __future__ import annotations

import re

import pytest

from actions.answering import formatting
from actions.answering.punctuation import full_width
from actions.fallback import ActionHandleFallback, ActionReplyOutOfScope
from actions.policy_answer import ActionAnswerPolicy
from tests.conftest import TODAY

ANSWER = ActionAnswerPolicy()
PUBLIC_URL = "http://localhost:8080"
LINK = re.compile(r"\[查看原文\]\(([^()\s]+)\)")


def answered(catalog, conversation):
    [record] = catalog.get(conversation.state["subject"][:1])
    return record


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# -- the figure first ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, intent, figure",
    [
        ("平顶山国家级小巨人奖多少", "ask_reward", "50万元"),
        ("滨州上市融资15亿奖多少", "ask_reward", "可得：700万元"),
        ("三明省级专精特新有多少奖励", "ask_reward", "10万元"),
    ],
)
def test_the_figure_is_bold_on_its_own_line_in_the_first_two(conversation, question, intent, figure):
    lines = conversation.ask(ANSWER, question, intent).texts[0].splitlines()
    bold = [i for i, line in enumerate(lines) if line.startswith("**") and line.endswith("**")]
    assert bold and bold[0] <= 1, lines
    assert figure in lines[bold[0]]
    assert all("**" not in line for i, line in enumerate(lines) if i != bold[0])  # one bold line only


# -- citations --------------------------------------------------------------------------------------
def test_a_citation_names_title_number_date_and_clause(conversation, catalog):
    turn = conversation.ask(ANSWER, "平顶山国家级小巨人奖多少", "ask_reward")
    document = answered(catalog, conversation).document
    assert document.doc_number and document.published
    expected = f"《{document.title}》（{document.doc_number}，{chinese_date(document.published)}发布）附件3 二（二）"
    assert f"出处：{expected}" in turn.text


def test_a_numbered_article_is_written_out(conversation, catalog):
    turn = conversation.ask(ANSWER, "滨州上市融资15亿奖多少", "ask_reward")
    assert answered(catalog, conversation).clause_ref == "18"
    assert "156号，2022年5月27日发布）第十八条" in turn.text


def test_a_document_without_number_or_date_says_so(conversation, catalog):
    turn = conversation.ask(ANSWER, "三明省级专精特新有多少奖励", "ask_reward")
    document = answered(catalog, conversation).document
    assert document.doc_number is None and document.published is None
    assert f"《{document.title}》（文号未载明，发布日期未载明）" in turn.text


def test_without_a_public_address_there_is_no_link(conversation):
    text = conversation.ask(ANSWER, "平顶山国家级小巨人奖多少", "ask_reward").text
    assert "查看原文" not in text and "](" not in text and "http" not in text


@pytest.mark.parametrize("address", ["localhost:8080", "/chat", "javascript:alert(1)", "http://host/a b"])
def test_an_address_that_is_no_http_url_gives_no_link(conversation, monkeypatch, address):
    monkeypatch.setenv("WEB_PUBLIC_URL", address)
    text = conversation.ask(ANSWER, "平顶山国家级小巨人奖多少", "ask_reward").text
    assert "查看原文" not in text and "](" not in text


def anchor_at_clause(full_text: str, clause_text: str) -> str:
    """The source page's id of the numbered section the clause's words stand in, read from the text by hand:
    the headings (附件N, 一、, （一）, 1.) in force at the first line holding the clause."""
    numerals = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}

    def arabic(chinese: str) -> str:
        if len(chinese) == 1:
            return str(numerals[chinese])
        tens, _, units = chinese.partition("十")
        return str(numerals.get(tens, 1) * 10 + numerals.get(units, 0))

    annex = part = section = item = ""
    probe = clause_text[:24]
    for line in (raw.strip() for raw in full_text.splitlines()):
        if match := re.fullmatch(r"附件\s*(\d+)\s*[:：]?", line):
            annex, part, section, item = f"a{match[1]}", "", "", ""
        elif match := re.match(r"([一二三四五六七八九十]+)、", line):
            part, section, item = arabic(match[1]), "", ""
        elif match := re.match(r"[（(]([一二三四五六七八九十]+)[)）]", line):
            section, item = arabic(match[1]), ""
        elif match := re.match(r"(\d+)[.．、](?!\d)", line):
            item = match[1]
        if probe in line:
            levels = [annex, part, section, item]
            while levels and not levels[-1]:
                levels.pop()
            return "c-" + "-".join(level or "0" for level in levels)
    raise AssertionError(f"clause not found in its source: {probe}")


@pytest.mark.parametrize(
    "question, intent",
    [("平顶山国家级小巨人奖多少", "ask_reward"), ("滨州上市融资15亿奖多少", "ask_reward")],
)
def test_the_link_lands_on_the_clause_in_the_source_page(conversation, catalog, monkeypatch, question, intent):
    monkeypatch.setenv("WEB_PUBLIC_URL", PUBLIC_URL + "/")
    turn = conversation.ask(ANSWER, question, intent)
    record = answered(catalog, conversation)
    [href] = LINK.findall(turn.text)
    page, _, anchor = href.partition("#")
    assert page == f"{PUBLIC_URL}/sources/{record.document.key}"
    expected = anchor_at_clause(record.document.full_text, record.clause_text)
    assert anchor == expected or expected.startswith(anchor + "-"), (anchor, expected)
    # The citation reads on around the link, in Chinese punctuation; the address keeps its ASCII.
    assert f"（{record.document.doc_number}，" in turn.text


def test_every_link_lands_on_the_section_its_clause_stands_in(catalog, monkeypatch):
    monkeypatch.setenv("WEB_PUBLIC_URL", PUBLIC_URL)
    checked = 0
    for record in catalog.benefits:
        if record.clause_text[:24] not in record.document.full_text or not re.search(
            r"\d|[一二三四五六七八九十]", record.clause_ref
        ):
            continue  # a clause quoted across lines, or a ref naming no section (「结语」)
        [href] = LINK.findall(formatting.source_line(record))
        anchor = href.partition("#")[2]
        expected = anchor_at_clause(record.document.full_text, record.clause_text)
        assert anchor == expected or expected.startswith(anchor + "-"), (record.key, anchor, expected)
        checked += 1
    assert checked >= 0.9 * len(catalog.benefits)


def test_a_clause_without_a_number_links_to_the_document(catalog, monkeypatch):
    monkeypatch.setenv("WEB_PUBLIC_URL", PUBLIC_URL)
    record = next(b for b in catalog.benefits if b.clause_ref == "正文末段")
    line = formatting.source_line(record)
    assert line.endswith(f"正文末段 [查看原文]({PUBLIC_URL}/sources/{record.document.key})")


# -- 「原文」 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "words, intent, action",
    [
        ("原文", "nlu_fallback", ActionHandleFallback()),
        ("看原文", "nlu_fallback", ActionHandleFallback()),
        ("条款原文", "nlu_fallback", ActionHandleFallback()),
        ("查看原文", "nlu_fallback", ActionHandleFallback()),
        ("给我看下原文", "out_of_scope", ActionReplyOutOfScope()),
        ("原文是什么", "ask_document", ANSWER),
    ],
)
def test_asking_for_the_original_gives_the_verbatim_clause(conversation, catalog, words, intent, action):
    conversation.ask(ANSWER, "平顶山国家级小巨人奖多少", "ask_reward")
    record = answered(catalog, conversation)
    turn = conversation.ask(action, words, intent)
    assert record.clause_text in turn.text
    assert f"《{record.document.title}》（{record.document.doc_number}，" in turn.text
    assert "没有找到" not in turn.text and "服务范围" not in turn.text


def test_a_long_clause_is_cut_at_a_sentence_end_and_marked():
    clause = "第一句话说明支持对象。" * 20 + "最后一句。"
    shown = formatting.excerpt(clause, 60)
    assert shown.endswith("。……（节选）") and len(shown) <= 60 + len("……（节选）")
    assert clause.startswith(shown.removesuffix("……（节选）"))
    assert formatting.excerpt("短句。", 60) == "短句。"


# -- related records and lists ----------------------------------------------------------------------
def test_related_records_are_buttons_of_the_same_reply_and_can_be_picked(conversation, catalog):
    turn = conversation.ask(ANSWER, "平顶山国家级小巨人奖多少", "ask_reward")
    assert len(turn.texts) == 1 and turn.buttons
    listed = catalog.get(conversation.state["listed"])
    assert [b["title"].split(". ", 1)[1][:8] for b in turn.buttons] == [r.name[:8] for r in listed]
    # their gist is in the same bubble, numbered as the buttons, so a figure of a related record is readable too
    for i, record in enumerate(listed, 1):
        assert f"{i}. {full_width(record.name)}" in turn.text and full_width(record.summary) in turn.text
    picked = conversation.ask(ANSWER, turn.buttons[0]["payload"], "choose_item")
    assert conversation.state["subject"] == [listed[0].key]
    assert f"【平顶山】{full_width(listed[0].name)}" in picked.text


def test_related_expired_records_come_last_and_are_tagged(conversation, catalog):
    turn = conversation.ask(ANSWER, "三明 贷款", "ask_finance")
    listed = catalog.get(conversation.state["listed"])
    expired = [r.is_expired(TODAY) for r in listed]
    assert expired == sorted(expired)
    assert all(("已过期" in b["title"]) == gone for b, gone in zip(turn.buttons, expired))


def test_an_overview_lists_valid_items_first_and_tags_expired_ones(conversation, catalog):
    turn = conversation.ask(ANSWER, "三明有哪些奖励补贴", "ask_reward")
    listed = catalog.get(conversation.state["listed"])
    expired = [r.is_expired(TODAY) for r in listed]
    assert any(expired) and expired == sorted(expired)
    items = [line for line in turn.text.splitlines() if line[:1].isdigit()]
    assert all(("（已过期）" in line) == gone for line, gone in zip(items, expired))


def test_a_list_of_several_subjects_puts_valid_ones_first_and_cites_the_document_once(conversation, catalog):
    turn = conversation.ask(ANSWER, "平顶山社保缓缴和小巨人奖励有哪些", "ask_reward")
    listed = catalog.get(conversation.state["listed"])
    expired = [r.is_expired(TODAY) for r in listed]
    assert True in expired and False in expired and expired == sorted(expired)
    items = [line for line in turn.text.splitlines() if line[:1].isdigit()]
    assert [line.endswith("（已过期）") for line in items] == expired
    [document] = {r.document for r in listed}
    assert turn.text.count(f"《{document.title}》") == 1 and f"（{document.doc_number}，" in turn.text


# -- expired policies ---------------------------------------------------------------------------------
def test_an_expired_policy_is_said_to_have_ended_and_names_its_units_lead_first(conversation, catalog):
    turn = conversation.ask(ANSWER, "平顶山社保交不起能缓缴吗", "ask_social_insurance")
    record = answered(catalog, conversation)
    assert record.is_expired(TODAY)
    lines = turn.texts[0].splitlines()
    ended = next(i for i, line in enumerate(lines) if "这项政策已结束" in line)
    assert ended <= 2 and f"已于{chinese_date(record.valid_until)}到期" in lines[ended]
    assert record.departments[0] in lines[ended].split("请咨询", 1)[1]


# -- buttons and not-found replies that fit the question ---------------------------------------------
def test_city_buttons_are_only_the_cities_having_the_topic(conversation, catalog):
    question = "社保能缓缴吗"
    topics = set(catalog.topics_in(question))
    having = {b.city for b in catalog.benefits if topics & set(b.topics)}
    assert topics and having and having < {c.name for c in catalog.cities}
    turn = conversation.ask(ANSWER, question, "ask_social_insurance")
    assert {b["title"] for b in turn.buttons} == having


def units_of(catalog, city: str, category: str) -> set[str]:
    return {name for b in catalog.in_city(city) if b.category == category for name in b.departments}


def test_not_found_names_a_social_insurance_unit_whatever_the_intent(conversation, catalog):
    social = units_of(catalog, "三门峡", "social_insurance")
    others = {name for b in catalog.in_city("三门峡") for name in b.departments} - social
    turn = conversation.ask(ANSWER, "三门峡养老保险断缴了怎么补", "ask_policy_other")
    assert "没有找到三门峡" in turn.text
    asked = turn.text.split("可咨询", 1)[1].split("。", 1)[0]
    assert any(name in asked for name in social)
    assert not any(name in asked for name in others)


def test_a_city_without_such_records_names_the_unit_that_leads_them_elsewhere(conversation, catalog):
    assert not units_of(catalog, "滨州", "social_insurance")
    leads_elsewhere = {b.departments[0] for b in catalog.benefits if b.category == "social_insurance"}
    turn = conversation.ask(ANSWER, "滨州社保能缓缴吗", "ask_social_insurance")
    asked = turn.text.split("可咨询", 1)[1].split("。", 1)[0]
    assert asked and all(name in leads_elsewhere for name in re.split("[、]", asked.removeprefix("滨州")))
