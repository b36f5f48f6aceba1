"""The `formula:` of a benefit: how its amount follows from the enterprise's own figures.

A formula is a sum of terms, optionally capped. A term is a money figure — the owner's (`base`,
e.g. 月租) or the clause's (`amount`, e.g. 5000元) — multiplied by counts (`per`: the owner's
人数(中级工), 年数, 车辆数, a rate such as LPR, or the clause's 3个月) and by a `ratio` of the
clause (10%, 2‰, or the words 减半 / 全额):

    formula:
      terms:
        - {base: 月租, per: [3个月]}
        - {base: 月租, per: [6个月], ratio: 减半}
      cap: 100万元          # optional, a figure of the clause
      upto: true            # optional: the clause's amounts are maxima (最高 / 不超过)
      note: 按一年的利息计算  # optional, shown with the working

Every amount, ratio, cap and fixed count must be a `figures` text of the record (so it is in the
verbatim clause); ratio words must be in the clause; every base must be a figure base of
vocabulary.yml. This module reads and checks the YAML and converts to and from the JSON stored in
the database; policy_db/calculator.py computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from .figure_bases import FigureVocabulary
from .money import FigureError, chinese_number, parse_amount, parse_ratio

# Ratios a clause writes in words.
RATIO_WORDS = {"减半": Decimal("0.5"), "全额": Decimal(1)}
_FIXED_COUNT = re.compile(r"^(?P<number>\d+(?:\.\d+)?|[一二两三四五六七八九十]+)(?P<unit>个月|年|天|个工作日)$")
_BASE_ITEM = re.compile(r"^(?P<base>[^()（）]+?)\s*(?:[(（](?P<qualifier>[^()（）]+)[)）])?$")
_TERM_KEYS = {"base", "amount", "ratio", "per", "label"}
_FORMULA_KEYS = {"terms", "cap", "upto", "note", "gives", "unit"}
# What the computed amount is for the owner (the card says 「可得：…」 by default): money received, or a sum
# deferred or relieved (缓缴: 「可缓缴：…」), or a stake the city may take (参股: 「最高可参股：3000万股」).
GIVES = ("可得", "可缓缴", "可减免", "可参股")


@dataclass(frozen=True)
class FormulaFactor:
    """A multiplier: the owner's figure (basis, qualifier) or a fixed count of the clause (value)."""

    text: str  # as written in the formula: 人数(中级工), 3个月, LPR
    basis: str | None = None  # a figure base (count or rate) the owner gives
    qualifier: str | None = None
    value: Decimal | None = None  # fixed counts: 3 (个月)
    unit: str = ""  # of a fixed count (个月); an owner's figure takes the unit of its base in vocabulary.yml

    @property
    def asked_as(self) -> str:
        return f"{self.qualifier}{self.basis}" if self.qualifier else (self.basis or self.text)


