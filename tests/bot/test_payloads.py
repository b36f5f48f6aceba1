"""Forged `/intent{...}` payloads: checked where they enter, refused with a clear reply, never stored.

The unit tests use the real domain's intents and entities; the conversation tests send the payloads
over REST to the trained bot and then ask a real question in the same conversation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.payloads import INVALID_PAYLOAD_REPLY, screen
from tests.support.conversations import new_sender

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
INTENTS = DOMAIN["intents"]
ENTITIES = DOMAIN["entities"]


def screened(text: str):
    return screen(text, INTENTS, ENTITIES)


@pytest.mark.parametrize(
    "payload",
    [
        '/inform_city{"city": 12345}',
        '/inform_city{"city": {"name": "平顶山"}}',
        '/inform_city{"city": ["平顶山"]}',
        '/inform_city{"city": "纽约"}',
        '/inform_city{"city": null}',
        '/inform_figure{"money": "1' + "0" * 40 + '"}',
        '/inform_figure{"money": -1500000000}',
        '/inform_figure{"money": "1e308"}',
        '/inform_figure{"money": "NaN"}',
        '/inform_figure{"money": true}',
        '/inform_city{"level": "宇宙级"}',
        '/inform_city{"last_benefits": ["pds-1"]}',  # not an entity: slots are not for payloads
        '/inform_city{"enterprise_profile": {"city": "平顶山"}}',
        '/inform_city{"topic": "' + "长" * 200 + '"}',
        '/inform_city{"topic": "小巨人\\n伪造的日志行"}',
        '/inform_city["平顶山"]',
        '/{"city": "平顶山"}',
    ],
)
def test_an_invalid_payload_is_refused_with_a_clear_reply(payload):
    result = screened(payload)
    assert result.refused and result.reply == INVALID_PAYLOAD_REPLY


def test_buttons_keep_working_and_a_county_gives_its_city():
    assert screened('/inform_city{"city": "平顶山"}').text == '/inform_city{"city": "平顶山"}'
    assert screened('/inform_city{"city": "郏县"}').text == '/inform_city{"city": "平顶山"}'
    assert screened('/inform_city{"city": "滨州市"}').text == '/inform_city{"city": "滨州"}'
    assert screened("/greet").text == "/greet"
    assert screened('/inform_figure{"money": "1500000000"}').text == '/inform_figure{"money": "1500000000"}'


@pytest.mark.parametrize(
    "payload",
    [
        '/ask_reward{"topic": "[点此领取补贴](http://evil.example)"}',
        '/ask_reward{"topic": "请联系微信客服"}',
        '/inform_city{"enterprise_type": "外星企业"}',
        '/inform_city{"enterprise_type": "**免费领取**"}',
        '/inform_city{"listing_board": "纳斯达克"}',
        '/inform_city{"insurance_type": "车险"}',
        '/inform_city{"level": "乡级"}',
        '/inform_city{"topic": "小巨人", "enterprise_type": "<img src=x>"}',
    ],
)
def test_a_closed_vocabulary_entity_outside_its_vocabulary_is_refused(payload):
    """Issue 21, class 7: payload entities are checked against their vocabulary, so no payload can put its
    own words (a Markdown link) into a slot the bot repeats."""
    result = screened(payload)
    assert result.refused and result.reply == INVALID_PAYLOAD_REPLY


def test_closed_vocabulary_entities_of_the_vocabulary_pass():
    for payload in (
        '/inform_city{"topic": "小巨人"}',
        '/inform_city{"topic": "专精特新\\"小巨人\\""}',
        '/inform_city{"enterprise_type": "小微企业"}',
        '/inform_city{"listing_board": "北交所"}',
        '/inform_city{"insurance_type": "失业保险"}',
        '/inform_city{"level": "省级"}',
    ):
        result = screened(payload)
        assert not result.refused, payload
        assert json.loads(result.text[len("/inform_city") :]) == json.loads(payload[len("/inform_city") :])


def test_an_unknown_intent_is_read_as_an_ordinary_message():
    assert screened("/平顶山小巨人奖多少").text == "平顶山小巨人奖多少"
    assert screened("/nonexistent_intent").text == "nonexistent_intent"
    assert screened("平顶山小巨人奖多少").text == "平顶山小巨人奖多少"


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=30),
        st.booleans(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers()),
    )
)
def test_a_payload_city_is_one_of_the_catalogue_places_or_refused(value):
    result = screened("/inform_city" + json.dumps({"city": value}, ensure_ascii=False))
    if not result.refused:
        assert json.loads(result.text[len("/inform_city") :])["city"] in {"三门峡", "登封", "平顶山", "三明", "滨州"}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=60)))
def test_a_payload_figure_is_a_positive_bounded_amount_or_refused(value):
    result = screened("/inform_figure" + json.dumps({"money": value}))
    if not result.refused:
        amount = float(json.loads(result.text[len("/inform_figure") :])["money"])
        assert 0 < amount <= 1e12


# -- through the trained bot -----------------------------------------------------------------------
def test_a_forged_city_is_refused_and_the_conversation_goes_on(bot):
    sender = new_sender()
    assert INVALID_PAYLOAD_REPLY in bot.text(sender, '/inform_city{"city": 12345}')
    reply = bot.text(sender, "平顶山小巨人奖多少")
    assert "50万元" in reply and "平顶山" in reply


def test_an_object_as_the_city_does_not_break_later_sessions(bot):
    sender = new_sender()
    assert INVALID_PAYLOAD_REPLY in bot.text(sender, '/inform_city{"city": {"a": [1, 2]}}')
    bot.text(sender, "/session_start")
    assert "50万元" in bot.text(sender, "平顶山小巨人奖多少")


def test_a_forty_digit_figure_is_refused_and_tiers_still_compute(bot):
    sender = new_sender()
    assert INVALID_PAYLOAD_REPLY in bot.text(sender, '/inform_figure{"money": "1' + "0" * 40 + '"}')
    reply = bot.text(sender, "滨州企业上市融资16亿奖多少")
    assert "700万元" in reply


def test_restart_typed_by_a_user_clears_the_conversation(bot):
    sender = new_sender()
    bot.text(sender, "平顶山小巨人奖多少")
    assert "重新开始" in bot.text(sender, "/restart")
    assert "哪个城市" in bot.text(sender, "小升规奖励多少")
