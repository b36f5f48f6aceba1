"""Reading Rasa's SQL tracker store: where it is, from when, and each conversation's events in order.

The store is Rasa's ``events`` table (``rasa.core.tracker_store.SQLTrackerStore``, which
bot.stores.LeanSQLTrackerStore writes too): one row per event, in order of ``id``, with ``sender_id``
(the conversation), ``type_name``, ``timestamp`` (Unix seconds) and ``data``, the event's JSON as
``Event.as_dict`` writes it. Events are read back with Rasa's own ``Event.from_parameters``.

Where the store is: ``--tracker-url``, else ``TRACKER_DATABASE_URL``, else the ``tracker_store`` section of
endpoints.production.yml with its ``${DB_HOST}`` … variables filled in from the environment, as Rasa does
when it starts. On PostgreSQL, ``POSTGRESQL_SCHEMA`` names the schema of the table, as it does for Rasa.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rasa.shared.core.events import Event
from sqlalchemy.engine import URL, Engine

from policy_db.db import PROJECT_DIR, make_engine

TRACKER_URL_ENV = "TRACKER_DATABASE_URL"
SCHEMA_ENV = "POSTGRESQL_SCHEMA"  # Rasa's name for the tracker store's PostgreSQL schema
PRODUCTION_ENDPOINTS = PROJECT_DIR / "endpoints.production.yml"
USER_EVENT = "user"  # UserUttered.type_name
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_SPAN_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


class TrackerStoreUnknown(ValueError):
    """No tracker store was named and endpoints.production.yml's variables are not all set."""


def tracker_url(url: str | None = None, endpoints: Path = PRODUCTION_ENDPOINTS) -> str:
    """The tracker store's SQLAlchemy URL: `url`, else $TRACKER_DATABASE_URL, else the production endpoints'."""
    if url:
        return url
    if os.environ.get(TRACKER_URL_ENV):
        return os.environ[TRACKER_URL_ENV]
    return _url_from_endpoints(endpoints)


def _url_from_endpoints(endpoints: Path) -> str:
    """The URL Rasa connects to for the endpoints file's ``tracker_store`` (dialect, url, port, db, …)."""
    section: dict[str, Any] = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    values = [v for v in [*section.values(), *(section.get("query") or {}).values()] if isinstance(v, str)]
    missing = sorted({name for v in values for name in _VARIABLE.findall(v) if name not in os.environ})
    if not section or missing:
        raise TrackerStoreUnknown(
            f"不知道对话记录库在哪里：请用 --tracker-url 或 {TRACKER_URL_ENV} 指定，"
            f"或设置{endpoints.name}所用的环境变量（尚未设置：{'、'.join(missing) or 'tracker_store'}）"
        )

    def filled(key: str) -> str | None:
        value = section.get(key)
        return None if value is None else _fill(value) or None  # an empty password is no password

    host = filled("url")
    if host and "://" in host:  # Rasa takes a whole URL in `url` as it is
        return host
    port = filled("port")
    return URL.create(
        filled("dialect") or "postgresql",
        username=filled("username"),
        password=filled("password"),
        host=host,
        port=int(port) if port else None,
        database=filled("db"),
        query={key: _fill(value) for key, value in (section.get("query") or {}).items()},
    ).render_as_string(hide_password=False)


def _fill(value: Any) -> str:
    """A value of the endpoints file with its ${VAR}s replaced by the environment's values."""
    return _VARIABLE.sub(lambda m: os.environ[m[1]], str(value))


def tracker_engine(url: str) -> Engine:
    """An engine on the tracker store; a SQLite file that does not exist is an error, not a new empty store."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise TrackerStoreUnknown(f"没有这个对话记录库文件：{parsed.database}")
    return make_engine(url)


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """`7d`, `24h`, `2w` before `now`, or an ISO date or time (UTC unless it names its offset)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    span = _SPAN.match(text)
    if span:
        return now - dt.timedelta(**{_SPAN_UNITS[span[2]]: int(span[1])})
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"看不懂的起始时间：{text}（例如 7d、24h、30d 或 2026-11-01）") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _events_table(engine: Engine) -> sa.TableClause:
    schema = os.environ.get(SCHEMA_ENV) if engine.dialect.name == "postgresql" else None
    return sa.table(
        "events",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("data"),
        schema=schema or None,
    )


def conversations_since(engine: Engine, since: dt.datetime) -> Iterator[tuple[str, list[Event]]]:
    """Each conversation with a user message since `since`: its id and all its events, oldest first.

    Whole conversations are read, not only the recent events, so the city the conversation was about
    before `since` is known too."""
    events = _events_table(engine)
    active = (
        sa.select(events.c.sender_id)
        .where(events.c.type_name == USER_EVENT, events.c.timestamp >= since.timestamp())
        .distinct()
    )
    query = (
        sa.select(events.c.sender_id, events.c.data)
        .where(events.c.sender_id.in_(active.scalar_subquery()))
        .order_by(events.c.sender_id, events.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query)
        for sender_id, group in itertools.groupby(rows, key=lambda row: row.sender_id):
            parsed = (Event.from_parameters(json.loads(row.data)) for row in group)
            yield sender_id, [event for event in parsed if event is not None]
