"""Answer a policy question: the figure, who qualifies, validity, contact units and source."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import read_question
from .answering.responder import Reply, respond


class ActionAnswerPolicy(PolicyAction):
    def name(self) -> str:
        return "action_answer_policy"

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        return respond(catalog, read_question(tracker, catalog), "amount")
