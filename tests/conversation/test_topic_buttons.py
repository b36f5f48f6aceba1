"""The kinds of help offered once a city is chosen: each button leads to a list with a figure of that city.

The buttons come from the catalogue (actions/answering/introduction.py topic_buttons), so a city is never
offered a kind of help it has no valid record of, and every button is asked here through the trained bot."""

from __future__ import annotations

import re

import pytest

from policy_db.query import PolicyRepository
from policy_db.vocabulary import load_categories
from tests.support.conversations import new_sender

FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|%|个月|个工作日|年)")


@pytest.fixture(scope="module")
def catalog(policy_db_url):
    from policy_db.db import make_engine

    return PolicyRepository(make_engine(policy_db_url)).catalog()


def test_each_citys_topic_buttons_lead_to_a_figure_of_that_city(bot, catalog):
    labels = {c.label for c in load_categories()}
    offered_somewhere = 0
    for city in [c.name for c in catalog.cities]:
        sender = new_sender()
        chosen = bot.say(sender, city)
        buttons = [b for m in chosen.messages for b in m.get("buttons", [])]
        assert buttons, f"{city}: no kinds of help offered: {chosen.text}"
        assert all(b["title"] in labels for b in buttons), buttons
        kinds = {c.label: c.key for c in load_categories()}
        for button in buttons:
            reply = bot.text(sender, button["payload"])
            assert city in reply and "没有找到" not in reply, (city, button, reply)
            if any(b.figures for b in catalog.in_city(city) if b.category == kinds[button["title"]] and not b.is_fact):
                assert FIGURE.search(reply), (city, button, reply)
        offered_somewhere += len(buttons)
    assert offered_somewhere > len(catalog.cities)  # more than one kind of help for some city


def test_a_kind_of_help_a_city_has_no_valid_record_of_is_not_offered(bot, catalog):
    import datetime as dt

    today = dt.date.today()
    for city in [c.name for c in catalog.cities]:
        has = {b.category for b in catalog.in_city(city) if not b.is_fact and not b.is_expired(today) and b.figures}
        if not has:
            continue  # every record expired: the kinds of its expired records are offered
        missing = [c.label for c in load_categories() if c.key not in has and not c.catch_all]
        if not missing:
            continue
        chosen = bot.say(new_sender(), city)
        titles = {b["title"] for m in chosen.messages for b in m.get("buttons", [])}
        assert not titles & set(missing), (city, titles, missing)
        return
    pytest.skip("every city has every kind of help")
