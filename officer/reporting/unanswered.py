"""The questions the bot could not answer, read from the events of its conversations.

A user message counts when, before the next user message, the bot

* said nothing was found, or could only quote a sentence of the source text (no record answers it);
* did not understand it (the rephrase reply, or Rasa's core fallback);
* called it out of scope although it names a city or county or a topic of the catalogue.

Each is given the city it was about (the one the reply names, else the one the message names, else the
conversation's ``city`` slot after the bot's turn) and the catalogue topics the question names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from rasa.shared.core.events import (
    ActionExecuted,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from policy_db.query import Catalog

from .replies import CORE_FALLBACK_ACTION, Reason, Recognised, ReplyReader

# Slots of domain.yml read here: the conversation's city, and the conversation state, whose questions a
# message naming only a city (「三明」「那滨州呢」, or a city button's payload /inform_city{"city": …}) asks
# again: the one asked before its city was known, else the last one answered.
CITY_SLOT = "city"
STATE_SLOT = "conversation"
QUESTION_FIELDS = ("pending_question", "question")
_FILLER = " \t，,。.？?！!呢吧吗的啊那市县区"  # what is left of 「那三明市呢？」 without the place


@dataclass(frozen=True)
class Unanswered:
    time: dt.datetime  # UTC
    conversation_id: str
    city: str | None
    topics: tuple[str, ...]  # the catalogue topics the question names, first named first
    reason: Reason
    question: str

    @property
    def topic(self) -> str | None:
        return self.topics[0] if self.topics else None


@dataclass
class _Turn:
    """One user message and what the bot did until the next."""

    message: UserUttered
    slots_before: dict[str, object]
    recognised: list[Recognised] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def unanswered_questions(
    conversations: Iterable[tuple[str, list[Event]]], catalog: Catalog, since: dt.datetime, reader: ReplyReader
) -> list[Unanswered]:
    """The questions asked since `since` that the bot could not answer, oldest first."""
    found = [
        question
        for conversation_id, events in conversations
        for question in _in_conversation(conversation_id, events, catalog, since.timestamp(), reader)
    ]
    return sorted(found, key=lambda q: (q.time, q.conversation_id))


def _in_conversation(
    conversation_id: str, events: list[Event], catalog: Catalog, since: float, reader: ReplyReader
) -> list[Unanswered]:
    slots: dict[str, object] = {}
    turn: _Turn | None = None
    found: list[Unanswered] = []

    def close(turn: _Turn | None) -> None:
        if turn is not None and turn.message.timestamp >= since:
            question = _unanswered(conversation_id, turn, slots, catalog)
            if question is not None:
                found.append(question)

    for event in events:
        if isinstance(event, UserUttered):
            close(turn)
            turn = _Turn(event, dict(slots))
        elif isinstance(event, SlotSet):
            slots[event.key] = event.value
        elif isinstance(event, (Restarted, AllSlotsReset, SessionStarted)):
            # A new session starts without slots; Rasa sets those it carries over again right after.
            slots.clear()
        elif turn is not None and isinstance(event, BotUttered) and event.text:
            recognised = reader.read(event)
            if recognised is not None:
                turn.recognised.append(recognised)
        elif turn is not None and isinstance(event, ActionExecuted) and event.action_name:
            turn.actions.append(event.action_name)
    close(turn)
    return found


def _unanswered(
    conversation_id: str, turn: _Turn, slots_after: dict[str, object], catalog: Catalog
) -> Unanswered | None:
    question = _question(turn, catalog)
    # The city the message names (「那三明呢」 asks the remembered question of 三明), the topics of the question.
    named_cities = catalog.cities_in(turn.message.text or "") or catalog.cities_in(question)
    topics = tuple(catalog.topics_in(question))
    recognised = turn.recognised[0] if turn.recognised else None
    if recognised is None and CORE_FALLBACK_ACTION in turn.actions:
        recognised = Recognised(Reason.NOT_UNDERSTOOD)
    if recognised is None:
        return None
    if recognised.reason is Reason.OUT_OF_SCOPE and not (named_cities or topics):
        return None  # out of scope indeed: nothing of the policy domain in it
    city = recognised.city or (named_cities[0] if named_cities else None) or _text(slots_after.get(CITY_SLOT))
    return Unanswered(
        time=dt.datetime.fromtimestamp(turn.message.timestamp, dt.timezone.utc),
        conversation_id=conversation_id,
        city=city,
        topics=topics,
        reason=recognised.reason,
        question=question,
    )


def _question(turn: _Turn, catalog: Catalog) -> str:
    """The words of the question; a message naming only a city, or a button's payload, asks the remembered one."""
    text = (turn.message.text or "").strip()
    if text.startswith("/") or not catalog.without_places(text).strip(_FILLER):
        state = turn.slots_before.get(STATE_SLOT)
        state = state if isinstance(state, dict) else {}
        remembered = (_text(state.get(name)) for name in QUESTION_FIELDS)
        return next((q for q in remembered if q), text)
    return text


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
