"""One user message in its conversation: the message's frame, the typed state, and the records it names.

`read_turn` reads the state through state.py (the only slot code) and resolves its record keys, so
handlers get records, never keys or slot values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rasa_sdk import Tracker

from policy_db.eligibility import EnterpriseProfile
from policy_db.query import Catalog
from policy_db.records import BenefitRecord

from .checkup import read_profile
from .frame import Frame, Reader, merge
from .state import ConversationState, read_state


@dataclass
class Conversation:
    """The state with its records resolved."""

    frame: Frame  # what the conversation is about before this message
    subject: list[BenefitRecord] = field(default_factory=list)  # the records last answered
    listed: list[BenefitRecord] = field(default_factory=list)  # the last numbered list
    compared: list[BenefitRecord] = field(default_factory=list)  # the last comparison or total's records
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
    state: ConversationState = field(default_factory=ConversationState)  # as stored before this message

    @property
    def merged(self) -> Frame:
        return merge(self.conversation.frame, self.message)

    @property
    def profile(self) -> EnterpriseProfile:
        """What the owner has said of the enterprise, this message included."""
        return self.conversation.profile


def read_turn(tracker: Tracker, reader: Reader, text: str | None = None) -> Turn:
    """Read the latest message (or `text`) and the conversation state from the tracker."""
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    entities = latest.get("entities") if text is None else []
    entities = [e for e in entities if isinstance(e, dict)] if isinstance(entities, list) else []
    message = reader.read(text if text is not None else latest.get("text") or "", intent, entities)
    state = read_state(tracker, reader.catalog, reader.vocabulary)
    return turn_in_state(reader, message, state, intent, entities)


def turn_in_state(
    reader: Reader,
    message: Frame,
    state: ConversationState,
    intent: str | None = None,
    entities: list[dict] | None = None,
) -> Turn:
    """The turn of `message` in a conversation whose state is `state` (the simulator calls this directly)."""
    return Turn(message, resolve(reader.catalog, state, message), intent, entities or [], state)


def resolve(catalog: Catalog, state: ConversationState, message: Frame | None = None) -> Conversation:
    frame = Frame(
        text=state.question or "",
        city=state.city,
        topics=state.topics,
        level=state.level,
        aspect=state.aspect,
        figures=state.figures,
    )
    profile = state.profile
    if message is not None and message.text:
        profile = profile.merged(read_profile(catalog, message.text, earlier=profile))
    return Conversation(
        frame=frame,
        subject=catalog.get(state.subject),
        listed=catalog.get(state.listed),
        compared=catalog.get(state.compared),
        question=state.question,
        pending_question=state.pending_question,
        profile=profile,
    )
