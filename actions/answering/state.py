"""The conversation state: what the bot remembers between messages, as typed data.

The only code that reads or writes Rasa slots for answering. One slot, ``conversation`` (domain.yml),
holds the whole state as a plain mapping; ``city`` is mirrored into Rasa's own ``city`` slot so the
message form and the contact action see it. Figures are kept as values with what each measures, never
as text read again. Slot values can come from anywhere (a stale tracker, a forged payload), so each field
is checked where it is read: an invalid value counts as absent, never as a crash.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from policy_db.eligibility import EnterpriseProfile
from policy_db.money import MAX_YUAN
from policy_db.query import Catalog
from policy_db.user_figures import UserFigure
from policy_db.vocabulary import Vocabulary

STATE_SLOT = "conversation"
CITY_SLOT = "city"
MAX_TEXT = 500
MAX_KEYS = 50
MAX_FIGURES = 6
FIGURE_KINDS = ("money", "count", "rate")
PROFILE_SETS = ("recognitions", "levels", "enterprise_types", "plans", "boards", "industries")


@dataclass(frozen=True)
class ConversationState:
    """What the conversation is about after the bot's last reply. Empty means not said."""

    city: str | None = None
    level: str | None = None  # 国家级 / 省级 / 市级
    topics: tuple[str, ...] = ()  # catalogue topics of the subject
    subject: tuple[str, ...] = ()  # keys of the records last answered, best first
    aspect: str | None = None  # what was last asked of the subject (amount, contact …)
    figures: tuple[UserFigure, ...] = ()  # the owner's figures, each with what it measures
    profile: EnterpriseProfile = field(default_factory=EnterpriseProfile)  # what the owner said of the enterprise
    listed: tuple[str, ...] = ()  # keys of the last numbered list (「第二个」 picks from it)
    question: str | None = None  # the words of the last question with a subject of its own (re-asked elsewhere)
    pending_question: str | None = None  # asked before the city was known
    compared: tuple[str, ...] = ()  # keys of the records of the last comparison or total, one per city or part

    def updated(self, **changes: Any) -> ConversationState:
        """This state with `changes` (field names of this class; record lists as keys or records)."""
        clean: dict[str, Any] = {
            name: _keys(value) if name in _KEY_FIELDS else value for name, value in changes.items()
        }
        if "figures" in clean:
            clean["figures"] = tuple(clean["figures"] or ())[-MAX_FIGURES:]
        for name in ("topics",):
            if name in clean:
                clean[name] = tuple(clean[name] or ())
        return replace(self, **clean)


_KEY_FIELDS = ("subject", "listed", "compared")


def _keys(records) -> tuple[str, ...]:
    return tuple(r if isinstance(r, str) else r.key for r in (records or ()))


# -- reading ----------------------------------------------------------------------------------------
def read_state(tracker: Tracker, catalog: Catalog, vocabulary: Vocabulary) -> ConversationState:
    """The state kept in the tracker; a city from Rasa's own slot (filled from an entity) when it has none."""
    return state_from_slot(tracker.get_slot(STATE_SLOT), catalog, vocabulary, tracker.get_slot(CITY_SLOT))


def state_from_slot(stored: Any, catalog: Catalog, vocabulary: Vocabulary, city_slot: Any = None) -> ConversationState:
    raw = stored if isinstance(stored, dict) else {}
    city = _text(raw.get("city")) or _text(city_slot)
    level = _text(raw.get("level"))
    aspect = _text(raw.get("aspect"))
    return ConversationState(
        city=catalog.resolve_city(city) if city else None,
        level=level if level in {lv.name for lv in vocabulary.levels} else None,
        topics=tuple(t for t in _list(raw.get("topics")) if t in catalog.topics),
        subject=_record_keys(raw.get("subject"), catalog),
        aspect=aspect if aspect in vocabulary.aspect_names else None,
        figures=tuple(f for f in (_figure(v) for v in _list_of_dicts(raw.get("figures"))) if f)[-MAX_FIGURES:],
        profile=_profile(raw.get("profile")),
        listed=_record_keys(raw.get("listed"), catalog),
        question=_text(raw.get("question")),
        pending_question=_text(raw.get("pending_question")),
        compared=_record_keys(raw.get("compared"), catalog),
    )


def _record_keys(value: Any, catalog: Catalog) -> tuple[str, ...]:
    """Keys of records the catalogue still has (a rebuilt database may have dropped one)."""
    return tuple(b.key for b in catalog.get(_list(value)))


