"""bot.input_guard: what counts as blank or overlong, and what the user is told (one wording)."""

from __future__ import annotations

import asyncio
import re

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.input_guard import EMPTY_MESSAGE_PROMPT, MAX_MESSAGE_CHARS, TRUNCATED_NOTE, admit, check, is_blank


@pytest.mark.parametrize(
    "text", [None, "", "   ", "\u3000\t\n", "\u200b", "\ufeff\u2060 \u200c\u200d", 42, ["x"]], ids=repr
)
def test_no_visible_text_is_blank(text):
    assert is_blank(text)
    assert check(text).text is None and check(text).reply == EMPTY_MESSAGE_PROMPT


@pytest.mark.parametrize("text", ["0", " 补贴 ", "?", "😀", "\u200b平顶山"], ids=repr)
def test_any_visible_character_is_a_message(text):
    assert not is_blank(text)
    assert check(text).text == text and check(text).reply is None


def test_a_message_of_the_limit_is_kept_whole_and_a_longer_one_is_cut():
    exact = "补" * MAX_MESSAGE_CHARS
    assert check(exact).text == exact and check(exact).reply is None
    longer = exact + "贴"
    assert check(longer).text == exact and check(longer).reply == TRUNCATED_NOTE


def test_the_texts_are_chinese_with_full_width_punctuation_and_an_example_question():
    assert re.search(r"例如：“.+？”$", EMPTY_MESSAGE_PROMPT)
    assert f"前 {MAX_MESSAGE_CHARS} 个字" in TRUNCATED_NOTE
    assert TRUNCATED_NOTE.startswith("（") and TRUNCATED_NOTE.endswith("。）")
    for text in (EMPTY_MESSAGE_PROMPT, TRUNCATED_NOTE):
        assert not re.search(r"[,:;?!()]", text), text


def _admit(text):
    output = CollectingOutputChannel()
    message = UserMessage(text, output, "rest:owner-1")
    return asyncio.run(admit(message)), message.text, [m["text"] for m in output.messages]


def test_admit_tells_the_user_and_cuts_the_message():
    assert _admit("   ") == (False, "", [EMPTY_MESSAGE_PROMPT])
    assert _admit(None) == (False, None, [EMPTY_MESSAGE_PROMPT])
    long = "平顶山" * 1000
    assert _admit(long) == (True, long[:MAX_MESSAGE_CHARS], [TRUNCATED_NOTE])
    assert _admit("平顶山专精特新有什么奖励") == (True, "平顶山专精特新有什么奖励", [])
