"""Open-loop REST load: messages are sent on a fixed schedule whatever the server's speed, and the
latency of each is measured from its *scheduled* time, so queueing in a saturated server counts.
Messages come from short conversations (:class:`Conversations`) whose next turn waits for the reply."""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Deque, Dict, List, Optional, Sequence, Tuple

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

    @classmethod
    def merged(cls, steps: Sequence[StepResult]) -> StepResult:
        """Several steps at one rate as one (the scale run interleaves deployments in short rounds)."""
        whole = cls(steps[0].rate, sum(s.seconds for s in steps))
        for step in steps:
            whole.sent += step.sent
            whole.ok += step.ok
            whole.wall += step.wall
            whole.latencies.extend(step.latencies)
            for kind, count in step.errors.items():
                whole.errors[kind] = whole.errors.get(kind, 0) + count
        return whole

    def as_dict(self) -> Dict[str, object]:
        return {
            "offered_msg_per_s": self.rate,
            "seconds": self.seconds,
            "sent": self.sent,
            "ok": self.ok,
            "errors": dict(self.errors),
            "p50_ms": _r(self.p50_ms),
            "p99_ms": _r(self.p99_ms),
            "max_ms": _r(max(self.latencies) * 1000 if self.latencies else None),
            "achieved_msg_per_s": round(self.achieved_rate, 1),
        }


def _r(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 1)


class Conversations:
    """Who sends each scheduled message: conversations as enterprise owners hold them.

    A conversation is a short script (a question, then follow-ups about it). The next turn of a
    conversation is only sent once the reply to the previous one has arrived (a person reads the
    answer before typing again), so two messages of one conversation are never in flight at once.
    Each scheduled message goes to the longest-idle conversation that has turns left; when every
    open conversation is waiting for a reply a new one starts, so the offered rate stays exact
    however slow the server is. A conversation ends after its script and is not reused.
    """

    def __init__(self, scripts: Sequence[Sequence[str]], run_id: str, first_script: int = 0) -> None:
        self._scripts = [list(s) for s in scripts if s]
        self._run_id = run_id
        self._next_script = first_script
        self._idle: Deque[Tuple[str, List[str]]] = deque()
        self._lock = threading.Lock()

    def take(self) -> Tuple[str, str, List[str]]:
        """(sender, message, rest of its script) for the next message to send."""
        with self._lock:
            if self._idle:
                sender, remaining = self._idle.popleft()
            else:
                script = self._scripts[self._next_script % len(self._scripts)]
                self._next_script += 1
                sender, remaining = f"bench-{self._run_id}-{self._next_script}", list(script)
            return sender, remaining[0], remaining[1:]

    def replied(self, sender: str, remaining: List[str]) -> None:
        """The reply to `sender`'s message arrived: its next turn may be sent."""
        if remaining:
            with self._lock:
                self._idle.append((sender, remaining))


def run_step(url: str, rate: float, seconds: float, conversations: Conversations, timeout: float = 10.0) -> StepResult:
    """Send rate*seconds messages at a steady rate, each from a conversation with none in flight."""
    result = StepResult(rate, seconds)
    count = int(rate * seconds)
    lock = threading.Lock()
    endpoint = f"{url}/webhooks/rest/webhook"

    def one(sender: str, message: str, remaining: List[str], scheduled: float) -> None:
        kind = None
        try:
            response = _session().post(endpoint, json={"sender": sender, "message": message}, timeout=timeout)
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
        conversations.replied(sender, remaining)

    workers = int(min(128, max(8, rate * 3)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        start = time.monotonic() + 0.05
        for index in range(count):
            scheduled = start + index / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sender, message, remaining = conversations.take()
            futures.append(pool.submit(one, sender, message, remaining, scheduled))
            result.sent += 1
        wait(futures, timeout=timeout + 30)
        result.wall = time.monotonic() - start
    return result
