"""The money extractor is an NLU component: whatever a user types, it never raises (issue 21: 「1e1000000元」
raised decimal.Overflow and failed the whole message)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import money_extractor
from bot.nlu.money_extractor import MoneyEntityExtractor
from policy_db.money import MAX_YUAN, TOO_LARGE, money_mentions
from policy_db.user_figures import read_figures

FIGURE_ALPHABET = "0123456789eE.,+-－ 万亿元块个千百十一二两零点%‰年人"


def extracted(text: str) -> list[dict]:
    [message] = MoneyEntityExtractor().process([Message(data={TEXT: text})])
    return [e for e in message.get(ENTITIES, []) if e["entity"] == "money"]


@pytest.mark.parametrize(
    "text", ["1e1000000元", "1E999999999元", "融资1e1000000亿", "9" * 1990 + "元", "1e30亿" * 300, "-1e1000000元"]
)
def test_an_absurd_figure_is_refused_with_a_reason_not_raised(text):
    assert extracted(text) == []
    mentions = money_mentions(text, include_refused=True)
    assert mentions and all(m.yuan is None for m in mentions)
    assert {m.problem for m in mentions} <= {TOO_LARGE, "金额是负数"}
    assert read_figures(text).refused


def test_the_extractor_logs_and_goes_on_when_the_reader_fails(monkeypatch, caplog):
    def broken(text: str):
        raise ArithmeticError("boom")

    monkeypatch.setattr(money_extractor, "money_mentions", broken)
    assert extracted("融资15亿") == []
    assert "money figures not read (ArithmeticError: boom)" in caplog.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FIGURE_ALPHABET, max_size=40))
def test_no_text_of_figures_makes_the_extractor_raise(text):
    for entity in extracted(text):
        value = Decimal(entity["value"])
        assert value.is_finite() and 0 < value <= MAX_YUAN
    read_figures(text)
