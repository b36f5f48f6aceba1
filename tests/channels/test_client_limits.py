"""One client cannot make the bot busy for everyone (issue 21, classes 1 and 7): messages are limited per
client address whatever sender ids it uses, one conversation has a bounded number of messages in
processing, and the address goes with the message for the inbox's per-client limit."""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from types import SimpleNamespace
from typing import Iterator
from unittest import mock

import pytest
import requests

from bot.channels.clients import CLIENT_METADATA_KEY, client_address
from bot.channels.rate_limit import RATE_LIMITED, ClientRateLimiter, RateLimits
from bot.channels.rest_channel import MAX_PENDING_PER_CONVERSATION, STILL_WORKING, NamespacedRestInput
from bot.channels.socketio_channel import PolicySocketIOInput

from .conftest import ChannelServer, StandInBot


def _server(loop_thread, bot: StandInBot) -> Iterator[ChannelServer]:
    server = ChannelServer(loop_thread, NamespacedRestInput(), bot, url_prefix="/webhooks/rest")
    loop_thread.run(server.start())
    yield server
    loop_thread.run(server.stop())


@pytest.fixture
def limited(loop_thread, monkeypatch) -> Iterator[ChannelServer]:
    monkeypatch.setenv("CLIENT_MESSAGES_PER_MINUTE", "6")
    monkeypatch.setenv("CLIENT_MESSAGE_BURST", "3")
    monkeypatch.setenv("RATE_LIMIT_LOOPBACK", "1")  # the test client is on loopback, which is not limited by default
    yield from _server(loop_thread, StandInBot())


@pytest.fixture
def slow(loop_thread, monkeypatch) -> Iterator[ChannelServer]:
    monkeypatch.setenv("CLIENT_MESSAGES_PER_MINUTE", "0")  # only the per-conversation bound
    yield from _server(loop_thread, StandInBot(work_seconds=1.0, rasa_lock=True))


def post(
    server: ChannelServer, sender: str, forwarded_for: str | None = None, text: str = "平顶山小巨人奖多少", **extra
) -> requests.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with requests.Session() as http:
        http.trust_env = False
        return http.post(
            f"{server.base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, **extra},
            headers=headers,
            timeout=30,
        )


def test_a_new_sender_id_per_message_does_not_escape_the_client_limit(limited):
    replies = [post(limited, f"company-{uuid.uuid4().hex[:8]}") for _ in range(5)]
    assert [r.status_code for r in replies] == [200, 200, 200, 429, 429]
    assert replies[-1].json() == {"error": RATE_LIMITED}
    assert len(limited.bot.calls) == 3  # the refused ones never reached the bot


def test_the_client_address_goes_with_the_message_and_the_caller_cannot_set_it(limited):
    assert post(limited, "company-1", metadata={CLIENT_METADATA_KEY: "10.9.9.9"}).status_code == 200
    [call] = limited.bot.calls
    assert call["metadata"] == {CLIENT_METADATA_KEY: "127.0.0.1"}


def test_parallel_messages_of_one_conversation_wait_in_a_bounded_queue(slow):
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: post(slow, "company-busy"), range(8)))
    statuses = sorted(r.status_code for r in replies)
    assert statuses.count(200) == MAX_PENDING_PER_CONVERSATION, statuses
    assert {r.json()["error"] for r in replies if r.status_code == 429} == {STILL_WORKING}
    assert post(slow, "company-busy").status_code == 200  # the queue is free again
    assert post(slow, "company-other").status_code == 200


