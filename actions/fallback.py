"""Messages the classifier is unsure of, or calls off-topic: answered from the conversation when they
carry anything of the policy domain, otherwise a plain boundary. Never guesses a figure."""

from __future__ import annotations

import re

from policy_db import outcomes
from policy_db.vocabulary import load_vocabulary

from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.introduction import chinese_only_text, out_of_scope_text, rephrase_text
from .answering.reply import Reply
from .answering.turn_kinds import respond


def contrasts(text: str) -> bool:
    return load_vocabulary().contrasts(text)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def belongs_to_the_domain(turn: Turn) -> bool:
    """A place or topic of ours, or, once there is a subject, any follow-up cue (level, figure, aspect …)."""
    message = turn.message
    if message.city or message.topics:
        return True
    if turn.conversation.subject or turn.conversation.listed:
        # A cue of any kind of turn (多少, 谁, 多久, 行吗, 那…呢 …) is answered from the state.
        return message.has_domain_cue or contrasts(message.text)
    return bool(message.aspect == "document" or (message.other_place and (message.domain_words or message.category)))


class ActionHandleFallback(PolicyAction):
    def name(self) -> str:
        return "action_handle_fallback"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        if belongs_to_the_domain(turn) or turn.message.domain_words:
            return respond(reader, turn)
        return Reply().say(rephrase_text(reader.catalog)).as_outcome(outcomes.NOT_UNDERSTOOD)


class ActionReplyOutOfScope(PolicyAction):
    def name(self) -> str:
        return "action_reply_out_of_scope"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        if belongs_to_the_domain(turn):
            return respond(reader, turn)
        text = turn.message.text
        foreign = not _CJK.search(text) and _LATIN.search(text)
        text = chinese_only_text(reader.catalog) if foreign else out_of_scope_text(reader.catalog)
        return Reply().say(text).as_outcome(outcomes.OUT_OF_SCOPE)
