"""Ratings of the bot's answers (好差评): 满意 or 不满意 under each answer on the web page, with an optional reason.

They live in the policy database's engine, in their own table and metadata like the messages users leave
(:mod:`officer.messages`), so a rebuild of the catalogue never drops them. Each rating keeps the
conversation id, the question, the answer as the page showed it, the ids of the records the answer cites
and the time, so ``python -m policy_db report`` can list the 不满意 answers next to the questions the bot
could not answer (:mod:`officer.reporting.ratings`).

A rating is stored by one tap; the reason, chosen afterwards, is added to that row by :meth:`RatingStore.add_reason`
with the row's ``token``, which only the page that stored the rating was given, so nobody can rewrite another
user's rating by guessing its id.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.engine import Engine

SATISFIED = "满意"
UNSATISFIED = "不满意"
VERDICTS = (SATISFIED, UNSATISFIED)
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 2000
MAX_REASON_CHARS = 200
MAX_RECORD_IDS = 20

metadata = MetaData()
ratings = Table(
    "answer_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(32), nullable=False),
    Column("conversation_id", String(200), nullable=False, index=True),
    Column("verdict", String(8), nullable=False),
    Column("reason", Text),
    Column("question", Text),
    Column("answer", Text, nullable=False),
    Column("record_ids", Text),  # space-separated record keys (benefit or fact ids) the answer cites
    Column("created_at", DateTime, nullable=False, index=True),
)


class RatingRejected(ValueError):
    """The rating cannot be stored (an unknown verdict, an empty answer)."""


@dataclass(frozen=True)
class Rating:
    id: int
    conversation_id: str
    verdict: str
    reason: str | None
    question: str | None
    answer: str
    record_ids: tuple[str, ...]
    created_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _clip(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


class RatingStore:
    """The ratings table. Creates it on first use; safe to share between threads."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._ready = False

    def _ensure_table(self) -> None:
        if not self._ready:
            metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    def rate(
        self,
        conversation_id: str,
        verdict: str,
        answer: str,
        question: str | None = None,
        record_ids: tuple[str, ...] | list[str] = (),
        reason: str | None = None,
        now: dt.datetime | None = None,
    ) -> tuple[int, str]:
        """Store a rating; returns (id, token), the token being what :meth:`add_reason` needs."""
        if verdict not in VERDICTS:
            raise RatingRejected(f"unknown verdict {verdict!r}")
        stored_answer = _clip(answer, MAX_ANSWER_CHARS)
        if stored_answer is None:
            raise RatingRejected("no answer to rate")
        token = secrets.token_hex(16)
        row = {
            "token": token,
            "conversation_id": conversation_id,
            "verdict": verdict,
            "reason": _clip(reason, MAX_REASON_CHARS),
            "question": _clip(question, MAX_QUESTION_CHARS),
            "answer": stored_answer,
            "record_ids": " ".join(list(dict.fromkeys(record_ids))[:MAX_RECORD_IDS]) or None,
            "created_at": now or _now(),
        }
        self._ensure_table()
        with self.engine.begin() as connection:
            new_id = connection.execute(insert(ratings).values(**row)).inserted_primary_key[0]
        return int(new_id), token

    def add_reason(self, rating_id: int, token: str, reason: str) -> bool:
        """Set the reason of the rating `rating_id` if `token` is its token; whether a row was changed."""
        self._ensure_table()
        with self.engine.begin() as connection:
            result = connection.execute(
                update(ratings)
                .where(ratings.c.id == rating_id, ratings.c.token == token)
                .values(reason=_clip(reason, MAX_REASON_CHARS))
            )
        return bool(result.rowcount)

    def since(self, since: dt.datetime, verdict: str | None = None) -> list[Rating]:
        """The ratings given at or after `since` (naive UTC), oldest first; only `verdict`'s when given."""
        self._ensure_table()
        query = select(ratings).where(ratings.c.created_at >= since).order_by(ratings.c.created_at, ratings.c.id)
        if verdict is not None:
            query = query.where(ratings.c.verdict == verdict)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            Rating(
                id=row["id"],
                conversation_id=row["conversation_id"],
                verdict=row["verdict"],
                reason=row["reason"],
                question=row["question"],
                answer=row["answer"],
                record_ids=tuple((row["record_ids"] or "").split()),
                created_at=row["created_at"],
            )
            for row in rows
        ]
