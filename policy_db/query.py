"""The query API that actions and the CLI call. No other module outside policy_db runs SQL.

The whole catalogue (a few hundred records) is read with a handful of `select()` statements into
immutable records and kept in memory; it is re-read when the database's build stamp changes. Free
text is ranked with BM25 over jieba tokens of each benefit's name, summary, topics and clause.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Iterable, Sequence

from rank_bm25 import BM25Okapi
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from .db import make_engine
from .passages import Passage, split_passages
from .models import Benefit, BenefitDepartment, City, Document, Meta, Tier, Topic
from .records import (BenefitRecord, DocumentRecord, FigureRecord, TierRecord, TierStepRecord)
from .requirements import Requirement
from .formulas import formula_from_json
from .text import PolicyTokenizer

log = logging.getLogger(__name__)


class PolicyDatabaseUnavailable(RuntimeError):
    """The policy database cannot be read (down, unreachable, or never built)."""


@dataclass(frozen=True)
class CityInfo:
    name: str
    full_name: str
    province: str
    places: tuple[str, ...]  # aliases and counties that mean this city
    parent: str | None = None  # the prefecture a county-level city belongs to (登封 -> 郑州市)


@dataclass(frozen=True)
class PassageHit:
    passage: Passage
    document: DocumentRecord
    text_raw: float
    tokens: frozenset[str]


@dataclass(frozen=True)
class ScoredBenefit:
    benefit: BenefitRecord
    score: float
    topic_hits: int
    text_score: float  # BM25 normalised to the best candidate (0..1)
    text_raw: float = 0.0  # raw BM25, comparable across queries: how well the words matched at all


class Catalog:
    """An in-memory snapshot of the database with the lookups actions need."""

    def __init__(self, cities: list[CityInfo], benefits: list[BenefitRecord], topics: dict[str, list[str]],
                 departments: dict[str, list[tuple[str, tuple[str, ...]]]], vocabulary: list[str], stamp: str,
                 documents: Sequence[tuple[DocumentRecord, str]] = ()):
        self.cities = cities
        self.benefits = benefits
        self.topics = topics
        self.departments = departments
        self.stamp = stamp
        self.tokenizer = PolicyTokenizer(vocabulary)
        self._by_key = {b.key: b for b in benefits}
        self._place_to_city = {c.name: c.name for c in cities}
        for city in cities:
            for place in city.places:
                self._place_to_city[place] = city.name
        self._places_longest_first = sorted(self._place_to_city, key=len, reverse=True)
        self._word_to_topic = {}
        for name, synonyms in topics.items():
            for word in [name, *synonyms]:
                self._word_to_topic[_plain(word)] = name
        corpus = [list(b.search_tokens) or ["_"] for b in benefits]
        self._bm25 = BM25Okapi(corpus) if corpus else None
        self._passages: list[tuple[Passage, DocumentRecord, list[str]]] = [
            (p, doc, self.tokenizer.tokens(p.text)) for doc, text in documents for p in split_passages(doc.key, text)]
        passage_corpus = [tokens or ["_"] for _, _, tokens in self._passages]
        self._passage_bm25 = BM25Okapi(passage_corpus) if passage_corpus else None

    # -- places and topics -------------------------------------------------------------
    def resolve_city(self, name: str | None) -> str | None:
        """'平顶山市', '郏县', '平顶山' -> '平顶山'; unknown places -> None."""
        if not name:
            return None
        name = name.strip()
        if name in self._place_to_city:
            return self._place_to_city[name]
        for suffix in ("市", "县", "区"):
            if name.endswith(suffix) and name[:-1] in self._place_to_city:
                return self._place_to_city[name[:-1]]
            if name + suffix in self._place_to_city:
                return self._place_to_city[name + suffix]
        return None

    def cities_in(self, text: str) -> list[str]:
        """Cities named in free text (by city, alias or county), in order of first mention."""
        hits = []
        for place, city in self._place_to_city.items():
            pos = text.find(place)
            if pos >= 0:
                hits.append((pos, -len(place), city))
        out: list[str] = []
        for _, _, city in sorted(hits):
            if city not in out:
                out.append(city)
        return out

    def without_places(self, text: str) -> str:
        """The text with city and county names removed (to search, or to re-ask of another city)."""
        for place in self._places_longest_first:
            text = text.replace(place, "")
        return text

    def canonical_topic(self, word: str) -> str | None:
        return self._word_to_topic.get(_plain(word))

    def topics_in(self, text: str) -> list[str]:
        """Canonical topics whose name or synonym occurs in the text; longer words win overlaps."""
        plain = _plain(text)
        found: list[tuple[int, int, str]] = []
        for word, topic in self._word_to_topic.items():
            start = plain.find(word)
            while word and start >= 0:
                found.append((start, start + len(word), topic))
                start = plain.find(word, start + 1)
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: list[tuple[int, int]] = []
        topics: list[str] = []
        for start, end, topic in found:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            if topic not in topics:
                topics.append(topic)
        return topics

    # -- benefits ----------------------------------------------------------------------
    def get(self, keys: Iterable[str]) -> list[BenefitRecord]:
        return [self._by_key[k] for k in keys if k in self._by_key]

    def in_city(self, city: str | None) -> list[BenefitRecord]:
        return [b for b in self.benefits if city is None or b.city == city]

    def find_benefits(self, city: str | None = None, category: str | None = None,
                      topics: Sequence[str] = (), text: str | None = None, limit: int = 5,
                      min_score: float = 0.0) -> list[ScoredBenefit]:
        """Rank benefits (in `city` when given) by topic matches, free-text BM25 and category.

        Topic matches dominate; BM25 (normalised to 0..1 within the candidates) separates
        benefits that share a topic (省级 vs 国家级); the category is a light tie-breaker.
        """
        candidates = [i for i, b in enumerate(self.benefits) if city is None or b.city == city]
        if not candidates:
            return []
        wanted = set(topics)
        raw = self._text_scores(text) if text else [0.0] * len(self.benefits)
        top = max((raw[i] for i in candidates), default=0.0) or 1.0
        scored = []
        for i in candidates:
            b = self.benefits[i]
            hits = len(wanted & set(b.topics))
            text_score = raw[i] / top
            score = 1.5 * hits + text_score + (0.3 if category and b.category == category else 0.0)
            if score > min_score:
                scored.append(ScoredBenefit(b, score, hits, text_score, raw[i]))
        scored.sort(key=lambda s: (-s.score, s.benefit.key))
        return scored[:limit]

    def search_clauses(self, text: str, city: str | None = None, limit: int = 3) -> list[ScoredBenefit]:
        """Pure full-text search over the clauses (restricted to a city when one is known)."""
        raw = self._text_scores(text)
        hits = [ScoredBenefit(b, raw[i], 0, 1.0, raw[i]) for i, b in enumerate(self.benefits)
                if (city is None or b.city == city) and raw[i] > 0]
        hits.sort(key=lambda s: (-s.score, s.benefit.key))
        return hits[:limit]

    def search_passages(self, text: str, city: str, limit: int = 3) -> list[PassageHit]:
        """Full-text search over every sentence of the city's source documents (not only benefits)."""
        tokens = self.tokenizer.tokens(text or "")
        if not tokens or self._passage_bm25 is None:
            return []
        scores = self._passage_bm25.get_scores(tokens)
        hits = [PassageHit(p, doc, float(scores[i]), frozenset(toks))
                for i, (p, doc, toks) in enumerate(self._passages) if doc.city == city and scores[i] > 0]
        hits.sort(key=lambda h: -h.text_raw)
        return hits[:limit]

    def _text_scores(self, text: str) -> list[float]:
        tokens = self.tokenizer.tokens(text or "")
        if not tokens or self._bm25 is None:
            return [0.0] * len(self.benefits)
        return [max(0.0, float(s)) for s in self._bm25.get_scores(tokens)]

    def departments_of(self, city: str) -> list[str]:
        return [name for name, _ in self.departments.get(city, [])]


