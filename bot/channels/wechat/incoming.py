"""What a WeChat message or event asks of the bot.

wechatpy's ``parse_message`` gives typed messages; this module turns one into
an :class:`Intake`:

* ``ask``: a question for Rasa (``text``), from a text message, a voice message
  with WeChat's speech recognition (``Recognition``), a menu ``CLICK`` whose
  ``EventKey`` is configured in ``menu_questions``, or ``/greet`` for a new
  follower (``subscribe``, also by QR code, and ``SCAN``), so that the welcome
  is the bot's own greeting; ``fallback`` is what to answer if the bot fails
  or says nothing;
* ``reply``: a fixed text without asking Rasa (a blank text gets the prompt of
  :mod:`bot.input_guard`; a voice message without recognition, images, videos,
  locations, links get ``unsupported_text``);
* ``silent``: nothing (``success``): every other event, including a menu key
  that is not configured.
"""

import dataclasses
import logging
from typing import Optional, Text

from wechatpy.events import (
    BaseEvent,
    ClickEvent,
    ScanEvent,
    SubscribeEvent,
    SubscribeScanEvent,
)
from wechatpy.messages import TextMessage, UnknownMessage, VoiceMessage

from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.logsafe import for_log
from bot.input_guard import EMPTY_MESSAGE_PROMPT, is_blank

logger = logging.getLogger(__name__)

ASK = "ask"
REPLY = "reply"
SILENT = "silent"

# The intent the bot greets with (data/stories/rules.yml: greet -> action_greet).
GREET = "/greet"

WELCOME_EVENTS = (SubscribeEvent, SubscribeScanEvent, ScanEvent)


@dataclasses.dataclass(frozen=True)
class Intake:
    kind: Text
    text: Text = ""
    fallback: Optional[Text] = None


def _text(value: object) -> Text:
    return value.strip() if isinstance(value, str) else ""


def _is_event(message: object) -> bool:
    if isinstance(message, BaseEvent):
        return True
    # wechatpy parses an event type it does not know as UnknownMessage.
    raw = getattr(message, "_data", {})
    return isinstance(message, UnknownMessage) and str(raw.get("MsgType", "")).lower() in (
        "event",
        "device_event",
    )


def read_message(message: object, config: WeChatConfig) -> Intake:
    if isinstance(message, TextMessage):
        if is_blank(message.content):
            return Intake(REPLY, EMPTY_MESSAGE_PROMPT)
        return Intake(ASK, _text(message.content))
    if isinstance(message, VoiceMessage):
        recognition = _text(message.recognition)
        if recognition:
            return Intake(ASK, recognition)
        return Intake(REPLY, config.unsupported_text)
    if isinstance(message, WELCOME_EVENTS):
        return Intake(ASK, GREET, fallback=config.welcome_text)
    if isinstance(message, ClickEvent):
        question = config.menu_questions.get(_text(message.key))
        if question:
            return Intake(ASK, question)
        logger.warning(
            "WeChat channel: menu key %s is not in menu_questions; no reply.",
            for_log(message.key),
        )
        return Intake(SILENT)
    if _is_event(message):
        return Intake(SILENT)
    return Intake(REPLY, config.unsupported_text)
