"""The page's city list and example questions come from the policy database (serve.py's /catalogue.js)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from devservers import PageServer

CATALOGUE_LINE = re.compile(r"window\.POLICY_CATALOGUE = Object\.freeze\((.*)\);")


def _catalogue(base: str) -> dict | None:
    with urllib.request.urlopen(base + "/catalogue.js", timeout=30) as reply:
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/javascript")
        body = reply.read().decode("utf-8")
    match = CATALOGUE_LINE.search(body)
    assert match, body
    assert match.group(1).isascii()  # \u escapes only: no text of the data can end the script early
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page(policy_db_url):
    server = PageServer(env={"DATABASE_URL": policy_db_url}).start()
    yield server.url
    server.stop()


def test_the_page_lists_every_city_of_the_database_and_real_questions(page, catalog, policy_data):
    catalogue = _catalogue(page)
    assert catalogue["cities"] == [city.name for city in policy_data.cities]
    examples = catalogue["examples"]
    assert len(examples) >= 3
    assert len(set(examples)) == len(examples)
    for question in examples:
        assert question.endswith("？")
        # each names one city of the catalogue and one of its topics
        assert len(catalog.cities_in(question)) == 1, question
        assert catalog.topics_in(question), question
    # one question per city (that each is answered with its figure: tests/actions/test_introduction.py)
    assert len({catalog.cities_in(q)[0] for q in examples}) == len(examples)


def test_without_a_database_the_page_still_loads_with_no_catalogue(tmp_path):
    server = PageServer(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'missing.db'}"}).start()
    try:
        assert _catalogue(server.url) is None
        with urllib.request.urlopen(server.url + "/", timeout=10) as reply:
            assert reply.status == 200
    finally:
        server.stop()
