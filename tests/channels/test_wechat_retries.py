"""No WeChat answer is lost (issue 10, class 7): retries, one user's messages at
once, and a channel without the customer-service API.

The test client plays WeChat (``post_like_wechat``): it waits a fixed time for
each attempt (WeChat: 5 s; here ``ATTEMPT_TIMEOUT``), hangs up and sends the
same message again, up to 3 retries, and stops at the first reply, ``success``
included.
"""

import logging
import threading

import pytest
import requests

from bot.channels.wechat import WeChatInput

from .conftest import LONG_ANSWER, SLOW_SECONDS, StandInBot, make_config, text_xml, wait_until

# The simulated WeChat gives each attempt this long; the channel (without the
# customer-service API) holds a request longer, so that WeChat hangs up and
# retries instead of being told "success".
ATTEMPT_TIMEOUT = 1.2
HOLD = 2.0
NO_CUSTOMER_SERVICE = dict(app_id="", app_secret="", hold_timeout=HOLD)


def utf8(text: str) -> int:
    return len(text.encode("utf-8"))


# ------------------------------------------------------------------- retries


def test_retry_after_dropped_connection_gets_the_answer_without_customer_service(start_channel, wechat_api):
    client = start_channel(**NO_CUSTOMER_SERVICE)
    content = "慢：首台套奖励多少？"
    xml = text_xml(content, "o_drop")
    # The first connection drops long before the (slow) answer is ready.
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.post_raw(xml.encode("utf-8"), timeout=0.3)
    # WeChat's retry waits for the answer of the first attempt ...
    assert client.reply_text(client.post_raw(xml.encode("utf-8"))) == f"慢速答复：{content}"
    # ... and a later retry gets the stored answer at once.
    assert client.reply_text(client.post_raw(xml.encode("utf-8"))) == f"慢速答复：{content}"
    assert client.bot.count(content) == 1
    assert wechat_api.contents() == []


def test_slow_answer_reaches_the_user_through_wechat_retries(start_channel):
    client = start_channel(**NO_CUSTOMER_SERVICE)
    assert ATTEMPT_TIMEOUT < SLOW_SECONDS < 3 * ATTEMPT_TIMEOUT
    content = "慢：研发补助怎么申请？"
    result = client.post_like_wechat(text_xml(content, "o_slow_retry"), ATTEMPT_TIMEOUT)
    assert result["answer"] == f"慢速答复：{content}"
    assert result["attempts"] > 1
    assert client.bot.count(content) == 1


def test_retry_with_the_same_signed_url_gets_the_answer(start_channel):
    """Whether WeChat signs a retry anew or not, the retry gets the answer."""
    client = start_channel(**NO_CUSTOMER_SERVICE)
    content = "慢：同一个地址重试"
    result = client.post_like_wechat(text_xml(content, "o_same_url"), ATTEMPT_TIMEOUT, same_url=True)
    assert result["answer"] == f"慢速答复：{content}"
    assert client.bot.count(content) == 1


def test_retry_gets_the_answer_passively_or_it_goes_by_customer_service_once(start_channel, wechat_api):
    client = start_channel()  # with AppID/AppSecret
    content = "慢：断线后重试"
    xml = text_xml(content, "o_drop_cs")
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.post_raw(xml.encode("utf-8"), timeout=0.3)
    retry = client.reply_text(client.post_raw(xml.encode("utf-8")))
    expected = f"慢速答复：{content}"
    wait_until(lambda: retry == expected or wechat_api.contents("o_drop_cs"))
    late = client.reply_text(client.post_raw(xml.encode("utf-8")))
    delivered = [a for a in (retry, late) if a == expected] + wechat_api.contents("o_drop_cs")
    assert expected in delivered
    # Passively (to the retries) or through the API, never both.
    assert not (wechat_api.contents("o_drop_cs") and (retry or late))
    assert client.bot.count(content) == 1


# ------------------------------------------------- several messages at once


def send_at_once(client, questions, openid):
    results = {}

    def deliver(question):
        results[question] = client.post_like_wechat(text_xml(question, openid), ATTEMPT_TIMEOUT)

    threads = [threading.Thread(target=deliver, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_eight_messages_at_once_each_get_their_answer_without_customer_service(start_channel):
    # Each message takes 0.2 s, and the bot takes Rasa's per-sender lock
    # (polled once a second) the way Rasa does.
    bot = StandInBot(work_seconds=0.2, rasa_lock=True)
    client = start_channel(bot, **NO_CUSTOMER_SERVICE)
    questions = [f"同时提问{i}" for i in range(8)]
    results = send_at_once(client, questions, "o_burst")
    answers = {q: r["answer"] for q, r in results.items()}
    assert answers == {q: f"答复：{q}" for q in questions}
    assert sorted(bot.texts()) == sorted(questions)


def test_eight_messages_at_once_each_answered_once_with_customer_service(start_channel, wechat_api):
    bot = StandInBot(work_seconds=0.2, rasa_lock=True)
    client = start_channel(bot)
    questions = [f"客服同时提问{i}" for i in range(8)]
    results = send_at_once(client, questions, "o_burst_cs")
    passive = [r["answer"] for r in results.values() if r["answer"]]
    expected = sorted(f"答复：{q}" for q in questions)
    wait_until(lambda: len(passive) + len(wechat_api.contents("o_burst_cs")) >= 8)
    assert sorted(passive + wechat_api.contents("o_burst_cs")) == expected


# ------------------------------------------- without customer-service API


def test_start_up_warns_that_late_answers_rely_on_wechat_retries(wechat_api, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.channels.wechat"):
        WeChatInput(make_config(wechat_api.base_url, app_id="", app_secret=""))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("WECHAT_APP_ID" in w and "retries" in w for w in warnings), warnings

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.channels.wechat"):
        WeChatInput(make_config(wechat_api.base_url))
    assert not any("retries" in r.getMessage() for r in caplog.records)


def test_long_answer_without_customer_service_is_cut_with_a_note(start_channel, wechat_api):
    client = start_channel(**NO_CUSTOMER_SERVICE)
    note = "（答复较长，这里只显示了前一部分。请把问题问得更具体一些。）"
    text = client.reply_text(client.send_text("长答复", openid="o_long_no_cs"))
    assert utf8(text) <= 2048
    assert text.endswith(note)
    body = text[: -len(note)].rstrip("\n")
    assert LONG_ANSWER.startswith(body) and body.endswith("。")
    assert wechat_api.contents() == [] and wechat_api.token_requests == 0
