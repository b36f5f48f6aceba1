"""Start the action server and one Rasa server (``python -m bot.server run``) for the benchmark.

Stores: ``memory`` (endpoints.yml's defaults: in-memory tracker and lock store) or ``production``
(endpoints.production.yml: the tracker store in a fresh PostgreSQL schema, the lock store in Redis
under a unique key prefix; both removed afterwards). Logs go to var/log/bench-*.log.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
MODEL = PROJECT_DIR / "models" / "policy-bot.tar.gz"
LOG_DIR = PROJECT_DIR / "var" / "log"
PYTHON = Path(sys.executable)
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_env(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               RASA_TELEMETRY_ENABLED="false")
    env.update(extra)
    return env


def memory_kb(pid: int) -> Dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in kB, from /proc."""
    values: Dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_cpu() -> Dict[str, float]:
    """Cumulative CPU jiffies of the whole machine by kind (/proc/stat), to report steal and load."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return {}
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    return dict(zip(names, values))


def stop_process(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def production_stores_or_reason() -> Optional[str]:
    """None when PostgreSQL and Redis answer; else why not."""
    try:
        import psycopg2
        import redis
        from sqlalchemy.engine import make_url
    except ImportError as exc:
        return f"missing package: {exc}"
    url = make_url(PG_URL)
    try:
        psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password or "",
                         dbname=url.database, connect_timeout=2).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable ({type(exc).__name__})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable ({type(exc).__name__})"
    return None


@dataclass
class BenchServers:
    stores: str = "memory"
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    actions: Optional[subprocess.Popen] = None
    rasa: Optional[subprocess.Popen] = None
    model_load_seconds: Optional[float] = None
    schema: Optional[str] = None
    key_prefix: Optional[str] = None
    notes: List[str] = field(default_factory=list)
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self, attempts: int = 3) -> "BenchServers":
        if not MODEL.exists():
            raise SystemExit(f"{MODEL} is missing: run `make model` first")
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.actions = subprocess.Popen(
            [str(PYTHON.parent / "rasa"), "run", "actions", "--actions", "actions", "-p", str(self.action_port)],
            cwd=PROJECT_DIR, env=quiet_env(), stdout=(LOG_DIR / "bench-actions.log").open("w"),
            stderr=subprocess.STDOUT)
        if not _wait(f"http://127.0.0.1:{self.action_port}/health", 120, self.actions):
            raise SystemExit("the action server did not start: see var/log/bench-actions.log")
        endpoints, env = self._stores()
        env["RASA_API_TOKEN"] = self.api_token  # bot.server refuses --enable-api without a token
        for attempt in range(attempts):
            started = time.monotonic()
            self.rasa = subprocess.Popen(
                [str(PYTHON), "-m", "bot.server", "run", "--enable-api", "-p", str(self.rasa_port),
                 "-m", str(MODEL), "--endpoints", str(endpoints)],
                cwd=PROJECT_DIR, env=quiet_env(**env), stdout=(LOG_DIR / "bench-rasa.log").open("w"),
                stderr=subprocess.STDOUT)
            if _wait(f"{self.url}/status?token={self.api_token}", 300, self.rasa, need="model_id"):
                self.model_load_seconds = time.monotonic() - started
                return self
            self.notes.append(f"Rasa server exited while loading (attempt {attempt + 1}); retried")
            time.sleep(3)
        raise SystemExit("the Rasa server did not start: see var/log/bench-rasa.log")

    def _stores(self) -> tuple[Path, Dict[str, str]]:
        env = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook"}
        if self.stores == "memory":
            endpoints = LOG_DIR / "bench-endpoints.yml"
            endpoints.write_text(f"action_endpoint:\n  url: \"{env['ACTION_ENDPOINT_URL']}\"\n", encoding="utf-8")
            return endpoints, env
        import redis
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL)
        self.schema = f"rasa_bench_{uuid.uuid4().hex[:8]}"
        self.key_prefix = f"bench{uuid.uuid4().hex[:8]}"
        _postgres_admin(f"create schema {self.schema}")
        r = redis.Redis.from_url(REDIS_URL).connection_pool.connection_kwargs
        env.update({
            "DB_HOST": url.host or "127.0.0.1", "DB_PORT": str(url.port or 5432), "DB_NAME": url.database or "",
            "DB_USER": url.username or "postgres", "DB_PASSWORD": url.password or "",
            "POSTGRESQL_SCHEMA": self.schema,
            "REDIS_HOST": r.get("host", "127.0.0.1"), "REDIS_PORT": str(r.get("port", 6379)),
            "REDIS_DB": str(r.get("db", 0)), "REDIS_PASSWORD": r.get("password") or "",
            "REDIS_KEY_PREFIX": self.key_prefix,
        })
        return PROJECT_DIR / "endpoints.production.yml", env

    def cpu(self) -> Dict[str, float]:
        return {"rasa": cpu_seconds(self.rasa.pid) if self.rasa else 0.0,
                "actions": cpu_seconds(self.actions.pid) if self.actions else 0.0}

    def memory(self) -> Dict[str, Dict[str, int]]:
        return {"rasa": memory_kb(self.rasa.pid) if self.rasa else {},
                "actions": memory_kb(self.actions.pid) if self.actions else {}}

    def stop(self) -> None:
        stop_process(self.rasa)
        stop_process(self.actions)
        if self.schema:
            _postgres_admin(f"drop schema if exists {self.schema} cascade")
        if self.key_prefix:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)


def _postgres_admin(statement: str) -> None:
    """Run one statement on the benchmark's PostgreSQL (PG_URL), outside a transaction."""
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    connection = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username,
                                  password=url.password or "", dbname=url.database)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _wait(url: str, seconds: float, process: subprocess.Popen, need: Optional[str] = None) -> bool:
    """True once url answers (with a non-empty `need` field); False if the process exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            response = requests.get(url, timeout=1)
            if response.ok and (need is None or response.json().get(need)):
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f}s")
