"""Which replies of the bot say it could not answer, recognised from the texts the actions write.

The answering actions mark no reply as "nothing found" (no slot, no metadata: a not-found reply and an
answer from the source text set the same slots), so the report reads the reply's words. They are
rendered here by the very functions that write them (actions/answering), through the same
:func:`full_width` the actions apply, with marker values in place of the city and the question: a
change of wording in the actions changes what is recognised with it.

* nothing found (``formatting.not_found_text``) and only a sentence of the source text
  (``formatting.passage_text``): the part of the first line before and after the city, the city read
  from between them;
* not understood (``introduction.rephrase_text``) and out of scope (``out_of_scope_text``,
  ``chinese_only_text``): the first sentence, which names no city or example.

Rasa's core fallback (``action_default_fallback``) says nothing in this bot (the domain has no
``utter_default``); the action's name marks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rasa.shared.core.constants import ACTION_DEFAULT_FALLBACK_NAME

from ..passages import Passage
from ..query import Catalog, PassageHit

CORE_FALLBACK_ACTION = ACTION_DEFAULT_FALLBACK_NAME
_CITY, _QUESTION, _SECTION, _PASSAGE = "\x00", "\x01", "\x02", "\x03"  # markers no reply contains
_MARKERS = re.compile("[\x00-\x03\n]")
_FIRST_SENTENCE = re.compile(r"^.*?[。？！]")


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


class ReplyReader:
    """Recognises the replies that say the bot could not answer (with the catalogue the texts quote)."""

    def __init__(self, catalog: Catalog):
        # Imported here, not at the top: importing the actions package loads the action server's catalogue
        # (actions/__init__.py), which only this report needs of the commands of `python -m policy_db`.
        from actions.answering import formatting, introduction
        from actions.answering.punctuation import full_width

        self._with_city: list[tuple[re.Pattern[str], Reason]] = [
            (_city_pattern(full_width(formatting.not_found_text(_CITY, _QUESTION, [], None))), Reason.NOT_FOUND)
        ]
        if catalog.benefits:  # a source sentence is quoted with its document's citation
            document = catalog.benefits[0].document
            hit = PassageHit(Passage(document.key, _SECTION, _PASSAGE), document, 0.0, frozenset())
            self._with_city.append(
                (_city_pattern(full_width(formatting.passage_text(_CITY, hit, []))), Reason.PASSAGE_ONLY)
            )
        self._first_sentences = {
            _first_sentence(full_width(introduction.rephrase_text(catalog))): Reason.NOT_UNDERSTOOD,
            _first_sentence(full_width(introduction.out_of_scope_text(catalog))): Reason.OUT_OF_SCOPE,
            _first_sentence(full_width(introduction.chinese_only_text(catalog))): Reason.OUT_OF_SCOPE,
        }

    def read(self, text: str) -> Recognised | None:
        """Why this reply did not answer, or None when it is not one of those replies."""
        text = text.strip()
        for pattern, reason in self._with_city:
            match = pattern.match(text)
            if match:
                return Recognised(reason, match["city"])
        by_sentence = self._first_sentences.get(_first_sentence(text))
        return Recognised(by_sentence) if by_sentence else None


def _city_pattern(rendered: str) -> re.Pattern[str]:
    """The rendered text's words before the city, the city, and its words after the city up to the next marker."""
    before, after = rendered.split(_CITY, 1)
    after = _MARKERS.split(after, 1)[0]
    if _MARKERS.search(before) or not after:
        raise ValueError(f"the reply does not start with fixed words around the city: {rendered!r}")
    return re.compile(re.escape(before) + r"(?P<city>[^\n]+?)" + re.escape(after))


def _first_sentence(text: str) -> str:
    match = _FIRST_SENTENCE.match(text)
    return match[0] if match else text
