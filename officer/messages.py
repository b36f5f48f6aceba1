"""Messages users leave for a person (留言): stored, listed, exported and marked handled by officers.

They live in the policy database's engine (SQLite by default, PostgreSQL in production) but in their
own table and metadata, which a rebuild of the policy catalogue never drops: the catalogue is derived
from files and rebuilt at will, a message is the only copy of what a user asked.

Each message keeps the conversation id, the city, the user's question, an optional phone number,
the bot's last answer and the time, so an officer can call back with the context.

Nobody can flood the inbox (issue 21: one client with a new sender id per message stored 600–800 a
minute). The limits of :class:`InboxLimits` are counted in the database, so they hold across servers
and restarts: per sender a day, per client address a day (the address the channel saw, which a
caller cannot choose as it chooses a sender id), for everyone an hour, and the number of open
messages; a message equal to an open one (same question and phone) is a duplicate. A refusal tells
the user why (and the action adds the 12345 hotline); the global limits also write an alert to the log.

Messages are kept :data:`DEFAULT_RETENTION_DAYS` days unless an officer says otherwise:
``python -m policy_db messages --purge-older-than [DAYS]`` deletes older ones (:meth:`MessageStore.purge`).
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine

from .spreadsheet import csv_text

log = logging.getLogger(__name__)

MAX_PER_SENDER_PER_DAY = 5
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 1000
MAX_CLIENT_CHARS = 64
DEFAULT_RETENTION_DAYS = 180  # how long a message is kept: the one place the default period is set
ALERT_EVERY_SECONDS = 60  # one log alert a minute per kind of limit, however many refusals
# A mainland mobile number, or a landline with its area code (0xx-xxxxxxxx); spaces and dashes allowed.
# ASCII digits only (re.ASCII: \d would take Arabic-Indic or other digits); an area code is 0 then 1-9
# (no 00x international prefix) and a local number starts with 1-9 (no all-zero number).
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}[1-9][0-9]{6,7}$", re.ASCII)
# A run of digits with the separators people type inside a number: (0375) 266-1234, +86 139 0000 1111.
_PHONE_CANDIDATE = re.compile(r"(?:\+86[\s\-]*)?[(（]?\d[\d\s\-－—()（）]*")

metadata = MetaData()
messages = Table(
    "user_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(200), nullable=False, index=True),
    Column("city", String(20)),
    Column("question", Text, nullable=False),
    Column("phone", String(20)),
    Column("last_answer", Text),
    Column("created_at", DateTime, nullable=False),
    Column("handled", Boolean, nullable=False, default=False),
    Column("handled_at", DateTime),
    Column("client", String(MAX_CLIENT_CHARS), index=True),  # the network address the channel saw
)


SENDER_LIMIT = "您今天的留言已经够多了，工作人员会尽快处理，也可以直接拨打热线。"
CLIENT_LIMIT = "这台设备今天的留言已经够多了，工作人员会尽快处理，也可以直接拨打热线。"
BUSY = "留言系统现在收到的留言太多，暂时不能再收，请稍后再试或直接拨打热线。"
DUPLICATE = "这条留言已经收到了，工作人员会尽快处理，请不要重复提交。"


@dataclass(frozen=True)
class InboxLimits:
    """How many messages the inbox takes. Each can be set by its environment variable (:meth:`from_env`):
    INBOX_PER_SENDER_PER_DAY, INBOX_PER_CLIENT_PER_DAY, INBOX_PER_HOUR, INBOX_MAX_OPEN."""

    per_sender_per_day: int = MAX_PER_SENDER_PER_DAY
    per_client_per_day: int = 20  # a household or office behind one address leaves a few
    per_hour: int = 300  # for everyone: 7,200 a day is far above what officers can call back
    max_open: int = 5000  # open (not yet handled) messages at most

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InboxLimits:
        env = os.environ if environ is None else environ
        defaults = cls()

        def read(name: str, default: int) -> int:
            value = (env.get(name) or "").strip()
            return int(value) if value.isdigit() and int(value) > 0 else default

        return cls(
            per_sender_per_day=read("INBOX_PER_SENDER_PER_DAY", defaults.per_sender_per_day),
            per_client_per_day=read("INBOX_PER_CLIENT_PER_DAY", defaults.per_client_per_day),
            per_hour=read("INBOX_PER_HOUR", defaults.per_hour),
            max_open=read("INBOX_MAX_OPEN", defaults.max_open),
        )


class MessageRejected(ValueError):
    """The message cannot be stored; `reason` is the Chinese text to show the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: str
    city: str | None
    question: str
    phone: str | None
    last_answer: str | None
    created_at: dt.datetime
    handled: bool


