"""rasa_sdk's action executor with each action run in a worker thread, off the server's event loop.

rasa_sdk runs an action on the event loop that serves every request: a synchronous action, or an
``async def run`` that computes without awaiting (all of ours), holds the loop for its whole run, so
one costly message delays every other user's answer and even ``/health``. Here each action call runs
to completion in a thread of a small pool (its own event loop there for ``async`` actions); the
server's loop only waits for the result and keeps accepting requests. Python's GIL still shares the
CPU, but in slices of milliseconds (``sys.getswitchinterval``), so short answers are not queued
behind a long one. ``ACTION_SERVER_THREADS`` sets the pool size (default 4).

rasa_sdk 3.6's ``create_app`` builds its ``ActionExecutor`` itself and has no option for another
class, so :func:`create_sdk_app` hands it this subclass for that one call.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa_sdk.executor import ActionExecutor

THREADS_ENV = "ACTION_SERVER_THREADS"
DEFAULT_THREADS = 4


def _threads() -> int:
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "") or DEFAULT_THREADS))
    except ValueError:
        return DEFAULT_THREADS


def _run_to_end(run: Callable[[Any], Awaitable[Any]], action_call: Any) -> Any:
    return asyncio.run(run(action_call))


class ThreadedActionExecutor(ActionExecutor):
    """ActionExecutor whose `run` happens in a worker thread."""

    def __init__(self, threads: Optional[int] = None) -> None:
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=threads or _threads(), thread_name_prefix="action")

    async def run(self, action_call: Any) -> Optional[Dict[str, Any]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _run_to_end, super().run, action_call)


def create_sdk_app(actions: str, cors: Any) -> Any:
    """rasa_sdk's app (same routes and behaviour) with a :class:`ThreadedActionExecutor`."""
    from rasa_sdk import endpoint

    original = endpoint.ActionExecutor
    endpoint.ActionExecutor = ThreadedActionExecutor  # type: ignore[misc]
    try:
        return endpoint.create_app(actions, cors_origins=cors)
    finally:
        endpoint.ActionExecutor = original  # type: ignore[misc]