def _text(value: Any) -> str | None:
    return value[:MAX_TEXT] if isinstance(value, str) and value.strip() else None


def _list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)][:MAX_KEYS] if isinstance(value, list) else []


def _list_of_dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)][:MAX_KEYS] if isinstance(value, list) else []


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or number <= 0 or number > MAX_YUAN:
        return None
    return number


def _figure(raw: dict) -> UserFigure | None:
    value = _decimal(raw.get("value"))
    kind = raw.get("kind")
    if value is None or kind not in FIGURE_KINDS:
        return None
    return UserFigure(
        kind=kind,
        value=value,
        text=_text(raw.get("text")) or "",
        start=0,
        end=0,
        basis=_text(raw.get("basis")),
        qualifier=_text(raw.get("qualifier")),
        word=_text(raw.get("word")),
    )


def _profile(value: Any) -> EnterpriseProfile:
    """A stored profile; anything malformed is dropped, never a crash."""
    if not isinstance(value, dict):
        return EnterpriseProfile()
    kept: dict[str, Any] = {}
    for f in fields(EnterpriseProfile):
        raw = value.get(f.name)
        if f.name in PROFILE_SETS and isinstance(raw, list):
            kept[f.name] = frozenset(v for v in raw if isinstance(v, str))
        elif f.name in ("revenue_yuan", "investment_yuan"):
            number = _decimal(raw)
            if number is not None:
                kept[f.name] = number
        elif f.name == "headcount" and isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 10_000_000:
            kept[f.name] = raw
        elif f.name == "first_time" and isinstance(raw, bool):
            kept[f.name] = raw
        elif f.name == "city" and isinstance(raw, str):
            kept[f.name] = raw[:MAX_TEXT]
        elif f.name == "measures" and isinstance(raw, dict):
            measures = {k: _decimal(v) for k, v in list(raw.items())[:MAX_KEYS] if isinstance(k, str)}
            kept[f.name] = frozenset((k, v) for k, v in measures.items() if v is not None)
        elif f.name == "ranges" and isinstance(raw, list):
            kept[f.name] = frozenset(r for r in (_range(item) for item in raw[:MAX_KEYS]) if r is not None)
    return EnterpriseProfile(**kept)


def _range(item: Any) -> tuple[str, Decimal, Decimal, str] | None:
    """A stored approximate sum [field, low, high, as said], or None."""
    if not isinstance(item, list) or len(item) != 4 or not isinstance(item[0], str) or not isinstance(item[3], str):
        return None
    low, high = _decimal(item[1]), _decimal(item[2])
    if low is None or high is None or low > high:
        return None
    return item[0][:MAX_TEXT], low, high, item[3][:MAX_TEXT]


# -- writing ----------------------------------------------------------------------------------------
def state_to_slot(state: ConversationState) -> dict[str, Any]:
    """The state as JSON-safe data for the tracker store."""
    return {
        "city": state.city,
        "level": state.level,
        "topics": list(state.topics),
        "subject": list(state.subject),
        "aspect": state.aspect,
        "figures": [_figure_to_slot(f) for f in state.figures],
        "profile": _profile_to_slot(state.profile),
        "listed": list(state.listed),
        "question": state.question,
        "pending_question": state.pending_question,
        "compared": list(state.compared),
    }


def _figure_to_slot(figure: UserFigure) -> dict[str, Any]:
    return {
        "kind": figure.kind,
        "value": str(figure.value),
        "text": figure.text,
        "basis": figure.basis,
        "qualifier": figure.qualifier,
        "word": figure.word,
    }


def _profile_to_slot(profile: EnterpriseProfile) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in asdict(profile).items():
        if name == "measures":
            out[name] = {field: str(number) for field, number in sorted(value)}
        elif name == "ranges":
            out[name] = [[field, str(low), str(high), said] for field, low, high, said in sorted(value)]
        elif isinstance(value, (set, frozenset)):
            out[name] = sorted(value)
        elif isinstance(value, Decimal):
            out[name] = str(value)
        else:
            out[name] = value
    return out


def state_events(before: ConversationState, after: ConversationState) -> list[dict[str, Any]]:
    """The slot events that store `after` (nothing when the state did not change)."""
    if after == before:
        return []
    events = [SlotSet(STATE_SLOT, state_to_slot(after))]
    if after.city != before.city:
        events.append(SlotSet(CITY_SLOT, after.city))
    return events
