"""How fast one client may send messages, counted by network address (bot/channels/clients.py), not by
sender id, which a caller can change with every message.

A token bucket per client: :attr:`RateLimits.per_minute` messages a minute on average, with bursts of
:attr:`RateLimits.burst` (a user who types three questions quickly is not refused). Buckets live in
the Rasa server's memory, in insertion order of last use, at most :attr:`RateLimits.max_clients` of
them; the least recently seen is dropped first (O(1)), and a dropped bucket was full anyway unless
its client returns within seconds. Each Rasa server counts on its own: behind a load balancer of n
servers a client gets at most n times the rate (docs/production.md shows the matching nginx limit).

Set with ``CLIENT_MESSAGES_PER_MINUTE`` (default 20; 0 turns the limit off) and
``CLIENT_MESSAGE_BURST`` (default 8). Callers on this machine's loopback (the operator's tools, health
checks, a test or evaluation run against `make run`) are not limited unless ``RATE_LIMIT_LOOPBACK=1``:
the public reaches the bot through a proxy that passes their own address (bot/channels/clients.py), so
only local tools arrive as 127.0.0.1 or ::1.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

RATE_LIMITED = "您发送得太快了，请稍等几秒再发。"


@dataclass(frozen=True)
class RateLimits:
    per_minute: float = 20
    burst: float = 8
    max_clients: int = 100_000
    limit_loopback: bool = False

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> RateLimits:
        env = os.environ if environ is None else environ
        defaults = cls()

        def read(name: str, default: float) -> float:
            try:
                return max(0.0, float((env.get(name) or "").strip() or default))
            except ValueError:
                return default

        return cls(
            per_minute=read("CLIENT_MESSAGES_PER_MINUTE", defaults.per_minute),
            burst=max(1.0, read("CLIENT_MESSAGE_BURST", defaults.burst)),
            limit_loopback=(env.get("RATE_LIMIT_LOOPBACK") or "").strip() in ("1", "true", "yes"),
        )


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


class ClientRateLimiter:
    """One token bucket per client key; :meth:`allow` takes a token or says no."""

    def __init__(self, limits: Optional[RateLimits] = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or RateLimits.from_env()
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        limits = self.limits
        if limits.per_minute <= 0 or (not limits.limit_loopback and is_loopback(key)):
            return True
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (limits.burst, now))
            tokens = min(limits.burst, tokens + (now - at) * limits.per_minute / 60.0)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > limits.max_clients:
                self._buckets.popitem(last=False)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
