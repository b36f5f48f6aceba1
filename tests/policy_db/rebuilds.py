"""Helpers for the rebuild tests (SQLite here, PostgreSQL in test_postgres.py): an edited copy of the
policy data, and a build held open after it has written its tables."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from policy_db import build
from policy_db.loader import PolicyData
from policy_db.models import RowReader, meta
from policy_db.query import Catalog

LITTLE_GIANT = "pds-xjr-national"  # 国家级专精特新“小巨人”一次性奖励50万元


def with_benefit(data: PolicyData, key: str, **changes: Any) -> PolicyData:
    """`data` with the benefit `key` changed (its document otherwise unchanged)."""
    documents = []
    for doc in data.documents:
        benefits = tuple(dataclasses.replace(b, **changes) if b.key == key else b for b in doc.benefits)
        documents.append(dataclasses.replace(doc, benefits=benefits))
    return dataclasses.replace(data, documents=documents)


def with_reward_of(data: PolicyData, wan: int) -> PolicyData:
    """The little-giant reward of 平顶山 as if the document now said `wan` 万元."""
    benefit = next(b for doc in data.documents for b in doc.benefits if b.key == LITTLE_GIANT)
    figure = dataclasses.replace(benefit.figures[0], value=Decimal(wan), text=f"{wan}万元")
    return with_benefit(
        data, LITTLE_GIANT, figures=(figure,), clause_text=benefit.clause_text.replace("50万元", f"{wan}万元")
    )


def read_time(engine: Engine) -> float:
    """Seconds to read the stamp and every catalogue table, as a reloading action server does."""
    started = time.monotonic()
    with engine.connect() as connection:
        connection.execute(select(meta.c.value)).all()
        RowReader(connection)
    return time.monotonic() - started


def reward_text(catalog: Catalog) -> str:
    return catalog.get([LITTLE_GIANT])[0].figures[0].text


@contextmanager
def build_held_open(monkeypatch: pytest.MonkeyPatch, engine: Any, data: PolicyData) -> Iterator[None]:
    """Run build_database(engine, data) in a thread that stops once every table is written and is
    still open (SQLite: its transaction; PostgreSQL: before the switch); the build completes on exit."""
    written, go_on = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    fill = build._fill

    def fill_and_wait(connection: Any, writer: Any) -> None:
        fill(connection, writer)
        written.set()
        go_on.wait(60)

    def run() -> None:
        try:
            build.build_database(engine, data)
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            errors.append(exc)
            written.set()

    monkeypatch.setattr(build, "_fill", fill_and_wait)
    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert written.wait(60), "the build did not write its tables"
        assert not errors, errors
        yield
    finally:
        go_on.set()
        thread.join(60)
    assert not errors, errors