def _plain(text: str) -> str:
    return text.replace("“", "").replace("”", "").replace('"', "").replace(" ", "").lower()


class PolicyRepository:
    """Loads the catalogue from the database and keeps it fresh.

    `catalog()` raises PolicyDatabaseUnavailable when the database cannot be read and no snapshot
    has been loaded yet; once loaded, a snapshot keeps serving if the database goes away, and the
    build stamp is re-checked at most every `refresh_seconds`.
    """

    def __init__(self, engine: Engine | None = None, refresh_seconds: float = 30.0):
        self._engine = engine
        self._refresh_seconds = refresh_seconds
        self._catalog: Catalog | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine()
        return self._engine

    def catalog(self) -> Catalog:
        now = time.monotonic()
        if self._catalog is not None and now - self._checked_at < self._refresh_seconds:
            return self._catalog
        with self._lock:
            if self._catalog is not None and now - self._checked_at < self._refresh_seconds:
                return self._catalog
            try:
                stamp = self._read_stamp()
                if self._catalog is None or stamp != self._catalog.stamp:
                    self._catalog = self._load(stamp)
            except (SQLAlchemyError, OSError) as exc:
                if self._catalog is None:
                    raise PolicyDatabaseUnavailable(str(exc)) from exc
                log.warning("policy database unreachable, serving the cached catalogue: %s", exc)
            self._checked_at = now
            return self._catalog

    def _read_stamp(self) -> str:
        with Session(self.engine, future=True) as session:
            stamp = session.execute(select(Meta.value).where(Meta.key == "build_stamp")).scalar_one_or_none()
        if stamp is None:
            raise PolicyDatabaseUnavailable("the policy database has not been built (python -m policy_db build)")
        return stamp

    def _load(self, stamp: str) -> Catalog:
        with Session(self.engine, future=True) as session:
            cities = session.execute(select(City).options(selectinload(City.places),
                                                          selectinload(City.departments))).scalars().all()
            benefits = session.execute(
                select(Benefit).join(Benefit.document).options(
                    selectinload(Benefit.document).selectinload(Document.city),
                    selectinload(Benefit.figures), selectinload(Benefit.topics),
                    selectinload(Benefit.tier).selectinload(Tier.steps),
                    selectinload(Benefit.department_links).selectinload(BenefitDepartment.department),
                ).order_by(Document.key, Benefit.id)).scalars().all()
            topics = {t.name: list(t.synonyms or []) for t in session.execute(select(Topic)).scalars()}
            vocabulary = json.loads(session.execute(
                select(Meta.value).where(Meta.key == "vocabulary")).scalar_one_or_none() or "[]")
            documents = session.execute(select(Document).options(selectinload(Document.city))).scalars().all()
            return Catalog(
                cities=[CityInfo(c.name, c.full_name, c.province, tuple(p.name for p in c.places), c.parent)
                        for c in cities],
                benefits=[_record(b) for b in benefits], topics=topics,
                departments={c.name: [(d.name, tuple(d.aliases or [])) for d in c.departments] for c in cities},
                vocabulary=vocabulary, stamp=stamp,
                documents=[(_document_record(d), d.full_text) for d in documents])


