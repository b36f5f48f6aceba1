"""One registry of the aspects a question can ask about, each answered by one formatter.

Like rasa_sdk's knowledge-base actions treat attributes, an aspect is data plus one function: the
words that ask for it live in policy_db/data/vocabulary.yml, the formatter here. Adding an aspect is
a vocabulary entry, NLU examples and one line below; an aspect without a formatter is an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from policy_db.calculator import Calculation, MissingFigures
from policy_db.records import BenefitRecord

from . import formatting


@dataclass(frozen=True)
class AspectRequest:
    records: list[BenefitRecord]  # the subject, best first
    today: dt.date | None = None
    calculation: Calculation | MissingFigures | None = None  # the amount from the owner's own figures
    focus: tuple[str, ...] = ()  # what the owner asked about in particular (frame.Frame.focus)


class UnknownAspect(KeyError):
    """An aspect named in the vocabulary or by an intent has no formatter."""


def _amount(request: AspectRequest) -> str:
    return formatting.answer_card(request.records[0], request.calculation, request.today, request.focus)


def _documents(request: AspectRequest) -> str:
    documents = list({b.document.key: b.document for b in request.records}.values())
    return formatting.documents_text(request.records[0].city, documents, request.today)


FORMATTERS: dict[str, Callable[[AspectRequest], str]] = {
    "amount": _amount,
    "contact": lambda r: formatting.contact_text(r.records),
    "conditions": lambda r: formatting.conditions_text(r.records[0], r.today),
    "validity": lambda r: formatting.validity_text(r.records, r.today),
    "source": lambda r: formatting.source_text(r.records[0]),
    "apply": lambda r: formatting.apply_text(r.records[0], r.today),
    "document": _documents,
    "checkup": lambda r: formatting.overview_text(r.records[0].city, r.records),
}


def format_aspect(aspect: str, request: AspectRequest) -> str:
    try:
        formatter = FORMATTERS[aspect]
    except KeyError as exc:
        raise UnknownAspect(aspect) from exc
    return formatter(request)
