"""The REST channel (``POST /webhooks/rest/webhook``) with one identity per caller.

Rasa's ``RestInput`` takes the caller's ``sender`` as the conversation id as it is: a call without
one joins the conversation "None" shared by every such caller, and a caller who sends a WeChat
user's openid reads and changes that user's conversation. :class:`NamespacedRestInput` (named in
credentials.yml instead of ``rest:``) is the same channel and URL with these differences:

* a body that is not a JSON object, or has no ``sender``, gets HTTP 400 and a JSON ``error`` in
  Chinese and English (:data:`MISSING_SENDER`);
* ``sender`` must be at most :data:`MAX_SENDER_CHARS` characters of ``A-Z a-z 0-9 _ . : @ -``
  (a string, or an integer); anything else gets HTTP 400 (:data:`INVALID_SENDER`), so a sender id
  never carries a newline or an escape sequence into the logs;
* the conversation id is ``rest:<sender>``: the WeChat channel uses ``wechat:<openid>`` and the
  Socket.IO channel ``socketio:<id>``, so no REST caller can reach another channel's user;
* the reply is the same JSON list, and its ``recipient_id`` is the ``sender`` the caller sent;
* the caller's ``input_channel`` and ``metadata`` fields are ignored (the channel is always
  ``rest``; nothing in this bot reads metadata, and it would be stored with every turn);
* a blank ``message`` (missing, ``null``, not a string, only spaces or invisible characters) gets
  the prompt of :mod:`bot.input_guard` and is not processed; a long one is cut, with a note first;
* one client address may send ``CLIENT_MESSAGES_PER_MINUTE`` messages a minute, whatever sender ids
  it uses (:mod:`bot.channels.rate_limit`); past that the reply is HTTP 429 with :data:`RATE_LIMITED`;
* one conversation has at most :data:`MAX_PENDING_PER_CONVERSATION` messages in processing on this
  server: Rasa processes a conversation's messages one at a time behind its lock, so more would only
  wait (24 parallel requests waited up to 24 s); the next gets HTTP 429 with :data:`STILL_WORKING`;
* the client address goes with the message in its metadata (``client``; the caller's metadata is
  ignored), for the inbox's per-client limit (:mod:`bot.channels.clients`).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.channels.clients import client_address, with_client
from bot.channels.rate_limit import RATE_LIMITED, ClientRateLimiter
from bot.input_guard import admit

logger = logging.getLogger(__name__)

NAMESPACE = "rest"
MAX_PENDING_PER_CONVERSATION = 2
STILL_WORKING = "上一条消息还在处理中，请等回复后再发。"
MAX_SENDER_CHARS = 64
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:@-]{1,%d}" % MAX_SENDER_CHARS)

NOT_A_JSON_OBJECT = (
    '请求体须为 JSON 对象，例如 {"sender": "user-42", "message": "你好"}。'
    ' The body must be a JSON object such as {"sender": "user-42", "message": "hello"}.'
)
MISSING_SENDER = (
    '缺少 sender：请为每位用户提供一个固定的 sender 标识，例如 {"sender": "user-42", '
    '"message": "你好"}。 Missing "sender": give each user a stable id, '
    'e.g. {"sender": "user-42", "message": "hello"}.'
)
INVALID_SENDER = (
    f"sender 无效：最多 {MAX_SENDER_CHARS} 个字符，只能包含字母、数字和 _ . : @ -。"
    f' Invalid "sender": at most {MAX_SENDER_CHARS} characters among letters, digits '
    "and _ . : @ -."
)


class InvalidSender(ValueError):
    """A sender id that cannot name a conversation; its text is the reply to the caller."""


def validate_sender(value: Any) -> str:
    """The caller's sender id as a string, or :class:`InvalidSender`."""
    if value is None or value == "":
        raise InvalidSender(MISSING_SENDER)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not SENDER_PATTERN.fullmatch(value):
        raise InvalidSender(INVALID_SENDER)
    return value


def conversation_id(sender: str) -> str:
    """The conversation id of a (valid) REST sender."""
    return f"{NAMESPACE}:{sender}"


