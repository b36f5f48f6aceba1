"""What the bot could not answer, from a tracker store filled by real conversations through the bot.

The trained bot runs with Rasa's SQL tracker store on a temporary SQLite file (``type: sql``, as in
endpoints.production.yml but ``dialect: sqlite``); a few users ask over REST, then an officer runs
`python -m policy_db report`. The policy database is a temporary build, so var/policy.db is never touched."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.channels.rest_channel import conversation_id
from tests.support.bot_on_database import bot_on, built_database, policy_db
from tests.support.conversations import new_sender


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return built_database(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def tracker_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("tracker")) / "rasa.db"


@pytest.fixture(scope="module")
def bot(database: str, tracker_store: Path, tmp_path_factory: pytest.TempPathFactory):
    endpoints_extra = f"tracker_store:\n  type: sql\n  dialect: sqlite\n  db: {tracker_store}\n"
    with bot_on(database, tmp_path_factory.mktemp("rasa"), endpoints_extra=endpoints_extra) as rasa:
        yield rasa


@pytest.fixture(scope="module")
def asked(bot) -> dict[str, str]:
    """Users' conversations; each name maps to its conversation id in the tracker store."""
    senders = {name: new_sender() for name in ("answered", "not found", "city named later", "unclear", "off topic")}

    answer = bot.text(senders["answered"], "平顶山评上国家级小巨人奖多少")
    assert "50万元" in answer
    assert "没太明白" in bot.text(senders["answered"], "呃")  # not understood, after an answer about 平顶山

    assert "政策库里没有找到三明" in bot.text(senders["not found"], "三明低空经济企业有补贴吗")
    assert "政策库里没有找到滨州" in bot.text(senders["not found"], "滨州 啊啊啊 嗯嗯")  # gibberish with a city

    bot.text(senders["city named later"], "有没有低空经济补贴")
    assert "政策库里没有找到三明" in bot.text(senders["city named later"], "三明")

    # Off-topic words with a place of the catalogue are read as a policy question, and nothing is found.
    assert "政策库里没有找到平顶山" in bot.text(senders["off topic"], "平顶山有什么好玩的景点")
    assert "不在我的服务范围内" in bot.text(senders["off topic"], "讲个笑话")
    return {name: conversation_id(sender) for name, sender in senders.items()}


def report_rows(database: str, tracker_store: Path) -> list[dict[str, str]]:
    exported = policy_db(
        database, "report", "--since", "1d", "--tracker-url", f"sqlite:///{tracker_store}", "--csv", "-"
    )
    return list(csv.DictReader(io.StringIO(exported.stdout)))


def test_the_unanswered_questions_are_listed_with_their_city_and_the_answered_one_is_not(
    asked, database, tracker_store
):
    rows = [row for row in report_rows(database, tracker_store) if row["会话"] in asked.values()]
    found = {(row["会话"], row["问题"]): (row["城市"], row["原因"]) for row in rows}
    assert found == {
        (asked["answered"], "呃"): ("平顶山", "没有理解"),  # the conversation's city at that point
        (asked["not found"], "三明低空经济企业有补贴吗"): ("三明", "没有找到"),
        (asked["not found"], "滨州 啊啊啊 嗯嗯"): ("滨州", "没有找到"),
        (asked["city named later"], "有没有低空经济补贴"): ("三明", "没有找到"),  # the question 「三明」 answered
        (asked["off topic"], "平顶山有什么好玩的景点"): ("平顶山", "没有找到"),
    }


def test_the_officers_text_report_counts_per_city_with_examples(asked, database, tracker_store):
    text = policy_db(database, "report", "--since", "1d", "--tracker-url", f"sqlite:///{tracker_store}").stdout
    assert "机器人没能回答的问题：共 5 条（没有找到 4 条，没有理解 1 条）" in text
    assert "平顶山：2 条\n" in text and "· 平顶山有什么好玩的景点（没有找到）" in text and "· 呃（没有理解）" in text
    three_ming = text.split("三明：2 条\n", 1)[1].split("\n\n", 1)[0]
    assert "· 三明低空经济企业有补贴吗（没有找到）" in three_ming and "· 有没有低空经济补贴（没有找到）" in three_ming
    assert "小巨人" not in text and "笑话" not in text
