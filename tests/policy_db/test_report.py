"""`python -m policy_db report`: the questions the bot could not answer, read from Rasa's SQL tracker store.

The conversations are stored by Rasa's own SQLTrackerStore (a temporary SQLite file, and PostgreSQL where
there is one) from Rasa's event classes. The bot's messages are the texts the actions write, made by the
same functions (actions/answering) in full-width punctuation, each with its outcome (policy_db/outcomes.py)
and city in the message's metadata as Rasa keeps them; the conversation state is the ``conversation`` slot
as actions/answering/state.py writes it. The report reads the outcomes, never the wording."""

from __future__ import annotations

import asyncio
import codecs
import csv
import datetime as dt
import io
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions.answering import formatting, introduction, wording
from actions.answering.punctuation import full_width
from actions.answering.state import ConversationState, state_to_slot
from devservers import POSTGRES_URL, PROJECT_DIR, pg_connect, quiet_env
from officer.reporting import Reason, ReplyReader, TrackerStoreUnknown, parse_since, tracker_url, unanswered_questions
from officer.reporting.listing import MAX_EXAMPLE_CHARS, NO_TOPIC
from officer.reporting.replies import Recognised
from policy_db import outcomes
from policy_db.__main__ import main
from policy_db.query import PassageHit

DOMAIN = Domain.load(PROJECT_DIR / "domain.yml")
NOW = dt.datetime.now(dt.timezone.utc)
CITIES = "三门峡、登封、平顶山、三明、滨州"

Message = tuple[str, dict | None]  # a bot message: its text and its metadata (None: stored without any)


# -- conversations as Rasa stores them ------------------------------------------------------------------
class Conversation:
    """Events of one conversation, one user message and the bot's turn at a time, a minute apart, from
    `days_ago` before now (a turn may set its own time)."""

    def __init__(self, days_ago: float = 0.1) -> None:
        self.id = f"rest:conv-{uuid.uuid4().hex[:10]}"
        self.clock = (NOW - dt.timedelta(days=days_ago)).timestamp()
        self.events: list[Event] = [ActionExecuted("action_listen", timestamp=self.clock)]

    def turn(
        self,
        text: str,
        intent: str,
        action: str,
        replies: list[Message],
        slots: dict | None = None,
        city_entity: str | None = None,
        days_ago: float | None = None,
    ) -> Conversation:
        self.clock = (NOW - dt.timedelta(days=days_ago)).timestamp() if days_ago is not None else self.clock + 60
        at = self.clock
        entities = [{"entity": "city", "value": city_entity}] if city_entity else []
        self.events.append(
            UserUttered(text, {"name": intent, "confidence": 0.9}, entities, timestamp=at, input_channel="rest")
        )
        if city_entity:
            self.events.append(SlotSet("city", city_entity, timestamp=at))
        self.events.append(ActionExecuted(action, timestamp=at + 1))
        self.events += [BotUttered(reply, {}, metadata, timestamp=at + 1) for reply, metadata in replies]
        self.events += [SlotSet(name, value, timestamp=at + 1) for name, value in (slots or {}).items()]
        if action == "action_default_fallback":
            self.events.append(UserUtteranceReverted(timestamp=at + 1))  # as Rasa's core fallback does
        if action == "action_restart":
            self.events.append(Restarted(timestamp=at + 1))
        self.events.append(ActionExecuted("action_listen", timestamp=at + 2))
        return self


def store(url_db: SQLTrackerStore, *conversations: Conversation) -> None:
    for conversation in conversations:
        tracker = DialogueStateTracker.from_events(conversation.id, conversation.events, DOMAIN.slots)
        asyncio.run(url_db.save(tracker))


@pytest.fixture()
def tracker_file(tmp_path: Path) -> Path:
    return tmp_path / "rasa.db"


@pytest.fixture()
def sqlite_store(tracker_file: Path) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tracker_file))


def report(capsys, policy_db_url: str, tracker: str, *args: str) -> str:
    code = main(["--database-url", policy_db_url, "report", "--tracker-url", tracker, *args])
    output = capsys.readouterr()
    assert code == 0, output.err
    return output.out


# -- the bot's messages, made by the actions' own functions, and the conversation state ------------------
def said(text: str, outcome: str, city: str | None = None) -> Message:
    """A message as the action server sends it (``utter_message(text=…, outcome=…, city=…)``) and Rasa keeps
    it: the extra keys in the BotUttered's metadata, an empty one (no city) left out."""
    metadata = {"outcome": outcome, "city": city}
    return full_width(text), {key: value for key, value in metadata.items() if value}


