"""The same build and queries against PostgreSQL (127.0.0.1:5432); skipped where there is none."""
from __future__ import annotations

import os
from decimal import Decimal

import pytest
from sqlalchemy import text

from policy_db.build import build_database
from policy_db.db import make_engine
from policy_db.money import parse_amount
from policy_db.query import PolicyRepository
from policy_db.tiers import compute

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def pg_engine(policy_data):
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}")
    schema = "policy_test"
    with engine.begin() as connection:
        connection.execute(text(f"drop schema if exists {schema} cascade"))
        connection.execute(text(f"create schema {schema}"))
    engine = make_engine(PG_URL).execution_options(schema_translate_map={None: schema})
    build_database(engine, policy_data)
    yield engine
    with make_engine(PG_URL).begin() as connection:
        connection.execute(text(f"drop schema if exists {schema} cascade"))


def test_build_is_idempotent_and_counts_match(pg_engine, policy_data):
    first = build_database(pg_engine, policy_data)
    second = build_database(pg_engine, policy_data)
    assert first == second
    assert first["benefits"] == sum(len(d.benefits) for d in policy_data.documents)


def test_queries_on_postgres(pg_engine):
    catalog = PolicyRepository(pg_engine).catalog()
    b = catalog.find_benefits(city="滨州", topics=catalog.topics_in("上市融资"), text="上市融资额奖补", limit=1)[0].benefit
    assert compute(b.tier, parse_amount("15亿元")).amount_yuan == Decimal("7000000")
    little_giant = catalog.find_benefits(city="平顶山", topics=catalog.topics_in("小巨人"), text="国家级小巨人", limit=1)
    assert "50万元" in {f.text for f in little_giant[0].benefit.figures}
