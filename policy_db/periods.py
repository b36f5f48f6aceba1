"""The period a measure is bound to, read from its own words: 「2022年第一季度」「对2022年…」「到2020年」.

A clause often gives no end date but is still over: a reward for production in the first quarter of
2022, a target for 2020, relief 「2022年度继续免征」. The latest period a benefit's clause, conditions and
validity note name is when it ends. Years that only say when something started or what is compared
(「2021年以来」「比2021年增长」) bind nothing; the words for both live in vocabulary.yml (`periods`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from .vocabulary import load_vocabulary

_PERIOD = re.compile(
    r"(?P<year>20\d\d)\s*年(?:度)?"
    r"(?:(?P<quarter>第?[一二三四1-4]季度)|(?P<half>[上下]半年)|(?P<month>[一二三四五六七八九十1-9]{1,2}|1[0-2])月)?"
)


@dataclass(frozen=True)
class Period:
    text: str  # as written: 2022年第一季度
    end: dt.date


def _quarter_end(year: int, words: str) -> dt.date:
    number = words.strip("第季度")
    quarter = int(number) if number.isdigit() else int(cn2an.cn2an(number, "smart"))
    month = 3 * quarter
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_end(year: int, words: str) -> dt.date | None:
    month = int(words) if words.isdigit() else int(cn2an.cn2an(words, "smart"))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def periods_in(text: str) -> list[Period]:
    """Every period the text binds a measure to, in order (years of a start or a comparison left out)."""
    vocabulary = load_vocabulary()
    found = []
    for m in _PERIOD.finditer(text or ""):
        after = text[m.end() : m.end() + 4]
        before = text[max(0, m.start() - 2) : m.start()]
        if after.startswith(vocabulary.period_start_words) or before.endswith(vocabulary.period_compare_words):
            continue
        year = int(m["year"])
        end: dt.date | None = dt.date(year, 12, 31)
        if m["quarter"]:
            end = _quarter_end(year, m["quarter"])
        elif m["half"]:
            end = dt.date(year, 6, 30) if m["half"] == "上半年" else dt.date(year, 12, 31)
        elif m["month"]:
            end = _month_end(year, m["month"])
        if end is not None:
            found.append(Period(m.group(0), end))
    return found


@lru_cache(maxsize=4096)
def _latest(texts: tuple[str, ...]) -> Period | None:
    periods = [p for text in texts for p in periods_in(text)]
    return max(periods, key=lambda p: p.end) if periods else None


def latest_period(texts: Iterable[str | None]) -> Period | None:
    """The latest period named by any of `texts` (the measure is over when it has passed)."""
    return _latest(tuple(t for t in texts if t))
