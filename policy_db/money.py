"""Parse the money, ratio and count figures people and policy texts write.

Policy texts write 200万元, 1200万元, 2‰; people type 15亿, 15个亿, 一千五百万, 1千5百万, 6000万元,
１，５００万, 1,500,000,000元, 1.5e9元, 5千块钱. Everything is normalised to yuan (a Decimal) so
amounts compare like with like.

A figure that cannot be a real amount is not silently "fixed": a negative (-15亿, 负15亿), zero
(0元) or absurd one (over 1万亿元, 1e308亿) becomes a `MoneyMention` with `problem` set and
`yuan` None, so a caller can say why it will not compute with it. `find_money` returns only valid
figures.

The Chinese-numeral reader is our own (no cn2an) so that it is exact (Decimal), handles mixed
forms (1千5百万, 一亿五, 一千五百万零三, 三万亿) and never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNIT_FACTORS = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "亿": Decimal(100_000_000),
    "千万": Decimal(10_000_000),
    "百万": Decimal(1_000_000),
    "千元": Decimal(1000),
    "块": Decimal(1),
    "块钱": Decimal(1),
}

MAX_YUAN = Decimal(10) ** 12  # 1万亿元: above it a figure is not a real enterprise's figure
FEN = Decimal("0.01")
MAX_DIGITS = 30  # a number with more digits before the point (or a larger exponent) is absurd, never computed
NEGATIVE = "金额是负数"
ZERO = "金额是零"
TOO_LARGE = "数额大得不像真实的金额（超过1万亿元）"

# Full-width and variant characters people type, mapped one-to-one so positions are kept.
_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "％": "%",
        "－": "-",
        "−": "-",
        "＋": "+",
        "ｅ": "e",
        "Ｅ": "E",
        "萬": "万",
        "億": "亿",
        "圆": "元",
        "園": "元",
    }
)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_START = "".join(_DIGITS) + "十拾"
_CN_ALL = _CN_START + "百佰千仟万亿点"

# An arabic number: with thousands separators (ASCII or full-width comma), or plain with an
# optional decimal part and exponent.
_ARABIC = r"(?:[0-9]{1,3}(?:[,，][0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)"
_RUN = rf"(?:{_ARABIC}|[{_CN_START}])(?:{_ARABIC}|[{_CN_ALL}])*"
# After a bare 万/亿 these characters make a quantity of things, not money (万吨, 万人, 亿次, 亿股 ...).
NOT_MONEY_AFTER = "吨亩人户家辆千平方米套件台只头张次册名位场个项股"
MONEY_PATTERN = re.compile(
    rf"(?P<sign>(?:[-+]|负)\s*)?(?P<number>{_RUN}(?:\s*个\s*[万亿]+)?)\s*(?P<unit>元(?!旦)|块钱|块)?"
)
_AMOUNT_TEXT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|亿|万)\s*$")
_RATIO_TEXT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|‰|％)\s*$")


class FigureError(ValueError):
    """A figure could not be understood."""


def normalise_width(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one (positions are kept)."""
    return (text or "").translate(_WIDTH)


def chinese_number(text: str) -> Decimal:
    """'一千五百' -> 1500, '1.5' -> 1.5, '十五' -> 15, '两' -> 2, '1千5百万' -> 15000000,
    '一万五' -> 15000, '一千五百万零三' -> 15000003, '1,500' -> 1500, '1.5e9' -> 1500000000."""
    text = normalise_width(str(text)).strip().replace(" ", "")
    if not text:
        raise FigureError("不是数字: ''")
    plain = text.replace(",", "").replace("，", "") if re.fullmatch(_ARABIC, text) else text
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return _mixed_number(text)
    if not value.is_finite():
        raise FigureError(f"不是数字: {text!r}")
    if value and value.adjusted() > MAX_DIGITS:
        # 1e1000000 is a valid Decimal, but multiplying it by a unit overflows the context
        # (decimal.Overflow): refuse it as absurd before any arithmetic.
        raise _Absurd(text)
    return value


