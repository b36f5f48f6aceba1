"""The answers users rated 不满意 on the web page, for ``python -m policy_db report`` beside the unanswered questions.

Ratings are stored by the page server in the policy database (:mod:`officer.ratings`), not in Rasa's
tracker store, so this listing reads that database. Each 不满意 answer is shown with its time, question,
reason, the records it cited (what to check in the data) and the start of the answer, newest first; what
users wrote is escaped for the terminal (:func:`officer.terminal.printable`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..ratings import SATISFIED, UNSATISFIED, Rating, RatingStore
from ..terminal import printable

MAX_LISTED = 20
MAX_ANSWER_CHARS = 60


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _shortened(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"


def _entry(rating: Rating) -> list[str]:
    records = "、".join(rating.record_ids) or "未引用记录"
    return [
        f"  · {rating.created_at:%Y-%m-%d %H:%M} UTC  {printable(rating.question or '（问题未记录）')}",
        f"    原因：{printable(rating.reason or '未填写')}；记录：{records}；会话：{printable(rating.conversation_id)}",
        f"    答复：{printable(_shortened(rating.answer, MAX_ANSWER_CHARS))}",
    ]


def ratings_section(engine: Engine, since: dt.datetime) -> str:
    """The section the report appends after the unanswered questions: a blank line, how many answers were
    rated 满意 and 不满意 since `since`, and the 不满意 ones (newest first); empty when nothing was rated, so a
    bot without the web page reports as before."""
    listed = ratings_listing(engine, since)
    return "\n\n" + listed if listed else ""


def ratings_listing(engine: Engine, since: dt.datetime) -> str:
    """How many answers were rated 满意 and 不满意 since `since`, and the 不满意 ones (newest first); "" if none."""
    header = f"{since:%Y-%m-%d %H:%M} UTC 以来用户对答复的评价"
    try:
        rated = RatingStore(engine).since(_naive_utc(since))
    except SQLAlchemyError as exc:
        return f"{header}：评价记录不可读（{getattr(exc, 'orig', None) or exc}）"
    if not rated:
        return ""
    unsatisfied = [r for r in reversed(rated) if r.verdict == UNSATISFIED]
    satisfied = sum(1 for r in rated if r.verdict == SATISFIED)
    lines = [f"{header}：{SATISFIED} {satisfied} 条，{UNSATISFIED} {len(unsatisfied)} 条"]
    if unsatisfied:
        lines += ["", f"{UNSATISFIED}的答复（最新在前）："]
        for rating in unsatisfied[:MAX_LISTED]:
            lines += _entry(rating)
        if len(unsatisfied) > MAX_LISTED:
            lines.append(f"  ……另有 {len(unsatisfied) - MAX_LISTED} 条")
    return "\n".join(lines)
