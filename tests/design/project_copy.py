"""A temporary copy of the project's data and configuration, and the sixth city of tests/fixtures/sixth_city.

Only what a data change touches is copied (the curated data, the source texts, the Rasa configuration,
domain and training data, the jieba dictionary); the code is the repository's, pointed at the copy through
`POLICY_DATA_DIR` / `POLICY_SOURCES_DIR` and the generator's `--project-dir`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "sixth_city"
COPIED = ("policy_db/data", "policy_db/sources", "config.yml", "domain.yml", "data", "bot/jieba_dict")
GENERATED = ("data/nlu/generated/lookups.yml", "data/nlu/generated/templates.yml", "bot/jieba_dict/policy_terms.txt")
DATA_DIR = Path("policy_db/data")
SOURCES_DIR = Path("policy_db/sources")


def copy_project(root: Path) -> Path:
    for name in COPIED:
        source, target = PROJECT_DIR / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return root


def changed_files(root: Path) -> set[str]:
    """Files of the copy that differ from (or are not in) the repository, relative to the copy."""
    changed = set()
    for name in COPIED:
        paths = [root / name] if (root / name).is_file() else sorted((root / name).rglob("*"))
        for path in paths:
            if path.is_file():
                relative = path.relative_to(root)
                original = PROJECT_DIR / relative
                if not original.is_file() or original.read_bytes() != path.read_bytes():
                    changed.add(relative.as_posix())
    return changed


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
    shutil.copy2(FIXTURE_DIR / "sources" / "luzhou.txt", root / SOURCES_DIR / "luzhou.txt")
    shutil.copy2(FIXTURE_DIR / "documents" / "luzhou.yml", root / DATA_DIR / "documents" / "luzhou.yml")
    cities = root / DATA_DIR / "cities.yml"
    text = cities.read_text(encoding="utf-8")
    cities.write_text(
        text.rstrip("\n") + "\n" + (FIXTURE_DIR / "cities_entry.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )


HAND_EDITED = {"policy_db/sources/luzhou.txt", "policy_db/data/documents/luzhou.yml", "policy_db/data/cities.yml"}
