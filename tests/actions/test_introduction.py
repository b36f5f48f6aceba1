"""The greeting, the capabilities text and the fallback texts name what the catalogue covers, and every
example question they give is answered with the figure and 责任单位 of the record it was built from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.answering.introduction import example_questions
from actions.answering.punctuation import full_width
from actions.fallback import ActionHandleFallback, ActionReplyOutOfScope
from actions.introduction import ActionDescribeCapabilities, ActionGreet
from actions.policy_answer import ActionAnswerPolicy
from policy_db.vocabulary import load_categories
from tests.conftest import TODAY

PROJECT_DIR = Path(__file__).resolve().parents[2]
ASCII_MARKS = re.compile(r"[,:;?!()]")
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿|元|%)")


def _kinds() -> list[str]:
    return [c.label for c in load_categories() if not c.catch_all]


@pytest.fixture(scope="module")
def examples(catalog):
    return example_questions(catalog, TODAY)


def test_the_greeting_names_every_city_and_kind_of_help_and_offers_questions(conversation, catalog):
    turn = conversation.ask(ActionGreet(), "你好", "greet")
    for city in catalog.cities:
        assert city.name in turn.text
    for label in _kinds():
        assert label in turn.text
    assert not FIGURE.search(turn.text) and not ASCII_MARKS.search(turn.text)
    assert turn.buttons
    for button in turn.buttons:  # a question about one topic, without a city: the bot lists it per city
        assert button["payload"] == button["title"]
        assert catalog.topics_in(button["payload"]) and not catalog.cities_in(button["payload"])


def test_a_greeting_button_is_answered_per_city(conversation, catalog):
    question = conversation.ask(ActionGreet(), "你好", "greet").buttons[0]["payload"]
    intent = load_categories().get("reward").intent
    turn = conversation.ask(ActionAnswerPolicy(), question, intent)
    named = [city.name for city in catalog.cities if city.name in turn.text]
    assert len(named) >= 2, turn.text  # the figure per city, and a question which city
    assert FIGURE.search(turn.text)


def test_the_capabilities_text_lists_the_cities_kinds_and_an_example(conversation, catalog, examples):
    turn = conversation.ask(ActionDescribeCapabilities(), "你能做什么", "bot_capability")
    for city in catalog.cities:
        assert city.name in turn.text
    for number, label in enumerate(_kinds(), 1):
        assert f"{number}. {label}：" in turn.text
    assert examples[0].question in turn.text
    assert not ASCII_MARKS.search(turn.text)


def test_every_example_question_is_answered_with_its_figure_and_departments(conversation, examples, catalog):
    assert len(examples) >= 3
    cities_with_figures = {b.city for b in catalog.benefits if b.figures and not b.is_fact}
    assert {e.city for e in examples} <= cities_with_figures
    assert len({e.city for e in examples}) == len(examples)  # one question per city
    for example in examples:
        intent = load_categories().get(example.benefit.category).intent
        turn = conversation.ask(ActionAnswerPolicy(), example.question, intent)
        assert f"【{example.city}】" in turn.text, (example.question, turn.text)
        assert example.figure.text in turn.text, (example.question, turn.text)
        for department in example.departments:
            assert full_width(department) in turn.text, (example.question, department, turn.text)


def test_the_out_of_scope_and_rephrase_texts_follow_the_catalogue(conversation, catalog, examples):
    boundary = conversation.ask(ActionReplyOutOfScope(), "帮我订一张周末去杭州的机票", "out_of_scope").text
    for city in catalog.cities:
        assert city.name in boundary
    for label in _kinds():
        assert label in boundary
    rephrase = conversation.ask(ActionHandleFallback(), "嗯嗯啊啊", "nlu_fallback").text
    assert examples[0].question in rephrase and examples[1].city in rephrase
    english = conversation.ask(ActionReplyOutOfScope(), "What is the subsidy for little giants?", "out_of_scope").text
    assert "仅支持中文" in english and examples[0].question in english
    for text in (boundary, rephrase, english):
        assert not ASCII_MARKS.search(text), text


def test_each_kind_of_help_is_asked_with_an_intent_the_rules_answer():
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((PROJECT_DIR / "data" / "stories" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    answered = {
        rule["steps"][0]["intent"] for rule in rules if rule["steps"][1].get("action") == "action_answer_policy"
    }
    for category in load_categories():
        assert category.intent in domain["intents"]
        assert category.intent in answered
