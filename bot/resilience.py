"""Production guards for the Rasa server, installed explicitly by ``python -m bot.server``.

What Rasa 3.6 does as shipped, and what :func:`install` changes (nothing else):

1. **Action server down, slow or failing.** Rasa calls it with a 300 s timeout
   (``DEFAULT_REQUEST_TIMEOUT`` in ``RemoteAction.run`` and ``EndpointConfig.session``); on a
   refused connection or a 5xx ``MessageProcessor._run_action`` logs the exception and the user
   gets *nothing* (REST: ``200 []``). Now ``RemoteAction.run`` is bounded by
   ``ACTION_TIMEOUT_SECONDS`` (default 4 s) and on a timeout, refused connection, 5xx or invalid
   response returns one ``BotUttered`` with :data:`SERVICE_BUSY` (the error is logged, with the HTTP
   status and at most 300 characters of the action server's answer: rasa_sdk's echoes the whole
   request, which made one message write ~680 KB). A 400
   (``ActionExecutionRejection``, used by forms) is re-raised as before. Nothing is cached: the
   next message uses the action server again as soon as it is back.
2. **Blank, missing or huge messages.** A REST body without ``"message"`` (or ``null``) makes
   Rasa fail with a ``GraphComponentException`` (``200 []``); ``""`` and ``"   "`` run NLU and
   are stored as a turn. Now ``Agent.handle_message`` answers a missing, empty or whitespace-only
   message with a short prompt (no NLU, nothing stored), cuts a message longer than
   ``MAX_MESSAGE_CHARS`` with a note (as the socket.io channel does), checks ``/intent{...}``
   payloads on every channel with :func:`bot.payloads.screen` (an invalid one is refused with a
   clear reply and never reaches a slot), and if handling still raises, logs it and answers
   :data:`SERVICE_BUSY` instead of an empty reply.
3. **Redis (lock store) unreachable.** Rasa fails every message with ``LockError`` (``200 []``).
   Now ``RedisLockStore.lock`` falls back to an in-process lock while Redis raises
   ``redis.RedisError``, so every server keeps answering, and retries Redis after
   ``LOCK_STORE_RETRY_SECONDS`` (default 10 s). Meanwhile two servers could process
   *simultaneous* messages of one sender at once; ``LOCK_STORE_FALLBACK=off`` answers
   :data:`SERVICE_BUSY` instead.
4. **Redis ticket lock races.** ``RedisLockStore`` changes a conversation's ticket lock with a
   GET then a SET: two servers issuing a ticket at the same moment can both get the same ticket
   and process the conversation concurrently (one turn's events are then lost from the tracker
   store), and a cleanup can delete a ticket just issued by another server. Now issuing, updating,
   finishing and cleaning up are each one Redis transaction (WATCH/MULTI, retried on conflict).
5. **PostgreSQL tracker store after an outage.** Rasa wraps the tracker store in
   ``FailSafeTrackerStore``: while PostgreSQL cannot be read it logs the error and answers from
   an empty tracker kept in memory (self-contained questions are still answered; follow-ups lose
   their context and those turns are not stored). Once PostgreSQL is back, the first message
   meets a dead pooled connection and is also answered without context. Now the engine has
   ``pool_pre_ping=True`` and the conversation has its context again at once.

CPU savings that change no behaviour are in :mod:`bot.speedups`. ``install()`` is idempotent;
:func:`uninstall` restores Rasa's functions (for tests).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

SERVICE_BUSY = ("抱歉，政策查询服务暂时繁忙或不可用，请稍后再试。"
                "急需办理可联系当地工业和信息化局、财政局或人力资源和社会保障局。")
EMPTY_MESSAGE_PROMPT = "请输入您想咨询的问题，例如：“平顶山专精特新有什么奖励？”"
MAX_MESSAGE_CHARS = 2000
TRUNCATED_NOTE = f"（您的消息较长，已按前 {MAX_MESSAGE_CHARS} 个字处理。如需完整解答，请分几次提问。）"

DEFAULT_ACTION_TIMEOUT_SECONDS = 4.0
DEFAULT_LOCK_STORE_RETRY_SECONDS = 10.0
LOCK_TRANSACTION_ATTEMPTS = 50

# Characters that render as nothing: a message made only of these and whitespace is empty.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_originals: Dict[Tuple[Any, str], Any] = {}
_settings: Dict[str, Any] = {}


def is_blank(text: Optional[Text]) -> bool:
    """Whether a user message has no visible content (None, "", spaces, U+3000, zero-width)."""
    if not isinstance(text, str):
        return True
    return not text.strip().strip(_INVISIBLE).strip()


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        logger.warning("%s=%r is not a positive number of seconds; using %s", name, raw, default)
        return default
    return value


def _patches() -> List[Tuple[Any, str, Any]]:
    import rasa.core.tracker_store as tracker_store
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.lock_store import RedisLockStore

    return [
        (RemoteAction, "run", _bounded_remote_action_run),
        (Agent, "handle_message", _guarded_handle_message),
        (RedisLockStore, "lock", _redis_lock_with_fallback),
        (RedisLockStore, "issue_ticket", _atomic_issue_ticket),
        (RedisLockStore, "update_lock", _atomic_update_lock),
        (RedisLockStore, "finish_serving", _atomic_finish_serving),
        (RedisLockStore, "cleanup", _atomic_cleanup),
        (tracker_store, "create_engine_kwargs", _engine_kwargs_with_pre_ping),
    ]


def install(action_timeout: Optional[float] = None) -> None:
    """Apply the changes described in the module doc (settings are read from the environment)."""
    _settings["action_timeout"] = (action_timeout if action_timeout and action_timeout > 0 else
                                   _env_seconds("ACTION_TIMEOUT_SECONDS", DEFAULT_ACTION_TIMEOUT_SECONDS))
    _settings["lock_retry"] = _env_seconds("LOCK_STORE_RETRY_SECONDS", DEFAULT_LOCK_STORE_RETRY_SECONDS)
    _settings["lock_fallback"] = os.environ.get("LOCK_STORE_FALLBACK", "local").strip().lower() != "off"
    if _originals:
        return
    for owner, name, replacement in _patches():
        _originals[(owner, name)] = owner.__dict__[name] if name in owner.__dict__ else None
        setattr(owner, name, replacement)
    logger.info("bot.resilience installed: action timeout %.1f s, lock store fallback %s",
                _settings["action_timeout"], "local" if _settings["lock_fallback"] else "off")


def uninstall() -> None:
    """Restore Rasa's own functions."""
    for (owner, name), original in list(_originals.items()):
        if original is None:
            delattr(owner, name)  # the class inherited it
        else:
            setattr(owner, name, original)
    _originals.clear()


