"""Find vocabulary words typed with one wrong or homophone character (新三版 → 新三板, 专精特心 → 专精特新).

Phone users type pinyin and pick the first candidate, so the commonest typo is a homophone: the same
syllables, another character. pypinyin gives each character's syllable; a word matches a stretch of
text when the syllables are the same and at most one character differs. For words of five characters
or more, one character that is simply wrong (not a homophone) is also accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from pypinyin import Style, lazy_pinyin

MIN_HOMOPHONE_LENGTH = 2
MIN_WRONG_CHAR_LENGTH = 5  # 社保能缓 vs 社保能补: in four characters one wrong one changes the meaning


@lru_cache(maxsize=8192)
def syllable(char: str) -> str:
    """The toneless syllable of one character ('板' -> 'ban'); other characters stand for themselves."""
    if not ("\u4e00" <= char <= "\u9fff"):
        return char.lower()
    return lazy_pinyin(char, style=Style.NORMAL)[0]


@dataclass(frozen=True)
class FuzzyHit:
    word: str  # the vocabulary word
    typed: str  # what the user typed
    start: int
    end: int


class FuzzyMatcher:
    """An index of vocabulary words by their syllables and by their characters with one left out."""

    def __init__(self, words: Iterable[str]):
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        self._by_mask: dict[tuple[int, str], list[str]] = {}
        self._lengths: set[int] = set()
        for word in dict.fromkeys(w for w in words if _is_chinese(w) and len(w) >= MIN_HOMOPHONE_LENGTH):
            self._lengths.add(len(word))
            self._by_sound.setdefault(tuple(syllable(c) for c in word), []).append(word)
            if len(word) >= MIN_WRONG_CHAR_LENGTH:
                for i in range(len(word)):
                    self._by_mask.setdefault((i, word[:i] + "?" + word[i + 1 :]), []).append(word)

    def find(self, text: str) -> list[FuzzyHit]:
        """Words that occur in `text` with exactly one character typed differently, longest first."""
        sounds = [syllable(c) for c in text]
        hits: list[FuzzyHit] = []
        for length in sorted(self._lengths, reverse=True):
            for start in range(0, len(text) - length + 1):
                typed = text[start : start + length]
                if not _is_chinese(typed):
                    continue
                candidates = self._by_sound.get(tuple(sounds[start : start + length]), [])
                if length >= MIN_WRONG_CHAR_LENGTH:
                    for i in range(length):
                        candidates = candidates + self._by_mask.get((i, typed[:i] + "?" + typed[i + 1 :]), [])
                for word in dict.fromkeys(candidates):
                    if _differences(word, typed) == 1:
                        hits.append(FuzzyHit(word, typed, start, start + length))
        return _without_overlaps(hits)


def _differences(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b))


def _is_chinese(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" for c in text)


def _without_overlaps(hits: list[FuzzyHit]) -> list[FuzzyHit]:
    kept: list[FuzzyHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= k.start or k.end <= hit.start for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
