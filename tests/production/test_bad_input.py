"""Odd and hostile input over REST: every message gets HTTP 200 and a non-empty, sensible reply that
shows no internals. Runs against the production servers (python -m bot.server); skipped when
PostgreSQL or Redis is absent."""

from __future__ import annotations

import pytest

from bot.input_guard import EMPTY_MESSAGE_PROMPT as PROMPT
from bot.input_guard import TRUNCATED_NOTE

from .conftest import SERVICE_BUSY, Cluster, assert_clean, new_sender

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NOT_COVERED = "暂未收录"
CITIES = ("三门峡", "登封", "平顶山", "三明", "滨州")


@pytest.mark.parametrize(
    "message, expect",
    [
        ("", [PROMPT]),
        ("   ", [PROMPT]),
        ("\u3000\t\n", [PROMPT]),
        ("\u200b", [PROMPT]),
        (None, [PROMPT]),  # "message": null — Rasa alone fails with a GraphComponentException
        ("平顶山专精特新有什么奖励" * 834, [TRUNCATED_NOTE, "20万元"]),  # 10,008 characters
        ("啊" * 10000, [TRUNCATED_NOTE]),
        ("😀😀🎉👍", []),
        ("平顶山的little giant企业 reward 多少 money?", []),
        ("平顶山 小巨人 award how much", []),  # the NLU takes mixed-language questions as off-topic
        ("平顶山小巨人奖励多少 (little giant)", []),
        ("\x00\x01\x07\x1b[31m平顶山专精特新奖励\x7f\x08", ["20万元"]),
        ("'; DROP TABLE benefits; --", []),
        ("平顶山小巨人' OR '1'='1", []),
        ("<script>alert('x')</script>", []),
        ("<b>平顶山</b>专精特新<img src=x onerror=alert(1)>奖励", []),
        ("郑州专精特新有什么奖励", ["郑州", "登封"]),  # 登封 is a county-level city of 郑州
        ("北京上市奖多少", [NOT_COVERED, "北京"]),
        ("郏县小巨人奖励", ["【平顶山】", "50万元"]),
        ("舞钢市专精特新有什么奖励", ["【平顶山】"]),
        ("滨州上市融资１５亿奖多少", ["700万元"]),
        ("滨州上市融资15.0亿元奖多少", ["700万元"]),
        ("滨州上市融资壹拾伍亿奖多少", ["700万元"]),
        ("滨州上市融资1.5e9奖多少", ["700万元"]),
        ("滨州上市融资-15亿奖多少", []),
        ("滨州上市融资999999999999999999999亿奖多少", []),
        ('/inform_city{"city": "<script>"}', []),
        ("/nonexistent_intent", []),
        ('{"json": [1, 2, 3]}', []),
    ],
    ids=lambda value: repr(value)[:30] if not isinstance(value, list) else None,
)
def test_every_message_gets_a_clean_reply(healthy: Cluster, message, expect):
    sender = new_sender("bad")
    for server in healthy.servers:
        reply = server.say(sender, message)
        assert_clean(reply)
        assert SERVICE_BUSY not in reply.text
        for text in expect:
            assert text in reply.text, reply.text


def test_missing_message_field_and_broken_json(healthy: Cluster):
    reply = healthy.a.post_raw(b'{"sender": "no-message"}')
    assert reply.status_code == 200
    assert [m.get("text") for m in reply.json()] == [PROMPT]
    broken = healthy.a.post_raw(b'{"sender": "x", "message": ')
    assert broken.status_code == 400  # Sanic rejects unparsable JSON itself: a client error, not a 5xx
    assert "Traceback" not in broken.text and "/work/" not in broken.text


def test_blank_messages_leave_no_trace_and_keep_the_context(healthy: Cluster):
    sender = new_sender("blank")
    healthy.a.say(sender, "平顶山专精特新有什么奖励")
    for message in ("", "  ", None):
        assert healthy.b.say(sender, message).text == PROMPT
    follow_up = healthy.b.say(sender, "找哪个部门")
    assert "【平顶山】" in follow_up.text and "市财政局" in follow_up.text
    assert [user for user, _ in healthy.turns(sender)] == ["平顶山专精特新有什么奖励", "找哪个部门"]


def test_unknown_city_lists_the_covered_ones(healthy: Cluster):
    reply = healthy.a.say(new_sender("city"), "郑州专精特新有什么奖励")
    assert sum(city in reply.text for city in CITIES) == len(CITIES)
