"""The bot's three servers on free ports, for the tests and the benchmark.

* :class:`ActionServer`: ``rasa run actions --actions actions``.
* :class:`RasaServer`: the product's entry point ``python -m bot.server run --enable-api`` (Rasa with its
  guards) with the trained model, its HTTP API closed by a generated token (``RASA_API_TOKEN``) and CORS
  limited to one page origin.
* :class:`StockRasaServer`: stock ``rasa run`` with Rasa's REST channel and SQL tracker store (the benchmark's
  comparison).
* :class:`PageServer`: the web chat page, ``bot/web/serve.py``.

Output goes to var/log/<name>-<port>.log, never to the caller's console.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from devservers.processes import (
    LOG_DIR,
    PROJECT_DIR,
    VENV_BIN,
    cpu_seconds,
    free_port,
    log_tail,
    memory_kb,
    quiet_env,
    stop_process,
    wait_for,
    wait_until_ready,
)

MODEL = PROJECT_DIR / "models" / "policy-bot.tar.gz"
PAGE_ORIGIN = "http://localhost:8080"  # the one page origin the test servers allow (CORS), as `make run`
REST_CREDENTIALS = "bot.channels.rest_channel.NamespacedRestInput:\n"  # the REST channel of credentials.yml
WEB_DIR = PROJECT_DIR / "bot" / "web"


class ServerProcess:
    """What the three servers share: a port, a log file, stopping, and the process's CPU time and memory."""

    port: int
    name: str
    process: subprocess.Popen | None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return LOG_DIR / f"{self.name}-{self.port}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid) if self.process is not None else 0.0

    def memory_kb(self) -> dict[str, int]:
        """VmRSS and VmHWM in kB ({} when not started)."""
        return memory_kb(self.process.pid) if self.process is not None else {}

    def stop(self) -> None:
        stop_process(self.process)

    def _popen(self, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:  # the child keeps its own descriptor
            return subprocess.Popen(
                command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )


@dataclass
class ActionServer(ServerProcess):
    """rasa_sdk's action server with the project's actions; `env` adds e.g. DATABASE_URL."""

    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    name: str = "test-actions"

    def start(self, timeout: float = 120) -> ActionServer:
        self.process = self._popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(self.port)],
            quiet_env(**self.env),
        )
        wait_for(f"{self.url}/health", timeout, self.process, self.log)
        return self


@dataclass
class Reply:
    """The REST channel's answer to one message."""

    status: int
    messages: list[dict[str, Any]]
    elapsed: float

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)


