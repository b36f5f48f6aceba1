"""A reply: the messages to send, what it did (its outcome) and how the conversation state changes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from policy_db import outcomes

from .state import ConversationState

_STATE_FIELDS = frozenset(f.name for f in fields(ConversationState))


@dataclass(frozen=True)
class Table:
    """A table a message carries beside its text. A channel that can draw tables (the web page) shows the
    table in place of the message's text; text channels (WeChat, REST) show the text. Cells are plain text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("every row of a table has one cell per column")

    def as_data(self) -> dict[str, list]:
        return {"columns": list(self.columns), "rows": [list(row) for row in self.rows]}


@dataclass
class Reply:
    messages: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)  # fields of ConversationState to set
    outcome: str = outcomes.ANSWERED

    def say(self, text: str, buttons: list[dict] | None = None, table: Table | None = None) -> Reply:
        message: dict[str, Any] = {"text": text}
        if buttons:
            message["buttons"] = buttons
        if table is not None:
            message["table"] = table
        self.messages.append(message)
        return self

    def remember(self, **changes: Any) -> Reply:
        """Set fields of the conversation state (names of ConversationState; records or keys for lists)."""
        unknown = set(changes) - _STATE_FIELDS
        if unknown:
            raise TypeError(f"not a field of ConversationState: {', '.join(sorted(unknown))}")
        self.changes.update(changes)
        return self

    def as_outcome(self, outcome: str) -> Reply:
        self.outcome = outcome
        return self
