"""How long a message left on the page (question and phone number) is kept: what the message form promises.

The period is the one ``python -m policy_db messages --purge-older-than`` deletes after when no number is
given, :data:`officer.messages.DEFAULT_RETENTION_DAYS`: the notice and the deletion read the same value.
It is served to the page in ``/config.js`` as ``messageRetentionDays``.
"""

from __future__ import annotations


def message_retention_days() -> int | None:
    """The period in days, or None when the policy modules cannot be imported (the page alone)."""
    try:
        from officer.messages import DEFAULT_RETENTION_DAYS
    except ImportError:
        return None
    return DEFAULT_RETENTION_DAYS
