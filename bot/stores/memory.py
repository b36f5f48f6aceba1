"""The in-memory stores of ``make run`` (endpoints.yml), bounded.

* :class:`BoundedInMemoryTrackerStore` is Rasa's ``InMemoryTrackerStore`` that forgets a conversation
  idle for ``idle_seconds`` (default 2 hours, past Rasa's 60-minute session expiry, after which a
  conversation starts afresh anyway) and keeps at most ``max_conversations`` (default 20,000, about
  140 MB at 7 KB each), the least recently used going first. Rasa's store keeps every sender for the
  life of the process: one client sending with a new sender id 59 times a second grew it by 1.5 GB an
  hour (issue 21). Conversations are kept in order of last use, so eviction looks at the oldest only
  (O(1) per save). Production keeps conversations in PostgreSQL (endpoints.production.yml).
* :class:`QuickInMemoryLockStore` is Rasa's ``InMemoryLockStore`` polling for a busy conversation's
  lock every :data:`LOCK_POLL_SECONDS` instead of every second: Rasa processes a conversation's
  messages one at a time, and a message that waited behind another waited up to a second more than
  needed (24 parallel messages of one sender: up to 24 s). The REST channel also bounds how many wait
  (bot/channels/rest_channel.py).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Dict, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_IDLE_SECONDS = 2 * 3600
DEFAULT_MAX_CONVERSATIONS = 20_000
LOCK_POLL_SECONDS = 0.05


class BoundedInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store without unbounded growth (module doc)."""

    def __init__(
        self,
        domain: Domain,
        event_broker: Optional[Any] = None,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.store: OrderedDict[Text, Text] = OrderedDict()
        self.idle_seconds = float(idle_seconds)
        self.max_conversations = int(max_conversations)
        self.clock = clock
        self._used: Dict[Text, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._touch(tracker.sender_id)
        self._evict()

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        self._evict()
        tracker = await super()._retrieve(sender_id, fetch_all_sessions)
        if sender_id in self.store:
            self._touch(sender_id)
        return tracker

    def _touch(self, sender_id: Text) -> None:
        self.store.move_to_end(sender_id)
        self._used[sender_id] = self.clock()

    def _evict(self) -> None:
        now = self.clock()
        while self.store:
            oldest = next(iter(self.store))
            if len(self.store) <= self.max_conversations and now - self._used.get(oldest, now) <= self.idle_seconds:
                break
            del self.store[oldest]
            self._used.pop(oldest, None)


class QuickInMemoryLockStore(InMemoryLockStore):
    """Rasa's in-memory lock store, polling a busy lock every LOCK_POLL_SECONDS (module doc)."""

    def __init__(self, endpoint_config: Optional[Any] = None) -> None:  # Rasa passes the endpoint config
        super().__init__()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = LOCK_POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as acquired:
            yield acquired
