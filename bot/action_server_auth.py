"""Who may call the action server: the Rasa servers, which send the shared secret, for a conversation
of one of our channels.

Without it anything on the host (or a request forged through another service, SSRF) could POST
``/webhook`` with a made-up tracker and store messages in the officers' inbox under another user's id,
or have answers written for any conversation. So every request but ``/health`` (which load balancers
poll and which says nothing) must carry the header :data:`HEADER` with the secret
``ACTION_SERVER_SECRET``; the Rasa server sends it from its endpoints file (``action_endpoint:
headers:``, Rasa's own option; endpoints.yml and endpoints.production.yml read it from the same
variable). ``make run`` generates the secret once into ``var/action_server_secret`` (mode 600) and
gives it to both servers. The comparison is constant-time.

A ``/webhook`` call must also name a conversation of a channel of ours (``rest:``, ``socketio:``,
``wechat:``, :data:`CHANNEL_PREFIXES`): the channels namespace every sender id, so any other id did
not come through a channel.
"""

from __future__ import annotations

import hmac
import json
import logging
import zlib
from typing import Any, Mapping, Optional

logger = logging.getLogger("bot.action_server")

SECRET_ENV = "ACTION_SERVER_SECRET"
HEADER = "X-Action-Secret"
MIN_SECRET_CHARS = 16
OPEN_PATHS = frozenset({"/health"})
# The sender-id namespaces of bot/channels (rest_channel, socketio_channel, wechat/identity).
CHANNEL_PREFIXES = ("rest:", "socketio:", "wechat:")
MAX_REQUEST_BYTES = 8 * 1024 * 1024  # a tracker of a long conversation is a few hundred kB


class SecretMissing(RuntimeError):
    """The action server was started without a usable shared secret."""


def secret_from(environ: Mapping[str, str]) -> str:
    """The shared secret from the environment; SecretMissing (with what to do) when unset or short."""
    secret = (environ.get(SECRET_ENV) or "").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise SecretMissing(
            f"{SECRET_ENV} must be set to a secret of at least {MIN_SECRET_CHARS} characters, the same one the "
            f"Rasa servers send as the {HEADER} header (endpoints.yml, endpoints.production.yml); "
            "`make run` generates one into var/action_server_secret."
        )
    return secret


def sender_of(body: Any) -> Optional[str]:
    """The conversation an action call is for (`sender_id`, else the tracker's), or None."""
    if not isinstance(body, dict):
        return None
    tracker = body.get("tracker")
    sender = body.get("sender_id")
    tracked = tracker.get("sender_id") if isinstance(tracker, dict) else None
    if sender is not None and tracked is not None and sender != tracked:
        return None  # two different ids in one call: not one Rasa sends
    value = sender if sender is not None else tracked
    return value if isinstance(value, str) else None


def is_channel_sender(sender: Optional[str]) -> bool:
    return bool(sender) and any(sender.startswith(p) and len(sender) > len(p) for p in CHANNEL_PREFIXES)  # type: ignore[union-attr]


def _body(request: Any) -> Any:
    raw = request.body or b""
    if request.headers.get("Content-Encoding") == "deflate":
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(raw, MAX_REQUEST_BYTES)
        if decompressor.unconsumed_tail:
            return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def install(app: Any, secret: str) -> None:
    """Check the secret on every request but /health, and the channel of every /webhook call."""
    from sanic import response

    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    expected = secret.encode("utf-8")

    @app.middleware("request")
    async def authenticate(request):  # type: ignore[no-untyped-def]
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(HEADER) or "").encode("utf-8")
        if not hmac.compare_digest(given, expected):
            logger.warning(
                "refused %s %s from %s: no valid %s header", request.method, request.path, request.ip, HEADER
            )
            return response.json({"error": f"missing or wrong {HEADER} header"}, status=401)
        if request.path == "/webhook" and request.method == "POST":
            sender = sender_of(_body(request))
            if not is_channel_sender(sender):
                logger.warning("refused an action call for %r: not a conversation of a channel", (sender or "")[:80])
                return response.json(
                    {"error": "the sender id names no channel (rest:, socketio:, wechat:)"}, status=403
                )
        return None
