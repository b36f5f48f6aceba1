"""One identity per WeChat user, and log lines nobody can forge (issue 10,
classes 5 and 6, WeChat side)."""

import logging

import pytest

from .conftest import ACCOUNT, event_xml, text_xml, wait_until

CHANNEL_LOGGER = "bot.channels.wechat"


def test_rasa_knows_the_user_as_wechat_openid(client):
    client.reply_text(client.send_text("你好", openid="oAbC-123_xyz"))
    [call] = client.bot.calls
    assert call["sender_id"] == "wechat:oAbC-123_xyz"
    assert call["input_channel"] == "wechat"


def test_customer_service_messages_go_to_the_bare_openid(client, wechat_api):
    client.send_text("慢：客服消息发给谁", openid="o_bare")
    wait_until(lambda: wechat_api.messages)
    assert [m["touser"] for m in wechat_api.messages] == ["o_bare"]
    assert client.bot.calls[0]["sender_id"] == "wechat:o_bare"


@pytest.mark.parametrize(
    "openid",
    [
        "o_user\nFORGED wechat log line",
        "o_user\rFORGED",
        "o" * 65,
        "o user",
        "../../etc/passwd",
        "wechat:o_user",
        "用户甲",
        "o_user%0a",
    ],
    ids=["newline", "carriage-return", "too-long", "space", "path", "prefixed", "chinese", "percent"],
)
def test_odd_openids_are_refused_without_processing(client, wechat_api, openid):
    resp = client.send_text("平顶山小巨人奖多少", openid=openid)
    assert resp.status_code == 400
    assert client.bot.calls == []
    resp = client.post_xml(event_xml("subscribe", openid))
    assert resp.status_code == 400
    assert client.bot.calls == [] and wechat_api.messages == []


def test_odd_account_and_message_ids_are_refused(client):
    xml = text_xml("问题", "o_ok").replace(f"<![CDATA[{ACCOUNT}]]>", "<![CDATA[gh_x\nFORGED]]>")
    assert client.post_xml(xml).status_code == 400
    xml = text_xml("问题", "o_ok", msg_id=1).replace("<MsgId>1</MsgId>", "<MsgId>1\nFORGED</MsgId>")
    assert client.post_xml(xml).status_code == 400
    assert client.bot.calls == []


def forged_lines(caplog):
    return [line for line in caplog.text.splitlines() if line.lstrip().startswith("FORGED")]


def test_user_values_cannot_forge_log_lines(client, caplog):
    caplog.set_level(logging.DEBUG, logger=CHANNEL_LOGGER)
    # A MsgId with a newline, twice (the second is taken for a retry) ...
    xml = text_xml("问题", "o_logs", msg_id=7).replace("<MsgId>7</MsgId>", "<MsgId>7\nFORGED msg id</MsgId>")
    client.post_xml(xml)
    client.post_xml(xml)
    # ... an openid, a question, a menu key.
    client.send_text("问题", openid="o_logs\nFORGED openid")
    client.send_text("第一行\nFORGED content", openid="o_logs")
    client.post_xml(event_xml("CLICK", "o_logs", event_key="KEY\nFORGED menu key"))
    wait_until(lambda: "o_logs" in caplog.text)
    assert forged_lines(caplog) == []


def test_log_records_stay_short_for_a_long_question(client, caplog):
    caplog.set_level(logging.DEBUG, logger=CHANNEL_LOGGER)
    question = "很长的问题" * 2000
    client.send_text(question, openid="o_long_q")
    client.post_xml(event_xml("CLICK", "o_long_q", event_key="K" * 128))
    records = [r for r in caplog.records if r.name.startswith(CHANNEL_LOGGER)]
    assert records
    assert max(len(r.getMessage()) for r in records) < 1000
