"""Operator settings read from the environment (docs/production.md lists them)."""

from __future__ import annotations

import logging
import os
from typing import Mapping, Optional

logger = logging.getLogger(__name__)


def env_seconds(name: str, default: float, environ: Optional[Mapping[str, str]] = None) -> float:
    """A positive number of seconds from ``name``; ``default`` when unset, with a warning when invalid."""
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        logger.warning("%s=%r is not a positive number of seconds; using %s", name, raw, default)
        return default
    return value
