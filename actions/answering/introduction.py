"""What the bot says about itself, composed from the catalogue: the greeting, the capabilities text,
the fallback texts and the web page's city list and example questions.

None of them lists a city, a kind of help or a topic by hand: the cities are the catalogue's, the
kinds of help and how owners ask about them come from categories.yml, and every example question is
built from a record that answers it (a benefit of that city with a figure, whose topic no other
benefit of the city has), so adding a city to the data adds it everywhere the bot introduces itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from policy_db import clock
from policy_db.query import Catalog
from policy_db.records import BenefitRecord, FigureRecord
from policy_db.vocabulary import Categories, Category, load_categories

from . import wording

MAX_EXAMPLES = 6  # example questions on the page: one per city, the first cities of the catalogue
GREETING_BUTTONS = 3  # questions without a city: the bot then lists the figure per city
TOPICS_PER_KIND = 4  # topics named for each kind of help in the capabilities text
# Figures an example question can be answered with, best first: money, then rates and periods.
ANSWER_FIGURES = ("amount", "cap", "ratio", "rate", "months", "years", "working_days", "days")
NO_FIGURE_IN_QUESTION = "0123456789万亿元%"  # an example question asks for a figure; it never gives one


@dataclass(frozen=True)
class ExampleQuestion:
    """A question the catalogue answers, with the record and figure that answer it."""

    question: str
    city: str
    topic: str
    benefit: BenefitRecord
    figure: FigureRecord

    @property
    def departments(self) -> tuple[str, ...]:
        return self.benefit.departments


def covered_cities(catalog: Catalog) -> list[str]:
    return [city.name for city in catalog.cities]


def topic_word(topic: str) -> str:
    """A topic as an owner types it: 专精特新"小巨人" -> 专精特新小巨人."""
    return topic.replace('"', "").replace("“", "").replace("”", "")


def answer_figure(benefit: BenefitRecord) -> FigureRecord | None:
    for kind in ANSWER_FIGURES:
        for figure in benefit.figures:
            if figure.kind == kind:
                return figure
    return None


def example_questions(
    catalog: Catalog, today: dt.date | None = None, categories: Categories | None = None, limit: int = MAX_EXAMPLES
) -> list[ExampleQuestion]:
    """One question per city (in the catalogue's order), of kinds of help as varied as the records allow."""
    return list(_examples(catalog, today or clock.today(), categories or load_categories(), limit))


@lru_cache(maxsize=8)
def _examples(catalog: Catalog, today: dt.date, categories: Categories, limit: int) -> tuple[ExampleQuestion, ...]:
    order = {key: i for i, key in enumerate(categories.keys)}
    catch_all = {c.key for c in categories if c.catch_all}
    breadth = _topic_breadth(catalog)
    used: dict[str, int] = {}
    chosen: list[ExampleQuestion] = []
    for city in covered_cities(catalog):
        candidates = _candidates(catalog, city, categories)
        if len(chosen) == limit or not candidates:
            continue
        # Valid records first, then specific kinds of help, each kind once before any twice, then the
        # topics most cities have (what most owners ask about).
        best = min(
            candidates,
            key=lambda c: (
                c.benefit.is_expired(today),
                c.benefit.category in catch_all,
                used.get(c.benefit.category, 0),
                -breadth.get(c.topic, 0),
                order.get(c.benefit.category, len(order)),
                c.topic,
                c.benefit.key,
            ),
        )
        used[best.benefit.category] = used.get(best.benefit.category, 0) + 1
        chosen.append(best)
    return tuple(chosen)


def _candidates(catalog: Catalog, city: str, categories: Categories) -> list[ExampleQuestion]:
    """Questions about a topic only one record of the city has, so the answer is that record's figure;
    the record is of the kind of help the topic mostly is (技术改造 is asked as a reward, not a loan)."""
    kinds = main_kinds(catalog, categories)
    holders: dict[str, list[BenefitRecord]] = {}
    for benefit in catalog.in_city(city):
        if not benefit.is_fact:
            for topic in benefit.topics:
                holders.setdefault(topic, []).append(benefit)
    candidates = []
    for topic, benefits in holders.items():
        benefit = benefits[0]
        category = categories.get(benefit.category)
        figure = answer_figure(benefit)
        word = topic_word(topic)
        if (
            len(benefits) != 1
            or category is None
            or kinds.get(topic) != category.key
            or figure is None
            or len(word) < 2
        ):
            continue
        question = category.ask(word, city)
        # The question must name this topic only, and no figure of its own.
        if catalog.topics_in(question) != [topic] or any(ch in question for ch in NO_FIGURE_IN_QUESTION):
            continue
        candidates.append(ExampleQuestion(question, city, topic, benefit, figure))
    return candidates


def main_kinds(catalog: Catalog, categories: Categories) -> dict[str, str]:
    """Each topic's kind of help: the category most of its records are (ties: the earlier kind in
    categories.yml)."""
    order = {key: i for i, key in enumerate(categories.keys)}
    counts: dict[str, dict[str, int]] = {}
    for benefit in catalog.benefits:
        if benefit.is_fact:
            continue
        for topic in benefit.topics:
            by_kind = counts.setdefault(topic, {})
            by_kind[benefit.category] = by_kind.get(benefit.category, 0) + 1
    return {
        topic: min(by_kind, key=lambda k: (-by_kind[k], order.get(k, len(order)))) for topic, by_kind in counts.items()
    }


def _topic_breadth(catalog: Catalog) -> dict[str, int]:
    """How many cities have a record with figures of each topic: the topics most owners ask about."""
    cities: dict[str, set[str]] = {}
    for benefit in catalog.benefits:
        if benefit.is_fact or not benefit.figures:
            continue
        for topic in benefit.topics:
            cities.setdefault(topic, set()).add(benefit.city)
    return {topic: len(names) for topic, names in cities.items()}


def topics_by_kind(
    catalog: Catalog, categories: Categories | None = None, per_kind: int = TOPICS_PER_KIND
) -> list[tuple[Category, list[str]]]:
    """Each kind of help that has records with figures (catch-all last), with its topics that most
    cities have; a topic is named under its main kind only."""
    categories = categories or load_categories()
    kinds = main_kinds(catalog, categories)
    breadth = _topic_breadth(catalog)
    listed = []
    for category in sorted(categories, key=lambda c: c.catch_all):
        topics = sorted(
            (t for t, kind in kinds.items() if kind == category.key and breadth.get(t)), key=lambda t: (-breadth[t], t)
        )
        if topics:
            listed.append((category, [topic_word(t) for t in topics[:per_kind]]))
    return listed


def _cities_text(catalog: Catalog) -> str:
    return "、".join(covered_cities(catalog))


def _kinds_text(categories: Categories) -> str:
    return "、".join(c.label for c in categories if not c.catch_all)


def _first_example(catalog: Catalog, today: dt.date | None) -> str | None:
    examples = example_questions(catalog, today)
    return examples[0].question if examples else None


def _for_example(template: str, example: str | None) -> str:
    """「，比如“…”。」 after a sentence, or only its end when the catalogue gives no example."""
    return template.format(example=example) if example else wording.SENTENCE_END


def greeting(catalog: Catalog, today: dt.date | None = None) -> tuple[str, list[dict]]:
    """The welcome: the cities covered, the kinds of help, one example; buttons ask without a city."""
    categories = load_categories()
    example = _first_example(catalog, today)
    text = wording.GREETING.format(
        cities=_cities_text(catalog), kinds=_kinds_text(categories), example=_for_example(wording.FOR_EXAMPLE, example)
    )
    buttons: list[dict] = []
    for category, topics in topics_by_kind(catalog, categories, per_kind=1):
        if len(buttons) == GREETING_BUTTONS or category.catch_all:
            break
        question = category.ask(topics[0])
        buttons.append({"title": question, "payload": question})
    return text, buttons


def capabilities(catalog: Catalog, today: dt.date | None = None) -> str:
    """What the bot can answer: per kind of help its most widespread topics, the aspects, one example."""
    categories = load_categories()
    lines = [wording.CAPABILITIES_HEAD.format(cities=_cities_text(catalog))]
    kinds = [(c, topics) for c, topics in topics_by_kind(catalog, categories) if not c.catch_all]
    for number, (category, topics) in enumerate(kinds, 1):
        lines.append(wording.CAPABILITIES_KIND.format(number=number, label=category.label, topics="、".join(topics)))
    lines.append(wording.CAPABILITIES_ASPECTS.format(number=len(kinds) + 1))
    example = _first_example(catalog, today)
    lines.append(wording.CAPABILITIES_ASK.format(example=_for_example(wording.FOR_EXAMPLE, example)))
    return "\n".join(lines)


def rephrase_text(catalog: Catalog, today: dt.date | None = None) -> str:
    """A message the bot did not understand: ask again, with an amount and a contact question as examples."""
    examples = example_questions(catalog, today)
    shown = [f"“{examples[0].question}”"] if examples else []
    if len(examples) > 1:
        contact = wording.CONTACT_EXAMPLE.format(city=examples[1].city, topic=topic_word(examples[1].topic))
        shown.append(f"“{contact}”")
    asked = wording.REPHRASE_EXAMPLES.format(questions="".join(shown)) if shown else wording.REPHRASE_NO_EXAMPLE
    return wording.REPHRASE.format(examples=asked)


def chinese_only_text(catalog: Catalog, today: dt.date | None = None) -> str:
    example = _first_example(catalog, today)
    return wording.CHINESE_ONLY.format(example=_for_example(wording.FOR_INSTANCE, example))


def out_of_scope_text(catalog: Catalog) -> str:
    categories = load_categories()
    return wording.OUT_OF_SCOPE.format(cities=_cities_text(catalog), kinds=_kinds_text(categories))


def page_catalogue(catalog: Catalog, today: dt.date | None = None) -> dict:
    """What the web page shows of the catalogue: the cities and the example questions."""
    return {
        "cities": covered_cities(catalog),
        "examples": [example.question + "？" for example in example_questions(catalog, today)],
    }


def topic_buttons(catalog: Catalog, city: str, today: dt.date | None = None) -> list[dict]:
    """The kinds of help to offer once a city is chosen: only those the city has a valid record with a
    figure of, so every button leads to a list with a figure (「滨州」 gets no 社会保险 button). A city with no
    such record is offered the kinds of its records with a figure, expired or not (the lists tag expired
    ones), and failing that the kinds of any of its benefits."""
    today = today or clock.today()
    benefits = [b for b in catalog.in_city(city) if not b.is_fact]
    with_figure = [b for b in benefits if any(f.kind in ANSWER_FIGURES for f in b.figures)]
    offered = (
        {b.category for b in with_figure if not b.is_expired(today)}
        or {b.category for b in with_figure}
        or {b.category for b in benefits}
    )
    return [
        {"title": category.label, "payload": wording.KIND_IN_CITY_QUESTION.format(city=city, label=category.label)}
        for category in load_categories()
        if category.key in offered and not category.catch_all
    ]
