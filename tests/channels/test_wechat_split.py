"""Unit tests for splitting answers into WeChat-sized messages."""

import pytest

from bot.channels.wechat.split import sanitize_text, split_text, utf8_len


def test_short_text_is_one_part():
    assert split_text("您好") == ["您好"]
    assert split_text("\n您好\n") == ["您好"]


def test_empty_text_has_no_parts():
    assert split_text("") == []
    assert split_text("\n\n  \n") == []


def test_exactly_at_limit_is_one_part():
    text = "政" * (2048 // 3) + "ab"  # 682 * 3 + 2 = 2048 bytes
    assert utf8_len(text) == 2048
    assert split_text(text) == [text]


def test_splits_on_line_boundaries_by_utf8_bytes():
    lines = [f"第{i}项：企业研发投入补助申报指南。" for i in range(200)]
    text = "\n".join(lines)
    parts = split_text(text, 2048)
    assert len(parts) > 1
    assert all(utf8_len(p) <= 2048 for p in parts)
    # Characters would fit many more lines; bytes are what counts.
    assert all(len(p) < 2048 // 2 for p in parts)
    assert "\n".join(parts) == text
    for part in parts:
        assert all(line in lines for line in part.split("\n"))


def test_a_single_overlong_line_is_cut_between_characters():
    line = "补贴" * 3000  # 18000 bytes, no newline
    parts = split_text("开头\n" + line + "\n结尾", 2048)
    assert all(utf8_len(p) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == "开头" + line + "结尾"
    for part in parts:
        part.encode("utf-8").decode("utf-8")  # no broken characters


@pytest.mark.parametrize("limit", [16, 100, 2048])
def test_mixed_content_never_exceeds_limit(limit):
    text = "\n".join(["", "ascii line " * 7, "中文" * 40, "😀" * 30, "", "x", "混合 mixed 😀 内容" * 9, ""])
    parts = split_text(text, limit)
    assert parts
    assert all(0 < utf8_len(p) <= limit for p in parts)


def test_sanitize_keeps_cdata_intact_and_removes_control_chars():
    assert sanitize_text("a]]>b") == "a]] >b"
    assert sanitize_text("a\x00b\x07c\r\nd\te") == "abc\nd\te"
