"""The figures of a clause as data: kind, value, unit, a short label and the text as written.

Money, ratios, month and working-day counts are found by policy_db.completeness.find_figures (so a
draft covers exactly what the completeness check looks for); by the patterns below: money and ratios
in Chinese numerals (三十万元, 百分之五, 两亿元, read with policy_db.money.chinese_number), day counts
(30日内, 15天), the lower end of a range whose unit is written once (一至三年, 10—20万元), counts of things
(50家, 10场, 1.2倍), dates a clause runs to (到2022年年底, 2021年7月1日以来), durations (3年以内), discounts
(85折), percentage points and cost shares (按照1∶1比例). An amount in 美元 or 欧元 is left out (the data has no
such unit); the completeness pass makes it an exclusion for the officer.

A figure's kind comes from the words next to it (kinds.py); figures written as a series or a range take
their kind from each other (_in_series).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from policy_db.completeness import FIGURE_PATTERN, find_figures
from policy_db.money import chinese_number

from .kinds import CAP_OR_RATIO, money_kind, ratio_kind
from .words import drafting_words

_MONEY_UNITS = {"元": "元", "万元": "万元", "万": "万元", "亿元": "亿元", "亿": "亿元"}
_COUNT_UNITS = {"家": "家", "个": "个", "场": "场次", "场次": "场次", "倍": "倍"}
_DELIMITERS = ',，、;；:：(（)）。“”"《》'
LABEL_CHARS = 12

_CN = "零〇一二两三四五六七八九十百千万点"  # a number written in Chinese numerals (三十、一千五百、两)
_CN_SMALL = "一二两三四五六七八九十"
_RANGE = "至—－~～到-"  # 一至三年、10—20万元
_RANGE_UNITS = {"万元": "万元", "亿元": "亿元", "元": "元", "%": "%", "‰": "‰", "年": "年", "个月": "个月", "天": "天"}

# The figures find_figures does not look for, in the order they are tried (a span found first wins).
_EXTRA_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 三十万元、一千五百元、两亿元: money in Chinese numerals (the unit kept as written: 二千万元 is 2000万元)
    # 奖励五十万 (万 or 亿 without 元, before a stop), 5千元
    (
        "cn_money",
        re.compile(
            rf"(?<![{_CN}\d])(?P<n>[{_CN}]+?)(?P<u>亿元|万元|元|万(?=[,，。；;、)）]|$)|亿(?=[,，。；;、)）]|$))"
        ),
    ),
    ("thousand", re.compile(r"(?<![\d.])(?P<n>\d+(?:\.\d+)?)千元")),
    ("cn_ratio", re.compile(rf"(?P<base>百分之|千分之|万分之)(?P<n>[{_CN}]+)")),
    # 30日内、15天、十五天: a count of days (never the day of a date: 6月30日)
    (
        "days",
        re.compile(rf"(?<![\d.月{_CN}])(?P<n>\d{{1,3}}|[{_CN_SMALL}百]+)个?(?:自然)?(?:天|日(?=内|以内|之内|后|起))"),
    ),
    # 不少于90日: a count of days after a word that compares it
    (
        "days",
        re.compile(rf"(?:(?<=不少于)|(?<=不超过)|(?<=不低于)|(?<=超过)|(?<=满))(?P<n>\d{{1,3}}|[{_CN_SMALL}百]+)个?日"),
    ),
    # the lower end of a range whose unit is written once: 一至三年、10—20万元
    (
        "range_low",
        re.compile(
            rf"(?<![\d.{_CN}第])(?P<n>\d+(?:\.\d+)?|[{_CN_SMALL}]+)(?=[{_RANGE}](?:\d+(?:\.\d+)?|[{_CN_SMALL}]+)"
            rf"(?P<u>万元|亿元|元|%|‰|年|个月|天))"
        ),
    ),
    ("date", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")),
    ("month_end", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:底|末)?(?![\d份])")),
    ("year_end", re.compile(r"(?P<y>\d{4})年(?:年)?(?:底|末)")),
    ("points", re.compile(r"(?P<n>\d+(?:\.\d+)?)个百分点")),
    ("count", re.compile(r"(?<![\d.])(?P<n>\d+(?:\.\d+)?)(?P<u>家|场次|场|倍|个)(?!月|工作日|百分点|基点)")),
    ("years", re.compile(rf"(?<![\d.年第{_CN}])(?P<n>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})年(?![底末度年级\d])")),
    ("day", re.compile(r"(?<=月)(?P<n>\d{1,2})号")),
    ("discount", re.compile(r"(?<![\d.])(?P<n>\d{1,2}(?:\.\d)?)折")),
    ("pair", re.compile(r"(?P<a>\d+)[:∶：](?P<b>\d+)(?=比例)")),
    ("full", re.compile(r"全额(?=补贴|返还|补助|奖补|贴息|兑付)")),
)


@dataclass(frozen=True)
class DraftFigure:
    kind: str
    value: Decimal | dt.date
    unit: str
    label: str
    text: str  # as written in the source
    start: int  # in the clause's text without whitespace
    end: int
    sure: bool = True  # the kind was decided by a word next to the figure

    @property
    def is_money(self) -> bool:
        return self.unit in ("元", "万元", "亿元")

    def to_yaml(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": yaml_number(self.value),
            "unit": self.unit,
            "label": self.label,
            "text": self.text,
        }


def yaml_number(value: Decimal | dt.date) -> int | float | dt.date:
    if isinstance(value, dt.date):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def clause_figures(compact_text: str, is_fact: bool) -> list[DraftFigure]:
    """Every figure of a clause (its text without whitespace), in order."""
    found: list[DraftFigure] = []
    taken: list[tuple[int, int]] = []
    for figure in find_figures(compact_text):
        if compact_text[figure.end :].startswith(drafting_words().foreign_currencies):
            continue  # 1亿美元: not in the units of the data; the completeness pass makes it an exclusion
        match = FIGURE_PATTERN.fullmatch(figure.text)
        assert match is not None and match.lastgroup is not None
        found.append(_figure(match.lastgroup, figure.text, figure.start, figure.end, compact_text, is_fact))
        taken.append((figure.start, figure.end))
    for group, pattern in _EXTRA_PATTERNS:
        for match in pattern.finditer(compact_text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            extra = _extra(group, match, compact_text, is_fact)
            if extra is not None:
                found.append(extra)
                taken.append((match.start(), match.end()))
    found.sort(key=lambda f: f.start)
    money_cap = any(f.kind == "cap" and f.is_money for f in found)
    found = [replace(f, kind="ratio" if money_cap else "cap") if f.kind == CAP_OR_RATIO else f for f in found]
    return _in_series(compact_text, found)


def _in_series(text: str, found: list[DraftFigure]) -> list[DraftFigure]:
    """Figures written as a series take their kind from the first: 「首次突破5亿元、20亿元的」 are two
    bands; of a range 「一百万元至三百万元」 of amounts the upper end is the cap."""
    words = drafting_words()
    out = list(found)
    for i in range(1, len(out)):
        first, second = out[i - 1], out[i]
        between = text[first.end : second.start]
        if first.unit != second.unit and not (first.is_money and second.is_money):
            continue
        if between in words.series_joins and first.kind in ("threshold", "target", "fund") and not second.sure:
            out[i] = replace(second, kind=first.kind, sure=True)
        elif between in words.series_joins and first.kind == "threshold" and second.kind == "amount":
            out[i] = replace(second, kind="threshold")
        elif between and between in _RANGE and first.unit == second.unit and first.kind in ("ratio", "rate"):
            out[i] = replace(second, kind=first.kind, sure=True)  # 按市场价的百分之五十至百分之七十
        elif between and between in _RANGE and second.is_money:
            if first.kind == "threshold":
                out[i] = replace(second, kind="threshold")
            elif first.kind == "amount" and second.kind == "amount":
                out[i] = replace(second, kind="cap")
    return out


def _number(text: str) -> Decimal:
    return chinese_number(re.sub(r"[^0-9.零〇一二两三四五六七八九十百千万点]", "", text))


def _figure(group: str, text: str, start: int, end: int, compact_text: str, is_fact: bool) -> DraftFigure:
    """A figure find_figures found: money, ratio, months or working days."""
    label = label_of(compact_text, start, end)
    if group == "money":
        match = re.fullmatch(r"(?P<n>[\d,，]+(?:\.\d+)?)(?P<u>亿元|万元|元|亿|万)", text)
        assert match is not None
        kind, sure = money_kind(compact_text, start, end, is_fact)
        value = Decimal(match["n"].replace(",", "").replace("，", ""))  # 1,000万元
        return DraftFigure(kind, value, _MONEY_UNITS[match["u"]], label, text, start, end, sure)
    if group == "ratio":
        unit = "‰" if text.endswith("‰") else "%"
        kind, sure = ratio_kind(compact_text, start, end, is_fact)
        return DraftFigure(kind, Decimal(text[:-1]), unit, label, text, start, end, sure)
    if group == "months":
        kind = "threshold" if _at_least(compact_text, end) else "months"
        return DraftFigure(kind, _number(text[: -len("个月")]), "个月", label, text, start, end)
    return DraftFigure(
        "working_days", _number(text.split("工作日")[0].rstrip("个")), "个工作日", label, text, start, end
    )


def _at_least(text: str, end: int) -> bool:
    """「签订6个月以上劳动合同」: a duration the enterprise must reach is a condition."""
    return text[end:].startswith(tuple(drafting_words().above_after))


def _extra(group: str, match: re.Match[str], compact_text: str, is_fact: bool) -> DraftFigure | None:
    start, end, text = match.start(), match.end(), match.group(0)
    label = label_of(compact_text, start, end)
    words = drafting_words()
    if group in ("date", "month_end", "year_end"):
        before, after = compact_text[max(0, start - 6) : start], compact_text[end : end + 2]
        if not (before.endswith(words.deadline_before) or after.startswith(words.deadline_after)):
            return None  # a date that is no limit (落款, 于2020年6月份)
        date = _date(group, match)
        return DraftFigure("deadline", date, "date", label, text, start, end) if date else None
    if group == "cn_money":
        if len(match["n"]) == 1 and match["u"] == "元":
            return None  # 三元区 is a place; an amount of one character is written 3元
        kind, sure = money_kind(compact_text, start, end, is_fact)
        unit = _MONEY_UNITS[match["u"]]
        return DraftFigure(kind, _number(match["n"]), unit, label, text, start, end, sure)
    if group == "thousand":
        kind, sure = money_kind(compact_text, start, end, is_fact)
        return DraftFigure(kind, _number(match["n"]) * 1000, "元", label, text, start, end, sure)
    if group == "cn_ratio":
        kind, sure = ratio_kind(compact_text, start, end, is_fact)
        unit = "%" if match["base"] == "百分之" else "‰"
        value = _number(match["n"]) / (10 if match["base"] == "万分之" else 1)  # 万分之五 is 0.5‰
        return DraftFigure(kind, value, unit, label, text, start, end, sure)
    if group == "days":
        before = compact_text[max(0, start - 4) : start]
        compared = before.endswith(words.threshold_before) and not before.endswith(words.cap_before)
        kind = "threshold" if _at_least(compact_text, end) or compared else "days"
        return DraftFigure(kind, _number(match["n"]), "天", label, text, start, end)
    if group == "range_low":
        return _range_low(match, compact_text, is_fact)
    number = _number(match["n"]) if "n" in match.groupdict() else Decimal(0)
    if group == "points":
        return DraftFigure("rate", number, "%", label, text, start, end)
    if group == "count":
        unit = _COUNT_UNITS[match["u"]]
        kind = "count" if unit == "倍" else "target"
        return DraftFigure(kind, number, unit, label, text, start, end, sure=is_fact or unit == "倍")
    if group == "years":
        if compact_text[end:].startswith(words.plan_words):
            return None  # 三年行动计划: the name of a plan, not a period
        if re.search(rf"第[\d{_CN_SMALL}]+[{_RANGE}]$", compact_text[:start]):
            return None  # 第3至5年: ordinals, not a period
        above = compact_text[end:].startswith(("以上", "及以上"))
        return DraftFigure("threshold" if above else "years", number, "年", label, text, start, end)
    if group == "day":
        return DraftFigure("day_of_month", number, "号", label, text, start, end)
    if group == "discount":
        return DraftFigure("rate", number * 10 if number < 10 else number, "%", label, text, start, end)
    if group == "pair":
        first, second = Decimal(match["a"]), Decimal(match["b"])
        if first + second == 0:
            return None
        share = (first / (first + second) * 100).quantize(Decimal("0.01")).normalize()
        return DraftFigure("share", share, "%", label, text, start, end)
    return DraftFigure("ratio", Decimal(100), "%", label, text, start, end)  # 全额


def _range_low(match: re.Match[str], compact_text: str, is_fact: bool) -> DraftFigure | None:
    """The lower end of 「10—20万元」「一至三年」, in the unit written after the upper end."""
    start, end, text = match.start(), match.end(), match.group(0)
    unit = _RANGE_UNITS[match["u"]]
    label = label_of(compact_text, start, end)
    number = _number(match["n"])
    if unit in ("万元", "亿元", "元"):
        kind, sure = money_kind(compact_text, start, end, is_fact)
    elif unit in ("%", "‰"):
        kind, sure = ratio_kind(compact_text, start, end, is_fact)
    else:
        kind, sure = {"年": "years", "个月": "months", "天": "days"}[unit], True
    return DraftFigure(kind, number, unit, label, text, start, end, sure)


def _date(group: str, match: re.Match[str]) -> dt.date | None:
    year = int(match["y"])
    try:
        if group == "date":
            return dt.date(year, int(match["m"]), int(match["d"]))
        if group == "month_end":
            month = int(match["m"])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, 12, 31)
    except ValueError:
        return None  # 2022年13月: a typo, not a date


def label_of(text: str, start: int, end: int) -> str:
    """What the figure is, in the clause's own words: the words before it back to the last
    delimiter and after it up to the next (「给予5万元一次性奖励」 -> 「给予一次性奖励」)."""
    left = re.split(f"[{re.escape(_DELIMITERS)}]", text[:start])[-1][-LABEL_CHARS:]
    right = re.split(f"[{re.escape(_DELIMITERS)}]", text[end:])[0][:LABEL_CHARS]
    label = (left + right).strip("的和及与对")
    return label or text[start:end]
