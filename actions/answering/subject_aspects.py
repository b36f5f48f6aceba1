"""Answers about one aspect of the subject that the clause may not settle: whether it applies today, how to
apply, how long. Each says first what the document says, or plainly that it does not say it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from policy_db.validity import ENDED, STALE, VALID, validity_of
from policy_db.vocabulary import load_vocabulary

from . import formatting, wording
from .citations import format_date
from .hotline import hotlines
from .reply import Reply

if TYPE_CHECKING:
    from .turn_kinds import TurnContext

MAX_SENTENCE_CHARS = 90


def _remember_subject(reply: Reply, ctx: TurnContext, aspect: str) -> Reply:
    main = ctx.subject[0]
    return reply.remember(
        city=main.city,
        subject=ctx.subject,
        topics=main.topics,
        aspect=aspect,
        question=ctx.question,
        pending_question=None,
        level=ctx.frame.level,
        figures=ctx.frame.figures,
    )


def now_line(ctx: TurnContext) -> str:
    """The first line: can it still be applied for, today."""
    main = ctx.subject[0]
    validity = validity_of(main, ctx.today)
    name = f"“{main.name}”"
    if validity.state == ENDED:
        ended = formatting.ended_phrase(main, ctx.today)
        if main.is_fact:
            return wording.NOW_FACT_ENDED.format(name=name, ended=ended)
        return wording.NOW_ENDED.format(name=name, ended=ended)
    if validity.state == VALID:
        return wording.NOW_VALID.format(name=name, until=format_date(validity.until))
    if validity.state == STALE:
        return wording.NOW_STALE.format(name=name, year=validity.published_year, lead=formatting.lead_unit(main))
    return wording.NOW_UNDATED.format(name=name)


def now(ctx: TurnContext) -> Reply:
    """「现在还能申请吗」「今年还有吗」: whether it applies today, then the card."""
    main = ctx.subject[0]
    card = formatting.answer_card(main, None, ctx.today)
    reply = Reply().say(now_line(ctx) + "\n" + card)
    return _remember_subject(reply, ctx, "validity")


def _procedure_sentences(text: str) -> list[str]:
    words = load_vocabulary().cue_words("procedure")
    sentences = [s.strip(" ，,；;。") for s in re.split(r"(?<=[。；;])", text)]
    return [formatting.shorten(s, MAX_SENTENCE_CHARS) for s in sentences if s and any(w in s for w in words)]


def how_to(ctx: TurnContext) -> Reply:
    """「怎么申请，找哪个部门」: what the document says of applying, or that it says nothing; the lead unit and
    the city's 12345."""
    main = ctx.subject[0]
    lead = formatting.lead_unit(main)
    number = hotlines(ctx.catalog).get(main.city)
    hotline = wording.APPLY_HOTLINE.format(city=main.city, number=number) if number else ""
    said = _procedure_sentences(main.clause_text)
    lines = [
        wording.APPLY_SAID.format(sentence=said[0])
        if said
        else wording.APPLY_NOT_SAID.format(lead=lead, hotline=hotline),
        f"【{main.city}】{main.name}",
        formatting.departments_line(main),
        formatting.eligibility_line(main),
    ]
    if said:
        lines.append(wording.APPLY_MATERIALS_NOT_SAID.format(lead=lead, hotline=hotline))
    lines += [formatting.validity_line(main, ctx.today), formatting.source_line(main)]
    return _remember_subject(Reply().say("\n".join(lines)), ctx, "apply")


def asked_measure(ctx: TurnContext) -> tuple[str, tuple[str, ...], int, str] | None:
    """The measure the message asks of the subject (「能缓多久」: duration; 「分几次给」: stages), if any."""
    return next((m for m in load_vocabulary().asked_measures if ctx.cue(m[0])), None)


def measure(ctx: TurnContext) -> Reply:
    """「缓缴能缓几个月」「奖金分几批发」: what the clause gives of it, or plainly that it gives none."""
    main = ctx.subject[0]
    asked = asked_measure(ctx)
    _, kinds, at_least, what = asked or ("", (), 1, "")
    if len([f for f in main.figures if f.kind in kinds]) >= at_least:
        card = formatting.answer_card(main, None, ctx.today, ())
        return _remember_subject(Reply().say(card), ctx, "amount")
    first = wording.NOT_SAID.format(what=what, name=main.name)
    lines = [
        first + wording.NOT_SAID_ASK.format(lead=formatting.lead_unit(main)),
        f"【{main.city}】{main.name}：{main.summary}",
        formatting.validity_line(main, ctx.today),
        formatting.departments_line(main),
        formatting.source_line(main),
    ]
    return _remember_subject(Reply().say("\n".join(lines)), ctx, "validity")
