"""「我们是滨州的一家小微企业」: remember the enterprise's city and figures, answer what was pending."""

from __future__ import annotations

from dataclasses import replace

from .answering import wording
from .answering.action_base import PolicyAction
from .answering.checkup import describes_enterprise, read_profile
from .answering.context import Turn
from .answering.frame import Reader
from .answering.introduction import topic_buttons
from .answering.reply import Reply
from .answering.turn_kinds import respond


class ActionRememberProfile(PolicyAction):
    def name(self) -> str:
        return "action_remember_profile"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        catalog = reader.catalog
        message, conversation = turn.message, turn.conversation
        city = message.city or conversation.frame.city
        if conversation.pending_question and city:
            pending = reader.read(conversation.pending_question)
            frame = replace(pending, city=city, figures=message.figures or pending.figures)
            return respond(reader, replace(turn, message=frame))
        if message.topics or describes_enterprise(read_profile(catalog, message.text)) or message.asks_something:
            return respond(reader, turn)  # a question of its own, or a description for 政策体检
        kind = next(
            (
                e.get("value")
                for e in turn.entities
                if e.get("entity") == "enterprise_type" and isinstance(e.get("value"), str)
            ),
            None,
        )
        of_city = city and wording.NOTED_OF_CITY.format(city=city)
        noted = "".join(part for part in (of_city, kind or wording.NOTED_ENTERPRISE) if part)
        if city:
            reply = Reply().say(wording.NOTED_ASK_TOPIC.format(noted=noted), topic_buttons(catalog, city))
        else:
            cities = "、".join(c.name for c in catalog.cities)
            reply = Reply().say(wording.NOTED_ASK_CITY.format(noted=noted, cities=cities))
        reply.remember(city=city)
        if message.figures:
            reply.remember(figures=message.figures)
        return reply
