"""The action tests run actions in process (tests/support/in_process.py) on the test database."""

from __future__ import annotations

import pytest

import actions.answering.action_base as action_base
from policy_db import clock
from tests.conftest import TODAY
from tests.support.in_process import Conversation, Turn

__all__ = ["Conversation", "Turn"]


@pytest.fixture(autouse=True)
def action_database(monkeypatch, repository):
    """Actions read the test database, and 'today' is fixed so validity answers do not age; answers carry
    no source links unless a test sets WEB_PUBLIC_URL (whatever the developer's shell says)."""
    monkeypatch.setattr(action_base, "current_catalog", repository.catalog)
    monkeypatch.delenv("WEB_PUBLIC_URL", raising=False)

    with clock.fixed(TODAY):
        yield


@pytest.fixture
def conversation() -> Conversation:
    return Conversation()
