"""Create or rebuild the policy database from the curated files, in one transaction."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .loader import PolicyData, load_policy_data
from .models import (Base, Benefit, BenefitDepartment, City, Department, Document, Exclusion,
                     Figure, Meta, Place, Tier, TierStep, Topic)
from .text import PolicyTokenizer


def vocabulary(data: PolicyData) -> list[str]:
    """Words jieba must keep whole: topics, synonyms, departments, cities and places."""
    words: list[str] = []
    for name, synonyms in data.topics.items():
        words += [name, *synonyms]
    for city in data.cities:
        words += [city.name, city.full_name, *city.aliases, *city.counties]
    for doc in data.documents:
        for dep in doc.departments:
            words += [dep.name, *dep.aliases]
        for b in doc.benefits:
            words += b.enterprise_types
    return list(dict.fromkeys(w for w in words if w))


def _stamp(data: PolicyData) -> str:
    digest = hashlib.sha256()
    for doc in data.documents:
        digest.update(doc.key.encode())
        digest.update(json.dumps([b.key for b in doc.benefits]).encode())
    digest.update(json.dumps(data.topics, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def build_database(engine: Engine, data: PolicyData | None = None) -> dict[str, int]:
    """Drop and recreate the policy tables and load `data` (validated). Returns counts."""
    data = data or load_policy_data()
    tokenizer = PolicyTokenizer(vocabulary(data))
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        Base.metadata.create_all(connection)
        with Session(bind=connection, future=True) as session:
            counts = _insert(session, data, tokenizer)
            session.add(Meta(key="build_stamp", value=_stamp(data)))
            session.add(Meta(key="vocabulary", value=json.dumps(vocabulary(data), ensure_ascii=False)))
            session.flush()
    return counts


def _insert(session: Session, data: PolicyData, tokenizer: PolicyTokenizer) -> dict[str, int]:
    cities = {}
    for spec in data.cities:
        city = City(name=spec.name, full_name=spec.full_name, province=spec.province, code=spec.code,
                    parent=spec.parent)
        city.places = [Place(name=n, kind="alias") for n in dict.fromkeys([spec.full_name, *spec.aliases])
                       if n != spec.name]
        city.places += [Place(name=n, kind="county") for n in spec.counties]
        session.add(city)
        cities[spec.name] = city
    topics = {name: Topic(name=name, synonyms=synonyms) for name, synonyms in data.topics.items()}
    session.add_all(topics.values())

    counts = {"cities": len(cities), "documents": 0, "benefits": 0, "figures": 0, "departments": 0,
              "exclusions": 0, "topics": len(topics)}
    for spec in data.documents:
        city = cities[spec.city]
        document = Document(key=spec.key, city=city, title=spec.title, doc_number=spec.doc_number,
                            issuer=spec.issuer, published=spec.published, valid_from=spec.valid_from,
                            valid_until=spec.valid_until, validity_note=spec.validity_note,
                            source_file=spec.source_file, full_text=spec.full_text)
        departments = {d.name: Department(city=city, name=d.name, aliases=d.aliases) for d in spec.departments}
        session.add_all(departments.values())
        for b in spec.benefits:
            benefit = Benefit(
                key=b.key, document=document, name=b.name, category=b.category, summary=b.summary,
                eligibility=b.eligibility, conditions=b.conditions, enterprise_types=b.enterprise_types,
                clause_ref=b.clause_ref, clause_text=b.clause_text, valid_until=b.valid_until,
                validity_note=b.validity_note, topics=[topics[t] for t in b.topics],
                kind=b.kind, requires=[r.to_storage() for r in b.requires], in_addition_to=b.in_addition_to,
                formula=b.formula.to_json() if b.formula else None)
            benefit.figures = [Figure(position=i, kind=f.kind, value=f.value, date_value=f.date_value,
                                      unit=f.unit, label=f.label, text=f.text) for i, f in enumerate(b.figures)]
            benefit.department_links = [BenefitDepartment(department=departments[name], position=i)
                                        for i, name in enumerate(b.departments)]
            if b.tier:
                benefit.tier = Tier(basis=b.tier.basis, unit=b.tier.unit, mode=b.tier.mode, steps=[
                    TierStep(position=i, min_value=s.min_value, max_value=s.max_value,
                             amount_yuan=s.amount_yuan, ratio=s.ratio, cap_yuan=s.cap_yuan)
                    for i, s in enumerate(b.tier.steps)])
            benefit.search_tokens = " ".join(tokenizer.tokens(_searchable_text(b, data.topics)))
            session.add(benefit)
            counts["benefits"] += 1
            counts["figures"] += len(b.figures)
        document.exclusions = [Exclusion(context=c, reason=r) for c, r in spec.exclusions]
        session.add(document)
        counts["documents"] += 1
        counts["departments"] += len(departments)
        counts["exclusions"] += len(spec.exclusions)
    return counts


def _searchable_text(benefit, topics: dict[str, list[str]]) -> str:
    """What free-text search matches: the name counts twice, topic synonyms are included."""
    synonyms = [s for t in benefit.topics for s in [t, *topics.get(t, [])]]
    return " ".join([benefit.name, benefit.name, benefit.summary, benefit.eligibility,
                     " ".join(benefit.conditions), " ".join(benefit.enterprise_types),
                     " ".join(synonyms), benefit.clause_text])
