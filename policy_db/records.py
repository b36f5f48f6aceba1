"""Immutable records the query API returns: what actions and the CLI see of the database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .models import CATEGORIES
from .money import format_yuan
from .requirements import Requirement
from .formulas import Formula


@dataclass(frozen=True)
class FigureRecord:
    kind: str
    value: Decimal | None
    date_value: dt.date | None
    unit: str
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        value = self.date_value.isoformat() if self.date_value else (
            float(self.value) if self.value is not None else None)
        return {"kind": self.kind, "value": value, "unit": self.unit, "label": self.label, "text": self.text}


@dataclass(frozen=True)
class TierStepRecord:
    min_value: Decimal | None
    max_value: Decimal | None
    amount_yuan: Decimal | None
    ratio: Decimal | None
    cap_yuan: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {"min": _num(self.min_value), "max": _num(self.max_value),
                "amount": format_yuan(self.amount_yuan) if self.amount_yuan is not None else None,
                "ratio": _num(self.ratio), "cap": format_yuan(self.cap_yuan) if self.cap_yuan is not None else None}


@dataclass(frozen=True)
class TierRecord:
    basis: str
    unit: str
    mode: str
    steps: tuple[TierStepRecord, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis, "unit": self.unit, "mode": self.mode,
                "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class DocumentRecord:
    key: str
    city: str
    title: str
    doc_number: str | None
    issuer: str
    published: dt.date | None
    valid_until: dt.date | None
    validity_note: str | None


@dataclass(frozen=True)
class BenefitRecord:
    key: str
    city: str
    province: str
    name: str
    category: str
    summary: str
    eligibility: str
    conditions: tuple[str, ...]
    enterprise_types: tuple[str, ...]
    clause_ref: str
    clause_text: str
    topics: tuple[str, ...]
    figures: tuple[FigureRecord, ...]
    tier: TierRecord | None
    departments: tuple[str, ...]
    document: DocumentRecord
    own_valid_until: dt.date | None = None
    validity_note: str | None = None
    search_tokens: tuple[str, ...] = field(default=(), repr=False, compare=False)
    is_fact: bool = False  # a fact about the policy (fund size, cost share, target), not money the enterprise gets
    requires: tuple[Requirement, ...] = ()  # typed eligibility, checked by policy_db.eligibility.assess
    formula: Formula | None = None  # the amount from the owner's figures: policy_db.calculator.calculate
    in_addition_to: tuple[str, ...] = ()  # keys of the benefits this one is paid on top of (same document)

    @property
    def valid_until(self) -> dt.date | None:
        """The benefit's own end date, else the document's."""
        return self.own_valid_until or self.document.valid_until

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def is_expired(self, today: dt.date | None = None) -> bool:
        until = self.valid_until
        return until is not None and until < (today or dt.date.today())

    def figures_of(self, *kinds: str) -> list[FigureRecord]:
        return [f for f in self.figures if f.kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.key, "city": self.city, "name": self.name, "category": self.category,
            "title": self.document.title, "doc_number": self.document.doc_number,
            "issuer": self.document.issuer, "clause": self.clause_ref, "clause_text": self.clause_text,
            "summary": self.summary, "eligibility": self.eligibility, "conditions": list(self.conditions),
            "figures": [f.to_dict() for f in self.figures],
            "tiers": self.tier.to_dict() if self.tier else None,
            "departments": list(self.departments), "topics": list(self.topics),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "validity_note": self.validity_note or self.document.validity_note,
            "is_fact": self.is_fact, "requires": [r.to_dict() for r in self.requires],
            "formula": self.formula.to_dict() if self.formula else None,
        }


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
