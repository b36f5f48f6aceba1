"""The numbers Word draws in front of a paragraph: automatic numbering (numbering.xml, w:numPr).

Most offices let Word number 一、(一) 1. and the bullets of a list; the paragraph's own text then
has no number and python-docx's `paragraph.text` loses it. The numbers are computed here the way
Word does: each paragraph's numPr (its own, or its style's) names a list (numId) and a level (ilvl);
the list's abstract definition gives each level's format (chineseCounting, decimal, bullet …), its
text (「%1、」「（%2）」「%3.」) and its start; a level's counter goes up with each paragraph at it and
the deeper levels start again. Lists of one abstract definition count on together, as in Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cn2an
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

BULLET = "●"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CHINESE = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
            "taiwaneseCountingThousand", "ideographDigital", "japaneseCounting"}  # fmt: skip
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    restart: int | None = None  # w:lvlRestart: 0 never starts again (第X条 through the chapters)
    suffix: str = " "  # w:suff: a tab (written as a space) by default, or a space, or nothing


@dataclass
class WordNumbering:
    """The list definitions of one document and the counters so far (read paragraphs in order)."""

    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> startOverride
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> ilvl -> level
    counters: dict[str, list[int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Document) -> WordNumbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering  # a document without lists
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                restart = _val(lvl, "w:lvlRestart")
                levels[int(lvl.get(qn("w:ilvl")))] = _Level(
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                    int(_val(lvl, "w:start") or 1),
                    None if restart is None else int(restart),
                    "" if _val(lvl, "w:suff") == "nothing" else " ",
                )
            numbering.levels[abstract.get(qn("w:abstractNumId"))] = levels
        # a list style (「1 / 1.1 / 1.1.1」): the list names the style (numStyleLink) whose definition holds
        # the levels (styleLink)
        defined = {_val(a, "w:styleLink"): a.get(qn("w:abstractNumId")) for a in root.findall(qn("w:abstractNum"))}
        for abstract in root.findall(qn("w:abstractNum")):
            link = _val(abstract, "w:numStyleLink")
            if link and link in defined and not numbering.levels.get(abstract.get(qn("w:abstractNumId"))):
                numbering.levels[abstract.get(qn("w:abstractNumId"))] = numbering.levels[defined[link]]
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            numbering.abstract_of[num_id] = _val(num, "w:abstractNumId") or ""
            for override in num.findall(qn("w:lvlOverride")):
                if (start := _val(override, "w:startOverride")) is not None:
                    numbering.starts[(num_id, int(override.get(qn("w:ilvl"))))] = int(start)
        return numbering

    def label(self, paragraph: Paragraph) -> str:
        """The number (or bullet) Word shows before the paragraph, counting it; "" when none."""
        found = _num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        abstract = self.abstract_of.get(num_id)
        levels = self.levels.get(abstract or "", {})
        if num_id == "0" or ilvl not in levels or abstract is None:
            return ""
        counters = self.counters.setdefault(abstract, [0] * 10)
        if num_id not in self.started:  # a list restarting its numbers (startOverride)
            self.started.add(num_id)
            for (nid, at), start in self.starts.items():
                if nid == num_id:
                    counters[at] = start - 1
        counters[ilvl] = (counters[ilvl] or levels[ilvl].start - 1) + 1
        for deeper in range(ilvl + 1, len(counters)):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                counters[deeper] = 0
        level = levels[ilvl]
        if level.fmt == "bullet" or level.fmt == "none":
            return BULLET + level.suffix if level.fmt == "bullet" else ""
        text = level.text
        for n in range(ilvl + 1):
            shown = levels.get(n, level)
            value = counters[n] or shown.start
            text = text.replace(f"%{n + 1}", _format(value, shown.fmt))
        return text + level.suffix


def _val(element: _Element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) of the paragraph, or of its style (and the styles it is based on)."""
    candidates: list[_Element | None] = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for ppr in candidates:
        numpr = None if ppr is None else ppr.find(qn("w:numPr"))
        if numpr is not None and (num_id := _val(numpr, "w:numId")) is not None:
            return num_id, int(_val(numpr, "w:ilvl") or 0)
    return None


def _format(value: int, fmt: str) -> str:
    if fmt in _CHINESE:
        return cn2an.an2cn(value)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[value - 1] if 0 < value <= len(_CIRCLED) else str(value)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman, rest = "", value
        for amount, symbol in _ROMAN:
            while rest >= amount:
                roman, rest = roman + symbol, rest - amount
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    return str(value)
