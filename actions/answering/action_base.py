"""The one place where an answering action turns a Reply into Rasa events: each message in Chinese
punctuation with its outcome in the bot message's metadata, the conversation state stored through
state.py, and a database outage answered plainly."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from policy_db import outcomes
from policy_db.query import PolicyDatabaseUnavailable

from . import wording
from .catalog import current_catalog
from .context import Turn, read_turn
from .frame import Reader
from .punctuation import full_width
from .reply import Reply, Table
from .state import state_events

log = logging.getLogger(__name__)


class PolicyAction(Action, metaclass=ABCMeta):
    """Base of every action that reads the policy database (abstract, so rasa_sdk skips it)."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml."""

    @abstractmethod
    def answer(self, reader: Reader, turn: Turn) -> Reply:
        """What to say and how the conversation state changes, for the latest message in its conversation."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            reader = Reader(current_catalog())
            turn = read_turn(tracker, reader)
            reply = self.answer(reader, turn)
        except PolicyDatabaseUnavailable as exc:
            log.error("policy database unavailable: %s", exc)
            dispatcher.utter_message(text=wording.SERVICE_UNAVAILABLE, outcome=outcomes.SERVICE_UNAVAILABLE)
            return []
        after = replace(turn.state, profile=turn.profile).updated(**reply.changes)
        for message in reply.messages:
            buttons = [{**b, "title": full_width(b["title"])} for b in message.get("buttons") or []]
            extra = {"table": _full_width_table(message["table"])} if message.get("table") else {}
            dispatcher.utter_message(
                text=full_width(message["text"]), buttons=buttons, outcome=reply.outcome, city=after.city, **extra
            )
        return state_events(turn.state, after)


def _full_width_table(table: Table) -> dict[str, list]:
    """The table as message data (BotUttered metadata, read by the channels), its cells punctuated as the text."""
    return Table(
        tuple(full_width(c) for c in table.columns), tuple(tuple(full_width(c) for c in row) for row in table.rows)
    ).as_data()
