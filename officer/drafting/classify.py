"""A clause's category and topics, from the words the data already has.

Topics are only ever taken from the existing vocabulary: topics.yml and the `topics:` of the curated
documents (a topic matches when its name or a synonym stands in the clause). The draft never makes
up a topic; a topic it uses that topics.yml does not define is copied, with its synonyms, into the
draft's own `topics:` so the draft loads on its own. The category is the kind of help whose words
(vocabulary.yml `category_words`, and drafting.yml `reward_words` for rewards) occur most often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from policy_db.vocabulary import CATEGORIES_NAME, VOCABULARY_NAME, Categories, load_categories, load_vocabulary

from .words import drafting_words

_QUOTES = re.compile(r"[“”\"'‘’\s]")
MIN_WORD_CHARS = 2
MAX_TOPICS = 3
REWARD = "reward"


def _plain(text: str) -> str:
    return _QUOTES.sub("", text)


@dataclass(frozen=True)
class TopicVocabulary:
    """Topic name -> synonyms: the shared ones (topics.yml) and those only documents define."""

    shared: dict[str, tuple[str, ...]]
    documents: dict[str, tuple[str, ...]]

    @classmethod
    def from_data(cls, data_dir: Path, leave_out: str | None = None) -> TopicVocabulary:
        """The topics of a data folder; `leave_out` names a documents/*.yml file not to learn from
        (a comparison with that file must not read its answers)."""
        shared = _topics(data_dir / "topics.yml")
        documents: dict[str, tuple[str, ...]] = {}
        for path in sorted((data_dir / "documents").glob("*.yml")):
            if path.name == leave_out:
                continue
            for name, synonyms in _topics(path).items():
                documents[name] = tuple(dict.fromkeys(documents.get(name, ()) + synonyms))
        return cls(shared, documents)

    def _all(self) -> dict[str, tuple[str, ...]]:
        merged = dict(self.documents)
        for name, synonyms in self.shared.items():
            merged[name] = tuple(dict.fromkeys(merged.get(name, ()) + synonyms))
        return merged

    def topics_in(self, text: str) -> list[str]:
        """The topics whose words stand in `text`, the most specific (longest word) first."""
        plain = _plain(text)
        scored = []
        for name, synonyms in self._all().items():
            hits = [w for w in (name, *synonyms) if len(_plain(w)) >= MIN_WORD_CHARS and _plain(w) in plain]
            if hits:
                longest = max(hits, key=lambda w: len(_plain(w)))
                scored.append((-len(_plain(longest)), plain.find(_plain(longest)), name))
        return [name for _, _, name in sorted(scored)[:MAX_TOPICS]]

    def definitions(self, names: list[str]) -> list[dict[str, object]]:
        """The `topics:` a draft needs: those of `names` that topics.yml does not define."""
        merged = self._all()
        return [{"name": n, "synonyms": list(merged.get(n, ()))} for n in names if n not in self.shared]


def _topics(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.is_file():
        return {}
    return dict(_topics_of_version(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _topics_of_version(path: Path, mtime_ns: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The topics of a data file as it is now (read again when it changes); libyaml's reader when
    installed, since the curated files are long."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # a safe loader
    return tuple((str(t["name"]), tuple(str(s) for s in t.get("synonyms") or ())) for t in raw.get("topics") or ())


@dataclass(frozen=True)
class CategoryGuess:
    key: str
    sure: bool  # some word of the kind stands in the clause


class CategoryGuesser:
    def __init__(self, data_dir: Path):
        self.categories: Categories = load_categories(data_dir / CATEGORIES_NAME)
        words = dict(load_vocabulary(data_dir / VOCABULARY_NAME).category_words)
        if REWARD in self.categories.keys:
            words[REWARD] = tuple(words.get(REWARD, ())) + drafting_words().reward_words
        self.words = {key: words.get(key, ()) for key in self.categories.keys}
        catch_all = [c.key for c in self.categories if c.catch_all]
        self.fallback = catch_all[0] if catch_all else self.categories.keys[-1]

    def guess(self, text: str) -> CategoryGuess:
        counts = {key: sum(text.count(w) for w in words) for key, words in self.words.items()}
        best = max(counts.values(), default=0)
        if best == 0:
            return CategoryGuess(self.fallback, False)
        return CategoryGuess(next(key for key, count in counts.items() if count == best), True)
