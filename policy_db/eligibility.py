"""Does a benefit fit an enterprise? Checks a benefit's typed `requires` against what the owner said.

Pure functions, no database: `profile_from_text` reads an EnterpriseProfile from an owner's own
words (using the `eligibility_fields:` vocabulary in data/vocabulary.yml), and `assess` compares it
with a BenefitRecord's requirements. The verdict is `fits`, `does_not_fit` or `unknown`, with the
deciding condition in plain Chinese, so the bot can say 「需年主营业务收入达到5000万元（您未提供）」
instead of guessing. Nothing the owner did not say is assumed: a missing fact gives `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping

import cn2an

from .approximate import Approximation, find_approximations
from .money import find_money
from .records import BenefitRecord
from .requirements import (
    MONEY_UNITS,
    OP_WORDS,
    EligibilityField,
    EligibilityVocabulary,
    Requirement,
    load_eligibility_vocabulary,
)
from .untyped import unchecked_thresholds

FITS, DOES_NOT_FIT, UNKNOWN = "fits", "does_not_fit", "unknown"

# Which EnterpriseProfile attribute holds each eligibility field of vocabulary.yml.
PROFILE_ATTRIBUTES = {
    "revenue": "revenue_yuan",
    "investment": "investment_yuan",
    "headcount": "headcount",
    "first_time": "first_time",
    "recognition": "recognitions",
    "level": "levels",
    "enterprise_type": "enterprise_types",
    "board": "boards",
    "plan": "plans",
    "industry": "industries",
}
# The money fields kept as attributes of their own (the others are `measures`).
MONEY_ATTRIBUTES = {field: attribute for field, attribute in PROFILE_ATTRIBUTES.items() if attribute.endswith("_yuan")}


@dataclass(frozen=True)
class EnterpriseProfile:
    """What an owner has said about the enterprise; None / empty means not said."""

    city: str | None = None
    recognitions: frozenset[str] = frozenset()  # 专精特新, 小巨人, 高新技术企业, 规上 …
    levels: frozenset[str] = frozenset()  # 国家级, 省级, 市级
    enterprise_types: frozenset[str] = frozenset()  # 小微企业, 个体工商户, 工业企业 …
    plans: frozenset[str] = frozenset()  # 上市, 技改, 招聘高校毕业生 …
    boards: frozenset[str] = frozenset()  # 主板, 科创板, 新三板, 区域股权市场 …
    industries: frozenset[str] = frozenset()
    revenue_yuan: Decimal | None = None
    headcount: int | None = None
    investment_yuan: Decimal | None = None
    first_time: bool | None = None  # 首次认定 (True), 以前就认定过 (False)
    # Other measures the owner gave, by eligibility field (季度销售额, 劳动合同期限, 大中华区排名 …): (field, value)
    measures: frozenset[tuple[str, Decimal]] = frozenset()
    # Sums given as approximations (「月销售额八九万」, policy_db/approximate.py): (field, low, high, as said)
    ranges: frozenset[tuple[str, Decimal, Decimal, str]] = frozenset()

    def measure(self, name: str) -> Decimal | None:
        return dict(self.measures).get(name)

    def range_of(self, name: str) -> tuple[Decimal, Decimal, str] | None:
        """An approximate sum the owner gave for `name` (low, high, as said); an exact one is `measure`/attributes."""
        return next(((low, high, said) for field, low, high, said in self.ranges if field == name), None)

    def merged(self, newer: EnterpriseProfile) -> EnterpriseProfile:
        """This profile updated with what `newer` says: sets are joined, single values replaced."""
        changes: dict[str, Any] = {}
        for f in fields(self):
            old, new = getattr(self, f.name), getattr(newer, f.name)
            if f.name == "measures":
                changes[f.name] = frozenset({**dict(old), **dict(new)}.items())
            elif f.name == "ranges":
                by_field = {r[0]: r for r in old} | {r[0]: r for r in new}
                changes[f.name] = frozenset(by_field.values())
            elif isinstance(old, frozenset):
                changes[f.name] = old | new
            elif new is not None:
                changes[f.name] = new
        return _newest_figure_wins(replace(self, **changes), newer)


def _newest_figure_wins(merged: EnterpriseProfile, newer: EnterpriseProfile) -> EnterpriseProfile:
    """A measure said again replaces what was said before, exact or approximate: 「一个月12万」 then 「要是
    二十多万呢」 judges with 二十多万."""
    approximate = {field for field, *_ in newer.ranges}
    exact = {field for field, _ in newer.measures} | {
        field for field, attribute in MONEY_ATTRIBUTES.items() if getattr(newer, attribute) is not None
    }
    changes: dict[str, Any] = {
        "measures": frozenset((k, v) for k, v in merged.measures if k not in approximate or k in exact),
        "ranges": frozenset(r for r in merged.ranges if r[0] not in exact),
    }
    for field, attribute in MONEY_ATTRIBUTES.items():
        if field in approximate and field not in exact:
            changes[attribute] = None
    return replace(merged, **changes)


@dataclass(frozen=True)
class ConditionCheck:
    requirement: Requirement
    outcome: str  # fits | does_not_fit | unknown
    text: str  # 需年主营业务收入达到5000万元（您未提供）


@dataclass(frozen=True)
class Assessment:
    verdict: str  # fits | does_not_fit | unknown
    reason: str  # the deciding condition(s), plain Chinese
    missing: tuple[str, ...] = ()  # eligibility fields the owner has not given (ask for these)
    checks: tuple[ConditionCheck, ...] = ()
    unchecked: tuple[str, ...] = ()  # the clause's thresholds that are not typed: to confirm, never assumed met

    @property
    def fits(self) -> bool:
        return self.verdict == FITS

    @property
    def does_not_fit(self) -> bool:
        return self.verdict == DOES_NOT_FIT

    @property
    def unknown(self) -> bool:
        return self.verdict == UNKNOWN


# -- describing a condition ------------------------------------------------------------------


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _join_or(words: Iterable[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else "、".join(words[:-1]) + "或" + words[-1]


def describe(req: Requirement, vocab: EligibilityVocabulary | None = None) -> str:
    """The condition in plain Chinese: 年主营业务收入达到5000万元, 为国家级认定, 为首次认定."""
    spec = (vocab or load_eligibility_vocabulary()).field(req.field)
    label = spec.label if spec else req.field
    if isinstance(req.value, bool):
        return f"为{label}" if req.value else f"不是{label}"
    if isinstance(req.value, Decimal):
        if req.unit in MONEY_UNITS:
            return f"{label}{OP_WORDS[req.op]}{_number(req.value / MONEY_UNITS[req.unit])}{req.unit}"
        return f"{label}{OP_WORDS[req.op]}{_number(req.value)}{req.unit or ''}"
    said = [spec.say(v) for v in req.value] if spec else list(req.value)
    phrase = spec.phrase if spec else "为{value}"
    return phrase.format(value=_join_or(said))


def _said_money(value: Decimal, unit: str | None) -> str:
    if value >= 100_000_000:
        return f"{_number(value / 100_000_000)}亿元"
    if value >= 10_000:
        return f"{_number(value / 10_000)}万元"
    return f"{_number(value)}元"


# -- checking one condition -----------------------------------------------------------------


def _compare(have: Decimal, op: str, want: Decimal) -> bool:
    return {">=": have >= want, ">": have > want, "<=": have <= want, "<": have < want, "==": have == want}[op]


def check(req: Requirement, profile: EnterpriseProfile, vocab: EligibilityVocabulary | None = None) -> ConditionCheck:
    vocab = vocab or load_eligibility_vocabulary()
    spec = vocab.field(req.field)
    condition = describe(req, vocab)
    attribute = PROFILE_ATTRIBUTES.get(req.field)
    have: Any = getattr(profile, attribute, None) if attribute else profile.measure(req.field)
    if isinstance(req.value, bool):
        if have is None:
            return ConditionCheck(req, UNKNOWN, f"需{condition}（您未说明是否首次）")
        if have == req.value:
            return ConditionCheck(req, FITS, condition)
        return ConditionCheck(req, DOES_NOT_FIT, f"需{condition}（您说的不是）")
    if isinstance(req.value, Decimal):
        if have is None:
            span = profile.range_of(req.field)
            if span is not None:
                return _check_range(req, condition, span)
            return ConditionCheck(req, UNKNOWN, f"需{condition}（您未提供）")
        have = Decimal(have)
        said = _said_money(have, req.unit) if req.unit in MONEY_UNITS else f"{_number(have)}{req.unit or ''}"
        if _compare(have, req.op, req.value):
            return ConditionCheck(req, FITS, f"{condition}（您的是{said}）")
        return ConditionCheck(req, DOES_NOT_FIT, f"需{condition}（您的是{said}）")
    said_values = frozenset(have or ())
    held = spec.implied(said_values) if spec else set(said_values)
    if held & set(req.value):
        return ConditionCheck(req, FITS, condition)
    if not said_values:
        return ConditionCheck(req, UNKNOWN, f"需{condition}（您未提供）")
    if spec and set(req.value) <= spec.excluded(held):
        # 「商贸公司」 for a clause about 工业企业: the kinds cannot both hold (vocabulary.yml `excludes`).
        mine = "、".join(spec.say(v) for v in sorted(said_values))
        return ConditionCheck(req, DOES_NOT_FIT, f"需{condition}（您说的是{mine}）")
    if spec and spec.exclusive:
        mine = "、".join(spec.say(v) for v in sorted(said_values))
        return ConditionCheck(req, DOES_NOT_FIT, f"需{condition}（您说的是{mine}）")
    return ConditionCheck(req, UNKNOWN, f"需{condition}（您未提到）")


def _check_range(req: Requirement, condition: str, span: tuple[Decimal, Decimal, str]) -> ConditionCheck:
    """An approximate sum decides a threshold only when all of it falls on one side (八九万 ≤ 15万)."""
    low, high, said = span
    at_low, at_high = _compare(low, req.op, req.value), _compare(high, req.op, req.value)
    if at_low and at_high:
        return ConditionCheck(req, FITS, f"{condition}（您说的是{said}）")
    if not at_low and not at_high:
        return ConditionCheck(req, DOES_NOT_FIT, f"需{condition}（您说的是{said}）")
    return ConditionCheck(req, UNKNOWN, f"需{condition}（您说的{said}在门槛上下，需确切的数）")


# -- assessing a benefit ---------------------------------------------------------------------


def assess(
    benefit: BenefitRecord, profile: EnterpriseProfile, vocab: EligibilityVocabulary | None = None
) -> Assessment:
    """Whether `benefit` fits the enterprise described by `profile`.

    does_not_fit as soon as one condition is contradicted (or the policy is another city's);
    unknown when a condition cannot be checked with what was said (`missing` names the fields to
    ask for), when the benefit has no typed conditions, or when the clause states a threshold that is
    not typed (`unchecked`: policy_db/untyped.py); fits only when every condition holds.
    """
    vocab = vocab or load_eligibility_vocabulary()
    if benefit.is_fact:
        return Assessment(UNKNOWN, "这是政策规定的事实，不是企业申领的项目")
    if profile.city and profile.city != benefit.city:
        return Assessment(DOES_NOT_FIT, f"这是{benefit.city}的政策（您的企业在{profile.city}）")
    checks = _grouped(tuple(check(r, profile, vocab) for r in benefit.requires))
    failed = [c for c in checks if c.outcome == DOES_NOT_FIT]
    if failed:
        return Assessment(DOES_NOT_FIT, "；".join(c.text for c in failed), (), checks)
    open_ = [c for c in checks if c.outcome == UNKNOWN]
    if open_:
        missing = tuple(dict.fromkeys(c.requirement.field for c in open_))
        return Assessment(UNKNOWN, "；".join(c.text for c in open_), missing, checks)
    if not checks:
        return Assessment(UNKNOWN, f"文件没有可逐项核对的门槛，请以条件原文为准：{benefit.eligibility}")
    unchecked = unchecked_thresholds(benefit)
    if unchecked:
        met = "；".join(c.text for c in checks)
        return Assessment(UNKNOWN, f"已满足：{met}；还需核对：{'；'.join(unchecked)}", (), checks, unchecked)
    return Assessment(FITS, "符合：" + "；".join(c.text for c in checks), (), checks)


def _grouped(checks: tuple[ConditionCheck, ...]) -> tuple[ConditionCheck, ...]:
    """Alternatives (requirements of one `group`) as one check: it holds when any of them holds, fails when
    all fail, and is open otherwise (「季度销售额未超过45万元或月销售额未超过15万元」)."""
    out: list[ConditionCheck] = []
    groups: dict[str, list[ConditionCheck]] = {}
    for c in checks:
        if c.requirement.group:
            if c.requirement.group not in groups:
                groups[c.requirement.group] = []
                out.append(c)  # the group's place, replaced below
            groups[c.requirement.group].append(c)
        else:
            out.append(c)
    for i, c in enumerate(out):
        members = groups.get(c.requirement.group or "")
        if not members:
            continue
        fits = [m for m in members if m.outcome == FITS]
        failed = [m for m in members if m.outcome == DOES_NOT_FIT]
        if fits:
            out[i] = fits[0]
        elif failed and len(failed) == len(members):
            out[i] = ConditionCheck(c.requirement, DOES_NOT_FIT, "，".join(m.text for m in failed))
        elif failed:  # the owner's figure fails one alternative: that decides, unless another is met
            out[i] = ConditionCheck(failed[0].requirement, DOES_NOT_FIT, failed[0].text)
        else:
            out[i] = ConditionCheck(c.requirement, UNKNOWN, "或".join(m.text for m in members))
    return tuple(out)


# -- reading a profile from an owner's words -------------------------------------------------

_NEGATIONS = ("不是", "没有", "还没", "没", "未", "不", "非", "无")
_ALREADY = ("已经", "已", "早就")  # 已经上市: a state, not a plan
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")
_HEADCOUNT = re.compile(
    r"(?P<n>\d+|[零一二两三四五六七八九十百千]+)\s*(?:多|余|来)?\s*(?:个|名|号)?\s*(?:员工|职工|工人|人)"
)
_HIRING = ("招", "聘", "缺", "需要", "要")


def places_of(cities: Iterable[Any]) -> dict[str, str]:
    """Place word → city from the catalogue's cities (records.CityRecord); 邹平市 also as 邹平, 郏县 stays whole."""
    out: dict[str, str] = {}
    for city in cities:
        for place in [city.name, *city.places]:
            out.setdefault(place, city.name)
            if len(place) > 2 and place[-1] in "市县区":
                out.setdefault(place[:-1], city.name)
    return out


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return any(before.endswith(n) or (n in before and len(n) > 1) for n in _NEGATIONS)


def _word_hits(text: str, spec: EligibilityField) -> list[tuple[int, int, str]]:
    """(start, end, value) for each value word in text; longer words win overlaps; negated ones dropped."""
    found = []
    for value in spec.values:
        for word in value.words:
            start = text.find(word)
            while word and start >= 0:
                found.append((start, start + len(word), value.name))
                start = text.find(word, start + 1)
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, str]] = []
    for hit in found:
        if not any(hit[0] < e and s < hit[1] for s, e, _ in taken):
            taken.append(hit)
    return [h for h in taken if not _negated(text, h[0])]


