"""bot.stores.LeanSQLTrackerStore against Rasa's own SQLTrackerStore, on SQLite and on PostgreSQL.

The lean store must be interchangeable with Rasa's: either can read what the other wrote, a read
returns the latest conversation session only, and saving twice stores nothing twice. PostgreSQL
runs in a fresh schema (POSTGRESQL_SCHEMA, as in production) and is skipped where there is none.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores import LeanSQLTrackerStore

PROJECT_DIR = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_DIR / "domain.yml"))


def _sqlite(tmp_path: Path) -> Dict[str, Any]:
    return {"dialect": "sqlite", "db": str(tmp_path / "trackers.db")}


@pytest.fixture
def postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dict[str, Any]]:
    url = sa.engine.make_url(PG_URL)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}")
    schema = f"lean_store_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f"create schema {schema}"))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    yield {
        "dialect": "postgresql",
        "host": url.host,
        "port": url.port or 5432,
        "db": url.database,
        "username": url.username,
        "password": url.password or "",
    }
    with engine.begin() as connection:
        connection.execute(sa.text(f"drop schema {schema} cascade"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Dict[str, Any]:
    return _sqlite(tmp_path) if request.param == "sqlite" else request.getfixturevalue("postgres")


def _user(text: str, intent: str, city: str) -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.93},
        [{"entity": "city", "value": city, "start": 0, "end": len(city)}],
        parse_data={"text": text, "intent": {"name": intent, "confidence": 0.93}, "entities": []},
    )


def _turn(text: str, intent: str, city: str, answer: str) -> List[Any]:
    return [
        _user(text, intent, city),
        ActionExecuted("action_answer_policy"),
        SlotSet("city", city),
        BotUttered(answer, {"source": "平政〔2022〕8号"}),
        ActionExecuted("action_listen"),
    ]


def _session_start() -> List[Any]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def _dicts(events: Any) -> List[Dict[str, Any]]:
    return [event.as_dict() for event in events]


def run(coroutine: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coroutine)


def _stored_rows(store: SQLTrackerStore, sender_id: str) -> List[tuple]:
    with store.engine.connect() as connection:
        return connection.execute(
            sa.text("select type_name, intent_name, action_name, data from events where sender_id = :s order by id"),
            {"s": sender_id},
        ).fetchall()


def test_each_store_reads_what_the_other_wrote(database, domain):
    lean = LeanSQLTrackerStore(domain=domain, **database)
    rasa = SQLTrackerStore(domain=domain, **database)
    for writer, reader in ((lean, rasa), (rasa, lean)):
        sender = f"owner-{uuid.uuid4().hex[:6]}"
        tracker = DialogueStateTracker.from_events(sender, _session_start(), domain.slots)
        run(writer.save(tracker))
        for text, city, answer in (
            ("平顶山小巨人奖多少", "平顶山", "国家级专精特新小巨人一次性奖励50万元"),
            ("那三明呢", "三明", "三明省级专精特新奖励"),
        ):
            tracker = run(writer.retrieve(sender))
            for event in _turn(text, "ask_reward", city, answer):
                tracker.update(event)
            run(writer.save(tracker))
        read = run(reader.retrieve(sender))
        assert _dicts(read.events) == _dicts(tracker.events)
        assert _dicts(read.events) == _dicts(run(writer.retrieve(sender)).events)
        assert read.get_slot("city") == "三明"
        assert read.latest_bot_utterance.text == "三明省级专精特新奖励"


def test_rows_are_the_rows_rasa_writes(database, domain):
    lean = LeanSQLTrackerStore(domain=domain, **database)
    rasa = SQLTrackerStore(domain=domain, **database)
    events = _session_start() + _turn("滨州上市融资8亿奖多少", "ask_reward", "滨州", "奖励200万元")
    rows = {}
    for name, store in (("lean", lean), ("rasa", rasa)):
        sender = f"{name}-{uuid.uuid4().hex[:6]}"
        run(store.save(DialogueStateTracker.from_events(sender, events, domain.slots)))
        rows[name] = _stored_rows(store, sender)
    assert rows["lean"] == rows["rasa"]
    assert tuple(rows["lean"][3][:3]) == ("user", "ask_reward", None)


def test_saving_again_stores_only_new_events_as_rasa_does(database, domain):
    """Rasa's processor saves the tracker it read; a save appends the events added since."""
    for store in (LeanSQLTrackerStore(domain=domain, **database), SQLTrackerStore(domain=domain, **database)):
        sender = f"again-{uuid.uuid4().hex[:6]}"
        run(store.save(DialogueStateTracker.from_events(sender, _session_start(), domain.slots)))
        tracker = run(store.retrieve(sender))
        run(store.save(tracker))
        assert len(_stored_rows(store, sender)) == 3
        for event in _turn("三门峡新三板挂牌奖多少", "ask_reward", "三门峡", "80万元"):
            tracker.update(event)
        run(store.save(tracker))
        run(store.save(run(store.retrieve(sender))))
        rows = _stored_rows(store, sender)
        assert len(rows) == 8, type(store).__name__
        assert [row[0] for row in rows].count("user") == 1


