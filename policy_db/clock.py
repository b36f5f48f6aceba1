"""Today, from the clock: the one place the bot asks what day it is, so validity is judged in today's terms.

Tests and tools fix the day with :func:`fixed` (a context manager) or :func:`set_today`; nothing else
reads ``datetime.date.today()`` for policy decisions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_fixed: dt.date | None = None


def today() -> dt.date:
    """The day policy validity is judged on: the clock's, unless a test or tool fixed it."""
    return _fixed or dt.date.today()


def set_today(day: dt.date | None) -> None:
    """Fix the day (None goes back to the clock)."""
    global _fixed
    _fixed = day


@contextlib.contextmanager
def fixed(day: dt.date) -> Iterator[None]:
    previous = _fixed
    set_today(day)
    try:
        yield
    finally:
        set_today(previous)
