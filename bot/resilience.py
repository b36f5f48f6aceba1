"""Production guards for the Rasa server, installed explicitly by ``python -m bot.server``.

Rasa 3.6 as shipped:

* calls the action server with a 300 s timeout (``DEFAULT_REQUEST_TIMEOUT`` in
  ``RemoteAction.run`` and ``EndpointConfig.session``). When the action server is down, slow or
  answers 5xx, ``MessageProcessor._run_action`` logs the exception and the user gets *nothing*
  (REST: ``200 []``) — or waits five minutes first;
* answers a REST body without ``"message"`` (or ``null``) with ``200 []`` after a
  ``GraphComponentException`` (``""`` and ``"   "`` go through NLU and get the fallback answer);
* fails every message with ``LockError`` (REST: ``200 []``) while Redis, the lock store, is
  unreachable, and a Redis that hangs blocks the event loop for ``socket_timeout`` per call.

:func:`install` changes exactly this and nothing else:

1. ``RemoteAction.run`` is wrapped: the call is bounded by ``ACTION_TIMEOUT_SECONDS`` (default 4 s);
   on a timeout, a refused connection, a 5xx or an invalid response the action returns one
   ``BotUttered`` with :data:`SERVICE_BUSY` (the error is logged) instead of raising. A 400
   (``ActionExecutionRejection``, used by forms) is re-raised as before. The conversation continues
   normally with the next message once the action server is back: nothing is cached.
2. ``Agent.handle_message`` is wrapped: a message that is missing, empty or whitespace-only gets a
   short prompt without reaching NLU or the tracker; a message longer than ``MAX_MESSAGE_CHARS``
   is cut to that length with a note (the socket.io channel does the same); and if handling still
   raises (tracker store down, lock store failing with the fallback off) the error is logged and
   the user gets :data:`SERVICE_BUSY` rather than an empty reply.
3. ``RedisLockStore.lock`` is wrapped: while Redis is unreachable (any ``redis.RedisError``), the
   conversation is locked with an in-process lock instead, so every server keeps answering;
   Redis is retried after ``LOCK_STORE_RETRY_SECONDS`` (default 10 s). Two servers could then
   process *simultaneous* messages of the same sender concurrently, which is what the Redis lock
   normally prevents; set ``LOCK_STORE_FALLBACK=off`` to answer :data:`SERVICE_BUSY` instead.

4. ``RemoteAction._validate_action_result`` validates the action server's response against the
   same JSON schema with a validator built once: Rasa calls ``jsonschema.validate``, which re-checks
   the (large) events schema against the meta-schema and rebuilds the validator on every custom
   action, about 60 ms of CPU per call on the 2-core reference machine, against ~2 ms cached. The
   result is the same: ``True``, or the same ``ValidationError`` (best match) with Rasa's hint.

5. ``rasa.core.tracker_store.create_engine_kwargs`` adds ``pool_pre_ping=True`` for PostgreSQL.
   Rasa wraps the tracker store in ``FailSafeTrackerStore``: when PostgreSQL cannot be read it
   logs the error and goes on with an *empty* tracker (kept in this process's memory). That is
   what happens during an outage (self-contained questions are still answered; follow-ups lose
   their context and those turns are not stored). Without a pre-ping, the first message after
   PostgreSQL comes back meets a dead pooled connection and is answered without its context too;
   with it, the dead connection is replaced before use and the conversation continues at once.

``install()`` is idempotent; :func:`uninstall` restores Rasa's functions (for tests).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Dict, List, Optional, Text

logger = logging.getLogger(__name__)

SERVICE_BUSY = ("抱歉,政策查询服务暂时繁忙或不可用,请稍后再试。"
                "急需办理可联系当地工业和信息化局、财政局或人力资源和社会保障局。")
EMPTY_MESSAGE_PROMPT = "请输入您想咨询的问题,例如:“平顶山专精特新有什么奖励?”"
MAX_MESSAGE_CHARS = 2000
TRUNCATED_NOTE = f"(您的消息较长,已按前 {MAX_MESSAGE_CHARS} 个字处理。如需完整解答,请分几次提问。)"

DEFAULT_ACTION_TIMEOUT_SECONDS = 4.0
DEFAULT_LOCK_STORE_RETRY_SECONDS = 10.0

# Characters that render as nothing: a message made only of these and whitespace is empty.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_originals: Dict[str, Callable[..., Any]] = {}
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


def install(action_timeout: Optional[float] = None) -> None:
    """Patch Rasa's RemoteAction, Agent and RedisLockStore as described in the module doc."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.lock_store import RedisLockStore
    import rasa.core.tracker_store as tracker_store

    _settings["action_timeout"] = (action_timeout if action_timeout and action_timeout > 0 else
                                   _env_seconds("ACTION_TIMEOUT_SECONDS", DEFAULT_ACTION_TIMEOUT_SECONDS))
    _settings["lock_retry"] = _env_seconds("LOCK_STORE_RETRY_SECONDS", DEFAULT_LOCK_STORE_RETRY_SECONDS)
    _settings["lock_fallback"] = os.environ.get("LOCK_STORE_FALLBACK", "local").strip().lower() != "off"
    if _originals:
        return
    _originals["RemoteAction.run"] = RemoteAction.run
    _originals["Agent.handle_message"] = Agent.handle_message
    _originals["RedisLockStore.lock"] = RedisLockStore.lock
    _originals["RemoteAction._validate_action_result"] = RemoteAction._validate_action_result
    RemoteAction.run = _bounded_remote_action_run  # type: ignore[method-assign]
    Agent.handle_message = _guarded_handle_message  # type: ignore[method-assign]
    RedisLockStore.lock = _redis_lock_with_fallback  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result_cached  # type: ignore[method-assign]
    _originals["create_engine_kwargs"] = tracker_store.create_engine_kwargs
    tracker_store.create_engine_kwargs = _engine_kwargs_with_pre_ping
    logger.info("bot.resilience installed: action timeout %.1f s, lock store fallback %s",
                _settings["action_timeout"], "local" if _settings["lock_fallback"] else "off")


