"""Property tests: however an amount is written, it reads back as plain arithmetic says."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_db.money import MAX_YUAN, find_money, format_yuan, money_mentions

FULL_WIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, ".": "．", ",": "，"})
UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000), "亿元": Decimal(10**8), "亿": Decimal(10**8)}

# Amounts in yuan, to the fen, from 1分 to 1万亿元.
yuan_amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=MAX_YUAN, places=2, allow_nan=False, allow_infinity=False
).filter(lambda d: d > 0)


def plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def with_separators(value: Decimal) -> str:
    whole, _, frac = plain(value).partition(".")
    grouped = f"{int(whole):,}"
    return grouped + (f".{frac}" if frac else "")


@settings(max_examples=300, deadline=None)
@given(yuan_amounts)
def test_format_yuan_round_trips(value):
    assert find_money(format_yuan(value)) == [(format_yuan(value), value)]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**8),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(sorted(UNITS)),
    st.booleans(),
    st.booleans(),
)
def test_written_forms_read_back(whole, decimals, unit, separators, full_width):
    number = Decimal(whole).scaleb(-decimals)  # e.g. 1234.56
    expected = number * UNITS[unit]
    if expected > MAX_YUAN or expected < Decimal("0.01") or (unit == "元" and decimals > 2):
        return
    text = (with_separators(number) if separators else plain(number)) + unit
    if full_width:
        text = text.translate(FULL_WIDTH)
    found = money_mentions(f"我们{text}，能拿多少")
    assert [m.yuan for m in found] == [expected], text


@settings(max_examples=200, deadline=None)
@given(yuan_amounts)
def test_scientific_notation_reads_back(value):
    text = f"{value:e}元"  # 1.234560e+5元
    assert find_money(text)[0][1] == value


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=MAX_YUAN, places=2, allow_nan=False))
def test_negative_is_never_made_positive(value):
    assert find_money(f"-{plain(value)}元") == []
    assert find_money(f"负{plain(value)}元") == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**6))
def test_over_a_trillion_is_refused(extra):
    value = MAX_YUAN + extra
    refused = money_mentions(f"{value}元", include_refused=True)
    assert len(refused) == 1 and refused[0].yuan is None and refused[0].problem


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_chinese_numerals_with_wan(high, low):
    """X万Y written in Chinese numerals reads as high*10000 + low."""

    def cn(n: int) -> str:
        digits = "零一二三四五六七八九"
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = n // unit_value % 10
            if d:
                out += ("零" if zero and out else "") + digits[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    text = cn(high) + "万" + (("零" if low < 1000 else "") + cn(low) if low else "") + "元"
    assert find_money(text)[0][1] == Decimal(high * 10_000 + low), text
