"""bot.resilience on a real RemoteAction and Agent, without an action server process: a stand-in
HTTP server in the test's event loop answers slowly, with an error, with a rejection, or normally.

The same guards on the production servers: tests/production/test_faults.py."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable, List

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import resilience
from bot.payloads import INVALID_PAYLOAD_REPLY
from bot.resilience import SERVICE_BUSY

TIMEOUT = 0.5
DOMAIN = Domain.from_dict(
    {"intents": ["ask_reward", "inform_city"], "entities": ["city"], "actions": ["action_answer_policy"]}
)


@pytest.fixture(autouse=True)
def installed():
    resilience.install(action_timeout=TIMEOUT)
    yield
    resilience.uninstall()


async def with_action_server(
    handler: Callable[[web.Request], Awaitable[web.Response]], use: Callable[[str], Awaitable[Any]]
) -> Any:
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        return await use(f"http://127.0.0.1:{runner.addresses[0][1]}/webhook")
    finally:
        await runner.cleanup()


async def call_action(url: str) -> List[Any]:
    action = RemoteAction("action_answer_policy", EndpointConfig(url))
    tracker = DialogueStateTracker.from_events("rest:owner-1", [], DOMAIN.slots)
    return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN)


def answering(status: int, body: dict, delay: float = 0.0) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(delay)
        return web.json_response(body, status=status)

    return handler


def texts(events: List[Any]) -> List[str]:
    return [event.text for event in events if isinstance(event, BotUttered)]


# -- 1. RemoteAction.run ------------------------------------------------------------------------------
def test_an_answer_in_time_is_rasas():
    body = {
        "events": [{"event": "slot", "name": "city", "value": "平顶山", "timestamp": None}],
        "responses": [{"text": "【平顶山】专精特新小巨人：一次性奖励50万元"}],
    }
    events = asyncio.run(with_action_server(answering(200, body), call_action))
    assert texts(events) == ["【平顶山】专精特新小巨人：一次性奖励50万元"]
    assert SERVICE_BUSY not in texts(events)


def test_a_slow_action_server_is_cut_off_with_the_clear_message(caplog):
    started = time.monotonic()
    events = asyncio.run(with_action_server(answering(200, {"events": [], "responses": []}, delay=5), call_action))
    elapsed = time.monotonic() - started
    assert texts(events) == [SERVICE_BUSY]
    assert TIMEOUT - 0.05 < elapsed < TIMEOUT + 1.5
    assert any("no answer from the action server" in r.getMessage() for r in caplog.records)


def test_a_5xx_gives_the_clear_message_and_logs_a_bounded_body(caplog):
    huge = {"error": "x" * 100_000}
    events = asyncio.run(with_action_server(answering(500, huge), call_action))
    assert texts(events) == [SERVICE_BUSY]
    logged = [r.getMessage() for r in caplog.records if "failed after" in r.getMessage()]
    assert logged and all(len(line) < 2000 for line in logged)


def test_an_unreachable_action_server_gives_the_clear_message():
    async def closed_port(_: str) -> List[Any]:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        return await call_action(f"http://127.0.0.1:{port}/webhook")

    assert texts(asyncio.run(closed_port(""))) == [SERVICE_BUSY]


def test_a_rejection_is_rasas_own_handling():
    body = {"action_name": "action_answer_policy", "error": "form validation"}
    with pytest.raises(ActionExecutionRejection):
        asyncio.run(with_action_server(answering(400, body), call_action))


# -- 2. Agent.handle_message --------------------------------------------------------------------------
class RecordingProcessor:
    """Stands in for the model's MessageProcessor."""

    def __init__(self, fail: bool = False, say_first: str = "") -> None:
        self.texts: List[Any] = []
        self.fail = fail
        self.say_first = say_first

    async def handle_message(self, message: UserMessage) -> None:
        self.texts.append(message.text)
        if self.say_first:
            await message.output_channel.send_text_message(message.sender_id, self.say_first)
        if self.fail:
            raise RuntimeError("tracker store gone")
        await message.output_channel.send_text_message(message.sender_id, "答复")


def agent_with(processor: RecordingProcessor) -> Agent:
    agent = Agent(domain=DOMAIN, tracker_store=InMemoryTrackerStore(DOMAIN), lock_store=InMemoryLockStore())
    agent.processor = processor  # type: ignore[assignment]
    return agent


def send(agent: Agent, text: Any) -> List[str]:
    output = CollectingOutputChannel()
    asyncio.run(agent.handle_message(UserMessage(text, output, "rest:owner-1")))
    return [m.get("text") for m in output.messages]


def test_a_valid_payload_reaches_the_processor_normalised():
    processor = RecordingProcessor()
    assert send(agent_with(processor), '/inform_city{"city": "郏县"}') == ["答复"]
    assert processor.texts == ['/inform_city{"city": "平顶山"}']  # a county gives its city


@pytest.mark.parametrize(
    "payload", ['/inform_city{"city": 12345}', '/inform_city{"sector": "x"}', '/inform_city{"city": "平顶山"', "/{}"]
)
def test_an_invalid_payload_is_refused_before_the_processor(payload):
    processor = RecordingProcessor()
    assert send(agent_with(processor), payload) == [INVALID_PAYLOAD_REPLY]
    assert processor.texts == []


def test_a_failure_gets_the_clear_message_once():
    assert send(agent_with(RecordingProcessor(fail=True)), "平顶山专精特新有什么奖励") == [SERVICE_BUSY]
    # Something was already said: the failure adds nothing after it.
    assert send(agent_with(RecordingProcessor(fail=True, say_first="部分答复")), "你好") == ["部分答复"]


def test_a_message_from_a_channel_without_the_input_guard_goes_to_rasa_as_it_is():
    processor = RecordingProcessor()
    send(agent_with(processor), None)
    assert processor.texts == [None]


def test_the_timeout_comes_from_the_environment(monkeypatch):
    resilience.uninstall()
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "1.5")
    resilience.install()
    assert resilience._settings["action_timeout"] == 1.5
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "never")
    resilience.install()
    assert resilience._settings["action_timeout"] == resilience.DEFAULT_ACTION_TIMEOUT_SECONDS
    assert json.dumps(resilience._settings)  # plain values only
