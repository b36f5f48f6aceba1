"""A new model reaches a running Rasa server through Rasa's authenticated `PUT /model`, and the
conversations (kept in the SQL tracker store, as in production) carry on across the reload."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from devservers import MODEL
from tests.support.bot_on_database import bot_on
from tests.support.conversations import new_sender


@pytest.fixture(scope="module")
def bot(policy_db_url: str, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("tracker") / "events.db"
    endpoints_extra = f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {store}\n"
    with bot_on(policy_db_url, tmp_path_factory.mktemp("rasa"), endpoints_extra=endpoints_extra) as rasa:
        yield rasa


def _status(bot) -> dict:
    return requests.get(f"{bot.url}/status", params={"token": bot.api_token}, timeout=10).json()


def test_a_new_model_is_loaded_with_the_token_and_the_conversation_carries_on(bot, tmp_path: Path):
    sender = new_sender()
    first = bot.text(sender, "平顶山评上国家级小巨人给多少钱")
    assert "50万元" in first

    new_model = tmp_path / "policy-bot-new.tar.gz"  # what a retraining writes next to the running model
    shutil.copy(MODEL, new_model)
    refused = requests.put(f"{bot.url}/model", json={"model_file": str(new_model)}, timeout=120)
    assert refused.status_code == 401 and new_model.name not in _status(bot)["model_file"]

    loaded = requests.put(
        f"{bot.url}/model", params={"token": bot.api_token}, json={"model_file": str(new_model)}, timeout=180
    )
    assert loaded.status_code == 204, loaded.text
    assert _status(bot)["model_file"].endswith(new_model.name)

    follow_up = bot.text(sender, "这个找哪个部门办")  # the subject is remembered across the reload
    assert "市财政局" in follow_up and "平顶山" in follow_up
