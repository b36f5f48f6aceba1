"""Socket.IO input channel for the 政策通 web chat page.

A subclass of Rasa 3.6's :class:`rasa.core.channels.socketio.SocketIOInput`
with its own blueprint (Rasa's builds the server and its handlers in one
method, so they cannot be changed one by one):

* **Session ids are issued by the server, signed.** ``session_request`` confirms
  a session id only if this server signed it (HMAC-SHA256, see
  :class:`SessionSigner`); any other claim (a guessed id, another user's sender
  id copied from a log, an unsigned id from an older page) gets a fresh one.
  rasa-webchat keeps the confirmed id in the browser's storage and sends it
  back after a reload, so the conversation continues. A socket speaks only as
  the session it was confirmed: the ``session_id`` inside a message cannot
  switch it to someone else's.
* **Sender ids are namespaced**: Rasa sees ``socketio:<32 hex>``, never a value
  chosen by the client, so it cannot meet a REST or WeChat sender id.
* **Only the page's origin may connect** (``WEB_ORIGIN``, see
  :func:`allowed_web_origins`); a browser on another site is refused before the
  socket opens. Clients that send no ``Origin`` (not browsers) are let in.
* ``enter_room`` is awaited when it returns an awaitable (python-socketio >=
  5.10 made it a coroutine; Rasa 3.6 does not await it, so replies were lost).
* **A message's table** (metadata ``table``, from the action server) is sent as a
  Markdown table in place of the message's text (:mod:`bot.channels.tables`);
  text channels send the text.
* Blank and overlong messages are handled by :mod:`bot.input_guard`, as on
  every channel: a blank one gets a prompt and is not sent to the bot, a long
  one is cut with a note. Message metadata is kept only when it is a small
  JSON object; socket packets are bounded.
* One client address may send ``CLIENT_MESSAGES_PER_MINUTE`` messages a
  minute, however many sessions it opens (:mod:`bot.channels.rate_limit`);
  past that it is told :data:`~bot.channels.rate_limit.RATE_LIMITED`. The
  address goes with each message in its metadata (``client``, replacing the
  page's), for the inbox's per-client limit (:mod:`bot.channels.clients`).

The signing secret is ``SOCKETIO_SESSION_SECRET`` (at least 32 characters), or
else one generated on first start and kept in ``var/socketio_secret``.
Every Rasa server behind one address must use the same secret.

credentials.yml::

    bot.channels.socketio_channel.PolicySocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

import engineio
import socketio
from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.clients import UNKNOWN, client_address, with_client
from bot.channels.rate_limit import RATE_LIMITED, ClientRateLimiter
from bot.channels.tables import markdown_table
from bot.input_guard import admit
from bot.origins import origin_of

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]

MAX_METADATA_CHARS = 2000
# One Socket.IO packet (polling body or websocket frame); a 2000-character
# message is about 6 kB. python-engineio's default is 1 MB.
MAX_PACKET_BYTES = 128 * 1024

SENDER_PREFIX = "socketio:"

SESSION_SECRET_ENV = "SOCKETIO_SESSION_SECRET"
SESSION_SECRET_FILE = PROJECT_DIR / "var" / "socketio_secret"
MIN_SECRET_CHARS = 32

WEB_ORIGIN_ENV = "WEB_ORIGIN"
DEFAULT_WEB_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")


def markdown_line_breaks(text: Text) -> Text:
    """rasa-webchat renders Markdown, where a single newline is not a line break; answers are
    written line by line (figure, 对象, 有效期, 责任单位, 出处), so keep them on their own lines."""
    return text.replace("\r\n", "\n").replace("\n", "  \n")


# --- session ids ------------------------------------------------------------------------------


class SessionSigner:
    """Issues and checks session ids of the form ``<32 hex>.<signature>``.

    The signature is an HMAC-SHA256 of the hex part under the server's secret,
    so a client can hold and return its id but not make one up. The hex part
    alone becomes the Rasa sender id (``socketio:<hex>``): what shows in logs
    and trackers cannot be turned back into a session id.
    """

    TOKEN_RE = re.compile(r"([0-9a-f]{32})\.([A-Za-z0-9_-]{43})")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the session secret must have at least {MIN_SECRET_CHARS} characters")
        self._secret = secret

    def _signature(self, session_hex: str) -> str:
        digest = hmac.new(
            self._secret, b"policy-bot socketio session " + session_hex.encode("ascii"), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self) -> str:
        session_hex = secrets.token_hex(16)
        return f"{session_hex}.{self._signature(session_hex)}"

    def sender_id(self, token: Any) -> Optional[str]:
        """The Rasa sender id of a session id this server issued, else None."""
        if not isinstance(token, str):
            return None
        match = self.TOKEN_RE.fullmatch(token)
        if not match or not hmac.compare_digest(match.group(2), self._signature(match.group(1))):
            return None
        return SENDER_PREFIX + match.group(1)


def load_session_secret(environ: Mapping[str, str] = os.environ, secret_file: Path = SESSION_SECRET_FILE) -> bytes:
    """``SOCKETIO_SESSION_SECRET``, else the secret kept in ``secret_file``, made on first use.

    The file is created whole or not at all (written aside, then linked into
    place), so servers starting together all read the same secret.
    """
    configured = environ.get(SESSION_SECRET_ENV, "")
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise ValueError(
                f"{SESSION_SECRET_ENV} must have at least {MIN_SECRET_CHARS} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return configured.encode("utf-8")
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        aside = secret_file.with_name(f"{secret_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
            try:
                os.link(aside, secret_file)
            except FileExistsError:
                pass  # another server made it first: use theirs
        finally:
            aside.unlink()
    secret = secret_file.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"{secret_file} holds no usable secret: delete it to make a new one")
    return secret.encode("utf-8")


# --- origins ----------------------------------------------------------------------------------


def allowed_web_origins(environ: Mapping[str, str] = os.environ) -> List[str]:
    """The origins whose pages may open a socket: ``WEB_ORIGIN`` (comma-separated),
    default ``http://localhost:8080`` and ``http://127.0.0.1:8080`` (the page of ``make run``)."""
    configured = [o for o in environ.get(WEB_ORIGIN_ENV, "").split(",") if o.strip()]
    return [origin_of(o) for o in configured] or list(DEFAULT_WEB_ORIGINS)


