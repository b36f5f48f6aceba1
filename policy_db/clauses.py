"""Where a clause stands in its source document: the section of each line, and of a `clause_ref`.

The documents number their clauses the way Chinese government notices do, at four levels:
附件N (an annex), 一、 (a part), (一) or （一） (a section) and 1. / 1、 (an item). A line's
*section* is the four numbers in force where it stands, as arabic digits and "" where a level is
absent: ``Section("附件2", "4", "3", "")`` for 附件2 四(三). The same section is read from a
record's `clause_ref` (「附件2 四(三)」「三(六)20, 附件47」「13」), so a citation can link to the
line it came from, and the source page gives every numbered line an anchor made from its section.

A ref may leave out levels the document has (滨州's 「13」 is item 13 under part 三): the levels it
names must match, the others are free. Refs that name no number (「正文末段」「结语」) have no
section; they cite the document as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import cn2an

_ANNEX_LINE = re.compile(r"^附件\s*(\d+)\s*[:：]?\s*$")
_PART_LINE = re.compile(r"^([一二三四五六七八九十]+)、")
_SECTION_LINE = re.compile(r"^[（(]([一二三四五六七八九十]+)[)）]")
_ITEM_LINE = re.compile(r"^(\d+)[.．、](?!\d)")
_PART_ONLY = re.compile(r"^[一二三四五六七八九十]+$")
_REF = re.compile(
    r"^(?:附件\s*(?P<annex>\d+)\s*)?"
    r"(?:(?P<part>[一二三四五六七八九十]+)、?)?"
    r"(?:[（(](?P<section>[一二三四五六七八九十]+)[)）])?"
    r"(?:第?(?P<item>\d+)[项条]?)?$"
)


class Section(NamedTuple):
    annex: str = ""
    part: str = ""
    section: str = ""
    item: str = ""

    @property
    def anchor(self) -> str:
        """An HTML id: Section('附件2', '4', '3') -> 'c-a2-4-3'; absent inner levels read '0'."""
        levels = [self.annex.replace("附件", "a"), self.part, self.section, self.item]
        while levels and not levels[-1]:
            levels.pop()
        return "c-" + "-".join(level or "0" for level in levels)

    def contains(self, other: Section) -> bool:
        """Whether `other` (a ref's section) names only levels this section has, with the same numbers."""
        return all(not want or want == have for want, have in zip(other, self))

    @property
    def depth(self) -> int:
        return sum(1 for level in self if level)


@dataclass(frozen=True)
class Line:
    """One non-empty line of a source document and the section it stands in."""

    text: str
    section: Section
    opens_section: bool  # the line is the heading or numbered item that starts its section


def _number(chinese_or_digits: str) -> str | None:
    """「十二」 -> "12"; None for a garbled numeral (「三三」), which then numbers nothing."""
    if chinese_or_digits.isdigit():
        return chinese_or_digits
    try:
        return str(cn2an.cn2an(chinese_or_digits, "strict"))
    except ValueError:
        return None


def walk(full_text: str) -> Iterator[Line]:
    """Every non-empty line with its section, in document order."""
    annex = part = section = item = ""
    for raw in full_text.splitlines():
        text = raw.strip()
        if not text:
            continue
        opens = True
        if match := _ANNEX_LINE.match(text):
            annex, part, section, item = f"附件{match.group(1)}", "", "", ""
        elif (match := _PART_LINE.match(text)) and (number := _number(match.group(1))):
            part, section, item = number, "", ""
        elif (match := _SECTION_LINE.match(text)) and (number := _number(match.group(1))):
            section, item = number, ""
        elif match := _ITEM_LINE.match(text):
            item = match.group(1)
        else:
            opens = False
        yield Line(text, Section(annex, part, section, item), opens)


def section_of_ref(clause_ref: str) -> Section | None:
    """The section a record's clause_ref names (its first part when it lists several), or None."""
    first = re.split(r"[,，;；]", clause_ref or "", maxsplit=1)[0].replace(" ", "")
    match = _REF.match(first)
    if not first or not match or not any(match.groupdict().values()):
        return None
    part = _number(match["part"]) if match["part"] else ""
    section = _number(match["section"]) if match["section"] else ""
    if part is None or section is None:
        return None  # a garbled numeral names no section
    return Section(f"附件{match['annex']}" if match["annex"] else "", part, section, match["item"] or "")


def best_section(clause_ref: str, sections: Iterable[Section]) -> Section | None:
    """The document's section a clause_ref points to: the shallowest one containing all it names.

    When nothing matches every level the ref names, its deepest level is dropped and the search
    repeats, so 「三(六)25」 in a document whose item 25 is unnumbered still lands on 三(六).
    """
    wanted = section_of_ref(clause_ref)
    known = list(dict.fromkeys(sections))
    while wanted is not None and wanted.depth:
        matches = [s for s in known if s.contains(wanted) and s.depth >= wanted.depth]
        if matches:
            return min(matches, key=lambda s: (s.depth, known.index(s)))
        levels = list(wanted)
        deepest = max(i for i, level in enumerate(levels) if level)
        levels[deepest] = ""
        wanted = Section(*levels)
    return None


def written_out(clause_ref: str) -> str:
    """A clause_ref as a reader cites it: 「18」 -> 「第十八条」, 「一」 -> 「第一条」 (a measure numbered 一、),
    「附件2 四(三)」 -> 「附件2 四（三）」."""
    ref = (clause_ref or "").strip()
    if ref.isdigit():
        return f"第{cn2an.an2cn(ref)}条"
    if _PART_ONLY.match(ref):
        return f"第{ref}条"
    return ref.replace("(", "（").replace(")", "）").replace(", ", "，").replace(",", "，")
