"""Answer a policy question in its conversation: a new subject, or a follow-up that changes one part of
it (the city, the level, a figure, the aspect asked, a choice from the last list)."""

from __future__ import annotations

from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.hotline import add_hotline_when_asked
from .answering.reply import Reply
from .answering.turn_kinds import respond


class ActionAnswerPolicy(PolicyAction):
    def name(self) -> str:
        return "action_answer_policy"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        return add_hotline_when_asked(respond(reader, turn), reader.catalog, turn)
