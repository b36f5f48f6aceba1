"""Unit tests for bot.channels.socketio_channel.PolicySocketIOInput (no browser, no server).

The handlers that the channel registers on its python-socketio AsyncServer are
called directly, with ``sio.enter_room`` / ``sio.emit`` replaced by mocks, so
both the python-socketio < 5.10 (plain function) and >= 5.10 (coroutine)
behaviours of ``enter_room`` are covered whatever version is installed.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import stat
from typing import Any, List
from unittest import mock

import pytest

pytest.importorskip("rasa")

from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.core.channels.socketio import SocketIOInput  # noqa: E402

from bot import input_guard  # noqa: E402
from bot.channels.socketio_channel import (  # noqa: E402
    PolicySocketIOInput,
    SessionSigner,
    allowed_web_origins,
    bounded_metadata,
    load_session_secret,
)
from bot.input_guard import EMPTY_MESSAGE_PROMPT, MAX_MESSAGE_CHARS, TRUNCATED_NOTE  # noqa: E402

CREDENTIALS = {
    "user_message_evt": "user_uttered",
    "bot_message_evt": "bot_uttered",
    "session_persistence": True,
}
SECRET = "unit-test-secret-" + "x" * 32
SENDER_RE = re.compile(r"socketio:[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def session_secret(monkeypatch):
    monkeypatch.setenv("SOCKETIO_SESSION_SECRET", SECRET)
    monkeypatch.delenv("WEB_ORIGIN", raising=False)


def sender_of(session_id: str) -> str:
    """The Rasa sender id of a session id issued under SECRET."""
    sender = SessionSigner(SECRET.encode()).sender_id(session_id)
    assert sender is not None, session_id
    return sender


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
        self.sio.leave_room = mock.MagicMock(return_value=None)
        namespace = self.channel.namespace or "/"
        self.handlers = self.sio.handlers[namespace]

    def call(self, event: str, *args: Any) -> Any:
        return asyncio.run(self.handlers[event](*args))

    def emitted(self, event: str) -> List[mock._Call]:
        return [c for c in self.sio.emit.await_args_list if c.args and c.args[0] == event]

    def session(self, sid: str, data: Any = None) -> str:
        """session_request from socket `sid`; returns the confirmed session id."""
        before = len(self.emitted("session_confirm"))
        self.call("session_request", sid, data)
        confirms = self.emitted("session_confirm")[before:]
        assert len(confirms) == 1
        assert confirms[0].kwargs["room"] == sid
        return confirms[0].args[1]

    def say(self, sid: str, text: Any, session_id: Any, **extra: Any) -> None:
        self.call("user_uttered", sid, {"message": text, "session_id": session_id, **extra})

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

    channel = run._create_single_channel("bot.channels.socketio_channel.PolicySocketIOInput", dict(CREDENTIALS))
    assert isinstance(channel, PolicySocketIOInput)


# --- enter_room, whatever python-socketio does -------------------------------------------------


def test_session_request_awaits_coroutine_enter_room():
    """python-socketio >= 5.10: AsyncServer.enter_room is a coroutine function."""
    entered = []

    async def enter_room(sid, room, namespace=None):
        await asyncio.sleep(0)
        entered.append((sid, room))

    h = Harness(enter_room=enter_room)
    session_id = h.session("sid-1", {})
    assert entered == [("sid-1", sender_of(session_id))]  # would stay empty if not awaited


def test_session_request_awaits_async_mock_enter_room():
    enter_room = mock.AsyncMock()
    h = Harness(enter_room=enter_room)
    session_id = h.session("sid-1", {})
    enter_room.assert_awaited_once_with("sid-1", sender_of(session_id), namespace=None)


def test_session_request_with_plain_enter_room():
    """python-socketio < 5.10 (the pinned version): enter_room returns None."""
    enter_room = mock.MagicMock(return_value=None)
    h = Harness(enter_room=enter_room)
    session_id = h.session("sid-1", {})
    enter_room.assert_called_once_with("sid-1", sender_of(session_id), namespace=None)


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
        h.session("sid-4", {})
    assert len(calls) == 1
    # If it was a coroutine, it has been awaited, so the manager was reached.
    manager_enter.assert_called_once()


# --- one identity per user: session ids are issued by the server --------------------------------


@pytest.mark.parametrize("data", [None, {}, {"session_id": None}, "session", 42, ["x"]])
def test_session_request_without_a_session_id_gets_a_signed_one(data):
    h = Harness()
    session_id = h.session("sid-2", data)
    assert SENDER_RE.fullmatch(sender_of(session_id))
    h.sio.enter_room.assert_called_once_with("sid-2", sender_of(session_id), namespace=None)


def _victim_claims(victim_session_id: str) -> List[Any]:
    """What an attacker can claim without holding the victim's session id itself."""
    victim_sender = sender_of(victim_session_id)
    session_hex, signature = victim_session_id.split(".")
    other_secret = SessionSigner(b"another-server-secret-" + b"y" * 32)
    return [
        victim_sender,  # copied from a log or a tracker
        victim_sender[len("socketio:") :],  # its hex part
        session_hex + "." + "A" * len(signature),  # forged signature
        session_hex + "." + signature[:-1],  # truncated signature
        other_secret.issue(),  # signed with another secret
        victim_session_id + "\n",  # not exactly the id
        " " + victim_session_id,
        victim_session_id.upper(),
        "sess-1",  # an old-style free id
        "x" * 10_000,
        {"session_id": victim_session_id},
        12345,
    ]


