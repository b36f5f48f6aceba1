"""Messages the classifier is unsure of, or calls off-topic: answered from the conversation when they
carry anything of the policy domain, otherwise a plain boundary. Never guesses a figure."""

from __future__ import annotations

import re

from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.introduction import chinese_only_text, out_of_scope_text, rephrase_text
from .answering.responder import Reply, respond

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def belongs_to_the_domain(turn: Turn) -> bool:
    """A place or topic of ours, or, once there is a subject, any follow-up cue (level, figure, aspect …)."""
    message = turn.message
    if message.city or message.topics:
        return True
    if turn.conversation.subject or turn.conversation.listed:
        return message.has_domain_cue
    return bool(message.aspect == "document" or (message.other_place and (message.domain_words or message.category)))


class ActionHandleFallback(PolicyAction):
    def name(self) -> str:
        return "action_handle_fallback"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        if belongs_to_the_domain(turn) or turn.message.domain_words:
            return respond(reader, turn)
        return Reply().say(rephrase_text(reader.catalog))


class ActionReplyOutOfScope(PolicyAction):
    def name(self) -> str:
        return "action_reply_out_of_scope"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        if belongs_to_the_domain(turn):
            return respond(reader, turn)
        text = turn.message.text
        foreign = not _CJK.search(text) and _LATIN.search(text)
        return Reply().say(chinese_only_text(reader.catalog) if foreign else out_of_scope_text(reader.catalog))