@dataclass(frozen=True)
class FormulaTerm:
    base: str | None = None  # the owner's money figure (月租, 贷款额 …)
    amount_yuan: Decimal | None = None  # or the clause's amount per unit
    amount_text: str | None = None
    ratio: Decimal | None = None
    ratio_text: str | None = None  # 10%, 2‰, 减半
    per: tuple[FormulaFactor, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class Formula:
    terms: tuple[FormulaTerm, ...]
    cap_yuan: Decimal | None = None
    cap_text: str | None = None
    upto: bool = False
    note: str | None = None
    gives: str = "可得"  # what the amount is for the owner: 可得 / 可缓缴 / 可减免 (GIVES)
    unit: str | None = None  # the result is a number of this unit (股) computed from the owner's count, not money

    def money_bases(self) -> list[str]:
        return list(dict.fromkeys(t.base for t in self.terms if t.base))

    def to_json(self) -> dict[str, Any]:
        return {
            "terms": [_term_json(t) for t in self.terms],
            "cap": self.cap_text,
            "upto": self.upto,
            "note": self.note,
            "gives": self.gives,
            "unit": self.unit,
        }

    def to_dict(self) -> dict[str, Any]:
        return self.to_json()


def _term_json(t: FormulaTerm) -> dict[str, Any]:
    return {
        "base": t.base,
        "amount": t.amount_text,
        "ratio": t.ratio_text,
        "label": t.label,
        "per": [f.text for f in t.per],
    }


def formula_from_json(data: dict[str, Any] | None) -> Formula | None:
    """The stored JSON (already validated when it was built) back to a Formula."""
    if not data:
        return None
    terms = []
    for t in data.get("terms") or []:
        terms.append(
            FormulaTerm(
                base=t.get("base"),
                amount_yuan=parse_amount(t["amount"]) if t.get("amount") else None,
                amount_text=t.get("amount"),
                ratio=_ratio(t["ratio"]) if t.get("ratio") else None,
                ratio_text=t.get("ratio"),
                per=tuple(_factor(p) for p in t.get("per") or ()),
                label=t.get("label"),
            )
        )
    cap = data.get("cap")
    return Formula(
        tuple(terms),
        parse_amount(cap) if cap else None,
        cap,
        bool(data.get("upto")),
        data.get("note"),
        str(data.get("gives") or GIVES[0]),
        data.get("unit") or None,
    )


def _ratio(text: str) -> Decimal:
    text = str(text).strip()
    return RATIO_WORDS[text] if text in RATIO_WORDS else parse_ratio(text)


def _factor(text: str) -> FormulaFactor:
    text = str(text).strip()
    fixed = _FIXED_COUNT.match(text)
    if fixed:
        return FormulaFactor(text, value=chinese_number(fixed.group("number")), unit=fixed.group("unit"))
    item = _BASE_ITEM.match(text)
    if not item:
        raise FigureError(f"无法理解的 per 项 {text!r}(应写作 3个月 / 年数 / 人数(中级工))")
    return FormulaFactor(
        text, basis=item.group("base").strip(), qualifier=(item.group("qualifier") or "").strip() or None
    )


def read_formula(
    raw: Any,
    where: str,
    add_problem: Callable[[str, str], None],
    clause_text: str,
    figure_texts: set[str],
    vocabulary: FigureVocabulary,
) -> Formula | None:
    """Check a benefit's `formula:` and return it, or None after reporting every problem found.

    figure_texts: the record's figures' `text`, whitespace removed (％ as %)."""
    ok = True

    def problem(place: str, message: str) -> None:
        nonlocal ok
        ok = False
        add_problem(place, message)

    def clause_figure(value: str, place: str, name: str) -> None:
        written = re.sub(r"\s+", "", value).replace("％", "%")
        if written not in figure_texts:
            problem(place, f"{name} {value!r} 不是本条 figures 中的数字(formula 只能用条款里写明的数)")

    compact_clause = re.sub(r"\s+", "", clause_text or "")
    if not isinstance(raw, dict):
        problem(where, "formula 必须是一个映射(terms/cap/upto/note)")
        return None
    for key in set(raw) - _FORMULA_KEYS:
        problem(where, f"未知的字段 {key!r},可选: {', '.join(sorted(_FORMULA_KEYS))}")
    raw_terms = raw.get("terms")
    unit = str(raw["unit"]) if raw.get("unit") else None
    if unit is not None and raw.get("cap") is not None:
        problem(where, f"unit 为 {unit} 时不能有 cap")
    if not isinstance(raw_terms, list) or not raw_terms:
        problem(where, "缺少 terms(至少一项)")
        raw_terms = []
    terms = []
    for j, rec in enumerate(raw_terms):
        twhere = f"{where} terms[{j}]"
        if not isinstance(rec, dict):
            problem(twhere, "每一项必须是映射(base/amount/ratio/per)")
            continue
        for key in set(rec) - _TERM_KEYS:
            problem(twhere, f"未知的字段 {key!r},可选: {', '.join(sorted(_TERM_KEYS))}")
        base, amount_text = rec.get("base"), rec.get("amount")
        if (base is None) == (amount_text is None):
            problem(twhere, "需要 base(企业的金额)或 amount(条款的金额)之一")
        amount = None
        if base is not None:
            found = vocabulary.get(str(base))
            if found is None:
                problem(twhere, f"未知的 base {base!r}(vocabulary.yml figure_bases 中没有)")
            elif unit is not None and (found.kind != "count" or found.unit != unit):
                problem(twhere, f"unit 为 {unit} 时 base 必须是以{unit}计的数量: {base!r}")
            elif unit is None and found.kind != "money":
                problem(twhere, f"base {base!r} 不是金额,计数请写在 per 中")
        if unit is not None and amount_text is not None:
            problem(twhere, f"unit 为 {unit} 时不能有 amount(条款的金额)")
        if amount_text is not None:
            amount_text = str(amount_text)
            try:
                amount = parse_amount(amount_text)
            except FigureError as exc:
                problem(twhere, str(exc))
            clause_figure(amount_text, twhere, "amount")
        ratio, ratio_text = None, rec.get("ratio")
        if ratio_text is not None:
            ratio_text = str(ratio_text).strip()
            if ratio_text in RATIO_WORDS:
                if ratio_text not in compact_clause:
                    problem(twhere, f"ratio {ratio_text!r} 不在 clause_text 中")
                ratio = RATIO_WORDS[ratio_text]
            else:
                try:
                    ratio = parse_ratio(ratio_text)
                except FigureError as exc:
                    problem(twhere, f"{exc};或写 {' / '.join(RATIO_WORDS)}")
                else:
                    clause_figure(ratio_text, twhere, "ratio")
                    if ratio <= 0 or ratio > 1:
                        problem(twhere, f"ratio {ratio_text!r} 必须在 0 与 100% 之间")
        per = []
        raw_per = rec.get("per") or []
        if not isinstance(raw_per, list):
            problem(twhere, "per 必须是列表")
            raw_per = []
        for item in raw_per:
            try:
                factor = _factor(item)
            except FigureError as exc:
                problem(twhere, str(exc))
                continue
            if factor.value is not None:
                clause_figure(factor.text, twhere, "per")
            else:
                found = vocabulary.get(factor.basis or "")
                if found is None:
                    problem(twhere, f"未知的 per 基数 {factor.basis!r}(vocabulary.yml figure_bases 中没有)")
                elif found.kind == "money":
                    problem(twhere, f"per {factor.basis!r} 是金额,应写作 base")
                elif factor.qualifier and factor.qualifier not in found.qualifiers:
                    problem(
                        twhere, f"{factor.basis} 没有限定词 {factor.qualifier!r}(可选: {', '.join(found.qualifiers)})"
                    )
                elif factor.qualifier and factor.qualifier not in compact_clause:
                    problem(twhere, f"限定词 {factor.qualifier!r} 不在 clause_text 中")
            per.append(factor)
        if base is not None and ratio is None and not per:
            problem(twhere, "base 需要乘以 ratio 或 per,否则不是计算")
        terms.append(
            FormulaTerm(
                str(base) if base is not None else None,
                amount,
                amount_text,
                ratio,
                ratio_text,
                tuple(per),
                str(rec["label"]) if rec.get("label") else None,
            )
        )
    cap, cap_text = None, raw.get("cap")
    if cap_text is not None:
        cap_text = str(cap_text)
        try:
            cap = parse_amount(cap_text)
        except FigureError as exc:
            problem(where, f"cap: {exc}")
        clause_figure(cap_text, where, "cap")
    upto = raw.get("upto", False)
    if not isinstance(upto, bool):
        problem(where, f"upto 必须是 true 或 false: {upto!r}")
    gives = str(raw.get("gives") or GIVES[0])
    if gives not in GIVES:
        problem(where, f"gives 必须是 {' / '.join(GIVES)}: {gives!r}")
    if not ok:
        return None
    note = str(raw["note"]) if raw.get("note") else None
    return Formula(tuple(terms), cap, cap_text, bool(upto), note, gives, unit)