def normalise_phone(text: str | None) -> str | None:
    """'138 0000 1234' -> '13800001234'; None when no number was given; MessageRejected when invalid."""
    if text is None or not text.strip():
        return None
    digits = re.sub(r"[\s\-－—()（）]", "", text.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    raise MessageRejected("电话号码格式不对，请留11位手机号或带区号的座机号，也可以不留电话。")


def phone_in(text: str | None) -> str | None:
    """The phone number in a reply such as 「电话是 138 0013 8000，下午打」 (full-width digits too), normalised;
    None when the text holds no digits; MessageRejected when its number is not a phone number."""
    candidates = _PHONE_CANDIDATE.findall(unicodedata.normalize("NFKC", text or ""))
    if not candidates:
        return None
    return normalise_phone(max(candidates, key=lambda c: sum(ch.isdigit() for ch in c)).strip())


def check_question(text: str | None) -> str:
    """The question as it is stored (trimmed); MessageRejected when it is empty or too long."""
    question = (text or "").strip()
    if not question:
        raise MessageRejected("留言内容是空的，请写下您想咨询的问题。")
    if len(question) > MAX_QUESTION_CHARS:
        raise MessageRejected(f"留言太长了，请控制在{MAX_QUESTION_CHARS}字以内。")
    return question


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


_alerted: dict[str, float] = {}
_alert_lock = threading.Lock()


def _alert(kind: str, text: str, limit: int) -> None:
    """An error record for the operators when a global limit refuses messages, at most one a minute per kind."""
    with _alert_lock:
        now = time.monotonic()
        if now - _alerted.get(kind, -ALERT_EVERY_SECONDS) < ALERT_EVERY_SECONDS:
            return
        _alerted[kind] = now
    log.error("ALERT " + text + " (possible flood; see README, Security limits)", limit)


class MessageStore:
    """The officers' inbox. Creates its table on first use; safe to share between threads."""

    def __init__(self, engine: Engine, limits: InboxLimits | None = None):
        self.engine = engine
        self.limits = limits or InboxLimits.from_env()
        self._ready = False

    def _ensure_table(self) -> None:
        if not self._ready:
            metadata.create_all(self.engine, checkfirst=True)
            if "client" not in {c["name"] for c in inspect(self.engine).get_columns(messages.name)}:
                # A table created before the client column (issue 21): add it, nothing else changes.
                with self.engine.begin() as connection:
                    connection.execute(
                        text(f"ALTER TABLE {messages.name} ADD COLUMN client VARCHAR({MAX_CLIENT_CHARS})")
                    )
            self._ready = True

    def leave(
        self,
        conversation_id: str,
        question: str,
        phone: str | None = None,
        city: str | None = None,
        last_answer: str | None = None,
        now: dt.datetime | None = None,
        client: str | None = None,
    ) -> Message:
        """Store a message; MessageRejected (with the user-facing reason) when it cannot be taken.
        `client`: the network address the channel saw (None when the channel has none, e.g. WeChat)."""
        question = check_question(question)
        phone = normalise_phone(phone)
        last_answer = (last_answer or "")[:MAX_ANSWER_CHARS] or None
        client = (client or "")[:MAX_CLIENT_CHARS] or None
        now = now or _now()
        self._ensure_table()
        with self.engine.begin() as connection:
            self._check_limits(connection, conversation_id, question, phone, client, now)
            row = {
                "conversation_id": conversation_id,
                "city": city,
                "question": question,
                "phone": phone,
                "last_answer": last_answer,
                "created_at": now,
                "handled": False,
                "client": client,
            }
            new_id = connection.execute(insert(messages).values(**row)).inserted_primary_key[0]
        return Message(
            id=new_id,
            conversation_id=conversation_id,
            city=city,
            question=question,
            phone=phone,
            last_answer=last_answer,
            created_at=now,
            handled=False,
        )

    def _check_limits(
        self,
        connection: Connection,
        conversation_id: str,
        question: str,
        phone: str | None,
        client: str | None,
        now: dt.datetime,
    ) -> None:
        limits, day_ago = self.limits, now - dt.timedelta(days=1)

        def count(*where) -> int:  # type: ignore[no-untyped-def]
            return connection.execute(select(func.count()).select_from(messages).where(*where)).scalar_one()

        open_ = messages.c.handled.is_(False)
        same_phone = messages.c.phone.is_(None) if phone is None else messages.c.phone == phone
        if count(open_, messages.c.created_at > day_ago, messages.c.question == question, same_phone):
            raise MessageRejected(DUPLICATE)
        if count(messages.c.conversation_id == conversation_id, messages.c.created_at > day_ago) >= (
            limits.per_sender_per_day
        ):
            raise MessageRejected(SENDER_LIMIT)
        if client and count(messages.c.client == client, messages.c.created_at > day_ago) >= limits.per_client_per_day:
            raise MessageRejected(CLIENT_LIMIT)
        if count(messages.c.created_at > now - dt.timedelta(hours=1)) >= limits.per_hour:
            _alert(
                "per_hour",
                "inbox refused a message: %d messages in the last hour reached INBOX_PER_HOUR",
                limits.per_hour,
            )
            raise MessageRejected(BUSY)
        if count(open_) >= limits.max_open:
            _alert("max_open", "inbox refused a message: %d open messages reached INBOX_MAX_OPEN", limits.max_open)
            raise MessageRejected(BUSY)

    def purge(self, older_than_days: int = DEFAULT_RETENTION_DAYS, now: dt.datetime | None = None) -> int:
        """Delete the messages (handled or not) left more than `older_than_days` days ago; returns how many."""
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        self._ensure_table()
        cutoff = (now or _now()) - dt.timedelta(days=older_than_days)
        with self.engine.begin() as connection:
            return connection.execute(delete(messages).where(messages.c.created_at < cutoff)).rowcount

    def list(self, include_handled: bool = False, city: str | None = None) -> builtins.list[Message]:
        self._ensure_table()
        query = select(messages).order_by(messages.c.created_at, messages.c.id)
        if not include_handled:
            query = query.where(messages.c.handled.is_(False))
        if city:
            query = query.where(messages.c.city == city)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [Message(**{k: row[k] for k in Message.__dataclass_fields__}) for row in rows]

    def mark_handled(self, ids: builtins.list[int], now: dt.datetime | None = None) -> int:
        """Mark messages handled; returns how many were open and are now handled."""
        self._ensure_table()
        with self.engine.begin() as connection:
            result = connection.execute(
                update(messages)
                .where(messages.c.id.in_(ids), messages.c.handled.is_(False))
                .values(handled=True, handled_at=now or _now())
            )
        return result.rowcount


def to_csv(items: list[Message]) -> str:
    """CSV with a header row, for a spreadsheet (UTF-8; Excel needs the BOM the CLI adds); no cell
    is a formula (spreadsheet.csv_text)."""
    header = ["编号", "时间(UTC)", "城市", "电话", "问题", "上一条回答", "会话", "已处理"]
    return csv_text(
        [header]
        + [
            [
                m.id,
                m.created_at.isoformat(timespec="seconds"),
                m.city or "",
                m.phone or "",
                m.question,
                m.last_answer or "",
                m.conversation_id,
                "是" if m.handled else "否",
            ]
            for m in items
        ]
    )
