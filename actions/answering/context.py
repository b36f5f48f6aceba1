"""What the user is asking, read from the tracker: the message, its city and topics, and memory."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rasa_sdk import Tracker

from policy_db.money import find_money
from policy_db.query import Catalog

from .places import unknown_city

INTENT_CATEGORY = {
    "ask_reward": "reward",
    "ask_finance": "finance",
    "ask_social_insurance": "social_insurance",
    "ask_tax_fee": "tax_fee",
    "ask_rent_utility": "rent_utility",
    "ask_policy_other": "other",
}
MAX_QUESTION_CHARS = 500  # longer messages are cut before search: enough for any real question


@dataclass
class Question:
    text: str
    intent: str | None
    category: str | None
    city: str | None  # named in this message (city, alias or county)
    other_city: str | None  # a city we do not cover, named in this message
    topics: list[str]
    figure_yuan: Decimal | None
    remembered_city: str | None
    last_question: str | None
    last_aspect: str | None
    figure_in_message: bool = False
    figure_text: str = ""  # the words the figure was given with (this message or an earlier one)
    last_topics: list[str] = field(default_factory=list)
    last_benefits: list[str] = field(default_factory=list)
    pending_question: str | None = None

    @property
    def effective_city(self) -> str | None:
        return self.city or self.remembered_city


def read_question(tracker: Tracker, catalog: Catalog, text: str | None = None) -> Question:
    """Read the latest message (or `text`, when re-asking a remembered question) in context."""
    message = tracker.latest_message or {}
    raw_text = (text if text is not None else message.get("text")) or ""
    raw_text = raw_text.strip()[:MAX_QUESTION_CHARS]
    intent = (message.get("intent") or {}).get("name")
    entities = (message.get("entities") or []) if text is None else []

    city = None
    for entity in entities:
        if entity.get("entity") == "city":
            city = catalog.resolve_city(str(entity.get("value")))
            if city:
                break
    if city is None:
        named = catalog.cities_in(raw_text)
        city = named[0] if named else None
    other = unknown_city(raw_text) if city is None else None

    # The text is matched against the same vocabulary the NLU lookup tables come from, with
    # longest-match disambiguation; entity values only help when the text itself has no topic
    # (a button payload such as /ask_reward{"topic": "小升规"}).
    topics = catalog.topics_in(raw_text)
    if not topics:
        for entity in entities:
            topic = catalog.canonical_topic(str(entity.get("value"))) if entity.get("entity") == "topic" else None
            if topic and topic not in topics:
                topics.append(topic)

    money = find_money(raw_text)
    remembered = tracker.get_slot("city")
    remembered = catalog.resolve_city(remembered) if remembered else None
    figure = tracker.get_slot("figure_yuan")
    return Question(
        text=raw_text, intent=intent, category=INTENT_CATEGORY.get(intent or ""),
        city=city, other_city=other, topics=topics,
        figure_yuan=money[0][1] if money else (Decimal(figure) if figure else None),
        figure_in_message=bool(money),
        figure_text=raw_text if money else (tracker.get_slot("figure_text") or ""),
        remembered_city=remembered,
        last_question=tracker.get_slot("last_question"), last_aspect=tracker.get_slot("last_aspect"),
        last_topics=list(tracker.get_slot("last_topics") or []),
        last_benefits=list(tracker.get_slot("last_benefits") or []),
        pending_question=tracker.get_slot("pending_question"),
    )


_ASPECT_WORDS = (
    ("contact", ("哪个部门", "找谁", "找哪", "联系", "责任单位", "哪里办", "去哪", "电话", "咨询谁", "负责")),
    ("validity", ("截止", "有效", "到期", "过期", "期限", "到什么时候", "还能申请", "失效", "执行到")),
    ("conditions", ("条件", "要求", "符合", "门槛", "资格", "需要什么", "要啥")),
)


def guess_aspect(text: str) -> str:
    """The aspect a message asks about, from its wording (used when intent confidence is low)."""
    for aspect, words in _ASPECT_WORDS:
        if any(word in text for word in words):
            return aspect
    return "amount"