def test_a_session_id_not_issued_here_is_replaced_by_a_fresh_one():
    h = Harness()
    victim = h.session("sid-victim", {})
    victim_room = sender_of(victim)
    for i, claim in enumerate(_victim_claims(victim)):
        sid = f"sid-attacker-{i}"
        h.sio.enter_room.reset_mock()
        confirmed = h.session(sid, {"session_id": claim})
        assert confirmed != claim and confirmed != victim, claim
        assert sender_of(confirmed) != victim_room
        h.sio.enter_room.assert_called_once_with(sid, sender_of(confirmed), namespace=None)


def test_the_issued_session_id_survives_a_reload():
    """rasa-webchat sends the stored id again from the reloaded page (another socket)."""
    h = Harness()
    first = h.session("sid-before-reload", {})
    again = h.session("sid-after-reload", {"session_id": first})
    assert again == first
    h.say("sid-after-reload", "有什么补贴", again)
    assert [m.sender_id for m in h.received] == [sender_of(first)]


def test_a_socket_speaks_only_as_its_own_session():
    """A message naming another session is still the sender's own (Rasa 3.6 took the claim)."""
    h = Harness()
    victim = h.session("sid-victim", {})
    attacker = h.session("sid-attacker", {})
    for claim in [victim, sender_of(victim), *_victim_claims(victim)]:
        h.say("sid-attacker", "我是谁", claim)
    assert {m.sender_id for m in h.received} == {sender_of(attacker)}
    rooms = {c.kwargs["room"] for c in h.emitted("bot_uttered")}
    assert sender_of(victim) not in rooms and "sid-victim" not in rooms


def test_a_message_before_any_session_request_needs_an_issued_id():
    h = Harness()
    victim = h.session("sid-victim", {})
    for claim in _victim_claims(victim):
        h.say("sid-stranger", "你好", claim)
    h.say("sid-no-id", "你好", None)
    assert h.received == []
    assert h.emitted("bot_uttered") == []
    # a page that skipped session_request but holds its issued id is let in, as itself
    h.say("sid-reconnected", "你好", victim)
    assert [m.sender_id for m in h.received] == [sender_of(victim)]


