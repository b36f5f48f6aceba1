"""A narrower topic the city has no clause for is answered with the broader topic its name contains,
saying so first; a city that has the narrower topic gets it as before."""

from __future__ import annotations

from actions.answering.selection import broader_topics
from actions.policy_answer import ActionAnswerPolicy

ANSWER = ActionAnswerPolicy()
NARROW = '专精特新"小巨人"'
BROAD = "专精特新"


def test_the_broader_topic_is_read_from_the_topic_names(catalog):
    assert broader_topics(catalog, [NARROW]) == {NARROW: BROAD}
    assert broader_topics(catalog, [BROAD]) == {}


def test_a_city_without_the_narrower_topic_answers_with_the_broader_one_and_says_so(conversation, catalog):
    cities = [
        city.name
        for city in catalog.cities
        if not any("小巨人" in b.name + b.summary + b.clause_text for b in catalog.in_city(city.name))
        and any(BROAD in b.topics and not b.is_fact for b in catalog.in_city(city.name))
    ]
    assert cities, "the data has a city with 专精特新 records but none for 小巨人"
    city = cities[0]
    turn = conversation.ask(ANSWER, f"{city}的小巨人企业有什么政策", "ask_reward")
    first_line = turn.text.splitlines()[0]
    assert city in first_line and "小巨人" in first_line and "专精特新" in first_line and "没有专门" in first_line
    [answered] = catalog.get(conversation.state["subject"][:1])
    assert answered.city == city and BROAD in answered.topics
    assert "没有找到" not in turn.text


def test_a_figure_question_about_the_narrower_topic_stays_not_found(conversation, catalog):
    """「小巨人奖多少」 asks for a figure of 小巨人: a broader record's figure would answer another question."""
    city = next(
        c.name
        for c in catalog.cities
        if not any("小巨人" in b.name + b.summary + b.clause_text for b in catalog.in_city(c.name))
    )
    turn = conversation.ask(ANSWER, f"{city}的小巨人企业一次性奖励多少", "ask_reward")
    assert "没有专门" not in turn.text and "没有找到" in turn.text


def test_a_city_with_the_narrower_topic_answers_it_directly(conversation, catalog):
    city = next(c.name for c in catalog.cities if any(NARROW in b.topics for b in catalog.in_city(c.name)))
    turn = conversation.ask(ANSWER, f"{city}的小巨人企业有什么奖励", "ask_reward")
    assert "没有专门" not in turn.text
    [answered] = catalog.get(conversation.state["subject"][:1])
    assert NARROW in answered.topics
