"""The query API that actions and the CLI call. No other module outside policy_db runs SQL.

The whole catalogue (a few hundred records) is read with one `select()` per table into the
immutable records of records.py and kept in memory; it is re-read when the database's build stamp
changes, which running action servers notice within `POLICY_REFRESH_SECONDS` (default 2). Free
text is ranked with BM25 over jieba tokens of each benefit's name, summary, topics and clause.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Iterable, Sequence

from rank_bm25 import BM25Okapi
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .db import catalog_options, catalog_schema, make_engine
from .models import RowReader, meta
from .passages import Passage, split_passages
from .records import BenefitRecord, CityRecord, DocumentRecord, TopicRecord
from .text import PolicyTokenizer

log = logging.getLogger(__name__)


class PolicyDatabaseUnavailable(RuntimeError):
    """The policy database cannot be read (down, unreachable, or never built)."""


REFRESH_SECONDS = float(os.environ.get("POLICY_REFRESH_SECONDS", "2"))


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

    def __init__(
        self,
        cities: list[CityRecord],
        benefits: list[BenefitRecord],
        topics: dict[str, list[str]],
        vocabulary: list[str],
        stamp: str,
        documents: Sequence[DocumentRecord] = (),
    ):
        self.cities = cities
        self.benefits = benefits
        self.topics = topics
        self.stamp = stamp
        self.tokenizer = PolicyTokenizer(vocabulary)
        self._by_key = {b.key: b for b in benefits}
        # Indexes by city, so that a question about one city costs the same however many cities the
        # catalogue holds (the scale run of make bench grows it to 20x): BM25 scores only these rows.
        self._benefit_rows_by_city: dict[str, list[int]] = {}
        for row, benefit in enumerate(benefits):
            self._benefit_rows_by_city.setdefault(benefit.city, []).append(row)
        self._place_to_city = {c.name: c.name for c in cities}
        for city in cities:
            for place in city.places:
                self._place_to_city[place] = city.name
        self._places_longest_first = sorted(self._place_to_city, key=len, reverse=True)
        self._word_to_topic: dict[str, str] = {}
        for name, synonyms in topics.items():
            for word in [name, *synonyms]:
                self._word_to_topic[_plain(word)] = name
        corpus = [list(b.search_tokens) or ["_"] for b in benefits]
        self._bm25 = BM25Okapi(corpus) if corpus else None
        self._passages: list[tuple[Passage, DocumentRecord, list[str]]] = [
            (p, doc, self.tokenizer.tokens(p.text)) for doc in documents for p in split_passages(doc.key, doc.full_text)
        ]
        passage_corpus = [tokens or ["_"] for _, _, tokens in self._passages]
        self._passage_rows_by_city: dict[str, list[int]] = {}
        for row, (_, doc, _) in enumerate(self._passages):
            self._passage_rows_by_city.setdefault(doc.city, []).append(row)
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
        return [self.benefits[row] for row in self._benefit_rows(city)]

    def _benefit_rows(self, city: str | None) -> list[int]:
        return list(range(len(self.benefits))) if city is None else self._benefit_rows_by_city.get(city, [])

    def find_benefits(
        self,
        city: str | None = None,
        category: str | None = None,
        topics: Sequence[str] = (),
        text: str | None = None,
        limit: int = 5,
        min_score: float = 0.0,
    ) -> list[ScoredBenefit]:
        """Rank benefits (in `city` when given) by topic matches, free-text BM25 and category.

        Topic matches dominate; BM25 (normalised to 0..1 within the candidates) separates
        benefits that share a topic (省级 vs 国家级); the category is a light tie-breaker.
        """
        candidates = self._benefit_rows(city)
        if not candidates:
            return []
        wanted = set(topics)
        raw = self._text_scores(text, candidates) if text else [0.0] * len(candidates)
        top = max(raw, default=0.0) or 1.0
        scored = []
        for row, raw_score in zip(candidates, raw):
            b = self.benefits[row]
            hits = len(wanted & set(b.topics))
            text_score = raw_score / top
            score = 1.5 * hits + text_score + (0.3 if category and b.category == category else 0.0)
            if score > min_score:
                scored.append(ScoredBenefit(b, score, hits, text_score, raw_score))
        scored.sort(key=lambda s: (-s.score, s.benefit.key))
        return scored[:limit]

    def search_passages(self, text: str, city: str, limit: int = 3) -> list[PassageHit]:
        """Full-text search over every sentence of the city's source documents (not only benefits)."""
        tokens = self.tokenizer.tokens(text or "")
        rows = self._passage_rows_by_city.get(city, [])
        if not tokens or self._passage_bm25 is None or not rows:
            return []
        scores = self._passage_bm25.get_batch_scores(tokens, rows)
        hits = []
        for row, score in zip(rows, scores):
            passage, doc, passage_tokens = self._passages[row]
            if score > 0:
                hits.append(PassageHit(passage, doc, float(score), frozenset(passage_tokens)))
        hits.sort(key=lambda h: -h.text_raw)
        return hits[:limit]

    def _text_scores(self, text: str, rows: list[int]) -> list[float]:
        """BM25 of `text` against the benefits at `rows` (IDF over the whole catalogue, as before)."""
        tokens = self.tokenizer.tokens(text or "")
        if not tokens or self._bm25 is None:
            return [0.0] * len(rows)
        return [max(0.0, float(s)) for s in self._bm25.get_batch_scores(tokens, rows)]