def _words_of(text: str, spec: EligibilityField | None, skip_after: tuple[str, ...] = ()) -> frozenset[str]:
    if spec is None:
        return frozenset()
    hits = _word_hits(text, spec)
    if skip_after:
        hits = [
            h
            for h in hits
            if not any(a in text[max(0, h[0] - 3) : h[0]] for a in skip_after) and text[h[1] : h[1] + 1] != "了"
        ]
    return frozenset(v for _, _, v in hits)


def _first_time(text: str, spec: EligibilityField | None) -> bool | None:
    if spec is None:
        return None
    if any(w in text for w in spec.false_words):
        return False
    if any(w in text and not _negated(text, text.find(w)) for w in spec.true_words):
        return True
    return None


def _money_spans(text: str) -> Iterator[tuple[int, int, Decimal]]:
    """Each valid money figure of `text`: where it is, and its value in yuan."""
    cursor = 0
    for written, yuan in find_money(text):
        start = text.find(written, cursor)
        if start < 0:
            continue
        cursor = start + len(written)
        yield start, cursor, yuan


def _by_nearest_field(text: str, sums: Iterable[tuple[int, int, Any]], vocab: EligibilityVocabulary) -> dict[str, Any]:
    """Each sum (start, end, value) given to the money field whose word is nearest in its clause; the first
    sum of a field counts."""
    out: dict[str, Any] = {}
    for start, end, value in sums:
        field = _money_field_near(text, start, end, vocab)
        if field is not None:
            out.setdefault(field, value)
    return out


