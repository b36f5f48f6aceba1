"""Messages the classifier is unsure of, or calls off-topic: answered from the conversation when they
carry anything of the policy domain, otherwise a plain boundary. Never guesses a figure."""
from __future__ import annotations

import re

from policy_db.query import Catalog

from .answering.action_base import PolicyAction
from .answering.context import Turn
from .answering.frame import Reader
from .answering.responder import Reply, respond

REPHRASE = "抱歉,我没太明白。可以换个说法吗?比如“平顶山升规入统能奖多少”“三明专精特新该找哪个部门”。"
CHINESE_ONLY = ("目前仅支持中文提问。请用中文描述您的问题,例如“平顶山专精特新小巨人有什么奖励”。"
                "(Please ask in Chinese.)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def out_of_scope_text(catalog: Catalog) -> str:
    cities = "、".join(c.name for c in catalog.cities)
    return (f"抱歉,这个问题不在我的服务范围内。我只解答{cities}的惠企政策,"
            "比如奖励补贴、贷款融资、社保缓缴、税费减免和办理部门。")


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
        return Reply().say(REPHRASE)


class ActionReplyOutOfScope(PolicyAction):
    def name(self) -> str:
        return "action_reply_out_of_scope"

    def answer(self, reader: Reader, turn: Turn) -> Reply:
        if belongs_to_the_domain(turn):
            return respond(reader, turn)
        text = turn.message.text
        foreign = not _CJK.search(text) and _LATIN.search(text)
        return Reply().say(CHINESE_ONLY if foreign else out_of_scope_text(reader.catalog))
