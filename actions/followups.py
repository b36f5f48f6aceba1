"""Follow-up questions about a subject: 找哪个部门 / 要什么条件 / 截止到哪天.

They apply to the last answered records unless the message names a subject of its own."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import read_question
from .answering.responder import Reply, respond


class _FollowUp(PolicyAction):
    aspect = ""

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        return respond(catalog, read_question(tracker, catalog), self.aspect)


class ActionAnswerContact(_FollowUp):
    aspect = "contact"

    def name(self) -> str:
        return "action_answer_contact"


class ActionAnswerConditions(_FollowUp):
    aspect = "conditions"

    def name(self) -> str:
        return "action_answer_conditions"


class ActionAnswerValidity(_FollowUp):
    aspect = "validity"

    def name(self) -> str:
        return "action_answer_validity"
