"""Shared fixtures: a policy database built from the curated data into a temporary SQLite file."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)

from policy_db.build import build_database  # noqa: E402
from policy_db.db import make_engine  # noqa: E402
from policy_db.loader import load_policy_data  # noqa: E402
from policy_db.query import Catalog, PolicyRepository  # noqa: E402

# Answers say whether a policy is still valid; tests fix "today" so they do not age.
TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="session")
def policy_data():
    return load_policy_data()


@pytest.fixture(scope="session")
def policy_db_url(tmp_path_factory: pytest.TempPathFactory, policy_data) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('policy')) / 'policy.db'}"
    build_database(make_engine(url), policy_data)
    return url


@pytest.fixture(scope="session")
def repository(policy_db_url: str) -> PolicyRepository:
    return PolicyRepository(make_engine(policy_db_url))


@pytest.fixture(scope="session")
def catalog(repository: PolicyRepository) -> Catalog:
    return repository.catalog()


BOT_CREDENTIALS = """bot.channels.rest_channel.NamespacedRestInput:
bot.channels.socketio_channel.PolicySocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
bot.channels.wechat.WeChatInput:
"""
WECHAT_TEST_TOKEN = "policy-bot-test-token"


@pytest.fixture(scope="session")
def bot(policy_db_url, tmp_path_factory):
    """The real trained bot: an action server on the test database and a Rasa server with all channels."""
    from devservers import ActionServer, RasaServer

    actions = ActionServer(env={"DATABASE_URL": policy_db_url}).start()
    rasa = RasaServer(
        action_url=actions.url,
        credentials=BOT_CREDENTIALS,
        workdir=tmp_path_factory.mktemp("bot"),
        env={"WECHAT_TOKEN": WECHAT_TEST_TOKEN, "WECHAT_API_BASE": "http://127.0.0.1:9"},
    ).start()
    try:
        yield rasa
    finally:
        rasa.stop()
        actions.stop()
