"""Voice messages, menu clicks, new followers and other events (issue 10, class 7)."""

import pytest

from bot.channels.wechat import WeChatConfig, WeChatConfigError, WeChatInput
from bot.channels.wechat.config import UNSUPPORTED_TEXT, WELCOME_TEXT

from .conftest import GREET_BUTTONS, GREETING, TOKEN, StandInBot, event_xml, voice_xml

MENU = {"MENU_ZJTX": "专精特新有什么奖励", "MENU_SOCIAL": "社保可以缓交吗"}


@pytest.fixture
def menu_client(start_channel):
    return start_channel(menu_questions=MENU)


def test_voice_with_recognition_is_answered_as_text(client):
    text = client.reply_text(client.post_xml(voice_xml("o_voice", recognition="平顶山小巨人奖多少")))
    assert text == "答复：平顶山小巨人奖多少"
    [call] = client.bot.calls
    assert call["text"] == "平顶山小巨人奖多少"
    assert call["sender_id"] == "wechat:o_voice"


def test_voice_without_recognition_gets_the_text_only_note(client):
    assert client.reply_text(client.post_xml(voice_xml("o_voice2"))) == UNSUPPORTED_TEXT
    assert client.reply_text(client.post_xml(voice_xml("o_voice2", recognition=""))) == UNSUPPORTED_TEXT
    assert client.bot.calls == []


def test_recognised_digit_is_not_taken_for_a_button_number(client):
    client.send_text("选择城市", openid="o_voice3")
    text = client.reply_text(client.post_xml(voice_xml("o_voice3", recognition="1")))
    assert text == "答复：1"


def test_configured_menu_click_asks_its_question(menu_client):
    text = menu_client.reply_text(menu_client.post_xml(event_xml("CLICK", "o_menu", event_key="MENU_ZJTX")))
    assert text == "答复：专精特新有什么奖励"
    [call] = menu_client.bot.calls
    assert call["text"] == "专精特新有什么奖励"
    assert call["sender_id"] == "wechat:o_menu"


def test_unconfigured_menu_click_gets_nothing(client):
    resp = client.post_xml(event_xml("CLICK", "o_menu2", event_key="NOT_CONFIGURED"))
    assert resp.status_code == 200 and resp.text == "success"
    assert client.bot.calls == []


def test_subscribe_gets_the_bots_greeting(client):
    text = client.reply_text(client.post_xml(event_xml("subscribe", "o_new")))
    assert text == f"{GREETING}\n回复1：{GREET_BUTTONS[0]['title']}"
    [call] = client.bot.calls
    assert call["text"] == "/greet"
    assert call["sender_id"] == "wechat:o_new"
    # The numbered button of the greeting works.
    assert client.reply_text(client.send_text("1", openid="o_new")) == "答复：专精特新有什么奖励"


def test_subscribe_by_qr_code_gets_the_greeting(client):
    text = client.reply_text(client.post_xml(event_xml("subscribe", "o_new_qr", event_key="qrscene_42")))
    assert text.startswith(GREETING)


def test_subscribe_when_the_bot_fails_gets_the_built_in_welcome(start_channel):
    class FailingBot(StandInBot):
        async def _handle(self, message):
            raise RuntimeError("action server down")

    client = start_channel(FailingBot())
    assert client.reply_text(client.post_xml(event_xml("subscribe", "o_new_fail"))) == WELCOME_TEXT


@pytest.mark.parametrize(
    "event,key",
    [
        ("unsubscribe", None),
        ("VIEW", "https://example.com/"),
        ("LOCATION", None),
        ("scancode_push", "MENU_SCAN"),
        ("pic_sysphoto", "MENU_PIC"),
        ("location_select", "MENU_LOC"),
        ("TEMPLATESENDJOBFINISH", None),
        ("some_future_event", None),
    ],
)
def test_other_events_get_success_quietly(client, event, key):
    resp = client.post_xml(event_xml(event, "o_events", event_key=key))
    assert resp.status_code == 200 and resp.text == "success"
    assert client.bot.calls == []


def test_menu_questions_from_credentials_yml(monkeypatch):
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    channel = WeChatInput.from_credentials({"menu_questions": {"MENU_ZJTX": " 专精特新有什么奖励 "}})
    assert channel.config.menu_questions == {"MENU_ZJTX": "专精特新有什么奖励"}


@pytest.mark.parametrize(
    "menu",
    [["MENU_ZJTX"], {"MENU_ZJTX": ""}, {"": "问题"}, {"K" * 129: "问题"}, {"MENU": 12}],
)
def test_invalid_menu_questions_are_a_clear_error(menu):
    with pytest.raises(WeChatConfigError, match="menu"):
        WeChatConfig(token=TOKEN, menu_questions=menu)
