"""Read the figures an enterprise owner gives in a message, each with what it measures.

「技术合同成交额600万」 -> 技术合同成交额 6000000 元; 「招了5个高级工、10个中级工，学两年」 -> 人数 5
(高级工), 人数 10 (中级工), 年数 2; 「15个亿」 -> money with no basis. A figure takes the basis of
the nearest basis word before it in the same clause, else of one right after it (600万的技术合同).
Negative, zero and absurd figures are returned apart, with the reason, and are never computed.

A pure function over text and the vocabulary: no database, no Rasa.

The work per message is bounded, whatever the message (issue 21: 「5个亿」 × 166 cost 4 s of CPU):
at most :data:`MAX_FIGURES` figures are read (the first ones; an owner gives a handful), every scan
is linear in the text (clause ends are found once, a basis word is looked for only between the
previous figure and this one), and a text already read is answered from a small cache (the actions
read the same clause again for every figure they remember).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .figure_bases import GENERIC_MEASURES, FigureBase, FigureVocabulary, load_vocabulary
from .money import _RUN, FigureError, _is_digit, chinese_number, money_mentions, normalise_width, tidy

# Clause boundaries: a basis word in another clause never labels a figure.
_CLAUSE_END = "，,。；;！!？?\n、"
MAX_FIGURES = 20  # figures read per message (money, rates and counts together, refused ones included)
_CACHED_TEXTS = 512  # texts whose figures are kept (a read is immutable; the cache is thread-safe)
_AFTER_GAP = 3  # a basis word may follow the figure after this many characters (600万的技术合同)
_PERCENT = re.compile(
    r"(?P<sign>[-负]\s*)?(?:(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>%|‰)"
    r"|百分之(?P<cn>[零一二两三四五六七八九十点0-9.]+))"
)
_COUNT_NUMBER = re.compile(rf"(?P<sign>[-负]\s*)?(?P<number>{_RUN})")
_NOT_A_COUNT_BEFORE = "第"  # 第2年 is an ordinal


@dataclass(frozen=True)
class UserFigure:
    """One figure the owner gave. value: yuan (money), a number (count) or a fraction (rate: 0.0345)."""

    kind: str  # money | count | rate
    value: Decimal
    text: str  # as written: 600万, 5个高级工, 3.45%
    start: int
    end: int
    basis: str | None = None  # a figure base name, None when no basis word is near
    qualifier: str | None = None  # counts: 高级工
    word: str | None = None  # the basis word the owner wrote

    @property
    def label(self) -> str:
        return self.qualifier or self.basis or ""


@dataclass(frozen=True)
class RefusedFigure:
    """A figure that is not a real amount (negative, zero, absurd), with the reason to tell the owner."""

    kind: str
    text: str
    start: int
    end: int
    reason: str
    basis: str | None = None


@dataclass(frozen=True)
class UserFigures:
    figures: tuple[UserFigure, ...] = ()
    refused: tuple[RefusedFigure, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.figures or self.refused)

    def of(self, basis: str, qualifier: str | None = None) -> list[UserFigure]:
        """Figures of this basis (and qualifier, when given), in order."""
        return [f for f in self.figures if f.basis == basis and (qualifier is None or f.qualifier == qualifier)]

    def unlabelled(self, kind: str = "money") -> list[UserFigure]:
        return [f for f in self.figures if f.basis is None and f.kind == kind]

    def money(self) -> list[UserFigure]:
        return [f for f in self.figures if f.kind == "money"]

    def values(self) -> dict[str, Decimal]:
        """{label: value} of the labelled figures (first of each): {'技术合同成交额': 6000000, '高级工': 5}."""
        out: dict[str, Decimal] = {}
        for f in self.figures:
            if f.label:
                out.setdefault(f.label, f.value)
        return out


def read_figures(text: str, vocabulary: FigureVocabulary | None = None) -> UserFigures:
    """The figures a message gives: money, counts and rates, each with its basis when one is named;
    the first :data:`MAX_FIGURES` of them."""
    return _read_cached(text or "", vocabulary or load_vocabulary())


@lru_cache(maxsize=_CACHED_TEXTS)
def _read_cached(text: str, vocab: FigureVocabulary) -> UserFigures:
    # Keyed by the vocabulary object itself (identity): load_vocabulary returns one per file.
    return _read(text, vocab)


def _read(text: str, vocab: FigureVocabulary) -> UserFigures:
    normal = normalise_width(text)
    clauses = _Clauses(normal)
    figures: list[UserFigure] = []
    refused: list[RefusedFigure] = []
    mentions = money_mentions(text, include_refused=True, limit=MAX_FIGURES)
    previous_end = 0
    for m in mentions:
        base, word = _basis_near(normal, clauses, m.start, m.end, previous_end, vocab.words, "money")
        previous_end = m.end
        name = base.name if base else None
        if m.ok and m.yuan is not None:
            figures.append(UserFigure("money", m.yuan, m.text, m.start, m.end, name, None, word))
        else:
            refused.append(RefusedFigure("money", m.text, m.start, m.end, m.problem or "", name))
    if len(mentions) < MAX_FIGURES:  # at the cap the money figures may not all be known: read no more
        taken = [(m.start, m.end) for m in mentions]
        _read_bare_money(normal, vocab, taken, figures)
        _read_rates(text, normal, clauses, vocab, taken, figures, refused)
        _read_counts(text, normal, vocab, taken, figures, refused)
    figures.sort(key=lambda f: f.start)
    refused.sort(key=lambda f: f.start)
    return UserFigures(tuple(figures), tuple(refused))


class _Clauses:
    """The clause around a span, from the clause ends found once (a bisection per figure)."""

    def __init__(self, text: str):
        self.length = len(text)
        self.ends = [i for i, c in enumerate(text) if c in _CLAUSE_END]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        before = bisect_left(self.ends, start)  # clause ends strictly before start
        left = self.ends[before - 1] + 1 if before else 0
        after = bisect_left(self.ends, end)
        right = self.ends[after] if after < len(self.ends) else self.length
        return left, right


def _basis_near(
    text: str,
    clauses: _Clauses,
    start: int,
    end: int,
    previous_end: int,
    words: list[tuple[str, FigureBase]],
    kind: str,
) -> tuple[FigureBase | None, str | None]:
    """The base named nearest before the figure in its clause (after the previous figure), else
    one named right after it. Longer words win at the same place."""
    left, right = clauses.bounds(start, end)
    left = max(left, previous_end)
    best: tuple[int, int, FigureBase, str] | None = None
    if left < start:
        for word, base in words:
            if base.kind != kind:
                continue
            pos = text.rfind(word, left, start)
            if pos >= 0:
                key = (pos + len(word), len(word))
                if best is None or key > best[:2]:
                    best = (*key, base, word)
    if best:
        return best[2], best[3]
    for offset in range(0, _AFTER_GAP + 1):
        for word, base in words:
            if base.kind == kind and text.startswith(word, end + offset, right):
                return base, word
    return None, None


# 「月租7000」「租金六千五」: a number with no unit right after a money basis word is yuan. Not when a unit
# or a counter follows (月租7000万 is a money mention already; 月租3个月 a count).
_BARE_NUMBER = re.compile(rf"(?P<number>{_RUN})(?![0-9.,万亿千百十元块%‰个人名位辆场年月天日号倍次家岁吨亩户项])")
_BARE_GAP = re.compile(r"[是为：:了约大概有就才要]{0,2}")
MAX_BARE_YUAN = Decimal(10) ** 12


def _read_bare_money(
    normal: str, vocab: FigureVocabulary, taken: list[tuple[int, int]], figures: list[UserFigure]
) -> None:
    """Money figures written as a bare number right after the word of their measure (月租7000 → 7000元)."""
    for word, base in vocab.words:
        if not base.bare_yuan or len(word) < 2:
            continue
        start = normal.find(word)
        while start >= 0 and len(figures) < MAX_FIGURES:
            gap = _BARE_GAP.match(normal, start + len(word))
            number = _BARE_NUMBER.match(normal, gap.end() if gap else start + len(word))
            written = number.group("number") if number else ""
            # 「房租一共」 is no figure: a bare Chinese numeral counts only with a magnitude (六千五, 七千).
            plausible = any(c.isdigit() for c in written) or any(c in "十百千万" for c in written)
            if number and plausible and not _overlaps(number.start(), number.end(), taken):
                try:
                    value = chinese_number(number.group("number"))
                except FigureError:
                    value = Decimal(0)
                if 0 < value < MAX_BARE_YUAN:
                    text = number.group(0)
                    figures.append(
                        UserFigure("money", value, text, number.start(), number.end(), base.name, None, word)
                    )
                    taken.append((number.start(), number.end()))
            start = normal.find(word, start + 1)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _full(figures: list[UserFigure], refused: list[RefusedFigure]) -> bool:
    return len(figures) + len(refused) >= MAX_FIGURES


def _read_rates(
    text: str,
    normal: str,
    clauses: _Clauses,
    vocab: FigureVocabulary,
    taken: list[tuple[int, int]],
    figures: list[UserFigure],
    refused: list[RefusedFigure],
) -> None:
    previous_end = 0
    for match in _PERCENT.finditer(normal):
        if _full(figures, refused):
            return
        start, end = match.start(), match.end()
        if _overlaps(start, end, taken):
            continue
        try:
            if match.group("cn"):
                value = chinese_number(match.group("cn")) / 100
            else:
                value = Decimal(match.group("number")) / (1000 if match.group("unit") == "‰" else 100)
        except (FigureError, ArithmeticError):
            continue
        taken.append((start, end))
        base, word = _basis_near(normal, clauses, start, end, previous_end, vocab.words, "rate")
        previous_end = end
        name = base.name if base else None
        shown = text[start:end].strip()
        if match.group("sign") and not (start > 0 and _is_digit(normal[start - 1])):
            refused.append(RefusedFigure("rate", shown, start, end, "比例是负数", name))
        elif value == 0:
            refused.append(RefusedFigure("rate", shown, start, end, "比例是零", name))
        elif value > 1 and name is not None:
            refused.append(RefusedFigure("rate", shown, start, end, "比例超过100%", name))
        else:
            figures.append(UserFigure("rate", tidy(value), shown, start, end, name, None, word))


def _read_counts(
    text: str,
    normal: str,
    vocab: FigureVocabulary,
    taken: list[tuple[int, int]],
    figures: list[UserFigure],
    refused: list[RefusedFigure],
) -> None:
    nouns = [(w, b) for w, b in vocab.words if b.kind == "count" and w != b.name]
    pos = 0
    while not _full(figures, refused) and (match := _COUNT_NUMBER.search(normal, pos)) is not None:
        start, num_end = match.start("number"), match.end("number")
        pos = num_end
        inside = [e for s, e in taken if s <= start < e]
        if inside:
            pos = max(inside)  # 500万两年: the count starts after the money figure
            continue
        if _overlaps(start, num_end, taken):
            pos = min(s for s, e in taken if start < e and s < num_end)
            if pos <= start:
                pos = start + 1
            match = _COUNT_NUMBER.match(normal, start, pos)
            if match is None:
                continue
            num_end = match.end("number")
        if start > 0 and normal[start - 1] in _NOT_A_COUNT_BEFORE:
            continue
        found = _count_after(normal, num_end, vocab, nouns)
        if found is None:
            continue
        base, qualifier, end = found
        if _overlaps(start, end, taken):
            continue
        try:
            value = chinese_number(match.group("number"))
        except FigureError:
            continue
        if base.name == "年数" and value >= 1900:
            continue  # 2022年 is a date
        if base.kind == "count" and base.unit in ("年", "个月") and _money_follows(normal, end, taken):
            continue  # 一个月1.2万, 每年5000元: a period of a rate, not a count
        taken.append((start, end))
        sign = match.group("sign")
        shown = text[match.start() if sign else start : end].strip()
        negative = bool(sign) and not (match.start() > 0 and _is_digit(normal[match.start() - 1]))
        if negative:
            refused.append(RefusedFigure("count", shown, start, end, "数量是负数", base.name))
        elif value == 0:
            refused.append(RefusedFigure("count", shown, start, end, "数量是零", base.name))
        elif value > base.most:
            refused.append(RefusedFigure("count", shown, start, end, "数量大得不像真实的数字", base.name))
        elif base.name == "人数" and value != value.to_integral_value():
            refused.append(RefusedFigure("count", shown, start, end, "人数不是整数", base.name))
        else:
            figures.append(UserFigure("count", tidy(value), shown, start, end, base.name, qualifier))


def _count_after(
    text: str, pos: int, vocab: FigureVocabulary, nouns: list[tuple[str, FigureBase]]
) -> tuple[FigureBase, str | None, int] | None:
    """What is counted after a number: a unit (人, 辆, 年, 个月), a generic measure (个, 台) and/or
    a noun (高级工, 新能源车). Returns the base, the qualifier noun and the end of the span."""
    # Positions into `text`, never slices of its rest: one call costs the length of what it matches.
    while text.startswith(" ", pos):
        pos += 1
    unit_base: FigureBase | None = None
    for unit, base in vocab.units:
        if text.startswith(unit, pos):
            unit_base, pos = base, pos + len(unit)
            break
    else:
        for measure in GENERIC_MEASURES:
            if text.startswith(measure, pos):
                pos += len(measure)
                break
        else:
            if not any(text.startswith(w, pos) for w, _ in nouns):
                return None
    if unit_base is None or unit_base.name == "人数":
        for unit, base in vocab.units:  # 5个人: 个 then the unit 人
            if unit_base is None and text.startswith(unit, pos) and base.name == "人数":
                unit_base, pos = base, pos + len(unit)
                break
    for noun, base in nouns:
        if text.startswith(noun, pos) and (unit_base is None or base is unit_base):
            qualifier = noun if noun in base.qualifiers else None
            return base, qualifier, pos + len(noun)
    if unit_base is not None:
        return unit_base, None, pos
    return None


def _money_follows(text: str, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s in (end, end + 1) for s, _ in taken)
