"""One message costs bounded work, however many figures it holds (issue 21, class 1: 「5个亿」 × 166 cost the
action server 4 s of CPU, so one client sending it every 4 s made the bot busy for everyone).

Work is measured by counting the calls of the figure reader's costly steps (the basis search and the
reading of a number), not by the clock: the count does not depend on the machine's load."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.answering.action_base as action_base
import policy_db.money as money
import policy_db.user_figures as user_figures
from actions.policy_answer import ActionAnswerPolicy
from bot.input_guard import MAX_MESSAGE_CHARS
from policy_db.user_figures import MAX_FIGURES, read_figures

SNIPPETS = [
    "5个亿",
    "15亿",
    "技术合同600万",
    "招了5个高级工",
    "学两年",
    "利率3.45%",
    "月租1.2万",
    "1e1000000元",
    "-3亿",
    "0元",
]
SEPARATORS = ["", "，", "、", "；", " ", "\n"]
# Basis searches and numbers read while answering one message: a constant, whatever the figure count
# (before the bound one 498-character message of 166 figures took 27,000 basis searches).
MAX_BASIS_SEARCHES = 4 * MAX_FIGURES * (MAX_FIGURES + 8)
MAX_NUMBERS_READ = 2 * MAX_BASIS_SEARCHES


@pytest.fixture()
def counted(monkeypatch, repository):
    """Counts of the reader's costly steps; the action reads the test database; no cached reads."""
    monkeypatch.setattr(action_base, "current_catalog", repository.catalog)
    calls: Counter = Counter()

    def counting(module, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(user_figures, "_basis_near")
    counting(money, "chinese_number")
    counting(user_figures, "chinese_number")
    return calls


def answer(text: str, slots: dict | None = None) -> list[dict]:
    tracker = Tracker(
        "rest:worker",
        dict(slots or {"city": "平顶山"}),
        {"text": text, "intent": {"name": "ask_reward", "confidence": 0.9}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerPolicy().run(dispatcher, tracker, {}))
    return dispatcher.messages


def work(calls: Counter, text: str) -> tuple[int, int]:
    user_figures._read_cached.cache_clear()
    calls.clear()
    assert answer(text), "every message is answered"
    return calls["_basis_near"], calls["chinese_number"]


def test_the_flood_of_figures_from_the_report_costs_what_a_handful_does(counted):
    flood = ("5个亿" * 166)[:498]
    few = "5个亿" * 3
    searches, numbers = work(counted, flood)
    assert searches <= MAX_BASIS_SEARCHES and numbers <= MAX_NUMBERS_READ
    assert searches <= 25 * work(counted, few)[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from(SNIPPETS), st.sampled_from(SEPARATORS)), min_size=1, max_size=500),
    st.sampled_from(["平顶山", "滨州上市融资", "三明技改投资", ""]),
)
def test_any_message_up_to_the_input_limit_is_answered_within_a_bound_of_work(counted, parts, prefix):
    text = (prefix + "".join(snippet + sep for snippet, sep in parts))[:MAX_MESSAGE_CHARS]
    searches, numbers = work(counted, text)
    assert searches <= MAX_BASIS_SEARCHES, (searches, len(parts))
    assert numbers <= MAX_NUMBERS_READ, (numbers, len(parts))


def test_the_first_figures_are_read_and_the_api_is_unchanged():
    text = "，".join(f"技术合同{i}万" for i in range(1, 60))
    figures = read_figures(text)
    assert [f.value for f in figures.figures] == [i * 10_000 for i in range(1, MAX_FIGURES + 1)]
    assert {f.basis for f in figures.figures} == {"技术合同成交额"}
    assert read_figures("招了5个高级工、10个中级工，学两年").values() == {"高级工": 5, "中级工": 10, "年数": 2}
    assert read_figures(text) is read_figures(text)  # read once, then from the cache
