"""The sixth city of tests/fixtures/sixth_city, added to a temporary copy of the project (devservers.project_copy)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from devservers.processes import PROJECT_DIR
from devservers.project_copy import DATA_DIR, ProjectCopy

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "sixth_city"


@dataclass(frozen=True)
class SixthCity:
    """The fixture city: its cities.yml entry and its document's records."""

    entry: dict
    document: dict

    @property
    def name(self) -> str:
        return self.entry["name"]

    @property
    def places(self) -> list[str]:
        names = [
            self.name,
            self.entry.get("full_name", self.name),
            *self.entry.get("aliases", []),
            *self.entry.get("counties", []),
        ]
        return names + [n[:-1] for n in names if n[-1] in "市县区" and len(n) >= 3]

    def benefit(self, key: str) -> dict:
        return next(b for b in self.document["benefits"] if b["id"] == key)

    @property
    def own_words(self) -> set[str]:
        """Words only this city's files bring: places, topics and synonyms, departments, enterprise types."""
        words = set(self.places)
        for topic in self.document.get("topics") or []:
            words |= {topic["name"], *topic.get("synonyms", [])}
        for department in self.document.get("departments") or []:
            words |= {department["name"], *department.get("aliases", [])}
        return words


def sixth_city() -> SixthCity:
    entry = yaml.safe_load((FIXTURE_DIR / "cities_entry.yml").read_text(encoding="utf-8"))[0]
    document = yaml.safe_load((FIXTURE_DIR / "documents" / "luzhou.yml").read_text(encoding="utf-8"))
    return SixthCity(entry, document)


def add_sixth_city(root: Path) -> None:
    """What a policy officer does: the official text, its records, and one entry in cities.yml."""
    copy = ProjectCopy(root, root)
    copy.add_city(
        (FIXTURE_DIR / "cities_entry.yml").read_text(encoding="utf-8"), FIXTURE_DIR / "sources" / "luzhou.txt"
    )
    shutil.copy2(FIXTURE_DIR / "documents" / "luzhou.yml", root / DATA_DIR / "documents" / "luzhou.yml")


HAND_EDITED = {"policy_db/sources/luzhou.txt", "policy_db/data/documents/luzhou.yml", "policy_db/data/cities.yml"}
