"""End-to-end tests of the WeChat channel over real HTTP (see conftest.py)."""

import threading
import time

import pytest
import requests
from wechatpy.utils import WeChatSigner

from bot.channels.wechat.config import (
    ERROR_TEXT,
    UNSUPPORTED_TEXT,
)
from bot.input_guard import EMPTY_MESSAGE_PROMPT

from .conftest import (
    ACCOUNT,
    CITY_BUTTONS,
    LONG_ANSWER,
    REPLY_TIMEOUT,
    SLOW_SECONDS,
    TOKEN,
    event_xml,
    media_xml,
    next_msg_id,
    text_xml,
    wait_until,
)


def utf8(text: str) -> int:
    return len(text.encode("utf-8"))


# ---------------------------------------------------------------- verification


def test_get_verification_returns_echostr(client):
    resp = client.verify(echostr="8357492019383")
    assert resp.status_code == 200
    assert resp.text == "8357492019383"


def test_get_verification_rejects_forged_signature(client):
    resp = client.verify(token="not-the-token")
    assert resp.status_code == 403
    assert "8357" not in resp.text


def test_get_verification_rejects_missing_params_and_stale_timestamp(client):
    assert client.http.get(client.url, params={"echostr": "x"}, timeout=5).status_code == 403
    resp = client.verify(timestamp=int(time.time()) - 600)
    assert resp.status_code == 403


def test_health_route(client):
    resp = client.http.get(client.server.base_url + "/webhooks/wechat/", timeout=5)
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


# ------------------------------------------------------------------ messages


def test_plaintext_text_message_gets_xml_answer(client):
    msg_id = next_msg_id()
    resp = client.send_text("高新技术企业有什么补贴？", openid="o_plain", msg_id=msg_id)
    assert resp.headers["content-type"].startswith("application/xml")
    reply = client.reply(resp)
    assert reply["MsgType"] == "text"
    assert reply["Content"] == "答复：高新技术企业有什么补贴？"
    assert reply["ToUserName"] == "o_plain"
    assert reply["FromUserName"] == ACCOUNT
    [call] = client.bot.calls
    assert call["sender_id"] == "wechat:o_plain"
    assert call["input_channel"] == "wechat"
    assert call["message_id"] == str(msg_id)
    assert call["metadata"]["wechat"]["openid"] == "o_plain"
    assert call["metadata"]["wechat"]["msg_id"] == str(msg_id)
    assert call["metadata"]["wechat"]["encrypted"] is False


def test_aes_mode_round_trip(aes_client):
    resp = aes_client.send_text("三明市有哪些人才政策？", openid="o_aes", aes=True)
    assert "三明" not in resp.text  # the reply itself is encrypted
    reply = aes_client.reply(resp)
    assert reply["_encrypted"] is True
    assert reply["Content"] == "答复：三明市有哪些人才政策？"
    assert reply["ToUserName"] == "o_aes"
    assert aes_client.bot.calls[0]["metadata"]["wechat"]["encrypted"] is True


def test_aes_channel_still_accepts_plaintext_mode(aes_client):
    reply = aes_client.reply(aes_client.send_text("明文模式", openid="o_aes2"))
    assert reply["Content"] == "答复：明文模式"
    assert "_encrypted" not in reply


def test_aes_mode_rejects_bad_msg_signature(aes_client):
    body, params = aes_client.encrypt_request(text_xml("伪造", "o_aes3"))
    forged = dict(params, msg_signature="0" * 40)
    assert aes_client.post_raw(body, params=forged).status_code == 403
    missing = {k: v for k, v in params.items() if k != "msg_signature"}
    assert aes_client.post_raw(body, params=missing).status_code == 403
    assert aes_client.bot.calls == []
    # The untouched request is accepted.
    assert aes_client.reply_text(aes_client.post_raw(body, params=params)) == "答复：伪造"


