"""Class 5 (logs), live: what one message in a broken conversation writes to the logs of the Rasa
server (`python -m bot.server run --log-file …`) and of the action server (`python -m
bot.action_server --log-file …`), as `make run` starts them.

A broken conversation is one whose custom action fails: rasa_sdk then answers HTTP 500 with the
whole request echoed (the tracker and the domain: ~680 KB for a long conversation), which the
Rasa server logged. The stand-in action server below answers exactly that way."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
import requests

from devservers import MODEL, PROJECT_DIR, VENV_BIN, free_port, quiet_env, stop_process, wait_for
from tests.security.network import is_loopback, listening_addresses

FORGED = "2030-01-01 00:00:00,000 ERROR"
PADDING = 700_000
ACTION_SECRET = "log-bounds-action-secret"


class _EchoingFailure(BaseHTTPRequestHandler):
    """rasa_sdk's answer to an action that raised: 500 with {"error": ..., "request_body": <request>}."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._send(200, {"status": "ok"})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        request["tracker"]["events"] = [{"event": "user", "text": "平顶山专精特新"}] * (PADDING // 40)
        self._send(500, {"error": "slot city is not a string: 12345", "request_body": request})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _size(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


def _lines(*paths: Path) -> list:
    return [line for p in paths if p.exists() for line in p.read_text(encoding="utf-8", errors="replace").splitlines()]


@contextmanager
def _serving(
    work: Path, name: str, module_args: list[str], ready_path: str, seconds: float, env: dict | None = None
) -> Iterator[dict]:
    """`python -m <module_args> -p <port> --log-file <work>/<name>.log`, as `make run` starts the servers,
    with its console in <name>.console.log; stopped on exit."""
    port = free_port()
    log, console = work / f"{name}.log", work / f"{name}.console.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", *module_args, "-p", str(port), "--log-file", str(log)],
        cwd=PROJECT_DIR,
        env=quiet_env(**(env or {})),
        stdout=console.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}{ready_path}", seconds, process, console)
        yield {"url": f"http://127.0.0.1:{port}", "port": port, "log": log, "console": console}
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def rasa_with_failing_actions(tmp_path_factory) -> Iterator[dict]:
    if not MODEL.exists():
        pytest.skip(f"{MODEL} is missing: run `make model` first")
    work = tmp_path_factory.mktemp("logs")
    stand_in = ThreadingHTTPServer(("127.0.0.1", free_port()), _EchoingFailure)
    stand_in.daemon_threads = True
    threading.Thread(target=stand_in.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    endpoints = work / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{stand_in.server_address[1]}/webhook"\n')
    credentials = work / "credentials.yml"
    credentials.write_text("rest:\n")  # Rasa's own REST channel: any sender id reaches the logs
    command = ["bot.server", "run", "-m", str(MODEL), "--endpoints", str(endpoints), "--credentials", str(credentials)]
    try:
        with _serving(work, "rasa", command, "/", 240) as server:
            yield server
    finally:
        stand_in.shutdown()
        stand_in.server_close()


def _say(server, sender, message):
    return requests.post(
        f"{server['url']}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=30
    )


def test_one_message_in_a_broken_conversation_writes_a_few_kb(rasa_with_failing_actions):
    server = rasa_with_failing_actions
    _say(server, "warm-up", "平顶山小巨人奖多少")
    time.sleep(0.5)
    before = _size(server["log"], server["console"])
    reply = _say(server, "broken-1", "平顶山小巨人奖多少")  # 27 bytes of UTF-8
    assert reply.status_code == 200 and "繁忙" in json.dumps(reply.json(), ensure_ascii=False)  # the clear message
    time.sleep(0.5)
    written = _size(server["log"], server["console"]) - before
    assert 0 < written < 20_000, written
    text = server["log"].read_text(encoding="utf-8")
    assert "broken-1" in text and "HTTP 500" in text  # still says what failed, for whom


def test_a_sender_id_with_a_newline_cannot_forge_a_log_line(rasa_with_failing_actions):
    server = rasa_with_failing_actions
    _say(server, f"x\n{FORGED}    rasa.core - forged record", "平顶山小巨人奖多少")
    time.sleep(0.5)
    forged = [line for line in _lines(server["log"], server["console"]) if line.startswith(FORGED)]
    assert forged == []
    assert "\\n2030-01-01" in server["log"].read_text(encoding="utf-8")  # written, escaped


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("actions")
    with _serving(
        work,
        "actions",
        ["bot.action_server", "--actions", "tests.security.failing_actions"],
        "/health",
        120,
        {"ACTION_SERVER_SECRET": ACTION_SECRET},
    ) as server:
        yield server


def test_the_action_server_neither_echoes_nor_logs_the_whole_request(action_server):
    tracker = {
        "sender_id": "rest:u1",
        "slots": {"city": 12345},
        "latest_message": {"text": "专精特新奖励"},
        "events": [{"event": "user", "text": "平顶山专精特新"}] * (PADDING // 40),
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    before = _size(action_server["log"], action_server["console"])
    reply = requests.post(
        f"{action_server['url']}/webhook",
        timeout=30,
        headers={"X-Action-Secret": ACTION_SECRET},
        json={
            "next_action": "action_that_fails",
            "sender_id": "rest:u1",
            "tracker": tracker,
            "domain": {"slots": {}},
            "version": "3.6.21",
        },
    )
    assert reply.status_code == 500
    assert len(reply.content) < 1000 and "平顶山专精特新" not in reply.text
    assert reply.json()["action_name"] == "action_that_fails"
    time.sleep(0.5)
    assert _size(action_server["log"], action_server["console"]) - before < 20_000
    lines = _lines(action_server["log"], action_server["console"])
    assert not [line for line in lines if line.startswith(FORGED)]
    assert any("ValueError: slot city is not a string" in line for line in lines)  # the cause is kept


def test_the_action_server_listens_on_loopback(action_server):
    addresses = listening_addresses(action_server["port"])
    assert addresses and all(is_loopback(a) for a in addresses), addresses
