"""Off-topic and non-Chinese messages get a clear boundary and no figures."""

from __future__ import annotations

from actions.fallback import ActionReplyOutOfScope


def test_off_topic_chinese(conversation):
    turn = conversation.ask(ActionReplyOutOfScope(), "帮我订一张周末去杭州的机票", "out_of_scope")
    assert "不在我的服务范围内" in turn.text and "万" not in turn.text


def test_english_is_asked_to_switch_to_chinese(conversation):
    turn = conversation.ask(ActionReplyOutOfScope(), "What is the subsidy for little giants?", "out_of_scope")
    assert "仅支持中文" in turn.text