def test_aes_mode_rejects_garbage_ciphertext(aes_client):
    body, params = aes_client.encrypt_request(text_xml("x", "o_aes4"))
    garbage = "<xml><ToUserName>a</ToUserName><Encrypt>bm90IGNpcGhlcnRleHQ=</Encrypt></xml>"
    signer = WeChatSigner()
    signer.add_data(TOKEN, params["timestamp"], params["nonce"], "bm90IGNpcGhlcnRleHQ=")
    params["msg_signature"] = signer.signature
    assert aes_client.post_raw(garbage.encode(), params=params).status_code == 400
    assert aes_client.reply_text(aes_client.send_text("好的", aes=True)) == "答复：好的"


@pytest.mark.parametrize(
    "msg_type,fields",
    [
        ("image", "<PicUrl><![CDATA[http://mmbiz.example/pic.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"),
        ("voice", "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>"),
        ("video", "<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId>"),
        (
            "location",
            "<Location_X>33.7</Location_X><Location_Y>113.2</Location_Y><Scale>15</Scale><Label><![CDATA[平顶山]]></Label>",
        ),
        ("link", "<Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[http://x]]></Url>"),
    ],
)
def test_non_text_messages_get_polite_text(client, msg_type, fields):
    text = client.reply_text(client.post_xml(media_xml(msg_type, "o_media", fields)))
    assert text == UNSUPPORTED_TEXT
    assert "文字" in text
    assert client.bot.calls == []


def test_unsubscribe_gets_nothing(client):
    resp = client.post_xml(event_xml("unsubscribe", "o_menu"))
    assert resp.status_code == 200 and resp.text == "success"
    assert client.bot.calls == []


def test_empty_text_gets_prompt_without_calling_bot(client):
    assert client.reply_text(client.send_text("   ")) == EMPTY_MESSAGE_PROMPT
    resp = client.post_xml(text_xml("x", "o_empty").replace("<Content><![CDATA[x]]></Content>", "<Content></Content>"))
    assert client.reply_text(resp) == EMPTY_MESSAGE_PROMPT
    assert client.bot.calls == []


def test_bot_error_gets_apology_not_traceback(client):
    resp = client.send_text("出错", openid="o_err")
    text = client.reply_text(resp)
    assert text == ERROR_TEXT
    assert "Traceback" not in resp.text and "action server" not in resp.text
    # ... and the channel keeps working.
    assert client.reply_text(client.send_text("还在吗", openid="o_err")) == "答复：还在吗"


def test_bot_without_answer_gets_fallback_text(client):
    text = client.reply_text(client.send_text("不说话"))
    assert text and "抱歉" in text


# ------------------------------------------------------------------- buttons


def test_buttons_become_numbered_list_and_number_maps_to_payload(client):
    text = client.reply_text(client.send_text("选择城市", openid="o_btn"))
    assert text == "请选择您所在的城市：\n回复1：平顶山\n回复2：三明"

    text = client.reply_text(client.send_text("1", openid="o_btn"))
    assert text == f"收到选择：{CITY_BUTTONS[0]['payload']}"
    call = client.bot.calls[-1]
    assert call["text"] == CITY_BUTTONS[0]["payload"]
    assert call["metadata"]["wechat"]["button"] == {"number": 1, "title": "平顶山"}

    # The list is consumed by an answer without buttons: "2" is now just text.
    assert client.reply_text(client.send_text("2", openid="o_btn")) == "答复：2"


def test_button_numbers_are_per_user_and_full_width_digits_work(client):
    client.send_text("选择城市", openid="o_btn_a")
    # Another user typing "2" is not mapped.
    assert client.reply_text(client.send_text("2", openid="o_btn_b")) == "答复：2"
    # Full-width "２" and an out-of-range number.
    assert client.reply_text(client.send_text("9", openid="o_btn_a")) == "答复：9"
    client.send_text("选择城市", openid="o_btn_a")
    text = client.reply_text(client.send_text("２", openid="o_btn_a"))
    assert text == f"收到选择：{CITY_BUTTONS[1]['payload']}"


# ------------------------------------------------------ retries / slow bot


