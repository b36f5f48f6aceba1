"""De-duplication across two Rasa servers sharing Redis (127.0.0.1:6379).

Skipped when no Redis server is reachable there.
"""

import os
import threading
import time
import uuid

import pytest

from .conftest import StandInBot, next_msg_id, text_xml, wait_until

REDIS_URL = os.environ.get("WECHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip():
    try:
        import redis
    except ImportError:  # pragma: no cover
        pytest.skip("redis package not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
    except Exception as e:
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({e.__class__.__name__})")
    return client


@pytest.fixture
def two_servers(start_channel):
    client = _redis_or_skip()
    prefix = f"wechat-test-{uuid.uuid4().hex[:8]}:"
    a = start_channel(StandInBot(), redis_url=REDIS_URL, key_prefix=prefix)
    b = start_channel(StandInBot(), redis_url=REDIS_URL, key_prefix=prefix)
    assert a.url != b.url and a.channel is not b.channel
    yield a, b
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_retry_to_another_server_gets_the_stored_answer(two_servers):
    a, b = two_servers
    msg_id = next_msg_id()
    assert a.reply_text(a.send_text("跨服务器", openid="o_r1", msg_id=msg_id)) == "答复：跨服务器"
    assert b.reply_text(b.send_text("跨服务器", openid="o_r1", msg_id=msg_id)) == "答复：跨服务器"
    assert a.reply_text(a.send_text("跨服务器", openid="o_r1", msg_id=msg_id)) == "答复：跨服务器"
    assert a.bot.count("跨服务器") + b.bot.count("跨服务器") == 1
    # A different message on B is answered normally.
    assert b.reply_text(b.send_text("另一个问题", openid="o_r1")) == "答复：另一个问题"


def test_retry_while_other_server_is_still_working(two_servers, wechat_api):
    a, b = two_servers
    msg_id = next_msg_id()
    content = "慢：跨服务器慢问题"
    result = {}
    worker = threading.Thread(target=lambda: result.update(first=a.send_text(content, openid="o_r2", msg_id=msg_id)))
    worker.start()
    time.sleep(0.3)
    retry = b.send_text(content, openid="o_r2", msg_id=msg_id)
    worker.join(10)
    assert retry.text == "success"
    assert result["first"].text == "success"
    wait_until(lambda: wechat_api.contents("o_r2"), timeout=5)
    time.sleep(0.2)
    assert wechat_api.contents("o_r2") == [f"慢速答复：{content}"]
    assert a.bot.count(content) == 1 and b.bot.count(content) == 0


def test_button_numbers_work_across_servers(two_servers):
    a, b = two_servers
    a.send_text("选择城市", openid="o_r3")
    text = b.reply_text(b.send_text("2", openid="o_r3"))
    assert text == '收到选择：/inform{"city": "三明"}'


def test_signed_url_replayed_to_another_server_is_refused(two_servers):
    a, b = two_servers
    params = a.params()
    assert a.reply_text(a.post_raw(text_xml("原始消息", "o_r4").encode(), params=params)) == "答复：原始消息"
    assert b.post_raw(text_xml("伪造消息", "o_r4").encode(), params=params).status_code == 403
    assert b.bot.calls == []
