"""One PolicyRepository per action-server process, reading `DATABASE_URL` (default var/policy.db)."""
from __future__ import annotations

from functools import lru_cache

from policy_db.query import Catalog, PolicyRepository


@lru_cache(maxsize=1)
def repository() -> PolicyRepository:
    return PolicyRepository()


def current_catalog() -> Catalog:
    """Raises policy_db.query.PolicyDatabaseUnavailable when the database cannot be read."""
    return repository().catalog()
