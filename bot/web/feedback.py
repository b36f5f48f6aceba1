"""What the page posts to its own server: a rating of an answer, and a message for a person.

Both are stored in the policy database (``DATABASE_URL``), by :mod:`officer.ratings` and
:mod:`officer.messages`, through the page server, never through Rasa's HTTP API: the page keeps working
for them while Rasa is unreachable (the offline state offers the message form), and Rasa's API stays off.

* ``POST /api/ratings`` ``{"session", "verdict": "满意"|"不满意", "question", "answer", "sources", "reason"?}``
  -> 201 ``{"id", "token"}``; ``POST /api/ratings/<id>/reason`` ``{"token", "reason"}`` -> 200.
  The records an answer rests on are read from its 查看原文 links (``sources``: ``…/sources/<document>#<clause>``)
  against the catalogue: the benefits and facts of that document cited at that clause. The page cannot
  name records of its own choosing.
* ``POST /api/messages`` ``{"session", "question", "phone"?, "city"?}`` -> 201 ``{"id"}``; the user-facing
  reason (MessageRejected) with 400 otherwise.

The conversation id is the socket session's (``socketio:<32 hex>``, as Rasa names the sender), read from the
session id the page was given; its signature is never stored. A page without a session yet (Rasa down from
the start) gets ``web:<random>`` per page load. Each client address may post :data:`MAX_POSTS_PER_HOUR`
times an hour, on top of the message store's own daily limit per conversation.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the policy modules are imported on first use, like serve.py's
    from policy_db.query import Catalog

MAX_BODY_BYTES = 16 * 1024
MAX_POSTS_PER_HOUR = 60
MAX_SOURCES = 10
SESSION_RE = re.compile(r"^([0-9a-f]{32})(?:\.[A-Za-z0-9_-]{1,100})?$")
PAGE_ID_RE = re.compile(r"^web:[0-9a-f]{32}$")
SOURCE_PATH_RE = re.compile(r"/sources/([A-Za-z0-9_.-]{1,100})$")
REASON_PATH_RE = re.compile(r"^api/ratings/(\d{1,12})/reason$")


class BadRequest(ValueError):
    """A request the page would never send, or one the store refused; `message` is shown to the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    body: dict


def conversation_id(payload: dict) -> str:
    """``socketio:<hex>`` from the page's socket session id, or the page's own ``web:<hex>`` id."""
    session = payload.get("session")
    if not isinstance(session, str):
        raise BadRequest("缺少会话编号。")
    match = SESSION_RE.match(session)
    if match:
        return f"socketio:{match.group(1)}"
    if PAGE_ID_RE.match(session):
        return session
    raise BadRequest("会话编号无效。")


def text_field(payload: dict, name: str, required: bool = False) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"缺少{name}。")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name}应为文字。")
    return value


def cited_records(catalog: Catalog | None, hrefs: object) -> list[str]:
    """The ids of the records the answer's source links point at: those of the linked document whose clause
    is the linked clause (the same best section the citation's anchor was made from)."""
    if catalog is None or not isinstance(hrefs, list):
        return []
    from policy_db.clauses import best_section, walk

    sections: dict[str, list] = {}

    def clause_anchor(full_text: str, clause_ref: str) -> str | None:  # as citations link: the best section
        known = sections.setdefault(full_text, [line.section for line in walk(full_text) if line.opens_section])
        section = best_section(clause_ref, known)
        return section.anchor if section else None

    ids: list[str] = []
    for href in hrefs[:MAX_SOURCES]:
        if not isinstance(href, str):
            continue
        parts = urllib.parse.urlsplit(href)
        match = SOURCE_PATH_RE.search(parts.path)
        if not match:
            continue
        key, anchor = match.group(1), parts.fragment
        for record in catalog.benefits:
            if record.document.key != key:
                continue
            if not anchor or clause_anchor(record.document.full_text, record.clause_ref) == anchor:
                ids.append(record.key)
    return list(dict.fromkeys(ids))


class RateLimit:
    """At most `limit` posts per client address in any hour (in memory: per page server)."""

    def __init__(self, limit: int = MAX_POSTS_PER_HOUR, window_s: float = 3600.0):
        self.limit = limit
        self.window_s = window_s
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    MAX_ADDRESSES = 10_000  # past this, addresses quiet for the whole window are forgotten

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > self.MAX_ADDRESSES:
                for quiet in [a for a, t in self._seen.items() if not t or now - t[-1] > self.window_s]:
                    del self._seen[quiet]
            times = self._seen[client]
            while times and now - times[0] > self.window_s:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


def parse_body(raw: bytes) -> dict:
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("请求格式不对。") from exc
    if not isinstance(payload, dict):
        raise BadRequest("请求格式不对。")
    return payload


class Feedback:
    """The two stores behind the page's POSTs, opened on first use (the page serves without a database)."""

    def __init__(self, catalog_reader, engine_factory=None):
        self._catalog = catalog_reader
        self._engine_factory = engine_factory
        self._engine = None
        self._lock = threading.Lock()

    def _engine_now(self):
        with self._lock:
            if self._engine is None:
                if self._engine_factory is not None:
                    self._engine = self._engine_factory()
                else:
                    from policy_db.db import make_engine

                    self._engine = make_engine(None)
            return self._engine

    def handle(self, rel_path: str, payload: dict, client: str | None = None) -> Response:
        """Answer a POST to `rel_path`; `client` is the network address, which the message store limits."""
        if rel_path == "api/ratings":
            return self.rate(payload)
        reason = REASON_PATH_RE.match(rel_path)
        if reason:
            return self.add_reason(int(reason.group(1)), payload)
        if rel_path == "api/messages":
            return self.leave_message(payload, client)
        raise BadRequest("没有这个接口。", status=404)

    def rate(self, payload: dict) -> Response:
        from officer.ratings import RatingRejected, RatingStore

        conversation = conversation_id(payload)
        verdict = text_field(payload, "verdict", required=True)
        answer = text_field(payload, "answer", required=True)
        try:
            new_id, token = RatingStore(self._engine_now()).rate(
                conversation,
                verdict or "",
                answer or "",
                question=text_field(payload, "question"),
                record_ids=cited_records(self._catalog(), payload.get("sources")),
                reason=text_field(payload, "reason"),
            )
        except RatingRejected as exc:
            raise BadRequest("评价无效。") from exc
        return Response(201, {"id": new_id, "token": token})

    def add_reason(self, rating_id: int, payload: dict) -> Response:
        from officer.ratings import RatingStore

        token = text_field(payload, "token", required=True) or ""
        reason = text_field(payload, "reason", required=True) or ""
        if not RatingStore(self._engine_now()).add_reason(rating_id, token, reason):
            raise BadRequest("没有这条评价。", status=404)
        return Response(200, {"id": rating_id})

    def leave_message(self, payload: dict, client: str | None = None) -> Response:
        from officer.messages import MessageRejected, MessageStore

        catalog = self._catalog()
        city = text_field(payload, "city")
        if city is not None and catalog is not None and city not in {c.name for c in catalog.cities}:
            raise BadRequest("请选择列出的城市。")
        try:
            message = MessageStore(self._engine_now()).leave(
                conversation_id(payload),
                text_field(payload, "question") or "",
                phone=text_field(payload, "phone"),
                city=city,
                last_answer=text_field(payload, "lastAnswer"),
                client=client,
            )
        except MessageRejected as exc:
            raise BadRequest(exc.reason) from exc
        return Response(201, {"id": message.id})
