"""Tiers: when a clause's amount depends on a figure the enterprise has, the bands as data.

Three shapes are read (data/README.md `tiers`):

* bracket: bands of one figure, each with its amount —「融资额10亿元以下的奖补200万元;融资额10亿元(含)
  至20亿元的奖补700万元;融资额20亿元(含)以上的奖补1200万元」;
* cumulative: an amount, and more on top above a threshold —「给予5万元一次性奖励,年主营业务收入达
  到5000万元及以上的企业,再给予3万元奖励」;
* proportional: a ratio of the enterprise's figure, perhaps capped —「按照融资额度的2‰给予一次性奖
  励,每户企业年度奖励最高限额100万元」.

The basis (what the enterprise's figure is) is the clause's own noun before the figure; the record's
review note asks a person to check it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from policy_db.money import UNIT_FACTORS, format_yuan

from .figures import DraftFigure
from .layout import BULLETS
from .words import drafting_words

_PART_BREAK = re.compile(r"[,，;；:：]")
_BAND_BREAK = re.compile(r"[;；:：]")  # a band may hold a comma: 「营业收入10亿元（含）至50亿元的，奖励30万元；」
_BASIS_DROP = re.compile(r"^(?:对|按照|按其|按|其|再|不超过|最高|的)+|(?:达到|超过|未超过|实施奖补|的)+$")
MAX_BASIS_CHARS = 16


def _yuan(figure: DraftFigure) -> Decimal:
    """The figure in yuan, from its value and unit (三十万元 is written in Chinese numerals)."""
    return Decimal(str(figure.value)) * UNIT_FACTORS[figure.unit]


def _amount(figure: DraftFigure) -> str:
    return format_yuan(_yuan(figure))


def _basis(text: str) -> str:
    """The noun a figure is of: the words since the last delimiter, without 对/按照/达到 around them."""
    chunk = _PART_BREAK.split(text)[-1].lstrip(BULLETS)
    previous = None
    while previous != chunk:
        previous, chunk = chunk, _BASIS_DROP.sub("", chunk)
    return chunk[-MAX_BASIS_CHARS:]


def tier_of(text: str, figures: list[DraftFigure]) -> dict[str, Any] | None:
    """The tiers of a benefit clause (its text without whitespace), or None."""
    return _bracket(text, figures) or _cumulative(text, figures) or _proportional(text, figures)


def _bracket(text: str, figures: list[DraftFigure]) -> dict[str, Any] | None:
    """Bands in the parts of a sentence, their bounds in the unit of the first band."""
    steps: list[dict[str, Any]] = []
    basis, unit = "", ""
    position = 0
    for part in _BAND_BREAK.split(text):
        begin, position = position, position + len(part) + 1
        inside = [f for f in figures if begin <= f.start < begin + len(part)]
        bounds = [f for f in inside if f.kind == "threshold" and f.is_money]
        amounts = [f for f in inside if f.kind == "amount" and f.is_money]
        if not bounds or len(amounts) != 1:
            continue
        low, after_low = bounds[0], text[bounds[0].end : bounds[0].end + 6]
        unit = unit or low.unit
        if after_low.startswith("以下"):
            step = {"min": 0, "max": _bound(low, unit)}
        elif len(bounds) >= 2 and "至" in text[low.end : bounds[1].start]:
            step = {"min": _bound(low, unit), "max": _bound(bounds[1], unit)}
        elif re.match(r"(?:\(含\)|（含）)?(?:及)?以上", after_low):
            step = {"min": _bound(low, unit)}
        else:
            continue
        basis = basis or _basis(text[begin : low.start])
        steps.append(step | {"amount": _amount(amounts[0])})
    if len(steps) < 2 or not basis:
        return None
    return {"basis": basis, "unit": unit, "mode": "bracket", "steps": steps}


def _bound(figure: DraftFigure, unit: str) -> int | float:
    """A money bound in `unit`: 1亿元 is 10000 in a tier counted in 万元."""
    value = _yuan(figure) / UNIT_FACTORS[unit]
    return int(value) if value == value.to_integral_value() else float(value)


def _cumulative(text: str, figures: list[DraftFigure]) -> dict[str, Any] | None:
    words = drafting_words()
    again = next((m for w in words.increment_words if (m := re.search(re.escape(w), text))), None)
    if again is None:
        return None
    amounts = [f for f in figures if f.kind == "amount" and f.is_money]
    base = [f for f in amounts if f.end <= again.start()]
    extra = [f for f in amounts if f.start >= again.end()]
    bound = [
        f for f in figures if f.kind == "threshold" and f.is_money and base and base[-1].end <= f.start < again.start()
    ]
    if not base or not extra or not bound:
        return None
    basis = _basis(text[: bound[0].start])
    if not basis:
        return None
    return {
        "basis": basis,
        "unit": bound[0].unit,
        "mode": "cumulative",
        "steps": [
            {"min": 0, "amount": _amount(base[-1])},
            {"min": _bound(bound[0], bound[0].unit), "amount": _amount(extra[0])},
        ],
    }


def _proportional(text: str, figures: list[DraftFigure]) -> dict[str, Any] | None:
    """「按照融资额度的2‰」「按其上年度技术合同成交额给予最高10%」「按照不超过10%的比例」(the noun of the part
    before: 「…的购置费用,省级按照不超过10%的比例」)."""
    ratio = next((f for f in figures if f.kind == "ratio" and f.unit in ("%", "‰") and f.text[0].isdigit()), None)
    if ratio is None:
        return None
    before = text[: ratio.start]
    by = "|".join(map(re.escape, drafting_words().proportional_before))
    basis = ""
    if match := re.search(rf"(?:{by})(?P<basis>[^,，;；:：]{{2,30}}?)的(?:不超过|最高)?$", before):
        basis = _basis(match.group("basis"))
    elif match := re.search(rf"(?:{by})(?P<basis>[^,，;；:：]{{2,30}}?)给予(?:不超过|最高)?$", before):
        basis = _basis(match.group("basis"))
    elif re.search(rf"(?:{by})(?:不超过|最高)?$", before) and text[ratio.end :].startswith("的比例"):
        parts = _PART_BREAK.split(before)
        basis = parts[-2].split("的")[-1][-MAX_BASIS_CHARS:] if len(parts) >= 2 else ""
    if not basis or any(w in basis for w in drafting_words().rate_before) or re.search(r"\d", basis):
        return None
    step: dict[str, Any] = {"min": 0, "ratio": ratio.text}
    cap = next((f for f in figures if f.kind == "cap" and f.is_money), None)
    if cap is not None:
        step["cap"] = _amount(cap)
    return {"basis": basis, "unit": "万元", "mode": "proportional", "steps": [step]}
