"""Chinese punctuation in replies: ASCII , : ; ( ) ? ! become ，：；（）？！.

Replies are assembled from data, templates and numbers; writing every piece in full width by hand
drifts, so replies pass through :func:`full_width` once, where they leave the actions. Inside a
number (1,500 · 5:5 · 10:30) the ASCII mark stays, and so does the target of a Markdown link
(``[查看原文](http://host/sources/doc#c-3)``): an address is not prose. Button payloads are never
touched: they are read back by Rasa (``/inform_city{"city": "平顶山"}``).
"""

from __future__ import annotations

import re

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_KEPT_BETWEEN_DIGITS = {",", ":"}
_LINK_TARGET = re.compile(r"\]\([^()\s]+\)")


def full_width(text: str) -> str:
    chars = list(text)
    kept = {i for match in _LINK_TARGET.finditer(text) for i in range(match.start(), match.end())}
    for i, char in enumerate(chars):
        if char not in FULL_WIDTH or i in kept:
            continue
        between_digits = 0 < i < len(chars) - 1 and chars[i - 1].isdigit() and chars[i + 1].isdigit()
        if not (char in _KEPT_BETWEEN_DIGITS and between_digits):
            chars[i] = FULL_WIDTH[char]
    return "".join(chars)
