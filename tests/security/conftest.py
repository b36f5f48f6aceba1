"""Fixtures for the security tests: the bot started exactly as `make run` starts it, and helpers
that see what an outsider sees (listening addresses, CORS headers, the HTTP API).

Logs go to files under the test's temporary directory, never to the test output."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest
import requests

from devservers import MODEL, PROJECT_DIR, free_port, quiet_env


@dataclass
class LaunchedBot:
    """scripts/run_bot.sh (`make run`) on free ports, with its var/ in a temporary directory."""

    var_dir: Path
    rasa_port: int
    actions_port: int
    web_port: int
    process: Optional[subprocess.Popen] = None

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_origin(self) -> str:
        return f"http://localhost:{self.web_port}"

    @property
    def token(self) -> str:
        return (self.var_dir / "rasa_api_token").read_text().strip()

    @property
    def output(self) -> Path:
        return self.var_dir / "launcher.out"

    def start(self, env: dict) -> LaunchedBot:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        inherited = quiet_env()
        for name in (
            "RASA_API_TOKEN",
            "RASA_ENABLE_API",
            "RASA_CREDENTIALS",
            "RASA_ENDPOINTS",
            "WECHAT_TOKEN",
            "WEB_ORIGIN",
            "RASA_PUBLIC_URL",
            "RASA_INTERFACE",
            "ACTIONS_INTERFACE",
            "WEB_INTERFACE",
            "SOCKETIO_SESSION_SECRET",
            "ACTION_SERVER_SECRET",
            "CLIENT_MESSAGES_PER_MINUTE",
        ):
            inherited.pop(name, None)  # the test decides, not the developer's shell
        env = {
            **inherited,
            "VAR_DIR": str(self.var_dir),
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "WEB_PORT": str(self.web_port),
            **env,
        }
        self.process = subprocess.Popen(
            ["bash", "scripts/run_bot.sh"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=self.output.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(f"{self.rasa}/", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"`make run` did not come up:\n{self.output.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the launcher and the servers it started
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def launched_bot(policy_db_url, tmp_path_factory) -> Iterator[LaunchedBot]:
    """`make run` with the HTTP API turned on (RASA_ENABLE_API=1: token generated into var/)."""
    if not MODEL.exists():
        pytest.skip(f"{MODEL} is missing: run `make model` first")
    bot = LaunchedBot(tmp_path_factory.mktemp("make-run") / "var", free_port(), free_port(), free_port())
    bot.start({"RASA_ENABLE_API": "1", "DATABASE_URL": policy_db_url})
    try:
        yield bot
    finally:
        bot.stop()
