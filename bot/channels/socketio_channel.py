"""Socket.IO input channel for the 政策通 web chat page.

A minimal subclass of Rasa 3.6's :class:`rasa.core.channels.socketio.SocketIOInput`:

* ``session_request`` awaits ``sio.enter_room`` when it returns an awaitable.
  Rasa 3.6 calls it without ``await``; from python-socketio 5.10 on,
  ``AsyncServer.enter_room`` is a coroutine, so with ``session_persistence`` the
  socket never joined its session room and bot replies were lost. The project
  pins python-socketio<5.10; this keeps either version working.
* An empty or whitespace-only message is not sent to the bot: the user gets a
  short Chinese prompt instead.
* A message longer than :data:`MAX_MESSAGE_CHARS` characters is cut to that
  length before it reaches the bot, and the user is told so.

Everything else (events, metadata, JWT auth, output channel) is Rasa's own.

credentials.yml::

    bot.channels.socketio_channel.PolicySocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000

EMPTY_MESSAGE_PROMPT = (
    "请输入您想咨询的问题，例如：“平顶山小规模纳税人免征增值税的标准是多少？”"
)
TRUNCATED_NOTE = (
    f"（您的消息较长，已按前 {MAX_MESSAGE_CHARS} 个字处理。"
    "如需完整解答，请分几次提问。）"
)

# Characters that render as nothing; a message made only of these (and
# whitespace, including the full-width space U+3000) counts as empty.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_blank(text: Optional[Text]) -> bool:
    """Whether a user message has no visible content."""
    if not text:
        return True
    return not text.strip().strip(_INVISIBLE).strip()


def markdown_line_breaks(text: Text) -> Text:
    """rasa-webchat renders Markdown, where a single newline is not a line break; answers are
    written line by line (figure, 对象, 有效期, 责任单位, 出处), so keep them on their own lines."""
    return text.replace("\r\n", "\n").replace("\n", "  \n")


class LineBreakingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output with Markdown line breaks in every text."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, markdown_line_breaks(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: Any, **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, markdown_line_breaks(text), buttons, **kwargs)


class PolicySocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with the fixes described in the module doc."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Rasa's blueprint, with a guarded message callback and session handler."""

        async def guarded_on_new_message(message: UserMessage) -> None:
            if type(message.output_channel) is SocketIOOutput:
                message.output_channel = LineBreakingSocketIOOutput(self.sio, self.bot_message_evt)
            text = message.text if isinstance(message.text, str) else ""
            if is_blank(text):
                logger.debug(
                    f"Empty message from '{message.sender_id}': replying with a prompt."
                )
                await message.output_channel.send_text_message(
                    message.sender_id, EMPTY_MESSAGE_PROMPT
                )
                return
            if len(text) > MAX_MESSAGE_CHARS:
                logger.debug(
                    f"Message of {len(text)} characters from '{message.sender_id}' "
                    f"truncated to {MAX_MESSAGE_CHARS}."
                )
                message.text = text[:MAX_MESSAGE_CHARS]
                await message.output_channel.send_text_message(
                    message.sender_id, TRUNCATED_NOTE
                )
            await on_new_message(message)

        socketio_webhook = super().blueprint(guarded_on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        # Replaces Rasa's handler of the same event (python-socketio keeps one
        # handler per event and namespace).
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            if not isinstance(data, dict):
                data = {}
            if data.get("session_id") is None:
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, data["session_id"])
                if inspect.isawaitable(entered):  # python-socketio >= 5.10
                    await entered
            await sio.emit("session_confirm", data["session_id"], room=sid)
            logger.debug(f"User {sid} connected to socketIO endpoint.")

        return socketio_webhook