def _document_record(doc: Document) -> DocumentRecord:
    return DocumentRecord(doc.key, doc.city.name, doc.title, doc.doc_number, doc.issuer, doc.published,
                          doc.valid_until, doc.validity_note)


def _record(b: Benefit) -> BenefitRecord:
    doc = b.document
    tier = None
    if b.tier is not None:
        tier = TierRecord(b.tier.basis, b.tier.unit, b.tier.mode, tuple(
            TierStepRecord(s.min_value, s.max_value, s.amount_yuan, s.ratio, s.cap_yuan) for s in b.tier.steps))
    return BenefitRecord(
        key=b.key, city=doc.city.name, province=doc.city.province, name=b.name, category=b.category,
        summary=b.summary, eligibility=b.eligibility, conditions=tuple(b.conditions or ()),
        enterprise_types=tuple(b.enterprise_types or ()), clause_ref=b.clause_ref, clause_text=b.clause_text,
        topics=tuple(t.name for t in b.topics),
        figures=tuple(FigureRecord(f.kind, f.value, f.date_value, f.unit, f.label, f.text) for f in b.figures),
        tier=tier, departments=tuple(link.department.name for link in b.department_links),
        document=_document_record(doc),
        own_valid_until=b.valid_until, validity_note=b.validity_note,
        search_tokens=tuple((b.search_tokens or "").split()),
        is_fact=b.kind == "fact", requires=tuple(Requirement.from_storage(r) for r in b.requires or ()),
        formula=formula_from_json(b.formula), in_addition_to=tuple(b.in_addition_to or ()))
