"""bot.speedups gives exactly the results of the Rasa 3.6 functions it replaces."""

from __future__ import annotations

import copy
from typing import Any, Dict, List

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from bot import speedups


def _valid_responses() -> List[Dict[str, Any]]:
    """Responses as our action server sends them, and one with every kind of event."""
    answer = {
        "events": [
            SlotSet("city", "平顶山").as_dict(),
            SlotSet("last_topics", ["专精特新"]).as_dict(),
            SlotSet("figure_yuan", 500000.0).as_dict(),
        ],
        "responses": [{"text": "国家级专精特新小巨人:一次性奖励50万元(平政〔2022〕8号 附件3)"}],
    }
    every_kind = {
        "events": [
            e.as_dict()
            for e in (
                UserUttered("三明呢", {"name": "inform_city", "confidence": 0.9}),
                ActionExecuted("action_switch_city"),
                BotUttered("三明:省级单项冠军50万元", {"buttons": None}),
                SlotSet("city", None),
                FollowupAction("action_listen"),
                SessionStarted(),
                Restarted(),
            )
        ],
        "responses": [],
    }
    return [answer, every_kind, {"events": [], "responses": []}, {}]


def _invalid_responses() -> List[Dict[str, Any]]:
    good = _valid_responses()[0]
    unknown_event = copy.deepcopy(good)
    unknown_event["events"].append({"event": "no_such_event"})
    slot_name_not_text = copy.deepcopy(good)
    slot_name_not_text["events"][0]["name"] = 3
    no_event_key = copy.deepcopy(good)
    no_event_key["events"][1].pop("event")
    bad_timestamp = copy.deepcopy(good)
    bad_timestamp["events"][2]["timestamp"] = "yesterday"
    return [
        unknown_event,
        slot_name_not_text,
        no_event_key,
        bad_timestamp,
        {"events": "SlotSet(city)"},
        {"events": [], "responses": "文本"},
        {"events": [3]},
    ]


@pytest.fixture
def installed():
    original = RemoteAction.__dict__["_validate_action_result"]
    speedups.install()
    yield original
    speedups.uninstall()
    assert RemoteAction.__dict__["_validate_action_result"] is original


@pytest.mark.parametrize("index", range(len(_valid_responses())))
def test_valid_action_responses_pass_as_with_rasa(installed, index):
    response = _valid_responses()[index]
    action = RemoteAction("action_answer_policy", None)
    assert installed(action, copy.deepcopy(response)) is True
    assert action._validate_action_result(response) is True


@pytest.mark.parametrize("index", range(len(_invalid_responses())))
def test_invalid_action_responses_raise_rasas_error(installed, index):
    response = _invalid_responses()[index]
    action = RemoteAction("action_answer_policy", None)
    with pytest.raises(ValidationError) as rasa_error:
        installed(action, copy.deepcopy(response))
    with pytest.raises(ValidationError) as our_error:
        action._validate_action_result(response)
    assert our_error.value.message == rasa_error.value.message
    assert list(our_error.value.path) == list(rasa_error.value.path)
    assert "Failed to validate Action server response" in our_error.value.message


def test_a_schema_without_one_constant_per_event_is_validated_in_full():
    schema = RemoteAction.action_response_format_spec()
    items = schema["properties"]["events"]["items"]
    items["oneOf"][1]["properties"]["event"] = {"type": "string"}  # one alternative accepts any event
    validator = speedups.ActionResponseValidator(schema)
    response = {"events": [{"event": "slot", "name": "city", "value": "滨州"}]}
    # "slot" now matches two alternatives: invalid under oneOf, as the full validation says.
    assert validator.is_valid(response) is validator.full.is_valid(response) is False


def test_event_classes_by_name_are_rasas(installed):
    names = ["user", "bot", "slot", "action", "session_started", "restart", "followup", "reset_slots"]
    original = speedups.original(Event, "resolve_by_type")
    for _ in range(2):  # the second round comes from the remembered classes
        for name in names:
            assert Event.resolve_by_type(name) is original(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="no_such_event"):
        Event.resolve_by_type("no_such_event")
    assert Event.from_parameters({"event": "slot", "name": "city", "value": "三门峡"}) == SlotSet("city", "三门峡")