def test_sender_ids_are_namespaced_and_plain(monkeypatch):
    monkeypatch.setenv("CLIENT_MESSAGES_PER_MINUTE", "0")  # 20 sockets of one (unknown) address: no rate here
    h = Harness()
    for i in range(20):
        session_id = h.session(f"sid-{i}", {"session_id": f"user\n{i}"})
        h.say(f"sid-{i}", "你好", session_id)
    assert len(h.received) == 20
    assert all(SENDER_RE.fullmatch(m.sender_id) for m in h.received)
    assert len({m.sender_id for m in h.received}) == 20
    assert {m.input_channel for m in h.received} == {"socketio"}


def test_a_new_session_request_on_the_same_socket_leaves_the_old_room():
    h = Harness()
    first = h.session("sid-1", {})
    second = h.session("sid-1", {"session_id": "not-issued"})
    h.sio.leave_room.assert_called_once_with("sid-1", sender_of(first), namespace=None)
    h.say("sid-1", "你好", first)
    assert [m.sender_id for m in h.received] == [sender_of(second)]


def test_without_session_persistence_every_socket_gets_a_fresh_session():
    h = Harness({**CREDENTIALS, "session_persistence": False})
    first = h.session("sid-1", {})
    again = h.session("sid-2", {"session_id": first})
    assert again != first
    h.say("sid-3", "你好", None)  # no session_request at all
    (message,) = h.received
    assert SENDER_RE.fullmatch(message.sender_id)
    assert message.sender_id not in (sender_of(first), sender_of(again))


def test_a_disconnected_socket_is_forgotten():
    h = Harness()
    session_id = h.session("sid-1", {})
    h.call("disconnect", "sid-1")
    h.say("sid-1", "你好", "forged")
    assert h.received == []
    h.say("sid-1", "你好", session_id)
    assert [m.sender_id for m in h.received] == [sender_of(session_id)]


# --- the signer and its secret ----------------------------------------------------------------


def test_signer_accepts_its_own_ids_only():
    signer = SessionSigner(SECRET.encode())
    other = SessionSigner(b"z" * 40)
    ids = {signer.issue() for _ in range(50)}
    assert len(ids) == 50
    for session_id in ids:
        assert re.fullmatch(r"[0-9a-f]{32}\.[A-Za-z0-9_-]{43}", session_id)
        assert signer.sender_id(session_id) == "socketio:" + session_id.split(".")[0]
        assert other.sender_id(session_id) is None
    for bad in (None, 1, b"x", "", "a.b", "socketio:" + "0" * 32):
        assert signer.sender_id(bad) is None
    with pytest.raises(ValueError):
        SessionSigner(b"short")


def test_secret_from_the_environment(tmp_path):
    secret_file = tmp_path / "var" / "socketio_secret"
    assert load_session_secret({"SOCKETIO_SESSION_SECRET": SECRET}, secret_file) == SECRET.encode()
    assert not secret_file.exists()
    with pytest.raises(ValueError, match="SOCKETIO_SESSION_SECRET"):
        load_session_secret({"SOCKETIO_SESSION_SECRET": "too-short"}, secret_file)


def test_secret_made_on_first_start_and_kept(tmp_path):
    secret_file = tmp_path / "var" / "socketio_secret"
    first = load_session_secret({}, secret_file)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert load_session_secret({}, secret_file) == first  # a restart, or a second server
    assert sorted(p.name for p in secret_file.parent.iterdir()) == ["socketio_secret"]
    # ids issued before a restart are still accepted after it
    before = SessionSigner(first).issue()
    assert SessionSigner(load_session_secret({}, secret_file)).sender_id(before)


def test_an_emptied_secret_file_is_an_error(tmp_path):
    secret_file = tmp_path / "socketio_secret"
    secret_file.write_text("\n")
    with pytest.raises(ValueError, match="delete it"):
        load_session_secret({}, secret_file)


# --- origins ----------------------------------------------------------------------------------


def test_web_origins_default_to_the_page_of_make_run():
    assert allowed_web_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]


