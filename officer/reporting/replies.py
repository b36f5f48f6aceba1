"""Which replies of the bot say it could not answer, read from the outcome each bot message carries.

The actions put what a reply did in the bot message's metadata (``outcome``, policy_db/outcomes.py, with
the ``city`` the conversation is about), so the report reads data, never the reply's wording. Rasa's core
fallback (``action_default_fallback``) says nothing in this bot (the domain has no ``utter_default``); the
action's name marks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rasa.shared.core.constants import ACTION_DEFAULT_FALLBACK_NAME
from rasa.shared.core.events import BotUttered

from policy_db import outcomes
from policy_db.query import Catalog

CORE_FALLBACK_ACTION = ACTION_DEFAULT_FALLBACK_NAME


class Reason(Enum):
    """Why a question counts as not answered; the value is what officers read."""

    NOT_FOUND = "没有找到"
    PASSAGE_ONLY = "只有原文相关句"
    NOT_UNDERSTOOD = "没有理解"
    OUT_OF_SCOPE = "判为超出范围"


@dataclass(frozen=True)
class Recognised:
    reason: Reason
    city: str | None = None  # the city the reply names


# The outcomes (policy_db/outcomes.py) the report lists as unanswered, and why.
OUTCOME_REASONS = {
    outcomes.NOT_FOUND: Reason.NOT_FOUND,
    outcomes.PASSAGE_ONLY: Reason.PASSAGE_ONLY,
    outcomes.NOT_UNDERSTOOD: Reason.NOT_UNDERSTOOD,
    outcomes.OUT_OF_SCOPE: Reason.OUT_OF_SCOPE,
}


class ReplyReader:
    """Reads a bot message's outcome: why it did not answer, or None when it answered."""

    def __init__(self, catalog: Catalog | None = None):
        self.catalog = catalog

    def read(self, event: BotUttered) -> Recognised | None:
        metadata = event.metadata if isinstance(event.metadata, dict) else {}
        reason = OUTCOME_REASONS.get(str(metadata.get("outcome")))
        if reason is None:
            return None
        city = metadata.get("city")
        return Recognised(reason, city if isinstance(city, str) and city else None)
