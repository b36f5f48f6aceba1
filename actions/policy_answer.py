"""Answer a policy question in its conversation: a new subject, or a follow-up that changes one part of
it (the city, the level, a figure, the aspect asked, a choice from the last list)."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import read_turn
from .answering.frame import Reader
from .answering.responder import Reply, respond


class ActionAnswerPolicy(PolicyAction):
    def name(self) -> str:
        return "action_answer_policy"

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        reader = Reader(catalog)
        return respond(reader, read_turn(tracker, reader))
