"""The Redis ticket lock under concurrent use from several servers (two ResilientRedisLockStore
instances, the lock store of endpoints.production.yml, on the same key prefix, several threads each)
on a real Redis: tickets are unique, turns never overlap, and the lock is gone afterwards. With
Rasa's own GET-then-SET, 80 tickets issued this way came out as 20 distinct numbers, and concurrent
turns failed with LockError. Needs Redis only (skipped without it, like every module here); the
same checks without Redis: tests/server/test_redis_lock_store.py."""

from __future__ import annotations

import asyncio
import threading
import uuid
import warnings

import pytest

from .conftest import REDIS_URL, run_threads

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def stores(services):
    import redis

    with warnings.catch_warnings():  # importing Rasa (TensorFlow, SQLAlchemy 1.4) warns a lot
        warnings.simplefilter("ignore")
        from bot.stores import ResilientRedisLockStore

    kwargs = redis.Redis.from_url(REDIS_URL).connection_pool.connection_kwargs
    prefix = f"locktest{uuid.uuid4().hex[:8]}"
    pair = [
        ResilientRedisLockStore(
            host=kwargs.get("host", "127.0.0.1"),
            port=kwargs.get("port", 6379),
            db=kwargs.get("db", 0),
            password=kwargs.get("password"),
            key_prefix=prefix,
            socket_timeout=2,
            fallback=False,
        )
        for _ in range(2)
    ]
    yield pair
    keys = list(pair[0].red.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        pair[0].red.delete(*keys)


def test_concurrent_tickets_are_unique(stores):
    conversation = "conv-" + uuid.uuid4().hex[:6]
    issued: list[int] = []
    guard = threading.Lock()

    def issue(index: int) -> None:
        for _ in range(10):
            ticket = stores[index % 2].issue_ticket(conversation, 60)
            with guard:
                issued.append(ticket)

    assert not run_threads(issue, 8, seconds=60)
    assert len(issued) == 80 and len(set(issued)) == 80  # Rasa alone: about 20 distinct of 80
    lock = stores[0].get_lock(conversation)
    assert sorted(t.number for t in lock.tickets) == sorted(issued)


def test_concurrent_turns_are_serialised_and_the_lock_is_removed(stores):
    conversation = "conv-" + uuid.uuid4().hex[:6]
    inside = []
    overlaps = []
    guard = threading.Lock()

    async def turn(store) -> None:
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.01):
            with guard:
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
            await asyncio.sleep(0.002)
            with guard:
                inside.pop()

    def worker(index: int) -> None:
        async def many() -> None:
            for _ in range(8):
                await turn(stores[index % 2])

        asyncio.run(many())

    assert not run_threads(worker, 4, seconds=120)  # Rasa alone: LockError (a ticket deleted meanwhile)
    assert not overlaps, f"{len(overlaps)} turns overlapped"
    assert stores[0].get_lock(conversation) is None
