"""Sums an owner gives as an approximation: 「八九万」「十来万」「十几万」「二十多万」「一两千万」「几十万」.

Owners type what they know: 「月销售额十来万」 is no figure to compute with, but it can decide a threshold
(十来万 is under 15万 whatever the exact sum). Each approximation is read as a range of yuan, both ends
included; policy_db/eligibility.py judges a threshold with it only when the whole range falls on one side.
Plain figures, and those with 左右/大概/约, are exact figures for policy_db/money.py.

    「八九万」 8万–9万 · 「一两千万」 1000万–2000万 · 「三四十万」 30万–40万
    「十来万」 10万–14万 · 「十几万」「十多万」 11万–19万 · 「二十几万」 21万–29万 · 「几十万」 20万–90万
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .money import NOT_MONEY_AFTER, FigureError, chinese_number, normalise_width

_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MAGNITUDE = {"十": 10, "百": 100, "千": 1000}
_UNIT = {"万": 10_000, "亿": 100_000_000}
# A sum needs 万/亿 or a money word after it: 「三四个人」「六七千人」 are no money.
_TAIL = r"(?P<mag>[十百千])?(?P<unit>[万亿])?(?P<yuan>元|块钱|块)?"
_PAIR = re.compile(rf"(?P<a>[一二两三四五六七八])(?P<b>[二两三四五六七八九]){_TAIL}")
_ROUND = r"(?P<n>[1-9]\d*|[一二两三四五六七八九]?十|[一二两三四五六七八九]?百|[一二两三四五六七八九]?千)"
_ABOUT = re.compile(rf"{_ROUND}(?P<how>来|几|多){_TAIL}")
_SOME_TENS = re.compile(r"几(?P<mag>[十百千])(?P<unit>[万亿])?(?P<yuan>元|块钱|块)?")
# After a sum these make a quantity of things or of time, not money (money.py's list, and periods: 八九万年)
_NOT_MONEY_AFTER = NOT_MONEY_AFTER + "年月天岁"
_NUMERALS = "零〇一二两三四五六七八九十百千万亿点"


@dataclass(frozen=True)
class Approximation:
    said: str  # as the owner wrote it: 八九万
    start: int
    end: int
    low: Decimal  # yuan, included
    high: Decimal  # yuan, included


def find_approximations(text: str) -> list[Approximation]:
    """Every approximate sum of money in `text`, in order."""
    normal = normalise_width(text)
    found: list[Approximation] = []
    for pattern, read in ((_PAIR, _pair), (_ABOUT, _about), (_SOME_TENS, _some)):
        for m in pattern.finditer(normal):
            if not (m.group("unit") or m.group("yuan")) or _counted(normal, m.end()):
                continue
            if m.start() > 0 and (normal[m.start() - 1].isdigit() or normal[m.start() - 1] in _NUMERALS):
                continue  # 「十八九万」「1八九万」: part of a longer number, not read
            if any(a.start < m.end() and m.start() < a.end for a in found):
                continue
            span = read(m)
            if span is not None:
                low, high = span
                factor = _UNIT.get(m.group("unit") or "", 1)
                found.append(Approximation(text[m.start() : m.end()], m.start(), m.end(), low * factor, high * factor))
    return sorted(found, key=lambda a: a.start)


def _counted(text: str, end: int) -> bool:
    return end < len(text) and text[end] in _NOT_MONEY_AFTER


def _pair(m: re.Match) -> tuple[Decimal, Decimal] | None:
    """「八九万」「一两千万」「三四十万」: two neighbouring digits, then the magnitude both share."""
    a, b = _DIGIT[m.group("a")], _DIGIT[m.group("b")]
    if b != a + 1:
        return None  # 「二三」 yes, 「八二」 is a number
    mag = _MAGNITUDE.get(m.group("mag") or "", 1)
    return Decimal(a * mag), Decimal(b * mag)


def _about(m: re.Match) -> tuple[Decimal, Decimal] | None:
    """「十来万」 a little over ten, 「十几万」「十多万」 eleven to nineteen, 「二十几万」 twenty-one to twenty-nine
    (the step is the round number's own place: 百多万 is 101–199万)."""
    try:
        n = chinese_number(m.group("n"))
    except FigureError:
        return None
    step = Decimal(10) ** (len(str(int(n))) - 1)
    if n % step or (m.group("mag") and m.group("how") != "多"):
        return None  # 「十五来万」 is no approximation; 「十几千」 is not written
    mag = _MAGNITUDE.get(m.group("mag") or "", 1)
    if m.group("how") == "来":
        return n * mag, (n + step * Decimal("0.4")) * mag
    if m.group("mag"):  # 「十多千」 is not said; 「二十多百」 neither
        return None
    return (n + step / 10 if step > 1 else n) * mag, (n + step - step / 10 if step > 1 else n + 1) * mag


def _some(m: re.Match) -> tuple[Decimal, Decimal] | None:
    """「几十万」「几百万」: two to nine of the magnitude."""
    mag = _MAGNITUDE[m.group("mag")]
    return Decimal(2 * mag), Decimal(9 * mag)
