"""`make run` keeps conversations in memory without growing for ever, and a message waiting behind another
of its conversation is not delayed by Rasa's 1-second lock polling (issue 21, classes 5 and 7)."""

from __future__ import annotations

import asyncio
import inspect

from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores import BoundedInMemoryTrackerStore, QuickInMemoryLockStore, ResilientRedisLockStore
from bot.stores.memory import LOCK_POLL_SECONDS
from bot.stores.redis_lock_store import REDIS_LOCK_POLL_SECONDS
from devservers import PROJECT_DIR

DOMAIN = Domain.empty()


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("平顶山小巨人奖多少")])


def test_make_run_s_endpoints_name_the_bounded_stores(monkeypatch):
    monkeypatch.setenv("ACTION_SERVER_SECRET", "a-secret-of-16-chars-or-more")
    endpoints = read_endpoints_from_path(str(PROJECT_DIR / "endpoints.yml"))
    store = TrackerStore.create(endpoints.tracker_store, DOMAIN)
    assert type(store) is BoundedInMemoryTrackerStore
    assert (store.idle_seconds, store.max_conversations) == (7200, 20000)
    assert type(LockStore.create(endpoints.lock_store)) is QuickInMemoryLockStore


def test_a_flood_of_new_senders_keeps_the_newest_conversations_only():
    store = BoundedInMemoryTrackerStore(DOMAIN, max_conversations=100)

    async def flood() -> None:
        await store.save(tracker("rest:regular"))
        for i in range(1000):
            await store.save(tracker(f"rest:flood-{i}"))
            if i % 50 == 0:
                assert await store.retrieve("rest:regular") is not None  # in use: kept

    asyncio.run(flood())
    assert len(store.store) == 100 and len(store._used) == 100
    assert "rest:regular" in store.store and "rest:flood-0" not in store.store


def test_an_idle_conversation_is_forgotten():
    now = [0.0]
    store = BoundedInMemoryTrackerStore(DOMAIN, idle_seconds=60, clock=lambda: now[0])

    async def run() -> None:
        await store.save(tracker("rest:idle"))
        now[0] = 30
        await store.save(tracker("rest:active"))
        now[0] = 61
        assert await store.retrieve("rest:idle") is None
        assert await store.retrieve("rest:active") is not None

    asyncio.run(run())
    assert list(store.store) == ["rest:active"]


def test_the_redis_lock_store_polls_a_busy_lock_every_tenth_of_a_second():
    wait = inspect.signature(ResilientRedisLockStore.lock).parameters["wait_time_in_seconds"]
    assert wait.default == REDIS_LOCK_POLL_SECONDS <= 0.1


def test_a_busy_conversation_s_lock_is_polled_often(monkeypatch):
    store, poll, waits = QuickInMemoryLockStore(), LOCK_POLL_SECONDS, []
    original = type(store)._acquire_lock

    async def recording(self, conversation_id, ticket, wait_time_in_seconds):
        waits.append(wait_time_in_seconds)
        return await original(self, conversation_id, ticket, wait_time_in_seconds)

    monkeypatch.setattr(type(store), "_acquire_lock", recording)

    async def two_messages() -> list[str]:
        order: list[str] = []

        async def message(name: str, work: float) -> None:
            async with store.lock("rest:same"):
                order.append(name)
                await asyncio.sleep(work)

        await asyncio.gather(message("first", 0.2), message("second", 0))
        return order

    assert asyncio.run(two_messages()) == ["first", "second"]
    assert waits and set(waits) == {poll} and poll <= 0.1
