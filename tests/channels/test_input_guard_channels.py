"""Blank and overlong messages get the same answer on every channel (bot.input_guard): REST and
WeChat over real HTTP (conftest.py), Socket.IO through the channel's own event handler. The bot is
the stand-in of conftest.py, which answers 「答复：<text>」 to whatever reaches it."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Callable, Dict, Iterator, List, Tuple
from unittest import mock

import pytest
import requests
from rasa.core.channels.channel import UserMessage

from bot.channels.rest_channel import NamespacedRestInput
from bot.channels.socketio_channel import PolicySocketIOInput
from bot.input_guard import EMPTY_MESSAGE_PROMPT, MAX_MESSAGE_CHARS, TRUNCATED_NOTE

from .conftest import ChannelServer, StandInBot, wait_until

QUESTION = "平顶山专精特新有什么奖励"
LONG = "平顶山专精特新小巨人企业奖励多少？" * 150  # 2550 characters
BLANKS = ["", "   ", "\u3000\t\n", "\u200b", "\u200b \ufeff\u2060"]

# ask(text, answer_follows=False) -> (what the user sees, the texts the bot received)
Ask = Callable[..., Tuple[List[str], List[str]]]


@pytest.fixture
def rest_server(loop_thread) -> Iterator[ChannelServer]:
    server = ChannelServer(loop_thread, NamespacedRestInput(), StandInBot(), url_prefix="/webhooks/rest")
    loop_thread.run(server.start())
    yield server
    loop_thread.run(server.stop())


def post_rest(server: ChannelServer, body: Dict[str, Any], stream: bool = False) -> List[Dict[str, Any]]:
    """The reply messages (with ?stream=true: one JSON object a line)."""
    with requests.Session() as http:
        http.trust_env = False  # never through a proxy for 127.0.0.1
        reply = http.post(
            f"{server.base_url}/webhooks/rest/webhook",
            params={"stream": "true"} if stream else None,
            json={"sender": "company-42", **body},
            timeout=10,
        )
    assert reply.status_code == 200, reply.text
    if stream:
        return [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    return reply.json()


@pytest.fixture
def rest(rest_server) -> Ask:
    def ask(text: Any, answer_follows: bool = False) -> Tuple[List[str], List[str]]:  # replies come whole
        before = len(rest_server.bot.calls)
        messages = post_rest(rest_server, {"message": text})
        return [m["text"] for m in messages], rest_server.bot.texts()[before:]

    return ask


@pytest.fixture
def socketio(monkeypatch) -> Ask:
    monkeypatch.setenv("SOCKETIO_SESSION_SECRET", "input-guard-test-" + "s" * 32)
    bot = StandInBot()
    channel = PolicySocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": False}
    )
    channel.blueprint(bot)
    sio = channel.sio
    sio.emit = mock.AsyncMock()
    sio.enter_room = mock.MagicMock(return_value=None)
    handle = sio.handlers[channel.namespace or "/"]["user_uttered"]

    def ask(text: Any, answer_follows: bool = False) -> Tuple[List[str], List[str]]:  # replies come whole
        sio.emit.reset_mock()
        before = len(bot.calls)
        asyncio.run(handle(f"sid-{uuid.uuid4().hex[:6]}", {"message": text}))
        said = [c.args[1]["text"] for c in sio.emit.await_args_list if c.args[0] == "bot_uttered"]
        return said, bot.texts()[before:]

    return ask


@pytest.fixture
def wechat(client) -> Ask:
    def ask(text: Any, answer_follows: bool = False) -> Tuple[List[str], List[str]]:
        """answer_follows: the answer is too long for the passive reply, its rest follows through the API."""
        before = len(client.bot.calls)
        openid = f"o_guard_{uuid.uuid4().hex[:6]}"
        said = [client.reply_text(client.send_text(text, openid=openid))]
        if answer_follows:
            said += wait_until(lambda: client.api.contents(openid))
        return said, client.bot.texts()[before:]

    return ask


CHANNELS = ["rest", "socketio", "wechat"]


@pytest.fixture(params=CHANNELS)
def ask(request: pytest.FixtureRequest) -> Ask:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_message_gets_the_prompt_and_never_reaches_the_bot(ask, blank):
    said, received = ask(blank)
    assert said == [EMPTY_MESSAGE_PROMPT]
    assert received == []


def test_an_overlong_message_is_answered_on_its_first_characters_after_the_note(ask):
    said, received = ask(LONG, answer_follows=True)
    assert received == [LONG[:MAX_MESSAGE_CHARS]]
    text = "\n\n".join(said)  # WeChat sends the messages of one answer as one text, split by size
    assert text.startswith(TRUNCATED_NOTE)
    assert "答复：平顶山专精特新小巨人企业奖励多少？" in text


def test_an_ordinary_message_passes_unchanged(ask):
    said, received = ask(QUESTION)
    assert received == [QUESTION]
    assert said == [f"答复：{QUESTION}"]


def test_one_wording_on_every_channel(rest, socketio, wechat):
    answers: Dict[str, Any] = {}
    for name, ask in (("rest", rest), ("socketio", socketio), ("wechat", wechat)):
        answers[name] = (ask("  ")[0], "\n\n".join(ask(LONG)[0]).split("\n")[0])
    assert answers["rest"] == answers["socketio"] == answers["wechat"] == ([EMPTY_MESSAGE_PROMPT], TRUNCATED_NOTE)


@pytest.mark.parametrize(
    "body", [{"message": None}, {}, {"message": 42}, {"message": ["平顶山"]}], ids=["null", "missing", "number", "list"]
)
def test_rest_without_a_text_message_gets_the_prompt(rest_server, body):
    messages = post_rest(rest_server, body)
    assert [(m["recipient_id"], m["text"]) for m in messages] == [("company-42", EMPTY_MESSAGE_PROMPT)]
    assert rest_server.bot.calls == []


def test_rest_streaming_uses_the_same_guard(rest_server):
    assert [m["text"] for m in post_rest(rest_server, {"message": "\u3000"}, stream=True)] == [EMPTY_MESSAGE_PROMPT]
    streamed = [m["text"] for m in post_rest(rest_server, {"message": LONG}, stream=True)]
    assert streamed[0] == TRUNCATED_NOTE and streamed[1].startswith("答复：")
    assert rest_server.bot.texts() == [LONG[:MAX_MESSAGE_CHARS]]


def test_the_socketio_channel_hands_the_cut_message_to_the_bot():
    received: List[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        received.append(message)

    output = mock.AsyncMock()
    asyncio.run(PolicySocketIOInput._deliver(UserMessage(LONG, output, "socketio:ab"), bot))
    assert [m.text for m in received] == [LONG[:MAX_MESSAGE_CHARS]]
    output.send_text_message.assert_awaited_once_with("socketio:ab", TRUNCATED_NOTE)