def _error(status: int, text: str) -> HTTPResponse:
    return response.json({"error": text}, status=status)


class _ShowsCallersSender:
    """Output channel mix-in: messages name the caller's sender, not the namespaced id."""

    shown_sender: Optional[str] = None

    def _as_shown(self, message: Dict[Text, Any]) -> Dict[Text, Any]:
        if self.shown_sender is not None and "recipient_id" in message:
            message = {**message, "recipient_id": self.shown_sender}
        return message


class RestCollector(_ShowsCallersSender, CollectingOutputChannel):
    async def _persist_message(self, message: Dict[Text, Any]) -> None:
        await super()._persist_message(self._as_shown(message))


class RestQueueCollector(_ShowsCallersSender, QueueOutputChannel):
    async def _persist_message(self, message: Dict[Text, Any]) -> None:
        await super()._persist_message(self._as_shown(message))


class NamespacedRestInput(RestInput):
    """Rasa's REST channel with validated, per-channel sender ids (module doc)."""

    @classmethod
    def name(cls) -> Text:
        return NAMESPACE

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        limiter = ClientRateLimiter()
        pending: Dict[str, int] = {}  # conversation id -> messages in processing on this server

        def refused(client: str, sender: str) -> Optional[HTTPResponse]:
            if not limiter.allow(client):
                logger.warning("REST: client %s over its message rate (sender %r)", client, sender)
                return _error(429, RATE_LIMITED)
            if pending.get(conversation_id(sender), 0) >= MAX_PENDING_PER_CONVERSATION:
                return _error(429, STILL_WORKING)
            return None

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            body = request.json
            if not isinstance(body, dict):
                return _error(400, NOT_A_JSON_OBJECT)
            try:
                sender = validate_sender(body.get("sender"))
            except InvalidSender as invalid:
                return _error(400, str(invalid))
            text = body.get("message")
            if not isinstance(text, str):
                text = None  # no text (Rasa's UserMessage fails on a number or a list): the guard's prompt
            client = client_address(request)
            refusal = refused(client, sender)
            if refusal is not None:
                return refusal
            metadata = with_client(None, client)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self._stream(on_new_message, text, sender, metadata, pending), content_type="text/event-stream"
                )
            collector = RestCollector()
            collector.shown_sender = sender
            message = UserMessage(text, collector, conversation_id(sender), input_channel=NAMESPACE, metadata=metadata)
            key = conversation_id(sender)
            pending[key] = pending.get(key, 0) + 1
            try:
                if await admit(message):
                    await on_new_message(message)
            except asyncio.CancelledError:
                logger.error("REST message from '%s' timed out", sender)
            except Exception:  # noqa: BLE001 - as Rasa's RestInput: logged, the reply holds what was sent
                logger.exception("REST message from '%s' failed", sender)
            finally:
                _release(pending, key)
            return response.json(collector.messages)

        return webhook

    def _stream(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Any,
        sender: str,
        metadata: Dict[str, Any],
        pending: Dict[str, int],
    ) -> Callable[[Any], Awaitable[None]]:
        key = conversation_id(sender)

        async def stream(resp: Any) -> None:
            pending[key] = pending.get(key, 0) + 1
            queue: asyncio.Queue = asyncio.Queue()
            collector = RestQueueCollector(queue)
            collector.shown_sender = sender

            async def handle() -> None:
                message = UserMessage(copy.deepcopy(text), collector, key, input_channel=NAMESPACE, metadata=metadata)
                try:
                    if await admit(message):
                        await on_new_message(message)
                finally:
                    _release(pending, key)
                    await queue.put("DONE")

            task = asyncio.ensure_future(handle())
            while True:
                result = await queue.get()
                if result == "DONE":
                    break
                await resp.write(json.dumps(result) + "\n")
            await task

        return stream


def _release(pending: Dict[str, int], key: str) -> None:
    left = pending.get(key, 0) - 1
    if left > 0:
        pending[key] = left
    else:
        pending.pop(key, None)  # the map holds only conversations in processing