def uninstall() -> None:
    """Restore Rasa's own functions."""
    if not _originals:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.lock_store import RedisLockStore
    import rasa.core.tracker_store as tracker_store

    tracker_store.create_engine_kwargs = _originals.pop("create_engine_kwargs")
    RemoteAction.run = _originals.pop("RemoteAction.run")  # type: ignore[method-assign]
    Agent.handle_message = _originals.pop("Agent.handle_message")  # type: ignore[method-assign]
    RedisLockStore.lock = _originals.pop("RedisLockStore.lock")  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _originals.pop(  # type: ignore[method-assign]
        "RemoteAction._validate_action_result")


def installed() -> bool:
    return bool(_originals)


# -- 1. bounded custom-action calls ---------------------------------------------------------------
async def _bounded_remote_action_run(self: Any, output_channel: Any, nlg: Any, tracker: Any,
                                     domain: Any) -> List[Any]:
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.core.events import BotUttered

    timeout = _settings["action_timeout"]
    original = _originals["RemoteAction.run"]
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
                     exc, f" ({type(cause).__name__}: {cause})" if cause else "")
    return [BotUttered(text=SERVICE_BUSY, data={}, metadata={})]


_response_validator: Any = None


def _validate_action_result_cached(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result (Rasa 3.6) with the schema checked and compiled once.

    ``jsonschema.validate`` = check_schema + a new validator + ``best_match(iter_errors)``; the schema
    is a constant (``RemoteAction.action_response_format_spec()``), so only the last step is per call.
    """
    global _response_validator
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    if _response_validator is None:
        schema = type(self).action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _response_validator = cls(schema)
    try:
        error = best_match(_response_validator.iter_errors(result))
        if error is not None:
            raise error
        return True
    except ValidationError as e:
        from rasa.shared.constants import DOCS_BASE_URL

        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _endpoint_url(action: Any) -> str:
    endpoint = getattr(action, "action_endpoint", None)
    return getattr(endpoint, "url", None) or "(not configured)"


# -- 2. blank / overlong input and a reply on unexpected failures ---------------------------------
async def _guarded_handle_message(self: Any, message: Any) -> Optional[List[Dict[Text, Any]]]:
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
    sent_before = _sent_count(output)
    try:
        return await _originals["Agent.handle_message"](self, message)
    except Exception as exc:  # noqa: BLE001 - logged here; the user gets a clear message, not silence
        logger.error("could not handle a message from '%s': %s: %s", message.sender_id, type(exc).__name__,
                     exc, exc_info=True)
        if sent_before is None or _sent_count(output) == sent_before:
            await output.send_text_message(message.sender_id, SERVICE_BUSY)
        return None


def _sent_count(output: Any) -> Optional[int]:
    """How many messages a collecting channel (REST, WeChat) holds; None for other channels."""
    messages = getattr(output, "messages", None)
    return len(messages) if isinstance(messages, list) else None


# -- 5. PostgreSQL tracker store: no dead pooled connection after an outage --------------------------
def _engine_kwargs_with_pre_ping(url: Any) -> Dict[Text, Any]:
    from rasa.core.tracker_store import is_postgresql_url

    kwargs = dict(_originals["create_engine_kwargs"](url))
    if is_postgresql_url(url):
        kwargs.setdefault("pool_pre_ping", True)
    return kwargs


# -- 3. Redis lock store outage --------------------------------------------------------------------
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
    """RedisLockStore.lock (LockStore.lock in Rasa 3.6), with an in-process lock while Redis is down."""
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
                     "retrying Redis in %.0f s", exc, retry)
