"""Choose which records answer a question: within the city when known, per city when not."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from policy_db.calculator import Calculation, calculate
from policy_db.figure_bases import load_vocabulary as load_figure_vocabulary
from policy_db.money import UNIT_FACTORS, money_mentions
from policy_db.query import Catalog, PassageHit, ScoredBenefit
from policy_db.records import BenefitRecord
from policy_db.user_figures import UserFigures
from policy_db.vocabulary import load_vocabulary

from .introduction import topic_word

if TYPE_CHECKING:
    from .frame import Frame  # frame.py imports this module

# A record with no topic in common with the question must match its words at least this well
# (raw BM25) to be offered as an answer; below it the bot says the database has nothing.
MIN_TEXT_MATCH = 2.0
RELATED_SHARE = 0.85  # related records shown under the main one score at least this share of it
BROAD_TEXT_SHARE = 0.7  # for broad questions (有哪些支持), related records may match on words alone
MAX_RELATED = 3
FACT_YIELDS_SHARE = 0.8  # a broad question is answered by a benefit scoring at least this share of a fact
FIGURE_WORDS = ("多少", "几", "额度", "最高", "标准", "比例", "金额", "上限", "多长", "多久", "多大", "规模")
BROAD_WORDS = (
    "有什么",
    "有哪些",
    "哪些",
    "什么支持",
    "什么政策",
    "啥政策",
    "啥支持",
    "都有啥",
    "有啥",
    "拿什么",
    "拿啥",
    "什么优惠",
    "啥优惠",
)


def asks_for_figure(text: str) -> bool:
    return any(word in text for word in FIGURE_WORDS)


def is_broad(text: str) -> bool:
    return any(word in text for word in BROAD_WORDS)


@dataclass
class Selection:
    main: BenefitRecord | None
    related: list[BenefitRecord] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.main is not None

    @property
    def records(self) -> list[BenefitRecord]:
        return ([self.main] if self.main else []) + self.related


# Words that say what kind of help is wanted but not about what (policy_db/data/vocabulary.yml); a
# record matching only these does not answer the question.
GENERIC_WORDS = load_vocabulary().generic_words
MIN_CONTENT_COVERAGE = 0.5
ENOUGH_CONTENT_MATCHES = 3  # a long, rambling question is answered when this many of its words match


class Relevance:
    """Decides whether a scored record really answers the question."""

    def __init__(self, catalog: Catalog, text: str, topics: list[str]):
        self.content = {t for t in catalog.tokenizer.tokens(money_free(text)) if t not in GENERIC_WORDS}
        self.topic_words = [w for t in topics for w in (t, *catalog.topics.get(t, ()))]

    def __call__(self, hit: ScoredBenefit) -> bool:
        if hit.topic_hits > 0:
            return True
        if hit.text_raw < MIN_TEXT_MATCH or not self.content:
            return False
        benefit = hit.benefit
        if self.topic_words:
            # A topic was named (小巨人) but this record is not about it: only its own words count.
            own_text = benefit.name + benefit.summary + benefit.clause_text
            if not any(word.replace('"', "") in own_text for word in self.topic_words):
                return False
        matched = self.content & set(benefit.search_tokens)
        return len(matched) >= min(MIN_CONTENT_COVERAGE * len(self.content), ENOUGH_CONTENT_MATCHES)


VALIDITY_WORDS = frozenset(
    "还能 能用 还 有效 有效期 过期 失效 截止 到期 期限 什么时候 时候 到什么 执行 用 现在 目前 吗".split()
)


def is_generic(catalog: Catalog, text: str, ignore: frozenset[str] = frozenset()) -> bool:
    """「有哪些奖励补贴」: the question names a kind of help but nothing specific."""
    return not (Relevance(catalog, text, []).content - ignore)


def is_figure_follow_up(catalog: Catalog, text: str, basis: str) -> bool:
    """「融资额8亿呢」 after a tiered answer: the message is only a new figure for the same tier."""
    words = money_free(text)
    content = Relevance(catalog, words, []).content - set(catalog.tokenizer.tokens(basis))
    return not content


def amounts_yuan(benefit: BenefitRecord) -> set:
    """The fixed amounts a record pays, in yuan (50万元 -> 500000)."""
    return {
        f.value * UNIT_FACTORS[f.unit]
        for f in benefit.figures
        if f.kind in ("amount", "cap") and f.value is not None and f.unit in UNIT_FACTORS
    }


def computes_from(benefit: BenefitRecord, given: UserFigures) -> bool:
    """The record's amount can be computed from the owner's figures (their basis is the clause's)."""
    if benefit.tier is None and benefit.formula is None:
        return False
    return isinstance(calculate(benefit, given), Calculation)


def computed_from(benefit: BenefitRecord) -> set[str]:
    """The figure bases (policy_db/data/vocabulary.yml figure_bases) the record's amount is computed from."""
    terms = benefit.formula.terms if benefit.formula else ()
    bases = {term.base for term in terms if term.base} | {f.basis for term in terms for f in term.per if f.basis}
    bases |= {benefit.tier.basis} if benefit.tier else set()
    vocabulary = load_figure_vocabulary()
    named = set()
    for word in bases:  # a clause may name its basis by a word of the base (购置费用 -> 设备投资)
        base = vocabulary.base_for(word) or vocabulary.get(word)
        named.add(base.name if base else word)
    return named


def bases_named(words: tuple[str, ...]) -> list[str]:
    """Figure bases named by words of a message (设备 -> 设备投资, 担保 -> 担保额)."""
    by_word = dict(load_figure_vocabulary().words)
    return list(dict.fromkeys(by_word[w].name for w in words if w in by_word))


def money_free(text: str) -> str:
    for mention in money_mentions(text):
        text = text.replace(mention.text, " ")
    return text


def at_level(hits: list, level: str | None) -> list:
    """Records of the level asked (国家级/省级/市级) first; all of them when none is of that level."""
    if not level:
        return hits

    def of_level(hit) -> bool:
        b = hit.benefit
        return level in b.name + b.eligibility + b.summary

    return [h for h in hits if of_level(h)] or hits


def select_in_city(
    catalog: Catalog,
    city: str,
    text: str,
    topics: list[str],
    category: str | None,
    given: UserFigures | None = None,
    level: str | None = None,
    named: tuple[Decimal, ...] = (),
) -> Selection:
    relevant = Relevance(catalog, text, topics)
    hits = at_level(
        [
            h
            for h in catalog.find_benefits(city=city, category=category, topics=topics, text=text, limit=8)
            if relevant(h)
        ],
        level,
    )
    if not hits:
        return Selection(None)
    best = hits[0]
    if asks_for_figure(text) and not best.benefit.figures:
        # 「额度多少」: between near-equal records, answer with the one that has a figure.
        with_figures = [h for h in hits if h.benefit.figures and h.score >= 0.95 * best.score]
        if with_figures:
            best = with_figures[0]
    if best.benefit.is_fact and is_broad(text):
        # 「小微企业贷款有哪些优惠」 asks what the enterprise can get: a close benefit before a fact about the policy.
        benefits = [h for h in hits if not h.benefit.is_fact and h.score >= FACT_YIELDS_SHARE * best.score]
        if benefits:
            best = benefits[0]
    meant = [h for h in hits if amounts_yuan(h.benefit) & set(named)]
    if meant:
        # 「那50万的奖励还能拿吗」: a sum the owner names is the benefit they mean, not a figure of theirs.
        best = meant[0]
    elif given and not computes_from(best.benefit, given):
        # The user gave a figure: prefer a close record whose amount is computed from that figure.
        tiered = [
            h
            for h in hits
            if h.score >= 0.6 * best.score
            and (h.topic_hits >= best.topic_hits or not topics)
            and computes_from(h.benefit, given)
        ]
        if tiered:
            best = tiered[0]
    broad = is_broad(text) or len(relevant.content) <= 1
    related = [
        h.benefit
        for h in hits
        if h is not best
        and (
            (h.score >= RELATED_SHARE * best.score and h.topic_hits == best.topic_hits)
            or (broad and h.text_raw >= BROAD_TEXT_SHARE * best.text_raw)
        )
    ][:MAX_RELATED]
    return Selection(best.benefit, related)


def broader_topics(catalog: Catalog, topics: Sequence[str]) -> dict[str, str]:
    """Each topic's broader topic of the catalogue, when there is one: the topic whose name the narrower one
    contains (专精特新"小巨人" -> 专精特新), read from the topic names themselves, so nothing is listed by hand."""
    plain = {name: topic_word(name) for name in catalog.topics}
    broader = {}
    for topic in topics:
        name = plain.get(topic, topic)
        containing = [other for other, word in plain.items() if other != topic and word and word in name]
        if containing:
            broader[topic] = max(containing, key=lambda other: len(plain[other]))
    return broader


def select_per_city(
    catalog: Catalog, text: str, topics: list[str], category: str | None, level: str | None = None
) -> dict[str, BenefitRecord]:
    """The best record in each city that answers a question asked without a city."""
    relevant = Relevance(catalog, text, topics)
    hits = at_level(
        [
            h
            for h in catalog.find_benefits(city=None, category=category, topics=topics, text=text, limit=60)
            if relevant(h)
        ],
        level,
    )
    if not hits:
        return {}
    best = hits[0]
    per_city: dict[str, BenefitRecord] = {}
    for hit in hits:
        close = hit.score >= 0.7 * best.score if best.topic_hits == 0 else hit.topic_hits == best.topic_hits
        if close and hit.benefit.city not in per_city:
            per_city[hit.benefit.city] = hit.benefit
    order = [c.name for c in catalog.cities]
    return {city: per_city[city] for city in order if city in per_city}


MIN_PASSAGE_COVERAGE = 0.6


def best_passage(catalog: Catalog, city: str, text: str) -> PassageHit | None:
    """The source sentence that covers most of the question's content words, if it covers enough."""
    content = Relevance(catalog, text, []).content
    if not content:
        return None
    for hit in catalog.search_passages(text, city, limit=5):
        matched = content & hit.tokens
        if len(matched) >= 2 and len(matched) >= MIN_PASSAGE_COVERAGE * len(content):
            return hit
    return None


def topic_departments(catalog: Catalog, city: str, topics: Sequence[str], text: str = "") -> list[str]:
    """Who leads the asked topic where it has records (any city), as this city's own units: 「三明有低空经济补贴吗」
    is answered with the units that lead such measures, not the same two for every topic. With no topic,
    the records whose words the question shares most stand in for it."""
    own_units = {name for b in catalog.in_city(city) for name in b.departments}
    records = [b for b in catalog.benefits if set(topics) & set(b.topics)]
    if not records and text:
        records = [h.benefit for h in catalog.find_benefits(text=text, limit=5) if h.text_raw >= MIN_TEXT_MATCH]
    leads = [b.departments[0] for b in records if b.departments and b.departments[0] in own_units]
    return sorted(set(leads), key=lambda name: (-leads.count(name), name))[:2]


def lead_departments(catalog: Catalog, city: str, categories: Sequence[str] = ()) -> list[str]:
    """Who to ask when nothing matches: the units most often responsible (lead units count double) for the
    first kind of help asked about that the city's records have; with no kind asked, for any benefit.

    A kind the city's documents have no record of is answered with the units that lead it in other
    cities, those the city's own records name too (市人社局, 市税务局); else with none."""
    records = catalog.in_city(city)
    if not categories:
        return _most_responsible(records)
    for category in categories:
        units = _most_responsible(b for b in records if b.category == category)
        if units:
            return units
    own_units = {name for b in records for name in b.departments}
    leads = [b.departments[0] for b in catalog.benefits if b.category in categories and b.departments]
    ranked = sorted(set(leads) & own_units, key=lambda name: (-leads.count(name), name))
    return ranked[:2]


def _most_responsible(records: Iterable[BenefitRecord], only: set[str] | None = None) -> list[str]:
    counts: dict[str, int] = {}
    for benefit in records:
        for rank, name in enumerate(benefit.departments[:2]):
            if only is None or name in only:
                counts[name] = counts.get(name, 0) + (2 - rank)
    return [name for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:2]]


def topic_categories(catalog: Catalog, topics: Sequence[str]) -> list[str]:
    """The kinds of help the records of `topics` are, the most common first (社保缓缴 -> social_insurance)."""
    counts: dict[str, int] = {}
    for benefit in catalog.benefits:
        if set(topics) & set(benefit.topics):
            counts[benefit.category] = counts.get(benefit.category, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])


def asked_categories(catalog: Catalog, frame: Frame) -> list[str]:
    """The kinds of help a question is about: the kinds its words name (社保), its topics' kind, then the
    intent's kind (a classifier's guess, so last)."""
    kinds = [
        *frame.categories,
        *topic_categories(catalog, frame.topics)[:1],
        *([frame.category] if frame.category else []),
    ]
    return list(dict.fromkeys(kinds))


def cities_with_topics(catalog: Catalog, topics: Sequence[str]) -> list[str]:
    """The cities (catalogue order) that have a record of any of `topics`."""
    having = {b.city for b in catalog.benefits if set(topics) & set(b.topics)}
    return [c.name for c in catalog.cities if c.name in having]