def _mixed_number(text: str) -> Decimal:
    """Chinese numerals, possibly mixed with arabic digits. Exact; raises FigureError."""
    tokens = re.findall(rf"{_ARABIC}|.", text.replace("个", ""))
    total = Decimal(0)  # everything at the 亿 level and above, already multiplied
    wan = Decimal(0)  # the part at the 万 level
    section = Decimal(0)  # below 万
    digit: Decimal | None = None
    last_unit: int | None = None  # the unit right before a trailing bare digit (一万五 -> 5 × 1000)
    after_zero = single = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok[0].isdigit():
            if digit is not None:
                raise FigureError(f"不是数字: {text!r}")
            digit, single = _arabic(tok, text), len(tok) == 1
        elif tok in _DIGITS:
            if _DIGITS[tok] == 0:
                after_zero, last_unit = True, None
                if digit is not None:
                    raise FigureError(f"不是数字: {text!r}")
            else:
                if digit is not None:
                    raise FigureError(f"不是数字: {text!r}")  # 一二三 is not a number
                digit, single = Decimal(_DIGITS[tok]), True
        elif tok in _SMALL:
            section += (digit if digit is not None else Decimal(1)) * _SMALL[tok]
            digit, last_unit, after_zero = None, _SMALL[tok], False
        elif tok == "万":
            wan = (wan + section + (digit or 0)) * _BIG["万"]
            section, digit, last_unit, after_zero = Decimal(0), None, _BIG["万"], False
        elif tok == "亿":
            total = (total + wan + section + (digit or 0)) * _BIG["亿"]
            wan, section, digit, last_unit, after_zero = Decimal(0), Decimal(0), None, _BIG["亿"], False
        elif tok == "点":
            whole = section + (digit or 0)
            frac = ""
            while i + 1 < len(tokens) and (tokens[i + 1] in _DIGITS or tokens[i + 1].isdigit()):
                i += 1
                frac += str(_DIGITS[tokens[i]]) if tokens[i] in _DIGITS else tokens[i]
            if not frac:
                raise FigureError(f"不是数字: {text!r}")
            section, digit, last_unit = Decimal(0), whole + Decimal("0." + frac), None
        else:
            raise FigureError(f"不是数字: {text!r}")
        i += 1
    if digit is not None and last_unit is not None and last_unit >= 100 and single and not after_zero:
        digit *= Decimal(last_unit) / 10  # 一万五 = 15000, 一千五 = 1500, 一亿五 = 1.5亿
    return total + wan + section + (digit or 0)


def _arabic(token: str, text: str) -> Decimal:
    exponent = re.search(r"[eE]([+-]?\d+)$", token)
    if exponent and abs(int(exponent.group(1))) > MAX_DIGITS:
        raise _Absurd(text)
    try:
        return Decimal(token.replace(",", "").replace("，", ""))
    except InvalidOperation as exc:
        raise FigureError(f"不是数字: {text!r}") from exc


class _Absurd(FigureError):
    """A number far beyond any real figure (1e308)."""


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
    """One money figure in a message. `yuan` is None and `problem` says why when it is refused."""

    text: str
    start: int
    end: int
    yuan: Decimal | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def money_mentions(text: str, include_refused: bool = False, limit: int | None = None) -> list[MoneyMention]:
    """Every money figure a user wrote, with its position and value in yuan, in order; the first
    `limit` of them when given (the text after the last is not read).

    Refused figures (negative, zero, absurdly large) are left out unless `include_refused`; then
    they carry `problem` (a short Chinese reason) and `yuan` None."""
    original = text or ""
    normal = normalise_width(original)
    found: list[MoneyMention] = []
    for match in MONEY_PATTERN.finditer(normal):
        mention = _mention(original, normal, match)
        if mention is not None and (mention.ok or include_refused):
            found.append(mention)
            if limit is not None and len(found) >= limit:
                break
    return found