def state(**fields) -> dict:
    """The ``conversation`` slot as the actions store it (fields of ConversationState)."""
    return state_to_slot(ConversationState().updated(**fields))


def not_found(city: str, question: str, departments: list[str] = (), hotline: str | None = None) -> Message:
    return said(formatting.not_found_text(city, question, list(departments), hotline), outcomes.NOT_FOUND, city)


def answer(catalog, city: str, words: str) -> tuple[Message, dict]:
    record = catalog.find_benefits(city=city, text=words, limit=1)[0].benefit
    slots = {
        "conversation": state(city=city, subject=[record.key], topics=record.topics, question=words, aspect="amount"),
        "city": city,
    }
    return said(formatting.answer_card(record), outcomes.ANSWERED, city), slots


def passage(catalog, city: str, words: str) -> Message:
    [hit] = catalog.search_passages(words, city, limit=1)
    assert isinstance(hit, PassageHit)
    return said(formatting.passage_text(city, hit, ["市工业和信息化局"]), outcomes.PASSAGE_ONLY, city)


def rephrase(catalog, city: str | None = None) -> Message:
    return said(introduction.rephrase_text(catalog), outcomes.NOT_UNDERSTOOD, city)


def out_of_scope(catalog, city: str | None = None) -> Message:
    return said(introduction.out_of_scope_text(catalog), outcomes.OUT_OF_SCOPE, city)


def ask_city() -> Message:
    return said(wording.ASK_CITY.format(cities=CITIES), outcomes.ASKED_CITY)


def bot_message(message: Message) -> BotUttered:
    text, metadata = message
    return BotUttered(text, {}, metadata)


# -- reading the outcome of a bot message ------------------------------------------------------------
def test_each_unanswered_outcome_in_the_metadata_is_read_with_its_city(catalog):
    reader = ReplyReader(catalog)
    expected = [
        (not_found("三明", "低空经济有补贴吗", ["三明市商务局", "三明市财政局"]), Recognised(Reason.NOT_FOUND, "三明")),
        (not_found("滨州", "低空经济", hotline="0543-12345"), Recognised(Reason.NOT_FOUND, "滨州")),
        (not_found("登封", "低空经济"), Recognised(Reason.NOT_FOUND, "登封")),
        (passage(catalog, "平顶山", "企业上云"), Recognised(Reason.PASSAGE_ONLY, "平顶山")),
        (rephrase(catalog), Recognised(Reason.NOT_UNDERSTOOD, None)),
        (rephrase(catalog, "三门峡"), Recognised(Reason.NOT_UNDERSTOOD, "三门峡")),
        (out_of_scope(catalog), Recognised(Reason.OUT_OF_SCOPE, None)),
        (said(introduction.chinese_only_text(catalog), outcomes.OUT_OF_SCOPE), Recognised(Reason.OUT_OF_SCOPE)),
    ]
    for message, recognised in expected:
        assert reader.read(bot_message(message)) == recognised, message
    # The city is the metadata's, whatever the text says.
    text, _ = not_found("三明", "低空经济")
    assert reader.read(BotUttered(text, {}, {"outcome": outcomes.NOT_FOUND, "city": "滨州"})) == Recognised(
        Reason.NOT_FOUND, "滨州"
    )


def test_a_message_without_an_unanswered_outcome_is_not_counted(catalog):
    reader = ReplyReader(catalog)
    card, _ = answer(catalog, "平顶山", "小巨人")
    greeting, _ = introduction.greeting(catalog)
    for message in (
        card,
        said(greeting, outcomes.SMALL_TALK),
        said(wording.ASK_WHAT.format(city="平顶山"), outcomes.ASKED_TOPIC, "平顶山"),
        ask_city(),
    ):
        assert reader.read(bot_message(message)) is None, message
    answering = set(outcomes.ALL) - {
        outcomes.NOT_FOUND,
        outcomes.PASSAGE_ONLY,
        outcomes.NOT_UNDERSTOOD,
        outcomes.OUT_OF_SCOPE,
        outcomes.OTHER_PLACE,
    }
    assert outcomes.ANSWERED in answering and len(answering) == 10
    for outcome in sorted(answering):
        assert reader.read(BotUttered("好的。", {}, {"outcome": outcome, "city": "平顶山"})) is None, outcome
    # Stored before messages carried their outcome, or with none: no metadata, other keys only, an unknown outcome.
    text, _ = not_found("三明", "低空经济有补贴吗")
    older = Event.from_parameters({"event": "bot", "text": text, "data": {}, "timestamp": NOW.timestamp()})
    assert isinstance(older, BotUttered) and reader.read(older) is None
    for metadata in (
        None,
        {},
        {"city": "三明"},
        {"outcome": "nothing", "city": "三明"},
        {"outcome": None},
        {"outcome": [outcomes.NOT_FOUND]},
    ):
        assert reader.read(BotUttered(text, {}, metadata)) is None, metadata