def _money_fields(text: str, vocab: EligibilityVocabulary) -> dict[str, Decimal]:
    """Each money figure given to the money field whose word is nearest in the same clause."""
    return _by_nearest_field(text, _money_spans(text), vocab)


def _restated_field(earlier: EnterpriseProfile, vocab: EligibilityVocabulary) -> str | None:
    """The money field the owner gave a sum for before, when there is exactly one."""
    money_fields = {f.name for f in vocab.fields if f.type == "money"}
    stated = {name for name, _ in earlier.measures if name in money_fields}
    stated |= {name for name, *_ in earlier.ranges if name in money_fields}
    stated |= {name for name, attribute in MONEY_ATTRIBUTES.items() if getattr(earlier, attribute) is not None}
    return next(iter(stated)) if len(stated) == 1 else None


def _bare_sum(text: str, vocab: EligibilityVocabulary) -> Decimal | Approximation | None:
    """The first sum in `text` with no money field's word in its clause: exact (yuan) or approximate."""
    for start, end, yuan in _money_spans(text):
        if _money_field_near(text, start, end, vocab) is None:
            return yuan
    return next((a for a in find_approximations(text) if _money_field_near(text, a.start, a.end, vocab) is None), None)


def _approximate_fields(text: str, vocab: EligibilityVocabulary) -> dict[str, tuple[Decimal, Decimal, str]]:
    """Approximate sums (「月销售额八九万」), each given to the money field whose word is nearest."""
    sums = ((a.start, a.end, (a.low, a.high, a.said)) for a in find_approximations(text))
    return _by_nearest_field(text, sums, vocab)


