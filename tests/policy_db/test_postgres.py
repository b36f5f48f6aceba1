"""The same build and queries against PostgreSQL (127.0.0.1:5432); skipped where there is none."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text

from policy_db.build import build_database, build_stamp
from policy_db.db import make_engine
from policy_db.money import parse_amount
from policy_db.query import PolicyRepository
from policy_db.tiers import compute
from tests.policy_db.rebuilds import build_held_open, read_time, reward_text, with_reward_of

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
SCHEMA = "policy_test"


@pytest.fixture(scope="module")
def pg_engine(policy_data):
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}")
    engine = make_engine(PG_URL).execution_options(schema_translate_map={None: SCHEMA})
    build_database(engine, policy_data)
    yield engine
    with make_engine(PG_URL).begin() as connection:
        connection.execute(text(f"drop schema if exists {SCHEMA} cascade"))


def test_build_is_idempotent_and_counts_match(pg_engine, policy_data):
    first = build_database(pg_engine, policy_data)
    second = build_database(pg_engine, policy_data)
    assert first == second
    assert first["benefits"] == sum(len(d.benefits) for d in policy_data.documents)


def test_queries_on_postgres(pg_engine):
    catalog = PolicyRepository(pg_engine).catalog()
    b = catalog.find_benefits(city="滨州", topics=catalog.topics_in("上市融资"), text="上市融资额奖补", limit=1)[
        0
    ].benefit
    assert compute(b.tier, parse_amount("15亿元")).amount_yuan == Decimal("7000000")
    little_giant = catalog.find_benefits(
        city="平顶山", topics=catalog.topics_in("小巨人"), text="国家级小巨人", limit=1
    )
    assert "50万元" in {f.text for f in little_giant[0].benefit.figures}


def test_readers_see_the_old_catalogue_until_the_switch_and_are_not_blocked(pg_engine, policy_data, monkeypatch):
    # A reader that would wait for a lock fails after 3 s instead of waiting for the whole build.
    reader = create_engine(PG_URL, future=True, connect_args={"options": "-c lock_timeout=3000"}).execution_options(
        schema_translate_map={None: SCHEMA}
    )
    old = PolicyRepository(reader).catalog()
    with build_held_open(monkeypatch, pg_engine, with_reward_of(policy_data, 60)):
        assert read_time(reader) < 3
        during = PolicyRepository(reader).catalog()
        assert during.stamp == old.stamp and reward_text(during) == "50万元"
        assert len(during.benefits) == len(old.benefits)
    after = PolicyRepository(reader).catalog()
    assert after.stamp != old.stamp and reward_text(after) == "60万元"
    build_database(pg_engine, policy_data)


def test_a_build_over_an_older_layout_replaces_it_and_keeps_other_tables(pg_engine, policy_data):
    schema, other = "policy_layout_test", "policy_layout_test_other"
    with make_engine(PG_URL).begin() as connection:
        for name in (schema, other):
            connection.execute(text(f"drop schema if exists {name} cascade"))
            connection.execute(text(f"create schema {name}"))
        connection.execute(
            text(f"""
            create table {schema}.meta (key varchar(50) primary key, value text not null);
            insert into {schema}.meta values ('build_stamp', 'from-an-older-release');
            create table {schema}.cities (id serial primary key, name varchar(20) not null);
            create table {schema}.places (id serial primary key, city_id integer references {schema}.cities(id));
            create table {schema}.benefits (id serial primary key, key varchar(60), kind varchar(10));
            create table {other}.user_messages (id serial primary key, question text);
            insert into {other}.user_messages (question) values ('请回电');
        """)
        )
    engine = make_engine(PG_URL).execution_options(schema_translate_map={None: schema})
    try:
        build_database(engine, policy_data)
        catalog = PolicyRepository(engine).catalog()
        assert reward_text(catalog) == "50万元" and catalog.stamp == build_stamp(policy_data)
        with make_engine(PG_URL).connect() as connection:
            tables = set(
                connection.execute(
                    text("select table_name from information_schema.tables where table_schema = :s"), {"s": schema}
                ).scalars()
            )
            assert "places" not in tables and {"benefits", "figures", "meta"} <= tables
            assert connection.execute(text(f"select question from {other}.user_messages")).scalars().all() == ["请回电"]
            leftovers = (
                connection.execute(
                    text("select nspname from pg_namespace where nspname like :p"), {"p": f"{schema}\\_%"}
                )
                .scalars()
                .all()
            )
            assert leftovers == [other]  # no staging or retired schema left behind
    finally:
        with make_engine(PG_URL).begin() as connection:
            for name in (schema, other):
                connection.execute(text(f"drop schema if exists {name} cascade"))
