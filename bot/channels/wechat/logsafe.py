"""Making user-supplied values safe to put in a log line.

An openid, a MsgId, a message text or a menu key comes from the request: a
newline in it must not start a forged log line, and a 60 KB text must not end
up in the log.  ``for_log`` gives the ``repr`` of the value (newlines and other
control characters escaped, Chinese kept readable), cut to a bound.
"""

from typing import Any, Text

DEFAULT_LOG_CHARS = 80


def for_log(value: Any, limit: int = DEFAULT_LOG_CHARS) -> Text:
    """``repr`` of ``value`` (as text), cut to ``limit`` characters with a count."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}…(+{len(text) - limit} chars)"
