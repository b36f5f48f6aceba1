"""Messages users leave for a person (留言): stored, listed, exported and marked handled by officers.

They live in the policy database's engine (SQLite by default, PostgreSQL in production) but in their
own table and metadata, which a rebuild of the policy catalogue never drops: the catalogue is derived
from files and rebuilt at will, a message is the only copy of what a user asked.

Each message keeps the conversation id, the city, the user's question, an optional phone number,
the bot's last answer and the time, so an officer can call back with the context. A sender may
leave at most :data:`MAX_PER_SENDER_PER_DAY` messages a day; the limit is counted in the database,
so it holds across servers and restarts.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, func, insert, select, update
from sqlalchemy.engine import Engine

from .spreadsheet import csv_text

MAX_PER_SENDER_PER_DAY = 5
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 1000
# A mainland mobile number, or a landline with its area code (0xx-xxxxxxxx); spaces and dashes allowed.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
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


class MessageStore:
    """The officers' inbox. Creates its table on first use; safe to share between threads."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._ready = False

    def _ensure_table(self) -> None:
        if not self._ready:
            metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    def leave(
        self,
        conversation_id: str,
        question: str,
        phone: str | None = None,
        city: str | None = None,
        last_answer: str | None = None,
        now: dt.datetime | None = None,
    ) -> Message:
        """Store a message; MessageRejected (with the user-facing reason) when it cannot be taken."""
        question = check_question(question)
        phone = normalise_phone(phone)
        last_answer = (last_answer or "")[:MAX_ANSWER_CHARS] or None
        now = now or _now()
        self._ensure_table()
        with self.engine.begin() as connection:
            recent = connection.execute(
                select(func.count())
                .select_from(messages)
                .where(
                    messages.c.conversation_id == conversation_id,
                    messages.c.created_at > now - dt.timedelta(days=1),
                )
            ).scalar_one()
            if recent >= MAX_PER_SENDER_PER_DAY:
                raise MessageRejected("您今天的留言已经够多了，工作人员会尽快处理，也可以直接拨打热线。")
            row = {
                "conversation_id": conversation_id,
                "city": city,
                "question": question,
                "phone": phone,
                "last_answer": last_answer,
                "created_at": now,
                "handled": False,
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
