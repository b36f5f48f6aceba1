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
import itertools
import json
import logging
import time
from heapq import heapify, heappop, heappush
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)


class StoreFull(Exception):
    """A store created with ``evict=False`` has no room for a new key."""


class MemoryStore:
    """In-process store with per-key expiry, bounded to ``max_entries`` keys.

    Two kinds of entries: those created by :meth:`add_if_absent` are *markers* (a MsgId's
    de-duplication and its answer, a delivery claim, a seen nonce): forgetting one before its TTL
    would let a WeChat retry run the bot a second time, so a marker is never evicted while live;
    entries created by :meth:`set` (a user's numbered buttons) are a cache and may go early.

    Expiry and eviction use heaps ordered by expiry time, so a full store costs O(log n) per insert
    (issue 21: at its 100,000-entry cap the store sorted every entry on each insert, 33 ms on Rasa's
    event loop, and evicted the marker it had just stored). When the store is full:

    * expired entries go first;
    * then the cache entry closest to expiry;
    * with ``evict=False`` (the replay store) nothing live goes: :class:`StoreFull`;
    * a store full of live markers takes more, up to ``2 × max_entries`` (markers live minutes,
      so their number is bounded by WeChat's message rate); only past that, the marker closest to
      expiry goes, with an error in the log.
    """

    HARD_LIMIT_FACTOR = 2

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
        evict: bool = True,
    ) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self.evict = evict
        # key -> (expires, value, marker, version); a heap item is current while its version matches.
        self._data: Dict[Text, Tuple[float, Text, bool, int]] = {}
        self._expiry: List[Tuple[float, int, Text]] = []  # every entry
        self._cache: List[Tuple[float, int, Text]] = []  # cache entries only (evictable first)
        self._markers: List[Tuple[float, int, Text]] = []  # markers only (past the hard limit)
        self._version = itertools.count()

    # -- heaps ------------------------------------------------------------------------------------
    def _current(self, item: Tuple[float, int, Text]) -> bool:
        entry = self._data.get(item[2])
        return entry is not None and entry[3] == item[1]

    def _pop_current(self, heap: List[Tuple[float, int, Text]]) -> Optional[Tuple[float, int, Text]]:
        while heap:
            item = heappop(heap)
            if self._current(item):
                return item
        return None

    def _put(self, key: Text, expires: float, value: Text, marker: bool) -> None:
        version = next(self._version)
        self._data[key] = (expires, value, marker, version)
        heappush(self._expiry, (expires, version, key))
        heappush(self._markers if marker else self._cache, (expires, version, key))
        if len(self._expiry) > 4 * len(self._data) + 1024:
            self._compact()

    def _compact(self) -> None:
        """Drop heap items of replaced or deleted entries (O(n), amortised over as many writes)."""
        self._expiry = [(e, v, k) for k, (e, _, _, v) in self._data.items()]
        self._cache = [(e, v, k) for k, (e, _, m, v) in self._data.items() if not m]
        self._markers = [(e, v, k) for k, (e, _, m, v) in self._data.items() if m]
        for heap in (self._expiry, self._cache, self._markers):
            heapify(heap)

    def _purge_expired(self) -> None:
        now = self.clock()
        while self._expiry and self._expiry[0][0] <= now:
            item = heappop(self._expiry)
            if self._current(item):
                del self._data[item[2]]

    def _make_room(self) -> None:
        """Room for one more key (module doc of the order)."""
        self._purge_expired()
        if len(self._data) < self.max_entries:
            return
        if not self.evict:
            raise StoreFull(f"{len(self._data)} live entries")
        item = self._pop_current(self._cache)
        if item is None and len(self._data) >= self.HARD_LIMIT_FACTOR * self.max_entries:
            item = self._pop_current(self._markers)
            if item is not None:
                logger.error(
                    "WeChat channel: %d live de-duplication markers, past twice max_entries; dropping the "
                    "oldest (a retry of that message may run the bot again).",
                    len(self._data),
                )
        if item is not None:
            del self._data[item[2]]

    # -- the store --------------------------------------------------------------------------------
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
        self._make_room()
        self._put(key, self.clock() + ttl, value, marker=True)
        return True

    async def set(self, key: Text, value: Text, ttl: float) -> None:
        marker = False
        if self._get(key) is None:
            self._make_room()
        else:  # an answer stored over its MsgId marker stays a marker: its retries must find it
            marker = self._data[key][2]
        self._put(key, self.clock() + ttl, value, marker=marker)

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
        self._compact()

    def __len__(self) -> int:
        now = self.clock()
        return sum(1 for expires, *_ in self._data.values() if expires > now)


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