def installed() -> bool:
    return bool(_originals)


def _original(owner: Any, name: str) -> Any:
    """Rasa's function, also when the class inherited it."""
    original = _originals.get((owner, name))
    if original is not None:
        return original
    for base in owner.__mro__[1:]:
        if name in base.__dict__:
            return base.__dict__[name]
    raise AttributeError(name)


# -- 1. bounded custom-action calls ---------------------------------------------------------------
async def _bounded_remote_action_run(self: Any, output_channel: Any, nlg: Any, tracker: Any,
                                     domain: Any) -> List[Any]:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered

    timeout = _settings["action_timeout"]
    original = _original(RemoteAction, "run")
    started = time.monotonic()
    try:
        return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout)
    except ActionExecutionRejection:
        raise  # a deliberate 400 from the action server (forms): Rasa's own handling
    except asyncio.TimeoutError:
        logger.error("custom action '%s' for '%s': no answer from the action server %s within %.1f s",
                     self.name(), tracker.sender_id, _endpoint_url(self), timeout)
    except Exception as exc:  # noqa: BLE001 - connection refused, 5xx, invalid response ...
        cause = exc.__cause__ or exc.__context__
        logger.error("custom action '%s' for '%s' failed after %.2f s (action server %s): %s%s",
                     self.name(), tracker.sender_id, time.monotonic() - started, _endpoint_url(self),
                     _describe(exc), f" ({_describe(cause)})" if cause else "")
    return [BotUttered(text=SERVICE_BUSY, data={}, metadata={})]


