"""Unit tests for the de-duplication / button stores."""

import asyncio
import socket

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
            await store.add_if_absent(f"k{i}", ttl=1000)

    asyncio.run(scenario())
    assert len(store) <= 50


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
