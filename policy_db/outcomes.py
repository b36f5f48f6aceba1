"""What a bot reply did, as data: carried in each bot message's metadata (``outcome``), read by the report.

The actions attach one of these to every message they send (``utter_message(..., outcome=…)``; Rasa
keeps extra keys in ``BotUttered.metadata``), so `python -m policy_db report` counts outcomes instead of
matching reply wording. Here, in policy_db, because the report must not import the actions.
"""

from __future__ import annotations

ANSWERED = "answered"  # a record's card, a follow-up about it, a list, a document
VERDICT = "verdict"  # 符合 / 不符合 / 还需确认 for the owner's case
COMPARED = "compared"  # one measure across cities, or ranked within one
TOTAL = "total"  # several benefits summed
NOT_FOUND = "not_found"  # nothing in the database answers it
PASSAGE_ONLY = "passage_only"  # only a sentence of the source text, no record
NEEDS_FIGURE = "needs_figure"  # the owner's figure is missing or not a real amount
ASKED_CITY = "asked_city"  # the question waits for its city
ASKED_TOPIC = "asked_topic"  # a city alone: which kind of help?
NOT_UNDERSTOOD = "not_understood"  # the rephrase reply
OUT_OF_SCOPE = "out_of_scope"  # not a policy question
OTHER_PLACE = "other_place"  # a place the database does not cover
SMALL_TALK = "small_talk"  # greeting, thanks, capabilities
HAND_OFF = "hand_off"  # a person: hotline, message form
SERVICE_UNAVAILABLE = "service_unavailable"  # the policy database could not be read

ALL = (
    ANSWERED,
    VERDICT,
    COMPARED,
    TOTAL,
    NOT_FOUND,
    PASSAGE_ONLY,
    NEEDS_FIGURE,
    ASKED_CITY,
    ASKED_TOPIC,
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    OTHER_PLACE,
    SMALL_TALK,
    HAND_OFF,
    SERVICE_UNAVAILABLE,
)
# Outcomes the report lists as questions the bot could not answer.
UNANSWERED = (NOT_FOUND, PASSAGE_ONLY, NOT_UNDERSTOOD, OUT_OF_SCOPE)
