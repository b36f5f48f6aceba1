"""Unit tests for bot.channels.socketio_channel.PolicySocketIOInput (no browser, no server).

The handlers that Rasa registers on the python-socketio AsyncServer are called
directly, with ``sio.enter_room`` / ``sio.emit`` replaced by mocks, so both the
python-socketio < 5.10 (plain function) and >= 5.10 (coroutine) behaviours of
``enter_room`` are covered whatever version is installed.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, List
from unittest import mock

import pytest

pytest.importorskip("rasa")

from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.core.channels.socketio import SocketIOInput  # noqa: E402

from bot.channels import socketio_channel  # noqa: E402
from bot.channels.socketio_channel import (  # noqa: E402
    EMPTY_MESSAGE_PROMPT,
    MAX_MESSAGE_CHARS,
    TRUNCATED_NOTE,
    PolicySocketIOInput,
)

CREDENTIALS = {
    "user_message_evt": "user_uttered",
    "bot_message_evt": "bot_uttered",
    "session_persistence": True,
}


class Harness:
    """A channel with its blueprint built, mocked socket calls and a recording bot."""

    def __init__(self, credentials: dict = CREDENTIALS, enter_room: Any = None) -> None:
        self.received: List[UserMessage] = []
        self.channel = PolicySocketIOInput.from_credentials(dict(credentials))

        async def on_new_message(message: UserMessage) -> None:
            self.received.append(message)

        self.blueprint = self.channel.blueprint(on_new_message)
        self.sio = self.channel.sio
        self.sio.emit = mock.AsyncMock()
        self.sio.enter_room = enter_room if enter_room is not None else mock.MagicMock(return_value=None)
        namespace = self.channel.namespace or "/"
        self.handlers = self.sio.handlers[namespace]

    def call(self, event: str, *args: Any) -> Any:
        return asyncio.run(self.handlers[event](*args))

    def emitted(self, event: str) -> List[mock._Call]:
        return [c for c in self.sio.emit.await_args_list if c.args and c.args[0] == event]

    def bot_texts(self) -> List[str]:
        return [c.args[1].get("text") for c in self.emitted("bot_uttered")]


def test_is_a_rasa_socketio_channel():
    channel = PolicySocketIOInput.from_credentials(dict(CREDENTIALS))
    assert isinstance(channel, SocketIOInput)
    assert PolicySocketIOInput.name() == "socketio"
    assert channel.session_persistence is True
    assert channel.user_message_evt == "user_uttered"
    assert channel.bot_message_evt == "bot_uttered"


def test_rasa_loads_it_from_credentials_by_class_path():
    from rasa.core import run

    channel = run._create_single_channel(
        "bot.channels.socketio_channel.PolicySocketIOInput", dict(CREDENTIALS)
    )
    assert isinstance(channel, PolicySocketIOInput)


def test_session_request_awaits_coroutine_enter_room():
    """python-socketio >= 5.10: AsyncServer.enter_room is a coroutine function."""
    entered = []

    async def enter_room(sid, room, namespace=None):
        await asyncio.sleep(0)
        entered.append((sid, room))

    h = Harness(enter_room=enter_room)
    h.call("session_request", "sid-1", {"session_id": "sess-1"})

    assert entered == [("sid-1", "sess-1")]  # would stay empty if not awaited
    assert h.emitted("session_confirm") == [mock.call("session_confirm", "sess-1", room="sid-1")]


def test_session_request_awaits_async_mock_enter_room():
    enter_room = mock.AsyncMock()
    h = Harness(enter_room=enter_room)
    h.call("session_request", "sid-1", {"session_id": "sess-1"})
    enter_room.assert_awaited_once_with("sid-1", "sess-1")


def test_session_request_with_plain_enter_room():
    """python-socketio < 5.10 (the pinned version): enter_room returns None."""
    enter_room = mock.MagicMock(return_value=None)
    h = Harness(enter_room=enter_room)
    h.call("session_request", "sid-1", {"session_id": "sess-1"})
    enter_room.assert_called_once_with("sid-1", "sess-1")
    assert h.emitted("session_confirm") == [mock.call("session_confirm", "sess-1", room="sid-1")]


def test_session_request_without_session_id_creates_one():
    enter_room = mock.AsyncMock()
    h = Harness(enter_room=enter_room)
    for data in (None, {}, {"session_id": None}):
        h.sio.emit.reset_mock()
        enter_room.reset_mock()
        h.call("session_request", "sid-2", data)
        (confirm,) = h.emitted("session_confirm")
        session_id = confirm.args[1]
        assert isinstance(session_id, str) and len(session_id) == 32
        enter_room.assert_awaited_once_with("sid-2", session_id)


def test_no_room_without_session_persistence():
    enter_room = mock.AsyncMock()
    h = Harness({**CREDENTIALS, "session_persistence": False}, enter_room=enter_room)
    h.call("session_request", "sid-3", {"session_id": "sess-3"})
    enter_room.assert_not_called()
    assert h.emitted("session_confirm")


def test_the_installed_python_socketio_enter_room_is_handled():
    """Against the real AsyncServer.enter_room of whatever version is installed."""
    h = Harness()
    real = type(h.sio).enter_room.__get__(h.sio)
    calls = []

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(result)
        return result

    h.sio.enter_room = spy
    manager_mock = (
        mock.AsyncMock(return_value=None)
        if inspect.iscoroutinefunction(h.sio.manager.enter_room)
        else mock.MagicMock(return_value=None)
    )
    with mock.patch.object(h.sio.manager, "enter_room", manager_mock) as manager_enter:
        h.call("session_request", "sid-4", {"session_id": "sess-4"})
    assert len(calls) == 1
    # If it was a coroutine, it has been awaited, so the manager was reached.
    manager_enter.assert_called_once()


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u3000\u3000", "\u200b", " \ufeff "])
def test_empty_message_gets_a_prompt_and_is_not_sent_to_the_bot(text):
    h = Harness()
    h.call("user_uttered", "sid-5", {"message": text, "session_id": "sess-5"})
    assert h.received == []
    assert h.emitted("bot_uttered") == [
        mock.call("bot_uttered", {"text": EMPTY_MESSAGE_PROMPT}, room="sess-5")
    ]


def test_missing_message_field_gets_a_prompt():
    h = Harness()
    h.call("user_uttered", "sid-5", {"session_id": "sess-5"})
    assert h.received == []
    assert h.bot_texts() == [EMPTY_MESSAGE_PROMPT]


def test_prompt_goes_to_the_socket_without_session_persistence():
    h = Harness({**CREDENTIALS, "session_persistence": False})
    h.call("user_uttered", "sid-6", {"message": "  "})
    assert h.received == []
    assert h.emitted("bot_uttered") == [
        mock.call("bot_uttered", {"text": EMPTY_MESSAGE_PROMPT}, room="sid-6")
    ]


def test_prompt_is_short_chinese():
    assert len(EMPTY_MESSAGE_PROMPT) < 60
    assert "请输入" in EMPTY_MESSAGE_PROMPT


def test_normal_message_reaches_the_bot_unchanged():
    h = Harness({**CREDENTIALS, "metadata_key": "customData"})
    h.call(
        "user_uttered",
        "sid-7",
        {"message": "平顶山有什么补贴？", "session_id": "sess-7", "customData": {"language": "zh"}},
    )
    assert [m.text for m in h.received] == ["平顶山有什么补贴？"]
    message = h.received[0]
    assert message.sender_id == "sess-7"
    assert message.input_channel == "socketio"
    assert message.metadata == {"language": "zh"}
    assert h.emitted("bot_uttered") == []


def test_button_payload_reaches_the_bot_unchanged():
    h = Harness()
    payload = '/inform_city{"city":"平顶山"}'
    h.call("user_uttered", "sid-8", {"message": payload, "session_id": "sess-8"})
    assert [m.text for m in h.received] == [payload]


def test_message_of_exactly_max_length_is_kept():
    h = Harness()
    text = "补" * MAX_MESSAGE_CHARS
    h.call("user_uttered", "sid-9", {"message": text, "session_id": "sess-9"})
    assert h.received[0].text == text
    assert h.bot_texts() == []


def test_long_message_is_truncated_with_a_note():
    h = Harness()
    text = "政策" * 1500  # 3000 characters
    h.call("user_uttered", "sid-10", {"message": text, "session_id": "sess-10"})
    assert len(h.received) == 1
    assert h.received[0].text == text[:MAX_MESSAGE_CHARS]
    assert len(h.received[0].text) == 2000
    assert h.emitted("bot_uttered") == [
        mock.call("bot_uttered", {"text": TRUNCATED_NOTE}, room="sess-10")
    ]
    assert "2000" in TRUNCATED_NOTE


def test_message_without_session_id_is_still_ignored_like_rasa():
    h = Harness()
    with pytest.warns(UserWarning, match="session_id"):
        h.call("user_uttered", "sid-11", {"message": "你好"})
    assert h.received == []


def test_is_blank():
    assert socketio_channel.is_blank(None)
    assert socketio_channel.is_blank(" \u3000\u200b\n")
    assert not socketio_channel.is_blank(" 0 ")
    assert not socketio_channel.is_blank("补贴")


def test_answers_keep_their_lines_in_the_widget():
    from bot.channels.socketio_channel import markdown_line_breaks

    assert markdown_line_breaks("【平顶山】奖励\n一次性奖励:50万元") == "【平顶山】奖励  \n一次性奖励:50万元"
