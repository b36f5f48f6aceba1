"""What a REST client gets from the trained bot: the Markdown text the web page renders (the figure bold in the
first two lines, the citation with 《标题》, 文号 and date), related records as buttons of the same message,
「原文」 after an answer, and city buttons and departments that fit the question.

Expected values come from the catalogue the bot's action server reads (the same data), not from the code."""

from __future__ import annotations

from tests.support.conversations import new_sender


def test_an_answer_is_one_message_with_the_figure_bold_and_a_full_citation(bot, catalog):
    reply = bot.say(new_sender(), "平顶山国家级小巨人企业一次性奖多少")
    [message] = reply.messages  # related records come as its buttons, not as a later message
    lines = message["text"].splitlines()
    assert lines[1] == "**一次性财政资金奖励：50万元**"
    document = next(b.document for b in catalog.benefits if b.document.doc_number == "平政办〔2022〕15号")
    assert f"出处：《{document.title}》（平政办〔2022〕15号，2022年6月7日发布）附件3 二（二）" in message["text"]
    assert message["buttons"] and message["buttons"][0]["payload"] == "第1个"


def test_a_related_button_opens_that_record(bot):
    sender = new_sender()
    [message] = bot.say(sender, "平顶山国家级小巨人企业一次性奖多少").messages
    button = message["buttons"][0]
    name = button["title"].split(". ", 1)[1]
    reply = bot.text(sender, button["payload"])
    assert f"【平顶山】{name[:10]}" in reply and "**" in reply


def test_the_original_clause_after_an_answer(bot, catalog):
    sender = new_sender()
    bot.text(sender, "平顶山国家级小巨人企业一次性奖多少")
    clause = next(b.clause_text for b in catalog.benefits if b.key == "pds-xjr-national")
    for words in ("原文", "看原文", "条款原文"):
        assert clause in bot.text(sender, words), words


def test_city_buttons_for_a_topic_are_the_cities_that_have_it(bot, catalog):
    question = "社保能缓缴吗"
    topics = set(catalog.topics_in(question))
    having = {b.city for b in catalog.benefits if topics & set(b.topics)}
    assert having and having < {c.name for c in catalog.cities}
    messages = bot.say(new_sender(), question).messages
    assert {b["title"] for m in messages for b in m.get("buttons") or []} == having


def test_a_social_insurance_question_not_found_names_a_social_insurance_unit(bot, catalog):
    units = {name for b in catalog.in_city("三门峡") if b.category == "social_insurance" for name in b.departments}
    reply = bot.text(new_sender(), "三门峡养老保险断缴了怎么补")
    assert "没有找到三门峡" in reply
    assert any(name in reply.split("可咨询", 1)[1] for name in units), reply
