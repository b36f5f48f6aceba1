"""Reaching a person: the city's 12345 hotline (never another number), policy questions that ask for a
phone keep their answer, and messages left through the form are checked, stored and confirmed."""

from __future__ import annotations

import asyncio
import re

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine

import actions.leave_message as leave_message
from actions.contact import ActionContactPerson
from actions.leave_message import NO_PHONE, ActionLeaveMessage, ValidateLeaveMessageForm, last_answer
from actions.policy_answer import ActionAnswerPolicy
from officer.messages import MAX_PER_SENDER_PER_DAY, MAX_QUESTION_CHARS, MessageStore
from policy_db.loader import read_cities

CONTACT = ActionContactPerson()
ANSWER = ActionAnswerPolicy()
HOTLINES = {c.name: c.hotline for c in read_cities()}
# Anything a reader could dial: a run of digits with the dashes and spaces inside phone numbers.
DIALLABLE = re.compile(r"\d[\d\- ]{3,}\d")


def dialled_numbers(text: str) -> set[str]:
    return {n.strip() for n in DIALLABLE.findall(text)}


def assert_only_hotlines(text: str) -> None:
    """Every number in a reply that is not a policy figure is a cities.yml hotline or 12345 itself."""
    allowed = set(HOTLINES.values()) | {"12345"}
    phone_like = {n for n in dialled_numbers(text) if n.startswith("0") or len(n.replace("-", "")) >= 5}
    assert phone_like <= allowed, phone_like - allowed


def test_every_city_has_its_area_code_and_12345():
    assert HOTLINES and all(re.fullmatch(r"0\d{2,3}-12345", h or "") for h in HOTLINES.values()), HOTLINES
    assert HOTLINES["平顶山"] == "0375-12345" and HOTLINES["登封"] == "0371-12345"


@pytest.mark.parametrize("text", ["转人工", "我想找人工客服", "电话多少", "我要投诉", "打电话问"])
def test_the_conversations_city_gets_its_hotline_and_the_offer_to_leave_a_message(conversation, text):
    conversation.slots["city"] = "三明"
    turn = conversation.ask(CONTACT, text, "contact_person")
    assert "三明12345政务服务便民热线：0598-12345" in turn.text
    assert dialled_numbers(turn.text) == {"0598-12345", "12345"}
    assert "留言" in turn.text and {"title": "我要留言", "payload": "/leave_message"} in turn.buttons
    assert_only_hotlines(turn.text)


def test_without_a_city_every_citys_hotline_is_listed(conversation):
    turn = conversation.ask(CONTACT, "有没有人工客服啊", "contact_person")
    for city, hotline in HOTLINES.items():
        assert f"{city} {hotline}" in turn.text
    assert_only_hotlines(turn.text)
    assert "city" not in conversation.slots


def test_a_city_named_with_the_request_is_remembered(conversation):
    turn = conversation.ask(CONTACT, "鹰城的热线电话", "contact_person", [{"entity": "city", "value": "平顶山"}])
    assert "0375-12345" in turn.text and "0543-12345" not in turn.text
    assert conversation.slots["city"] == "平顶山"


def test_a_phone_question_after_an_answer_names_the_subjects_departments_and_no_number_of_theirs(conversation):
    conversation.ask(ANSWER, "平顶山评上国家级小巨人奖多少", "ask_reward")
    turn = conversation.ask(CONTACT, "电话多少", "contact_person")
    assert "市财政局" in turn.text and "没有部门电话" in turn.text and "0375-12345" in turn.text
    assert_only_hotlines(turn.text)


def test_a_policy_question_classified_as_contact_person_is_still_answered(conversation):
    turn = conversation.ask(CONTACT, "滨州技改补贴电话多少", "contact_person")
    assert "【滨州】" in turn.text and "市工业和信息化局" in turn.text and "责任单位" in turn.text
    assert "0543-12345" in turn.text and "没有部门电话" in turn.text
    assert not turn.buttons or all(b["payload"] != "/leave_message" for b in turn.buttons)
    assert_only_hotlines(turn.text)


def test_a_department_question_that_asks_for_a_phone_gets_the_units_and_the_hotline(conversation):
    turn = conversation.ask(ANSWER, "平顶山小巨人奖励找哪个部门，电话多少", "ask_contact")
    assert "责任单位：市财政局、市工业和信息化局" in turn.text
    assert turn.texts[-1].startswith("数据库只收录责任单位，没有部门电话") and "0375-12345" in turn.texts[-1]
    assert_only_hotlines(turn.text)


def test_a_department_question_without_a_phone_gets_no_hotline(conversation):
    turn = conversation.ask(ANSWER, "平顶山小巨人奖励找哪个部门", "ask_contact")
    assert "市工业和信息化局" in turn.text and "12345" not in turn.text


# -- leaving a message -------------------------------------------------------------------------------
def tracker(text: str, slots: dict | None = None, events: list | None = None, sender: str = "rest:owner") -> Tracker:
    return Tracker(
        sender,
        {"requested_slot": None, **(slots or {})},
        {"text": text, "intent": {"name": "ask_reward", "confidence": 0.5}, "entities": []},
        events or [],
        False,
        None,
        {"name": "leave_message_form"},
        "action_listen",
    )


def validate(slot: str, value: str, slots: dict | None = None) -> tuple[dict, list[str]]:
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateLeaveMessageForm(), f"validate_{slot}")
    result = method(value, dispatcher, tracker(value, slots), {})
    return result, [m["text"] for m in dispatcher.messages]


def run_store(slots: dict, events: list | None = None, sender: str = "rest:owner") -> tuple[list[dict], str]:
    dispatcher = CollectingDispatcher()
    events_out = asyncio.run(ActionLeaveMessage().run(dispatcher, tracker("", slots, events, sender), {}))
    return events_out, "\n".join(m["text"] for m in dispatcher.messages)


