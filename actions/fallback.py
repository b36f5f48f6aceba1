"""Low-confidence messages: if they name a policy topic or one of our cities, search the clauses;
otherwise ask the user to rephrase. Never guesses a figure without a matching record."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import guess_aspect, read_question
from .answering.responder import Reply, respond


class ActionHandleFallback(PolicyAction):
    def name(self) -> str:
        return "action_handle_fallback"

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        q = read_question(tracker, catalog)
        if q.topics or q.city:
            return respond(catalog, q, guess_aspect(q.text))
        return Reply().say("抱歉,我没太明白。可以换个说法吗?比如“平顶山升规入统能奖多少”“三明专精特新该找哪个部门”。")
