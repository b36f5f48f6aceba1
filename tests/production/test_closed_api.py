"""The production Rasa servers' HTTP API is on only with a token, and they listen on the address
they are given (bot.server: 127.0.0.1 unless -i); skipped when PostgreSQL or Redis is absent."""

from __future__ import annotations

import pytest
import requests

from tests.security.network import is_loopback, listening_addresses

from .conftest import API_TOKEN, Cluster, new_sender

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_conversations_need_the_token(healthy: Cluster):
    sender = new_sender("api")
    assert healthy.a.say(sender, "平顶山专精特新有什么奖励").status == 200
    path = f"/conversations/rest:{sender}/tracker"
    for server in healthy.servers:
        for params in ({}, {"token": "not-the-token-0123456789"}):
            refused = requests.get(f"{server.url}{path}", params=params, timeout=10)
            assert refused.status_code == 401 and "平顶山" not in refused.text
        allowed = requests.get(f"{server.url}{path}", params={"token": API_TOKEN}, timeout=10)
        assert allowed.status_code == 200 and allowed.json()["slots"]["city"] == "平顶山"


def test_admin_calls_without_the_token_are_refused(healthy: Cluster):
    for method, path, body in [
        ("PUT", "/model", {"model_server": {"url": "http://127.0.0.1:9/model.tar.gz"}}),
        ("DELETE", "/model", None),
        ("GET", "/status", None),
        ("PUT", f"/conversations/rest:{new_sender('x')}/tracker/events", []),
    ]:
        reply = requests.request(method, f"{healthy.a.url}{path}", json=body, timeout=10)
        assert reply.status_code == 401, (method, path, reply.status_code)
    assert healthy.a.say(new_sender("still"), "平顶山小巨人奖多少").status == 200


def test_servers_listen_on_loopback_unless_told_otherwise(healthy: Cluster):
    for port in (healthy.a.port, healthy.b.port, healthy.actions.port):
        addresses = listening_addresses(port)
        assert addresses and all(is_loopback(address) for address in addresses), (port, addresses)
