"""How long a message left on the page (question and phone number) is kept: what the message form promises.

The page's privacy notice states this period (served to the page in ``/config.js`` as
``messageRetentionDays``). ``MESSAGE_RETENTION_DAYS`` sets it; the default is :data:`DEFAULT_RETENTION_DAYS`.
"""

from __future__ import annotations

import os

RETENTION_ENV = "MESSAGE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 180


def message_retention_days() -> int:
    """The period in days (a positive whole number); the default when the variable is unset or invalid."""
    raw = (os.environ.get(RETENTION_ENV) or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_RETENTION_DAYS
