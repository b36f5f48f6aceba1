"""bot.stores.ResilientRedisLockStore without a Redis server (fakeredis: the same commands, WATCH/MULTI
and connection errors in memory).

It is what endpoints.production.yml names, Rasa loads it from there, its tickets live Rasa's
TICKET_LOCK_LIFETIME, it stores locks as Rasa's RedisLockStore does, each ticket change is atomic
across servers, and while Redis is unreachable it locks in the process and tries Redis again later.
The same store against a real Redis and two servers: tests/production/test_lock_store.py and
test_faults.py.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.core.utils import read_endpoints_from_path

from bot.stores import ResilientRedisLockStore

fakeredis = pytest.importorskip("fakeredis", reason="fakeredis (requirements-dev.txt) is not installed")

PROJECT_DIR = Path(__file__).resolve().parents[2]
PREFIX = "locktest"
CONVERSATION = "rest:company-42"


@pytest.fixture
def redis_server() -> Any:
    return fakeredis.FakeServer()


def make_store(redis_server: Any, **options: Any) -> ResilientRedisLockStore:
    options.setdefault("fallback", True)
    options.setdefault("retry_seconds", 30.0)
    store = ResilientRedisLockStore(key_prefix=PREFIX, **options)
    store.red = fakeredis.FakeStrictRedis(server=redis_server)
    return store


def stored_lock(redis_server: Any) -> Any:
    raw = fakeredis.FakeStrictRedis(server=redis_server).get(f"{PREFIX}:lock:{CONVERSATION}")
    return json.loads(raw) if raw else None


async def hold(store: LockStore, seconds: float = 0.0, **lock_options: Any) -> Any:
    """Take the conversation's lock for a turn of ``seconds``; return the lock the turn held."""
    async with store.lock(CONVERSATION, **lock_options) as lock:
        await asyncio.sleep(seconds)
        return lock


# -- loaded by Rasa from endpoints.production.yml -------------------------------------------------
def test_rasa_creates_it_from_endpoints_production_yml(monkeypatch):
    for name, value in {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_SECRET": "a-secret-of-16-chars-or-more",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5432",
        "DB_NAME": "rasa",
        "DB_USER": "rasa",
        "DB_PASSWORD": "",
        "REDIS_HOST": "redis.internal",
        "REDIS_PORT": "6380",
        "REDIS_DB": "3",
        "REDIS_PASSWORD": "s3cret",
        "REDIS_KEY_PREFIX": "zct",
    }.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(PROJECT_DIR / "endpoints.production.yml"))
    store = LockStore.create(endpoints.lock_store)  # what rasa.core.run does
    assert type(store) is ResilientRedisLockStore
    connection = store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("redis.internal", 6380, 3)
    assert connection["password"] == "s3cret"
    assert connection["socket_timeout"] == 1  # not Rasa's 10 s: a hanging Redis stalls the server
    assert store.key_prefix == "zct:lock:"


def test_fallback_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOCK_STORE_FALLBACK", "off")
    monkeypatch.setenv("LOCK_STORE_RETRY_SECONDS", "2.5")
    store = ResilientRedisLockStore(key_prefix=PREFIX)
    assert (store.fallback, store.retry_seconds) == (False, 2.5)
    monkeypatch.delenv("LOCK_STORE_FALLBACK")
    monkeypatch.setenv("LOCK_STORE_RETRY_SECONDS", "soon")
    store = ResilientRedisLockStore(key_prefix=PREFIX)
    assert (store.fallback, store.retry_seconds) == (True, 10.0)


# -- ticket lifetime: Rasa's TICKET_LOCK_LIFETIME --------------------------------------------------
def test_default_lifetime_is_rasas():
    for method in ("lock", "issue_ticket"):
        ours = inspect.signature(getattr(ResilientRedisLockStore, method)).parameters["lock_lifetime"].default
        rasas = inspect.signature(getattr(LockStore, method)).parameters["lock_lifetime"].default
        assert ours == rasas == LOCK_LIFETIME


def test_a_ticket_expires_after_rasas_lifetime(redis_server):
    store = make_store(redis_server)
    before = time.time()
    lock = asyncio.run(hold(store))
    assert before + LOCK_LIFETIME <= lock.tickets[0].expires <= time.time() + LOCK_LIFETIME
    shorter = asyncio.run(hold(store, lock_lifetime=5))
    assert shorter.tickets[0].expires <= time.time() + 5


TICKET_IN_A_NEW_PROCESS = """
import asyncio, time, fakeredis
from bot.stores import ResilientRedisLockStore
store = ResilientRedisLockStore(key_prefix="p")
store.red = fakeredis.FakeStrictRedis()

async def turn():  # as Agent.handle_message takes it: no lifetime given
    async with store.lock("c") as lock:
        return lock.tickets[0].expires - time.time()

print(round(asyncio.run(turn())))
store.issue_ticket("d")
print(round(store.get_lock("d").tickets[0].expires - time.time()))
"""


