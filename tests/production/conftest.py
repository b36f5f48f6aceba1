"""The production deployment, for real, on this machine: a small cluster shared by tests/production.

* ONE action server (``rasa run actions``) on a fixed free port, on the test policy database
  (``policy_db_url``). Tests can stop it, put a slow or failing stand-in on its port, or start it
  with an unreachable policy database, and must put it back (fixture ``action_slot``).
* TWO Rasa servers started exactly as in production: ``python -m bot.server run --enable-api
  -m models/policy-bot.tar.gz --endpoints endpoints.production.yml --credentials …`` with the
  environment variables of docs/production.md: the HTTP API on with a token (``RASA_API_TOKEN``;
  the tests read slots with ``?token=``), the REST channel of credentials.yml
  (``NamespacedRestInput``: conversation ids ``rest:<sender>``), the tracker store in PostgreSQL
  (a fresh schema, via Rasa's POSTGRESQL_SCHEMA), the lock store in Redis (unique key prefix).
  Both stores are reached through TCP proxies that tests can cut to simulate an outage of either.

The servers, the schema and the key prefix come from the test harness (devservers). Every module skips
with the reason when PostgreSQL or Redis is unreachable. Server output goes to var/log/prod-*.log.
PostgreSQL: TEST_POSTGRES_URL (default postgres@127.0.0.1:5432/test); Redis: TEST_REDIS_URL (default
redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import json
import secrets
import select
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from bot.channels.rest_channel import conversation_id
from devservers import (
    MODEL,
    PROJECT_DIR,
    REDIS_URL,  # noqa: F401 (test_lock_store.py reads it from here)
    REST_CREDENTIALS,
    ActionServer,
    ProductionStores,
    RasaServer,
    Reply,
    free_port,
    pg_connect,
    start_servers,
    stores_unavailable,
)

ENDPOINTS = PROJECT_DIR / "endpoints.production.yml"
API_TOKEN = secrets.token_urlsafe(24)  # the production servers' RASA_API_TOKEN for this test session

ACTION_TIMEOUT = 4.0  # the default of bot.resilience (ACTION_TIMEOUT_SECONDS is not set)
LOCK_RETRY = 2.0  # LOCK_STORE_RETRY_SECONDS for the test servers (default 10 s)
SERVICE_BUSY = "政策查询服务暂时繁忙或不可用"
DB_UNAVAILABLE = "政策数据库暂时无法访问"
# Nothing a user sees may show the machinery.
INTERNALS = ("Traceback", "Exception", "sqlalchemy", 'File "', "/work/", "psycopg2", "rasa.")


# -- services ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def services() -> None:
    reason = stores_unavailable()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def production_stores(services) -> Iterator[ProductionStores]:
    """A fresh PostgreSQL schema for the tracker store and a Redis key prefix for the lock store, removed afterwards."""
    stores = ProductionStores(tag="prodtest").create()
    try:
        yield stores
    finally:
        stores.drop()


# -- a TCP proxy in front of Redis or PostgreSQL, so a test can make either unreachable ------------
class TcpProxy:
    """127.0.0.1:port -> target. ``down()`` closes the port and every connection; ``up()`` reopens."""

    MAX_LIFETIME = 3600.0  # the accept loop ends by itself at the latest after this

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.bytes_to_target = 0
        self._listener: Optional[socket.socket] = None
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def up(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._thread.start()
        return self

    @property
    def is_up(self) -> bool:
        return self._listener is not None

    def down(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._connections.clear()

    def _accept_loop(self, listener: socket.socket) -> None:
        deadline = time.monotonic() + self.MAX_LIFETIME
        while not self._stopping.is_set() and time.monotonic() < deadline:
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        deadline = time.monotonic() + self.MAX_LIFETIME
        sockets = [client, upstream]
        try:
            while not self._stopping.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        self.bytes_to_target += len(data)
                        upstream.sendall(data)
                    else:
                        client.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in sockets:
                sock.close()


# -- the action server's port: the real server, or a stand-in, or nothing ------------------------
class _StandInHandler(BaseHTTPRequestHandler):
    mode = "slow"
    slow_seconds = 10.0

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # /health
        self._send(200, {"status": "ok"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.mode == "slow":
            time.sleep(self.slow_seconds)  # bounded: the handler thread ends after this
            self._send(200, {"events": [], "responses": [{"text": "stand-in answer after a long wait"}]})
        else:
            self._send(500, {"error": "stand-in failure"})

    def _send(self, status: int, body: Dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # Rasa gave up waiting and closed the connection


class ActionSlot:
    """Whatever answers on the action endpoint's port."""

    def __init__(self, policy_db_url: str):
        self.port = free_port()
        self.policy_db_url = policy_db_url
        self.server: Optional[ActionServer] = None
        self.stand_in: Optional[ThreadingHTTPServer] = None
        self._stand_in_thread: Optional[threading.Thread] = None
        self.state = "stopped"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_real(self, database_url: Optional[str] = None) -> None:
        self.stop()
        name = "prod-actions" if database_url is None else "prod-actions-nodb"
        self.server = ActionServer(
            port=self.port,
            name=name,  # rasa_sdk listens on SANIC_HOST (0.0.0.0)
            env={"DATABASE_URL": database_url or self.policy_db_url, "SANIC_HOST": "127.0.0.1"},
        )
        self.server.start()
        self.warm_up()
        self.state = "real" if database_url is None else "real-nodb"

    def warm_up(self, seconds: float = 60) -> None:
        """One direct action request: /health answers while the action server still loads its policy
        catalogue in the background (seconds on a busy machine), and a request made meanwhile can
        outlast the 4 s action timeout. A load balancer should likewise only route to it after this."""
        body = {
            "next_action": "action_answer_policy",
            "sender_id": "warm-up",
            "version": "3.6.21",
            "domain": {},
            "tracker": {
                "sender_id": "warm-up",
                "slots": {},
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
                "events": [],
                "latest_message": {
                    "text": "平顶山专精特新有什么奖励",
                    "entities": [],
                    "intent": {"name": "ask_reward", "confidence": 1.0},
                },
            },
        }
        try:
            requests.post(f"{self.url}/webhook", json=body, timeout=seconds)
        except requests.RequestException:
            pass

    def start_stand_in(self, mode: str) -> None:
        """mode: "slow" (answers after 10 s) or "error" (HTTP 500)."""
        self.stop()
        handler = type("StandIn", (_StandInHandler,), {"mode": mode})
        server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        server.daemon_threads = True
        self.stand_in = server
        self._stand_in_thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._stand_in_thread.start()
        self.state = mode

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.stand_in is not None:
            self.stand_in.shutdown()
            self.stand_in.server_close()
            self.stand_in = None
        self.state = "stopped"

    def ensure_real(self) -> None:
        if self.state != "real" or self.server is None or self.server.process.poll() is not None:
            self.start_real()