@pytest.fixture
def store(tmp_path, monkeypatch, repository) -> MessageStore:
    store = MessageStore(create_engine(f"sqlite:///{tmp_path / 'messages.db'}", future=True))
    monkeypatch.setattr(leave_message, "message_store", lambda: store)
    monkeypatch.setattr(leave_message, "current_catalog", repository.catalog)
    return store


def test_the_question_is_taken_as_written(store):
    result, said = validate("message_text", "  技改补贴申报了三个月还没批，想问下进度  ")
    assert result == {"message_text": "技改补贴申报了三个月还没批，想问下进度"} and said == []


@pytest.mark.parametrize("text", ["算了", "取消", "不留了。", "算了吧"])
def test_the_user_can_cancel_at_the_question(store, text):
    result, said = validate("message_text", text, {"city": "滨州"})
    assert result == {"message_text": None, "message_phone": None, "requested_slot": None}
    assert "不留了" in said[0] and "0543-12345" in said[0]


def test_an_overlong_question_is_refused_with_the_limit_and_asked_again(store):
    result, said = validate("message_text", "补" * 2000)
    assert result == {"message_text": None}
    assert said == [f"留言太长了，请控制在{MAX_QUESTION_CHARS}字以内。"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("13800138000", "13800138000"),
        ("我的手机 139 0000 1111，下午打", "13900001111"),
        ("0375-2661234", "03752661234"),
    ],
)
def test_a_phone_number_is_read_from_the_reply(store, given, kept):
    assert validate("message_phone", given) == ({"message_phone": kept}, [])


@pytest.mark.parametrize("text", ["不留", "不用了", "不方便", "没有"])
def test_no_phone_number_is_a_valid_answer(store, text):
    assert validate("message_phone", text) == ({"message_phone": NO_PHONE}, [])


@pytest.mark.parametrize("text", ["12345", "1380013800", "2380013800012"])
def test_an_invalid_phone_gets_a_clear_reply_and_a_second_chance(store, text):
    result, said = validate("message_phone", text)
    assert result == {"message_phone": None}  # the form asks for it again
    assert "电话号码格式不对" in said[0] and "手机号" in said[0]


def test_a_reply_without_digits_is_not_taken_for_a_phone(store):
    result, said = validate("message_phone", "好的好的")
    assert result == {"message_phone": None} and "没有看到电话号码" in said[0]


def test_cancelling_at_the_phone_step_drops_the_message(store):
    result, _ = validate("message_phone", "取消", {"message_text": "问个事"})
    assert result["message_text"] is None and result["requested_slot"] is None


EARLIER = [
    {"event": "action", "name": "action_answer_policy"},
    {"event": "bot", "text": "【平顶山】技术改造设备补助：最高500万元"},
    {"event": "user", "text": "转人工"},
    {"event": "action", "name": "action_contact_person"},
    {"event": "bot", "text": "人工咨询、投诉建议请拨打平顶山12345政务服务便民热线：0375-12345"},
    {"event": "user", "text": "留言"},
    {"event": "action", "name": "leave_message_form"},
    {"event": "bot", "text": "好的，请写下您想问的问题"},
]


def test_the_last_answer_is_the_bots_last_policy_reply():
    assert last_answer(EARLIER) == "【平顶山】技术改造设备补助：最高500万元"
    assert last_answer([]) is None


def test_a_message_is_stored_with_its_conversation_city_phone_and_last_answer(store):
    slots = {"message_text": "技改补贴什么时候到账", "message_phone": "13800138000", "city": "平顶山"}
    events, said = run_store(slots, EARLIER)
    [message] = store.list()
    assert (message.conversation_id, message.city, message.phone) == ("rest:owner", "平顶山", "13800138000")
    assert message.question == "技改补贴什么时候到账"
    assert message.last_answer == "【平顶山】技术改造设备补助：最高500万元"
    assert f"已记下您的留言（编号{message.id}）" in said and "13800138000" in said and "0375-12345" in said
    assert {(e["name"], e["value"]) for e in events} == {("message_text", None), ("message_phone", None)}


def test_a_message_without_a_phone_says_nobody_can_call_back(store):
    _, said = run_store({"message_text": "社保缓缴怎么办", "message_phone": NO_PHONE})
    [message] = store.list()
    assert message.phone is None and message.city is None
    assert "无法回电" in said
    assert_only_hotlines(said.replace(f"编号{message.id}", ""))
    assert all(h in said for h in HOTLINES.values())


def test_a_cancelled_form_stores_nothing(store):
    events, said = run_store({"message_text": None, "message_phone": None})
    assert store.list() == [] and said == "" and events == []


def test_the_daily_limit_is_told_to_the_user_with_the_hotline(store):
    slots = {"message_text": "问个事", "message_phone": NO_PHONE, "city": "三门峡"}
    for i in range(MAX_PER_SENDER_PER_DAY):
        run_store({**slots, "message_text": f"问个事{i}"}, sender="rest:busy")  # the same one twice is a duplicate
    _, said = run_store(slots, sender="rest:busy")
    assert "够多" in said and "0398-12345" in said
    assert len(store.list()) == MAX_PER_SENDER_PER_DAY


def test_a_database_outage_is_said_with_the_hotline(tmp_path, monkeypatch, repository):
    unreachable = MessageStore(create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'messages.db'}", future=True))
    monkeypatch.setattr(leave_message, "message_store", lambda: unreachable)
    monkeypatch.setattr(leave_message, "current_catalog", repository.catalog)
    _, said = run_store({"message_text": "问个事", "message_phone": "13800138000", "city": "登封"})
    assert "没有保存成功" in said and "0371-12345" in said
