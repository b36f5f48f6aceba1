"""The 责任单位 of a document: names read from its lists, grouped into department records.

A list is split into names at 、，,;； and line breaks (never inside brackets: 「各县〔市、区〕政府〔管委
会〕」 is one name). Lists shorten names the way officials write them: in 「市工信局、发改委、财政局」
the 市 of the first name holds for the others (市发改委, 市财政局); a name that already has a prefix of
its own (各…, 省…, a bank) keeps it. A piece that does not end like a unit's name (局, 委, 办, 中心,
政府 …, data/drafting.yml) is not a department: text broken by a web copy (「人民融」) is reported for review.

Spellings of one department are grouped: the same name with or without 和 (市工业信息化局,
市工业和信息化局), with or without its 市 (市市场监管局, 市场监管局), and a name cut short at a line end
(经开区管委, 经开区管委会). The spelling used most is the record's name, the others its aliases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .brackets import CLOSERS, OPENERS
from .words import drafting_words

_SEPARATORS = ",，;；\n\t "
_LIST_SEPARATOR = "、"
_BRACKETS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
MAX_NAME_CHARS = 20
_TRUNCATED_CHARS = 2  # a name cut at a line end loses at most this many characters
_MIN_PREFIX_CHARS = 4
_NOT_PREFIXED = ("银行", "公司")


@dataclass
class NameList:
    names: list[str]
    rejected: list[str] = field(default_factory=list)  # pieces that are no unit's name


def split_names(text: str, city_names: tuple[str, ...] = ()) -> NameList:
    """The names in a 责任单位 list, 市 carried over as the list means it."""
    out = NameList([])
    labels = "|".join(map(re.escape, drafting_words().responsible_label))
    text = re.sub(rf"(?:{labels})\s*[:：]", "", text)  # 「市发改委；配合单位：市财政局」: one list of names
    for group in _split_outside_brackets(text, _SEPARATORS):
        pieces = [_clean(p) for p in _split_outside_brackets(group, _LIST_SEPARATOR)]
        pieces = [p for p in pieces if p]
        # 「市工信局、发改委」 means 市发改委; 「县商务局、财政局」 县财政局
        prefix = next((p for p in drafting_words().local_prefixes if pieces and pieces[0].startswith(p)), "")
        for piece in pieces:
            for name in _split_conjunction(piece):
                if not is_department(name):
                    out.rejected.append(name)
                elif prefix and _takes_city_prefix(name, city_names):
                    out.names.append(prefix + name)
                else:
                    out.names.append(name)
    return out


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts, depth, begin = [], 0, 0
    for i, char in enumerate(text):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            parts.append(text[begin:i])
            begin = i + 1
    parts.append(text[begin:])
    return [p.strip() for p in parts if p.strip()]


def _clean(piece: str) -> str:
    words = drafting_words()
    piece = piece.strip(" ·•\u3000\"“”'")
    for trailer in sorted(words.department_trailers, key=len, reverse=True):
        if piece.endswith(trailer) and len(piece) > len(trailer):
            piece = piece[: -len(trailer)]
            break
    return piece.strip()


def _split_conjunction(piece: str) -> list[str]:
    """「相关乡镇和登封新区管委会」 is two units; 「市工业和信息化局」 is one (市工业 is no unit)."""
    for conjunction in ("和", "及"):
        if conjunction in piece:
            left, _, right = piece.partition(conjunction)
            if is_department(left) and is_department(right):
                return [left, right]
    return [piece]


def _takes_city_prefix(name: str, city_names: tuple[str, ...]) -> bool:
    words = drafting_words()
    return (
        not name.startswith(words.department_own_prefixes)
        and not any(word in name for word in _NOT_PREFIXED)
        and not any(city and city in name for city in city_names)
    )


def is_department(name: str) -> bool:
    """Whether a piece of a list reads as a unit's name: short, no digits, a unit's ending."""
    if not name or len(name) > MAX_NAME_CHARS or re.search(r"[\d。：:！？]", name):
        return False
    core = re.sub(r"[(（〔【\[][^()（）〔〕【】\[\]]*[)）〕】\]]$", "", name)  # 政府〔管委会〕
    return len(core) >= 2 and core.endswith(drafting_words().department_endings)


def key_of(name: str) -> str:
    """Spellings that differ only in brackets, spaces or 和 mean the same unit."""
    return re.sub(r"\s+", "", name.translate(_BRACKETS)).replace("和", "")


def without_city(name: str) -> str:
    """市市场监管局 -> 市场监管局; 市场监管局 and 市委督查室 stay (市场 and 市委 are words of their own)."""
    if name.startswith("市") and not name.startswith(("市场", "市委", "市政府")) and len(name) >= 3:
        return name[1:]
    return name


class DepartmentBook:
    """The departments named in one document and every spelling seen of each."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._order: list[str] = []

    def add(self, name: str) -> None:
        if name not in self._counts:
            self._order.append(name)
        self._counts[name] += 1

    def _same(self, a: str, b: str) -> bool:
        ka, kb = key_of(a), key_of(b)
        if ka == kb or key_of(without_city(a)) == kb or ka == key_of(without_city(b)):
            return True
        short, long = sorted((ka, kb), key=len)
        return len(short) >= _MIN_PREFIX_CHARS and long.startswith(short) and len(long) - len(short) <= _TRUNCATED_CHARS

    def groups(self) -> list[list[str]]:
        """The spellings of each department, most used (then longest: the one not cut short) first;
        departments in the order first named."""
        groups: list[list[str]] = []
        for name in self._order:
            for group in groups:
                if any(self._same(name, other) for other in group):
                    group.append(name)
                    break
            else:
                groups.append([name])
        return [sorted(g, key=lambda n: (-self._counts[n], -len(n), self._order.index(n))) for g in groups]

    def canonical(self) -> dict[str, str]:
        """Every spelling -> the name of its department."""
        return {spelling: group[0] for group in self.groups() for spelling in group}

    def records(self) -> list[dict[str, Any]]:
        """The `departments:` of the draft: name and aliases, no alias given to two departments."""
        groups = self.groups()
        taken = {group[0] for group in groups}
        out = []
        for group in groups:
            aliases = []
            for spelling in group[1:] + [without_city(s) for s in group]:
                if spelling not in taken and len(spelling) >= 2:
                    aliases.append(spelling)
                    taken.add(spelling)
            out.append({"name": group[0], "aliases": aliases})
        return out
