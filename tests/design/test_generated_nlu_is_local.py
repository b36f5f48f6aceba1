"""The generated NLU files change only where the data changed: a new topic or a new city adds (or takes
over) the lines that mention it, and no other line moves, so a data change reviews as a short diff."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

from bot.nlu_resources import outputs
from devservers.processes import PROJECT_DIR
from devservers.project_copy import DATA_DIR, GENERATED, SOURCES_DIR, copy_project
from policy_db.loader import load_policy_data
from tests.design.sixth_city import add_sixth_city, sixth_city

NEW_TOPIC = {"name": "数字化车间", "synonyms": ["智能车间", "数字车间"]}
YAML_STRUCTURE = re.compile(r"^\s*examples: \|$")  # the line under every new block's heading
CITY_SLOT = re.compile(r"\[[^\]]+\]\(city\)")


def _generate(root: Path) -> dict[str, list[str]]:
    data = load_policy_data(root / DATA_DIR, root / SOURCES_DIR)
    return {
        path.relative_to(root).as_posix(): text.splitlines()
        for path, text in outputs(data, root, root / DATA_DIR).items()
    }


def _changes(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before, after, lineterm="", n=0))
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    return added, removed


def _assert_local(before: dict[str, list[str]], after: dict[str, list[str]], words: set[str], city: str | None):
    assert before.keys() == after.keys() == set(GENERATED)
    touched = 0
    for name in GENERATED:
        added, removed = _changes(before[name], after[name])
        touched += len(added) + len(removed)
        for line in added:
            assert YAML_STRUCTURE.match(line) or any(w in line for w in words), f"{name}: unrelated line added: {line}"
        for line in removed:
            # Only a line the new city took over (the same example, now with the new city) may go.
            assert city and CITY_SLOT.sub(f"[{city}](city)", line) in added, f"{name}: unrelated line removed: {line}"
    assert touched, "the data change did not reach the generated files"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("baseline"))
    return _generate(root)


def test_the_generated_files_are_the_committed_ones(baseline):
    for name, lines in baseline.items():
        assert (PROJECT_DIR / name).read_text(encoding="utf-8").splitlines() == lines, (
            f"{name} is out of date: run python -m bot.nlu_resources"
        )


def test_one_more_topic_changes_only_its_lines(tmp_path, baseline):
    root = copy_project(tmp_path)
    topics_file = root / DATA_DIR / "topics.yml"
    topics = yaml.safe_load(topics_file.read_text(encoding="utf-8"))
    topics["topics"].append(NEW_TOPIC)
    topics_file.write_text(yaml.safe_dump(topics, allow_unicode=True), encoding="utf-8")
    # One benefit (the first reward of the first document) is also about the new topic.
    document_file = sorted((root / DATA_DIR / "documents").glob("*.yml"))[0]
    document = yaml.safe_load(document_file.read_text(encoding="utf-8"))
    benefit = next(b for b in document["benefits"] if b["category"] == "reward")
    benefit["topics"].append(NEW_TOPIC["name"])
    document_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    after = _generate(root)
    _assert_local(baseline, after, {NEW_TOPIC["name"], *NEW_TOPIC["synonyms"]}, city=None)
    assert any(NEW_TOPIC["name"] in line for line in after["data/nlu/generated/templates.yml"])


def test_a_sixth_city_changes_only_the_lines_that_mention_it(tmp_path, baseline):
    root = copy_project(tmp_path)
    add_sixth_city(root)
    city = sixth_city()
    after = _generate(root)
    _assert_local(baseline, after, city.own_words, city=city.name)
    lookups = "\n".join(after["data/nlu/generated/lookups.yml"])
    assert f"- synonym: {city.name}" in lookups
    for county in city.entry["counties"]:
        assert f"    - {county}" in lookups


def test_the_order_of_the_documents_does_not_change_the_output(tmp_path):
    root = copy_project(tmp_path)
    data = load_policy_data(root / DATA_DIR, root / SOURCES_DIR)
    forward = outputs(data, root, root / DATA_DIR)
    data.documents.reverse()
    assert outputs(data, root, root / DATA_DIR) == forward
