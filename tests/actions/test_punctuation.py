"""Replies are Chinese text with full-width punctuation: the domain's responses, and what the actions say
across the kinds of answer (card, list, calculation, contact, documents, refusal, fallback)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.answering.punctuation import full_width
from actions.fallback import ActionHandleFallback
from actions.policy_answer import ActionAnswerPolicy

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
# An ASCII mark that is not inside a number (1,500 · 5:5 stay as they are).
ASCII_MARK = re.compile(r"[;()?!]|(?<!\d)[,:]|[,:](?!\d)")


# The address of a Markdown link is not prose: it keeps its ASCII (http://…/sources/doc#c-1).
LINK_TARGET = re.compile(r"\]\([^()\s]+\)")


def ascii_marks(text: str) -> list[str]:
    text = LINK_TARGET.sub("]", text)
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in ASCII_MARK.finditer(text)]


def test_full_width_converts_marks_but_not_numbers():
    assert full_width("有效期:至2022年12月31日,已过期(请确认)?") == "有效期：至2022年12月31日，已过期（请确认）？"
    assert full_width("融资1,500万元;比例5:5!") == "融资1,500万元；比例5:5！"


def test_a_markdown_link_keeps_its_address():
    link = "[查看原文](http://localhost:8080/sources/bz-2022-156#c-0-3-0-18)"
    assert full_width(f"出处:第十八条 {link}(见原文)") == f"出处：第十八条 {link}（见原文）"


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_domain_response_uses_full_width_marks(name):
    for variant in DOMAIN["responses"][name]:
        assert not ascii_marks(variant["text"]), name
        for button in variant.get("buttons") or []:
            assert not ascii_marks(button["title"]), name


@pytest.mark.parametrize(
    "messages",
    [
        [("平顶山小巨人奖多少", "ask_reward")],
        [("滨州上市融资15亿总共能拿多少", "ask_reward")],
        [("三门峡准备挂新三板再上主板,有哪些奖励", "ask_reward"), ("第二个", "choose_item")],
        [("平顶山满负荷生产奖励", "ask_reward"), ("要什么条件", "ask_condition"), ("找谁办", "ask_contact")],
        [("三明的政策文件有哪些", "ask_document")],
        [("滨州上市融资-3亿奖多少", "inform_figure")],
        [("平顶山有哪些奖励补贴", "ask_reward")],
        [("小巨人奖多少", "ask_reward")],
    ],
)
def test_action_replies_use_full_width_marks(conversation, messages):
    for text, intent in messages:
        turn = conversation.ask(ActionAnswerPolicy(), text, intent)
        assert turn.text and not ascii_marks(turn.text), ascii_marks(turn.text)
        assert all(not ascii_marks(b["title"]) for b in turn.buttons)


def test_replies_with_source_links_use_full_width_marks_around_them(conversation, monkeypatch):
    monkeypatch.setenv("WEB_PUBLIC_URL", "http://localhost:8080")
    for text, intent in [
        ("平顶山满负荷生产奖励", "ask_reward"),
        ("要什么条件", "ask_condition"),
        ("原文", "ask_policy_other"),
    ]:
        turn = conversation.ask(ActionAnswerPolicy(), text, intent)
        assert "](http://localhost:8080/sources/" in turn.text
        assert not ascii_marks(turn.text), ascii_marks(turn.text)


def test_button_payloads_keep_their_json(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "小巨人奖多少", "ask_reward")
    assert any(b["payload"].startswith('/inform_city{"city": ') for b in turn.buttons)


def test_the_fallback_reply_uses_full_width_marks(conversation):
    turn = conversation.ask(ActionHandleFallback(), "嗯嗯啊啊", "nlu_fallback")
    assert turn.text and not ascii_marks(turn.text)
