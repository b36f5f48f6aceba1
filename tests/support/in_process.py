"""Run actions the way the action server does: a Tracker in, a CollectingDispatcher and events out.

Shared by the action tests and the conversation simulator (tests/conversation/test_simulator.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


@dataclass
class Turn:
    texts: list[str]
    buttons: list[dict]
    events: list[dict]
    outcomes: list[str] = field(default_factory=list)  # each message's outcome (policy_db/outcomes.py)
    tables: list[dict | None] = field(default_factory=list)  # each message's table (actions/answering/reply.py)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def first_line(self) -> str:
        """The reply's first line: where the answer goes (the verdict, the total, what the document leaves out)."""
        return self.texts[0].splitlines()[0] if self.texts and self.texts[0] else ""


@dataclass
class Conversation:
    """A conversation with remembered slots; each `ask` runs one action on one user message."""

    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> dict[str, Any]:
        """The stored conversation state (actions/answering/state.py)."""
        return self.slots.get("conversation") or {}

    def ask(self, action, text: str, intent: str, entities: list[dict] | None = None) -> Turn:
        tracker = Tracker(
            "tester",
            dict(self.slots),
            {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
            [],
            False,
            None,
            {},
            "action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, {}))
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        return Turn(
            [m.get("text") or "" for m in dispatcher.messages],
            [b for m in dispatcher.messages for b in m.get("buttons") or []],
            events,
            [m.get("outcome") or "" for m in dispatcher.messages],
            [m.get("table") for m in dispatcher.messages],
        )