def test_web_origins_from_the_environment():
    env = {"WEB_ORIGIN": "https://Chat.Example.cn/, http://127.0.0.1:8081,https://x.cn:443"}
    assert allowed_web_origins(env) == ["https://chat.example.cn", "http://127.0.0.1:8081", "https://x.cn"]
    for bad in ("*", "chat.example.cn", "https://chat.example.cn/page", "ftp://x"):
        with pytest.raises(ValueError):
            allowed_web_origins({"WEB_ORIGIN": bad})


def test_the_socket_server_allows_the_page_origin_only(monkeypatch):
    monkeypatch.setenv("WEB_ORIGIN", "https://chat.example.cn")
    h = Harness()
    assert h.sio.eio.cors_allowed_origins == ["https://chat.example.cn"]
    # CORS headers stay Sanic-CORS's (`rasa run --cors`): two Access-Control-Allow-Origin
    # headers would make browsers refuse the answer.
    environ = {"HTTP_ORIGIN": "https://chat.example.cn", "REQUEST_METHOD": "GET"}
    assert h.sio.eio._cors_headers(environ) == []
    assert h.sio.eio.max_http_buffer_size <= 256 * 1024


# --- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u3000\u3000", "\u200b", " \ufeff ", None, 5, ["x"]])
def test_empty_message_gets_a_prompt_and_is_not_sent_to_the_bot(text):
    h = Harness()
    session_id = h.session("sid-5", {})
    h.say("sid-5", text, session_id)
    assert h.received == []
    assert h.emitted("bot_uttered") == [
        mock.call("bot_uttered", {"text": EMPTY_MESSAGE_PROMPT}, room=sender_of(session_id))
    ]


def test_missing_message_field_gets_a_prompt():
    h = Harness()
    session_id = h.session("sid-5", {})
    h.call("user_uttered", "sid-5", {"session_id": session_id})
    assert h.received == []
    assert h.bot_texts() == [EMPTY_MESSAGE_PROMPT]


def test_a_message_that_is_not_an_object_is_ignored():
    h = Harness()
    h.session("sid-5", {})
    for data in (None, "你好", 3, ["你好"]):
        h.call("user_uttered", "sid-5", data)
    assert h.received == [] and h.emitted("bot_uttered") == []


def test_prompt_is_short_chinese():
    assert len(EMPTY_MESSAGE_PROMPT) < 60
    assert "请输入" in EMPTY_MESSAGE_PROMPT


def test_normal_message_reaches_the_bot_unchanged():
    h = Harness({**CREDENTIALS, "metadata_key": "customData"})
    session_id = h.session("sid-7", {})
    h.say("sid-7", "平顶山有什么补贴？", session_id, customData={"language": "zh"})
    assert [m.text for m in h.received] == ["平顶山有什么补贴？"]
    message = h.received[0]
    assert message.sender_id == sender_of(session_id)
    assert message.input_channel == "socketio"
    # the channel adds the client address it saw ("unknown": this harness never connects a real socket)
    assert message.metadata == {"language": "zh", "client": "unknown"}
    assert h.emitted("bot_uttered") == []


def test_oversized_or_odd_metadata_is_dropped():
    assert bounded_metadata({"language": "zh"}) == {"language": "zh"}
    assert bounded_metadata('{"language": "zh"}') == {"language": "zh"}
    for value in ({"x": "补" * 3000}, "x" * 5000, "{not json", [1, 2], 7, None, {"x": object()}):
        assert bounded_metadata(value) == {}


def test_button_payload_reaches_the_bot_unchanged():
    h = Harness()
    session_id = h.session("sid-8", {})
    payload = '/inform_city{"city":"平顶山"}'
    h.say("sid-8", payload, session_id)
    assert [m.text for m in h.received] == [payload]


