"""SQLAlchemy 1.4 models of the policy database (2.0-style usage: `select()`, `Session.execute`).

A City has Documents and Departments; a Document has Benefits; a Benefit has Figures, at most one
Tier (with TierSteps), Topics and responsible Departments (责任单位). Every Benefit keeps the
verbatim clause it was taken from, so every figure the bot says can be traced to its source.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (JSON, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class ExactDecimal(TypeDecorator):
    """Decimals stored as text: exact on SQLite (which has no decimal type) and PostgreSQL alike."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


CATEGORIES = {
    "reward": "奖励补助",
    "finance": "贷款融资",
    "social_insurance": "社会保险",
    "tax_fee": "税费减免",
    "rent_utility": "房租水电",
    "other": "其他支持",
}
FIGURE_KINDS = {"amount", "cap", "ratio", "rate", "months", "working_days", "days", "years",
                "deadline", "threshold",
                # figures of fact records (kind: fact): a fund's size, a count, a cost share, a target
                "fund", "count", "share", "target", "day_of_month"}
FIGURE_UNITS = {"元", "万元", "亿元", "%", "‰", "个月", "个工作日", "天", "年", "date",
                "家", "个", "场次", "次", "号", "倍"}
# What a benefit record is: money or help an enterprise receives, or a fact about the policy
# (a fund the city sets up, how city and county share the cost, a target) that people ask about.
BENEFIT_KINDS = {"benefit", "fact"}
TIER_MODES = {"bracket", "cumulative", "proportional"}

benefit_topics = Table(
    "benefit_topics", Base.metadata,
    Column("benefit_id", ForeignKey("benefits.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Meta(Base):
    """Build stamp: lets long-running processes notice that the database was rebuilt."""

    __tablename__ = "meta"
    key = Column(String(50), primary_key=True)
    value = Column(Text, nullable=False)


class City(Base):
    __tablename__ = "cities"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), unique=True, nullable=False)
    full_name = Column(String(40), nullable=False)
    province = Column(String(20), nullable=False)
    code = Column(String(10), unique=True, nullable=False)
    parent = Column(String(40))
    places = relationship("Place", back_populates="city", cascade="all, delete-orphan")
    departments = relationship("Department", back_populates="city", cascade="all, delete-orphan")
    documents = relationship("Document", back_populates="city", cascade="all, delete-orphan")


class Place(Base):
    """A name that means the city: an alias (平顶山市) or a county/district (郏县)."""

    __tablename__ = "places"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), unique=True, nullable=False)
    kind = Column(String(10), nullable=False)  # alias | county
    city_id = Column(ForeignKey("cities.id", ondelete="CASCADE"), nullable=False)
    city = relationship("City", back_populates="places")


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("city_id", "name"),)
    id = Column(Integer, primary_key=True)
    city_id = Column(ForeignKey("cities.id", ondelete="CASCADE"), nullable=False)
    name = Column(String(80), nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    city = relationship("City", back_populates="departments")


class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    key = Column(String(40), unique=True, nullable=False)
    city_id = Column(ForeignKey("cities.id", ondelete="CASCADE"), nullable=False)
    title = Column(Text, nullable=False)
    doc_number = Column(String(60))
    issuer = Column(String(120), nullable=False)
    published = Column(Date)
    valid_from = Column(Date)
    valid_until = Column(Date)
    validity_note = Column(Text)
    source_file = Column(String(80), nullable=False)
    full_text = Column(Text, nullable=False)
    city = relationship("City", back_populates="documents")
    benefits = relationship("Benefit", back_populates="document", cascade="all, delete-orphan")
    exclusions = relationship("Exclusion", back_populates="document", cascade="all, delete-orphan")


class Topic(Base):
    __tablename__ = "topics"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), unique=True, nullable=False)
    synonyms = Column(JSON, nullable=False, default=list)


class BenefitDepartment(Base):
    """Ordered link from a benefit to its responsible units (the first is the lead unit)."""

    __tablename__ = "benefit_departments"
    benefit_id = Column(ForeignKey("benefits.id", ondelete="CASCADE"), primary_key=True)
    department_id = Column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, nullable=False)
    department = relationship("Department")


class Benefit(Base):
    __tablename__ = "benefits"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), unique=True, nullable=False)
    document_id = Column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    name = Column(String(80), nullable=False)
    category = Column(String(20), nullable=False)
    summary = Column(Text, nullable=False)
    eligibility = Column(Text, nullable=False)
    conditions = Column(JSON, nullable=False, default=list)
    enterprise_types = Column(JSON, nullable=False, default=list)
    clause_ref = Column(String(60), nullable=False)
    clause_text = Column(Text, nullable=False)
    valid_until = Column(Date)
    validity_note = Column(Text)
    search_tokens = Column(Text, nullable=False, default="")
    kind = Column(String(10), nullable=False, default="benefit")  # BENEFIT_KINDS
    requires = Column(JSON, nullable=False, default=list)  # typed eligibility: [{field, op, value, unit}]
    formula = Column(JSON)  # how the amount follows from the owner's figures: formulas.Formula.to_json()
    in_addition_to = Column(JSON, nullable=False, default=list)  # keys of benefits this one is paid on top of
    document = relationship("Document", back_populates="benefits")
    topics = relationship("Topic", secondary=benefit_topics, order_by="Topic.name")
    figures = relationship("Figure", back_populates="benefit", cascade="all, delete-orphan",
                           order_by="Figure.position")
    tier = relationship("Tier", back_populates="benefit", uselist=False, cascade="all, delete-orphan")
    department_links = relationship("BenefitDepartment", cascade="all, delete-orphan",
                                    order_by="BenefitDepartment.position")


class Figure(Base):
    __tablename__ = "figures"
    id = Column(Integer, primary_key=True)
    benefit_id = Column(ForeignKey("benefits.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    kind = Column(String(20), nullable=False)
    value = Column(ExactDecimal())
    date_value = Column(Date)
    unit = Column(String(10), nullable=False)
    label = Column(String(80), nullable=False)
    text = Column(String(40), nullable=False)
    benefit = relationship("Benefit", back_populates="figures")


class Tier(Base):
    __tablename__ = "tiers"
    id = Column(Integer, primary_key=True)
    benefit_id = Column(ForeignKey("benefits.id", ondelete="CASCADE"), unique=True, nullable=False)
    basis = Column(String(40), nullable=False)
    unit = Column(String(10), nullable=False)
    mode = Column(String(20), nullable=False)
    benefit = relationship("Benefit", back_populates="tier")
    steps = relationship("TierStep", cascade="all, delete-orphan", order_by="TierStep.position")


class TierStep(Base):
    """One step of a tier. Bounds are in the tier's unit; amounts and caps in yuan."""

    __tablename__ = "tier_steps"
    id = Column(Integer, primary_key=True)
    tier_id = Column(ForeignKey("tiers.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    min_value = Column(ExactDecimal())
    max_value = Column(ExactDecimal())
    amount_yuan = Column(ExactDecimal())
    ratio = Column(ExactDecimal())
    cap_yuan = Column(ExactDecimal())


class Exclusion(Base):
    __tablename__ = "exclusions"
    id = Column(Integer, primary_key=True)
    document_id = Column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    context = Column(Text, nullable=False)
    reason = Column(Text, nullable=False)
    document = relationship("Document", back_populates="exclusions")
