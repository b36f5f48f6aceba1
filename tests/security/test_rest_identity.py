"""Class 6 (one identity per user), REST side, live on `make run`: a REST call needs a valid sender,
and its conversation is `rest:<sender>`, apart from every other channel's users
(bot/channels/rest_channel.py)."""

from __future__ import annotations

import uuid

import pytest
import requests

QUESTION = "专精特新小巨人奖励多少"


def _rest(bot, body, **kwargs):
    return requests.post(f"{bot.rasa}/webhooks/rest/webhook", json=body, timeout=30, **kwargs)


def _text(reply) -> str:
    return "\n".join(m.get("text", "") for m in reply.json())


def _events(bot, conversation_id: str) -> list:
    reply = requests.get(
        f"{bot.rasa}/conversations/{conversation_id}/tracker",
        params={"token": bot.token, "include_events": "ALL"},
        timeout=10,
    )
    reply.raise_for_status()
    return reply.json()["events"]


@pytest.mark.parametrize(
    "body", [{"message": "你好"}, {"sender": None, "message": "你好"}, {"sender": "", "message": "你好"}]
)
def test_a_call_without_sender_gets_400_with_a_clear_message(launched_bot, body):
    reply = _rest(launched_bot, body)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert "缺少 sender" in error and 'Missing "sender"' in error


@pytest.mark.parametrize("sender", ["a\nb", "x" * 65, "用户甲", "a b", "<script>", {"id": 1}, ["u"], True])
def test_an_invalid_sender_gets_400(launched_bot, sender):
    reply = _rest(launched_bot, {"sender": sender, "message": "你好"})
    assert reply.status_code == 400
    assert "sender 无效" in reply.json()["error"]


def test_a_body_that_is_not_an_object_gets_400(launched_bot):
    reply = requests.post(
        f"{launched_bot.rasa}/webhooks/rest/webhook",
        data='["你好"]',
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 400 and "JSON" in reply.json()["error"]


def test_the_reply_names_the_sender_the_caller_sent(launched_bot):
    sender = f"company-{uuid.uuid4().hex[:8]}"
    reply = _rest(launched_bot, {"sender": sender, "message": "平顶山小巨人奖多少"})
    assert reply.status_code == 200 and reply.json()
    assert {m["recipient_id"] for m in reply.json()} == {sender}
    numeric = _rest(launched_bot, {"sender": 4242, "message": "你好"})
    assert numeric.status_code == 200 and {m["recipient_id"] for m in numeric.json()} == {"4242"}


def test_a_rest_caller_using_another_channels_id_neither_reads_nor_changes_that_conversation(launched_bot):
    openid = f"oVictim{uuid.uuid4().hex[:12]}"
    victims = [openid, f"wechat:{openid}", f"socketio:{openid}"]  # the user's id as WeChat/Socket.IO store it
    seeded = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "slot", "name": "city", "value": "平顶山"},
    ]
    for victim in victims:
        reply = requests.post(
            f"{launched_bot.rasa}/conversations/{victim}/tracker/events",
            params={"token": launched_bot.token},
            json=seeded,
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
    before = {victim: len(_events(launched_bot, victim)) for victim in victims}

    intruder = _rest(launched_bot, {"sender": openid, "message": QUESTION})
    stranger = _rest(launched_bot, {"sender": f"stranger-{uuid.uuid4().hex[:8]}", "message": QUESTION})
    assert intruder.status_code == stranger.status_code == 200
    assert _text(intruder) == _text(stranger)  # the victim's city was not read
    assert {victim: len(_events(launched_bot, victim)) for victim in victims} == before  # nor changed
    own = [e.get("text") for e in _events(launched_bot, f"rest:{openid}") if e["event"] == "user"]
    assert own == [QUESTION]
