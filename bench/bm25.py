"""The baseline: BM25 over the paragraphs of the five raw documents (policy_db/sources/*.txt).

Tokens: jieba with the project's user dictionary (bot/jieba_dict, the same words the bot's tokenizer
knows), punctuation and whitespace dropped. The answer to a question is the best paragraph.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

PROJECT_DIR = Path(__file__).resolve().parent.parent
SOURCES = PROJECT_DIR / "policy_db" / "sources"
JIEBA_DICT = PROJECT_DIR / "bot" / "jieba_dict"
CITY_OF_SOURCE = {
    "binzhou": "滨州",
    "dengfeng": "登封",
    "pingdingshan": "平顶山",
    "sanmenxia": "三门峡",
    "sanming": "三明",
}
_WORD = re.compile(r"[\w%‰]", re.UNICODE)


@dataclass(frozen=True)
class Paragraph:
    city: str
    source: str
    text: str


class BM25Search:
    def __init__(self) -> None:
        import jieba
        from rank_bm25 import BM25Okapi

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        for path in sorted(JIEBA_DICT.glob("*.txt")):
            self._jieba.load_userdict(str(path))
        self.paragraphs: List[Paragraph] = []
        for path in sorted(SOURCES.glob("*.txt")):
            city = CITY_OF_SOURCE.get(path.stem, path.stem)
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                if len(line) >= 8:
                    self.paragraphs.append(Paragraph(city, path.name, line))
        self._bm25 = BM25Okapi([self.tokens(p.text) or ["_"] for p in self.paragraphs])

    def tokens(self, text: str) -> List[str]:
        return [t for t in self._jieba.lcut(text) if t.strip() and _WORD.search(t)]

    def search(self, question: str) -> Tuple[Paragraph, float]:
        """The best paragraph and the seconds the search took (tokenising included)."""
        started = time.perf_counter()
        scores = self._bm25.get_scores(self.tokens(question))
        best = max(range(len(scores)), key=scores.__getitem__)
        return self.paragraphs[best], time.perf_counter() - started
