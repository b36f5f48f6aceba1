"""Class 5 (logs), unit level: every record is bounded and on one line, tracebacks stay useful but
bounded and cannot pass for records, files rotate (bot/log_setup.py)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot import log_setup

RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


@pytest.fixture
def log_file(tmp_path: Path):
    path = tmp_path / "bot.log"
    log_setup.install(str(path), max_bytes=200_000, backups=2)
    logger = logging.getLogger("tests.security.logs")
    logger.setLevel(logging.INFO)
    try:
        yield path, logger
    finally:
        log_setup.uninstall()


def _records(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if RECORD_START.match(line)]


def test_a_huge_message_is_cut_to_a_bounded_line(log_file):
    path, logger = log_file
    tracker_dump = '{"events": [' + ", ".join(['{"event": "user", "text": "平顶山专精特新"}'] * 20000) + "]}"
    logger.error("action failed: %s", tracker_dump)
    text = path.read_text(encoding="utf-8")
    assert len(tracker_dump) > 600_000
    assert len(text) < log_setup.MAX_MESSAGE_CHARS + 200
    assert 'action failed: {"events"' in text and "characters cut" in text and text.rstrip().endswith("]}")


def test_a_newline_in_a_user_value_cannot_forge_a_record(log_file):
    path, logger = log_file
    sender = "x\n2030-01-01 00:00:00,000 ERROR    rasa.core - admin password reset\x1b[31m"
    logger.error("custom action failed for '%s'", sender)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    assert "\\n2030-01-01" in lines[0] and "\\x1b[31m" in lines[0] and "\x1b" not in lines[0]


def test_a_traceback_is_kept_bounded_and_indented(log_file):
    path, logger = log_file
    try:
        raise ValueError("bad slot\nINFO forged line " + "x" * 50_000)
    except ValueError:
        logger.exception("could not handle a message from '%s'", "rest:u1")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(_records(path)) == 1
    assert any("Traceback (most recent call last)" in line for line in lines)
    assert any(line.endswith("ValueError: bad slot") for line in lines)  # the exception is kept
    assert [line for line in lines if "INFO forged line" in line][0].startswith(log_setup.TRACEBACK_INDENT)
    assert all(line.startswith(log_setup.TRACEBACK_INDENT) for line in lines[1:])
    assert len("\n".join(lines)) < log_setup.MAX_MESSAGE_CHARS + log_setup.MAX_TRACEBACK_CHARS + 400


def test_console_handlers_are_replaced_by_the_rotating_file(log_file):
    path, logger = log_file
    sanic_like = logging.getLogger("tests.security.sanic_like")
    sanic_like.propagate = False
    console = logging.StreamHandler()
    sanic_like.addHandler(console)
    logging.getLogger().addHandler(logging.StreamHandler())
    log_setup.route_to_file()
    try:
        assert console not in sanic_like.handlers
        assert not any(type(h) is logging.StreamHandler for h in logging.getLogger().handlers)
        sanic_like.warning("from a logger that does not propagate")
        assert "from a logger that does not propagate" in path.read_text(encoding="utf-8")
    finally:
        sanic_like.handlers.clear()


def test_the_file_rotates(log_file):
    path, logger = log_file
    for index in range(400):
        logger.info("turn %d: %s", index, "政" * 1500)
    rotated = sorted(path.parent.glob("bot.log*"))
    assert [p.name for p in rotated] == ["bot.log", "bot.log.1", "bot.log.2"]
    assert all(p.stat().st_size <= 200_000 + 6000 for p in rotated)
