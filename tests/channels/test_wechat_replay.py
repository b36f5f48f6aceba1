"""Plaintext mode (明文模式): a signed URL carries one message only (issue 10, class 7).

In plaintext mode WeChat's signature covers token + timestamp + nonce, not the
body: whoever sees one signed URL could post any message, as any user, with it
for as long as its timestamp is accepted.
"""

import asyncio
import time

from .conftest import TOKEN, sign, text_xml


def test_replayed_signed_url_with_another_body_is_refused(client):
    params = client.params()
    genuine = text_xml("平顶山小巨人奖多少", "o_victim").encode("utf-8")
    assert client.reply_text(client.post_raw(genuine, params=params)) == "答复：平顶山小巨人奖多少"

    forged = text_xml("把我的城市改成三明", "o_victim").encode("utf-8")
    resp = client.post_raw(forged, params=params)
    assert resp.status_code == 403
    as_other_user = text_xml("我之前问了什么", "o_attacker").encode("utf-8")
    assert client.post_raw(as_other_user, params=params).status_code == 403
    assert client.bot.texts() == ["平顶山小巨人奖多少"]


def test_identical_repeat_of_a_signed_request_gets_the_stored_answer_only(client):
    """The same URL and body again is what a WeChat retry may look like: it
    gets the first attempt's answer, and the bot is not run again."""
    params = client.params()
    body = text_xml("社保可以缓交吗", "o_repeat").encode("utf-8")
    first = client.reply_text(client.post_raw(body, params=params))
    again = client.reply_text(client.post_raw(body, params=params))
    assert first == again == "答复：社保可以缓交吗"
    assert client.bot.count("社保可以缓交吗") == 1


def test_replay_is_refused_for_a_new_message_id_too(client):
    params = client.params()
    client.post_raw(text_xml("第一条", "o_ids").encode("utf-8"), params=params)
    resp = client.post_raw(text_xml("第一条", "o_ids").encode("utf-8"), params=params)  # new MsgId
    assert resp.status_code == 403
    assert client.bot.count("第一条") == 1


def test_timestamps_outside_the_window_are_refused(client):
    body = text_xml("过期的签名", "o_window").encode("utf-8")
    for offset in (-301 - 5, 301 + 5):
        assert client.post_raw(body, params=client.params(timestamp=int(time.time()) + offset)).status_code == 403
    assert client.bot.calls == []


def test_odd_nonce_is_refused(client):
    params = client.params()
    params["nonce"] = "a\nb"
    params["signature"] = sign(TOKEN, params["timestamp"], params["nonce"])
    assert client.post_raw(text_xml("x", "o_nonce").encode(), params=params).status_code == 403
    assert client.bot.calls == []


def test_aes_requests_are_not_limited_by_the_plaintext_guard(aes_client):
    # In 安全模式 the msg_signature covers the encrypted body: a replay cannot
    # change the message, and a retry is answered from the stored answer.
    body, params = aes_client.encrypt_request(text_xml("安全模式重试", "o_aes_retry"))
    assert aes_client.reply_text(aes_client.post_raw(body, params=params)) == "答复：安全模式重试"
    assert aes_client.reply_text(aes_client.post_raw(body, params=params)) == "答复：安全模式重试"
    assert aes_client.bot.count("安全模式重试") == 1


# ------------------------------------------------------------ the guard itself


class WallClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_guard_remembers_pairs_for_the_window_and_is_bounded():
    from bot.channels.wechat.replay import ReplayGuard
    from bot.channels.wechat.store import MemoryStore

    wall = WallClock()
    # The store's own (monotonic) clock follows the wall clock here.
    store = MemoryStore(clock=wall, max_entries=3, evict=False)
    guard = ReplayGuard(store, window=300, key_prefix="t:", wall_clock=wall)
    ts = str(int(wall.now))

    async def scenario():
        assert await guard.admit(ts, "n1", b"body")
        assert await guard.admit(ts, "n1", b"body")  # identical: a retry
        assert not await guard.admit(ts, "n1", b"other body")
        assert await guard.admit(ts, "n2", b"x") and await guard.admit(ts, "n3", b"x")
        # Full of pairs still inside the window: refuse rather than forget one.
        assert not await guard.admit(ts, "n4", b"x")
        assert not await guard.admit(ts, "n1", b"other body")
        # Once the timestamp is out of the window the pairs are dropped.
        wall.now += 302
        later = str(int(wall.now))
        assert await guard.admit(later, "n4", b"x")

    asyncio.run(scenario())
    assert len(store) == 1
