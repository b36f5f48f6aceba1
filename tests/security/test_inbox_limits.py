"""The officers' inbox cannot be flooded (issue 21, class 2), phone numbers are real ones (class 7), and
old messages are deleted by a documented command (retention)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, inspect, text

from actions import leave_message
from actions.leave_message import ActionLeaveMessage
from officer.messages import (
    BUSY,
    CLIENT_LIMIT,
    DEFAULT_RETENTION_DAYS,
    DUPLICATE,
    InboxLimits,
    MessageRejected,
    MessageStore,
    messages,
    normalise_phone,
    phone_in,
)
from policy_db.__main__ import main
from policy_db.db import make_engine

START = dt.datetime(2026, 12, 1, 9, 0)


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'policy.db'}"


def store_with(url: str, **limits: int) -> MessageStore:
    return MessageStore(make_engine(url), InboxLimits(**limits))


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def test_a_new_sender_id_per_message_does_not_escape_the_client_limit(url):
    store = store_with(url, per_client_per_day=4)
    for i in range(4):
        store.leave(f"rest:s{i}", f"问题{i}", client="203.0.113.7", now=at(i))
    with pytest.raises(MessageRejected) as refused:
        store.leave("rest:fresh", "又一个问题", client="203.0.113.7", now=at(5))
    assert refused.value.reason == CLIENT_LIMIT
    store.leave("rest:neighbour", "别处的问题", client="198.51.100.1", now=at(6))
    store.leave("rest:fresh", "第二天的问题", client="203.0.113.7", now=at(60 * 24 + 5))


def test_a_flood_from_many_addresses_meets_the_hourly_limit_with_one_alert(url, caplog):
    store = store_with(url, per_hour=5)
    for i in range(5):
        store.leave(f"rest:s{i}", f"问题{i}", client=f"10.0.0.{i}", now=at(i))
    caplog.set_level(logging.ERROR, logger="officer.messages")
    for i in range(5, 9):
        with pytest.raises(MessageRejected) as refused:
            store.leave(f"rest:s{i}", f"问题{i}", client=f"10.0.0.{i}", now=at(i))
        assert refused.value.reason == BUSY
    alerts = [r for r in caplog.records if "ALERT" in r.getMessage() and "INBOX_PER_HOUR" in r.getMessage()]
    assert len(alerts) == 1  # one alert a minute, not one per refusal
    store.leave("rest:later", "一小时后的问题", now=at(70))


def test_the_inbox_is_capped_until_officers_handle_messages(url, caplog):
    store = store_with(url, max_open=3)
    ids = [store.leave(f"rest:s{i}", f"问题{i}", now=at(i * 600)).id for i in range(3)]
    with pytest.raises(MessageRejected) as refused:
        store.leave("rest:s9", "满了吗", now=at(2000))
    assert refused.value.reason == BUSY and "INBOX_MAX_OPEN" in caplog.text
    store.mark_handled(ids[:1])
    store.leave("rest:s9", "满了吗", now=at(2001))


def test_a_duplicate_of_an_open_message_is_refused(url):
    store = store_with(url)
    store.leave("rest:a", "技改补贴什么时候发", phone="13800138000", now=at(0))
    for sender in ("rest:a", "rest:b", "socketio:c"):
        with pytest.raises(MessageRejected) as refused:
            store.leave(sender, "  技改补贴什么时候发 ", phone="138 0013 8000", now=at(1))
        assert refused.value.reason == DUPLICATE
    store.leave("rest:b", "技改补贴什么时候发", phone="13900139000", now=at(2))  # another person's number
    assert len(store.list()) == 2


def test_the_limits_are_configured_by_environment_variables():
    limits = InboxLimits.from_env(
        {
            "INBOX_PER_SENDER_PER_DAY": "3",
            "INBOX_PER_CLIENT_PER_DAY": "9",
            "INBOX_PER_HOUR": "50",
            "INBOX_MAX_OPEN": "x",
        }
    )
    assert (limits.per_sender_per_day, limits.per_client_per_day, limits.per_hour) == (3, 9, 50)
    assert limits.max_open == InboxLimits().max_open  # not a number: the default


def test_an_inbox_created_before_the_client_column_gets_it(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}", future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE user_messages (id INTEGER PRIMARY KEY, conversation_id VARCHAR(200) NOT NULL, "
                "city VARCHAR(20), question TEXT NOT NULL, phone VARCHAR(20), last_answer TEXT, "
                "created_at DATETIME NOT NULL, handled BOOLEAN NOT NULL, handled_at DATETIME)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO user_messages VALUES (1, 'rest:x', NULL, '旧留言', NULL, NULL, '2026-11-01 00:00:00.000000', 0, NULL)"
            )
        )
    store = MessageStore(engine)
    store.leave("rest:y", "新留言", client="203.0.113.7")
    assert "client" in {c["name"] for c in inspect(engine).get_columns("user_messages")}
    assert [m.question for m in store.list()] == ["旧留言", "新留言"]


def test_the_action_stores_the_address_the_channel_saw(url, monkeypatch, repository):
    store = store_with(url)
    monkeypatch.setattr(leave_message, "message_store", lambda: store)
    monkeypatch.setattr(leave_message, "current_catalog", repository.catalog)
    tracker = Tracker(
        "rest:owner",
        {"message_text": "技改补贴进度", "message_phone": None, "city": "平顶山"},
        {"text": "不留", "intent": {"name": "deny"}, "entities": [], "metadata": {"client": "203.0.113.9"}},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionLeaveMessage().run(dispatcher, tracker, {}))
    assert "已记下您的留言" in dispatcher.messages[0]["text"]
    with store.engine.connect() as connection:
        assert connection.execute(messages.select()).mappings().one()["client"] == "203.0.113.9"


@pytest.mark.parametrize(
    "phone",
    [
        "١٣٨٠٠١٣٨٠٠٠",  # Arabic-Indic digits
        "۱۳۸۰۰۱۳۸۰۰۰",  # Persian digits
        "00000000000",
        "000-00000000",
        "0086 138 0013 8000",  # an international prefix
        "001-202-555-0100",
        "0371-00000000",  # all-zero local number
    ],
)
def test_a_phone_number_is_ascii_digits_and_a_real_number(phone):
    with pytest.raises(MessageRejected):
        normalise_phone(phone)


def test_full_width_digits_typed_by_users_still_count():
    assert phone_in("电话１３８００１３８０００") == "13800138000"
    assert normalise_phone("0371-66661234") == "037166661234"


def test_old_messages_are_deleted_by_the_purge_command(url, capsys):
    store = store_with(url)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for days in (DEFAULT_RETENTION_DAYS + 20, DEFAULT_RETENTION_DAYS - 20, 40, 1):
        store.leave(f"rest:{days}", f"{days}天前的问题", now=now - dt.timedelta(days=days))
    assert main(["--database-url", url, "messages", "--purge-older-than"]) == 0  # the default period
    assert f"已删除 {DEFAULT_RETENTION_DAYS} 天前的留言: 1 条" in capsys.readouterr().out
    assert main(["--database-url", url, "messages", "--purge-older-than", "30"]) == 0
    assert "2 条" in capsys.readouterr().out
    assert [m.question for m in store.list(include_handled=True)] == ["1天前的问题"]
    with pytest.raises(SystemExit):
        main(["--database-url", url, "messages", "--purge-older-than", "-3"])


@pytest.fixture()
def pg_url():
    """A fresh PostgreSQL schema, first on the search path, dropped afterwards (skipped without PostgreSQL)."""
    import uuid

    from devservers import POSTGRES_URL, pg_connect

    try:
        admin = pg_connect()
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    schema = f"inbox_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cursor:
        cursor.execute(f"create schema {schema}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"drop schema if exists {schema} cascade")
        admin.close()


def test_the_limits_and_the_purge_hold_on_postgresql(pg_url):
    engine = create_engine(pg_url, future=True)
    with engine.begin() as connection:  # an inbox made before the client column
        connection.execute(
            text(
                "CREATE TABLE user_messages (id SERIAL PRIMARY KEY, conversation_id VARCHAR(200) NOT NULL, "
                "city VARCHAR(20), question TEXT NOT NULL, phone VARCHAR(20), last_answer TEXT, "
                "created_at TIMESTAMP NOT NULL, handled BOOLEAN NOT NULL, handled_at TIMESTAMP)"
            )
        )
    store = MessageStore(engine, InboxLimits(per_client_per_day=2))
    store.leave("rest:a", "问题一", client="203.0.113.7", now=at(0))
    with pytest.raises(MessageRejected, match="已经收到"):
        store.leave("rest:b", "问题一", client="198.51.100.1", now=at(1))
    store.leave("rest:c", "问题二", client="203.0.113.7", now=at(2))
    with pytest.raises(MessageRejected) as refused:
        store.leave("rest:d", "问题三", client="203.0.113.7", now=at(3))
    assert refused.value.reason == CLIENT_LIMIT
    assert store.purge(1, now=at(60 * 24 + 3)) == 2
    engine.dispose()