def _describe(exc: BaseException, body_chars: int = 300) -> str:
    """An exception in a few hundred characters. An HTTP error from the action server keeps its
    status and the start of its body only: rasa_sdk's error body echoes the whole request (the
    tracker and the domain, hundreds of KB)."""
    status = getattr(exc, "status", None)
    if isinstance(status, int) and hasattr(exc, "text"):
        body = getattr(exc, "text", "") or ""
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        more = f" …({len(body) - body_chars} more characters)" if len(body) > body_chars else ""
        return f"{type(exc).__name__}: HTTP {status} {getattr(exc, 'message', '')}, body {body[:body_chars]!r}{more}"
    text = str(exc)
    return f"{type(exc).__name__}: {text[:body_chars]}" + (" …" if len(text) > body_chars else "")


def _endpoint_url(action: Any) -> str:
    endpoint = getattr(action, "action_endpoint", None)
    return getattr(endpoint, "url", None) or "(not configured)"


# -- 2. blank / overlong input, and a reply on unexpected failures --------------------------------
async def _guarded_handle_message(self: Any, message: Any) -> Optional[List[Dict[Text, Any]]]:
    from rasa.core.agent import Agent

    output = message.output_channel
    if is_blank(message.text):
        logger.debug("empty message from '%s': replying with a prompt", message.sender_id)
        await output.send_text_message(message.sender_id, EMPTY_MESSAGE_PROMPT)
        return None
    if len(message.text) > MAX_MESSAGE_CHARS:
        logger.info("message of %d characters from '%s' cut to %d", len(message.text), message.sender_id,
                    MAX_MESSAGE_CHARS)
        message.text = message.text[:MAX_MESSAGE_CHARS]
        await output.send_text_message(message.sender_id, TRUNCATED_NOTE)
    screened = _screen_payload(self, message.text)
    if screened.refused:
        logger.info("refused a payload from %r: %r", message.sender_id, message.text[:100])
        await output.send_text_message(message.sender_id, screened.reply)
        return None
    message.text = screened.text
    sent_before = _sent_count(output)
    try:
        return await _original(Agent, "handle_message")(self, message)
    except Exception as exc:  # noqa: BLE001 - logged here; the user gets a clear message, not silence
        logger.error("could not handle a message from '%s': %s: %s", message.sender_id, type(exc).__name__,
                     exc, exc_info=True)
        if sent_before is None or _sent_count(output) == sent_before:
            await output.send_text_message(message.sender_id, SERVICE_BUSY)
        return None


def _screen_payload(agent: Any, text: str) -> Any:
    """bot.payloads.screen with the loaded model's intents and entities (payloads skip NLU)."""
    from bot.payloads import screen

    domain = getattr(agent, "domain", None)
    return screen(text, getattr(domain, "intents", ()) or (), getattr(domain, "entities", ()) or ())


def _sent_count(output: Any) -> Optional[int]:
    """How many messages a collecting channel (REST, WeChat) holds; None for other channels."""
    messages = getattr(output, "messages", None)
    return len(messages) if isinstance(messages, list) else None


# -- 3. Redis unreachable: an in-process lock ---------------------------------------------------
_local_lock_store: Any = None
_redis_down_until: Dict[int, float] = {}


def _is_redis_failure(exc: BaseException) -> bool:
    from redis.exceptions import RedisError

    seen: set[int] = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RedisError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _local_store() -> Any:
    global _local_lock_store
    if _local_lock_store is None:
        from rasa.core.lock_store import InMemoryLockStore

        _local_lock_store = InMemoryLockStore()
    return _local_lock_store


@asynccontextmanager
async def _redis_lock_with_fallback(self: Any, conversation_id: Text, lock_lifetime: float = 60,
                                    wait_time_in_seconds: float = 1) -> AsyncGenerator[Any, None]:
    """LockStore.lock of Rasa 3.6 (issue a ticket, wait for it, clean up), with an in-process lock
    while Redis is unreachable."""
    use_redis = time.monotonic() >= _redis_down_until.get(id(self), 0.0)
    ticket = None
    acquired = None
    if use_redis:
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
            acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        except Exception as exc:
            if not (_settings.get("lock_fallback", True) and _is_redis_failure(exc)):
                raise
            _redis_unavailable(self, exc)
            use_redis = False
            if ticket is not None:
                _cleanup_quietly(self, conversation_id, ticket)
    if not use_redis:
        async with _local_store().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local:
            yield local
        return
    try:
        yield acquired
    finally:
        _cleanup_quietly(self, conversation_id, ticket)


