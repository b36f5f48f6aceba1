"""Unit tests for the de-duplication / button stores."""

import asyncio
import socket

import pytest

from bot.channels.wechat.store import MemoryStore, RedisStore, create_store


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_store_add_if_absent_expires():
    clock = FakeClock()
    store = MemoryStore(clock=clock)

    async def scenario():
        assert await store.add_if_absent("msg:1", ttl=300) is True
        assert await store.add_if_absent("msg:1", ttl=300) is False
        assert await store.add_if_absent("msg:2", ttl=300) is True
        clock.now += 301
        assert await store.add_if_absent("msg:1", ttl=300) is True

    asyncio.run(scenario())


def test_memory_store_json_and_delete():
    clock = FakeClock()
    store = MemoryStore(clock=clock)

    async def scenario():
        await store.set_json("buttons:u", [{"title": "平顶山", "payload": "/x"}], ttl=10)
        assert await store.get_json("buttons:u") == [{"title": "平顶山", "payload": "/x"}]
        await store.delete("buttons:u")
        assert await store.get_json("buttons:u") is None
        await store.set_json("buttons:u", [1], ttl=10)
        clock.now += 11
        assert await store.get_json("buttons:u") is None

    asyncio.run(scenario())


def test_memory_store_is_bounded():
    clock = FakeClock()
    store = MemoryStore(clock=clock, max_entries=50)

    async def scenario():
        for i in range(500):
            clock.now += 0.01
            await store.set(f"buttons:{i}", "x", ttl=1000)
        for i in range(500):
            clock.now += 0.01
            await store.add_if_absent(f"k{i}", ttl=1000)

    asyncio.run(scenario())
    assert len(store) <= 2 * 50  # live markers may take twice the room, never more


def test_a_full_store_never_evicts_a_live_marker_before_its_ttl():
    """Issue 21: at the cap the store evicted the MsgId marker it had just stored: a retry ran the bot twice."""
    clock = FakeClock()
    store = MemoryStore(clock=clock, max_entries=100)

    async def scenario():
        for i in range(100):
            await store.set_json(f"buttons:u{i}", [i], ttl=60)  # a full store of cached button lists
        for i in range(150):
            assert await store.add_if_absent(f"msg:{i}", ttl=300) is True
            await store.set_json(f"msg:{i}", {"state": "done"}, ttl=300)  # the answer over its marker
        for i in range(150):
            assert await store.add_if_absent(f"msg:{i}", ttl=300) is False  # every retry is recognised
        clock.now += 301
        assert await store.add_if_absent("msg:0", ttl=300) is True  # after the TTL it may go

    asyncio.run(scenario())


def test_a_full_store_costs_logarithmic_work_per_insert(monkeypatch):
    """No scan or sort of every entry per insert: a handful of heap operations, whatever the size."""
    import bot.channels.wechat.store as store_module

    clock = FakeClock()
    store = MemoryStore(clock=clock, max_entries=20_000)
    pops = [0]
    original = store_module.heappop

    def counting(heap):
        pops[0] += 1
        return original(heap)

    async def fill():
        for i in range(20_000):
            clock.now += 0.001
            await store.set(f"buttons:{i}", "x", ttl=600)

    asyncio.run(fill())
    monkeypatch.setattr(store_module, "heappop", counting)
    monkeypatch.setattr(store_module, "sorted", lambda *a, **k: pytest.fail("sorted every entry"), raising=False)

    async def more():
        for i in range(1000):
            clock.now += 0.001
            assert await store.add_if_absent(f"msg:{i}", ttl=300)

    asyncio.run(more())
    assert pops[0] <= 3 * 1000
    assert len(store._data) == 20_000


def test_create_store():
    assert type(create_store("")) is MemoryStore
    assert isinstance(create_store("redis://127.0.0.1:6379/0"), RedisStore)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_redis_store_falls_back_to_memory_when_redis_is_down(caplog):
    store = RedisStore(f"redis://127.0.0.1:{_free_port()}/0")

    async def scenario():
        assert await store.add_if_absent("wechat-test:down", ttl=60) is True
        assert await store.add_if_absent("wechat-test:down", ttl=60) is False
        await store.set_json("wechat-test:b", ["x"], ttl=60)
        assert await store.get_json("wechat-test:b") == ["x"]
        await store.close()

    asyncio.run(scenario())
    assert "Redis" in caplog.text
