"""Small key/value stores used by the WeChat channel.

They hold short-lived state:

* the answer to each WeChat message, by MsgId (see ``answers.py``): WeChat
  retries a message up to 3 times with the same MsgId when it does not get an
  answer within 5 s; ``add_if_absent`` lets exactly one request (on one
  server) run the bot, and the retries get the stored answer;
* the numbered button list last shown to a user (so that a reply of "1" can be
  mapped back to the first button's payload);
* the signed (timestamp, nonce) pairs already seen (see ``replay.py``).  That
  store is created with ``evict=False``: when it is full of pairs that are
  still inside the replay window it refuses new ones (``StoreFull``) rather
  than forgetting a pair that could then be replayed.

``MemoryStore`` is per process; ``RedisStore`` (``REDIS_URL``) shares the state
between several Rasa servers behind a load balancer.  If Redis becomes
unreachable the Redis store falls back to its in-memory store (logged), so the
bot keeps answering.
"""

import asyncio
import json
import logging
import time
from typing import Any, Callable, Dict, Optional, Text, Tuple

logger = logging.getLogger(__name__)


class StoreFull(Exception):
    """A store created with ``evict=False`` has no room for a new key."""


class MemoryStore:
    """In-process store with per-key expiry, bounded to ``max_entries`` keys."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
        evict: bool = True,
    ) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self.evict = evict
        self._data: Dict[Text, Tuple[float, Text]] = {}
        self._last_purge = 0.0

    def _purge(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._last_purge < 1.0 and len(self._data) < self.max_entries:
            return
        self._last_purge = now
        for key in [k for k, (exp, _) in self._data.items() if exp <= now]:
            del self._data[key]
        if len(self._data) >= self.max_entries and not self.evict:
            raise StoreFull(f"{len(self._data)} live entries")
        if len(self._data) >= self.max_entries:
            # Drop the entries closest to expiry to bound memory use.
            for key, _ in sorted(self._data.items(), key=lambda kv: kv[1][0])[: len(self._data) - self.max_entries + 1]:
                del self._data[key]

    def _get(self, key: Text) -> Optional[Text]:
        item = self._data.get(key)
        if item is None:
            return None
        if item[0] <= self.clock():
            del self._data[key]
            return None
        return item[1]

    async def add_if_absent(self, key: Text, ttl: float, value: Text = "1") -> bool:
        if self._get(key) is not None:
            return False
        self._purge()
        self._data[key] = (self.clock() + ttl, value)
        return True

    async def set(self, key: Text, value: Text, ttl: float) -> None:
        if key not in self._data:
            self._purge()
        self._data[key] = (self.clock() + ttl, value)

    async def get(self, key: Text) -> Optional[Text]:
        return self._get(key)

    async def delete(self, key: Text) -> None:
        self._data.pop(key, None)

    async def set_json(self, key: Text, value: Any, ttl: float) -> None:
        await self.set(key, json.dumps(value, ensure_ascii=False), ttl)

    async def get_json(self, key: Text) -> Any:
        raw = await self.get(key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    async def close(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        now = self.clock()
        return sum(1 for expires, _ in self._data.values() if expires > now)


class RedisStore(MemoryStore):
    """Redis-backed store (``SET key value NX EX ttl`` for de-duplication)."""

    def __init__(self, url: Text, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self._client: Any = None
        self._client_loop: Optional[asyncio.AbstractEventLoop] = None

    def _redis(self) -> Any:
        # A redis.asyncio connection pool is bound to the event loop it was
        # created in, so create the client lazily in the running loop.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            import redis.asyncio as aioredis

            self._client = aioredis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            self._client_loop = loop
        return self._client

    def _fallback(self, operation: Text, error: Exception) -> None:
        logger.warning(
            "WeChat channel: Redis %s failed (%s); using the in-memory store.",
            operation,
            error.__class__.__name__,
        )

    async def add_if_absent(self, key: Text, ttl: float, value: Text = "1") -> bool:
        try:
            result = await self._redis().set(key, value, nx=True, ex=max(1, int(ttl)))
            return bool(result)
        except Exception as e:  # redis.RedisError, OSError, timeouts
            self._fallback("SET NX", e)
            return await super().add_if_absent(key, ttl, value)

    async def set(self, key: Text, value: Text, ttl: float) -> None:
        try:
            await self._redis().set(key, value, ex=max(1, int(ttl)))
        except Exception as e:
            self._fallback("SET", e)
            await super().set(key, value, ttl)

    async def get(self, key: Text) -> Optional[Text]:
        try:
            raw = await self._redis().get(key)
        except Exception as e:
            self._fallback("GET", e)
            return await super().get(key)
        if raw is None:
            return None
        return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)

    async def delete(self, key: Text) -> None:
        try:
            await self._redis().delete(key)
        except Exception as e:
            self._fallback("DEL", e)
        await super().delete(key)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.close()
                await client.connection_pool.disconnect()
            except Exception:  # pragma: no cover - best effort on shutdown
                pass
        await super().close()


def create_store(redis_url: Optional[Text], **kwargs: Any) -> MemoryStore:
    return RedisStore(redis_url, **kwargs) if redis_url else MemoryStore(**kwargs)
