"""Messages left for a person: stored with their context, limited per sender, listed, exported, handled."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import create_engine

from officer.messages import (
    MAX_PER_SENDER_PER_DAY,
    MAX_QUESTION_CHARS,
    MessageRejected,
    MessageStore,
    check_question,
    normalise_phone,
    phone_in,
    to_csv,
)
from policy_db.build import build_database


@pytest.fixture()
def store(tmp_path):
    return MessageStore(create_engine(f"sqlite:///{tmp_path / 'policy.db'}", future=True))


def test_a_message_keeps_what_the_officer_needs_to_call_back(store):
    stored = store.leave(
        "rest:abc", "想问技改补贴什么时候发", phone="138 0013 8000", city="平顶山", last_answer="技改补贴最高500万元。"
    )
    [listed] = store.list()
    assert listed.id == stored.id
    assert (listed.conversation_id, listed.city, listed.phone) == ("rest:abc", "平顶山", "13800138000")
    assert listed.question == "想问技改补贴什么时候发" and listed.last_answer == "技改补贴最高500万元。"
    assert not listed.handled


@pytest.mark.parametrize("phone", ["12345", "1380013800", "abc", "23800138000", "138001380001"])
def test_an_invalid_phone_is_refused_with_a_reason(store, phone):
    with pytest.raises(MessageRejected, match="手机号"):
        store.leave("rest:abc", "问一下", phone=phone)
    assert store.list() == []


@pytest.mark.parametrize(
    ("given", "kept"), [("0375-2661234", "03752661234"), ("+86 139-0000-1111", "13900001111"), ("", None), (None, None)]
)
def test_phones_are_normalised(given, kept):
    assert normalise_phone(given) == kept


@pytest.mark.parametrize("question", ["", "   ", "字" * 501])
def test_empty_and_overlong_messages_are_refused(store, question):
    with pytest.raises(MessageRejected):
        store.leave("rest:abc", question)


def test_one_sender_cannot_flood_the_inbox_but_others_still_can_write(store):
    start = dt.datetime(2026, 12, 1, 9, 0)
    for i in range(MAX_PER_SENDER_PER_DAY):
        store.leave("rest:flood", f"第{i}个问题", now=start + dt.timedelta(minutes=i))
    with pytest.raises(MessageRejected, match="够多"):
        store.leave("rest:flood", "再来一个", now=start + dt.timedelta(hours=1))
    store.leave("rest:other", "别人的问题", now=start + dt.timedelta(hours=1))
    store.leave("rest:flood", "第二天可以再留", now=start + dt.timedelta(days=1, minutes=1))
    assert len(store.list()) == MAX_PER_SENDER_PER_DAY + 2


def test_marking_handled_hides_a_message_from_the_open_list(store):
    first = store.leave("rest:a", "问题一", city="滨州")
    store.leave("rest:b", "问题二", city="三明")
    assert store.mark_handled([first.id]) == 1
    assert store.mark_handled([first.id]) == 0
    assert [m.question for m in store.list()] == ["问题二"]
    assert [m.handled for m in store.list(include_handled=True)] == [True, False]
    assert [m.question for m in store.list(city="三明")] == ["问题二"]


def test_the_csv_has_one_row_per_message_with_phone_and_question(store):
    store.leave("rest:a", "贷款贴息找谁", phone="13800138000", city="滨州")
    rows = list(csv.reader(io.StringIO(to_csv(store.list()))))
    assert rows[0][:5] == ["编号", "时间(UTC)", "城市", "电话", "问题"]
    assert rows[1][2:5] == ["滨州", "13800138000", "贷款贴息找谁"]


def test_rebuilding_the_policy_catalogue_keeps_the_messages(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'policy.db'}", future=True)
    MessageStore(engine).leave("rest:a", "重建前留的言")
    build_database(engine)
    assert [m.question for m in MessageStore(engine).list()] == ["重建前留的言"]


@pytest.mark.parametrize(
    ("reply", "phone"),
    [
        ("电话是 138 0013 8000，下午打", "13800138000"),
        ("（0375）2661234 找财务", "03752661234"),
        ("+86 139-0000-1111", "13900001111"),
        ("１３９００００１１１１", "13900001111"),  # typed with full-width digits
        ("不留了", None),
    ],
)
def test_the_phone_number_in_a_reply_is_found_and_normalised(reply, phone):
    assert phone_in(reply) == phone


@pytest.mark.parametrize("reply", ["12345", "打1380013800", "第2个"])
def test_a_reply_whose_number_is_no_phone_is_refused(reply):
    with pytest.raises(MessageRejected, match="电话号码格式不对"):
        phone_in(reply)


def test_a_question_is_checked_before_it_is_stored():
    assert check_question("  技改补贴啥时候发？ ") == "技改补贴啥时候发？"
    with pytest.raises(MessageRejected, match=f"{MAX_QUESTION_CHARS}字以内"):
        check_question("问" * (MAX_QUESTION_CHARS + 1))