def _money_field_near(text: str, start: int, end: int, vocab: EligibilityVocabulary) -> str | None:
    """The money field whose word is nearest to text[start:end] in its clause (季度销售额 over 销售额 at the
    same distance), or None."""
    left = max([m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)] or [0])
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    best: tuple[int, int, str] | None = None
    for spec in vocab.fields:
        if spec.type != "money":
            continue
        for word in spec.words:
            for m in re.finditer(re.escape(word), text[left:right]):
                w_start, w_end = left + m.start(), left + m.end()
                if w_end <= start:
                    distance = start - w_end
                elif w_start >= end:
                    distance = w_start - end
                else:
                    continue
                if best is None or (distance, -len(word)) < best[:2]:
                    best = (distance, -len(word), spec.name)
    return best[2] if best else None


def _headcount(text: str) -> int | None:
    for m in _HEADCOUNT.finditer(text):
        if text[m.end() : m.end() + 1] in ("次", "民"):  # 人次, 人民币
            continue
        before = text[max(0, m.start() - 3) : m.start()]
        if any(h in before for h in _HIRING):
            continue
        number = m.group("n")
        try:
            return int(number) if number.isdigit() else int(cn2an.cn2an(number.replace("两", "二"), "smart"))
        except (ValueError, KeyError, IndexError):
            continue
    return None


