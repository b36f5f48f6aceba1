"""What every chat channel does with a blank or overlong user message, and what it tells the user.

Used by the REST, Socket.IO and WeChat channels before a message reaches Rasa:

* **Blank**: no text at all (a missing or ``null`` REST ``message``, a non-string), or only
  whitespace (also the full-width space U+3000) and invisible characters (zero-width spaces and
  joiners, the byte-order mark). Rasa would run NLU on it and store an empty turn (or fail on
  ``null``); here the user gets :data:`EMPTY_MESSAGE_PROMPT` (an example question the bot answers)
  and nothing is processed or stored.
* **Overlong**: more than :data:`MAX_MESSAGE_CHARS` characters (a policy question is a sentence or
  two; a pasted document costs NLU time on every server). The first :data:`MAX_MESSAGE_CHARS`
  characters are processed and the user is told so first with :data:`TRUNCATED_NOTE`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
EMPTY_MESSAGE_PROMPT = "请输入您想咨询的问题，例如：“平顶山专精特新有什么奖励？”"
TRUNCATED_NOTE = f"（您的消息较长，已按前 {MAX_MESSAGE_CHARS} 个字处理。如需完整解答，请分几次提问。）"

# Characters that render as nothing: a message made only of these and whitespace is blank.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_blank(text: Any) -> bool:
    """Whether a user message has no visible content (None, a non-string, "", spaces, U+3000, zero-width)."""
    if not isinstance(text, str):
        return True
    return not text.strip().strip(INVISIBLE).strip()


@dataclass(frozen=True)
class Checked:
    """A message after the guard: ``text`` to process (None: nothing), ``reply`` to send the user first."""

    text: Optional[str]
    reply: Optional[str] = None


def check(text: Any) -> Checked:
    """The guard's decision for one message text."""
    if is_blank(text):
        return Checked(None, EMPTY_MESSAGE_PROMPT)
    if len(text) > MAX_MESSAGE_CHARS:
        return Checked(text[:MAX_MESSAGE_CHARS], TRUNCATED_NOTE)
    return Checked(text)


async def admit(message: UserMessage) -> bool:
    """Apply :func:`check` to ``message``: send its reply through the message's output channel, cut
    the text, and return whether the message goes on to the bot."""
    checked = check(message.text)
    if checked.text is None:
        logger.debug("blank message from '%s': replying with a prompt", message.sender_id)
    elif checked.text is not message.text:
        logger.info(
            "message of %d characters from '%s' cut to %d", len(message.text), message.sender_id, MAX_MESSAGE_CHARS
        )
    if checked.reply is not None:
        await message.output_channel.send_text_message(message.sender_id, checked.reply)
    if checked.text is None:
        return False
    message.text = checked.text
    return True