def test_socketio_limits_per_address_across_sessions_and_stamps_the_address(monkeypatch):
    monkeypatch.setenv("SOCKETIO_SESSION_SECRET", "client-limit-test-" + "s" * 32)
    monkeypatch.setenv("CLIENT_MESSAGES_PER_MINUTE", "6")
    monkeypatch.setenv("CLIENT_MESSAGE_BURST", "2")
    bot = StandInBot()
    channel = PolicySocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": False}
    )
    channel.blueprint(bot)
    sio = channel.sio
    sio.emit = mock.AsyncMock()
    sio.enter_room = mock.MagicMock(return_value=None)
    handlers = sio.handlers[channel.namespace or "/"]

    def send_from_new_socket(ip: str) -> None:
        sid = f"sid-{uuid.uuid4().hex[:6]}"
        environ = {"sanic.request": SimpleNamespace(remote_addr="", ip=ip)}
        assert asyncio.run(handlers["connect"](sid, environ)) is True
        asyncio.run(
            handlers["user_uttered"](sid, {"message": "问个事", "customData": {CLIENT_METADATA_KEY: "1.2.3.4"}})
        )

    for _ in range(3):
        send_from_new_socket("203.0.113.7")
    send_from_new_socket("198.51.100.1")  # another client is not affected
    assert len(bot.calls) == 3
    assert [c["metadata"][CLIENT_METADATA_KEY] for c in bot.calls] == ["203.0.113.7", "203.0.113.7", "198.51.100.1"]
    said = [c.args[1]["text"] for c in sio.emit.await_args_list if c.args[0] == "bot_uttered"]
    assert RATE_LIMITED in said


def test_a_bucket_refills_at_the_rate_and_memory_is_bounded():
    now = [0.0]
    limiter = ClientRateLimiter(RateLimits(per_minute=60, burst=2, max_clients=3), clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    now[0] += 1.0  # one token a second
    assert limiter.allow("a") and not limiter.allow("a")
    for key in "bcdef":
        limiter.allow(key)
    assert len(limiter) == 3
    assert ClientRateLimiter(RateLimits(per_minute=0)).allow("x")  # 0 turns it off


@pytest.mark.parametrize(
    "ip, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("not an address", "unknown"),
    ],
)
def test_the_client_key_is_the_address_or_the_ipv6_network(ip, key):
    assert client_address(SimpleNamespace(remote_addr="", ip=ip)) == key


def test_loopback_callers_are_not_limited_unless_asked():
    limiter = ClientRateLimiter(RateLimits(per_minute=1, burst=1))
    assert all(limiter.allow("127.0.0.1") for _ in range(50)) and all(limiter.allow("::1") for _ in range(5))
    assert limiter.allow("203.0.113.9") and not limiter.allow("203.0.113.9")
    strict = ClientRateLimiter(
        RateLimits.from_env(
            {"CLIENT_MESSAGES_PER_MINUTE": "1", "CLIENT_MESSAGE_BURST": "1", "RATE_LIMIT_LOOPBACK": "1"}
        )
    )
    assert strict.allow("127.0.0.1") and not strict.allow("127.0.0.1")


def test_behind_a_proxy_the_forwarded_address_is_the_client(loop_thread, monkeypatch):
    """With Sanic's PROXIES_COUNT (SANIC_PROXIES_COUNT=1 behind one nginx) the address nginx forwards is
    the client's: limits apply per user, not to the proxy."""
    monkeypatch.setenv("CLIENT_MESSAGES_PER_MINUTE", "6")
    monkeypatch.setenv("CLIENT_MESSAGE_BURST", "1")
    bot = StandInBot()
    server = ChannelServer(loop_thread, NamespacedRestInput(), bot, url_prefix="/webhooks/rest")
    server.app.config.PROXIES_COUNT = 1
    loop_thread.run(server.start())
    try:
        replies = [
            post(server, f"s{i}", headers_ip)
            for i, headers_ip in enumerate(["203.0.113.7", "203.0.113.7", "198.51.100.1"])
        ]
    finally:
        loop_thread.run(server.stop())
    assert [r.status_code for r in replies] == [200, 429, 200]
    assert [c["metadata"][CLIENT_METADATA_KEY] for c in bot.calls] == ["203.0.113.7", "198.51.100.1"]