def profile_from_text(
    text: str,
    catalog_words: Mapping[str, str] | None = None,
    vocab: EligibilityVocabulary | None = None,
    earlier: EnterpriseProfile | None = None,
) -> EnterpriseProfile:
    """Read what an owner says about the enterprise from free text.

    `catalog_words` maps place words to cities (`places_of(catalog.cities)`), so 「邹平」 gives 滨州.
    `earlier`: what the owner said before; a sum with no word of its own (「那16万呢」「八九万呢」) restates the
    one money measure given there.
    「我们是邹平一家专精特新企业，准备上市，还要买2000万的设备」 → city 滨州, recognitions {专精特新},
    plans {上市, 技改}, investment 2000万元.
    """
    vocab = vocab or load_eligibility_vocabulary()
    text = (text or "").replace("“", '"').replace("”", '"')
    city = None
    if catalog_words:
        hits = [(text.find(p), -len(p), c) for p, c in catalog_words.items() if p and p in text]
        city = min(hits)[2] if hits else None
    money = _money_fields(text, vocab)
    measures = {name: value for name, value in money.items() if name not in PROFILE_ATTRIBUTES}
    measures.update(_number_fields(text, vocab))
    local_places = tuple(p for p, c in (catalog_words or {}).items() if p and c == city)
    for name, share in _share_fields(text, vocab, local_places).items():
        measures.setdefault(name, share)
    approximate = _approximate_fields(text, vocab)
    restated = _restated_field(earlier, vocab) if earlier is not None else None
    if restated is not None and restated not in money and restated not in approximate:
        bare = _bare_sum(text, vocab)
        if isinstance(bare, Decimal):
            money[restated] = bare
            if restated not in PROFILE_ATTRIBUTES:
                measures[restated] = bare
        elif bare is not None:
            approximate[restated] = (bare.low, bare.high, bare.said)
    ranges = frozenset((name, low, high, said) for name, (low, high, said) in approximate.items() if name not in money)
    return EnterpriseProfile(
        city=city,
        recognitions=_words_of(text, vocab.field("recognition")),
        levels=_words_of(text, vocab.field("level")),
        enterprise_types=_words_of(text, vocab.field("enterprise_type")),
        plans=_words_of(text, vocab.field("plan"), skip_after=_ALREADY),
        boards=_words_of(text, vocab.field("board")),
        industries=_words_of(text, vocab.field("industry")),
        revenue_yuan=money.get("revenue"),
        investment_yuan=money.get("investment"),
        headcount=_headcount(text),
        first_time=_first_time(text, vocab.field("first_time")),
        measures=frozenset(measures.items()),
        ranges=ranges,
    )


