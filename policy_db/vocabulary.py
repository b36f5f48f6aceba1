"""The domain words questions are read with, loaded from policy_db/data/vocabulary.yml.

One home for aspect words, recognition levels, generic words, list-choice words and places outside
the database, so a policy officer can add 「搞到哪天」 as a validity word without touching Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.yml"


@dataclass(frozen=True)
class Aspect:
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    name: str
    words: tuple[str, ...]


CAP_FOCUS = "上限"  # what a question asking for the ceiling (cap_words) focuses on: the cap figure


@dataclass(frozen=True)
class Vocabulary:
    aspects: tuple[Aspect, ...]
    levels: tuple[Level, ...]
    generic_words: frozenset[str]
    ordinal_prefix: tuple[str, ...]
    ordinal_suffix: tuple[str, ...]
    first_words: tuple[str, ...]
    last_words: tuple[str, ...]
    other_places: tuple[str, ...]
    cap_words: tuple[str, ...] = ()
    document_nouns: tuple[str, ...] = ()
    contrast_starts: tuple[str, ...] = ()
    contrast_ends: tuple[str, ...] = ()
    category_words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (category, words)

    def contrasts(self, text: str) -> bool:
        """「那…呢」: the message sets its subject against the last one."""
        text = text.strip().rstrip("?？!！。.~")
        return text.startswith(self.contrast_starts) or text.endswith(self.contrast_ends)

    @property
    def aspect_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.aspects)


def _words(value) -> tuple[str, ...]:
    return tuple(str(w) for w in (value or ()))


def parse_vocabulary(raw: dict) -> Vocabulary:
    choices = raw.get("choices") or {}
    return Vocabulary(
        aspects=tuple(Aspect(str(a["name"]), _words(a.get("words"))) for a in raw.get("aspects") or ()),
        levels=tuple(Level(str(lv["name"]), _words(lv.get("words"))) for lv in raw.get("levels") or ()),
        generic_words=frozenset(_words(raw.get("generic_words"))),
        ordinal_prefix=_words(choices.get("ordinal_prefix")),
        ordinal_suffix=_words(choices.get("ordinal_suffix")),
        first_words=_words(choices.get("first_words")),
        last_words=_words(choices.get("last_words")),
        other_places=_words(raw.get("other_places")),
        cap_words=_words(raw.get("cap_words")),
        document_nouns=_words(raw.get("document_nouns")),
        contrast_starts=_words((raw.get("contrast_markers") or {}).get("starts")),
        contrast_ends=_words((raw.get("contrast_markers") or {}).get("ends")),
        category_words=tuple((str(c), _words(w)) for c, w in (raw.get("category_words") or {}).items()),
    )


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    return parse_vocabulary(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
