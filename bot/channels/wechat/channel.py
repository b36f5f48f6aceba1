"""Rasa input channel for a WeChat Official Account (微信公众号).

Routes (Rasa mounts them under ``/webhooks/wechat``):

* ``GET  /webhooks/wechat/``         health check
* ``GET  /webhooks/wechat/webhook``  server verification (echostr)
* ``POST /webhooks/wechat/webhook``  messages and events pushed by WeChat

WeChat waits 5 seconds for the passive (XML) reply and otherwise hangs up and
sends the same message (same MsgId) again, up to 3 times.  So:

* the bot runs in its own asyncio task, once per message, and its answer is
  kept per MsgId (``answers.py``: memory, or Redis across servers); any
  retry waits for that answer and gets it as its passive reply;
* with the customer-service API (AppID/AppSecret) a request waits at most
  ``reply_timeout`` (4.5 s), then answers ``success`` and the answer follows
  through the API; without it a request waits up to ``hold_timeout`` (6 s),
  so that WeChat hangs up and retries rather than being told ``success``;
* one user's messages go to the bot one after the other (``user_queue.py``);
* Rasa knows the user as ``wechat:<openid>`` (``identity.py``);
* blank and overlong texts are handled by :mod:`bot.input_guard`, as on every
  channel (a blank text gets its prompt without asking Rasa).
"""

import asyncio
import logging
import re
import time
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import TextMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.wechat.answers import CUSTOMER_SERVICE, PASSIVE, AnswerBook
from bot.channels.wechat.api import WeChatAPIClient
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.identity import is_valid_id, is_valid_number, sender_id_for
from bot.channels.wechat.incoming import ASK, SILENT, Intake, read_message
from bot.channels.wechat.logsafe import for_log
from bot.channels.wechat.plain_text import plain_text
from bot.channels.wechat.replay import ReplayGuard
from bot.channels.wechat.split import sanitize_text, split_text, utf8_len
from bot.channels.wechat.store import MemoryStore, create_store
from bot.channels.wechat.user_queue import UserQueue
from bot.input_guard import admit

logger = logging.getLogger(__name__)

# Markup declarations (<!DOCTYPE, <!ENTITY, <!ELEMENT, ...) are never sent by
# WeChat; rejecting them before xmltodict/expat sees the body rules out entity
# expansion attacks.  CDATA sections and comments are allowed.
_FORBIDDEN_MARKUP = re.compile(rb"<!(?!\[CDATA\[|--)", re.IGNORECASE)

# WeChat's nonces are digits; anything odd is refused before it reaches a key.
_NONCE = re.compile(r"[A-Za-z0-9_-]{1,64}")

_NUMBER_REPLY = re.compile(r"\d{1,3}")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class _BadRequest(Exception):
    """A refused request; ``detail`` (user-supplied) is only logged, escaped."""

    def __init__(self, status: int, reason: Text, detail: Any = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail


class _Pending:
    """One bot run on this server, shared by the first request and the retries."""

    __slots__ = ("task", "openid", "background")

    def __init__(self, task: "asyncio.Future[List[Text]]", openid: Text) -> None:
        self.task = task
        self.openid = openid
        self.background: Optional[asyncio.Future] = None


def render_bot_messages(messages: List[Dict[Text, Any]]) -> Tuple[Text, List[Dict[Text, Text]]]:
    """Turns collected Rasa bot messages into one text and its button list.

    WeChat text messages have no buttons, so buttons become numbered lines
    ("回复1:平顶山"); the returned list maps number n to buttons[n - 1]. They
    show no Markdown either: the text is made plain (``plain_text.py``).
    """
    blocks: List[Text] = []
    buttons: List[Dict[Text, Text]] = []
    for message in messages:
        lines: List[Text] = []
        text = message.get("text")
        if text:
            lines.append(plain_text(str(text)))
        for key in ("image", "attachment"):
            if message.get(key):
                lines.append(str(message[key]))
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            lines.append(custom["text"])
        for button in message.get("buttons") or []:
            if not isinstance(button, dict):
                continue
            title = str(button.get("title") or button.get("payload") or "").strip()
            payload = str(button.get("payload") or button.get("title") or "").strip()
            if not payload:
                continue
            buttons.append({"title": title, "payload": payload})
            lines.append(f"回复{len(buttons)}：{title}")
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks).strip(), buttons


