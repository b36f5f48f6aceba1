"""The action server answers the Rasa servers only (issue 21, class 6), and one long action does not hold
the server for everyone (class 1): `python -m bot.action_server` as `make run` starts it."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
from rasa.core.utils import read_endpoints_from_path

from bot import action_server
from bot.action_server_auth import CHANNEL_PREFIXES, HEADER, SECRET_ENV
from bot.channels.socketio_channel import SENDER_PREFIX as SOCKETIO_PREFIX
from bot.channels.wechat.identity import SENDER_PREFIX as WECHAT_PREFIX
from bot.launch import plan
from devservers import PROJECT_DIR
from tests.security.test_log_bounds_live import _serving

SECRET = "action-server-test-secret-0123"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("actions-auth")
    with _serving(
        work,
        "actions",
        ["bot.action_server", "--actions", "tests.security.failing_actions"],
        "/health",
        120,
        {SECRET_ENV: SECRET},
    ) as running:
        yield running


def call(server: dict, sender: str | None, action: str = "action_that_answers", secret: str | None = SECRET, **kw):
    tracker = {
        "sender_id": sender,
        "slots": {},
        "latest_message": {"text": "平顶山小巨人奖多少"},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    body = {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {}, "version": "3.6.21"}
    headers = {HEADER: secret} if secret is not None else {}
    return requests.post(f"{server['url']}/webhook", json=body, headers=headers, timeout=30, **kw)


def test_a_call_without_the_secret_is_refused(server):
    assert call(server, "rest:u1", secret=None).status_code == 401
    assert call(server, "rest:u1", secret="wrong" + SECRET).status_code == 401
    assert requests.get(f"{server['url']}/actions", timeout=10).status_code == 401
    assert requests.get(f"{server['url']}/health", timeout=10).status_code == 200  # polled by load balancers


def test_a_call_with_the_secret_for_a_channel_conversation_is_answered(server):
    reply = call(server, "rest:u1")
    assert reply.status_code == 200
    assert [r["text"] for r in reply.json()["responses"]] == ["answered rest:u1"]
    listed = requests.get(f"{server['url']}/actions", headers={HEADER: SECRET}, timeout=10)
    assert listed.status_code == 200


@pytest.mark.parametrize("sender", ["u1", "default", "rest:", "admin:rest:u1", "", None])
def test_a_sender_id_of_no_channel_is_refused(server, sender):
    reply = call(server, sender)
    assert reply.status_code == 403, reply.text
    assert "answered" not in reply.text


def test_an_unknown_url_is_a_404_without_a_traceback(server):
    before = server["log"].read_text(encoding="utf-8") if server["log"].exists() else ""
    for method, path in (("get", "/nothing-here"), ("post", "/webhook/../../etc/passwd"), ("get", "/webhooks/rest")):
        reply = requests.request(method, f"{server['url']}{path}", headers={HEADER: SECRET}, timeout=10)
        assert reply.status_code == 404, (path, reply.status_code)
    assert requests.get(f"{server['url']}/webhook", headers={HEADER: SECRET}, timeout=10).status_code == 405
    time.sleep(0.3)
    written = server["log"].read_text(encoding="utf-8")[len(before) :] if server["log"].exists() else ""
    assert "Traceback" not in written


def test_a_long_action_does_not_hold_the_server_for_others(server):
    """While one action sleeps in its thread, /health and another conversation's action are answered."""
    finished: list[float] = []

    def slow() -> None:
        call(server, "rest:slow", action="action_that_takes_long")
        finished.append(time.monotonic())

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.5)  # the slow call has reached the server
    assert requests.get(f"{server['url']}/health", timeout=10).status_code == 200
    assert call(server, "rest:quick").status_code == 200
    answered = time.monotonic()
    worker.join(timeout=30)
    assert finished and answered < finished[0], "the quick answers came before the slow action ended"


def test_the_server_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(SystemExit, match=SECRET_ENV):
        action_server.main(["--actions", "tests.security.failing_actions"])
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(SystemExit, match="at least 16"):
        action_server.main(["--actions", "tests.security.failing_actions"])


def test_every_channel_prefix_is_one_the_action_server_accepts():
    assert {"rest:", SOCKETIO_PREFIX, WECHAT_PREFIX} == set(CHANNEL_PREFIXES)


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.production.yml"])
def test_the_rasa_servers_send_the_secret_from_their_endpoints_file(monkeypatch, name):
    for variable in ("ACTION_ENDPOINT_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"):
        monkeypatch.setenv(variable, "1")
    for variable in ("REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD", "REDIS_KEY_PREFIX"):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv(SECRET_ENV, SECRET)
    endpoints = read_endpoints_from_path(str(PROJECT_DIR / name))
    assert endpoints.action.headers == {HEADER: SECRET}


def test_make_run_generates_one_secret_for_both_servers(tmp_path: Path):
    p = plan({"VAR_DIR": str(tmp_path)}, PROJECT_DIR)
    secret = (tmp_path / "action_server_secret").read_text().strip()
    assert len(secret) >= 32 and stat.S_IMODE(os.stat(tmp_path / "action_server_secret").st_mode) == 0o600
    assert p.rasa.env[SECRET_ENV] == p.actions.env[SECRET_ENV] == secret
    assert plan({"VAR_DIR": str(tmp_path)}, PROJECT_DIR).actions.env[SECRET_ENV] == secret  # kept
    generated = (tmp_path / "endpoints.run.yml").read_text()
    assert "${ACTION_SERVER_SECRET}" in generated and secret not in generated
