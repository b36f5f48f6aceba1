"""Rasa's Redis lock store with atomic ticket changes and a local lock while Redis is down.

Named in endpoints.production.yml as ``lock_store: type: bot.stores.ResilientRedisLockStore``; Rasa
3.6 loads such a class with ``class_from_module_path(type)(endpoint_config=...)``
(``rasa.core.lock_store._load_from_module_name_in_endpoint_config``), and this class reads the same
keys as ``type: redis`` from that config (``url`` is the host; ``port``, ``db``, ``username``,
``password``, ``use_ssl``, ``key_prefix``, ``socket_timeout`` ...). Locks are stored as Rasa stores
them (same keys, same JSON), so servers with ``type: redis`` and with this class can share a Redis.

What Rasa 3.6's :class:`~rasa.core.lock_store.RedisLockStore` does, and what this class changes:

* **Ticket races.** Rasa changes a conversation's ticket lock with a GET then a SET: two servers
  issuing a ticket at the same moment can both get the same ticket and process the conversation
  at once (one turn's events are then lost from the tracker store), and a cleanup can delete a
  ticket just issued by another server (``LockError``, the user gets nothing). Here issuing,
  updating, finishing and cleaning up are each one Redis transaction (WATCH/MULTI, run again when
  another server changed the key meanwhile).
* **Redis unreachable.** Rasa fails every message with ``LockError``. Here :meth:`lock` falls back
  to an in-process :class:`~rasa.core.lock_store.InMemoryLockStore` while Redis raises
  ``redis.RedisError``, so the server keeps answering, and tries Redis again after
  ``LOCK_STORE_RETRY_SECONDS`` (default 10 s). Meanwhile two servers could process simultaneous
  messages of one sender at once; ``LOCK_STORE_FALLBACK=off`` raises ``LockError`` instead (the
  user then gets :data:`bot.resilience.SERVICE_BUSY`).
* **Lock lifetime.** Unchanged: a ticket lives for the ``lock_lifetime`` Rasa passes, by default
  Rasa's ``LOCK_LIFETIME`` (``TICKET_LOCK_LIFETIME`` in the environment, else 60 s).
"""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError, WatchError

from bot.settings import env_seconds

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 10.0
TRANSACTION_ATTEMPTS = 50

REDIS_LOCK_POLL_SECONDS = 0.1  # one small Redis read per waiting message and poll
# change(lock) returns this instead of a lock to leave the key as it is
UNCHANGED: Any = object()


def is_redis_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was caused by, a Redis error (unreachable, timeout, refused ...)."""
    seen: set[int] = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RedisError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class ResilientRedisLockStore(RedisLockStore):
    """``type: redis`` with the changes of the module doc.

    ``fallback`` and ``retry_seconds`` default to ``LOCK_STORE_FALLBACK`` (``local`` or ``off``) and
    ``LOCK_STORE_RETRY_SECONDS`` in the environment."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        *,
        fallback: Optional[bool] = None,
        retry_seconds: Optional[float] = None,
        **redis_options: Any,
    ) -> None:
        if endpoint_config is not None:
            from_config = dict(endpoint_config.kwargs)
            if endpoint_config.url:
                from_config["host"] = endpoint_config.url
            redis_options = {**from_config, **redis_options}
        super().__init__(**redis_options)
        if fallback is None:
            fallback = os.environ.get("LOCK_STORE_FALLBACK", "local").strip().lower() != "off"
        self.fallback = fallback
        self.retry_seconds = (
            retry_seconds
            if retry_seconds and retry_seconds > 0
            else env_seconds("LOCK_STORE_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        )
        self.local = InMemoryLockStore()
        self._redis_down_until = 0.0

    # -- Redis unreachable: an in-process lock -------------------------------------------------------
    @property
    def redis_down(self) -> bool:
        """True while the last Redis failure is less than ``retry_seconds`` old."""
        return time.monotonic() < self._redis_down_until

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = REDIS_LOCK_POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``LockStore.lock`` (issue a ticket, wait for it, clean up), with an in-process lock
        while Redis is unreachable. A busy lock is polled every REDIS_LOCK_POLL_SECONDS, not Rasa's
        1 s: a message waiting behind another starts within 0.1 s of its turn (issue 21)."""
        ticket = None
        acquired = None
        use_redis = not self.redis_down
        if use_redis:
            try:
                ticket = self.issue_ticket(conversation_id, lock_lifetime)
                acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            except Exception as exc:
                if not (self.fallback and is_redis_failure(exc)):
                    raise
                self._redis_unavailable(exc)
                use_redis = False
                if ticket is not None:
                    self._cleanup_quietly(conversation_id, ticket)
        if not use_redis:
            async with self.local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local:
                yield local
            return
        try:
            yield acquired  # type: ignore[misc]
        finally:
            self._cleanup_quietly(conversation_id, ticket)  # type: ignore[arg-type]

    def _cleanup_quietly(self, conversation_id: Text, ticket: int) -> None:
        try:
            self.cleanup(conversation_id, ticket)
        except Exception as exc:
            if not is_redis_failure(exc):
                raise
            self._redis_unavailable(exc)

    def _redis_unavailable(self, exc: BaseException) -> None:
        first = not self.redis_down
        self._redis_down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.error(
                "Redis lock store unreachable (%s); locking conversations in this process only, "
                "retrying Redis in %.0f s",
                str(exc).replace("\n", " "),
                self.retry_seconds,
            )

    # -- atomic ticket-lock changes ----------------------------------------------------------------
    def _in_transaction(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Tuple[Any, Any]]) -> Any:
        """Apply ``change(lock or None) -> (new lock | None to delete | UNCHANGED, result)`` atomically:
        WATCH the key, read, MULTI, write; run again if another server changed the key meanwhile."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(TRANSACTION_ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    elif new is not UNCHANGED:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue
                finally:
                    pipe.reset()
        raise LockError(f"Redis lock for '{conversation_id}' changed {TRANSACTION_ATTEMPTS} times while being updated")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._in_transaction(conversation_id, change)
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Any, None]:
            if lock is None:
                return UNCHANGED, None
            lock.remove_expired_tickets()
            return lock, None

        self._in_transaction(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Any, None]:
            if lock is None:
                return UNCHANGED, None
            lock.remove_ticket_for(ticket_number)
            return lock, None

        self._in_transaction(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish serving the ticket and delete the lock if nobody else holds a ticket, in one step."""

        def change(lock: Optional[TicketLock]) -> Tuple[Any, bool]:
            if lock is None:
                return UNCHANGED, False
            lock.remove_ticket_for(ticket_number)
            return (lock, False) if lock.is_someone_waiting() else (None, True)

        if self._in_transaction(conversation_id, change):
            self._log_deletion(conversation_id, True)
