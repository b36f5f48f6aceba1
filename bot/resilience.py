"""Production guards for the Rasa server that Rasa 3.6 offers no extension point for.

Installed explicitly by ``python -m bot.server`` (:func:`install`), after checking that Rasa is
3.6.x and that each function replaced still takes the parameters it was written for
(:mod:`bot.patching`; on a mismatch the server refuses to start and names the function). The
other production changes use Rasa's own extension points: the lock store and the tracker store
are classes named in endpoints.production.yml (:mod:`bot.stores`: atomic Redis ticket locks, a
local lock while Redis is down, pool pre-ping), and blank or overlong messages are handled by the
channels of credentials.yml (:mod:`bot.input_guard`).

1. **Action server down, slow or failing** (``RemoteAction.run``). Rasa calls it with a 300 s
   timeout (``DEFAULT_REQUEST_TIMEOUT`` in ``RemoteAction.run`` and ``EndpointConfig.session``);
   on a refused connection or a 5xx ``MessageProcessor._run_action`` logs the exception and the
   user gets *nothing* (REST: ``200 []``). Now the call is bounded by ``ACTION_TIMEOUT_SECONDS``
   (default 4 s) and on a timeout, refused connection, 5xx or invalid response it returns one
   ``BotUttered`` with :data:`SERVICE_BUSY` (the error is logged, with the HTTP status and at most
   300 characters of the action server's answer: rasa_sdk's echoes the whole request, which made
   one message write ~680 KB). A 400 (``ActionExecutionRejection``, used by forms) is re-raised as
   before. Nothing is cached: the next message uses the action server again as soon as it is back.
   *No seam:* ``action_endpoint`` is read into a plain ``EndpointConfig`` with no timeout option
   and no class option, the 300 s are constants inside ``RemoteAction.run``, and actions are made
   by ``action_for_name_or_text`` with no way to name another ``RemoteAction`` class.
2. **Payloads and failures** (``Agent.handle_message``). A message ``/intent{...}`` skips NLU:
   intent and entities are taken as written and fill slots. Now every such payload is checked with
   :func:`bot.payloads.screen` against the loaded model's intents and entities (an invalid one is
   refused with a clear reply and never reaches a slot), and if handling still raises (lock store,
   tracker store, a bug) the error is logged and the user gets :data:`SERVICE_BUSY` instead of an
   empty reply. *No seam:* payloads are read by ``RegexMessageHandler`` inside the model's graph,
   after every NLU component, so a custom component cannot refuse them; a channel gets only an
   ``on_new_message`` callback, not the model's domain; and the ``Agent`` is built by
   ``rasa.core.run.load_agent_on_start`` with no class option.

CPU savings that change no behaviour are in :mod:`bot.speedups`. ``install()`` is idempotent;
:func:`uninstall` restores Rasa's functions (for tests).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Dict, List, Optional, Text

from bot.patching import PatchSet, RasaPatch
from bot.settings import env_seconds

logger = logging.getLogger(__name__)

SERVICE_BUSY = (
    "抱歉，政策查询服务暂时繁忙或不可用，请稍后再试。急需办理可联系当地工业和信息化局、财政局或人力资源和社会保障局。"
)

DEFAULT_ACTION_TIMEOUT_SECONDS = 4.0

_patches = PatchSet("bot.resilience")
_settings: Dict[str, Any] = {}


def patches() -> List[RasaPatch]:
    """What :func:`install` replaces, with the parameters of Rasa 3.6's functions."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent

    return [
        RasaPatch(RemoteAction, "run", _bounded_remote_action_run, "(self, output_channel, nlg, tracker, domain)"),
        RasaPatch(Agent, "handle_message", _guarded_handle_message, "(self, message)"),
    ]


def install(action_timeout: Optional[float] = None) -> None:
    """Apply the changes described in the module doc (settings are read from the environment).

    Raises :class:`bot.patching.IncompatibleRasa` (and changes nothing) on another Rasa."""
    _settings["action_timeout"] = (
        action_timeout
        if action_timeout and action_timeout > 0
        else env_seconds("ACTION_TIMEOUT_SECONDS", DEFAULT_ACTION_TIMEOUT_SECONDS)
    )
    if _patches.installed():
        return
    _patches.install(patches())
    logger.info("bot.resilience installed: action timeout %.1f s, payload screening", _settings["action_timeout"])