def _share_fields(text: str, vocab: EligibilityVocabulary, local_places: tuple[str, ...]) -> dict[str, Decimal]:
    """Shares given as two amounts (`share_of` in vocabulary.yml): 「融了3000万，其中2000万投在平顶山，1000万投到
    外地」 → 66.7 (%). The part is an amount whose clause has a part word and a place of the owner's city (or a
    local word); the whole, an amount whose clause has a whole word and no part word. Nothing is guessed: a
    message without both gives nothing."""
    out: dict[str, Decimal] = {}
    specs = [f for f in vocab.fields if f.share_of is not None]
    if not specs:
        return out
    amounts_by_clause = [(clause, [yuan for _, yuan in find_money(clause)]) for clause in _CLAUSE_BREAK.split(text)]
    for spec in specs:
        share_of = spec.share_of
        assert share_of is not None
        local = local_places + share_of.local
        part = whole = None
        for clause, amounts in amounts_by_clause:
            if len(amounts) != 1:
                continue
            has_part = any(w in clause for w in share_of.part)
            if has_part and any(p in clause for p in local) and part is None:
                part = amounts[0]
            elif not has_part and any(w in clause for w in share_of.whole) and whole is None:
                whole = amounts[0]
        if part is not None and whole and part <= whole:
            out[spec.name] = (part * 100 / whole).quantize(Decimal("0.1"))
    return out


def _number_value(written: str) -> Decimal | None:
    if written == "半":
        return Decimal("0.5")
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", written):
            return Decimal(written)
        return Decimal(str(cn2an.cn2an(written.replace("两", "二"), "smart")))
    except (ValueError, KeyError, IndexError, ArithmeticError):
        return None


def _number_fields(text: str, vocab: EligibilityVocabulary) -> dict[str, Decimal]:
    """Number fields written in a field's forms near one of its words, in the same clause: 「大中华区排名第30」 →
    china_rank 30, 「签了3年劳动合同」「合同只签了半年」 → contract_years 3, 0.5."""
    out: dict[str, Decimal] = {}
    for spec in vocab.fields:
        if spec.type != "number" or not spec.forms or not spec.words:
            continue
        for clause in _CLAUSE_BREAK.split(text):
            if not any(word in clause for word in spec.words):
                continue
            for form in spec.forms:
                pattern = re.escape(form).replace(
                    re.escape("{n}"), r"(?P<n>\d+(?:\.\d+)?|[零一二两三四五六七八九十百千半]+)"
                )
                match = re.search(pattern, clause)
                value = _number_value(match.group("n")) if match else None
                if value is not None:
                    out.setdefault(spec.name, value)
                    break
    return out