def _plain(text: str) -> str:
    return text.replace("“", "").replace("”", "").replace('"', "").replace(" ", "").lower()


class PolicyRepository:
    """Loads the catalogue from the database and keeps it fresh.

    `catalog()` raises PolicyDatabaseUnavailable when the database cannot be read and no snapshot
    has been loaded yet; once loaded, a snapshot keeps serving if the database goes away, and the
    build stamp (one single-row query) is re-checked at most every `refresh_seconds`.
    """

    def __init__(self, engine: Engine | None = None, refresh_seconds: float | None = None):
        self._engine = engine
        self._refresh_seconds = REFRESH_SECONDS if refresh_seconds is None else refresh_seconds
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
                with self._connect() as connection:
                    stamp = _read_stamp(connection)
                if self._catalog is None or stamp != self._catalog.stamp:
                    self._catalog = self._load()
            except PolicyDatabaseUnavailable as exc:
                if self._catalog is None:
                    raise
                log.warning("policy database unreadable, serving the cached catalogue: %s", exc)
            except (SQLAlchemyError, OSError) as exc:
                if self._catalog is None:
                    raise PolicyDatabaseUnavailable(str(exc)) from exc
                log.warning("policy database unreadable, serving the cached catalogue: %s", exc)
            self._checked_at = now
            return self._catalog

    def _connect(self) -> Connection:
        return self.engine.connect().execution_options(**catalog_options(catalog_schema(self.engine)))

    def _load(self, attempts: int = 3) -> Catalog:
        """Every table read in one transaction, between two readings of the stamp: if a build switched
        the tables in between (PostgreSQL resolves table names per statement), read again."""
        for _ in range(attempts):
            with self._connect() as connection:
                _snapshot(connection)
                stamp = _read_stamp(connection)
                rows = RowReader(connection)
                vocabulary = json.loads(
                    connection.execute(select(meta.c.value).where(meta.c.key == "vocabulary")).scalar_one_or_none()
                    or "[]"
                )
                if _read_stamp(connection) == stamp:
                    return _catalog(rows, vocabulary, stamp)
        raise PolicyDatabaseUnavailable("the policy database kept changing while it was read")


def _snapshot(connection: Connection) -> None:
    """Make the statements that follow read one consistent state of the database."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # pysqlite does not open read transactions by itself
    elif connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")


def _read_stamp(connection: Connection) -> str:
    stamp = connection.execute(select(meta.c.value).where(meta.c.key == "build_stamp")).scalar_one_or_none()
    if stamp is None:
        raise PolicyDatabaseUnavailable("the policy database has not been built (python -m policy_db build)")
    return stamp


def _catalog(rows: RowReader, vocabulary: list[str], stamp: str) -> Catalog:
    cities = rows.records(CityRecord)
    province = {c.name: c.province for c in cities}
    documents: list[DocumentRecord] = []
    benefits: list[BenefitRecord] = []
    for row in sorted(rows.rows(DocumentRecord), key=lambda r: r.key):
        document = rows.record(DocumentRecord, row)
        documents.append(document)
        benefits += rows.records(
            BenefitRecord,
            rows.children(BenefitRecord, row.id),
            city=document.city,
            province=province.get(document.city, ""),
            document=document,
        )
    topics = {t.name: list(t.synonyms) for t in rows.records(TopicRecord)}
    return Catalog(
        cities=cities, benefits=benefits, topics=topics, vocabulary=vocabulary, stamp=stamp, documents=documents
    )
