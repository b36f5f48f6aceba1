"""The socketio channel of a running Rasa (stand-in or RASA_URL), driven by a
python-socketio client the way rasa-webchat drives it. No browser needed."""

from __future__ import annotations

import queue
from typing import Any, Dict, List, Optional

import pytest

socketio = pytest.importorskip("socketio")

from bot.channels.socketio_channel import (  # noqa: E402
    EMPTY_MESSAGE_PROMPT,
    TRUNCATED_NOTE,
)

REPLY_TIMEOUT_S = 30


class WebchatLikeClient:
    def __init__(self, url: str, session_id: Optional[str] = None) -> None:
        self.events: "queue.Queue[tuple]" = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("session_confirm", lambda data: self.events.put(("session_confirm", data)))
        self.sio.on("bot_uttered", lambda data: self.events.put(("bot_uttered", data)))
        self.sio.connect(url, socketio_path="/socket.io", wait_timeout=20)
        self.sio.emit("session_request", {"session_id": session_id})
        kind, self.session_id = self.events.get(timeout=REPLY_TIMEOUT_S)
        assert kind == "session_confirm"

    def say(self, text: str) -> None:
        self.sio.emit(
            "user_uttered",
            {"message": text, "customData": {"language": "zh"}, "session_id": self.session_id},
        )

    def replies(self, settle: float = 2.0) -> List[Dict[str, Any]]:
        """Bot messages until none has come for `settle` seconds (at least one awaited)."""
        out = [self.events.get(timeout=REPLY_TIMEOUT_S)[1]]
        while True:
            try:
                out.append(self.events.get(timeout=settle)[1])
            except queue.Empty:
                return out

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def client(rasa_url):
    c = WebchatLikeClient(rasa_url)
    yield c
    c.close()


def test_session_is_confirmed(client):
    assert isinstance(client.session_id, str) and client.session_id


def test_question_gets_a_reply_in_the_session_room(client):
    """With session_persistence the reply goes to the session room: it only
    arrives if the socket entered that room (the enter_room fix)."""
    client.say("平顶山小规模纳税人免征增值税的标准是多少？")
    replies = client.replies()
    assert any((r.get("text") or "").strip() or r.get("attachment") for r in replies)


def test_blank_message_gets_the_prompt(client):
    client.say(" \u3000 ")
    replies = client.replies(settle=1.5)
    assert [r.get("text") for r in replies] == [EMPTY_MESSAGE_PROMPT]


def test_long_message_gets_the_note_then_a_reply(client):
    client.say("请问补贴政策" * 400)  # 2400 characters
    replies = client.replies()
    assert replies[0].get("text") == TRUNCATED_NOTE
    assert len(replies) >= 2


def test_city_button_payload_is_understood(client, using_real_bot):
    client.say('/inform_city{"city":"平顶山"}')
    replies = client.replies()
    texts = " ".join((r.get("text") or "") for r in replies)
    assert texts.strip()
    if not using_real_bot:
        assert "平顶山" in texts


def test_reconnect_with_same_session_id(rasa_url):
    """What the page does after a reload (session storage): same session id."""
    first = WebchatLikeClient(rasa_url)
    session_id = first.session_id
    first.close()
    second = WebchatLikeClient(rasa_url, session_id=session_id)
    try:
        assert second.session_id == session_id
        second.say("有什么补贴")
        assert second.replies()
    finally:
        second.close()
