"""「那三明呢」「平顶山」: answer the remembered (or pending) question for the city just named."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import read_question
from .answering.responder import Reply, respond


class ActionSwitchCity(PolicyAction):
    def name(self) -> str:
        return "action_switch_city"

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        q = read_question(tracker, catalog)
        aspect = q.last_aspect or "amount"
        if q.city is None:
            return respond(catalog, q, aspect)  # asks for a city we cover, naming the one we do not
        if q.topics:
            return respond(catalog, q, aspect)  # 「那三明的专精特新呢」 carries its own subject
        remembered = q.pending_question or q.last_question
        if not remembered:
            return _ask_what(q.city)
        again = read_question(tracker, catalog, text=catalog.without_places(remembered))
        again.city = q.city
        again.last_benefits = []
        return respond(catalog, again, aspect)


def _ask_what(city: str) -> Reply:
    reply = Reply().say(f"好的,查询{city}的政策。您想了解哪方面?", quick_topic_buttons(city))
    reply.slots.update(city=city)
    return reply


def quick_topic_buttons(city: str) -> list[dict]:
    return [{"title": title, "payload": f"{city}{question}"} for title, question in (
        ("奖励补贴", "有哪些奖励补贴"), ("贷款融资", "有哪些贷款融资支持"),
        ("社保", "社保有什么减免缓缴政策"), ("税费", "有哪些税费减免"))]

