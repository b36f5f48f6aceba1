"""Class 1 (open Rasa HTTP API), live: `make run` (scripts/run_bot.sh) as an outsider sees it.

The bot runs with RASA_ENABLE_API=1, the most open configuration `make run` allows: the API is on,
with a token generated into var/rasa_api_token. (With the API off, its routes do not exist at
all: test_closed_by_default.py checks the command that makes it so.)"""

from __future__ import annotations

import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from devservers import free_port
from tests.security.network import is_loopback, listening_addresses

EVIL_ORIGIN = "http://evil.example"


def test_every_server_listens_on_loopback_only(launched_bot):
    for port in (launched_bot.rasa_port, launched_bot.actions_port, launched_bot.web_port):
        addresses = listening_addresses(port)
        assert addresses, f"nothing listens on {port}"
        assert all(is_loopback(address) for address in addresses), (port, addresses)


@pytest.mark.parametrize("path", ["/conversations/someone/tracker", "/status", "/domain"])
def test_the_api_without_the_token_is_refused(launched_bot, path):
    for params in ({}, {"token": "wrong-token-0123456789"}):
        reply = requests.get(f"{launched_bot.rasa}{path}", params=params, timeout=10)
        assert reply.status_code in (401, 403), (path, params, reply.status_code)
        assert "events" not in reply.text and "slots" not in reply.text


def test_the_token_opens_the_api_and_is_kept_private(launched_bot):
    token_file = launched_bot.var_dir / "rasa_api_token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    reply = requests.get(
        f"{launched_bot.rasa}/conversations/someone/tracker", params={"token": launched_bot.token}, timeout=10
    )
    assert reply.status_code == 200 and reply.json()["sender_id"] == "someone"


class _Recorder(BaseHTTPRequestHandler):
    requests_seen: list = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.requests_seen.append(self.path)
        self.send_response(404)
        self.end_headers()


def test_put_model_and_other_admin_calls_without_the_token_do_nothing(launched_bot):
    recorder = type("Recorder", (_Recorder,), {"requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        model_url = f"http://127.0.0.1:{server.server_address[1]}/model.tar.gz"
        calls = [
            ("PUT", "/model", {"model_server": {"url": model_url}}),
            ("DELETE", "/model", None),
            ("POST", "/model/train", {"domain": "", "config": "", "nlu": ""}),
            ("PUT", "/conversations/someone/tracker/events", [{"event": "bot", "text": "钓鱼链接 http://evil"}]),
            ("POST", "/conversations/someone/execute", {"name": "utter_greet"}),
        ]
        for method, path, body in calls:
            reply = requests.request(method, f"{launched_bot.rasa}{path}", json=body, timeout=15)
            assert reply.status_code in (401, 403), (method, path, reply.status_code)
    finally:
        server.shutdown()
        server.server_close()
    assert recorder.requests_seen == []  # the server fetched nothing
    # the model is still loaded: the bot answers
    answer = requests.post(
        f"{launched_bot.rasa}/webhooks/rest/webhook",
        json={"sender": "after-admin-calls", "message": "平顶山小巨人奖多少"},
        timeout=30,
    )
    assert answer.status_code == 200 and "50万元" in "".join(m.get("text", "") for m in answer.json())


def test_cors_allows_the_page_origin_only(launched_bot):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for path in ("/webhooks/rest/webhook", "/conversations/someone/tracker", "/"):
        evil = requests.options(f"{launched_bot.rasa}{path}", headers={"Origin": EVIL_ORIGIN, **preflight}, timeout=10)
        assert evil.headers.get("Access-Control-Allow-Origin") in (None, ""), (path, evil.headers)
        evil_get = requests.get(f"{launched_bot.rasa}/", headers={"Origin": EVIL_ORIGIN}, timeout=10)
        assert evil_get.headers.get("Access-Control-Allow-Origin") in (None, ""), evil_get.headers
    page = requests.options(
        f"{launched_bot.rasa}/webhooks/rest/webhook",
        headers={"Origin": launched_bot.web_origin, **preflight},
        timeout=10,
    )
    assert page.headers.get("Access-Control-Allow-Origin") == launched_bot.web_origin


def test_the_session_secret_is_generated_and_private(launched_bot):
    secret = launched_bot.var_dir / "socketio_secret"
    assert len(secret.read_text().strip()) >= 32
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_logs_are_written_under_var_log_by_the_servers(launched_bot):
    log = launched_bot.var_dir / "log" / "rasa.log"
    assert "Starting Rasa server on http://127.0.0.1:" in log.read_text(encoding="utf-8", errors="replace")
    assert (launched_bot.var_dir / "log" / "actions.log").exists()


def test_the_action_server_answers_the_rasa_server_and_no_one_else(launched_bot):
    """Issue 21, class 6: `make run` generates the shared secret, Rasa sends it, a forged call is refused."""
    secret_file = launched_bot.var_dir / "action_server_secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    actions = f"http://127.0.0.1:{launched_bot.actions_port}"
    for _ in range(120):
        try:
            if requests.get(f"{actions}/health", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    reply = requests.post(
        f"{launched_bot.rasa}/webhooks/rest/webhook",
        json={"sender": "secret-1", "message": "平顶山小巨人奖多少"},
        timeout=60,
    )
    text = "\n".join(m.get("text", "") for m in reply.json())
    assert "万元" in text and "繁忙" not in text, text
    forged = {
        "next_action": "action_leave_message",
        "sender_id": "rest:secret-1",
        "tracker": {"sender_id": "rest:secret-1", "slots": {"message_text": "伪造的留言"}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    assert requests.post(f"{actions}/webhook", json=forged, timeout=10).status_code == 401
    assert requests.get(f"{actions}/no-such-page", timeout=10).status_code in (401, 404)
