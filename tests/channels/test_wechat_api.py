"""The customer-service API client against the stand-in WeChat API (real HTTP)."""

import asyncio
import socket

import aiohttp
import pytest

from bot.channels.wechat.api import WeChatAPIClient, WeChatAPIError

from .conftest import APP_ID, APP_SECRET


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def make_client(wechat_api, secret=APP_SECRET, clock=None):
    return WeChatAPIClient(wechat_api.base_url, APP_ID, secret, http_timeout=5, clock=clock or FakeClock())


def test_token_is_fetched_once_for_concurrent_sends(loop_thread, wechat_api):
    client = make_client(wechat_api)

    async def scenario():
        await asyncio.gather(*(client.send_text(f"o_{i}", f"消息{i}") for i in range(5)))

    loop_thread.run(scenario())
    assert wechat_api.token_requests == 1
    assert sorted(wechat_api.contents()) == [f"消息{i}" for i in range(5)]
    assert all("消息".encode() in m["raw"] for m in wechat_api.messages)


def test_token_is_refreshed_shortly_before_expiry(loop_thread, wechat_api):
    clock = FakeClock()
    client = make_client(wechat_api, clock=clock)
    loop_thread.run(client.send_text("o_1", "一"))
    clock.now += 7200 - 301  # still valid (refresh margin is 300 s)
    loop_thread.run(client.send_text("o_1", "二"))
    assert wechat_api.token_requests == 1
    clock.now += 2  # within the margin: refresh
    loop_thread.run(client.send_text("o_1", "三"))
    assert wechat_api.token_requests == 2
    assert wechat_api.contents("o_1") == ["一", "二", "三"]


def test_invalid_token_errcode_40001_refreshes_once(loop_thread, wechat_api):
    client = make_client(wechat_api)
    loop_thread.run(client.send_text("o_1", "一"))
    wechat_api.invalidate_tokens()
    loop_thread.run(client.send_text("o_1", "二"))
    assert wechat_api.token_requests == 2
    assert wechat_api.send_requests == 3  # the rejected call was retried once
    assert wechat_api.contents("o_1") == ["一", "二"]


def test_other_errors_raise(loop_thread, wechat_api):
    with pytest.raises(WeChatAPIError) as error:
        loop_thread.run(make_client(wechat_api, secret="wrong").send_text("o", "x"))
    assert error.value.errcode == 40013
    with pytest.raises(WeChatAPIError) as error:
        loop_thread.run(make_client(wechat_api).send_text("o", "长" * 1000))
    assert error.value.errcode == 45002


def test_unconfigured_and_unreachable(loop_thread):
    with pytest.raises(WeChatAPIError):
        loop_thread.run(WeChatAPIClient("http://127.0.0.1:9", "", "").send_text("o", "x"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = WeChatAPIClient(f"http://127.0.0.1:{port}", APP_ID, APP_SECRET, http_timeout=2)
    with pytest.raises(aiohttp.ClientConnectionError):  # nothing listens: the channel logs it and replies later
        loop_thread.run(client.send_text("o", "x"))