def refused_mentions(text: str) -> list[MoneyMention]:
    """The money figures a user wrote that cannot be computed with, each with its reason."""
    return [m for m in money_mentions(text, include_refused=True) if not m.ok]


def _mention(original: str, normal: str, match: re.Match) -> MoneyMention | None:
    number, unit = match.group("number"), match.group("unit")
    start, end = match.start("number"), match.end()
    if not unit:
        trimmed = _trim_count_digit(number, normal[end : end + 2])
        if trimmed != number:
            number, end = trimmed, match.start("number") + len(trimmed)
    if not unit and not re.search(r"[万亿]", number):
        return None  # a bare number (5, 2022, 三) is not money
    if not unit and end < len(normal) and normal[end] in NOT_MONEY_AFTER:
        return None  # 5万人, 3亿次
    if start > 0 and (normal[start - 1].isdigit() or normal[start - 1] == "."):
        return None  # inside a longer token we did not understand
    sign = (match.group("sign") or "").strip()
    if sign == "-" and match.start() > 0 and _is_digit(normal[match.start() - 1]):
        sign = ""  # 10-15亿 is a range, not a negative number
    if sign in ("-", "负"):
        start = match.start()
    shown = original[start:end].strip()
    try:
        value = chinese_number(number) * UNIT_FACTORS.get(unit or "元", Decimal(1))
    except _Absurd:
        return MoneyMention(shown, start, end, None, TOO_LARGE)
    except FigureError:
        return None
    if sign in ("-", "负"):
        return MoneyMention(shown, start, end, None, NEGATIVE)
    if abs(value) > MAX_YUAN:
        return MoneyMention(shown, start, end, None, TOO_LARGE)
    if value.quantize(FEN) == 0:
        return MoneyMention(shown, start, end, None, ZERO)
    return MoneyMention(shown, start, end, tidy(value))


def tidy(value: Decimal) -> Decimal:
    """1.5E+9 -> 1500000000, 12000.0 -> 12000, 0.50 -> 0.5 (same value, plain form)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# A digit after a unit that is followed by a measure word starts the next figure:
# 贷款500万两年 is 500万 and 两年, not 500.2万.
_COUNT_AFTER = "个年月人名位辆台场家项天次倍岁周"
_TRAILING_DIGIT = re.compile(
    r"(?<=[十拾百佰千仟万亿])零?(?:[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]|[0-9]+(?:\.[0-9]+)?)$"
)


def _trim_count_digit(number: str, following: str) -> str:
    if following[:1] and following[0] in _COUNT_AFTER and "个" not in number:
        return _TRAILING_DIGIT.sub("", number)
    return number


def _is_digit(char: str) -> bool:
    """A digit before '-' makes it a range dash (10-15亿), not a minus sign."""
    return char in "0123456789" or char in _DIGITS or char in "十百千万亿"


def find_money(text: str) -> list[tuple[str, Decimal]]:
    """Every valid money figure a user wrote, with its value in yuan, in order of appearance."""
    return [(m.text, m.yuan) for m in money_mentions(text) if m.yuan is not None]


def format_yuan(value: Decimal) -> str:
    """Write an amount the way policy texts do, exactly: 700万元, 1.2亿元, 6.48万元, 5000元,
    12345.67元 (an amount that 万 could only show with more than two decimals is written in 元)."""
    return format_quantity(value, "元")


def format_quantity(value: Decimal, unit: str) -> str:
    """A number of `unit` written as format_yuan writes yuan: 3000万股, 1.2亿股, 5000股."""
    value = Decimal(value)
    sign, value = ("-", -value) if value < 0 else ("", value)
    if value >= 100_000_000 and value % 1_000_000 == 0:
        return f"{sign}{_plain(value / 100_000_000)}亿{unit}"
    if value >= 10_000 and value % 100 == 0:
        return f"{sign}{_plain(value / 10_000)}万{unit}"
    return f"{sign}{_plain(value)}{unit}"


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 1.50 -> '1.5', 1E+1 -> '10'."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