def test_a_reply_worded_like_nothing_found_but_answered_is_not_counted(catalog, capsys, policy_db_url, tmp_path):
    """The report reads the outcome, not the wording: the same words count only with the outcome not_found."""
    text, _ = not_found("三明", "低空经济有补贴吗")
    assert ReplyReader(catalog).read(BotUttered(text, {}, {"outcome": outcomes.ANSWERED, "city": "三明"})) is None
    tracker_file = tmp_path / "worded.db"
    store(
        SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tracker_file)),
        Conversation().turn(
            "三明低空经济有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [(text, {"outcome": outcomes.ANSWERED, "city": "三明"})],
            {"conversation": state(city="三明", question="三明低空经济有补贴吗"), "city": "三明"},
            "三明",
        ),
        Conversation().turn(
            "三明做低空经济有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [(text, {"outcome": outcomes.NOT_FOUND, "city": "三明"})],
            {"conversation": state(city="三明", question="三明做低空经济有补贴吗"), "city": "三明"},
            "三明",
        ),
    )
    out = tmp_path / "worded.csv"
    report(capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", "1d", "--csv", str(out))
    assert [(row["问题"], row["城市"], row["原因"]) for row in csv_rows(out)] == [
        ("三明做低空经济有补贴吗", "三明", "没有找到")
    ]


def test_the_city_is_the_messages_else_the_one_asked_about_else_the_conversations(catalog):
    """The city the bot's message carries; without one (Rasa's core fallback says nothing), the city the
    question names, else the conversation's ``city`` slot, kept from before the report's span."""
    card, answered_slots = answer(catalog, "平顶山", "平顶山评上国家级小巨人奖多少")
    conversation = (
        Conversation(days_ago=10)
        .turn("平顶山评上国家级小巨人奖多少", "ask_reward", "action_answer_policy", [card], answered_slots, "平顶山")
        .turn("嗯嗯那个那个", "ask_reward", "action_default_fallback", [], days_ago=0.5)
        .turn("三门峡那个那个", "ask_reward", "action_default_fallback", [])
        .turn(
            "三明和滨州的低空经济补贴比一比",
            "ask_reward",
            "action_answer_policy",
            [not_found("滨州", "低空经济补贴")],
            {"conversation": state(city="滨州", question="三明和滨州的低空经济补贴比一比"), "city": "滨州"},
        )
        .turn("今天天气怎么样", "out_of_scope", "action_reply_out_of_scope", [out_of_scope(catalog, "滨州")])
        .turn("上市公司的股票明天会涨吗", "out_of_scope", "action_reply_out_of_scope", [out_of_scope(catalog, "滨州")])
        .turn("/restart", "restart", "action_restart", [])
        .turn("嗯嗯嗯", "ask_reward", "action_default_fallback", [])
    )
    found = unanswered_questions(
        [(conversation.id, conversation.events)], catalog, NOW - dt.timedelta(days=1), ReplyReader(catalog)
    )
    assert [(q.question, q.city, q.reason) for q in found] == [
        ("嗯嗯那个那个", "平顶山", Reason.NOT_UNDERSTOOD),  # the slot, set ten days ago
        ("三门峡那个那个", "三门峡", Reason.NOT_UNDERSTOOD),  # the city it names, not the slot's
        ("三明和滨州的低空经济补贴比一比", "滨州", Reason.NOT_FOUND),  # the message's, not 三明 named first
        # 「今天天气怎么样」 is out of scope indeed: the city of the bot's message does not make it a policy question.
        ("上市公司的股票明天会涨吗", "滨州", Reason.OUT_OF_SCOPE),
        ("嗯嗯嗯", None, Reason.NOT_UNDERSTOOD),  # after /restart the city is forgotten
    ]
    assert found[3].topics == ("上市",)
    assert not unanswered_questions(
        [(conversation.id, conversation.events)], catalog, NOW, ReplyReader(catalog)
    )  # nothing since now


# -- the report on a tracker store ------------------------------------------------------------------
@pytest.fixture()
def stored(catalog, sqlite_store) -> dict[str, Conversation]:
    """Conversations of the last days: answered, nothing found, not understood, out of scope, older ones."""
    card, answered_slots = answer(catalog, "平顶山", "平顶山评上国家级小巨人奖多少")
    conversations = {
        "answered": Conversation().turn(
            "平顶山评上国家级小巨人奖多少", "ask_reward", "action_answer_policy", [card], answered_slots, "平顶山"
        ),
        "not found": Conversation().turn(
            "三明做低空经济有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [not_found("三明", "做低空经济有补贴吗", ["三明市商务局"])],
            {"conversation": state(city="三明", question="三明做低空经济有补贴吗", aspect="amount"), "city": "三明"},
            "三明",
        ),
        "after an answer": Conversation()
        .turn("平顶山评上国家级小巨人奖多少", "ask_reward", "action_answer_policy", [card], answered_slots, "平顶山")
        .turn("qwe asdf zxcv", "nlu_fallback", "action_handle_fallback", [rephrase(catalog, "平顶山")]),
        "city button": Conversation()
        .turn(
            "低空经济的企业有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [ask_city()],
            {"conversation": state(pending_question="低空经济的企业有补贴吗", aspect="amount")},
        )
        .turn(
            '/inform_city{"city": "滨州"}',
            "inform_city",
            "action_answer_policy",
            [not_found("滨州", "低空经济的企业有补贴吗", hotline="0543-12345")],
            {"conversation": state(city="滨州", question="低空经济的企业有补贴吗", aspect="amount"), "city": "滨州"},
            "滨州",
        ),
        "a city typed after an answer": Conversation()
        .turn("平顶山评上国家级小巨人奖多少", "ask_reward", "action_answer_policy", [card], answered_slots, "平顶山")
        .turn(
            "那三门峡呢",
            "inform_city",
            "action_answer_policy",
            [not_found("三门峡", "评上国家级小巨人奖多少")],
            {"conversation": state(city="三门峡", question="平顶山评上国家级小巨人奖多少"), "city": "三门峡"},
            "三门峡",
        ),
        "out of scope with a topic": Conversation().turn(
            "上市公司的股票明天会涨吗", "out_of_scope", "action_reply_out_of_scope", [out_of_scope(catalog)]
        ),
        "out of scope": Conversation().turn(
            "今天天气怎么样", "out_of_scope", "action_reply_out_of_scope", [out_of_scope(catalog)]
        ),
        "core fallback": Conversation().turn(
            "三门峡那个那个", "ask_reward", "action_default_fallback", [], city_entity="三门峡"
        ),
        "a city of ten days ago": Conversation(days_ago=10)
        .turn(
            "登封有低空经济补贴吗",
            "ask_reward",
            "action_answer_policy",
            [not_found("登封", "低空经济补贴")],
            {"conversation": state(city="登封", question="登封有低空经济补贴吗"), "city": "登封"},
            "登封",
        )
        .turn("zzz yyy", "nlu_fallback", "action_handle_fallback", [rephrase(catalog, "登封")], days_ago=0.1),
        "restarted": Conversation()
        .turn("平顶山评上国家级小巨人奖多少", "ask_reward", "action_answer_policy", [card], answered_slots, "平顶山")
        .turn("/restart", "restart", "action_restart", [])
        .turn("xx yy", "nlu_fallback", "action_handle_fallback", [rephrase(catalog)]),
        # Stored before bot messages carried their outcome: the words of nothing found, no metadata.
        "without outcomes": Conversation().turn(
            "滨州数字化改造有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [(not_found("滨州", "数字化改造有补贴吗")[0], None)],
            {"city": "滨州"},
            "滨州",
        ),
    }
    store(sqlite_store, *conversations.values())
    return conversations


def csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_one_row_per_unanswered_question_with_its_city_topic_and_reason(
    capsys, policy_db_url, tracker_file, stored, tmp_path
):
    out = tmp_path / "unanswered.csv"
    printed = report(capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", "7d", "--csv", str(out))
    rows = csv_rows(out)
    assert "已导出 8 个" in printed
    by_question = {row["问题"]: row for row in rows}
    assert set(by_question) == {
        "三明做低空经济有补贴吗",
        "qwe asdf zxcv",
        "低空经济的企业有补贴吗",  # the question the city button answered, not its payload
        "上市公司的股票明天会涨吗",
        "三门峡那个那个",
        "平顶山评上国家级小巨人奖多少",  # the question 「那三门峡呢」 asked again
        "zzz yyy",
        "xx yy",
    }
    assert (by_question["三明做低空经济有补贴吗"]["城市"], by_question["三明做低空经济有补贴吗"]["原因"]) == (
        "三明",
        "没有找到",
    )
    assert by_question["三明做低空经济有补贴吗"]["会话"] == stored["not found"].id
    assert by_question["qwe asdf zxcv"]["城市"] == "平顶山"  # the conversation's city at that point
    assert by_question["qwe asdf zxcv"]["原因"] == "没有理解"
    assert by_question["zzz yyy"]["城市"] == "登封"  # named ten days ago, before the report's week
    assert by_question["xx yy"]["城市"] == ""  # asked after /restart: the city is forgotten
    assert by_question["低空经济的企业有补贴吗"]["城市"] == "滨州"
    assert by_question["上市公司的股票明天会涨吗"]["主题"] == "上市"
    assert by_question["上市公司的股票明天会涨吗"]["原因"] == "判为超出范围"
    assert (by_question["三门峡那个那个"]["城市"], by_question["三门峡那个那个"]["原因"]) == ("三门峡", "没有理解")
    again = by_question["平顶山评上国家级小巨人奖多少"]
    assert (again["城市"], again["主题"], again["原因"]) == ("三门峡", '专精特新"小巨人"', "没有找到")
    times = [dt.datetime.fromisoformat(row["时间(UTC)"]) for row in rows]
    assert times == sorted(times) and all(NOW.replace(tzinfo=None) - t < dt.timedelta(days=1) for t in times)


def test_an_older_question_counts_in_a_longer_span(capsys, policy_db_url, tracker_file, stored, tmp_path):
    out = tmp_path / "month.csv"
    report(capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", "30d", "--csv", str(out))
    by_question = {row["问题"]: row for row in csv_rows(out)}
    assert len(by_question) == 9 and by_question["登封有低空经济补贴吗"]["城市"] == "登封"


def test_text_report_groups_by_city_and_topic_with_counts_and_examples(capsys, policy_db_url, tracker_file, stored):
    text = report(capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", "7d")
    assert "共 8 条（没有找到 3 条，没有理解 4 条，判为超出范围 1 条）" in text
    assert text.split("\n\n")[1].startswith("三门峡：2 条\n")  # the city with most unanswered first
    for city in ("三明", "滨州", "平顶山", "登封"):
        assert f"\n{city}：1 条\n" in text
    assert f"三明：1 条\n  {NO_TOPIC}：1 条\n    · 三明做低空经济有补贴吗（没有找到）" in text
    assert text.rstrip().endswith(
        f"城市不明：2 条\n  上市：1 条\n    · 上市公司的股票明天会涨吗（判为超出范围）\n  {NO_TOPIC}：1 条\n    · xx yy（没有理解）"
    )
    assert "平顶山：1 条\n  目录中没有的主题：1 条\n    · qwe asdf zxcv（没有理解）" in text  # its answer is not listed
    assert "天气" not in text  # out of scope indeed


def test_a_city_lists_its_most_asked_topic_first_with_three_shortened_examples(
    catalog, capsys, policy_db_url, tmp_path
):
    tracker_file = tmp_path / "many.db"
    tracker = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tracker_file))
    asked = [f"平顶山第{n}家低空经济企业有没有补贴，" + "具体说明" * 10 for n in range(4)] + [
        "平顶山上市奖励还有吗"
    ] * 2
    asked += ["平顶山技术改造有没有新的支持"]
    conversations = [
        Conversation().turn(
            q,
            "ask_reward",
            "action_answer_policy",
            [not_found("平顶山", q[3:])],
            {"conversation": state(city="平顶山", question=q), "city": "平顶山"},
        )
        for q in asked
    ]
    store(tracker, *conversations)
    text = report(capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", "24h")
    city = text.split("平顶山：7 条\n", 1)[1]
    topics = [line.strip() for line in city.splitlines() if line.startswith("  ") and not line.startswith("    ")]
    assert topics == ["上市：2 条", "技术改造：1 条", f"{NO_TOPIC}：4 条"]  # questions of no known topic last
    no_topic = city.split(f"{NO_TOPIC}：4 条\n", 1)[1].splitlines()
    assert len(no_topic) == 3 and all(line.endswith("…（没有找到）") for line in no_topic)
    assert all(len(line.strip()[2:].split("…")[0]) == MAX_EXAMPLE_CHARS for line in no_topic)
    assert city.count("平顶山上市奖励还有吗") == 1  # the same question twice is one example


def test_an_empty_span_says_so(capsys, policy_db_url, tracker_file, stored):
    text = report(
        capsys, policy_db_url, f"sqlite:///{tracker_file}", "--since", (NOW + dt.timedelta(days=1)).date().isoformat()
    )
    assert text.strip().endswith("没能回答的问题：没有。")


def test_csv_to_stdout_and_exit_codes(policy_db_url, tracker_file, stored, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "policy_db", "--database-url", policy_db_url, "report", *args],
            cwd=PROJECT_DIR,
            env=quiet_env(TRACKER_DATABASE_URL=f"sqlite:///{tracker_file}"),
            capture_output=True,
            timeout=120,
        )

    exported = run("--since", "7d", "--csv", "-")  # the store from TRACKER_DATABASE_URL
    assert exported.returncode == 0, exported.stderr.decode()
    assert exported.stdout.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(exported.stdout.decode("utf-8-sig"))))
    assert rows[0] == ["时间(UTC)", "会话", "城市", "主题", "原因", "问题"] and len(rows) == 9
    assert run("--since", "last week").returncode == 2
    missing = run("--tracker-url", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 2 and not (tmp_path / "none.db").exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    unusable = run("--tracker-url", f"sqlite:///{empty}")
    assert unusable.returncode == 3 and "events" in unusable.stderr.decode()


# -- where the tracker store is, and from when -------------------------------------------------------
def test_the_tracker_store_of_the_production_endpoints(monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    for name, value in {"DB_HOST": "db.internal", "DB_PORT": "6432", "DB_NAME": "rasa", "DB_USER": "bot"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DB_PASSWORD", "")
    assert tracker_url() == "postgresql://bot@db.internal:6432/rasa?connect_timeout=3"
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    assert tracker_url() == "postgresql://bot:s3cret@db.internal:6432/rasa?connect_timeout=3"
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:////tmp/rasa.db")
    assert tracker_url() == "sqlite:////tmp/rasa.db"
    assert tracker_url("postgresql://other/rasa") == "postgresql://other/rasa"


def test_an_unknown_tracker_store_names_the_variables_to_set(monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    for name in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DB_HOST", "db.internal")
    with pytest.raises(TrackerStoreUnknown, match="DB_NAME、DB_PASSWORD、DB_PORT、DB_USER"):
        tracker_url()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", dt.datetime(2026, 11, 14, 12, 0, tzinfo=dt.timezone.utc)),
        ("24h", dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)),
        ("30d", dt.datetime(2026, 10, 22, 12, 0, tzinfo=dt.timezone.utc)),
        ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)),
        ("2026-11-01T08:00+08:00", dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)),
    ],
)
def test_since(text, expected):
    assert parse_since(text, now=dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc)) == expected


