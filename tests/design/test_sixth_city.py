"""A sixth city takes three hand-edited files; everything else is derived.

In a temporary copy of the project's data and configuration, tests/fixtures/sixth_city adds a city
through its official text, its records and one cities.yml entry. Then, as an operator would: build
the database, generate the NLU resources, train a model, start the action server, the Rasa server
and the page server on them, and ask. The new city's figure and 责任单位 come back, the greeting,
the capabilities text and the web page name it, and no other file was edited by hand.

Slow (it trains a model: about a minute on two cores, a few under load): deselect with -m "not slow".
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from devservers import ActionServer, PageServer, RasaServer
from devservers.project_copy import DATA_DIR, GENERATED, ProjectCopy, changed_files
from tests.design.sixth_city import HAND_EDITED, SixthCity, add_sixth_city, sixth_city

pytestmark = pytest.mark.slow

TRAIN_TIMEOUT_S = 600


@dataclass
class Deployment:
    root: Path
    hand_edited: set[str]
    generated: set[str]
    city: SixthCity
    rasa: RasaServer
    page: PageServer


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    copy = ProjectCopy.create(
        tmp_path_factory.mktemp("sixth-city"), tmp_path_factory.mktemp("sixth-city-run"), name="test-sixth-city"
    )
    add_sixth_city(copy.root)
    hand_edited = changed_files(copy.root)
    copy.build(timeout=300)
    copy.generate(timeout=300)
    generated = changed_files(copy.root) - hand_edited
    copy.train("sixth-city", timeout=TRAIN_TIMEOUT_S)
    server_env = copy.server_env()
    actions = ActionServer(env=server_env, name="test-sixth-city-actions").start()
    rasa = page = None
    try:
        rasa = RasaServer(
            action_url=actions.url,
            env=server_env,
            workdir=copy.work,
            name="test-sixth-city-rasa",
            model=copy.model("sixth-city"),
        ).start()
        page = PageServer(env=server_env, name="test-sixth-city-page").start()
        yield Deployment(copy.root, hand_edited, generated, sixth_city(), rasa, page)
    finally:
        for server in (page, rasa, actions):
            if server is not None:
                server.stop()


def _figures_and_departments(city: SixthCity, key: str) -> tuple[list[str], list[str]]:
    benefit = city.benefit(key)
    return [f["text"] for f in benefit["figures"]], benefit["departments"]


def _full_width(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def test_the_city_took_three_hand_edited_files_and_the_rest_was_generated(deployment):
    assert deployment.hand_edited == HAND_EDITED
    assert deployment.generated <= set(GENERATED)
    assert "data/nlu/generated/lookups.yml" in deployment.generated  # its places are now lookups


def test_a_question_about_the_new_city_gets_its_figure_and_departments(deployment):
    city, rasa = deployment.city, deployment.rasa
    figures, departments = _figures_and_departments(city, "lz-new-above-scale-reward")
    answer = rasa.text("sixth-city-1", f"{city.name}首次升规能奖多少")
    assert f"【{city.name}】" in answer, answer
    assert figures[0] in answer, answer
    for department in departments:
        assert _full_width(department) in answer, answer


def test_a_county_of_the_new_city_is_read_as_the_city(deployment):
    city, rasa = deployment.city, deployment.rasa
    county = city.entry["counties"][0]
    parsed = requests.post(
        f"{rasa.url}/model/parse",
        params={"token": rasa.api_token},
        json={"text": f"我们在{county}，技改能补多少"},
        timeout=30,
    ).json()
    assert {"entity": "city", "value": city.name} in [
        {"entity": e["entity"], "value": e["value"]} for e in parsed["entities"]
    ], parsed["entities"]
    figures, departments = _figures_and_departments(city, "lz-tech-upgrade-reward")
    answer = rasa.text("sixth-city-2", f"我们在{county}，技改能补多少")
    assert f"【{city.name}】" in answer and all(f in answer for f in figures[1:]), answer
    assert all(_full_width(d) in answer for d in departments), answer


def test_the_greeting_and_the_capabilities_name_the_new_city(deployment):
    city, rasa = deployment.city, deployment.rasa
    cities = yaml.safe_load((deployment.root / DATA_DIR / "cities.yml").read_text(encoding="utf-8"))["cities"]
    greeting = rasa.text("sixth-city-3", "你好")
    capabilities = rasa.text("sixth-city-3", "你都能回答些什么")
    for text in (greeting, capabilities):
        assert city.name in text, text
        assert all(entry["name"] in text for entry in cities), text  # every city, the new one last
        assert text.index(city.name) > max(text.index(entry["name"]) for entry in cities[:-1])


def test_the_page_lists_the_new_city_and_asks_about_it(deployment):
    city, rasa = deployment.city, deployment.rasa
    with urllib.request.urlopen(deployment.page.url + "/catalogue.js", timeout=30) as reply:
        script = reply.read().decode("utf-8")
    catalogue = json.loads(re.search(r"Object\.freeze\((.*)\);", script).group(1))
    assert catalogue["cities"][-1] == city.name and len(catalogue["cities"]) >= 2
    question = next(q for q in catalogue["examples"] if q.startswith(city.name))
    answer = rasa.text("sixth-city-4", question)
    assert f"【{city.name}】" in answer, (question, answer)
    record = next(b for b in city.document["benefits"] if any(f["text"] in answer for f in b["figures"]))
    assert all(_full_width(d) in answer for d in record["departments"]), (question, answer)
