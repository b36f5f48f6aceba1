"""Build the policy database from the curated files, so that readers never see it half built.

The rows are computed first (tables from models.py, search tokens from text.py); then

* PostgreSQL: they are written into a fresh schema, which then takes the live schema's name in one
  short transaction (two renames); the old schema is dropped afterwards. Readers keep reading the
  old tables, unblocked, until the switch, and the new ones after it.
* SQLite (a file): one transaction that drops, recreates and fills the tables, in WAL mode, where
  readers keep reading the last committed state while it runs and are never blocked by it.

Because the tables are recreated from records.py on every build, a change of their layout needs no
migration: the next build writes the new layout (see data/README.md, "Rebuilds").
The build stamp is a hash of every row written, so any edit of the data changes it and running
action servers reload (policy_db.query.PolicyRepository).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from functools import lru_cache

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from .db import catalog_options, catalog_schema
from .loader import PolicyData, load_policy_data
from .models import RowWriter, meta, metadata
from .records import BenefitRecord, TopicRecord
from .text import PolicyTokenizer

# Tables of the layout before the tables were derived from records.py; dropped by the next build.
_RETIRED_TABLES = ("benefit_topics", "benefit_departments", "places")
_BUILD_LOCK = 7_312_026  # PostgreSQL advisory lock: one build at a time


def vocabulary(data: PolicyData) -> list[str]:
    """Words jieba must keep whole: topics, synonyms, departments, cities and places."""
    words: list[str] = []
    for name, synonyms in data.topics.items():
        words += [name, *synonyms]
    for city in data.cities:
        words += [city.name, city.full_name, *city.aliases, *city.counties]
    for doc in data.documents:
        for dep in doc.departments:
            words += [dep.name, *dep.aliases]
        for b in doc.benefits:
            words += b.enterprise_types
    return list(dict.fromkeys(w for w in words if w))


@lru_cache(maxsize=2)
def _tokenizer(words: tuple[str, ...]) -> PolicyTokenizer:
    return PolicyTokenizer(words)


def build_stamp(data: PolicyData) -> str:
    """The stamp a build of `data` writes (what running servers compare to notice a rebuild)."""
    return str(_rows(data).rows[meta][-1]["value"])


def _rows(data: PolicyData) -> RowWriter:
    words = vocabulary(data)
    tokenizer = _tokenizer(tuple(words))
    writer = RowWriter()
    for city in data.cities:
        writer.add(city)
    for name, synonyms in data.topics.items():
        writer.add(TopicRecord(name=name, synonyms=tuple(synonyms)))
    for doc in sorted(data.documents, key=lambda d: d.key):
        document_id = writer.add(doc.document)
        for section in (doc.departments, doc.exclusions):
            for i, record in enumerate(section):
                writer.add(record, document_id, i)
        for i, benefit in enumerate(doc.benefits):
            tokens = tuple(tokenizer.tokens(_searchable_text(benefit, data.topics)))
            writer.add(dataclasses.replace(benefit, search_tokens=tokens), document_id, i)
    meta_rows = writer.rows[meta]
    meta_rows.append({"key": "vocabulary", "value": json.dumps(words, ensure_ascii=False)})
    meta_rows.append({"key": "build_stamp", "value": _stamp(writer)})
    return writer


def _stamp(writer: RowWriter) -> str:
    """A hash of every row of every table: any change of the data gives another stamp."""
    digest = hashlib.sha256()
    for table in metadata.sorted_tables:
        digest.update(table.name.encode())
        digest.update(json.dumps(writer.rows.get(table, []), ensure_ascii=False, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _searchable_text(benefit: BenefitRecord, topics: dict[str, list[str]]) -> str:
    """What free-text search matches: the name counts twice, topic synonyms are included."""
    synonyms = [s for t in benefit.topics for s in [t, *topics.get(t, [])]]
    return " ".join(
        [
            benefit.name,
            benefit.name,
            benefit.summary,
            benefit.eligibility,
            " ".join(benefit.conditions),
            " ".join(benefit.enterprise_types),
            " ".join(synonyms),
            benefit.clause_text,
        ]
    )


def build_database(engine: Engine, data: PolicyData | None = None) -> dict[str, int]:
    """Replace the policy tables with `data` (validated; default: the curated files). Returns the row
    count per table."""
    writer = _rows(data or load_policy_data())
    if engine.dialect.name == "postgresql":
        _build_postgresql(engine, writer)
    else:
        _build_in_one_transaction(engine, writer)
    return {table.name: len(rows) for table, rows in writer.rows.items() if table is not meta}


def _fill(connection: Connection, writer: RowWriter) -> None:
    """Create the tables and insert the rows (tests pause here to look at the database mid-build)."""
    metadata.create_all(connection)
    writer.insert(connection)


def _build_in_one_transaction(engine: Engine, writer: RowWriter) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # WAL: readers see the last committed state while the build writes, and do not wait for it.
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.commit()
            # pysqlite opens a transaction only before INSERT/UPDATE/DELETE: open it before the DDL.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        present = set(inspect(connection).get_table_names())
        for name in _RETIRED_TABLES:
            if name in present:
                connection.execute(text(f"DROP TABLE {name}"))
        metadata.drop_all(connection)
        _fill(connection, writer)
        connection.commit()


def _build_postgresql(engine: Engine, writer: RowWriter) -> None:
    live = catalog_schema(engine)
    if live is None:
        raise ValueError("PostgreSQL engines for the policy database come from policy_db.db.make_engine")
    suffix = secrets.token_hex(4)
    staging, retired = f"{live}_build_{suffix}", f"{live}_old_{suffix}"
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _BUILD_LOCK})
        try:
            with engine.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {quote(staging)}"))
            try:
                with engine.connect().execution_options(**catalog_options(staging)) as connection:
                    with connection.begin():
                        _fill(connection, writer)
                with engine.begin() as connection:  # the switch: two renames, a few milliseconds
                    exists = connection.execute(
                        text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": live}
                    ).first()
                    if exists:
                        connection.execute(text(f"ALTER SCHEMA {quote(live)} RENAME TO {quote(retired)}"))
                    connection.execute(text(f"ALTER SCHEMA {quote(staging)} RENAME TO {quote(live)}"))
            except BaseException:
                with engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {quote(staging)} CASCADE"))
                raise
            # Waits only for readers still inside the old tables; new readers already use the new ones.
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {quote(retired)} CASCADE"))
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _BUILD_LOCK})