# -- PostgreSQL ----------------------------------------------------------------------------------------
@pytest.fixture()
def postgres_schema(monkeypatch):
    """A fresh schema for Rasa's events table (POSTGRESQL_SCHEMA), dropped afterwards."""
    try:
        connection = pg_connect(POSTGRES_URL, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    schema = f"report_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"create schema {schema}")
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    try:
        yield schema
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"drop schema if exists {schema} cascade")
        connection.close()


def test_a_postgresql_tracker_store_read_through_the_production_variables(
    catalog, capsys, policy_db_url, postgres_schema, monkeypatch
):
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    tracker = SQLTrackerStore(
        DOMAIN,
        dialect="postgresql",
        host=url.host,
        port=url.port or 5432,
        db=url.database,
        username=url.username,
        password=url.password,
    )
    store(
        tracker,
        Conversation().turn(
            "滨州低空经济有补贴吗",
            "ask_reward",
            "action_answer_policy",
            [not_found("滨州", "低空经济有补贴吗")],
            {"conversation": state(city="滨州", question="滨州低空经济有补贴吗"), "city": "滨州"},
            "滨州",
        ),
    )
    tracker.engine.dispose()
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    for name, value in {
        "DB_HOST": url.host or "127.0.0.1",
        "DB_PORT": str(url.port or 5432),
        "DB_NAME": url.database or "postgres",
        "DB_USER": url.username or "postgres",
        "DB_PASSWORD": url.password or "",
    }.items():
        monkeypatch.setenv(name, value)
    code = main(["--database-url", policy_db_url, "report", "--since", "1d"])
    output = capsys.readouterr()
    assert code == 0, output.err
    assert "滨州：1 条" in output.out and "滨州低空经济有补贴吗（没有找到）" in output.out