def test_ticket_lock_lifetime_from_the_environment_is_honoured():
    """TICKET_LOCK_LIFETIME is read by Rasa when rasa.core.lock_store is imported: a new process."""
    import os

    result = subprocess.run(
        [sys.executable, "-c", TICKET_IN_A_NEW_PROCESS],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TICKET_LOCK_LIFETIME": "7"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["7", "7"]  # lock() and issue_ticket() alike


# -- the same locks as Rasa's store, changed atomically ----------------------------------------------
def test_locks_are_stored_as_rasas_redis_lock_store_stores_them(redis_server):
    ours = make_store(redis_server)
    rasas = RedisLockStore(key_prefix=PREFIX)
    rasas.red = fakeredis.FakeStrictRedis(server=redis_server)
    first = ours.issue_ticket(CONVERSATION)
    second = rasas.issue_ticket(CONVERSATION)
    assert second == first + 1
    assert [t.number for t in rasas.get_lock(CONVERSATION).tickets] == [first, second]
    ours.cleanup(CONVERSATION, first)
    assert [t.number for t in rasas.get_lock(CONVERSATION).tickets] == [second]  # someone waits: kept
    ours.cleanup(CONVERSATION, second)
    assert stored_lock(redis_server) is None  # nobody waits: deleted


def test_tickets_issued_concurrently_by_two_servers_are_unique(redis_server):
    """Rasa's GET-then-SET hands out the same ticket twice under this load."""
    stores = [make_store(redis_server), make_store(redis_server)]
    issued: List[int] = []
    guard = threading.Lock()

    def issue(index: int) -> None:
        for _ in range(20):
            ticket = stores[index % 2].issue_ticket(CONVERSATION)
            with guard:
                issued.append(ticket)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(issued) == 120 and len(set(issued)) == 120
    assert sorted(t.number for t in stores[0].get_lock(CONVERSATION).tickets) == sorted(issued)


def test_a_change_made_by_another_server_meanwhile_is_not_overwritten(redis_server):
    """WATCH/MULTI: when the key changes between the read and the write, the change is made again."""
    store = make_store(redis_server)
    other = make_store(redis_server)
    other_ticket = other.issue_ticket(CONVERSATION)
    interfered = []

    def change(lock: Any) -> Any:
        if not interfered:  # another server issues a ticket while this one is between read and write
            interfered.append(other.issue_ticket(CONVERSATION))
        lock = lock or store.create_lock(CONVERSATION)
        return lock, lock.issue_ticket(LOCK_LIFETIME)

    ticket = store._in_transaction(CONVERSATION, change)
    numbers = sorted(t.number for t in store.get_lock(CONVERSATION).tickets)
    assert numbers == sorted([other_ticket, interfered[0], ticket])
    assert len(set(numbers)) == 3


# -- Redis unreachable -----------------------------------------------------------------------------
def test_redis_down_falls_back_to_a_local_lock_then_goes_back_to_redis(redis_server, caplog):
    store = make_store(redis_server, retry_seconds=0.3)
    redis_server.connected = False
    with caplog.at_level(logging.ERROR, logger="bot.stores.redis_lock_store"):
        lock = asyncio.run(hold(store))
        asyncio.run(hold(store))
    assert lock.conversation_id == CONVERSATION  # the turn went ahead under a local lock
    assert store.redis_down
    outage_logs = [r for r in caplog.records if "Redis lock store unreachable" in r.getMessage()]
    assert len(outage_logs) == 1  # once per outage, not once per message

    redis_server.connected = True
    seen_in_redis = []

    async def turn() -> None:
        async with store.lock(CONVERSATION):
            seen_in_redis.append(stored_lock(redis_server))

    asyncio.run(turn())
    assert seen_in_redis == [None]  # still within retry_seconds: the local lock
    time.sleep(0.35)
    asyncio.run(turn())
    assert seen_in_redis[1] is not None and seen_in_redis[1]["conversation_id"] == CONVERSATION
    assert not store.redis_down
    assert stored_lock(redis_server) is None  # cleaned up in Redis


def test_the_local_lock_still_serialises_one_conversations_turns(redis_server):
    store = make_store(redis_server)
    redis_server.connected = False
    inside: List[int] = []
    overlaps: List[int] = []

    async def turn() -> None:
        async with store.lock(CONVERSATION, wait_time_in_seconds=0.01):
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            await asyncio.sleep(0.01)
            inside.pop()

    async def many() -> None:
        await asyncio.gather(*(turn() for _ in range(5)))

    asyncio.run(many())
    assert overlaps == []


def test_redis_lost_during_a_turn_does_not_fail_the_turn(redis_server):
    store = make_store(redis_server)

    async def turn() -> str:
        async with store.lock(CONVERSATION):
            redis_server.connected = False  # the cleanup after the turn cannot reach Redis
            return "answered"

    assert asyncio.run(turn()) == "answered"
    assert store.redis_down


def test_with_fallback_off_redis_down_is_a_lock_error(redis_server):
    store = make_store(redis_server, fallback=False)
    redis_server.connected = False
    with pytest.raises(LockError):
        asyncio.run(hold(store))


def test_other_errors_are_not_taken_for_an_outage(redis_server):
    store = make_store(redis_server)

    async def turn() -> None:
        async with store.lock(CONVERSATION):
            raise ValueError("a bug in the turn")

    with pytest.raises(ValueError, match="a bug in the turn"):
        asyncio.run(turn())
    assert not store.redis_down
    assert stored_lock(redis_server) is None
