"""Talk to the real bot as one user: a fresh sender, several messages, the last reply."""

from __future__ import annotations

import uuid


def new_sender() -> str:
    return f"conv-{uuid.uuid4().hex[:10]}"


def converse(bot, *messages: str) -> str:
    sender = new_sender()
    reply = ""
    for message in messages:
        reply = bot.text(sender, message)
    return reply
