"""Typed eligibility: the `requires:` list of a benefit and the vocabulary it is written in.

A benefit's plain-language `eligibility`/`conditions` are for people; `requires` says the same
conditions as data (营业收入 >= 5000万元, 首次认定, 国家级), so an enterprise's profile can be checked
against them (policy_db/eligibility.py). The fields and the words for their values live in the
`eligibility_fields:` section of data/vocabulary.yml, so a policy officer can add a recognition or
a board without touching Python.

    requires:
      - {field: revenue, op: ">=", value: 5000, unit: 万元}
      - {field: first_time, op: "==", value: true}
      - {field: level, op: "==", value: 国家级}
      - {field: board, op: in, value: [主板, 科创板, 创业板, 北交所]}
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from .paths import data_dir

FIELD_TYPES = {"money", "number", "bool", "word"}
OPS = {">=", ">", "<=", "<", "==", "in"}
OPS_BY_TYPE = {
    "money": {">=", ">", "<=", "<", "=="},
    "number": {">=", ">", "<=", "<", "=="},
    "bool": {"=="},
    "word": {"==", "in"},
}
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
# How a comparison is said in a condition: 年主营业务收入达到5000万元.
OP_WORDS = {">=": "达到", ">": "超过", "<=": "不超过", "<": "低于", "==": "为"}


@dataclass(frozen=True)
class FieldValue:
    name: str
    words: tuple[str, ...]
    implies: tuple[str, ...] = ()
    say: str | None = None  # how a condition says it (规上 → 规模以上企业)
    excludes: tuple[str, ...] = ()  # values an enterprise holding this one cannot hold (工业企业 ≠ 商贸企业)


@dataclass(frozen=True)
class ShareOf:
    """A number field in % that an owner may give as two amounts (「融了3000万，其中2000万投在平顶山」): the share
    is the amount said with a `part` word and a place of the owner's city (or a `local` word), over the amount
    said with a `whole` word, in the same message."""

    part: tuple[str, ...]
    whole: tuple[str, ...]
    local: tuple[str, ...] = ()


@dataclass(frozen=True)
class EligibilityField:
    name: str
    type: str  # money | number | bool | word
    label: str
    words: tuple[str, ...] = ()  # what owners write for the field (money, number)
    unit: str | None = None  # number fields: 人
    phrase: str = "为{value}"  # word fields
    exclusive: bool = False  # word fields: one value per enterprise
    values: tuple[FieldValue, ...] = ()
    forms: tuple[str, ...] = ()  # number fields: how a value is written, {n} the number (第{n}, {n}强, {n}年)
    true_words: tuple[str, ...] = ()  # bool fields
    false_words: tuple[str, ...] = ()
    share_of: ShareOf | None = None  # number fields in %: the share read from two amounts

    def excluded(self, names: set[str] | frozenset[str]) -> set[str]:
        """The values an enterprise holding `names` cannot hold (either side may say so)."""
        out = {x for v in self.values if v.name in names for x in v.excludes}
        out |= {v.name for v in self.values if set(v.excludes) & set(names)}
        return out

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)

    def say(self, value: str) -> str:
        found = next((v for v in self.values if v.name == value), None)
        return found.say if found and found.say else value

    def implied(self, names: set[str] | frozenset[str]) -> set[str]:
        """The values held given `names`, with what they imply (小巨人 → 专精特新中小企业)."""
        held, by_name = set(names), {v.name: v for v in self.values}
        todo = list(held)
        while todo:
            for extra in by_name.get(todo.pop(), FieldValue("", ())).implies:
                if extra not in held:
                    held.add(extra)
                    todo.append(extra)
        return held


@dataclass(frozen=True)
class EligibilityVocabulary:
    fields: tuple[EligibilityField, ...]

    def field(self, name: str) -> EligibilityField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class Requirement:
    """One typed condition. `value` is Decimal (money in yuan, number), bool, or a tuple of words."""

    field: str
    op: str
    value: Any
    unit: str | None = None  # as written in the data (money: 万元; the value is already in yuan)
    group: str | None = None  # requirements of one group are alternatives: meeting any one of them is enough

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Decimal):
            value = float(value / MONEY_UNITS[self.unit]) if self.unit in MONEY_UNITS else float(value)
        elif isinstance(value, tuple):
            value = list(value) if self.op == "in" else value[0]
        return {"field": self.field, "op": self.op, "value": value, "unit": self.unit, "group": self.group}

    def to_storage(self) -> dict[str, Any]:
        """The exact form kept in the database's JSON column (numbers as text, in yuan for money)."""
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        return {"field": self.field, "op": self.op, "value": value, "unit": self.unit, "group": self.group}

    @classmethod
    def from_storage(cls, raw: dict[str, Any]) -> Requirement:
        value = raw.get("value")
        if isinstance(value, str):
            value = Decimal(value)
        elif isinstance(value, list):
            value = tuple(str(v) for v in value)
        return cls(str(raw["field"]), str(raw["op"]), value, raw.get("unit"), raw.get("group"))


def _words(value: Any) -> tuple[str, ...]:
    return tuple(str(w) for w in (value or ()))