def test_a_read_returns_the_latest_session_like_rasa(database, domain):
    lean = LeanSQLTrackerStore(domain=domain, **database)
    rasa = SQLTrackerStore(domain=domain, **database)
    sender = f"sessions-{uuid.uuid4().hex[:6]}"
    old = _session_start() + _turn("平顶山小巨人奖多少", "ask_reward", "平顶山", "50万元")
    tracker = DialogueStateTracker.from_events(sender, old, domain.slots)
    run(lean.save(tracker))
    for event in _session_start() + _turn("社保费能不能晚点交", "ask_social_insurance", "三明", "缓缴3个月"):
        tracker.update(event)
    run(lean.save(tracker))
    latest_lean, latest_rasa = run(lean.retrieve(sender)), run(rasa.retrieve(sender))
    assert _dicts(latest_lean.events) == _dicts(latest_rasa.events)
    assert [e.text for e in latest_lean.events if isinstance(e, UserUttered)] == ["社保费能不能晚点交"]
    assert run(lean.retrieve(f"nobody-{uuid.uuid4().hex[:6]}")) is None


def test_a_missing_postgresql_schema_stops_the_server(postgres, domain, monkeypatch):
    monkeypatch.setenv("POSTGRESQL_SCHEMA", f"missing_{uuid.uuid4().hex[:8]}")
    with pytest.raises(SystemExit):
        LeanSQLTrackerStore(domain=domain, **postgres)


def test_the_engine_checks_pooled_connections_before_use(tmp_path, domain, monkeypatch):
    """pool_pre_ping, on the engine Rasa's options made (pool size, max overflow) and on the ORM sessions."""
    monkeypatch.setenv("SQL_POOL_SIZE", "7")
    store = LeanSQLTrackerStore(domain=domain, **_sqlite(tmp_path))
    assert store.engine.pool._pre_ping is True  # what create_engine(pool_pre_ping=True) sets
    assert store.sessionmaker.kw["bind"] is store.engine
    assert not SQLTrackerStore(domain=domain, **_sqlite(tmp_path)).engine.pool._pre_ping  # Rasa's own: none
    with store.session_scope() as session:  # Rasa's ORM path uses the same engine
        assert session.get_bind() is store.engine


def test_pool_options_are_rasas(postgres, domain, monkeypatch):
    monkeypatch.setenv("SQL_POOL_SIZE", "7")
    monkeypatch.setenv("SQL_MAX_OVERFLOW", "3")
    store = LeanSQLTrackerStore(domain=domain, **postgres)
    assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (7, 3)
    assert store.engine.pool._pre_ping is True


def test_after_its_connections_are_cut_the_next_read_succeeds(postgres, domain):
    """A PostgreSQL restart (here: the server ends this store's sessions) leaves dead connections in
    the pool; without pre-ping the next read fails with OperationalError (and Rasa answers without
    context)."""
    name = f"lean_ping_{uuid.uuid4().hex[:8]}"
    store = LeanSQLTrackerStore(domain=domain, **{**postgres, "query": {"application_name": name}})
    sender = f"ping-{uuid.uuid4().hex[:6]}"
    run(store.save(DialogueStateTracker.from_events(sender, _session_start(), domain.slots)))
    events = _dicts(run(store.retrieve(sender)).events)  # a connection is now pooled
    admin = sa.create_engine(sa.engine.make_url(PG_URL))
    with admin.begin() as connection:
        ended = connection.execute(
            sa.text("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = :name"),
            {"name": name},
        ).scalar()
    admin.dispose()
    assert ended >= 1
    assert _dicts(run(store.retrieve(sender)).events) == events
