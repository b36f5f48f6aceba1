"""Leaving a message for a person (留言): the form `leave_message_form` asks for the question, then for an
optional phone number, and `action_leave_message` stores it with officer.messages.MessageStore.

The stored message keeps what an officer needs to call back: the conversation id, the city, the
question, the phone number, the bot's last answer before the request and the time. Nothing is lost
silently: a message the store refuses (too long, a duplicate, too many today from this user or this
client address, the inbox full) or cannot write (database down) is answered with the reason and the
city's 12345 hotline.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from officer.messages import DEFAULT_RETENTION_DAYS, MessageRejected, MessageStore, check_question, phone_in
from policy_db import outcomes
from policy_db.query import Catalog, PolicyDatabaseUnavailable
from policy_db.vocabulary import load_vocabulary

from .answering import wording
from .answering.catalog import current_catalog, repository
from .answering.hotline import hotline_text
from .answering.punctuation import full_width

log = logging.getLogger(__name__)

FORM = "leave_message_form"
CLIENT_METADATA_KEY = "client"  # bot.channels.clients.CLIENT_METADATA_KEY (the action server does not import bot)
NO_PHONE = "不留"  # the phone slot's value when the user leaves no number
_FILLER = re.compile(r"[\s,，。.!！?？~…、]|吧|啊|呀|哈|嗯|呢")
# The actions of this feature, whose texts are never "the bot's last answer" stored with a message.
OWN_ACTIONS = frozenset({"action_contact_person", FORM, "action_leave_message", f"validate_{FORM}"})


def _short(text: Any) -> str:
    return _FILLER.sub("", text) if isinstance(text, str) else ""


def last_answer(events: list[dict[str, Any]]) -> str | None:
    """The bot's last reply before the user asked for a person: the newest bot text not written by the
    actions of this feature (a bot event follows the action event of the action that sent it)."""
    action, answer = None, None
    for event in events:
        if event.get("event") == "action":
            action = event.get("name")
        elif event.get("event") == "bot" and event.get("text") and action not in OWN_ACTIONS:
            answer = event["text"]
    return answer


def client_of(tracker: Tracker) -> str | None:
    """The network address the channel saw for the user's last message (`client` in its metadata, set by
    bot/channels/clients.py; a caller cannot set it), for the inbox's per-client limit; None without one."""
    metadata = (tracker.latest_message or {}).get("metadata")
    client = metadata.get(CLIENT_METADATA_KEY) if isinstance(metadata, dict) else None
    return client if isinstance(client, str) and client else None


def _catalog() -> Catalog | None:
    try:
        return current_catalog()
    except PolicyDatabaseUnavailable:
        return None


@lru_cache(maxsize=1)
def message_store() -> MessageStore:
    """The officers' inbox in the action server's policy database (`DATABASE_URL`)."""
    return MessageStore(repository().engine)


def _cancelled(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    city = tracker.get_slot("city")
    dispatcher.utter_message(text=full_width(wording.MESSAGE_CANCELLED.format(hotline=hotline_text(_catalog(), city))))
    return {"message_text": None, "message_phone": None, "requested_slot": None}


class ValidateLeaveMessageForm(FormValidationAction):
    """Checks the question and the phone number as they are given; the form asks again after a refusal."""

    def name(self) -> str:
        return f"validate_{FORM}"

    def validate_message_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        words = load_vocabulary()
        if _short(value) in words.cancel_message_words | words.no_phone_words:  # no question to leave
            return _cancelled(dispatcher, tracker)
        if not isinstance(value, str) or value.strip().startswith("/"):
            return {"message_text": None}  # a button payload, not a question: ask again
        try:
            return {"message_text": check_question(value)}
        except MessageRejected as refused:
            dispatcher.utter_message(text=full_width(refused.reason))
            return {"message_text": None}

    def validate_message_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        short, words = _short(value), load_vocabulary()
        if short in words.no_phone_words:
            return {"message_phone": NO_PHONE}
        if short in words.cancel_message_words:
            return _cancelled(dispatcher, tracker)
        try:
            phone = phone_in(value if isinstance(value, str) else "")
        except MessageRejected as refused:
            dispatcher.utter_message(text=full_width(refused.reason))
            return {"message_phone": None}
        if phone is None:
            dispatcher.utter_message(text=wording.MESSAGE_NO_PHONE_SEEN)
            return {"message_phone": None}
        return {"message_phone": phone}


class ActionLeaveMessage(Action):
    """Runs when the form is done: stores the message and confirms it with the hotline."""

    def name(self) -> str:
        return "action_leave_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = tracker.get_slot("message_text")
        if not question:
            return []  # cancelled: the form's validation has said so
        phone = tracker.get_slot("message_phone")
        phone = None if phone in (None, NO_PHONE) else phone
        catalog = _catalog()
        city = tracker.get_slot("city")
        city = catalog.resolve_city(city) if catalog is not None and isinstance(city, str) else None
        hotline = hotline_text(catalog, city)
        try:
            message = message_store().leave(
                tracker.sender_id,
                question,
                phone=phone,
                city=city,
                last_answer=last_answer(tracker.events),
                client=client_of(tracker),
            )
        except MessageRejected as refused:
            text = f"{refused.reason}\n{hotline}。"
        except (SQLAlchemyError, OSError) as exc:
            log.error("a message could not be stored: %s", exc)
            text = wording.MESSAGE_STORE_FAILED.format(hotline=hotline)
        else:
            if message.phone:
                text = wording.MESSAGE_LEFT_WITH_PHONE.format(id=message.id, phone=message.phone, hotline=hotline)
            else:
                text = wording.MESSAGE_LEFT_WITHOUT_PHONE.format(id=message.id, hotline=hotline)
        dispatcher.utter_message(text=full_width(text))
        return [SlotSet("message_text", None), SlotSet("message_phone", None)]


class ActionAskMessagePhone(Action):
    """The form's question for a phone number, with the privacy notice: why it is asked, who sees it and how
    long it is kept (officer.messages.DEFAULT_RETENTION_DAYS, the period the purge command uses)."""

    def name(self) -> str:
        return "action_ask_message_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = wording.ASK_PHONE_WITH_NOTICE.format(days=DEFAULT_RETENTION_DAYS)
        dispatcher.utter_message(text=full_width(text), outcome=outcomes.HAND_OFF)
        return []
