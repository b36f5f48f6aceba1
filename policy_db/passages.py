"""Split a source document into cited sentences, for the full-text fallback over the raw clauses.

Each sentence keeps the section it stands in, written the way the documents number them:
附件2 四(三), 二(六), 18. Headings are recognised at the start of a line:
附件N / 一、 / (一) or （一） / 1. or 1、
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANNEX = re.compile(r"^附件\s*(\d+)\s*$")
_LEVEL1 = re.compile(r"^([一二三四五六七八九十]+)、")
_LEVEL2 = re.compile(r"^[（(]([一二三四五六七八九十]+)[)）]")
_LEVEL3 = re.compile(r"^(\d+)[.．、](?!\d)")
_SENTENCE_END = re.compile(r"(?<=[。;;])")
MIN_SENTENCE_CHARS = 8


@dataclass(frozen=True)
class Passage:
    document_key: str
    section: str
    text: str


def split_passages(document_key: str, full_text: str) -> list[Passage]:
    annex = level1 = level2 = level3 = ""
    passages = []
    for raw_line in full_text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if match := _ANNEX.match(line):
            annex, level1, level2, level3 = f"附件{match.group(1)}", "", "", ""
            continue
        if match := _LEVEL1.match(line):
            level1, level2, level3 = match.group(1), "", ""
        elif match := _LEVEL2.match(line):
            level2, level3 = match.group(1), ""
        elif match := _LEVEL3.match(line):
            level3 = match.group(1)
        heading = level1 + (f"({level2})" if level2 else "")
        item = f"第{level3}项" if level3 else ""
        section = " ".join(part for part in (annex, heading, item) if part)
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if len(sentence) >= MIN_SENTENCE_CHARS:
                passages.append(Passage(document_key, section, sentence))
    return passages
