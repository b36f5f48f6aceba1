"""Rasa input channel for a WeChat Official Account (微信公众号).

Routes (Rasa mounts them under ``/webhooks/wechat``):

* ``GET  /webhooks/wechat/``         health check
* ``GET  /webhooks/wechat/webhook``  server verification (echostr)
* ``POST /webhooks/wechat/webhook``  messages and events pushed by WeChat

WeChat waits 5 seconds for the passive (XML) reply and otherwise retries the
same message up to 3 times.  The bot therefore runs in its own asyncio task:
if the answer is ready within ``reply_timeout`` it becomes the passive reply,
otherwise the request is answered with ``success`` and the answer is sent
later through the customer-service message API.  Retries are de-duplicated by
MsgId (in memory, or in Redis across servers) and never start a second run.
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
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.wechat.api import WeChatAPIClient
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.split import sanitize_text, split_text
from bot.channels.wechat.store import MemoryStore, create_store

logger = logging.getLogger(__name__)

# Markup declarations (<!DOCTYPE, <!ENTITY, <!ELEMENT, ...) are never sent by
# WeChat; rejecting them before xmltodict/expat sees the body rules out entity
# expansion attacks.  CDATA sections and comments are allowed.
_FORBIDDEN_MARKUP = re.compile(rb"<!(?!\[CDATA\[|--)", re.IGNORECASE)

# Events that are not a user asking something: no visible reply.
SILENT_EVENTS = frozenset(
    {
        "unsubscribe",
        "location",  # periodic location report, not a location message
        "view",  # user opened a menu link
        "view_miniprogram",
        "templatesendjobfinish",
        "masssendjobfinish",
    }
)
WELCOME_EVENTS = frozenset({"subscribe", "subscribe_scan", "scan"})

_NUMBER_REPLY = re.compile(r"\d{1,3}")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class _BadRequest(Exception):
    def __init__(self, status: int, reason: Text) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Pending:
    """One bot run, shared by the first request and any WeChat retries."""

    __slots__ = ("task", "openid", "claimed", "background")

    def __init__(self, task: "asyncio.Future[List[Text]]", openid: Text) -> None:
        self.task = task
        self.openid = openid
        self.claimed = False
        self.background: Optional[asyncio.Future] = None

    def claim(self) -> bool:
        """Exactly one caller gets to deliver the answer (passively or later)."""
        if self.claimed:
            return False
        self.claimed = True
        return True


def render_bot_messages(
    messages: List[Dict[Text, Any]]
) -> Tuple[Text, List[Dict[Text, Text]]]:
    """Turns collected Rasa bot messages into one text and its button list.

    WeChat text messages have no buttons, so buttons become numbered lines
    ("回复1:平顶山"); the returned list maps number n to buttons[n - 1].
    """
    blocks: List[Text] = []
    buttons: List[Dict[Text, Text]] = []
    for message in messages:
        lines: List[Text] = []
        text = message.get("text")
        if text:
            lines.append(str(text))
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
            lines.append(f"回复{len(buttons)}:{title}")
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks).strip(), buttons


class WeChatInput(InputChannel):
    """WeChat Official Account channel (``bot.channels.wechat.WeChatInput``)."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Dict[Text, Any]]
    ) -> "WeChatInput":
        return cls(WeChatConfig.from_sources(credentials or {}))

    def __init__(
        self,
        config: Optional[WeChatConfig] = None,
        store: Optional[MemoryStore] = None,
        api: Optional[WeChatAPIClient] = None,
    ) -> None:
        self.config = config or WeChatConfig.from_sources()
        self.store = store or create_store(self.config.redis_url)
        self.api = api or WeChatAPIClient(
            self.config.api_base,
            self.config.app_id,
            self.config.app_secret,
            http_timeout=self.config.http_timeout,
            refresh_margin=self.config.token_refresh_margin,
        )
        self.crypto: Optional[WeChatCrypto] = None
        if self.config.aes_enabled:
            self.crypto = WeChatCrypto(
                self.config.token, self.config.encoding_aes_key, self.config.app_id
            )
        if not self.config.customer_service_enabled:
            logger.warning(
                "WeChat channel: WECHAT_APP_ID/WECHAT_APP_SECRET not set; answers "
                "slower than %.1f s and the rest of long answers cannot be delivered.",
                self.config.reply_timeout,
            )
        self._inflight: Dict[Text, _Pending] = {}
        self._background: Set[asyncio.Future] = set()

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
                logger.info("WeChat verification rejected: %s", e.reason)
                return response.text(e.reason, status=e.status)
            echostr = request.args.get("echostr")
            if echostr is None:
                return response.text("missing echostr", status=400)
            return response.text(echostr)

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            deadline = asyncio.get_running_loop().time() + self.config.reply_timeout
            try:
                message, encrypted, nonce = await self._read_message(request)
            except _BadRequest as e:
                logger.info("WeChat request rejected (%s): %s", e.status, e.reason)
                return response.text(e.reason, status=e.status)
            try:
                metadata = self._metadata(request, message, encrypted)
                return await self._respond(
                    message, encrypted, nonce, deadline, on_new_message, metadata
                )
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("WeChat channel: unexpected error.")
                return response.text("success")

        @bp.listener("after_server_stop")
        async def close_channel(app: Any, loop: Any) -> None:
            await self.close()

        return bp

    # --------------------------------------------------------- request checks

    def _check_signature(self, request: Request) -> Tuple[Text, Text]:
        args = request.args
        signature = args.get("signature")
        timestamp = args.get("timestamp")
        nonce = args.get("nonce")
        if not signature or not timestamp or not nonce:
            raise _BadRequest(403, "missing signature")
        try:
            ts = int(timestamp)
        except ValueError:
            raise _BadRequest(403, "invalid timestamp")
        if abs(time.time() - ts) > self.config.max_clock_skew:
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
                "WeChat sent an encrypted message but WECHAT_ENCODING_AES_KEY is "
                "not set; trying the plaintext fields."
            )
            encrypted = False
        elif encrypted:
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
        if not isinstance(message.source, str) or not isinstance(message.target, str):
            raise _BadRequest(400, "not a WeChat message")
        return message, encrypted, nonce

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
            raw.get("Event", ""),
            raw.get("EventKey", "") if isinstance(raw.get("EventKey"), str) else "",
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
        pending = self._inflight.get(key)
        if pending is None:
            if await self.store.add_if_absent(key, self.config.dedupe_ttl):
                pending = self._start(key, message, on_new_message, metadata)
            else:
                pending = self._inflight.get(key)
                if pending is None:
                    logger.debug("WeChat retry of an answered message %s.", key)
                    return self._success()
        return await self._await_reply(pending, message, encrypted, nonce, deadline)

    def _start(
        self,
        key: Text,
        message: Any,
        on_new_message: OnNewMessage,
        metadata: Dict,
    ) -> _Pending:
        task = asyncio.ensure_future(self._produce(message, on_new_message, metadata))
        pending = _Pending(task, message.source)
        self._inflight[key] = pending

        def forget(_: Any) -> None:
            if self._inflight.get(key) is pending:
                del self._inflight[key]

        task.add_done_callback(forget)
        return pending

    async def _await_reply(
        self,
        pending: _Pending,
        message: Any,
        encrypted: bool,
        nonce: Text,
        deadline: float,
    ) -> HTTPResponse:
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            if not pending.task.done():
                if remaining <= 0:
                    raise asyncio.TimeoutError()
                await asyncio.wait_for(asyncio.shield(pending.task), remaining)
            parts = pending.task.result()
        except asyncio.TimeoutError:
            logger.debug("WeChat answer not ready in time; delivering it later.")
            self._deliver_later(pending)
            return self._success()
        except asyncio.CancelledError:
            # Client went away (or shutdown): make sure the answer still goes out.
            if not pending.task.cancelled():
                self._deliver_later(pending)
            raise
        if not pending.claim() or not parts:
            return self._success()
        if len(parts) > 1:
            self._spawn(
                self._send_parts(pending.openid, parts[1:], self.config.followup_delay)
            )
        return self._text_reply(message, parts[0], encrypted, nonce)

    # ---------------------------------------------------------- bot answering

    def _split(self, text: Text) -> List[Text]:
        return split_text(sanitize_text(text), self.config.text_limit_bytes)

    async def _produce(
        self, message: Any, on_new_message: OnNewMessage, metadata: Dict
    ) -> List[Text]:
        """Computes the answer parts for one WeChat message (never raises)."""
        try:
            raw = message._data
            msg_type = str(raw.get("MsgType") or "").lower()
            if msg_type == "text":
                return await self._answer_text(message, on_new_message, metadata)
            if msg_type == "event":
                event = str(raw.get("Event") or "").lower()
                if event in WELCOME_EVENTS:
                    return self._split(self.config.welcome_text)
                if event in SILENT_EVENTS:
                    return []
            return self._split(self.config.unsupported_text)
        except Exception:
            logger.exception("WeChat channel: failed to answer a message.")
            return self._split(self.config.error_text)

    async def _answer_text(
        self, message: Any, on_new_message: OnNewMessage, metadata: Dict
    ) -> List[Text]:
        content = message.content
        content = content.strip() if isinstance(content, str) else ""
        if not content:
            return self._split(self.config.empty_text)

        openid = message.source
        buttons_key = self._key("buttons", message.target, openid)
        text = content
        number = unicodedata.normalize("NFKC", content).strip()
        if _NUMBER_REPLY.fullmatch(number):
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
            sender_id=openid,
            input_channel=self.name(),
            message_id=str(msg_id) if msg_id else None,
            metadata=metadata,
        )
        try:
            await on_new_message(user_message)
        except Exception:
            logger.exception("WeChat channel: the bot failed to handle a message.")
            return self._split(self.config.error_text)

        answer, buttons = render_bot_messages(collector.messages)
        if buttons:
            await self.store.set_json(buttons_key, buttons, self.config.buttons_ttl)
        else:
            await self.store.delete(buttons_key)
        return self._split(answer or self.config.no_answer_text)

    # ------------------------------------------------------------- delivering

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _deliver_later(self, pending: _Pending) -> None:
        if pending.background is None:
            pending.background = self._spawn(self._deliver_when_ready(pending))

    async def _deliver_when_ready(self, pending: _Pending) -> None:
        try:
            parts = await pending.task
        except BaseException:  # cancelled on shutdown
            return
        if parts and pending.claim():
            await self._send_parts(pending.openid, parts)

    async def _send_parts(self, openid: Text, parts: List[Text], delay: float = 0) -> None:
        if not self.api.configured:
            logger.error(
                "WeChat channel: cannot deliver %d message(s) to a user: "
                "WECHAT_APP_ID/WECHAT_APP_SECRET are not set.",
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
                    "WeChat channel: customer-service message failed: %s", e
                )
                return

    # -------------------------------------------------------------- responses

    @staticmethod
    def _success() -> HTTPResponse:
        return response.text("success")

    def _text_reply(
        self, message: Any, content: Text, encrypted: bool, nonce: Text
    ) -> HTTPResponse:
        xml = TextReply(message=message, content=content).render()
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self.store.close()
