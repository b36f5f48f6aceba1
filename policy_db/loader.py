"""Read and validate the curated YAML files in policy_db/data/ into the records of records.py.

First every file is checked against the records' schema (policy_db/reading.py: unknown keys, shapes,
required keys, allowed values, dates); then what needs more than one field: figures and tiers that
must parse, a clause that must be verbatim in its source, departments, topics and `in_addition_to`
references, formulas and typed requirements. Every problem is reported with the file and the
record it is in, all at once, so a policy officer can fix a file in one pass. Nothing is written to
the database unless the whole data set is valid.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .completeness import compact
from .figure_bases import FigureVocabulary, load_vocabulary
from .formulas import read_formula
from .reading import RecordReader, decimal_or_none, item_where
from .records import (
    BenefitRecord,
    CityRecord,
    DepartmentRecord,
    DocumentRecord,
    ExclusionRecord,
    FigureRecord,
    TierRecord,
    TierStepRecord,
    TopicRecord,
)
from .requirements import check_vocabulary, load_eligibility_vocabulary
from .vocabulary import CATEGORIES_NAME, VOCABULARY_NAME, CategoryError, load_categories

DATA_DIR = paths.PACKAGE_DIR / "data"  # the package's own data (tests); readers use policy_db.paths
SOURCES_DIR = paths.PACKAGE_DIR / "sources"
log = logging.getLogger(__name__)
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DataError(Exception):
    """The curated data is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("政策数据有误:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, kw_only=True)
class CitiesFile:
    """cities.yml"""

    cities: tuple[CityRecord, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TopicsFile:
    """topics.yml: topic words shared by several documents."""

    topics: tuple[TopicRecord, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DocumentFile:
    """documents/<city>.yml: a document, its departments, topic words, benefits and exclusions."""

    document: DocumentRecord
    departments: tuple[DepartmentRecord, ...] = ()
    topics: tuple[TopicRecord, ...] = ()
    benefits: tuple[BenefitRecord, ...] = ()
    exclusions: tuple[ExclusionRecord, ...] = ()

    def __getattr__(self, name: str) -> Any:
        """The document's fields read on the file too: `file.key`, `file.title`, `file.full_text`."""
        if name.startswith("_") or name == "document":
            raise AttributeError(name)
        return getattr(self.document, name)


@dataclass
class PolicyData:
    cities: list[CityRecord]
    topics: dict[str, list[str]]  # canonical name -> synonyms, merged from topics.yml and every document
    documents: list[DocumentFile] = field(default_factory=list)


class _Problems:
    """Collects problems with the place they were found."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _yaml(path: Path, where: str, problems: _Problems) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.add(where, f"YAML 格式错误: {exc}")
        return None


# -- checks of one record that need more than one of its fields -------------------------------------
def _figure(problems: _Problems) -> Any:
    def finish(values: dict[str, Any], where: str) -> dict[str, Any] | None:
        raw = values.pop("value", None)
        if values.get("unit") == "date":
            date = raw if isinstance(raw, dt.date) else _iso_date(raw)
            if date is None:
                problems.add(where, f"日期型 figure 的 value 应为日期 (YYYY-MM-DD): {raw!r}")
                return None
            return values | {"date_value": date}
        number = decimal_or_none(raw)
        if number is None or number < 0:
            problems.add(where, f"无法解析的数值: {raw!r}")
            return None
        return values | {"value": number}

    return finish


def _iso_date(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        return None


def _tier_step(problems: _Problems) -> Any:
    def finish(values: dict[str, Any], where: str) -> dict[str, Any] | None:
        if values.get("amount_yuan") is None and values.get("ratio") is None:
            problems.add(where, "每一档需要 amount 或 ratio")
        low, high = values.get("min_value"), values.get("max_value")
        if low is not None and high is not None and high <= low:
            problems.add(where, f"max ({high}) 必须大于 min ({low})")
        return values

    return finish


def _tier(problems: _Problems) -> Any:
    def finish(values: dict[str, Any], where: str) -> dict[str, Any] | None:
        steps = values.get("steps") or ()
        if not steps:
            problems.add(where, "tiers 没有 steps")
            return None
        if values.get("mode") == "proportional" and (len(steps) != 1 or steps[0].ratio is None):
            problems.add(where, "proportional 模式需要恰好一档,且给出 ratio")
        return values

    return finish


class _Loader:
    def __init__(self, data_dir: Path, sources_dir: Path):
        self.data_dir, self.sources_dir = data_dir, sources_dir
        self.problems = _Problems()
        self.reader = RecordReader(
            self.problems.add,
            {
                FigureRecord: _figure(self.problems),
                TierStepRecord: _tier_step(self.problems),
                TierRecord: _tier(self.problems),
            },
        )
        self.where_of: dict[str, str] = {}  # benefit key -> where it is written

    @cached_property
    def figure_vocabulary(self) -> FigureVocabulary:
        return load_vocabulary(self.data_dir / VOCABULARY_NAME)

    @cached_property
    def category_keys(self) -> tuple[str, ...]:
        """The keys of the data folder's categories.yml (what `category:` may say)."""
        try:
            return load_categories(self.data_dir / CATEGORIES_NAME).keys
        except (OSError, CategoryError) as exc:
            self.problems.add(CATEGORIES_NAME, str(exc))
            return ()

    def where(self, path: Path) -> str:
        return path.relative_to(self.data_dir).as_posix() if path.is_relative_to(self.data_dir) else path.name

    def cities(self, path: Path) -> list[CityRecord]:
        where = self.where(path)
        raw = _yaml(path, where, self.problems)
        sections = self.reader.check_keys(CitiesFile, raw, where) if raw is not None else None
        if sections is None:
            return []
        cities = self.reader.records(CityRecord, sections.get("cities"), f"{where} cities")
        for attribute in ("name", "code"):
            seen: set[str] = set()
            for city in cities:
                if getattr(city, attribute) in seen:
                    self.problems.add(f"{where} cities", f"{attribute} {getattr(city, attribute)} 重复")
                seen.add(getattr(city, attribute))
        return cities

    def shared_topics(self, path: Path) -> list[TopicRecord]:
        where = self.where(path)
        raw = _yaml(path, where, self.problems)
        sections = self.reader.check_keys(TopicsFile, raw, where) if raw is not None else None
        return self.reader.records(TopicRecord, sections.get("topics"), f"{where} topics") if sections else []

    def document_file(self, path: Path, cities: dict[str, CityRecord]) -> DocumentFile | None:
        where = self.where(path)
        raw = _yaml(path, where, self.problems)
        sections = self.reader.check_keys(DocumentFile, raw, where) if raw is not None else None
        if sections is None:
            return None
        add = self.problems.add
        full_text = ""

        def finish_document(values: dict[str, Any], dwhere: str) -> dict[str, Any] | None:
            nonlocal full_text
            city = values.get("city")
            if city and city not in cities:
                add(dwhere, f"未知的城市 {city!r}(cities.yml 中没有)")
            source_file = values.get("source_file")
            if source_file:
                source = self.sources_dir / source_file
                if not source.is_file():
                    add(dwhere, f"找不到原文 {source_file}")
                else:
                    full_text = source.read_text(encoding="utf-8")
            start, end = values.get("valid_from"), values.get("valid_until")
            if start and end and end < start:
                add(dwhere, f"结束日期 {end} 早于开始日期 {start}")
            return values | {"full_text": full_text}

        document = self.reader.record(
            DocumentRecord, sections.get("document"), f"{where} document", finish=finish_document
        )

        departments = self.reader.records(DepartmentRecord, sections.get("departments"), f"{where} departments")
        by_alias: dict[str, str] = {}
        for i, dep in enumerate(departments):
            for alias in (dep.name, *dep.aliases):
                if by_alias.get(alias, dep.name) != dep.name:
                    add(
                        item_where(DepartmentRecord, f"{where} departments", i, {"name": dep.name}),
                        f"别名 {alias!r} 同时属于 {by_alias[alias]} 和 {dep.name}",
                    )
                by_alias[alias] = dep.name

        city = cities.get(document.city) if document else None
        compact_source = compact(full_text)
        valid_from = document.valid_from if document else None

        def finish_benefit(values: dict[str, Any], bwhere: str) -> dict[str, Any] | None:
            key = values.get("key") or ""
            self.where_of.setdefault(key, bwhere)
            if key and not _KEY.match(key):
                add(bwhere, "id 只能用小写字母、数字和连字符")
            elif key and city and not key.startswith(city.code + "-"):
                add(bwhere, f"id 必须以城市代码 {city.code}- 开头")
            category = values.get("category")
            if category and self.category_keys and category not in self.category_keys:
                add(bwhere, f"未知的 category {category!r},可选: {', '.join(self.category_keys)}")
            clause_text = values.get("clause_text") or ""
            if clause_text and compact_source and compact(clause_text) not in compact_source:
                add(bwhere, f"clause_text 在原文 {document.source_file if document else ''} 中找不到(须逐字摘录)")
            names = []
            for dep in values.get("departments", ()):
                if dep not in by_alias:
                    add(bwhere, f"未知的责任单位 {dep!r}(不在本文件 departments 中)")
                else:
                    names.append(by_alias[dep])
            values["departments"] = tuple(dict.fromkeys(names))
            until = values.get("own_valid_until")
            if until and valid_from and until < valid_from:
                add(bwhere, f"结束日期 {until} 早于文件开始日期 {valid_from}")
            if values.get("formula") is not None:
                if values.get("tier") is not None:
                    add(bwhere, "tiers 与 formula 只能写一个")
                texts = {compact(f.text).replace("％", "%") for f in values.get("figures", ())}
                values["formula"] = read_formula(
                    values["formula"], f"{bwhere} formula", add, clause_text, texts, self.figure_vocabulary
                )
            return values

        context = {"city": city.name, "province": city.province, "document": document} if document and city else {}
        benefits = self.reader.records(
            BenefitRecord, sections.get("benefits"), f"{where} benefits", finish=finish_benefit, **context
        )
        topics = self.reader.records(TopicRecord, sections.get("topics"), f"{where} topics")
        exclusions = self.reader.records(ExclusionRecord, sections.get("exclusions"), f"{where} exclusions")
        if document is None:
            return None
        return DocumentFile(
            document=document,
            departments=tuple(departments),
            topics=tuple(topics),
            benefits=tuple(benefits),
            exclusions=tuple(exclusions),
        )

    def check_references(self, data: PolicyData) -> None:
        """What spans records and files: unique keys, `in_addition_to`, topics, synonyms."""
        add = self.problems.add
        seen_keys: dict[str, str] = {}
        for doc in data.documents:
            if doc.key in seen_keys:
                add(f"documents {doc.source_file}", f"文件 key {doc.key} 重复")
            seen_keys[doc.key] = doc.source_file
            for b in doc.benefits:
                where = self.where_of.get(b.key, f"benefit {b.key}")
                if b.key in seen_keys:
                    add(where, f"id {b.key} 重复")
                seen_keys[b.key] = doc.source_file
                same_document = {other.key for other in doc.benefits if other.key != b.key}
                for key in b.in_addition_to:
                    if key not in same_document:
                        add(where, f"in_addition_to 指向本文件中不存在的条目 {key!r}")
                for topic in b.topics:
                    if topic not in data.topics:
                        add(where, f"未定义的主题词 {topic!r}(请在 topics 中定义)")
        owners: dict[str, str] = {}
        for name, synonyms in data.topics.items():
            for word in [name, *synonyms]:
                if owners.get(word, name) != name:
                    add(f"topic {name}", f"同义词 {word!r} 同时属于主题 {owners[word]}")
                owners.setdefault(word, name)


def read_cities(path: Path | None = None) -> list[CityRecord]:
    """The cities alone (default: cities.yml of the data folder), for readers that need places but
    not the whole policy data; raise DataError."""
    path = path or paths.data_dir() / "cities.yml"
    loader = _Loader(path.parent, paths.sources_dir())
    cities = loader.cities(path)
    if loader.problems.items:
        raise DataError(loader.problems.items)
    return cities


def load_policy_data(data_dir: Path | None = None, sources_dir: Path | None = None) -> PolicyData:
    """Load and validate everything (default: the folders of policy_db.paths); raise DataError listing
    every problem."""
    data_dir, sources_dir = data_dir or paths.data_dir(), sources_dir or paths.sources_dir()
    loader = _Loader(data_dir, sources_dir)
    for problem in check_vocabulary(load_eligibility_vocabulary(data_dir / VOCABULARY_NAME)):
        loader.problems.add("vocabulary.yml", problem)
    cities = loader.cities(data_dir / "cities.yml")
    data = PolicyData(cities=cities, topics={})
    if (data_dir / "topics.yml").exists():
        for topic in loader.shared_topics(data_dir / "topics.yml"):
            data.topics.setdefault(topic.name, []).extend(topic.synonyms)
    by_name = {c.name: c for c in cities}
    for path in sorted((data_dir / "documents").glob("*.yml")):
        doc = loader.document_file(path, by_name)
        if doc is None:
            continue
        for topic in doc.topics:
            merged = data.topics.setdefault(topic.name, [])
            merged += [s for s in topic.synonyms if s not in merged and s != topic.name]
        data.documents.append(doc)
    loader.check_references(data)
    if loader.problems.items:
        raise DataError(loader.problems.items)
    for doc in data.documents:
        # A draft's `review:` notes (python -m policy_db draft): valid data, but not yet checked by a person.
        reviews = [doc.document.review, *(b.review for b in doc.benefits), *(e.review for e in doc.exclusions)]
        pending = len([note for note in reviews if note])
        if pending:
            log.warning(
                "%s(%s): %d 条记录仍带 review 注记(草稿待核),核对后删除 review", doc.key, doc.source_file, pending
            )
    return data
