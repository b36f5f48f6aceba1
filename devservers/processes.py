"""Child processes of the harness: free ports, a quiet environment, readiness, stopping, CPU and memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_DIR / "var" / "log"
VENV_BIN = Path(sys.executable).parent  # the venv's python, rasa, ...


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_env(**extra: str) -> dict[str, str]:
    """This process's environment with TensorFlow, SQLAlchemy, warnings and Rasa telemetry silenced, plus `extra`.

    ``WECHAT_TOKEN`` gets a placeholder when unset, so a server whose credentials name the WeChat channel starts;
    ``ACTION_SERVER_SECRET`` one, so a Rasa server reading endpoints.production.yml starts; the per-client
    message rate is off unless set (all the harness's load comes from one address).
    """
    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONWARNINGS="ignore",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        RASA_TELEMETRY_ENABLED="false",
    )
    env.setdefault("WECHAT_TOKEN", "test-token")
    env.setdefault("ACTION_SERVER_SECRET", "test-action-server-secret")  # the header of the endpoints files
    env.setdefault("CLIENT_MESSAGES_PER_MINUTE", "0")  # every test and bench message comes from 127.0.0.1
    env.update(extra)
    return env


def log_tail(log: Path | None, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log is not None and log.exists() else ""


def answers(url: str, need: str | None = None) -> bool:
    """True when GET url answers 2xx (and, with `need`, a JSON object whose `need` field is set)."""
    try:
        response = requests.get(url, timeout=2)
        return response.ok and (need is None or bool(response.json().get(need)))
    except (requests.RequestException, ValueError, AttributeError):
        return False


def wait_until_ready(
    url: str, seconds: float, process: subprocess.Popen | None = None, log: Path | None = None, need: str | None = None
) -> bool:
    """True once `url` answers; False as soon as `process` exits; RuntimeError (with the log's tail) on timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        if answers(url, need):
            return True
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f}s\n{log_tail(log)}")


def wait_for(url: str, seconds: float, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Return once `url` answers; RuntimeError with the log's tail if the process exits or time runs out."""
    if not wait_until_ready(url, seconds, process, log):
        raise RuntimeError(f"the process serving {url} exited while starting\n{log_tail(log)}")


def stop_process(process: subprocess.Popen | None) -> None:
    """SIGTERM, then SIGKILL after 15 s; nothing if it already ended."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in kB, from /proc."""
    values: dict[str, int] = {}
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


def machine_cpu() -> dict[str, float]:
    """Cumulative CPU jiffies of the whole machine by kind (/proc/stat), to report steal and load."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return {}
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    return dict(zip(names, values))
