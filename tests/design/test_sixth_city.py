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
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from devservers import LOG_DIR, ActionServer, PageServer, RasaServer, quiet_env
from tests.design.project_copy import (
    DATA_DIR,
    GENERATED,
    HAND_EDITED,
    PROJECT_DIR,
    SOURCES_DIR,
    SixthCity,
    add_sixth_city,
    changed_files,
    copy_project,
    sixth_city,
)

pytestmark = pytest.mark.slow

RASA = Path(sys.executable).parent / "rasa"
TRAIN_TIMEOUT_S = 600


@dataclass
@dataclass
class Deployment:
    root: Path
    hand_edited: set[str]
    generated: set[str]
    city: SixthCity
    rasa: RasaServer
    page: PageServer


def _run(command: list[str], env: dict[str, str], cwd: Path, log: Path, timeout: float) -> None:
    with log.open("w") as out:
        done = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"{' '.join(map(str, command[:4]))} failed (log: {log})\n{tail}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("sixth-city"))
    add_sixth_city(root)
    hand_edited = changed_files(root)
    work = tmp_path_factory.mktemp("sixth-city-run")
    database_url = f"sqlite:///{work / 'policy.db'}"
    env = quiet_env(
        DATABASE_URL=database_url,
        POLICY_DATA_DIR=str(root / DATA_DIR),
        POLICY_SOURCES_DIR=str(root / SOURCES_DIR),
        PYTHONPATH=str(PROJECT_DIR),
    )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    _run([python, "-m", "policy_db", "build"], env, PROJECT_DIR, LOG_DIR / "test-sixth-city-build.log", 300)
    _run(
        [python, "-m", "bot.nlu_resources", "--project-dir", str(root)],
        env,
        PROJECT_DIR,
        LOG_DIR / "test-sixth-city-nlu.log",
        300,
    )
    generated = changed_files(root) - hand_edited
    # Rasa reads config.yml, domain.yml, data/ and bot/jieba_dict of the copy (cwd); the code is the repository's.
    _run(
        [
            str(RASA),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(work / "models"),
            "--fixed-model-name",
            "sixth-city",
        ],
        env,
        root,
        LOG_DIR / "test-sixth-city-train.log",
        TRAIN_TIMEOUT_S,
    )
    server_env = {key: env[key] for key in ("DATABASE_URL", "POLICY_DATA_DIR", "POLICY_SOURCES_DIR")}
    actions = ActionServer(env=server_env, name="test-sixth-city-actions").start()
    rasa = page = None
    try:
        rasa = RasaServer(
            action_url=actions.url,
            env=server_env,
            workdir=work,
            name="test-sixth-city-rasa",
            model=work / "models" / "sixth-city.tar.gz",
        ).start()
        page = PageServer(env=server_env, name="test-sixth-city-page").start()
        yield Deployment(root, hand_edited, generated, sixth_city(), rasa, page)
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