# -- the Rasa servers ------------------------------------------------------------------------------
def production_rasa(name: str, action_url: str, env: Dict[str, str], workdir) -> RasaServer:
    """A Rasa server as in production: endpoints.production.yml, the REST channel, the API with the token."""
    return RasaServer(
        action_url=action_url,
        name=f"prod-{name}",
        endpoints=ENDPOINTS,
        credentials=REST_CREDENTIALS,
        env=env,
        workdir=workdir,
        api_token=API_TOKEN,
        cors=None,
    )


@dataclass
class Cluster:
    a: RasaServer
    b: RasaServer
    actions: ActionSlot
    redis_proxy: TcpProxy
    postgres_proxy: TcpProxy
    schema: str
    key_prefix: str

    @property
    def servers(self) -> Tuple[RasaServer, RasaServer]:
        return self.a, self.b

    def turns(self, sender: str) -> List[Tuple[str, List[str]]]:
        """The conversation as stored in PostgreSQL: (user text, [bot texts that followed])."""
        connection = pg_connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"select type_name, data from {self.schema}.events where sender_id = %s order by id",
                    (conversation_id(sender),),
                )
                rows = cursor.fetchall()
        finally:
            connection.close()
        turns: List[Tuple[str, List[str]]] = []
        for type_name, data in rows:
            event = json.loads(data)
            if type_name == "user":
                turns.append((event.get("text"), []))
            elif type_name == "bot" and turns:
                turns[-1][1].append(event.get("text") or "")
        return turns


@pytest.fixture(scope="session")
def cluster(production_stores, policy_db_url, tmp_path_factory) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.skip(f"{MODEL} is missing: run `make model` first")
    stores = production_stores
    proxy = TcpProxy(*stores.redis_address).up()
    pg_proxy = TcpProxy(*stores.postgres_address).up()
    actions = ActionSlot(policy_db_url)
    env = {
        **stores.env(postgres_address=("127.0.0.1", pg_proxy.port), redis_address=("127.0.0.1", proxy.port)),
        "LOCK_STORE_RETRY_SECONDS": str(LOCK_RETRY),
    }
    workdir = tmp_path_factory.mktemp("production")
    servers = [production_rasa(name, actions.url, env, workdir) for name in ("a", "b")]
    try:
        actions.start_real()
        start_servers(servers, timeout=300, attempts=3)
        yield Cluster(servers[0], servers[1], actions, proxy, pg_proxy, stores.schema, stores.key_prefix)
    finally:
        for server in servers:
            server.stop()
        actions.stop()
        proxy.down()
        pg_proxy.down()


@pytest.fixture
def healthy(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster with the real action server and Redis up, before and after the test."""
    cluster.actions.ensure_real()
    yield cluster
    for proxy in (cluster.redis_proxy, cluster.postgres_proxy):
        if not proxy.is_up:
            proxy.up()
    cluster.actions.ensure_real()


def new_sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def assert_clean(reply: Reply) -> None:
    """HTTP 200, a non-empty answer, no internals."""
    assert reply.status == 200, reply
    assert reply.messages and reply.text.strip(), reply
    for marker in INTERNALS:
        assert marker not in reply.text, (marker, reply.text)


def run_threads(target: Callable[[int], None], count: int, seconds: float) -> List[BaseException]:
    """Run target(0..count-1) in threads; return their exceptions (bounded by `seconds`)."""
    errors: List[BaseException] = []

    def wrapped(index: int) -> None:
        try:
            target(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    alive = sum(thread.is_alive() for thread in threads)
    if alive:
        errors.append(TimeoutError(f"{alive} threads still running after {seconds:.0f}s"))
    return errors
