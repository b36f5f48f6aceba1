"""The greeting and 「你能做什么」: what the bot covers, composed from the catalogue at run time, so a
city added to the data is named in the greeting without editing domain.yml."""

from __future__ import annotations

from policy_db import outcomes

from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.introduction import capabilities, greeting
from .answering.reply import Reply


class ActionGreet(PolicyAction):
    def name(self) -> str:
        return "action_greet"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        text, buttons = greeting(reader.catalog)
        return Reply().say(text, buttons).as_outcome(outcomes.SMALL_TALK)


class ActionDescribeCapabilities(PolicyAction):
    def name(self) -> str:
        return "action_describe_capabilities"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        return Reply().say(capabilities(reader.catalog)).as_outcome(outcomes.SMALL_TALK)
