"""One WeChat access token for every Rasa server (issue 21, class 8): two servers on one Redis fetch it
once and both send customer-service messages; a token WeChat rejects is fetched again once for all.

The two-server tests need Redis at 127.0.0.1:6379 (skipped without it); the in-memory one shows the same
sharing through one store."""

from __future__ import annotations

import asyncio

from bot.channels.wechat.api import WeChatAPIClient
from bot.channels.wechat.store import MemoryStore

from .conftest import APP_ID, APP_SECRET
from .test_wechat_redis import two_servers  # noqa: F401 - the fixture


def send_from_both(loop_thread, a, b, rounds: int = 3) -> None:
    async def sends():
        await asyncio.gather(
            *(a.channel.api.send_text(f"o_tok_a{i}", f"甲{i}") for i in range(rounds)),
            *(b.channel.api.send_text(f"o_tok_b{i}", f"乙{i}") for i in range(rounds)),
        )

    loop_thread.run(sends())


def test_two_servers_on_one_redis_fetch_one_token_and_both_send(two_servers, wechat_api, loop_thread):  # noqa: F811
    a, b = two_servers
    send_from_both(loop_thread, a, b)
    assert wechat_api.token_requests == 1
    assert sorted(wechat_api.contents()) == sorted([f"甲{i}" for i in range(3)] + [f"乙{i}" for i in range(3)])
    send_from_both(loop_thread, a, b)  # later sends reuse it
    assert wechat_api.token_requests == 1


def test_a_rejected_token_is_fetched_again_once_for_both_servers(two_servers, wechat_api, loop_thread):  # noqa: F811
    a, b = two_servers
    send_from_both(loop_thread, a, b, rounds=1)
    wechat_api.invalidate_tokens()  # e.g. the account's secret was reset
    send_from_both(loop_thread, a, b, rounds=2)
    assert wechat_api.token_requests <= 3  # the first fetch, then one (at most one more from a race)
    assert len(wechat_api.contents()) == 2 + 4


def test_clients_sharing_a_store_fetch_once_from_the_stable_token_endpoint(wechat_api, loop_thread):
    shared = MemoryStore()
    clients = [WeChatAPIClient(wechat_api.base_url, APP_ID, APP_SECRET, shared=shared) for _ in range(4)]

    async def sends():
        await asyncio.gather(*(c.send_text(f"o_mem{i}", f"内容{i}") for i, c in enumerate(clients)))

    loop_thread.run(sends())
    assert wechat_api.token_requests == wechat_api.stable_requests == 1
    assert len(wechat_api.contents()) == 4
