"""One PolicyRepository per action-server process, reading `DATABASE_URL` (default var/policy.db)."""

from __future__ import annotations

import logging
from functools import lru_cache

from policy_db.query import Catalog, PolicyDatabaseUnavailable, PolicyRepository

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def repository() -> PolicyRepository:
    return PolicyRepository()


def current_catalog() -> Catalog:
    """Raises policy_db.query.PolicyDatabaseUnavailable when the database cannot be read."""
    return repository().catalog()


def warm_up() -> None:
    """Load the catalogue (a couple of seconds of jieba work) before the action server answers /health,
    so the first question after a (re)start is not cut off by the Rasa server's action timeout."""
    try:
        current_catalog()
    except PolicyDatabaseUnavailable as exc:
        log.warning("policy database not readable at start-up (will retry per request): %s", exc)
