"""Parse the money, ratio and count figures people and policy texts write.

Policy texts write 200万元, 1200万元, 2‰; people type 15亿, 15个亿, 一千五百万, 6000万元, 1.2e9 rarely.
Everything is normalised to yuan (a Decimal) so tiers compare like with like. cn2an does the
Chinese-numeral work.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000),
                "亿元": Decimal(100_000_000), "亿": Decimal(100_000_000), "千万": Decimal(10_000_000),
                "百万": Decimal(1_000_000), "千元": Decimal(1000), "块": Decimal(1), "块钱": Decimal(1)}

_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟]+)"
MONEY_PATTERN = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?:个)?\s*(?P<unit>亿元|万元|千万|百万|亿|万|千元|元|块钱|块)"
)
_AMOUNT_TEXT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|亿|万)\s*$")
_RATIO_TEXT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|‰|％)\s*$")


class FigureError(ValueError):
    """A figure in the curated data could not be understood."""


def chinese_number(text: str) -> Decimal:
    """'一千五百' -> 1500, '1.5' -> 1.5, '十五' -> 15, '两' -> 2."""
    text = text.strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return Decimal(str(cn2an.cn2an(text.replace("两", "二"), "smart")))
    except (ValueError, KeyError, IndexError) as exc:
        raise FigureError(f"不是数字: {text!r}") from exc


def parse_amount(text: str) -> Decimal:
    """Parse a curated amount such as '200万元' or '6.48万元' into yuan; raise FigureError if not one."""
    match = _AMOUNT_TEXT.match(str(text))
    if not match:
        raise FigureError(f"无法解析的金额: {text!r}(应写作 200万元 / 1.5亿元 / 5000元)")
    return Decimal(match.group("number")) * UNIT_FACTORS[match.group("unit")]


def parse_ratio(text: str) -> Decimal:
    """'2‰' -> 0.002, '10%' -> 0.1."""
    match = _RATIO_TEXT.match(str(text))
    if not match:
        raise FigureError(f"无法解析的比例: {text!r}(应写作 10% 或 2‰)")
    divisor = Decimal(1000) if match.group("unit") == "‰" else Decimal(100)
    return Decimal(match.group("number")) / divisor


@dataclass(frozen=True)
class MoneyMention:
    text: str
    start: int
    end: int
    yuan: Decimal


def money_mentions(text: str) -> list[MoneyMention]:
    """Every money figure a user wrote, with its position and value in yuan, in order."""
    found = []
    for match in MONEY_PATTERN.finditer(text or ""):
        try:
            value = chinese_number(match.group("number")) * UNIT_FACTORS[match.group("unit")]
        except FigureError:
            continue
        found.append(MoneyMention(match.group(0), match.start(), match.end(), value))
    return found


def find_money(text: str) -> list[tuple[str, Decimal]]:
    """Every money figure a user wrote, with its value in yuan, in order of appearance."""
    return [(m.text, m.yuan) for m in money_mentions(text)]


def format_yuan(value: Decimal) -> str:
    """Write an amount the way policy texts do: 700万元, 1.2亿元, 5000元."""
    value = Decimal(value)
    if value >= 100_000_000 and value % 10_000_000 == 0:
        return f"{_trim(value / 100_000_000)}亿元"
    if value >= 10_000:
        return f"{_trim(value / 10_000)}万元"
    return f"{_trim(value)}元"


def _trim(value: Decimal) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"