def _cleanup_quietly(store: Any, conversation_id: Text, ticket: int) -> None:
    try:
        store.cleanup(conversation_id, ticket)
    except Exception as exc:
        if not _is_redis_failure(exc):
            raise
        _redis_unavailable(store, exc)


def _redis_unavailable(store: Any, exc: BaseException) -> None:
    retry = _settings.get("lock_retry", DEFAULT_LOCK_STORE_RETRY_SECONDS)
    first = time.monotonic() >= _redis_down_until.get(id(store), 0.0)
    _redis_down_until[id(store)] = time.monotonic() + retry
    if first:
        logger.error("Redis lock store unreachable (%s); locking conversations in this process only, "
                     "retrying Redis in %.0f s", str(exc).replace("\n", " "), retry)


# -- 4. atomic ticket-lock changes in Redis ---------------------------------------------------------
_UNCHANGED = object()


def _in_transaction(store: Any, conversation_id: Text,
                    change: Callable[[Any], Tuple[Any, Any]]) -> Any:
    """Apply change(lock or None) -> (new lock | None to delete | _UNCHANGED, result) atomically:
    WATCH the key, read, MULTI, write; run again if another server changed the key meanwhile."""
    from rasa.core.lock import TicketLock
    from rasa.core.lock_store import LockError
    from redis.exceptions import WatchError

    key = store.key_prefix + conversation_id
    with store.red.pipeline() as pipe:
        for _ in range(LOCK_TRANSACTION_ATTEMPTS):
            try:
                pipe.watch(key)
                raw = pipe.get(key)
                lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                new, result = change(lock)
                pipe.multi()
                if new is None:
                    pipe.delete(key)
                elif new is not _UNCHANGED:
                    pipe.set(key, new.dumps())
                pipe.execute()
                return result
            except WatchError:
                continue
            finally:
                pipe.reset()
    raise LockError(f"Redis lock for '{conversation_id}' changed {LOCK_TRANSACTION_ATTEMPTS} times while "
                    f"being updated")


def _atomic_issue_ticket(self: Any, conversation_id: Text, lock_lifetime: float = 60) -> int:
    from rasa.core.lock_store import LockError

    def change(lock: Any) -> Tuple[Any, int]:
        lock = lock or self.create_lock(conversation_id)
        return lock, lock.issue_ticket(lock_lifetime)

    try:
        return _in_transaction(self, conversation_id, change)
    except LockError:
        raise
    except Exception as e:
        raise LockError(f"Error while acquiring lock. Error:\n{e}") from e


def _atomic_update_lock(self: Any, conversation_id: Text) -> None:
    def change(lock: Any) -> Tuple[Any, None]:
        if lock is None:
            return _UNCHANGED, None
        lock.remove_expired_tickets()
        return lock, None

    _in_transaction(self, conversation_id, change)


def _atomic_finish_serving(self: Any, conversation_id: Text, ticket_number: int) -> None:
    def change(lock: Any) -> Tuple[Any, None]:
        if lock is None:
            return _UNCHANGED, None
        lock.remove_ticket_for(ticket_number)
        return lock, None

    _in_transaction(self, conversation_id, change)


def _atomic_cleanup(self: Any, conversation_id: Text, ticket_number: int) -> None:
    """Finish serving the ticket and delete the lock if nobody else holds a ticket, in one step."""
    def change(lock: Any) -> Tuple[Any, bool]:
        if lock is None:
            return _UNCHANGED, False
        lock.remove_ticket_for(ticket_number)
        return (lock, False) if lock.is_someone_waiting() else (None, True)

    if _in_transaction(self, conversation_id, change):
        self._log_deletion(conversation_id, True)


# -- 5. PostgreSQL tracker store: no dead pooled connection after an outage ------------------------
def _engine_kwargs_with_pre_ping(url: Any) -> Dict[Text, Any]:
    import rasa.core.tracker_store as tracker_store

    kwargs = dict(_original(tracker_store, "create_engine_kwargs")(url))
    if tracker_store.is_postgresql_url(url):
        kwargs.setdefault("pool_pre_ping", True)
    return kwargs
