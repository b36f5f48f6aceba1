"""Turn a Question and an aspect (amount, contact, conditions, validity) into reply messages and slots.

Rules the product promises, all decided here:
- a figure is only ever taken from a record of the city being asked about;
- with no city, the bot lists the figure per city (when a topic matches) and asks for the city;
- follow-ups without a subject of their own apply to the last answered records;
- when nothing matches, it says so and names the departments to ask.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from policy_db.query import Catalog
from policy_db.records import BenefitRecord

from . import formatting
from .context import Question
from .figures import figure_fits_basis
from .selection import (VALIDITY_WORDS, Selection, best_passage, is_figure_follow_up, is_generic,
                        lead_departments, select_in_city, select_per_city)

OVERVIEW_SIZE = 6
MAX_POINT_CHARS = 80


@dataclass
class Reply:
    messages: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str, buttons: list[dict] | None = None) -> "Reply":
        message: dict[str, Any] = {"text": text}
        if buttons:
            message["buttons"] = buttons
        self.messages.append(message)
        return self


def respond(catalog: Catalog, q: Question, aspect: str, today: dt.date | None = None) -> Reply:
    city = q.city or (None if q.other_city else q.remembered_city)
    last = catalog.get(q.last_benefits)
    same_subject = bool(last) and (q.city is None or q.city == last[0].city)

    if aspect != "amount" and not q.topics and same_subject:
        return _render(catalog, aspect, last[:1], q, today)

    tiered = next((b for b in last if b.tier is not None), None)
    if (aspect == "amount" and q.figure_in_message and same_subject and tiered is not None
            and is_figure_follow_up(catalog, q.text, tiered.tier.basis)):
        q.figure_text = f"{tiered.tier.basis}{q.text}"  # 「8亿呢」 is a new value of the same basis
        return _render(catalog, aspect, [tiered], q, today)

    if city is None:
        return _ask_city(catalog, q, aspect)

    search_text = catalog.without_places(q.text)
    if aspect == "validity" and not q.topics and is_generic(catalog, search_text, VALIDITY_WORDS):
        return _documents_validity(catalog, city, today)  # 「三明的政策还能用吗」
    selection = select_in_city(catalog, city, search_text, q.topics, q.category, q.figure_yuan, q.figure_text)
    if not selection.found and not q.topics and same_subject:
        return _render(catalog, aspect, last[:1], q, today)
    if not selection.found and q.category and not q.topics and is_generic(catalog, search_text):
        return _overview(catalog, city, q, aspect)
    if not selection.found:
        departments = lead_departments(catalog, city, q.category)
        passage = best_passage(catalog, city, search_text)
        text = (formatting.passage_text(city, passage, departments) if passage
                else formatting.not_found_text(city, _quote(catalog, q.text), departments))
        reply = Reply().say(text)
        reply.slots.update(city=city, pending_question=None, last_benefits=[], last_question=q.text,
                           last_aspect=aspect)
        return reply
    return _render(catalog, aspect, selection.records, q, today, selection)


def key_sentence(catalog: Catalog, benefit: BenefitRecord, question: str, shown: str) -> str | None:
    """The clause sentence that answers what the card does not (「会影响待遇吗」 -> 不影响…享受待遇)."""
    wanted = set(catalog.tokenizer.tokens(question))
    best, best_overlap = None, 0
    for sentence in re.split(r"(?<=[。;;,,])", benefit.clause_text):
        words = set(catalog.tokenizer.tokens(sentence)) & wanted
        novel = [w for w in words if w not in shown]
        if novel and len(words) >= 2 and len(words) > best_overlap:
            best, best_overlap = sentence.strip(" ,,;;。"), len(words)
    if best and len(best) > MAX_POINT_CHARS:
        best = best[:MAX_POINT_CHARS] + "…"
    return best


def _render(catalog: Catalog, aspect: str, records: list[BenefitRecord], q: Question, today: dt.date | None,
            selection: Selection | None = None) -> Reply:
    reply = Reply()
    main = records[0]
    if aspect == "contact":
        reply.say(formatting.contact_text(records))
    elif aspect == "conditions":
        reply.say(formatting.conditions_text(main, today))
    elif aspect == "validity":
        reply.say(formatting.validity_text(records, today))
    else:
        figure = q.figure_yuan if main.tier and figure_fits_basis(q.figure_text, main.tier.basis) else None
        card = formatting.answer_card(main, figure, today)
        point = key_sentence(catalog, main, q.text, card)
        reply.say(card + (f"\n原文要点:{point}" if point else ""))
        if selection and selection.related:
            reply.say(formatting.related_lines(selection.related))
    reply.slots.update(
        city=main.city, last_benefits=[r.key for r in records], last_topics=list(main.topics),
        last_question=q.text if selection else q.last_question, last_aspect=aspect, pending_question=None,
        figure_yuan=str(q.figure_yuan) if q.figure_yuan is not None else None,
        figure_text=q.figure_text or None)
    return reply


def _documents_validity(catalog: Catalog, city: str, today: dt.date | None) -> Reply:
    documents = list({b.document.key: b.document for b in catalog.in_city(city)}.values())
    reply = Reply().say(formatting.documents_validity_text(city, documents, today))
    reply.slots.update(city=city, last_aspect="validity", pending_question=None)
    return reply


def _overview(catalog: Catalog, city: str, q: Question, aspect: str) -> Reply:
    """「平顶山有哪些奖励补贴」: list the city's records of that kind, those with figures first."""
    records = sorted(catalog.in_city(city), key=lambda b: (not b.figures, b.key))
    if q.category != "other":  # 「平顶山有什么政策」 gets the records with figures of every kind
        records = [b for b in records if b.category == q.category]
    records = records[:OVERVIEW_SIZE]
    reply = Reply()
    if not records:
        return reply.say(formatting.not_found_text(city, _quote(catalog, q.text),
                                                   lead_departments(catalog, city, None)))
    reply.say(formatting.overview_text(city, records))
    reply.slots.update(city=city, last_benefits=[], last_question=None, last_aspect=aspect, pending_question=None)
    return reply


def _ask_city(catalog: Catalog, q: Question, aspect: str) -> Reply:
    cities = [c.name for c in catalog.cities]
    buttons = formatting.city_buttons(cities)
    reply = Reply()
    reply.slots.update(pending_question=q.text, last_aspect=aspect)
    if q.other_city:
        reply.say(f"暂未收录{q.other_city}的政策。目前可查询:{'、'.join(cities)}。请选择城市:", buttons)
        return reply
    per_city = select_per_city(catalog, catalog.without_places(q.text), q.topics, q.category)
    if per_city:
        topic = q.topics[0].replace('"', "") if q.topics else _quote(catalog, q.text)
        reply.say(formatting.per_city_text(per_city, topic), formatting.city_buttons(list(per_city) + [
            c for c in cities if c not in per_city]))
    else:
        reply.say(f"请问您的企业在哪个城市?目前可查询:{'、'.join(cities)}。", buttons)
    return reply


def _quote(catalog: Catalog, text: str) -> str:
    return catalog.without_places(text).strip(" ,,。??!!")[:30] or text[:30]
