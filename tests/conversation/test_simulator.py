"""A conversation simulator: conversations generated from the catalogue, run in process through the real
actions (no servers), checking invariants that hold whatever the wording.

Every city × topic × aspect is asked; each opening is followed by follow-ups that change one thing (the
aspect, the city, a figure given late), small talk in between (Rasa answers 谢谢 without an action, so the
state is untouched) and short cue messages through the fallback action. Invariants:

* a card only ever shows records of the city asked (no other city's figure);
* a follow-up changes only what it names: after 「那X呢」 the subject is X's, after 「找谁办」 it is the same;
* with a subject in the state, a cue message is never answered 「没太明白」 or out of scope;
* a measure whose period has passed is never called valid;
* a figure given late is computed for the subject with the calculator's result;
* a verdict is never 符合 when a typed requirement is contradicted by what the owner said;
* a total equals the sum of its listed parts.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest

import actions.answering.action_base as action_base
from actions.answering.introduction import topic_word
from actions.answering.punctuation import full_width
from actions.fallback import ActionHandleFallback
from actions.policy_answer import ActionAnswerPolicy
from policy_db import clock, outcomes
from policy_db.calculator import Calculation, calculate
from policy_db.money import format_yuan
from policy_db.user_figures import read_figures
from policy_db.validity import ENDED, validity_of
from tests.conftest import TODAY
from tests.support.in_process import Conversation

ANSWER = ActionAnswerPolicy()
FALLBACK = ActionHandleFallback()
ASPECTS = [
    ("奖多少", "ask_reward"),
    ("找哪个部门", "ask_contact"),
    ("需要什么条件", "ask_condition"),
    ("现在还能申请吗", "ask_validity"),
    ("怎么申请", "ask_contact"),
]
FOLLOW_UPS = [
    ("谢谢", None),
    ("找谁办", "ask_contact"),
    ("能拿多少钱", "nlu_fallback"),
    ("啥时候截止", "ask_validity"),
    ("行吗", "nlu_fallback"),
    ("多久", "nlu_fallback"),
]
NOT_ANSWERED = (outcomes.OUT_OF_SCOPE, outcomes.NOT_UNDERSTOOD)
CARD_CITY = re.compile(r"【(.+?)】")
MIN_CONVERSATIONS = 2000


@pytest.fixture(autouse=True)
def in_process(monkeypatch, repository):
    monkeypatch.setattr(action_base, "current_catalog", repository.catalog)
    monkeypatch.delenv("WEB_PUBLIC_URL", raising=False)
    with clock.fixed(TODAY):
        yield


def _openings(catalog):
    """(city, question, intent) for every city × topic × aspect the catalogue has."""
    for city in catalog.cities:
        topics = sorted({t for b in catalog.in_city(city.name) if not b.is_fact for t in b.topics})
        for topic, (aspect, intent) in itertools.product(topics, ASPECTS):
            yield city.name, f"{city.name}{topic_word(topic)}{aspect}", intent


def _cities_shown(text: str) -> set[str]:
    return set(CARD_CITY.findall(text))


def test_generated_conversations_keep_their_invariants(catalog):
    others = {c.name: [o.name for o in catalog.cities if o.name != c.name] for c in catalog.cities}
    violations: list[str] = []
    conversations = 0
    for number, (city, question, intent) in enumerate(_openings(catalog)):
        # The follow-up each conversation gets rotates, so every kind meets every topic and aspect.
        for follow_up, follow_intent in (
            FOLLOW_UPS[number % len(FOLLOW_UPS)],
            FOLLOW_UPS[(number + 3) % len(FOLLOW_UPS)],
        ):
            conversations += 1
            chat = Conversation()
            first = chat.ask(ANSWER, question, intent)
            shown = _cities_shown(first.text) - {city}
            if shown:
                violations.append(f"{question}: shows {shown}")
            subject = catalog.get(chat.state.get("subject") or [])
            for record in subject:
                if record.city != city:
                    violations.append(f"{question}: subject of {record.city}")
            if (
                subject
                and validity_of(subject[0], TODAY).state == ENDED
                and "仍在有效期内" in first.text.split("相关政策")[0]
            ):
                violations.append(f"{question}: an ended measure called valid")
            if follow_intent is None:  # small talk: no action runs, the state stays
                continue
            action = FALLBACK if follow_intent == "nlu_fallback" else ANSWER
            turn = chat.ask(action, follow_up, follow_intent)
            if subject and any(o in NOT_ANSWERED for o in turn.outcomes):
                violations.append(f"{question} → {follow_up}: {turn.outcomes}")
            if subject and _cities_shown(turn.text) - {city}:
                violations.append(f"{question} → {follow_up}: another city's card")
            units = [full_width(d) for d in subject[0].departments[:1]] if subject else []
            if subject and follow_up == "找谁办" and not any(d in turn.text for d in units or ["文件未列明"]):
                violations.append(f"{question} → 找谁办: no responsible unit of the subject")
        # A city change moves the subject to that city only.
        other = others[city][number % len(others[city])]
        chat = Conversation()
        chat.ask(ANSWER, question, intent)
        if chat.state.get("subject"):
            conversations += 1
            turn = chat.ask(ANSWER, f"那{other}呢", "inform_city", [{"entity": "city", "value": other}])
            moved = catalog.get(chat.state.get("subject") or [])
            if moved and moved[0].city != other:
                violations.append(f"{question} → 那{other}呢: subject of {moved[0].city}")
            if _cities_shown(turn.text) - {other}:
                violations.append(f"{question} → 那{other}呢: shows {_cities_shown(turn.text) - {other}}")
    assert conversations >= MIN_CONVERSATIONS, conversations
    assert not violations, "\n".join(violations[:30])


def _basis_word(record) -> str | None:
    from policy_db.figure_bases import load_vocabulary

    vocabulary = load_vocabulary()
    bases = [term.base for term in record.formula.terms if term.base] if record.formula else []
    bases += [record.tier.basis] if record.tier else []
    for base in bases:
        found = vocabulary.base_for(base) or vocabulary.get(base)
        if found is not None and found.kind == "money":
            return next((w for w, b in vocabulary.words if b.name == found.name and len(w) > 1), None)
    return None


@pytest.mark.parametrize("amount_wan", [300, 5000, 120000])
def test_a_figure_given_late_is_computed_for_the_subject(catalog, amount_wan):
    checked = 0
    for record in catalog.benefits:
        word = _basis_word(record)
        if record.is_fact or word is None or len(record.formula.terms if record.formula else [1]) != 1:
            continue
        chat = Conversation()
        chat.ask(ANSWER, f"{record.city}{record.name}", record.category and "ask_reward")
        if catalog.get(chat.state.get("subject") or [])[:1] != [record]:
            continue
        said = f"我们{word}{amount_wan}万"
        turn = chat.ask(FALLBACK, said, "nlu_fallback")
        expected = calculate(record, read_figures(said))
        if isinstance(expected, Calculation):
            checked += 1
            assert expected.amount_text in turn.text, (record.key, said, turn.text[:200])
    assert checked >= 3


def test_a_verdict_is_never_yes_against_a_contradicted_requirement(catalog):
    checked = 0
    for record in catalog.benefits:
        types = [r for r in record.requires if r.field == "enterprise_type" and "工业企业" in r.value]
        if not types or record.is_fact or any(w in record.name for w in ("制造", "工业", "工厂")):
            continue  # a name that itself says 制造业 would be read as the owner's own words (see README)
        chat = Conversation()
        turn = chat.ask(ANSWER, f"我们是{record.city}一家做批发的商贸公司，{record.name}能拿吗", "ask_reward")
        if chat.state.get("subject", [None])[0] == record.key:
            checked += 1
            assert not turn.texts[0].startswith("符合"), (record.key, turn.texts[0][:120])
    assert checked >= 1


def test_a_total_equals_the_sum_of_its_parts(catalog):
    checked = 0
    for record in catalog.benefits:
        if not record.in_addition_to or record.is_fact:
            continue
        chat = Conversation()
        chat.ask(ANSWER, f"{record.city}{record.name}", "ask_reward")
        turn = chat.ask(ANSWER, "加起来一共多少", "ask_reward")
        lines = turn.texts[0].splitlines()
        if not lines[0].startswith("合计"):
            continue
        checked += 1
        total = _wan(lines[0])
        parts = [_wan(line.rsplit("：", 1)[1]) for line in lines if line.startswith("· ") and "未计入" not in line]
        assert abs(sum(parts) - total) < Decimal("0.0001"), turn.texts[0]
    assert checked >= 1


def _wan(text: str) -> Decimal:
    match = re.search(r"([0-9.]+)(万元|元)", text)
    assert match, text
    value = Decimal(match.group(1))
    return value if match.group(2) == "万元" else value / 10000


def test_format_of_amounts_matches_the_calculator():
    assert format_yuan(Decimal("3000000")) == "300万元"
