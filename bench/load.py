"""Open-loop REST load: messages are sent on a fixed schedule whatever the server's speed, and the
latency of each is measured from its *scheduled* time, so queueing in a saturated server counts."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import requests

BUSY = "政策查询服务暂时繁忙或不可用"  # bot.resilience.SERVICE_BUSY: the action server did not answer
_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(p / 100.0 * len(ordered) + 0.5))))
    return ordered[rank - 1]


@dataclass
class StepResult:
    rate: float
    seconds: float
    sent: int = 0
    ok: int = 0
    errors: Dict[str, int] = field(default_factory=dict)
    latencies: List[float] = field(default_factory=list)  # seconds, successful requests only
    wall: float = 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def p50_ms(self) -> Optional[float]:
        value = percentile(self.latencies, 50)
        return None if value is None else value * 1000

    @property
    def p99_ms(self) -> Optional[float]:
        value = percentile(self.latencies, 99)
        return None if value is None else value * 1000

    @property
    def achieved_rate(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def as_dict(self) -> Dict[str, object]:
        return {"offered_msg_per_s": self.rate, "seconds": self.seconds, "sent": self.sent, "ok": self.ok,
                "errors": dict(self.errors), "p50_ms": _r(self.p50_ms), "p99_ms": _r(self.p99_ms),
                "max_ms": _r(max(self.latencies) * 1000 if self.latencies else None),
                "achieved_msg_per_s": round(self.achieved_rate, 1)}


def _r(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 1)


def run_step(url: str, rate: float, seconds: float, messages: Sequence[str], senders: Sequence[str],
             timeout: float = 10.0, offset: int = 0) -> StepResult:
    """Send rate*seconds messages at a steady rate; message i goes to senders[i % len(senders)]."""
    result = StepResult(rate, seconds)
    count = int(rate * seconds)
    lock = threading.Lock()
    endpoint = f"{url}/webhooks/rest/webhook"

    def one(index: int, scheduled: float) -> None:
        n = offset + index
        body = {"sender": senders[n % len(senders)], "message": messages[n % len(messages)]}
        kind = None
        try:
            response = _session().post(endpoint, json=body, timeout=timeout)
            if response.status_code != 200:
                kind = f"http_{response.status_code}"
            else:
                text = "".join(m.get("text", "") for m in response.json())
                if not text.strip():
                    kind = "empty_reply"
                elif BUSY in text:
                    kind = "action_server_busy"
        except requests.Timeout:
            kind = "timeout"
        except (requests.RequestException, ValueError) as exc:
            kind = type(exc).__name__
        latency = time.monotonic() - scheduled
        with lock:
            if kind is None:
                result.ok += 1
                result.latencies.append(latency)
            else:
                result.errors[kind] = result.errors.get(kind, 0) + 1

    workers = int(min(128, max(8, rate * 3)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        start = time.monotonic() + 0.05
        for index in range(count):
            scheduled = start + index / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, index, scheduled))
            result.sent += 1
        wait(futures, timeout=timeout + 30)
        result.wall = time.monotonic() - start
    return result
