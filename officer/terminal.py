"""Text users wrote, made safe to print on an officer's terminal.

A question, a conversation id or a bot answer may hold newlines (which would forge whole extra
entries in a listing), ANSI escape sequences (which erase lines, move the cursor or set the window
title) or invisible bidirectional overrides (which reorder what is shown). Every listing the
officers' commands print passes user text through :func:`printable`, which writes each such
character as a visible escape (``\\n``, ``\\x1b``, ``\\u202e``); the stored text and the CSV
exports keep it unchanged.
"""

from __future__ import annotations

import unicodedata

# Control (Cc), format (Cf: bidi overrides, zero-width), line and paragraph separators (Zl, Zp),
# surrogates (Cs) and unassigned code points (Cn).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """`text` with every control, format and separator character written as a visible escape."""
    value = "" if text is None else str(text)
    if value.isprintable():
        return value  # the common case: nothing to escape (str.isprintable is C-fast)
    return "".join(_escaped(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in value)
