"""Splitting of long answers into WeChat-sized text messages.

WeChat limits a text message to 2048 bytes of UTF-8 (a Chinese character is 3
bytes, so roughly 680 characters).  Answers are split on line boundaries; a
single line that is longer than the limit is cut between characters (never in
the middle of a multi-byte character).
"""

import re
from typing import List, Text

WECHAT_TEXT_LIMIT_BYTES = 2048

# Characters that are not allowed in XML 1.0 (they would make the passive
# reply unparsable for WeChat).
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def utf8_len(text: Text) -> int:
    return len(text.encode("utf-8"))


def sanitize_text(text: Text) -> Text:
    """Makes text safe to embed in a CDATA section of a WeChat XML reply."""
    text = _INVALID_XML_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # "]]>" would terminate the CDATA section wechatpy renders.
    return text.replace("]]>", "]] >")


def _cut_line(line: Text, limit: int) -> List[Text]:
    """Cuts one over-long line into pieces of at most ``limit`` bytes."""
    pieces: List[Text] = []
    current: List[Text] = []
    size = 0
    for char in line:
        char_size = utf8_len(char)
        if size + char_size > limit and current:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += char_size
    if current:
        pieces.append("".join(current))
    return pieces


def split_text(text: Text, limit: int = WECHAT_TEXT_LIMIT_BYTES) -> List[Text]:
    """Splits ``text`` into parts of at most ``limit`` UTF-8 bytes.

    Lines are kept whole whenever possible; the newline between two parts is
    dropped, as are leading/trailing blank lines of each part.
    """
    if limit < 4:
        raise ValueError("limit must be at least 4 bytes")
    text = text.strip("\n")
    if utf8_len(text) <= limit:
        return [text] if text.strip() else []

    parts: List[Text] = []
    current: List[Text] = []
    size = 0  # bytes of "\n".join(current)

    def flush() -> None:
        nonlocal current, size
        chunk = "\n".join(current).strip("\n")
        if chunk.strip():
            parts.append(chunk)
        current, size = [], 0

    for line in text.split("\n"):
        line_size = utf8_len(line)
        if line_size > limit:
            flush()
            pieces = _cut_line(line, limit)
            parts.extend(pieces[:-1])
            current, size = [pieces[-1]], utf8_len(pieces[-1])
            continue
        added = line_size + (1 if current else 0)
        if current and size + added > limit:
            flush()
            added = line_size
        current.append(line)
        size += added
    flush()
    return parts
