"""Where the policy database lives: `DATABASE_URL` (PostgreSQL in production) or a local SQLite file.

On PostgreSQL the catalogue's tables live in their own schema, `policy` (a build writes a new schema
and renames it into place: policy_db/build.py); other tables of the same database (the messages
users leave, officer/messages.py) stay where the engine puts them and are never touched by a build.
An engine whose `schema_translate_map` maps None to a schema uses that schema for the catalogue.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "var" / "policy.db"
CATALOG_SCHEMA = "policy"  # PostgreSQL: the schema of the catalogue's tables


def database_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """An engine that fails fast (a few seconds) when the database is unreachable."""
    url = database_url(url)
    if url.startswith("sqlite"):
        return create_engine(url, future=True, connect_args={"check_same_thread": False})
    connect_args = {"connect_timeout": 3} if url.startswith("postgresql") else {}
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)


def catalog_schema(engine: Engine) -> str | None:
    """The schema of the catalogue's tables on PostgreSQL; None on databases without schemas."""
    if engine.dialect.name != "postgresql":
        return None
    translate = engine.get_execution_options().get("schema_translate_map") or {}
    return translate.get(None) or CATALOG_SCHEMA


def catalog_options(schema: str | None) -> dict[str, Any]:
    """Execution options that point the catalogue's tables at `schema` (none for SQLite)."""
    return {"schema_translate_map": {None: schema}} if schema else {}
