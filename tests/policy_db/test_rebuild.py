"""Rebuilding the SQLite policy database under running readers: the stamp covers every field, a
running repository picks a rebuild up within its refresh interval, readers see the whole old or the
whole new catalogue (never a half-built one) without waiting for the build, and a build over an older
table layout just replaces it, leaving tables that are not the catalogue's alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest

from policy_db.build import build_database, build_stamp
from policy_db.db import make_engine
from policy_db.query import PolicyRepository
from tests.policy_db.rebuilds import LITTLE_GIANT, build_held_open, read_time, reward_text, with_benefit, with_reward_of


@pytest.fixture
def db_url(tmp_path: Path, policy_data) -> str:
    url = f"sqlite:///{tmp_path / 'policy.db'}"
    build_database(make_engine(url), policy_data)
    return url


def _first(data, key):
    return next(b for doc in data.documents for b in doc.benefits if b.key == key)


EDITS = {
    "a figure": lambda data: with_reward_of(data, 60),
    "a clause": lambda data: with_benefit(
        data, LITTLE_GIANT, clause_text=_first(data, LITTLE_GIANT).clause_text + "。"
    ),
    "an end date": lambda data: with_benefit(data, LITTLE_GIANT, own_valid_until=dt.date(2030, 1, 1)),
    "a department": lambda data: with_benefit(data, LITTLE_GIANT, departments=("市工业和信息化局",)),
    "a county": lambda data: dataclasses.replace(
        data,
        cities=[
            dataclasses.replace(c, counties=(*c.counties, "新区")) if c.name == "平顶山" else c for c in data.cities
        ],
    ),
    "a topic synonym": lambda data: dataclasses.replace(
        data, topics={**data.topics, "上市": [*data.topics["上市"], "敲钟"]}
    ),
    "a source text": lambda data: dataclasses.replace(
        data,
        documents=[
            dataclasses.replace(d, document=dataclasses.replace(d.document, full_text=d.full_text + "\n附则"))
            if i == 0
            else d
            for i, d in enumerate(data.documents)
        ],
    ),
}


@pytest.fixture(scope="module")
def stamp(policy_data) -> str:
    return build_stamp(policy_data)


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_any_edit_of_the_data_changes_the_stamp(policy_data, stamp, edit):
    assert build_stamp(EDITS[edit](policy_data)) != stamp


def test_the_same_data_gives_the_same_stamp(policy_data, stamp):
    assert build_stamp(dataclasses.replace(policy_data)) == stamp


def test_a_running_repository_serves_the_rebuilt_figure_within_its_refresh_interval(db_url, policy_data):
    repository = PolicyRepository(make_engine(db_url), refresh_seconds=0.2)
    assert reward_text(repository.catalog()) == "50万元"
    build_database(make_engine(db_url), with_reward_of(policy_data, 60))
    time.sleep(0.3)
    assert reward_text(repository.catalog()) == "60万元"


def test_readers_see_the_old_catalogue_while_a_build_is_open_and_are_not_blocked(db_url, policy_data, monkeypatch):
    old_stamp = PolicyRepository(make_engine(db_url)).catalog().stamp
    with build_held_open(monkeypatch, make_engine(db_url), with_reward_of(policy_data, 60)):
        assert read_time(make_engine(db_url)) < 3  # a blocked SQLite reader waits 5 s, then fails
        during = PolicyRepository(make_engine(db_url)).catalog()
        assert during.stamp == old_stamp and reward_text(during) == "50万元"
        assert len(during.benefits) == sum(len(d.benefits) for d in policy_data.documents)
    after = PolicyRepository(make_engine(db_url)).catalog()
    assert after.stamp != old_stamp and reward_text(after) == "60万元"


def test_a_build_over_an_older_layout_replaces_it_and_keeps_other_tables(tmp_path, policy_data):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE meta (key VARCHAR(50) PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('build_stamp', 'from-an-older-release');
            CREATE TABLE cities (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL);
            CREATE TABLE places (id INTEGER PRIMARY KEY, name VARCHAR(40), city_id INTEGER REFERENCES cities(id));
            CREATE TABLE benefits (id INTEGER PRIMARY KEY, key VARCHAR(60), document_id INTEGER, kind VARCHAR(10));
            CREATE TABLE benefit_topics (benefit_id INTEGER, topic_id INTEGER);
            CREATE TABLE user_messages (id INTEGER PRIMARY KEY, question TEXT);
            INSERT INTO user_messages (question) VALUES ('请回电');
        """)
    url = f"sqlite:///{path}"
    build_database(make_engine(url), policy_data)
    catalog = PolicyRepository(make_engine(url)).catalog()
    assert reward_text(catalog) == "50万元" and catalog.stamp == build_stamp(policy_data)
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "places" not in tables and "benefit_topics" not in tables
        assert db.execute("SELECT question FROM user_messages").fetchall() == [("请回电",)]