class _PageOriginEngineIOServer(engineio.AsyncServer):
    """Refuses requests whose ``Origin`` is not allowed, and adds no CORS headers.

    The CORS response headers of every route, this one included, come from
    Sanic-CORS (``rasa run --cors``); a second ``Access-Control-Allow-Origin``
    from engine.io would make browsers refuse the answer (the reason Rasa
    passes ``cors_allowed_origins=[]``, which also turns the origin check off).
    """

    def _cors_headers(self, environ: Dict) -> List:
        return []


class _PageOriginSocketIOServer(socketio.AsyncServer):
    def _engineio_server_class(self) -> type:
        return _PageOriginEngineIOServer


# --- output -----------------------------------------------------------------------------------


class LineBreakingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output with Markdown line breaks in every text, and a message's table (its ``table``
    metadata, :mod:`bot.channels.tables`) drawn as a table in place of its text."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        table = markdown_table(kwargs.get("table"))
        await super().send_text_message(recipient_id, table or markdown_line_breaks(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: Any, **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, markdown_line_breaks(text), buttons, **kwargs)


def bounded_metadata(value: Any) -> Dict:
    """Message metadata if it is a JSON object of at most MAX_METADATA_CHARS, else {}."""
    if isinstance(value, str):
        if len(value) > MAX_METADATA_CHARS:
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    try:
        size = len(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return {}
    return value if size <= MAX_METADATA_CHARS else {}


async def _maybe_await(result: Any) -> None:
    """python-socketio >= 5.10 made enter_room/leave_room coroutines; earlier ones return None."""
    if inspect.isawaitable(result):
        await result


# --- the channel ------------------------------------------------------------------------------


class PolicySocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with the fixes described in the module doc."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[LineBreakingSocketIOOutput]:
        if self.sio is None:
            return super().get_output_channel()
        return LineBreakingSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        signer = SessionSigner(load_session_secret())
        sio = _PageOriginSocketIOServer(
            async_mode="sanic",
            cors_allowed_origins=allowed_web_origins(),
            max_http_buffer_size=MAX_PACKET_BYTES,
        )
        self.sio = sio
        namespace = self.namespace
        sender_of_socket: Dict[Text, Text] = {}  # socket id -> the sender id it speaks as
        client_of_socket: Dict[Text, Text] = {}  # socket id -> the client address it connected from
        limiter = ClientRateLimiter()

        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def bind(sid: Text, sender_id: Text) -> None:
            """Let the socket speak as `sender_id` and receive its replies (the room of that name)."""
            previous = sender_of_socket.get(sid)
            if previous == sender_id:
                return
            if previous is not None:
                await _maybe_await(sio.leave_room(sid, previous, namespace=namespace))
            sender_of_socket[sid] = sender_id
            await _maybe_await(sio.enter_room(sid, sender_id, namespace=namespace))

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                if not token or not decode_bearer_token(token, self.jwt_key, self.jwt_algorithm):
                    return False
            client_of_socket[sid] = client_address(environ.get("sanic.request"))
            logger.debug(f"Socket {sid} connected.")
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text) -> None:
            sender_of_socket.pop(sid, None)
            client_of_socket.pop(sid, None)
            logger.debug(f"Socket {sid} disconnected.")

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            claimed = data.get("session_id") if isinstance(data, dict) else None
            sender_id = signer.sender_id(claimed) if self.session_persistence else None
            session_id = claimed if sender_id else signer.issue()
            if sender_id is None:
                sender_id = signer.sender_id(session_id)
                if claimed is not None:
                    logger.debug(f"Socket {sid} claimed a session id this server did not issue: new session.")
            await bind(sid, sender_id)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def sender_for_message(sid: Text, data: Dict) -> Optional[Text]:
            """The sender id a message from this socket counts as, or None to ignore it."""
            bound = sender_of_socket.get(sid)
            if bound is not None:
                return bound
            if not self.session_persistence:
                await bind(sid, signer.sender_id(signer.issue()))
                return sender_of_socket[sid]
            sender_id = signer.sender_id(data.get("session_id"))
            if sender_id is None:
                logger.debug(
                    f"Socket {sid}: message without a session this server issued, ignored "
                    "(the page sends session_request first)."
                )
                return None
            await bind(sid, sender_id)
            return sender_id

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            sender_id = await sender_for_message(sid, data)
            if sender_id is None:
                return
            client = client_of_socket.get(sid, UNKNOWN)
            if not limiter.allow(client):
                logger.warning("Socket.IO: client %s over its message rate", client)
                await sio.emit(self.bot_message_evt, {"text": RATE_LIMITED}, room=sid, namespace=namespace)
                return
            text = data.get("message")
            message = UserMessage(
                text if isinstance(text, str) else "",
                LineBreakingSocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=with_client(bounded_metadata(data.get(self.metadata_key)), client),
            )
            await self._deliver(message, on_new_message)

        return socketio_webhook

    @staticmethod
    async def _deliver(message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """To the bot, after the input guard (blank: a prompt instead; long: cut, with a note)."""
        if await admit(message):
            await on_new_message(message)