def test_duplicate_msg_id_runs_the_bot_once_and_gets_the_same_answer(client):
    msg_id = next_msg_id()
    first = client.send_text("重复的问题", openid="o_dup", msg_id=msg_id)
    second = client.send_text("重复的问题", openid="o_dup", msg_id=msg_id)
    third = client.send_text("重复的问题", openid="o_dup", msg_id=msg_id)
    # WeChat only retries when it did not get the reply: each retry gets it.
    assert client.reply_text(first) == "答复：重复的问题"
    assert client.reply_text(second) == "答复：重复的问题"
    assert client.reply_text(third) == "答复：重复的问题"
    assert client.bot.count("重复的问题") == 1


def test_retries_while_first_is_running_start_no_second_run(client, wechat_api):
    """3 deliveries of one slow message: one bot run, one answer in total."""
    msg_id = next_msg_id()
    content = "慢：研发费用加计扣除怎么申请？"
    responses = {}

    def send(name: str) -> None:
        responses[name] = client.send_text(content, openid="o_retry", msg_id=msg_id)

    threads = []
    start = time.monotonic()
    # WeChat-like retries: the 2nd and 3rd arrive while the bot is still busy
    # (the bot needs SLOW_SECONDS, each request waits at most REPLY_TIMEOUT).
    for name, at in (("first", 0.0), ("retry1", 0.3), ("retry2", 1.2)):
        time.sleep(max(0.0, start + at - time.monotonic()))
        t = threading.Thread(target=send, args=(name,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join(10)

    assert all(r.status_code == 200 for r in responses.values())
    assert responses["first"].text == "success"
    assert responses["retry1"].text == "success"
    expected = f"慢速答复：{content}"
    wait_until(
        lambda: (
            expected in wechat_api.contents("o_retry")
            or any(client.reply_text(r) == expected for r in responses.values())
        )
    )
    time.sleep(0.3)  # give a (wrong) second delivery the chance to show up
    passive = [r for r in responses.values() if client.reply_text(r) == expected]
    pushed = [c for c in wechat_api.contents("o_retry") if c == expected]
    assert len(passive) + len(pushed) == 1
    assert client.bot.count(content) == 1


def test_slow_answer_goes_through_customer_service_api(client, wechat_api):
    content = "慢：平顶山市首台套奖励多少？"
    started = time.monotonic()
    resp = client.send_text(content, openid="o_slow")
    elapsed = time.monotonic() - started
    assert resp.status_code == 200 and resp.text == "success"
    assert REPLY_TIMEOUT - 0.1 <= elapsed < SLOW_SECONDS
    assert wechat_api.contents("o_slow") == []
    wait_until(lambda: wechat_api.contents("o_slow"), timeout=SLOW_SECONDS + 3)
    assert wechat_api.contents("o_slow") == [f"慢速答复：{content}"]
    raw = wechat_api.messages[-1]["raw"]
    assert "慢速答复".encode() in raw  # real UTF-8, not \\u escapes
    assert wechat_api.token_requests == 1
    # A late retry of the same message is not answered again.
    assert client.bot.count(content) == 1


def test_answer_is_delivered_when_wechat_hangs_up_early(client, wechat_api):
    content = "慢：连接提前断开"
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.http.post(
            client.url,
            params=client.params(),
            data=text_xml(content, "o_hangup").encode(),
            timeout=0.3,
        )
    wait_until(lambda: wechat_api.contents("o_hangup"), timeout=SLOW_SECONDS + 3)
    time.sleep(0.2)
    assert wechat_api.contents("o_hangup") == [f"慢速答复：{content}"]
    assert client.bot.count(content) == 1


def test_long_answer_is_split_into_parts_of_at_most_2048_bytes(client, wechat_api):
    assert utf8(LONG_ANSWER) > 5000  # 3 parts
    resp = client.send_text("长答复", openid="o_long")
    first = client.reply_text(resp)
    assert utf8(first) <= 2048
    wait_until(lambda: "\n".join([first] + wechat_api.contents("o_long")) == LONG_ANSWER)
    parts = [first] + wechat_api.contents("o_long")
    assert len(parts) == 3
    assert all(utf8(p) <= 2048 for p in parts)
    assert all(p.startswith("第") and p.endswith("。") for p in parts)  # whole lines


def test_access_token_is_cached_and_refreshed_after_expiry(client, wechat_api):
    for i in range(3):
        client.send_text("长答复", openid=f"o_token_{i}")
    wait_until(lambda: len(wechat_api.messages) == 6)
    assert wechat_api.token_requests == 1

    # Jump past the token's lifetime (7200 s) without sleeping.
    api_client, store = client.channel.api, client.channel.store  # the token is also kept in the store
    real_clock, real_store_clock = api_client.clock, store.clock
    api_client.clock = lambda: real_clock() + 7200
    store.clock = lambda: real_store_clock() + 7200
    client.send_text("长答复", openid="o_token_late")
    wait_until(lambda: len(wechat_api.messages) == 8)
    assert wechat_api.token_requests == 2


def test_rejected_token_is_refreshed_once(client, wechat_api):
    client.send_text("长答复", openid="o_reject_1")
    wait_until(lambda: len(wechat_api.messages) == 2)
    wechat_api.invalidate_tokens()  # e.g. another server fetched a new token
    client.send_text("长答复", openid="o_reject_2")
    wait_until(lambda: len(wechat_api.contents("o_reject_2")) == 2)
    assert wechat_api.token_requests == 2


# ------------------------------------------------------------ hostile input


def assert_still_serving(client, openid: str = "o_after") -> None:
    text = client.reply_text(client.send_text("还能回答吗", openid=openid))
    assert text == "答复：还能回答吗"


def test_forged_and_missing_signature_rejected(client):
    xml = text_xml("伪造签名", "o_forged").encode()
    resp = client.post_raw(xml, params=client.params(token="wrong-token"))
    assert resp.status_code == 403
    resp = client.post_raw(xml, params={})
    assert resp.status_code == 403
    params = client.params()
    params["signature"] = "0" * 40
    assert client.post_raw(xml, params=params).status_code == 403
    assert client.bot.calls == []
    assert_still_serving(client)


def test_old_timestamp_rejected(client):
    xml = text_xml("重放攻击", "o_replay").encode()
    for ts in (int(time.time()) - 301 - 5, int(time.time()) + 600, "abc"):
        resp = client.post_raw(
            xml, params=client.params(timestamp=ts) if ts != "abc" else dict(client.params(), timestamp="abc")
        )
        assert resp.status_code == 403
    assert client.bot.calls == []
    assert_still_serving(client)


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><ToUserName>broken",
        b"not xml at all",
        b"<other><a>1</a></other>",
        b"<xml><ToUserName>a</ToUserName></xml>",
        "<xml><MsgType>text</MsgType><Content>无发送者</Content></xml>".encode(),
        b"\xff\xfe<xml></xml>",
        b"",
    ],
    ids=["truncated", "not-xml", "wrong-root", "no-msgtype", "no-sender", "not-utf8", "empty"],
)
def test_malformed_xml_rejected_with_400(client, body):
    resp = client.post_raw(body)
    assert resp.status_code == 400
    assert_still_serving(client)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
        b"<MsgType>text</MsgType><Content>&lol2;</Content><MsgId>1</MsgId></xml>",
        b'<!doctype xml SYSTEM "file:///etc/passwd"><xml/>',
        b'<xml><!ENTITY x "y"></xml>',
    ],
    ids=["billion-laughs", "external-doctype", "entity"],
)
def test_doctype_and_entity_rejected(client, body):
    resp = client.post_raw(body)
    assert resp.status_code == 400
    assert client.bot.calls == []
    assert_still_serving(client)


def test_oversized_body_rejected(client):
    big = text_xml("大" * (100 * 1024 // 3), "o_big").encode("utf-8")
    assert len(big) > 100 * 1024
    assert client.post_raw(big).status_code == 413

    # Same without Content-Length (chunked transfer encoding).
    def chunks():
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    assert client.post_raw(chunks()).status_code == 413
    assert client.bot.calls == []
    assert_still_serving(client)


def test_encrypted_request_without_key_configured_is_handled(client):
    # Channel without AES key receives a 兼容模式-style body: uses plaintext fields.
    params = client.params(encrypt_type="aes", msg_signature="whatever")
    resp = client.post_raw(text_xml("兼容模式", "o_compat").encode(), params=params)
    assert client.reply_text(resp) == "答复：兼容模式"