class WeChatInput(InputChannel):
    """WeChat Official Account channel (``bot.channels.wechat.WeChatInput``)."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        return cls(WeChatConfig.from_sources(credentials or {}))

    def __init__(
        self,
        config: Optional[WeChatConfig] = None,
        store: Optional[MemoryStore] = None,
        api: Optional[WeChatAPIClient] = None,
        nonce_store: Optional[MemoryStore] = None,
    ) -> None:
        self.config = config or WeChatConfig.from_sources()
        self.store = store or create_store(self.config.redis_url)
        self.nonce_store = nonce_store or create_store(
            self.config.redis_url, max_entries=self.config.max_seen_nonces, evict=False
        )
        self.api = api or WeChatAPIClient(
            self.config.api_base,
            self.config.app_id,
            self.config.app_secret,
            http_timeout=self.config.http_timeout,
            refresh_margin=self.config.token_refresh_margin,
            shared=self.store,  # one token for every server on the same Redis (api.py)
            key_prefix=self.config.key_prefix,
        )
        self.crypto: Optional[WeChatCrypto] = None
        if self.config.aes_enabled:
            self.crypto = WeChatCrypto(self.config.token, self.config.encoding_aes_key, self.config.app_id)
        self.answers = AnswerBook(self.store, self.config.dedupe_ttl)
        self.replay = ReplayGuard(self.nonce_store, self.config.max_clock_skew, self.config.key_prefix)
        self.queue = UserQueue()
        self._inflight: Dict[Text, _Pending] = {}
        self._background: Set[asyncio.Future] = set()
        self._warn_about_setup()

    @property
    def customer_service(self) -> bool:
        return self.config.customer_service_enabled and self.api.configured

    def _warn_about_setup(self) -> None:
        if not self.customer_service:
            logger.warning(
                "WeChat channel: WECHAT_APP_ID/WECHAT_APP_SECRET are not set, so "
                "there is no customer-service API. An answer not ready within "
                "WeChat's 5 s reaches the user only through WeChat's retries of "
                "the message (each request waits up to %.1f s; the retry gets the "
                "stored answer; after the 3rd retry it is lost), and a long "
                "answer is cut to its first %d bytes with a note.",
                self.config.hold_timeout,
                self.config.text_limit_bytes,
            )
        if not self.config.aes_enabled:
            logger.warning(
                "WeChat channel: WECHAT_ENCODING_AES_KEY is not set (明文模式). "
                "Use 安全模式 in production: in plaintext mode the signature does "
                "not cover the message (see docs/wechat.md)."
            )

    # ------------------------------------------------------------------ routes

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("wechat_webhook")

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            try:
                self._check_signature(request)
            except _BadRequest as e:
                self._log_rejection("verification", e)
                return response.text(e.reason, status=e.status)
            echostr = request.args.get("echostr")
            if echostr is None:
                return response.text("missing echostr", status=400)
            return response.text(echostr)

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            # Each request (first delivery or retry) waits this long for the answer.
            window = self.config.reply_timeout if self.customer_service else self.config.hold_timeout
            deadline = asyncio.get_running_loop().time() + window
            try:
                message, encrypted, nonce = await self._read_message(request)
            except _BadRequest as e:
                self._log_rejection("request", e)
                return response.text(e.reason, status=e.status)
            try:
                metadata = self._metadata(request, message, encrypted)
                return await self._respond(message, encrypted, nonce, deadline, on_new_message, metadata)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("WeChat channel: unexpected error.")
                return response.text("success")

        @bp.listener("after_server_stop")
        async def close_channel(app: Any, loop: Any) -> None:
            await self.close()

        return bp

    @staticmethod
    def _log_rejection(what: Text, error: _BadRequest) -> None:
        if error.detail is None:
            logger.info("WeChat %s rejected (%s): %s", what, error.status, error.reason)
        else:
            logger.info(
                "WeChat %s rejected (%s): %s %s",
                what,
                error.status,
                error.reason,
                for_log(error.detail),
            )

    # --------------------------------------------------------- request checks

    def _check_signature(self, request: Request) -> Tuple[Text, Text]:
        args = request.args
        signature = args.get("signature")
        timestamp = args.get("timestamp")
        nonce = args.get("nonce")
        if not signature or not timestamp or not nonce:
            raise _BadRequest(403, "missing signature")
        if not is_valid_number(timestamp):
            raise _BadRequest(403, "invalid timestamp")
        if not _NONCE.fullmatch(nonce):
            raise _BadRequest(403, "invalid nonce")
        if abs(time.time() - int(timestamp)) > self.config.max_clock_skew:
            raise _BadRequest(403, "stale timestamp")
        try:
            check_signature(self.config.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise _BadRequest(403, "invalid signature")
        return timestamp, nonce

    async def _read_body(self, request: Request) -> bytes:
        limit = self.config.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    raise _BadRequest(413, "body too large")
            except ValueError:
                raise _BadRequest(400, "invalid content-length")
        if request.stream is None:  # not streamed (e.g. ASGI test client)
            body = request.body or b""
        else:
            chunks: List[bytes] = []
            size = 0
            while True:
                chunk = await request.stream.read()
                if chunk is None:
                    break
                size += len(chunk)
                if size > limit:
                    raise _BadRequest(413, "body too large")
                chunks.append(chunk)
            body = b"".join(chunks)
        if len(body) > limit:
            raise _BadRequest(413, "body too large")
        return body

    async def _read_message(self, request: Request) -> Tuple[Any, bool, Text]:
        body = await self._read_body(request)
        timestamp, nonce = self._check_signature(request)
        if not body.strip():
            raise _BadRequest(400, "empty body")
        if _FORBIDDEN_MARKUP.search(body):
            raise _BadRequest(400, "markup declarations are not allowed")
        try:
            xml = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest(400, "body is not UTF-8")

        encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
        if encrypted and self.crypto is None:
            # 兼容模式 also carries the plaintext fields; without a key we can
            # only use those (and answer in plaintext).
            logger.warning(
                "WeChat sent an encrypted message but WECHAT_ENCODING_AES_KEY is not set; trying the plaintext fields."
            )
            encrypted = False
        if not encrypted:
            # The signature does not cover a plaintext body: one body per signed URL.
            if not await self.replay.admit(timestamp, nonce, body):
                raise _BadRequest(403, "replayed signature")
        else:
            msg_signature = request.args.get("msg_signature")
            if not msg_signature:
                raise _BadRequest(403, "missing msg_signature")
            try:
                xml = self.crypto.decrypt_message(xml, msg_signature, timestamp, nonce)
            except (InvalidSignatureException, InvalidAppIdException):
                raise _BadRequest(403, "invalid msg_signature")
            except Exception:
                raise _BadRequest(400, "cannot decrypt message")
            if _FORBIDDEN_MARKUP.search(xml.encode("utf-8")):
                raise _BadRequest(400, "markup declarations are not allowed")

        try:
            message = parse_message(xml)
        except Exception:
            raise _BadRequest(400, "malformed XML")
        if message is None or not message.source or not message.target:
            raise _BadRequest(400, "not a WeChat message")
        self._check_fields(message)
        return message, encrypted, nonce

    @staticmethod
    def _check_fields(message: Any) -> None:
        """Refuses ids that no real WeChat message has: nothing odd gets into
        a sender id, a store key, a log line or the reply."""
        if not is_valid_id(message.source):
            raise _BadRequest(400, "invalid FromUserName", message.source)
        if not is_valid_id(message.target):
            raise _BadRequest(400, "invalid ToUserName", message.target)
        raw = message._data
        for field in ("MsgId", "MsgID", "CreateTime"):
            value = raw.get(field)
            if value is not None and not is_valid_number(value):
                raise _BadRequest(400, f"invalid {field}", value)

    # ------------------------------------------------------------- dispatching

    def _key(self, kind: Text, *parts: Any) -> Text:
        return self.config.key_prefix + kind + ":" + ":".join(str(p) for p in parts)

    def _dedupe_key(self, message: Any) -> Text:
        raw = message._data
        msg_id = raw.get("MsgId") or raw.get("MsgID")
        if msg_id:
            return self._key("msg", message.target, msg_id)
        # Events have no MsgId: WeChat recommends FromUserName + CreateTime.
        return self._key(
            "evt",
            message.target,
            message.source,
            raw.get("CreateTime", ""),
            str(raw.get("Event", ""))[:64],
            raw.get("EventKey", "")[:128] if isinstance(raw.get("EventKey"), str) else "",
        )

    def _metadata(self, request: Request, message: Any, encrypted: bool) -> Dict:
        raw = message._data
        metadata: Dict[Text, Any] = dict(self.get_metadata(request) or {})
        metadata["wechat"] = {
            "openid": message.source,
            "account": message.target,
            "msg_id": raw.get("MsgId"),
            "msg_type": raw.get("MsgType"),
            "create_time": raw.get("CreateTime"),
            "encrypted": encrypted,
        }
        return metadata

    async def _respond(
        self,
        message: Any,
        encrypted: bool,
        nonce: Text,
        deadline: float,
        on_new_message: OnNewMessage,
        metadata: Dict,
    ) -> HTTPResponse:
        key = self._dedupe_key(message)
        logger.debug(
            "WeChat %s %s from %s.",
            for_log(message.type, 24),
            for_log(key, 160),
            for_log(message.source),
        )
        pending = self._inflight.get(key)
        if pending is None and await self.answers.begin(key):
            pending = self._start(key, message, on_new_message, metadata)
        else:
            logger.debug("WeChat retry of message %s.", for_log(key, 160))
        try:
            if pending is not None:
                parts = await self._wait_here(pending, deadline)
            else:
                # Answered before, or being answered by another server.
                remaining = deadline - asyncio.get_running_loop().time()
                parts = await self.answers.wait(key, max(0.0, remaining))
        except asyncio.CancelledError:
            # WeChat hung up: it will retry, and the retries get the stored
            # answer; with the customer-service API it also goes out that way.
            if pending is not None and not pending.task.cancelled():
                self._deliver_later(key, pending)
            raise
        if parts is None:
            logger.debug("WeChat answer to %s not ready in time.", for_log(key, 160))
            if pending is not None:
                self._deliver_later(key, pending)
            return self._success()
        if not parts or not await self.answers.claim(key, PASSIVE):
            return self._success()
        if len(parts) > 1 and self.customer_service and await self.answers.claim_followups(key):
            self._spawn(self._send_parts(message.source, parts[1:], self.config.followup_delay))
        return self._text_reply(message, parts[0], encrypted, nonce)

    def _start(
        self,
        key: Text,
        message: Any,
        on_new_message: OnNewMessage,
        metadata: Dict,
    ) -> _Pending:
        task = asyncio.ensure_future(self._produce_and_keep(key, message, on_new_message, metadata))
        pending = _Pending(task, message.source)
        self._inflight[key] = pending

        def forget(_: Any) -> None:
            if self._inflight.get(key) is pending:
                del self._inflight[key]

        task.add_done_callback(forget)
        return pending

    @staticmethod
    async def _wait_here(pending: _Pending, deadline: float) -> Optional[List[Text]]:
        """The answer of a bot run on this server, or None if not ready by ``deadline``."""
        if not pending.task.done():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(asyncio.shield(pending.task), remaining)
            except asyncio.TimeoutError:
                return None
        return pending.task.result()

    # ---------------------------------------------------------- bot answering

    async def _produce_and_keep(
        self, key: Text, message: Any, on_new_message: OnNewMessage, metadata: Dict
    ) -> List[Text]:
        parts = await self._produce(message, on_new_message, metadata)
        try:
            await self.answers.finish(key, parts)
        except Exception:
            logger.exception("WeChat channel: could not store an answer.")
        return parts

    async def _produce(self, message: Any, on_new_message: OnNewMessage, metadata: Dict) -> List[Text]:
        """Computes the answer parts for one WeChat message (never raises)."""
        try:
            intake = read_message(message, self.config)
            if intake.kind == SILENT:
                return []
            if intake.kind != ASK:
                return self._parts(intake.text)
            async with self.queue.turn(message.source):
                return await self._ask(message, intake, on_new_message, metadata)
        except Exception:
            logger.exception("WeChat channel: failed to answer a message.")
            return self._parts(self.config.error_text)

    async def _ask(
        self,
        message: Any,
        intake: Intake,
        on_new_message: OnNewMessage,
        metadata: Dict,
    ) -> List[Text]:
        openid = message.source
        buttons_key = self._key("buttons", message.target, openid)
        text = intake.text
        logger.debug("WeChat question from %s: %s", for_log(openid), for_log(text))
        number = unicodedata.normalize("NFKC", text).strip()
        if isinstance(message, TextMessage) and _NUMBER_REPLY.fullmatch(number):
            buttons = await self.store.get_json(buttons_key)
            index = int(number)
            if isinstance(buttons, list) and 1 <= index <= len(buttons):
                text = buttons[index - 1]["payload"]
                metadata["wechat"]["button"] = {
                    "number": index,
                    "title": buttons[index - 1].get("title"),
                }

        collector = CollectingOutputChannel()
        msg_id = message._data.get("MsgId")
        user_message = UserMessage(
            text,
            collector,
            sender_id=sender_id_for(openid),
            input_channel=self.name(),
            message_id=str(msg_id) if msg_id else None,
            metadata=metadata,
        )
        try:
            if await admit(user_message):  # a long text is cut, with a note before the answer
                await on_new_message(user_message)
        except Exception:
            logger.exception("WeChat channel: the bot failed to handle a message.")
            return self._parts(intake.fallback or self.config.error_text)

        answer, buttons = render_bot_messages(collector.messages)
        if buttons:
            await self.store.set_json(buttons_key, buttons, self.config.buttons_ttl)
        else:
            await self.store.delete(buttons_key)
        return self._parts(answer or intake.fallback or self.config.no_answer_text)

    def _parts(self, text: Text) -> List[Text]:
        """The messages that carry ``text``: without the customer-service API
        only one passive reply can go out, so a long answer is cut with a note."""
        text = sanitize_text(text)
        limit = self.config.text_limit_bytes
        parts = split_text(text, limit)
        if len(parts) <= 1 or self.customer_service:
            return parts
        note = sanitize_text(self.config.long_answer_note)
        first = split_text(text, max(16, limit - utf8_len(note) - 1))[0]
        return [first + "\n" + note]

    # ------------------------------------------------------------- delivering

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _deliver_later(self, key: Text, pending: _Pending) -> None:
        """Sends the answer through the customer-service API once it is ready,
        unless a retry got it passively first (no-op without the API)."""
        if self.customer_service and pending.background is None:
            pending.background = self._spawn(self._deliver_when_ready(key, pending))

    async def _deliver_when_ready(self, key: Text, pending: _Pending) -> None:
        try:
            parts = await pending.task
        except BaseException:  # cancelled on shutdown
            return
        if parts and await self.answers.claim(key, CUSTOMER_SERVICE):
            await self._send_parts(pending.openid, parts)

    async def _send_parts(self, openid: Text, parts: List[Text], delay: float = 0) -> None:
        """Customer-service messages go to the bare openid (not the Rasa sender id)."""
        if not self.api.configured:
            logger.error(
                "WeChat channel: cannot deliver %d message(s) to a user: WECHAT_APP_ID/WECHAT_APP_SECRET are not set.",
                len(parts),
            )
            return
        if delay > 0:
            await asyncio.sleep(delay)
        for part in parts:
            try:
                await self.api.send_text(openid, part)
            except Exception as e:
                logger.error(
                    "WeChat channel: customer-service message to %s failed: %s",
                    for_log(openid),
                    for_log(e, 200),
                )
                return

    # -------------------------------------------------------------- responses

    @staticmethod
    def _success() -> HTTPResponse:
        return response.text("success")

    def _text_reply(self, message: Any, content: Text, encrypted: bool, nonce: Text) -> HTTPResponse:
        xml = TextReply(message=message, content=content).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self.store.close()
        if self.nonce_store is not self.store:
            await self.nonce_store.close()
