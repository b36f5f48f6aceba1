"""Screening of `/intent{...}` payloads before Rasa reads them.

Rasa lets any user message of the form ``/intent{"entity": value}`` skip NLU: the intent and the
entities are taken as written, and entities fill slots through their mappings. Buttons send such
payloads (``/inform_city{"city": "平顶山"}``), so they must keep working, but a user can type or link
any payload: ``/inform_city{"city": 12345}``, an object as the city, a 40-digit figure, an entity
the domain does not know, a 10 KB string. :func:`screen` checks every payload where it enters, on
every channel (it is called by the guard of ``Agent.handle_message`` in :mod:`bot.resilience`):

* the intent must be one of the domain's intents; other text after a slash is read as an ordinary
  message (the slash dropped), so 「/平顶山小巨人」 is still answered, unless it has payload syntax;
* every entity must be one the domain knows, and its value must be valid for it: a city one of
  the catalogue's places (a county gives its city), a figure a positive amount in yuan, at most
  :data:`policy_db.money.MAX_YUAN`; the closed vocabularies are checked against themselves: a
  level, enterprise type, listing board or insurance type one of ``entity_words`` in
  policy_db/data/vocabulary.yml, a topic one of the topic words or names of the generated lookup
  table (data/nlu/generated/lookups.yml, made from the catalogue by ``python -m bot.nlu_resources``).
  A payload cannot put its own words in a slot the bot repeats (issue 21: a topic of
  ``[点此领取补贴](http://…)`` made the bot say a link in its own words); an entity of no closed
  vocabulary is a short string without control or Markdown characters;
* anything else is refused with :data:`INVALID_PAYLOAD_REPLY` and the message is not processed,
  so nothing invalid reaches a slot.

``/restart`` and ``/session_start`` are Rasa's own intents: they restart the conversation or begin a
new session, which is what a user typing them expects (the domain's ``utter_restart`` confirms).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from policy_db.loader import read_cities
from policy_db.money import MAX_YUAN
from policy_db.vocabulary import load_vocabulary

MAX_PAYLOAD_CHARS = 500
MAX_ENTITY_TEXT = 50
INVALID_PAYLOAD_REPLY = "这条指令的内容无效，已忽略。请直接用文字提问，比如“平顶山小巨人奖多少”。"
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?$", re.S)
_DECIMAL = re.compile(r"\d{1,13}(\.\d{1,4})?")  # yuan, as the money extractor writes it
_PAYLOAD_SYNTAX = re.compile(r"[{}\[\]@]")  # entities, lists, Rasa's @confidence
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKDOWN = re.compile(r"[\[\]()<>*_`#|!\\]")  # link, image, emphasis, code, heading, table, HTML
LOOKUPS = Path(__file__).resolve().parents[1] / "data" / "nlu" / "generated" / "lookups.yml"
CLOSED_VOCABULARY_ENTITIES = ("level", "enterprise_type", "listing_board", "insurance_type")


@dataclass(frozen=True)
class Screened:
    """What to do with a message: process ``text``, or refuse it with ``reply``."""

    text: str | None
    reply: str | None = None

    @property
    def refused(self) -> bool:
        return self.text is None


@lru_cache(maxsize=1)
def _places() -> Mapping[str, str]:
    """Every place name a payload may give (names, full names, aliases, counties) -> its city."""
    places: dict[str, str] = {}
    for city in read_cities():
        for place in (city.name, city.full_name, *city.aliases, *city.counties):
            places[place] = city.name
    return places


@lru_cache(maxsize=1)
def _levels() -> frozenset[str]:
    return frozenset(level.name for level in load_vocabulary().levels)


@lru_cache(maxsize=1)
def _entity_words() -> Mapping[str, frozenset[str]]:
    """The closed vocabularies of vocabulary.yml's ``entity_words`` (level, enterprise type, board, insurance)."""
    return {name: frozenset(words) for name, words in load_vocabulary().entity_words}


@lru_cache(maxsize=1)
def _topics() -> frozenset[str]:
    """Every topic word of the generated lookup table and every topic name its synonyms map to."""
    blocks = (yaml.safe_load(LOOKUPS.read_text(encoding="utf-8")) or {}).get("nlu") or []
    words = {line.strip()[2:].strip() for b in blocks if b.get("lookup") == "topic" for line in _lines(b)}
    for block in blocks:
        if "synonym" in block and any(line.strip()[2:].strip() in words for line in _lines(block)):
            words.add(str(block["synonym"]))
    return frozenset(w for w in words if w)


def _lines(block: Mapping[str, Any]) -> list[str]:
    return [line for line in str(block.get("examples", "")).splitlines() if line.strip().startswith("- ")]


def _closed(name: str) -> Any:
    def valid(value: Any) -> str | None:
        words = _levels() | _entity_words().get(name, frozenset()) if name == "level" else _entity_words().get(name)
        return value if isinstance(value, str) and words and value in words else None

    return valid


def _valid_topic(value: Any) -> str | None:
    return value if isinstance(value, str) and value in _topics() else None


def _valid_city(value: Any) -> str | None:
    return _places().get(value.strip()) if isinstance(value, str) else None


def _valid_money(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not _DECIMAL.fullmatch(text):
        return None
    amount = Decimal(text)
    return str(amount) if 0 < amount <= MAX_YUAN else None


def _valid_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    unsafe = _CONTROL.search(value) or _MARKDOWN.search(value)
    return value if value and len(value) <= MAX_ENTITY_TEXT and not unsafe else None


_VALIDATORS = {
    "city": _valid_city,
    "money": _valid_money,
    "topic": _valid_topic,
    **{name: _closed(name) for name in CLOSED_VOCABULARY_ENTITIES},
}


def screen(text: str, intents: Iterable[str], entities: Iterable[str]) -> Screened:
    """Check a message against the domain's `intents` and `entities` (see the module docstring)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return Screened(text)
    match = _PAYLOAD.match(stripped)
    if not match or match["intent"] not in set(intents):
        plain = stripped.lstrip("/").strip()
        looks_like_a_payload = not plain or _PAYLOAD_SYNTAX.search(plain)
        return Screened(None, INVALID_PAYLOAD_REPLY) if looks_like_a_payload else Screened(plain)
    if not match["entities"]:
        return Screened(stripped)
    if len(stripped) > MAX_PAYLOAD_CHARS:
        return Screened(None, INVALID_PAYLOAD_REPLY)
    try:
        given = json.loads(match["entities"])
    except ValueError:
        return Screened(None, INVALID_PAYLOAD_REPLY)
    if not isinstance(given, dict):
        return Screened(None, INVALID_PAYLOAD_REPLY)
    known = set(entities)
    checked = {}
    for name, value in given.items():
        valid = _VALIDATORS.get(name, _valid_text)(value) if name in known else None
        if valid is None:
            return Screened(None, INVALID_PAYLOAD_REPLY)
        checked[name] = valid
    return Screened(f"/{match['intent']}{json.dumps(checked, ensure_ascii=False)}")
