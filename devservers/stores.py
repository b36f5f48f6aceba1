"""PostgreSQL and Redis for a Rasa server started with endpoints.production.yml.

:class:`ProductionStores` creates a fresh PostgreSQL schema for the tracker store and picks a unique Redis
key prefix for the lock store, gives the environment variables endpoints.production.yml reads, and removes
both afterwards. Addresses: TEST_POSTGRES_URL (default postgres@127.0.0.1:5432/test) and TEST_REDIS_URL
(default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import uuid
from contextlib import closing
from dataclasses import dataclass, field

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def stores_unavailable(postgres_url: str = POSTGRES_URL, redis_url: str = REDIS_URL) -> str | None:
    """None when PostgreSQL and Redis answer, else why not (a skip reason)."""
    try:
        import psycopg2  # noqa: F401
        import redis
        from sqlalchemy.engine import make_url
    except ImportError as exc:
        return f"missing package: {exc}"
    url = make_url(postgres_url)
    try:
        pg_connect(postgres_url, timeout=2).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable here"
        return f"PostgreSQL not reachable at {url.host}:{url.port or 5432} ({type(exc).__name__})"
    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable at {redis_url} ({type(exc).__name__})"
    return None


def pg_connect(postgres_url: str = POSTGRES_URL, timeout: int = 3):
    """A psycopg2 connection in autocommit mode (schema statements cannot run in a transaction block)."""
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    connection = psycopg2.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password or "",
        dbname=url.database,
        connect_timeout=timeout,
    )
    connection.autocommit = True
    return connection


def _unique(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@dataclass
class ProductionStores:
    """A fresh tracker-store schema and lock-store key prefix; `tag` (letters and digits) names them."""

    tag: str = "dev"
    postgres_url: str = POSTGRES_URL
    redis_url: str = REDIS_URL
    schema: str = ""
    key_prefix: str = ""  # Rasa accepts letters and digits only
    created: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.schema = self.schema or f"rasa_{_unique(self.tag)}"
        self.key_prefix = self.key_prefix or _unique(self.tag)

    @property
    def postgres_address(self) -> tuple[str, int]:
        from sqlalchemy.engine import make_url

        url = make_url(self.postgres_url)
        return url.host or "127.0.0.1", int(url.port or 5432)

    @property
    def redis_address(self) -> tuple[str, int]:
        kwargs = self._redis_kwargs()
        return kwargs.get("host", "127.0.0.1"), int(kwargs.get("port", 6379))

    def create(self) -> ProductionStores:
        self._postgres(f"create schema {self.schema}")
        self.created = True
        return self

    def env(
        self, postgres_address: tuple[str, int] | None = None, redis_address: tuple[str, int] | None = None
    ) -> dict[str, str]:
        """The variables endpoints.production.yml reads; an address may be replaced (e.g. by a proxy's)."""
        from sqlalchemy.engine import make_url

        pg = make_url(self.postgres_url)
        pg_host, pg_port = postgres_address or self.postgres_address
        redis_host, redis_port = redis_address or self.redis_address
        kwargs = self._redis_kwargs()
        return {
            "DB_HOST": pg_host,
            "DB_PORT": str(pg_port),
            "DB_NAME": pg.database or "postgres",
            "DB_USER": pg.username or "postgres",
            "DB_PASSWORD": pg.password or "",
            "POSTGRESQL_SCHEMA": self.schema,
            "REDIS_HOST": redis_host,
            "REDIS_PORT": str(redis_port),
            "REDIS_DB": str(kwargs.get("db", 0)),
            "REDIS_PASSWORD": kwargs.get("password") or "",
            "REDIS_KEY_PREFIX": self.key_prefix,
        }

    def drop(self) -> None:
        """Drop the schema (if created here) and delete the lock store's keys."""
        import redis

        if self.created:
            self._postgres(f"drop schema if exists {self.schema} cascade")
            self.created = False
        client = redis.Redis.from_url(self.redis_url)
        try:
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()

    def _postgres(self, statement: str) -> None:
        with closing(pg_connect(self.postgres_url)) as connection, connection.cursor() as cursor:
            cursor.execute(statement)

    def _redis_kwargs(self) -> dict:
        import redis

        return redis.Redis.from_url(self.redis_url).connection_pool.connection_kwargs
