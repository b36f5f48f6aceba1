"""The policy records: what the data files hold, what the database stores and what actions read.

Each class is the one definition of its record (policy_db/schema.py): the loader checks the YAML
against it and builds these records, the SQL tables are derived from it (policy_db/models.py) and
the query API returns the same records. `sql_table` names the table; `sql_parent` the table whose
rows own this one's (children are kept in order, by position); `data_label` the field that names an
item in error messages (`benefits[3] (bz-listing-reward)`).

A new field is one line here (most need no options: the annotation says how it is written and
stored) plus its description in data/README.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, ClassVar

from sqlalchemy import JSON

from . import clock
from .formulas import Formula, formula_from_json
from .money import format_yuan, parse_amount, parse_ratio
from .periods import Period, latest_period
from .requirements import MONEY_UNITS, Requirement, parse_requires
from .schema import AddProblem, FieldReader, data_field
from .vocabulary import load_categories

FIGURE_KINDS = {
    "amount",
    "cap",
    "ratio",
    "rate",
    "months",
    "working_days",
    "days",
    "years",
    "deadline",
    "threshold",
    # figures of fact records (kind: fact): a fund's size, a count, a cost share, a target
    "fund",
    "count",
    "share",
    "target",
    "day_of_month",
}
FIGURE_UNITS = {
    "元",
    "万元",
    "亿元",
    "%",
    "‰",
    "个月",
    "个工作日",
    "天",
    "年",
    "date",
    "家",
    "个",
    "场次",
    "次",
    "号",
    "倍",
}
# What a benefit record is: money or help an enterprise receives, or a fact about the policy
# (a fund the city sets up, how city and county share the cost, a target) that people ask about.
BENEFIT_KINDS = ("benefit", "fact")
TIER_MODES = ("bracket", "cumulative", "proportional")
STACKING_RULES = ("就高不重复",)


def _parsed(parse: Callable[[str], Decimal]) -> FieldReader:
    """A field reader from a parser that raises FigureError (a ValueError) on a bad figure."""
    return lambda value, where, add_problem: parse(str(value))


def _read_requires(value: Any, where: str, add_problem: AddProblem) -> tuple[Requirement, ...]:
    return tuple(parse_requires(value, where, add_problem))


@dataclass(frozen=True)
class CostShare:
    """Who pays a measure for the places named: 「石龙区：全部由当地财政承担」 (a fact's `cost_shares:`)."""

    places: tuple[str, ...]
    share: str  # as the clause says it: 市、区两级各承担50%

    def to_dict(self) -> dict[str, Any]:
        return {"places": list(self.places), "share": self.share}


def _read_cost_shares(value: Any, where: str, add_problem: AddProblem) -> tuple[CostShare, ...]:
    shares = []
    for i, item in enumerate(value or ()):
        places, share = (item.get("places"), item.get("share")) if isinstance(item, dict) else (None, None)
        if not isinstance(places, list) or not places or not isinstance(share, str) or not share:
            add_problem(f"{where} cost_shares[{i}]", "每项需要 places(地名列表)和 share(原文的分担方式)")
            continue
        shares.append(CostShare(tuple(str(p) for p in places), share))
    return tuple(shares)


def _cost_shares_from_sql(stored: list[dict[str, Any]]) -> tuple[CostShare, ...]:
    return tuple(CostShare(tuple(s["places"]), s["share"]) for s in stored or ())


def _requires_to_sql(requires: tuple[Requirement, ...]) -> list[dict[str, Any]]:
    return [r.to_storage() for r in requires]


def _requires_from_sql(stored: list[dict[str, Any]]) -> tuple[Requirement, ...]:
    return tuple(Requirement.from_storage(r) for r in stored)


@dataclass(frozen=True, kw_only=True)
class CityRecord:
    """A city the database covers (cities.yml) and the place names that mean it."""

    sql_table: ClassVar[str] = "cities"
    data_label: ClassVar[str] = "name"

    name: str = data_field(unique=True)
    full_name: str
    province: str
    code: str = data_field(unique=True)  # the prefix of its benefits' ids: pds-
    parent: str | None = None  # the prefecture a county-level city belongs to (登封 -> 郑州市)
    aliases: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    hotline: str | None = None  # the 12345 government service hotline as dialled from outside: 0375-12345

    @property
    def places(self) -> tuple[str, ...]:
        """Names other than `name` that mean this city: its full name and aliases, then its counties."""
        aliases = dict.fromkeys(n for n in (self.full_name, *self.aliases) if n != self.name)
        return (*aliases, *self.counties)


@dataclass(frozen=True, kw_only=True)
class TopicRecord:
    """A topic word people use and its synonyms (topics.yml and each document's `topics:`)."""

    sql_table: ClassVar[str] = "topics"
    data_label: ClassVar[str] = "name"

    name: str = data_field(unique=True)
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DocumentRecord:
    sql_table: ClassVar[str] = "documents"
    data_label: ClassVar[str] = "key"

    key: str = data_field(unique=True)
    city: str
    title: str
    doc_number: str | None = None  # 文号
    issuer: str
    published: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    validity_note: str | None = None
    source_file: str  # the official text, in policy_db/sources/
    url: str | None = None  # the official original's web address, only when the source text states it
    # How the document's benefits combine for one enterprise: 就高不重复 (the highest of them, not their sum);
    # null when the document says nothing (they add up, and in_addition_to says what is paid on top)
    stacking: str | None = data_field(default=None, choices=STACKING_RULES)
    review: str | None = None  # what a draft (python -m policy_db draft) asks a person to check
    full_text: str = data_field(key=None, default="", repr=False, compare=False)  # read from source_file


@dataclass(frozen=True, kw_only=True)
class DepartmentRecord:
    """A responsible unit (责任单位) named in a document, with the other names it goes by."""

    sql_table: ClassVar[str] = "departments"
    sql_parent: ClassVar[str] = "documents"
    data_label: ClassVar[str] = "name"

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExclusionRecord:
    """A figure of a source text that is on purpose not a benefit (policy_db/completeness.py)."""

    sql_table: ClassVar[str] = "exclusions"
    sql_parent: ClassVar[str] = "documents"

    context: str  # verbatim snippet holding the figure
    reason: str
    review: str | None = None  # what a draft (python -m policy_db draft) asks a person to check


@dataclass(frozen=True, kw_only=True)
class FigureRecord:
    sql_table: ClassVar[str] = "figures"
    sql_parent: ClassVar[str] = "benefits"
    data_label: ClassVar[str] = "text"

    kind: str = data_field(choices=FIGURE_KINDS)
    # YAML `value` is a number, or a date when unit is `date` (then it is kept in date_value).
    value: Decimal | None = data_field(default=None, shape="scalar")
    date_value: dt.date | None = data_field(key=None, default=None)
    unit: str = data_field(choices=FIGURE_UNITS)
    label: str
    text: str  # as written in the source

    def to_dict(self) -> dict[str, Any]:
        value = (
            self.date_value.isoformat() if self.date_value else (float(self.value) if self.value is not None else None)
        )
        return {"kind": self.kind, "value": value, "unit": self.unit, "label": self.label, "text": self.text}


@dataclass(frozen=True, kw_only=True)
class TierStepRecord:
    """One step of a tier. Bounds are in the tier's unit; amounts and caps in yuan."""

    sql_table: ClassVar[str] = "tier_steps"
    sql_parent: ClassVar[str] = "tiers"

    min_value: Decimal | None = data_field(key="min", default=None)
    max_value: Decimal | None = data_field(key="max", default=None)
    amount_yuan: Decimal | None = data_field(key="amount", default=None, shape="text", read=_parsed(parse_amount))
    ratio: Decimal | None = data_field(default=None, shape="text", read=_parsed(parse_ratio))
    cap_yuan: Decimal | None = data_field(key="cap", default=None, shape="text", read=_parsed(parse_amount))

    def to_dict(self) -> dict[str, Any]:
        return {
            "min": _num(self.min_value),
            "max": _num(self.max_value),
            "amount": format_yuan(self.amount_yuan) if self.amount_yuan is not None else None,
            "ratio": _num(self.ratio),
            "cap": format_yuan(self.cap_yuan) if self.cap_yuan is not None else None,
        }


@dataclass(frozen=True, kw_only=True)
class TierRecord:
    sql_table: ClassVar[str] = "tiers"
    sql_parent: ClassVar[str] = "benefits"

    basis: str  # what the enterprise's figure is: 融资额
    unit: str = data_field(choices=tuple(MONEY_UNITS))  # of the steps' bounds
    mode: str = data_field(choices=TIER_MODES)
    steps: tuple[TierStepRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis, "unit": self.unit, "mode": self.mode, "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True, kw_only=True)
class BenefitRecord:
    """A benefit (or, with kind fact, a fact about the policy) with the verbatim clause it comes from."""

    sql_table: ClassVar[str] = "benefits"
    sql_parent: ClassVar[str] = "documents"
    data_label: ClassVar[str] = "key"

    key: str = data_field(key="id", unique=True)
    name: str
    category: str  # a key of categories.yml (checked by the loader against that file)
    # benefit: money or help the enterprise receives; fact: a fund's size, a cost share, a target
    kind: str = data_field(default="benefit", choices=BENEFIT_KINDS)
    topics: tuple[str, ...] = ()
    enterprise_types: tuple[str, ...] = ()
    summary: str
    eligibility: str
    conditions: tuple[str, ...] = ()
    clause_ref: str
    clause_text: str  # verbatim from the source
    figures: tuple[FigureRecord, ...] = ()
    tier: TierRecord | None = data_field(key="tiers", default=None)
    # the amount from the owner's figures (policy_db.calculator.calculate); read by the loader, which
    # checks it against the clause and the figures
    formula: Formula | None = data_field(
        default=None, shape="mapping", sql=JSON(), to_sql=Formula.to_json, from_sql=formula_from_json
    )
    own_valid_until: dt.date | None = data_field(key="valid_until", default=None)
    validity_note: str | None = None
    departments: tuple[str, ...] = ()  # canonical names of the document's departments, lead unit first
    # typed eligibility, checked by policy_db.eligibility.assess
    requires: tuple[Requirement, ...] = data_field(
        default=(), shape="list", read=_read_requires, sql=JSON(), to_sql=_requires_to_sql, from_sql=_requires_from_sql
    )
    in_addition_to: tuple[str, ...] = ()  # keys of the benefits this one is paid on top of (same document)
    # who pays, by place, as the clause states it (a cost-sharing fact): [{places: [石龙区, …], share: …}]
    cost_shares: tuple[CostShare, ...] = data_field(
        default=(),
        shape="list",
        read=_read_cost_shares,
        sql=JSON(),
        to_sql=lambda shares: [s.to_dict() for s in shares],
        from_sql=_cost_shares_from_sql,
    )
    review: str | None = None  # what a draft (python -m policy_db draft) asks a person to check
    # Not written in the benefit's YAML: from its document, and the search words the build computes.
    city: str = data_field(key=None, stored=False)
    province: str = data_field(key=None, stored=False)
    document: DocumentRecord = data_field(key=None, stored=False)
    search_tokens: tuple[str, ...] = data_field(key=None, default=(), repr=False, compare=False)

    @property
    def is_fact(self) -> bool:
        """A fact about the policy (fund size, cost share, target), not money the enterprise gets."""
        return self.kind == "fact"

    @property
    def period(self) -> Period | None:
        """The latest period the clause binds the measure to (2022年第一季度), from its own words."""
        return latest_period((self.clause_text, *self.conditions, self.summary, self.validity_note))

    @property
    def valid_until(self) -> dt.date | None:
        """The benefit's own end date; else the earlier of the document's and the end of the period its
        clause is bound to (a 2022 first-quarter reward is over although the clause names no end date)."""
        if self.own_valid_until:
            return self.own_valid_until
        period = self.period
        ends = [d for d in (self.document.valid_until, period.end if period else None) if d]
        return min(ends) if ends else None

    @property
    def category_label(self) -> str:
        category = load_categories().get(self.category)
        return category.label if category else self.category

    def is_expired(self, today: dt.date | None = None) -> bool:
        until = self.valid_until
        return until is not None and until < (today or clock.today())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "city": self.city,
            "name": self.name,
            "category": self.category,
            "title": self.document.title,
            "doc_number": self.document.doc_number,
            "issuer": self.document.issuer,
            "clause": self.clause_ref,
            "clause_text": self.clause_text,
            "summary": self.summary,
            "eligibility": self.eligibility,
            "conditions": list(self.conditions),
            "figures": [f.to_dict() for f in self.figures],
            "tiers": self.tier.to_dict() if self.tier else None,
            "departments": list(self.departments),
            "topics": list(self.topics),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "validity_note": self.validity_note or self.document.validity_note,
            "is_fact": self.is_fact,
            "requires": [r.to_dict() for r in self.requires],
            "formula": self.formula.to_dict() if self.formula else None,
        }


# Every record class with a table, parents before children.
TABLE_RECORDS: tuple[type, ...] = (
    CityRecord,
    TopicRecord,
    DocumentRecord,
    DepartmentRecord,
    ExclusionRecord,
    BenefitRecord,
    FigureRecord,
    TierRecord,
    TierStepRecord,
)


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