@dataclass
class RasaServer(ServerProcess):
    """``python -m bot.server run --enable-api`` with the trained model, calling the action server at `action_url`.

    `endpoints`: an endpoints file used as it is (e.g. endpoints.production.yml, which reads the action
    server's address from ACTION_ENDPOINT_URL, set from `action_url`); by default one is written that names
    the action server and adds `endpoints_extra`. `credentials`: the channels (YAML text; None: the project's
    credentials.yml). `model`: the model file (default: the project's trained model). `cors`: the one allowed page origin (None: no ``--cors``, bot.server then allows
    WEB_ORIGIN only).
    """

    action_url: str
    port: int = field(default_factory=free_port)
    endpoints: Path | None = None
    endpoints_extra: str = ""
    credentials: str | None = REST_CREDENTIALS
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    process: subprocess.Popen | None = None
    name: str = "test-rasa"
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    cors: str | None = PAGE_ORIGIN
    model: Path = MODEL  # the trained model to serve
    load_seconds: float | None = field(default=None, init=False)  # from launch to the model being loaded
    restarts: int = field(default=0, init=False)  # relaunches after dying while loading (start_servers)
    _launched_at: float = field(default=0.0, init=False, repr=False)

    def command(self) -> list[str]:
        workdir = self.workdir or LOG_DIR
        workdir.mkdir(parents=True, exist_ok=True)
        endpoints = self.endpoints
        if endpoints is None:
            endpoints = workdir / f"endpoints-{self.port}.yml"
            endpoints.write_text(
                f'action_endpoint:\n  url: "{self.action_url}/webhook"\n{self.endpoints_extra}', encoding="utf-8"
            )
        command = [
            sys.executable,
            "-m",
            "bot.server",
            "run",
            "--enable-api",
            *self._serving(endpoints),
        ]
        if self.credentials is not None:
            credentials = workdir / f"credentials-{self.port}.yml"
            credentials.write_text(self.credentials, encoding="utf-8")
            command += ["--credentials", str(credentials)]
        if self.cors is not None:
            command += ["--cors", self.cors]
        return command

    def _serving(self, endpoints: Path) -> list[str]:
        """The arguments `rasa run` and `bot.server run` share: port, model, endpoints."""
        return ["-p", str(self.port), "-m", str(self.model), "--endpoints", str(endpoints)]

    def launch(self) -> None:
        """Start the process without waiting for it (see :func:`start_servers`)."""
        if not self.model.exists():
            raise RuntimeError(f"{self.model} is missing: run `make model` first")
        env = quiet_env(ACTION_ENDPOINT_URL=f"{self.action_url}/webhook", RASA_API_TOKEN=self.api_token, **self.env)
        self._launched_at = time.monotonic()
        self.process = self._popen(self.command(), env)

    def wait_ready(self, seconds: float) -> bool:
        """True once the model is loaded; False if the process died first (e.g. the model file was replaced)."""
        ready = wait_until_ready(
            f"{self.url}/status?token={self.api_token}", seconds, self.process, self.log, need="model_id"
        )
        if ready:
            self.load_seconds = time.monotonic() - self._launched_at
        return ready

    def start(self, timeout: float = 300, attempts: int = 1) -> RasaServer:
        start_servers([self], timeout, attempts)
        return self

    def say(self, sender: str, message: Any, timeout: float = 30) -> Reply:
        """One message on the REST channel (``message`` may be any JSON value, to test bad input)."""
        started = time.monotonic()
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        elapsed = time.monotonic() - started
        return Reply(response.status_code, response.json() if response.status_code == 200 else [], elapsed)

    def text(self, sender: str, message: str, timeout: float = 30) -> str:
        """The reply's text; RuntimeError unless HTTP 200."""
        reply = self.say(sender, message, timeout)
        if reply.status != 200:
            raise RuntimeError(f"HTTP {reply.status} for {message!r} from {self.url}")
        return reply.text

    def post_raw(self, body: bytes, timeout: float = 30) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            timeout=timeout,
            headers={"Content-Type": "application/json"},
        )

    def slots(self, sender: str) -> dict[str, Any]:
        """The slots of a REST sender's conversation, read through the HTTP API."""
        from bot.channels.rest_channel import conversation_id

        response = requests.get(
            f"{self.url}/conversations/{conversation_id(sender)}/tracker", params={"token": self.api_token}, timeout=10
        )
        response.raise_for_status()
        return response.json()["slots"]


@dataclass
class StockRasaServer(RasaServer):
    """Stock ``rasa run --enable-api`` (none of bot.server's guards or patches) with Rasa's own REST channel
    and SQL tracker store (SQLite in `workdir`), for the benchmark's comparison with stock Rasa."""

    credentials: str | None = "rest:\n"
    cors: str | None = None
    name: str = "stock-rasa"

    def command(self) -> list[str]:
        workdir = self.workdir or LOG_DIR
        workdir.mkdir(parents=True, exist_ok=True)
        endpoints = workdir / f"endpoints-stock-{self.port}.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{self.action_url}/webhook"\n'
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / f'stock-tracker-{self.port}.db'}\n",
            encoding="utf-8",
        )
        credentials = workdir / f"credentials-stock-{self.port}.yml"
        credentials.write_text(self.credentials or "rest:\n", encoding="utf-8")
        return [
            str(VENV_BIN / "rasa"),
            "run",
            "--enable-api",
            f"--auth-token={self.api_token}",  # one argument: a token may begin with '-'
            *self._serving(endpoints),
            "--credentials",
            str(credentials),
        ]


def start_servers(servers: list[RasaServer], timeout: float = 300, attempts: int = 1) -> None:
    """Launch all, then wait for each; one that dies while loading is relaunched up to `attempts` times in all."""
    for server in servers:
        server.launch()
    for server in servers:
        for attempt in range(attempts):
            if server.wait_ready(timeout):
                break
            if attempt == attempts - 1:
                raise RuntimeError(f"Rasa server {server.name} exited while starting\n{log_tail(server.log)}")
            time.sleep(3)
            server.restarts += 1
            server.launch()


@dataclass
class PageServer(ServerProcess):
    """The chat page (bot/web/serve.py); `env` e.g. RASA_PUBLIC_URL (else the developer's is not inherited)."""

    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    name: str = "test-page"

    def start(self, timeout: float = 30) -> PageServer:
        env = quiet_env(**self.env)
        if "RASA_PUBLIC_URL" not in self.env:
            env.pop("RASA_PUBLIC_URL", None)
        self.process = self._popen(
            [sys.executable, str(WEB_DIR / "serve.py"), "--port", str(self.port), "--quiet", *self.args], env
        )
        wait_for(f"{self.url}/", timeout, self.process, self.log)
        return self