def parse_eligibility_fields(raw: list[dict] | None) -> EligibilityVocabulary:
    fields = []
    for rec in raw or ():
        fields.append(
            EligibilityField(
                name=str(rec["name"]),
                type=str(rec.get("type", "word")),
                label=str(rec.get("label", rec["name"])),
                words=_words(rec.get("words")),
                unit=rec.get("unit"),
                phrase=str(rec.get("phrase", "为{value}")),
                exclusive=bool(rec.get("exclusive", False)),
                values=tuple(
                    FieldValue(
                        str(v["name"]),
                        _words(v.get("words")),
                        _words(v.get("implies")),
                        v.get("say"),
                        _words(v.get("excludes")),
                    )
                    for v in rec.get("values") or ()
                ),
                forms=_words(rec.get("forms")),
                true_words=_words(rec.get("true_words")),
                false_words=_words(rec.get("false_words")),
                share_of=_share_of(rec.get("share_of")),
            )
        )
    return EligibilityVocabulary(tuple(fields))


def _share_of(raw: Any) -> ShareOf | None:
    if not isinstance(raw, dict):
        return None
    return ShareOf(_words(raw.get("part")), _words(raw.get("whole")), _words(raw.get("local")))


def load_eligibility_vocabulary(path: Path | None = None) -> EligibilityVocabulary:
    """The eligibility fields of vocabulary.yml (default: the data folder's; read once per path)."""
    return _read_eligibility_vocabulary(Path(path or data_dir() / "vocabulary.yml"))


@lru_cache(maxsize=4)
def _read_eligibility_vocabulary(path: Path) -> EligibilityVocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return parse_eligibility_fields(raw.get("eligibility_fields"))


def check_vocabulary(vocab: EligibilityVocabulary) -> list[str]:
    """Problems in the eligibility_fields section itself (unknown type, implies of an unknown value)."""
    problems = []
    for f in vocab.fields:
        if f.type not in FIELD_TYPES:
            problems.append(
                f"eligibility_fields {f.name}: 未知的 type {f.type!r},可选: {', '.join(sorted(FIELD_TYPES))}"
            )
        if f.share_of is not None and (
            f.type != "number" or f.unit != "%" or not (f.share_of.part and f.share_of.whole)
        ):
            problems.append(
                f"eligibility_fields {f.name}: share_of 只用于单位为 % 的 number 字段，且需有 part 和 whole"
            )
        names = set(f.value_names)
        for v in f.values:
            for extra in v.implies:
                if extra not in names:
                    problems.append(f"eligibility_fields {f.name}: {v.name} 的 implies {extra!r} 不是本字段的取值")
    return problems


def parse_requires(
    raw: Any, where: str, add_problem: Callable[[str, str], None], vocab: EligibilityVocabulary | None = None
) -> list[Requirement]:
    """Validate a benefit's `requires:` list; report each problem with `where` (file and record)."""
    if raw in (None, []):
        return []
    vocab = vocab or load_eligibility_vocabulary()
    if not isinstance(raw, list):
        add_problem(where, "requires 必须是列表,每项为 {field, op, value, unit}")
        return []
    out = []
    for i, item in enumerate(raw):
        iwhere = f"{where} requires[{i}]"
        if not isinstance(item, dict):
            add_problem(iwhere, "每项必须是 {field, op, value, unit}")
            continue
        req = _requirement(item, iwhere, add_problem, vocab)
        if req is not None:
            out.append(req)
    return out


def _requirement(
    item: dict, where: str, add_problem: Callable[[str, str], None], vocab: EligibilityVocabulary
) -> Requirement | None:
    name, op, value, unit = item.get("field"), item.get("op"), item.get("value"), item.get("unit")
    group = str(item["group"]) if item.get("group") else None
    spec = vocab.field(str(name)) if name is not None else None
    if spec is None:
        add_problem(where, f"未知的 field {name!r},可选: {', '.join(vocab.names)}")
        return None
    if op not in OPS_BY_TYPE.get(spec.type, OPS):
        add_problem(where, f"field {name} 不能用 op {op!r},可选: {', '.join(sorted(OPS_BY_TYPE.get(spec.type, OPS)))}")
        return None
    if value is None:
        add_problem(where, "缺少 value")
        return None
    if spec.type == "bool":
        if not isinstance(value, bool):
            add_problem(where, f"field {name} 的 value 必须是 true 或 false: {value!r}")
            return None
        return Requirement(spec.name, op, value, None, group)
    if spec.type in ("money", "number"):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if isinstance(value, bool) or number is None or not number.is_finite() or number < 0:
            add_problem(where, f"field {name} 的 value 必须是非负数: {value!r}")
            return None
        if spec.type == "money":
            if unit not in MONEY_UNITS:
                add_problem(where, f"field {name} 的 unit 必须是 元/万元/亿元: {unit!r}")
                return None
            return Requirement(spec.name, op, number * MONEY_UNITS[unit], unit, group)
        if unit is not None and unit != spec.unit:
            add_problem(where, f"field {name} 的 unit 应为 {spec.unit!r}: {unit!r}")
        return Requirement(spec.name, op, number, spec.unit, group)
    words = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
    if op == "==" and len(words) != 1:
        add_problem(where, "op == 只能给一个 value;多个取值用 op: in")
        return None
    unknown = [w for w in words if w not in spec.value_names]
    if unknown:
        add_problem(
            where,
            f"field {name} 的取值 {', '.join(unknown)} 不在 vocabulary.yml 中,可选: {', '.join(spec.value_names)}",
        )
        return None
    return Requirement(spec.name, op, words, None, group)