def uninstall() -> None:
    """Restore Rasa's own functions."""
    _patches.uninstall()


def installed() -> bool:
    return _patches.installed()


# -- 1. bounded custom-action calls ---------------------------------------------------------------
async def _bounded_remote_action_run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered

    timeout = _settings["action_timeout"]
    original = _patches.original(RemoteAction, "run")
    started = time.monotonic()
    try:
        return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout)
    except ActionExecutionRejection:
        raise  # a deliberate 400 from the action server (forms): Rasa's own handling
    except asyncio.TimeoutError:
        logger.error(
            "custom action '%s' for '%s': no answer from the action server %s within %.1f s",
            self.name(),
            tracker.sender_id,
            _endpoint_url(self),
            timeout,
        )
    except Exception as exc:  # noqa: BLE001 - connection refused, 5xx, invalid response ...
        cause = exc.__cause__ or exc.__context__
        logger.error(
            "custom action '%s' for '%s' failed after %.2f s (action server %s): %s%s",
            self.name(),
            tracker.sender_id,
            time.monotonic() - started,
            _endpoint_url(self),
            _describe(exc),
            f" ({_describe(cause)})" if cause else "",
        )
    return [BotUttered(text=SERVICE_BUSY, data={}, metadata={})]


def _describe(exc: BaseException, body_chars: int = 300) -> str:
    """An exception in a few hundred characters. An HTTP error from the action server keeps its
    status and the start of its body only: rasa_sdk's error body echoes the whole request (the
    tracker and the domain, hundreds of KB)."""
    status = getattr(exc, "status", None)
    if isinstance(status, int) and hasattr(exc, "text"):
        body = getattr(exc, "text", "") or ""
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        more = f" …({len(body) - body_chars} more characters)" if len(body) > body_chars else ""
        return f"{type(exc).__name__}: HTTP {status} {getattr(exc, 'message', '')}, body {body[:body_chars]!r}{more}"
    text = str(exc)
    return f"{type(exc).__name__}: {text[:body_chars]}" + (" …" if len(text) > body_chars else "")


def _endpoint_url(action: Any) -> str:
    endpoint = getattr(action, "action_endpoint", None)
    return getattr(endpoint, "url", None) or "(not configured)"


# -- 2. payload screening, and a reply on unexpected failures ------------------------------------
async def _guarded_handle_message(self: Any, message: Any) -> Optional[List[Dict[Text, Any]]]:
    from rasa.core.agent import Agent

    output = message.output_channel
    if isinstance(message.text, str):  # the channels of credentials.yml send no other (bot.input_guard)
        screened = _screen_payload(self, message.text)
        if screened.refused:
            logger.info("refused a payload from %r: %r", message.sender_id, message.text[:100])
            await output.send_text_message(message.sender_id, screened.reply)
            return None
        message.text = screened.text
    sent_before = _sent_count(output)
    try:
        return await _patches.original(Agent, "handle_message")(self, message)
    except Exception as exc:  # noqa: BLE001 - logged here; the user gets a clear message, not silence
        logger.error(
            "could not handle a message from '%s': %s: %s", message.sender_id, type(exc).__name__, exc, exc_info=True
        )
        if sent_before is None or _sent_count(output) == sent_before:
            await output.send_text_message(message.sender_id, SERVICE_BUSY)
        return None


def _screen_payload(agent: Any, text: str) -> Any:
    """bot.payloads.screen with the loaded model's intents and entities (payloads skip NLU)."""
    from bot.payloads import screen

    domain = getattr(agent, "domain", None)
    return screen(text, getattr(domain, "intents", ()) or (), getattr(domain, "entities", ()) or ())


def _sent_count(output: Any) -> Optional[int]:
    """How many messages a collecting channel (REST, WeChat) holds; None for other channels."""
    messages = getattr(output, "messages", None)
    return len(messages) if isinstance(messages, list) else None
