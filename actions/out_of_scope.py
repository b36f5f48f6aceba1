"""Off-topic messages: a polite boundary, and a note to ask in Chinese when the message is not Chinese."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

OUT_OF_SCOPE = ("抱歉,这个问题不在我的服务范围内。我只解答三门峡、登封、平顶山、三明、滨州的惠企政策,"
                "比如奖励补贴、贷款融资、社保缓缴、税费减免和办理部门。")
CHINESE_ONLY = ("目前仅支持中文提问。请用中文描述您的问题,例如“平顶山专精特新小巨人有什么奖励”。"
                "(Please ask in Chinese.)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


class ActionReplyOutOfScope(Action):
    def name(self) -> str:
        return "action_reply_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        foreign = not _CJK.search(text) and _LATIN.search(text)
        dispatcher.utter_message(text=CHINESE_ONLY if foreign else OUT_OF_SCOPE)
        return []
