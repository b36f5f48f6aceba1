"""「转人工」「电话多少」「我要投诉」: the city's 12345 hotline and the offer to leave a message.

A message the classifier calls `contact_person` that still names a policy subject (「技改补贴电话多少」)
is a policy question: it is answered as one (its 责任单位) with the hotline after it, so the intent
never swallows a policy question. No number other than a cities.yml hotline is ever given.
"""

from __future__ import annotations

from dataclasses import replace

from policy_db import outcomes

from .answering import wording
from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.hotline import add_hotline_when_asked, asks_for_phone, hotline_text
from .answering.reply import Reply
from .answering.turn_kinds import respond

LEAVE_MESSAGE_BUTTON = {"title": wording.LEAVE_MESSAGE_BUTTON_TITLE, "payload": "/leave_message"}
MAX_SUBJECT_DEPARTMENTS = 2


class ActionContactPerson(PolicyAction):
    def name(self) -> str:
        return "action_contact_person"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        message = turn.message
        about_a_policy = message.topics or message.categories
        if about_a_policy or ("how_to" in message.cues and message.domain_words):
            asked = reader.read(message.text, "ask_contact", turn.entities)
            policy_turn = replace(turn, message=asked, intent="ask_contact")
            reply = add_hotline_when_asked(respond(reader, policy_turn), reader.catalog, policy_turn)
            # 「有困难从哪个渠道反映」: a channel the documents name is the answer; else a person is.
            if about_a_policy or reply.outcome not in (outcomes.NOT_FOUND, outcomes.PASSAGE_ONLY):
                return reply
        city = turn.merged.city
        lines = [wording.CONTACT_HOTLINE.format(hotline=hotline_text(reader.catalog, city))]
        subject = turn.conversation.subject
        if subject and subject[0].departments and asks_for_phone(message.text):
            departments = "、".join(subject[0].departments[:MAX_SUBJECT_DEPARTMENTS])
            lines.append(
                wording.CONTACT_SUBJECT_UNITS.format(
                    name=subject[0].name, units=departments, no_phones=wording.NO_DEPARTMENT_PHONES
                )
            )
        lines.append(wording.CONTACT_LEAVE_MESSAGE)
        reply = Reply().say("\n".join(lines), [LEAVE_MESSAGE_BUTTON]).as_outcome(outcomes.HAND_OFF)
        if message.city:
            reply.remember(city=message.city)
        return reply
