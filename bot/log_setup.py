"""Bounded, unforgeable, rotating logs for the Rasa server and the action server.

Why: Rasa logs whatever it is given. One failing custom action made the Rasa server log the action
server's error body, which echoed the whole request (tracker and domain, ~680 KB), for every 20-byte
message; a sender id with a newline wrote a line that looked like a log record of its own; and the
shell redirect behind it never rotated.

What :func:`install` does:

* every log record is made bounded and single-line **when it is created**
  (:func:`logging.setLogRecordFactory`), so every handler (files, console, Sanic's, structlog's
  output through the standard library) gets the same safe record: the message is formatted once,
  control characters (newlines included) are written as escapes (``\\n``, ``\\x1b``), and a message
  longer than :data:`MAX_MESSAGE_CHARS` keeps its head and tail around a ``…[N characters cut]…``
  note;
* a traceback is kept (it is what makes an error useful) but bounded to
  :data:`MAX_TRACEBACK_CHARS` (head and tail: the frames that failed and the exception itself),
  with each of its lines indented, so nothing inside it can pass for a record of its own;
* with a log file, records go to a :class:`logging.handlers.RotatingFileHandler`
  (``LOG_MAX_BYTES``, default 10 MB; ``LOG_BACKUPS``, default 5 old files) and the console
  handlers that Rasa, coloredlogs and Sanic install are taken off (:func:`route_to_file`).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import Any, Optional

MAX_MESSAGE_CHARS = 2000
MAX_TRACEBACK_CHARS = 8000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s - %(message)s"
TRACEBACK_INDENT = "    | "

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_state: dict = {"factory": None, "handler": None, "stripped": set()}


def escape_control(text: str) -> str:
    """`text` with every control character written as an escape, so it stays on one line."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable() or char == " ":
            out.append(char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its head and tail around a note of the cut."""
    if len(text) <= limit:
        return text
    keep = max(limit - 40, 20)
    head, tail = keep // 2, keep - keep // 2
    return f"{text[:head]} …[{len(text) - head - tail} characters cut]… {text[-tail:]}"


def bounded_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """One log line: control characters escaped, then cut to `limit` characters."""
    return shorten(escape_control(text), limit)


def bounded_traceback(text: str, limit: int = MAX_TRACEBACK_CHARS) -> str:
    """A traceback cut to `limit` characters, each line escaped and indented."""
    lines = [TRACEBACK_INDENT + shorten(escape_control(line), MAX_MESSAGE_CHARS) for line in text.splitlines()]
    return shorten("\n".join(lines), limit)


def _message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception as exc:  # noqa: BLE001 - a wrong format string must not lose the record
        return f"{record.msg!r} (arguments {record.args!r} did not format: {type(exc).__name__})"


def make_bounded(record: logging.LogRecord) -> logging.LogRecord:
    """Format the record's message and traceback now, bounded and escaped (idempotent)."""
    if getattr(record, "bounded", False):
        return record
    record.msg = bounded_message(_message_of(record))
    record.args = ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = bounded_traceback(record.exc_text)
    if record.stack_info:
        record.stack_info = bounded_traceback(record.stack_info)
    record.bounded = True
    return record


def install_bounded_records() -> None:
    """Make every log record created from now on bounded (idempotent)."""
    if _state["factory"] is not None:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return make_bounded(previous(*args, **kwargs))

    _state["factory"] = (factory, previous)
    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)


def uninstall() -> None:
    """Restore the record factory and take the file handler off (for tests)."""
    if _state["factory"] is not None:
        logging.setLogRecordFactory(_state["factory"][1])
        _state["factory"] = None
    handler = _state["handler"]
    if handler is not None:
        for logger in _all_loggers():
            if handler in logger.handlers:
                logger.removeHandler(handler)
        handler.close()
        _state["handler"] = None
    _state["stripped"] = set()


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def rotating_file_handler(path: str, max_bytes: Optional[int] = None, backups: Optional[int] = None) -> logging.Handler:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path,
        maxBytes=max_bytes or _env_int("LOG_MAX_BYTES", DEFAULT_MAX_BYTES),
        backupCount=backups or _env_int("LOG_BACKUPS", DEFAULT_BACKUPS),
        encoding="utf-8",
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    return handler


def _all_loggers() -> list:
    loggers = [logging.getLogger()]
    loggers += [
        logger for logger in list(logging.Logger.manager.loggerDict.values()) if isinstance(logger, logging.Logger)
    ]
    return loggers


def _is_console(handler: logging.Handler) -> bool:
    return type(handler) is logging.StreamHandler or (
        isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
        and getattr(handler, "stream", None) in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    )


def route_to_file() -> None:
    """Send every logger's output to the rotating file instead of the console (idempotent).

    Called again after Rasa, coloredlogs or Sanic add their console handlers, or change whether a
    logger passes its records on to the root logger (Sanic's loggers do not)."""
    handler = _state["handler"]
    if handler is None:
        return
    root = logging.getLogger()
    stripped = _state.setdefault("stripped", set())
    for logger in _all_loggers():
        for console in [h for h in logger.handlers if _is_console(h)]:
            logger.removeHandler(console)
            stripped.add(logger.name)
        if logger is root:
            wanted = True
        elif logger.name in stripped:
            wanted = not logger.propagate
        else:
            continue
        if wanted and handler not in logger.handlers:
            logger.addHandler(handler)
        elif not wanted and handler in logger.handlers:
            logger.removeHandler(handler)


def install(log_file: Optional[str] = None, max_bytes: Optional[int] = None, backups: Optional[int] = None) -> None:
    """Bounded records everywhere; with `log_file`, every record goes to that rotating file."""
    install_bounded_records()
    if log_file and _state["handler"] is None:
        _state["handler"] = rotating_file_handler(log_file, max_bytes, backups)
        logging.getLogger().addHandler(_state["handler"])
    route_to_file()


def file_handler() -> Optional[logging.Handler]:
    return _state["handler"]
