"""What the user gets when a dependency fails, and that the conversation recovers afterwards.

bot.resilience (installed by `python -m bot.server`) bounds the action call to ACTION_TIMEOUT_SECONDS
(4 s) and answers a clear message instead of silence; the action server answers its own message
when the policy database is down; while Redis is unreachable the servers lock conversations
in-process and keep answering (bot.stores.ResilientRedisLockStore); while the PostgreSQL tracker
store is unreachable messages are answered without context, and the context is back as soon as
PostgreSQL is (the pool pre-ping of bot.stores.LeanSQLTrackerStore). Skipped when PostgreSQL or
Redis is absent.
"""

from __future__ import annotations

import time

import pytest

from .conftest import ACTION_TIMEOUT, DB_UNAVAILABLE, LOCK_RETRY, SERVICE_BUSY, Cluster, assert_clean, new_sender

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

QUESTION = "平顶山专精特新有什么奖励"
SLACK = 2.5  # seconds on top of the action timeout for NLU, tracker store and a busy 2-core machine


def assert_answers_normally(cluster: Cluster, sender: str) -> None:
    for server in cluster.servers:
        reply = server.say(sender, QUESTION)
        assert_clean(reply)
        assert "【平顶山】" in reply.text and "20万元" in reply.text, reply.text
        assert SERVICE_BUSY not in reply.text


def test_action_server_down_gives_a_clear_message_then_recovers(healthy: Cluster):
    sender = new_sender("down")
    healthy.actions.stop()
    for server in healthy.servers:
        reply = server.say(sender, QUESTION)
        assert_clean(reply)
        assert SERVICE_BUSY in reply.text, reply.text
        assert reply.elapsed < ACTION_TIMEOUT + SLACK, reply.elapsed
    healthy.actions.start_real()
    assert_answers_normally(healthy, sender)
    # The failed turns are stored once each, with the clear message as their answer.
    turns = healthy.turns(sender)
    assert [user for user, _ in turns] == [QUESTION] * 4
    assert all(any(SERVICE_BUSY in text for text in bot) for _, bot in turns[:2])


def test_slow_action_server_is_cut_off_at_the_timeout(healthy: Cluster):
    sender = new_sender("slow")
    healthy.actions.start_stand_in("slow")  # answers after 10 s
    reply = healthy.a.say(sender, QUESTION)
    assert_clean(reply)
    assert SERVICE_BUSY in reply.text, reply.text
    assert ACTION_TIMEOUT - 0.5 < reply.elapsed < ACTION_TIMEOUT + SLACK, reply.elapsed
    assert "stand-in" not in reply.text
    healthy.actions.start_real()
    assert_answers_normally(healthy, sender)


def test_action_server_5xx_gives_the_clear_message_at_once(healthy: Cluster):
    sender = new_sender("5xx")
    healthy.actions.start_stand_in("error")
    reply = healthy.b.say(sender, QUESTION)
    assert_clean(reply)
    assert SERVICE_BUSY in reply.text, reply.text
    assert reply.elapsed < SLACK, reply.elapsed
    healthy.actions.start_real()
    assert_answers_normally(healthy, sender)


def test_policy_database_unreachable(healthy: Cluster):
    sender = new_sender("nodb")
    healthy.actions.start_real(database_url="postgresql+psycopg2://postgres@127.0.0.1:1/none")
    for server in healthy.servers:
        reply = server.say(sender, QUESTION)
        assert_clean(reply)
        assert DB_UNAVAILABLE in reply.text, reply.text
        assert reply.elapsed < ACTION_TIMEOUT, reply.elapsed
    healthy.actions.start_real()
    assert_answers_normally(healthy, sender)


def test_redis_unreachable_servers_keep_answering(healthy: Cluster):
    """Rasa alone answers `200 []` (LockError) while Redis is down; ResilientRedisLockStore falls back
    to an in-process lock, logs the outage, and goes back to Redis once it answers again."""
    sender = new_sender("redis")
    assert healthy.a.say(sender, "你好").status == 200  # the session exists before the outage
    healthy.redis_proxy.down()
    try:
        for _ in range(2):
            for server in healthy.servers:
                reply = server.say(sender, QUESTION)
                assert_clean(reply)
                assert "20万元" in reply.text, reply.text
                assert reply.elapsed < 3, reply.elapsed
    finally:
        healthy.redis_proxy.up()
    time.sleep(LOCK_RETRY + 0.5)
    before = healthy.redis_proxy.bytes_to_target
    assert_answers_normally(healthy, sender)
    assert healthy.redis_proxy.bytes_to_target > before, "the servers did not go back to Redis"
    turns = healthy.turns(sender)
    assert [user for user, _ in turns] == ["你好"] + [QUESTION] * 6


def test_tracker_store_unreachable_then_the_context_is_back_at_once(healthy: Cluster):
    """Rasa wraps the tracker store in FailSafeTrackerStore: while PostgreSQL is unreachable each
    message is answered from an empty tracker (self-contained questions in full, follow-ups without
    their context) and those turns are not stored. With LeanSQLTrackerStore's pool pre-ping, the first
    message after PostgreSQL is back already has its context, on every server."""
    sender = new_sender("pgdown")
    assert "20万元" in healthy.a.say(sender, QUESTION).text
    healthy.postgres_proxy.down()
    try:
        for server in healthy.servers:
            reply = server.say(sender, "滨州上市融资15亿奖多少")
            assert_clean(reply)
            assert "700万元" in reply.text, reply.text
            assert reply.elapsed < SLACK, reply.elapsed
            assert_clean(server.say(sender, "找哪个部门"))  # no context: asks, never guesses
    finally:
        healthy.postgres_proxy.up()
    for server in healthy.servers:
        reply = server.say(sender, "找哪个部门")
        assert_clean(reply)
        assert "【平顶山】" in reply.text and "市财政局" in reply.text, reply.text
    assert [user for user, _ in healthy.turns(sender)] == [QUESTION, "找哪个部门", "找哪个部门"]
