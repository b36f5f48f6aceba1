"""Reaching a person over REST with the real bot: the city's hotline, then a message left with a phone
number, which an officer then finds with `python -m policy_db messages` (conversation id, city, phone).

The servers run on a temporary SQLite database built with `python -m policy_db build`, so
var/policy.db is never touched."""

from __future__ import annotations

import pytest

from officer.messages import DEFAULT_RETENTION_DAYS
from tests.support.bot_on_database import bot_on, built_database, policy_db
from tests.support.conversations import new_sender


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return built_database(tmp_path_factory.mktemp("messages"))


@pytest.fixture(scope="module")
def bot(database: str, tmp_path_factory: pytest.TempPathFactory):
    with bot_on(database, tmp_path_factory.mktemp("rasa")) as rasa:
        yield rasa


def test_a_message_with_a_phone_reaches_the_officers_list(bot, database):
    sender = new_sender()
    answer = bot.text(sender, "平顶山评上国家级小巨人奖多少")
    assert "50万元" in answer

    person = bot.text(sender, "我想找人工客服")
    assert "平顶山12345政务服务便民热线：0375-12345" in person and "留言" in person

    asked = bot.text(sender, "我要留言")
    assert "请写下您想问的问题" in asked
    question = "小巨人奖励去年就报上去了，钱一直没到账，想问问进度"
    asked = bot.text(sender, question)
    # why the number is asked, who sees it and how long it is kept, in the form's own question
    assert "方便留个电话吗" in asked and f"保存{DEFAULT_RETENTION_DAYS}天后删除" in asked and "工作人员" in asked

    refused = bot.text(sender, "1380013800")
    assert "电话号码格式不对" in refused and "方便留个电话吗" in refused  # a clear reply and a second chance

    confirmed = bot.text(sender, "138 0013 8000")
    assert "已记下您的留言" in confirmed and "13800138000" in confirmed and "0375-12345" in confirmed

    listed = policy_db(database, "messages").stdout
    [entry] = [block for block in listed.split("\n[") if f"rest:{sender}" in block]
    assert "平顶山" in entry and "13800138000" in entry and question in entry
    assert "50万元" in entry  # the bot's last answer before the request, for the officer's call back


def test_a_message_without_a_phone_and_a_cancelled_one(bot, database):
    sender = new_sender()
    bot.text(sender, "留言")
    bot.text(sender, "滨州的上市奖励什么时候兑现")
    confirmed = bot.text(sender, "不留")
    assert "已记下您的留言" in confirmed and "无法回电" in confirmed and "0543-12345" in confirmed

    other = new_sender()
    bot.text(other, "我要留言")
    cancelled = bot.text(other, "算了")
    assert "这条留言不留了" in cancelled
    assert "已记下" not in bot.text(other, "三明专精特新奖励多少")  # the form is over: an ordinary answer

    listed = policy_db(database, "messages", "--city", "滨州").stdout
    assert f"rest:{sender}" in listed and "未留电话" in listed
    assert f"rest:{other}" not in policy_db(database, "messages", "--all").stdout


def test_an_overlong_message_is_refused_with_a_clear_reply(bot):
    sender = new_sender()
    bot.text(sender, "我要留言")
    refused = bot.text(sender, "请问" * 5000)
    assert "留言太长了" in refused and "请写下您想问的问题" in refused
    assert "方便留个电话吗" in bot.text(sender, "技改补贴怎么申请")
