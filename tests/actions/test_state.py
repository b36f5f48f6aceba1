"""The conversation state's round trip through the tracker, and what a forged or stale slot becomes."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from actions.answering.state import (
    STATE_SLOT,
    ConversationState,
    state_events,
    state_from_slot,
    state_to_slot,
)
from policy_db.eligibility import EnterpriseProfile
from policy_db.user_figures import UserFigure
from policy_db.vocabulary import load_vocabulary


def _figure(value: str, basis: str | None, kind: str = "money") -> UserFigure:
    return UserFigure(kind, Decimal(value), "x", 0, 0, basis, None, basis)


def test_a_full_state_survives_the_tracker(catalog):
    keys = [b.key for b in catalog.in_city("平顶山")[:3]]
    state = ConversationState(
        city="平顶山",
        level="省级",
        topics=("专精特新",),
        subject=tuple(keys[:1]),
        aspect="contact",
        figures=(_figure("60000000", "营业收入"), _figure("0.035", "LPR", "rate")),
        profile=EnterpriseProfile(
            city="平顶山",
            enterprise_types=frozenset({"个体工商户"}),
            revenue_yuan=Decimal("48000000"),
            measures=frozenset({("quarterly_sales", Decimal("520000")), ("contract_years", Decimal("0.5"))}),
        ),
        listed=tuple(keys),
        question="鹰城省里认定的专精特新企业奖金是多少",
        pending_question=None,
        compared=tuple(keys[1:]),
    )
    stored = json.loads(json.dumps(state_to_slot(state)))  # what a tracker store keeps is JSON
    again = state_from_slot(stored, catalog, load_vocabulary())
    assert again == state
    assert again.figures[0].value == Decimal("60000000") and again.figures[0].basis == "营业收入"
    assert again.profile.revenue_yuan == Decimal("48000000")


def test_figures_are_stored_as_values_not_text(catalog):
    stored = state_to_slot(ConversationState(figures=(_figure("1200000000", "融资额"),)))
    assert stored["figures"] == [
        {"kind": "money", "value": "1200000000", "text": "x", "basis": "融资额", "qualifier": None, "word": "融资额"}
    ]


def test_forged_values_count_as_absent(catalog):
    forged = {
        "city": "火星",
        "level": "宇宙级",
        "subject": ["no-such-record", 7],
        "aspect": "rm -rf",
        "figures": [{"kind": "money", "value": "-5"}, {"kind": "money", "value": "1e999999"}, "x"],
        "profile": {"revenue_yuan": "NaN", "headcount": True, "enterprise_types": "个体户"},
        "topics": ["不存在的话题"],
    }
    state = state_from_slot(forged, catalog, load_vocabulary())
    assert state == ConversationState()


def test_rasas_city_slot_fills_a_state_without_a_city(catalog):
    assert state_from_slot(None, catalog, load_vocabulary(), "邹平").city == "滨州"


def test_only_a_change_is_written():
    state = ConversationState(city="三明")
    assert state_events(state, state) == []
    events = state_events(state, state.updated(city="滨州"))
    assert [e["name"] for e in events] == [STATE_SLOT, "city"]
    assert events[0]["value"]["city"] == "滨州"


def test_updated_takes_records_or_keys(catalog):
    records = catalog.in_city("三明")[:2]
    assert ConversationState().updated(subject=records).subject == tuple(r.key for r in records)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=8), c),
        max_leaves=20,
    )
)
def test_any_slot_value_reads_without_error(catalog, value):
    state = state_from_slot(value, catalog, load_vocabulary())
    assert isinstance(state, ConversationState)
