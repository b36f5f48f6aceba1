"""The conversation so far, read from typed slots: the frame, the subject, the last list, the profile.

Slot values can come from anywhere (a stale tracker, a forged payload), so each one is checked where
it is read: an invalid value is treated as absent, never as a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rasa_sdk import Tracker

from policy_db.eligibility import EnterpriseProfile
from policy_db.money import MAX_YUAN
from policy_db.query import Catalog
from policy_db.records import BenefitRecord
from policy_db.user_figures import read_figures
from policy_db.vocabulary import Vocabulary

from .checkup import profile_from_slot
from .frame import Frame, Reader, merge

MAX_SLOT_TEXT = 500


@dataclass
class Conversation:
    frame: Frame  # what the conversation is about before this message
    subject: list[BenefitRecord] = field(default_factory=list)  # the records last answered
    listed: list[BenefitRecord] = field(default_factory=list)  # the last numbered list
    question: str | None = None  # the last question that had a subject of its own
    pending_question: str | None = None  # asked before the city was known
    profile: EnterpriseProfile = field(default_factory=EnterpriseProfile)  # what the owner said of the enterprise


@dataclass
class Turn:
    """One user message in its conversation."""

    message: Frame
    conversation: Conversation
    intent: str | None = None
    entities: list[dict] = field(default_factory=list)  # the NLU entities of the message

    @property
    def merged(self) -> Frame:
        return merge(self.conversation.frame, self.message)


def read_turn(tracker: Tracker, reader: Reader, text: str | None = None) -> Turn:
    """Read the latest message (or `text`) and the conversation from the tracker's slots."""
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    entities = latest.get("entities") if text is None else []
    entities = [e for e in entities if isinstance(e, dict)] if isinstance(entities, list) else []
    message = reader.read(text if text is not None else latest.get("text") or "", intent, entities)
    return Turn(message, read_conversation(tracker, reader.catalog, reader.vocabulary), intent, entities)


def read_conversation(tracker: Tracker, catalog: Catalog, vocabulary: Vocabulary) -> Conversation:
    slot = tracker.get_slot
    city = _text(slot("city"))
    city = catalog.resolve_city(city) if city else None
    topics = tuple(t for t in _list(slot("last_topics")) if t in catalog.topics)
    level = _text(slot("level"))
    level = level if level in {lv.name for lv in vocabulary.levels} else None
    aspect = _text(slot("last_aspect"))
    aspect = aspect if aspect in vocabulary.aspect_names else None
    figures = remembered_figures(_text(slot("figure_text")))
    frame = Frame(
        text=_text(slot("last_question")) or "", city=city, topics=topics, level=level, aspect=aspect, figures=figures
    )
    return Conversation(
        frame=frame,
        subject=catalog.get(_list(slot("last_benefits"))),
        listed=catalog.get(_list(slot("listed_benefits"))),
        question=_text(slot("last_question")),
        pending_question=_text(slot("pending_question")),
        profile=profile_from_slot(slot("enterprise_profile")),
    )


def remembered_figures(text: str | None) -> tuple:
    """The figures kept in the `figure_text` slot (their clauses, newest first), read again and checked."""
    figures = []
    for clause in reversed((text or "").split("；")):
        for figure in read_figures(clause).figures:
            if figure.kind != "money" or _figure(figure.value) is not None:
                figures.append((clause, figure.value, figure.kind))
    return tuple(figures)


def _text(value) -> str | None:
    return value[:MAX_SLOT_TEXT] if isinstance(value, str) and value.strip() else None


def _list(value) -> list[str]:
    return [v for v in value if isinstance(v, str)][:50] if isinstance(value, list) else []


def _figure(value) -> Decimal | None:
    try:
        figure = Decimal(str(value)) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        return None
    if figure is None or not figure.is_finite() or figure <= 0 or figure > MAX_YUAN:
        return None
    return figure
