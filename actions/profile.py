"""「我们是滨州的一家小微企业」: remember the enterprise's city, type and figures for later answers."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import read_question
from .answering.responder import Reply, respond
from .city_switch import quick_topic_buttons


class ActionRememberProfile(PolicyAction):
    def name(self) -> str:
        return "action_remember_profile"

    def answer(self, catalog: Catalog, tracker: Tracker) -> Reply:
        q = read_question(tracker, catalog)
        city = q.city or q.remembered_city
        if q.pending_question and city:
            again = read_question(tracker, catalog, text=q.pending_question)
            again.city = city
            if q.figure_in_message:
                again.figure_yuan, again.figure_text = q.figure_yuan, q.figure_text
            return respond(catalog, again, q.last_aspect or "amount")
        if q.topics:
            return respond(catalog, q, "amount")
        kind = next((e.get("value") for e in (tracker.latest_message or {}).get("entities", [])
                     if e.get("entity") == "enterprise_type"), None)
        noted = "".join(part for part in (city and f"{city}的", kind or "企业") if part)
        if city:
            reply = Reply().say(f"好的,记下了:{noted}。您想了解哪方面的政策?", quick_topic_buttons(city))
        else:
            reply = Reply().say(f"好的,记下了:{noted}。请问企业在哪个城市?目前可查询:"
                                f"{'、'.join(c.name for c in catalog.cities)}。")
        reply.slots.update(city=city)
        if q.figure_in_message:
            reply.slots.update(figure_yuan=str(q.figure_yuan), figure_text=q.figure_text)
        return reply
