"""Start the real bot (action server + Rasa server with the trained model) on free ports for tests.

Logs go to var/log/test-*.log so test output stays readable. Used by the conversation, web,
WeChat, scale-out and fault tests.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.servers import free_port, stop_process  # noqa: F401 (re-exported for the tests)
from bench.servers import quiet_env as bench_quiet_env

PROJECT_DIR = Path(__file__).resolve().parents[2]
MODEL = PROJECT_DIR / "models" / "policy-bot.tar.gz"
VENV_BIN = Path(sys.executable).parent
LOG_DIR = PROJECT_DIR / "var" / "log"
PAGE_ORIGIN = "http://localhost:8080"  # the only origin the test servers allow (CORS)


def quiet_env(**extra: str) -> dict[str, str]:
    return bench_quiet_env(**{"WECHAT_TOKEN": os.environ.get("WECHAT_TOKEN", "test-token"), **extra})


def wait_for(url: str, seconds: float, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{url} did not come up in {seconds:.0f}s\n{tail}")


@dataclass
class ActionServer:
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    name: str = "actions"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ActionServer":
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = LOG_DIR / f"test-{self.name}-{self.port}.log"
        self.process = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(self.port)],
            cwd=PROJECT_DIR, env=quiet_env(**self.env), stdout=log.open("w"), stderr=subprocess.STDOUT)
        wait_for(f"{self.url}/health", 90, self.process, log)
        return self

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class RasaServer:
    action_url: str
    port: int = field(default_factory=free_port)
    endpoints_extra: str = ""
    credentials: str = "bot.channels.rest_channel.NamespacedRestInput:\n"
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    process: subprocess.Popen | None = None
    name: str = "rasa"
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    cors: str = PAGE_ORIGIN  # the one page origin allowed by CORS

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> "RasaServer":
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make model` first")
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        workdir = self.workdir or LOG_DIR
        endpoints = workdir / f"endpoints-{self.port}.yml"
        endpoints.write_text(f"action_endpoint:\n  url: \"{self.action_url}/webhook\"\n{self.endpoints_extra}",
                             encoding="utf-8")
        credentials = workdir / f"credentials-{self.port}.yml"
        credentials.write_text(self.credentials, encoding="utf-8")
        log = LOG_DIR / f"test-{self.name}-{self.port}.log"
        # The product's entry point (bot.server: Rasa with its guards), its API closed by a token.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.server", "run", "--enable-api", "-p", str(self.port), "-m", str(MODEL),
             "--endpoints", str(endpoints), "--credentials", str(credentials), "--cors", self.cors],
            cwd=PROJECT_DIR, env=quiet_env(RASA_API_TOKEN=self.api_token, **self.env), stdout=log.open("w"),
            stderr=subprocess.STDOUT)
        wait_for(f"{self.url}/status?token={self.api_token}", timeout, self.process, log)
        return self

    def say(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                                  timeout=timeout)
        response.raise_for_status()
        return response.json()

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message))

    def stop(self) -> None:
        stop_process(self.process)
