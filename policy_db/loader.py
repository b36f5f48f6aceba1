"""Read and validate the curated YAML files in policy_db/data/.

Every problem is reported with the file and the record it is in, all at once, so a policy officer
can fix a file in one pass. Nothing is written to the database unless the whole data set is valid.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .completeness import compact
from .models import BENEFIT_KINDS, CATEGORIES, FIGURE_KINDS, FIGURE_UNITS, TIER_MODES
from .money import FigureError, parse_amount, parse_ratio
from .requirements import Requirement, check_vocabulary, load_eligibility_vocabulary, parse_requires
from .figure_bases import VOCABULARY_FILE, load_vocabulary
from .formulas import Formula, read_formula

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SOURCES_DIR = PACKAGE_DIR / "sources"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DataError(Exception):
    """The curated data is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("政策数据有误:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class CitySpec:
    name: str
    full_name: str
    province: str
    code: str
    parent: str | None
    aliases: list[str]
    counties: list[str]


@dataclass
class DepartmentSpec:
    name: str
    aliases: list[str]


@dataclass
class FigureSpec:
    kind: str
    value: Decimal | None
    date_value: dt.date | None
    unit: str
    label: str
    text: str


@dataclass
class TierStepSpec:
    min_value: Decimal | None
    max_value: Decimal | None
    amount_yuan: Decimal | None
    ratio: Decimal | None
    cap_yuan: Decimal | None


@dataclass
class TierSpec:
    basis: str
    unit: str
    mode: str
    steps: list[TierStepSpec]


@dataclass
class BenefitSpec:
    key: str
    name: str
    category: str
    topics: list[str]
    enterprise_types: list[str]
    summary: str
    eligibility: str
    conditions: list[str]
    clause_ref: str
    clause_text: str
    figures: list[FigureSpec]
    tier: TierSpec | None
    valid_until: dt.date | None
    validity_note: str | None
    departments: list[str]  # canonical department names
    kind: str = "benefit"  # benefit | fact (a fact about the policy, not something the enterprise receives)
    requires: list[Requirement] = field(default_factory=list)  # typed eligibility
    formula: Formula | None = None  # how the amount follows from the owner's figures (formulas.py)
    # Benefits of the same document this one is paid on top of (「在分阶段补助之外再按融资额奖补」).
    in_addition_to: list[str] = field(default_factory=list)


@dataclass
class DocumentSpec:
    key: str
    city: str
    title: str
    doc_number: str | None
    issuer: str
    published: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    validity_note: str | None
    source_file: str
    full_text: str
    departments: list[DepartmentSpec]
    benefits: list[BenefitSpec]
    exclusions: list[tuple[str, str]]


@dataclass
class PolicyData:
    cities: list[CitySpec]
    topics: dict[str, list[str]]  # canonical name -> synonyms
    documents: list[DocumentSpec] = field(default_factory=list)


class _Problems:
    """Collects problems with the place they were found."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _date(value: Any, where: str, name: str, problems: _Problems) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.add(where, f"{name} 不是日期 (YYYY-MM-DD): {value!r}")
        return None


def _text(record: dict, key: str, where: str, problems: _Problems, required: bool = True) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(where, f"缺少 {key}")
        return None
    return str(value).strip()


def _str_list(record: dict, key: str) -> list[str]:
    return [str(v).strip() for v in (record.get(key) or []) if str(v).strip()]


def load_cities(path: Path, problems: _Problems) -> list[CitySpec]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cities = []
    for i, rec in enumerate(raw.get("cities") or []):
        where = f"{path.name} cities[{i}]"
        name = _text(rec, "name", where, problems)
        code = _text(rec, "code", where, problems)
        if not name or not code:
            continue
        cities.append(CitySpec(name, rec.get("full_name") or name, rec.get("province") or "", code,
                               rec.get("parent"), _str_list(rec, "aliases"), _str_list(rec, "counties")))
    return cities


def read_cities(path: Path = DATA_DIR / "cities.yml") -> list[CitySpec]:
    """The cities alone, for readers that need places but not the whole policy data; raise DataError."""
    problems = _Problems()
    cities = load_cities(path, problems)
    if problems.items:
        raise DataError(problems.items)
    return cities


def _figure(rec: dict, where: str, problems: _Problems) -> FigureSpec | None:
    kind, unit = rec.get("kind"), str(rec.get("unit", ""))
    if kind not in FIGURE_KINDS:
        problems.add(where, f"未知的 figure kind {kind!r},可选: {', '.join(sorted(FIGURE_KINDS))}")
        return None
    if unit not in FIGURE_UNITS:
        problems.add(where, f"未知的单位 {unit!r},可选: {', '.join(sorted(FIGURE_UNITS))}")
        return None
    label = _text(rec, "label", where, problems)
    text = _text(rec, "text", where, problems)
    value, date_value = None, None
    if unit == "date":
        date_value = _date(rec.get("value"), where, "value", problems)
        if date_value is None:
            problems.add(where, "日期型 figure 缺少 value")
    else:
        try:
            value = Decimal(str(rec.get("value")))
        except Exception:
            problems.add(where, f"无法解析的数值: {rec.get('value')!r}")
            return None
        if not value.is_finite() or value < 0:
            problems.add(where, f"无法解析的数值: {rec.get('value')!r}")
            return None
    if label is None or text is None:
        return None
    return FigureSpec(kind, value, date_value, unit, label, text)


def _tier(rec: dict, where: str, problems: _Problems) -> TierSpec | None:
    mode = rec.get("mode")
    if mode not in TIER_MODES:
        problems.add(where, f"未知的 tiers mode {mode!r},可选: {', '.join(sorted(TIER_MODES))}")
        return None
    steps = []
    for j, step in enumerate(rec.get("steps") or []):
        swhere = f"{where} steps[{j}]"
        try:
            lo = Decimal(str(step["min"])) if step.get("min") is not None else None
            hi = Decimal(str(step["max"])) if step.get("max") is not None else None
            amount = parse_amount(step["amount"]) if step.get("amount") is not None else None
            ratio = parse_ratio(step["ratio"]) if step.get("ratio") is not None else None
            cap = parse_amount(step["cap"]) if step.get("cap") is not None else None
        except (FigureError, ArithmeticError, ValueError) as exc:
            problems.add(swhere, str(exc))
            continue
        if amount is None and ratio is None:
            problems.add(swhere, "每一档需要 amount 或 ratio")
        if lo is not None and hi is not None and hi <= lo:
            problems.add(swhere, f"max ({hi}) 必须大于 min ({lo})")
        steps.append(TierStepSpec(lo, hi, amount, ratio, cap))
    if not steps:
        problems.add(where, "tiers 没有 steps")
        return None
    if mode == "proportional" and (len(steps) != 1 or steps[0].ratio is None):
        problems.add(where, "proportional 模式需要恰好一档,且给出 ratio")
    basis = _text(rec, "basis", where, problems)
    unit = _text(rec, "unit", where, problems)
    if unit and unit not in ("元", "万元", "亿元"):
        problems.add(where, f"tiers unit 必须是 元/万元/亿元: {unit!r}")
    return TierSpec(basis or "", unit or "元", mode, steps)


def _benefit_kind(rec: dict, where: str, problems: _Problems) -> str:
    """`kind: fact` marks a fact record (a fund size, a cost share, a target); the default is benefit."""
    kind = rec.get("kind", "benefit")
    if kind not in BENEFIT_KINDS:
        problems.add(where, f"未知的 kind {kind!r},可选: {', '.join(sorted(BENEFIT_KINDS))}")
        return "benefit"
    return kind


def _formula(rec: dict, where: str, problems: _Problems, clause_text: str, figures: list[FigureSpec],
             tier: TierSpec | None) -> Formula | None:
    """The benefit's optional `formula:` (see formulas.py), checked against its figures and clause."""
    if rec.get("formula") is None:
        return None
    if tier is not None:
        problems.add(where, "tiers 与 formula 只能写一个")
    texts = {compact(f.text).replace("％", "%") for f in figures}
    return read_formula(rec["formula"], f"{where} formula", problems.add, clause_text, texts,
                        load_vocabulary(VOCABULARY_FILE))


def load_document(path: Path, cities: dict[str, CitySpec], problems: _Problems,
                  sources_dir: Path = SOURCES_DIR) -> tuple[DocumentSpec | None, dict[str, list[str]]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.add(path.name, f"YAML 格式错误: {exc}")
        return None, {}
    meta = raw.get("document") or {}
    where = f"{path.name} document"
    key = _text(meta, "key", where, problems)
    city = _text(meta, "city", where, problems)
    if city and city not in cities:
        problems.add(where, f"未知的城市 {city!r}(cities.yml 中没有)")
    source_file = _text(meta, "source_file", where, problems)
    full_text = ""
    if source_file:
        source = sources_dir / source_file
        if not source.is_file():
            problems.add(where, f"找不到原文 {source_file}")
        else:
            full_text = source.read_text(encoding="utf-8")
    compact_source = compact(full_text)
    valid_from = _date(meta.get("valid_from"), where, "valid_from", problems)
    valid_until = _date(meta.get("valid_until"), where, "valid_until", problems)
    if valid_from and valid_until and valid_until < valid_from:
        problems.add(where, f"结束日期 {valid_until} 早于开始日期 {valid_from}")

    departments: list[DepartmentSpec] = []
    by_alias: dict[str, str] = {}
    for i, rec in enumerate(raw.get("departments") or []):
        dwhere = f"{path.name} departments[{i}]"
        name = _text(rec, "name", dwhere, problems)
        if not name:
            continue
        aliases = _str_list(rec, "aliases")
        for alias in [name, *aliases]:
            if by_alias.get(alias, name) != name:
                problems.add(dwhere, f"别名 {alias!r} 同时属于 {by_alias[alias]} 和 {name}")
            by_alias[alias] = name
        departments.append(DepartmentSpec(name, aliases))

    topics = {str(t["name"]): _str_list(t, "synonyms") for t in raw.get("topics") or [] if t.get("name")}

    benefits: list[BenefitSpec] = []
    code = cities[city].code if city in cities else None
    for i, rec in enumerate(raw.get("benefits") or []):
        bkey = str(rec.get("id") or f"#{i}")
        bwhere = f"{path.name} benefit {bkey}"
        if not _KEY.match(bkey):
            problems.add(bwhere, "id 只能用小写字母、数字和连字符")
        elif code and not bkey.startswith(code + "-"):
            problems.add(bwhere, f"id 必须以城市代码 {code}- 开头")
        category = rec.get("category")
        if category not in CATEGORIES:
            problems.add(bwhere, f"未知的类别 {category!r},可选: {', '.join(CATEGORIES)}")
        clause_ref = _text(rec, "clause_ref", bwhere, problems)
        clause_text = _text(rec, "clause_text", bwhere, problems)
        if clause_text and compact_source and compact(clause_text) not in compact_source:
            problems.add(bwhere, f"clause_text 在原文 {source_file} 中找不到(须逐字摘录)")
        parsed = [_figure(raw, f"{bwhere} figures[{j}]", problems) for j, raw in enumerate(rec.get("figures") or [])]
        figures = [f for f in parsed if f is not None]
        tier = _tier(rec["tiers"], f"{bwhere} tiers", problems) if rec.get("tiers") else None
        dept_names = []
        for dep in _str_list(rec, "departments"):
            if dep not in by_alias:
                problems.add(bwhere, f"未知的责任单位 {dep!r}(不在本文件 departments 中)")
            else:
                dept_names.append(by_alias[dep])
        b_until = _date(rec.get("valid_until"), bwhere, "valid_until", problems)
        if b_until and valid_from and b_until < valid_from:
            problems.add(bwhere, f"结束日期 {b_until} 早于文件开始日期 {valid_from}")
        benefits.append(BenefitSpec(
            key=bkey, name=_text(rec, "name", bwhere, problems) or "", category=category or "other",
            topics=_str_list(rec, "topics"), enterprise_types=_str_list(rec, "enterprise_types"),
            summary=_text(rec, "summary", bwhere, problems) or "",
            eligibility=_text(rec, "eligibility", bwhere, problems) or "",
            conditions=_str_list(rec, "conditions"), clause_ref=clause_ref or "",
            clause_text=clause_text or "", figures=figures, tier=tier, valid_until=b_until,
            validity_note=_text(rec, "validity_note", bwhere, problems, required=False),
            departments=list(dict.fromkeys(dept_names)),
            kind=_benefit_kind(rec, bwhere, problems),
            requires=parse_requires(rec.get("requires"), bwhere, problems.add),
            formula=_formula(rec, bwhere, problems, clause_text or "", figures, tier),
            in_addition_to=_str_list(rec, "in_addition_to")))

    exclusions = []
    for i, rec in enumerate(raw.get("exclusions") or []):
        ewhere = f"{path.name} exclusions[{i}]"
        context, reason = _text(rec, "context", ewhere, problems), _text(rec, "reason", ewhere, problems)
        if context and reason:
            exclusions.append((context, reason))

    doc = DocumentSpec(
        key=key or path.stem, city=city or "", title=_text(meta, "title", where, problems) or "",
        doc_number=meta.get("doc_number") or None, issuer=_text(meta, "issuer", where, problems) or "",
        published=_date(meta.get("published"), where, "published", problems), valid_from=valid_from,
        valid_until=valid_until, validity_note=meta.get("validity_note") or None,
        source_file=source_file or "", full_text=full_text, departments=departments,
        benefits=benefits, exclusions=exclusions)
    return doc, topics


def load_policy_data(data_dir: Path = DATA_DIR, sources_dir: Path = SOURCES_DIR) -> PolicyData:
    """Load and validate everything; raise DataError listing every problem."""
    problems = _Problems()
    for problem in check_vocabulary(load_eligibility_vocabulary()):
        problems.add("vocabulary.yml", problem)
    cities = load_cities(data_dir / "cities.yml", problems)
    by_name = {c.name: c for c in cities}
    data = PolicyData(cities=cities, topics={})
    shared_topics = data_dir / "topics.yml"
    if shared_topics.exists():
        for rec in (yaml.safe_load(shared_topics.read_text(encoding="utf-8")) or {}).get("topics") or []:
            data.topics.setdefault(str(rec["name"]), []).extend(_str_list(rec, "synonyms"))
    for path in sorted((data_dir / "documents").glob("*.yml")):
        doc, topics = load_document(path, by_name, problems, sources_dir)
        for name, synonyms in topics.items():
            merged = data.topics.setdefault(name, [])
            merged += [s for s in synonyms if s not in merged and s != name]
        if doc:
            data.documents.append(doc)
    _check_cross_file(data, problems)
    if problems.items:
        raise DataError(problems.items)
    return data


def _check_cross_file(data: PolicyData, problems: _Problems) -> None:
    seen_keys: dict[str, str] = {}
    for doc in data.documents:
        if doc.key in seen_keys:
            problems.add(doc.source_file, f"文件 key {doc.key} 重复")
        seen_keys[doc.key] = doc.source_file
        for b in doc.benefits:
            if b.key in seen_keys:
                problems.add(f"benefit {b.key}", "id 重复")
            seen_keys[b.key] = doc.source_file
            same_document = {other.key for other in doc.benefits if other.key != b.key}
            for key in b.in_addition_to:
                if key not in same_document:
                    problems.add(f"benefit {b.key}", f"in_addition_to 指向本文件中不存在的条目 {key!r}")
            for topic in b.topics:
                if topic not in data.topics:
                    problems.add(f"benefit {b.key}", f"未定义的主题词 {topic!r}(请在 topics 中定义)")
    owners: dict[str, str] = {}
    for name, synonyms in data.topics.items():
        for word in [name, *synonyms]:
            if owners.get(word, name) != name:
                problems.add(f"topic {name}", f"同义词 {word!r} 同时属于主题 {owners[word]}")
            owners.setdefault(word, name)