def test_message_of_exactly_max_length_is_kept():
    h = Harness()
    session_id = h.session("sid-9", {})
    text = "补" * MAX_MESSAGE_CHARS
    h.say("sid-9", text, session_id)
    assert h.received[0].text == text
    assert h.bot_texts() == []


def test_long_message_is_truncated_with_a_note():
    h = Harness()
    session_id = h.session("sid-10", {})
    text = "政策" * 1500  # 3000 characters
    h.say("sid-10", text, session_id)
    assert len(h.received) == 1
    assert h.received[0].text == text[:MAX_MESSAGE_CHARS]
    assert len(h.received[0].text) == 2000
    assert h.emitted("bot_uttered") == [mock.call("bot_uttered", {"text": TRUNCATED_NOTE}, room=sender_of(session_id))]
    assert "2000" in TRUNCATED_NOTE


def test_is_blank():
    assert input_guard.is_blank(None)
    assert input_guard.is_blank(" \u3000\u200b\n")
    assert not input_guard.is_blank(" 0 ")
    assert not input_guard.is_blank("补贴")


def test_answers_keep_their_lines_in_the_widget():
    from bot.channels.socketio_channel import markdown_line_breaks

    assert markdown_line_breaks("【平顶山】奖励\n一次性奖励:50万元") == "【平顶山】奖励  \n一次性奖励:50万元"


# -- a message's table --------------------------------------------------------------------------------------
WHERE_TABLE = {
    "columns": ["城市", "项目", "估算金额", "取决于"],
    "rows": [
        ["平顶山", "上市分段奖励", "1000万元", "待确认：在主板上市"],
        ["平顶山", "合计", "1000万元", "1项"],
        ["滨州", "拟上市企业分阶段补助", "300万元", "符合：有上市的打算"],
        ["滨州", "合计", "300万元", "1项"],
    ],
}


def test_a_message_with_a_table_is_sent_to_the_page_as_a_markdown_table():
    from bot.channels.socketio_channel import LineBreakingSocketIOOutput

    sio = mock.Mock()
    sio.emit = mock.AsyncMock()
    output = LineBreakingSocketIOOutput(sio, "bot_uttered")
    text = "【平顶山】合计约1000万元（1项）\n· 上市分段奖励：1000万元\n【滨州】合计约300万元（1项）"
    asyncio.run(output.send_text_message("socketio:abc", text, table=WHERE_TABLE, outcome="compared"))
    sent = sio.emit.await_args_list[-1].args[1]["text"]
    lines = sent.split("\n")
    assert lines[0] == "| 城市 | 项目 | 估算金额 | 取决于 |" and lines[1] == "|---|---|---|---|"
    assert lines[2] == "| 平顶山 | 上市分段奖励 | 1000万元 | 待确认：在主板上市 |"
    assert lines[-1] == "| 滨州 | 合计 | 300万元 | 1项 |" and len(lines) == 6

    # a malformed table (a row too short, not a list, cells not text) leaves the text as it is
    for broken in ({"columns": ["城市"], "rows": [["a", "b"]]}, {"columns": "城市", "rows": []}, {"rows": [[1]]}, "x"):
        asyncio.run(output.send_text_message("socketio:abc", text, table=broken))
        assert sio.emit.await_args_list[-1].args[1]["text"].startswith("【平顶山】合计约1000万元（1项）  \n")


def test_a_table_cell_can_neither_break_the_table_nor_become_a_link():
    from bot.channels.tables import MAX_CELL_CHARS, cell, markdown_table

    assert cell("A|B") == "A｜B"
    assert cell("[点我](http://evil.example)") == "点我(http://evil.example)"
    assert cell("**粗**\n第二行 <img src=x>") == "粗 第二行 img src=x"
    assert cell("") == "—"
    assert len(cell("长" * 500)) == MAX_CELL_CHARS + 1
    too_many_rows = {"columns": ["a"], "rows": [["x"]] * 1000}
    assert markdown_table(too_many_rows) is None
    assert markdown_table({"columns": ["a"], "rows": []}) is None
