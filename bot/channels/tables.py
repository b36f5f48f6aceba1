"""A table a bot message carries (its ``table`` metadata: ``{"columns": [...], "rows": [[...], ...]}``, written
by actions/answering/reply.py), drawn as a GFM Markdown table for the web page, whose widget renders Markdown.

The metadata comes from our own action server, but it is read as untrusted data all the same: anything that
is not a small table of plain-text cells gives None, and the channel shows the message's text instead. A
cell loses the characters Markdown acts on (``|`` would end the cell, ``*_[]<>`` would format or link), so
a cell can never become a link or break the table.
"""

from __future__ import annotations

import re
from typing import Any, Optional

MAX_COLUMNS = 8
MAX_ROWS = 80
MAX_CELL_CHARS = 120

_MARKDOWN = re.compile(r"[\\`*_\[\]<>#|~]")
_SPACE = re.compile(r"\s+")


def cell(text: str) -> str:
    """One cell's text: one line, no Markdown, at most MAX_CELL_CHARS characters; an empty cell a dash."""
    plain = _SPACE.sub(" ", _MARKDOWN.sub(lambda m: "｜" if m.group() == "|" else "", text)).strip()
    if len(plain) > MAX_CELL_CHARS:
        plain = plain[:MAX_CELL_CHARS] + "…"
    return plain or "—"


def _strings(value: Any) -> Optional[list[str]]:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def markdown_table(table: Any) -> Optional[str]:
    """The table in GFM Markdown, or None when `table` is not a well-formed small table."""
    if not isinstance(table, dict):
        return None
    columns = _strings(table.get("columns"))
    rows = table.get("rows")
    if columns is None or len(columns) > MAX_COLUMNS or not isinstance(rows, list) or not 0 < len(rows) <= MAX_ROWS:
        return None
    cells = [_strings(row) for row in rows]
    if any(row is None or len(row) != len(columns) for row in cells):
        return None
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in cells if row is not None]
    return "\n".join(lines)
