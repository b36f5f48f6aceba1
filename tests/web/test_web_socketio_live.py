"""The socketio channel of a running Rasa (the test bot or RASA_URL), driven by a
python-socketio client the way rasa-webchat drives it. No browser needed.

The client presents the page's origin (the first of WEB_ORIGIN, by default
http://localhost:8080) as a browser on the page would.
"""

from __future__ import annotations

import queue
from typing import Any, Dict, List, Optional

import pytest

socketio = pytest.importorskip("socketio")

from bot.channels.socketio_channel import allowed_web_origins  # noqa: E402
from bot.input_guard import EMPTY_MESSAGE_PROMPT, TRUNCATED_NOTE  # noqa: E402

REPLY_TIMEOUT_S = 30
PAGE_ORIGIN = allowed_web_origins()[0]


class WebchatLikeClient:
    def __init__(
        self,
        url: str,
        session_id: Optional[Any] = None,
        origin: Optional[str] = PAGE_ORIGIN,
        transports: Optional[List[str]] = None,
    ) -> None:
        self.events: queue.Queue[tuple] = queue.Queue()
        # The Origin header on both transports, once (websocket-client would add its own).
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
        self.sio.on("session_confirm", lambda data: self.events.put(("session_confirm", data)))
        self.sio.on("bot_uttered", lambda data: self.events.put(("bot_uttered", data)))
        headers = {"Origin": origin} if origin else {}
        self.sio.connect(url, headers=headers, transports=transports, socketio_path="/socket.io", wait_timeout=20)
        self.sio.emit("session_request", {"session_id": session_id})
        kind, self.session_id = self.events.get(timeout=REPLY_TIMEOUT_S)
        assert kind == "session_confirm"

    def say(self, text: str, session_id: Optional[Any] = None) -> None:
        self.sio.emit(
            "user_uttered",
            {
                "message": text,
                "customData": {"language": "zh"},
                "session_id": self.session_id if session_id is None else session_id,
            },
        )

    def replies(self, settle: float = 2.0) -> List[Dict[str, Any]]:
        """Bot messages until none has come for `settle` seconds (at least one awaited)."""
        try:
            out = [self.events.get(timeout=REPLY_TIMEOUT_S)[1]]
        except queue.Empty:
            raise AssertionError(f"no bot message on this socket within {REPLY_TIMEOUT_S} s") from None
        while True:
            try:
                out.append(self.events.get(timeout=settle)[1])
            except queue.Empty:
                return out

    def nothing_for(self, seconds: float) -> bool:
        try:
            self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def close(self) -> None:
        self.sio.disconnect()


def sender_id_of(session_id: str) -> str:
    """The sender id Rasa keeps for a session (what logs and trackers show).

    Today's ids are ``<hex>.<signature>`` with sender ``socketio:<hex>``; Rasa's own
    channel used the session id itself.
    """
    if "." in session_id:
        return "socketio:" + session_id.split(".")[0]
    return session_id


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


def test_the_websocket_transport_works_from_the_page_origin(rasa_url):
    c = WebchatLikeClient(rasa_url, transports=["websocket"])
    try:
        c.say("你好")
        assert c.replies()
    finally:
        c.close()


# --- one identity per user ---------------------------------------------------------------------


def test_another_socket_cannot_claim_a_users_session(rasa_url):
    """An attacker who learnt the victim's sender id (logs, trackers) claims it as session id:
    they get a session of their own, and the victim's replies stay with the victim."""
    victim = WebchatLikeClient(rasa_url)
    claimed = sender_id_of(victim.session_id)
    attackers = [WebchatLikeClient(rasa_url, session_id=claim) for claim in {claimed, claimed.split(":")[-1]}]
    try:
        for attacker in attackers:
            assert attacker.session_id not in (victim.session_id, claimed)
        victim.say("滨州工业企业技术改造有什么补贴？")
        assert victim.replies()
        for attacker in attackers:
            assert attacker.nothing_for(3), "the attacker's socket received the victim's reply"
    finally:
        victim.close()
        for attacker in attackers:
            attacker.close()


def test_another_socket_cannot_speak_as_a_user(rasa_url):
    """A message naming the victim's session (or sender id) is the attacker's own."""
    victim = WebchatLikeClient(rasa_url)
    attacker = WebchatLikeClient(rasa_url)
    try:
        for claim in (sender_id_of(victim.session_id), victim.session_id):
            attacker.say("平顶山有什么补贴？", session_id=claim)
            assert attacker.replies(), "the attacker's message was answered to someone else"
        assert victim.nothing_for(3), "a stranger's message was answered in the victim's conversation"
    finally:
        victim.close()
        attacker.close()


# --- only the page's origin ---------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["polling", "websocket"])
@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:8081"])
def test_a_page_on_another_origin_cannot_open_a_socket(rasa_url, origin, transport):
    if origin in allowed_web_origins():
        pytest.skip(f"{origin} is allowed by this WEB_ORIGIN")
    with pytest.raises(socketio.exceptions.ConnectionError):
        c = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
        try:
            c.connect(
                rasa_url,
                headers={"Origin": origin},
                transports=[transport],
                socketio_path="/socket.io",
                wait_timeout=10,
            )
        finally:
            c.disconnect()
