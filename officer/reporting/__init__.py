"""What the bot could not answer, read from Rasa's tracker store: ``python -m policy_db report``.

* :mod:`.tracker`: where the tracker store is, from when to read, each conversation's events in order.
* :mod:`.replies`: what a reply of the bot says (nothing found, not understood, out of scope), recognised
  from the texts the actions write.
* :mod:`.unanswered`: the questions those replies answered, with the city and topic they were about.
* :mod:`.listing`: per city and topic with counts and examples, or one CSV row per question.
"""

from __future__ import annotations

from .listing import listing, to_csv
from .replies import Reason, ReplyReader
from .tracker import TrackerStoreUnknown, conversations_since, parse_since, tracker_engine, tracker_url
from .unanswered import Unanswered, unanswered_questions

__all__ = [
    "Reason",
    "ReplyReader",
    "TrackerStoreUnknown",
    "Unanswered",
    "conversations_since",
    "listing",
    "parse_since",
    "to_csv",
    "tracker_engine",
    "tracker_url",
    "unanswered_questions",
]
