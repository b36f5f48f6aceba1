"""Rasa's SQL tracker store with the two per-turn operations done in one plain SQL statement each.

Rasa 3.6's :class:`~rasa.core.tracker_store.SQLTrackerStore` spends more CPU per message than the
whole dialogue prediction (profiled with py-spy under load, PostgreSQL, one Rasa process): every
``retrieve`` and ``save`` opens an ORM session, first checks with an extra query that the
``POSTGRESQL_SCHEMA`` schema exists, builds the "events since the last session start" ``Query``
anew, and ``save`` adds each new event through the ORM unit of work. All of it runs synchronously
in the server's event loop, so it is latency for every conversation on that server.

:class:`LeanSQLTrackerStore` keeps everything that matters to operators: the same ``events`` table
(created by Rasa's own model, so ``rasa export``, analytics and a server running the stock store
read and write the same rows), the same columns and JSON, the same "latest session" rule
(``timestamp >=`` the newest ``session_started``), the same engine options (pool size, schema
search path), and Rasa's event broker streaming. What changes: the schema is checked once at
start-up (a missing schema stops the server with Rasa's own message), ``retrieve`` is one prepared
``SELECT``, and ``save`` is one ``COUNT`` plus one multi-row ``INSERT`` in a single transaction on a
pooled connection.

**After a PostgreSQL outage.** Rasa wraps the tracker store in ``FailSafeTrackerStore``: while
PostgreSQL cannot be read it logs the error and answers from an empty tracker (self-contained
questions are still answered; follow-ups lose their context and those turns are not stored). With
Rasa's engine, the first message after PostgreSQL is back meets a dead pooled connection and is
also answered without context. This store's engine has ``pool_pre_ping=True`` (SQLAlchemy checks a
pooled connection before handing it out), so the conversation has its context again at once.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import POSTGRESQL_SCHEMA, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

# Events of a conversation's latest session: Rasa's rule (SQLTrackerStore._event_query) in SQL.
_LATEST_SESSION = """
    FROM events
    WHERE sender_id = :sender_id
      AND ((SELECT max(timestamp) FROM events
            WHERE sender_id = :sender_id AND type_name = :session_started) IS NULL
           OR timestamp >= (SELECT max(timestamp) FROM events
                            WHERE sender_id = :sender_id AND type_name = :session_started))
"""
SELECT_LATEST_SESSION = sa.text("SELECT data" + _LATEST_SESSION + "ORDER BY id")
COUNT_LATEST_SESSION = sa.text("SELECT count(*)" + _LATEST_SESSION)


class LeanSQLTrackerStore(SQLTrackerStore):
    """Drop-in for Rasa's ``type: sql`` tracker store: ``type: bot.stores.LeanSQLTrackerStore``.

    Takes the same endpoint keys (dialect, url, port, db, username, password, login_db, query).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(*args, **kwargs)
        except (AttributeError, ImportError) as exc:
            # Rasa would catch these and silently keep conversations in memory instead: with several
            # servers that loses context between them, so fail loudly.
            raise RuntimeError(f"tracker store could not start: {exc}") from exc
        self._use_pre_ping()
        if os.environ.get(POSTGRESQL_SCHEMA):
            # Rasa's session_scope checks the schema and exits with its own message when it is missing;
            # retrieve and save below do not open ORM sessions, so this is the only check.
            with self.session_scope():
                pass

    def _use_pre_ping(self) -> None:
        """Replace the engine Rasa made (its ``create_engine_kwargs``: pool size, schema search path)
        by the same one with ``pool_pre_ping``; Rasa's constructor takes no engine options."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _parameters(self, sender_id: Text) -> Dict[Text, Any]:
        return {"sender_id": sender_id, "session_started": SessionStarted.type_name}

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the conversation's latest session (None for a new conversation)."""
        with self.engine.connect() as connection:
            rows = connection.execute(SELECT_LATEST_SESSION, self._parameters(sender_id)).fetchall()
        if not rows or not self.domain:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row[0]) for row in rows], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's events that are not stored yet (one transaction)."""
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            stored = connection.execute(COUNT_LATEST_SESSION, self._parameters(tracker.sender_id)).scalar()
            rows = [
                self._row(tracker.sender_id, event)
                for event in itertools.islice(tracker.events, stored or 0, len(tracker.events))
            ]
            if rows:
                connection.execute(self.SQLEvent.__table__.insert(), rows)

    @staticmethod
    def _row(sender_id: Text, event: Any) -> Dict[Text, Any]:
        data = event.as_dict()
        parse_data = data.get("parse_data") or {}
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": (parse_data.get("intent") or {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
