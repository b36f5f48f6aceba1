"""Compute a benefit's amount from the enterprise's own figures, with the working shown.

A benefit's `formula` (formulas.py) or its `tiers` (tiers.py, delegated to) says how; the owner's
figures come from user_figures.read_figures. A figure is used only when its basis is the one the
rule needs; a figure with no basis word may stand in only when the rule needs exactly one money
figure (「15个亿」 for a listing reward), and a figure named for something else never does
(「贷款500万」 is not a bank's 普惠小微贷款余额增量). Refused figures (negative, zero, absurd) are
never computed. Decimal throughout; the result is rounded to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .figure_bases import FigureVocabulary, load_vocabulary
from .formulas import Formula, FormulaFactor, FormulaTerm
from .money import FEN, UNIT_FACTORS, format_quantity, format_yuan
from .records import BenefitRecord, TierRecord
from .tiers import compute as compute_tier
from .tiers import describe_step
from .user_figures import RefusedFigure, UserFigure, UserFigures

_FULL_WIDTH = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；"})


@dataclass(frozen=True)
class Calculation:
    amount_yuan: Decimal
    working: str  # 技术合同成交额600万元 × 10% = 60万元
    capped: bool = False
    cap_text: str | None = None  # 100万元
    upto: bool = False  # the clause's figures are maxima: say 「最高可得」
    tier_text: str | None = None  # the tier the figure falls in: 10亿元（含）至20亿元
    note: str | None = None
    used: tuple[UserFigure, ...] = ()
    total: Total | None = None
    gives: str = "可得"  # what the amount is for the owner (formulas.GIVES)
    unit: str | None = None  # not money: a number of this unit (股), never added to or compared with money

    @property
    def is_money(self) -> bool:
        return self.unit is None

    @property
    def amount_text(self) -> str:
        return _in_unit(self.amount_yuan, self.unit)


@dataclass(frozen=True)
class MissingFigures:
    """What the owner still has to say (plain words), and figures refused with their reasons."""

    needed: tuple[str, ...]
    refused: tuple[RefusedFigure, ...] = ()

    @property
    def message(self) -> str:
        parts = [f"您给的「{r.text}」{r.reason}，无法据此计算" for r in self.refused]
        if self.needed:
            parts.append(f"请告诉我{'、'.join(self.needed)}")
        return "；".join(parts) + "。"


def calculate(
    benefit: BenefitRecord, figures: UserFigures, vocabulary: FigureVocabulary | None = None
) -> Calculation | MissingFigures | None:
    """The amount for this enterprise, what is still needed, or None when the benefit has no rule."""
    vocab = vocabulary or load_vocabulary()
    formula = getattr(benefit, "formula", None)
    if formula is not None:
        return _calculate_formula(formula, figures, vocab)
    if benefit.tier is not None:
        return _calculate_tier(benefit.tier, figures, vocab)
    return None


def bases_needed(benefit: BenefitRecord, vocabulary: FigureVocabulary | None = None) -> list[str]:
    """The figures the owner must give, in plain words: ['月租'], ['中级工人数', '高级工人数', '年数']."""
    vocab = vocabulary or load_vocabulary()
    formula = getattr(benefit, "formula", None)
    if formula is not None:
        names: list[str] = []
        for term in formula.terms:
            if term.base:
                names.append(_asked(term.base, vocab))
            names += [_asked_factor(f, vocab) for f in term.per if f.basis]
        return list(dict.fromkeys(names))
    if benefit.tier is not None:
        return [benefit.tier.basis]
    return []


# -- formulas ---------------------------------------------------------------------------------


def _calculate_formula(formula: Formula, figures: UserFigures, vocab: FigureVocabulary) -> Calculation | MissingFigures:
    money_bases = formula.money_bases()
    missing: list[str] = []
    refused: list[RefusedFigure] = []
    used: list[UserFigure] = []
    parts: list[tuple[Decimal, str]] = []
    for term in _terms_to_compute(formula, figures):
        value, shown = None, ""
        if term.base:
            # money, or the owner's count in the formula's own unit (总股本 in 股)
            figure, bad = (
                _money_figure(term.base, figures, len(money_bases) == 1)
                if formula.unit is None
                else _factor_figure(FormulaFactor(term.base, basis=term.base), figures)
            )
            if figure is None:
                refused += bad
                missing.append(_asked(term.base, vocab))
            else:
                value, shown = figure.value, f"{term.base}{_in_unit(figure.value, formula.unit)}"
                used.append(figure)
        elif term.amount_yuan is not None:
            value, shown = term.amount_yuan, format_yuan(term.amount_yuan)
        for factor in term.per:
            if factor.value is not None:
                value = None if value is None else value * factor.value
                shown += f" × {factor.text}"
                continue
            figure, bad = _factor_figure(factor, figures)
            if figure is None:
                refused += bad
                missing.append(_asked_factor(factor, vocab))
                value = None
                continue
            used.append(figure)
            value = None if value is None else value * figure.value
            shown += f" × {_factor_shown(factor, figure, vocab)}"
        if term.ratio is not None:
            value = None if value is None else value * term.ratio
            shown += f" × {_ratio_shown(term)}"
        if value is not None:
            parts.append((value, shown))
    if missing or refused:
        return MissingFigures(tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(refused)))
    if formula.unit is not None:  # whole units: a stake is a number of shares
        raw = sum((v for v, _ in parts), Decimal(0)).to_integral_value(rounding=ROUND_DOWN)
        working = " + ".join(s for _, s in parts) + f" = {_in_unit(raw, formula.unit)}"
        return Calculation(
            raw,
            working,
            upto=formula.upto,
            note=formula.note,
            used=tuple(dict.fromkeys(used)),
            gives=formula.gives,
            unit=formula.unit,
        )
    raw = _fen(sum((v for v, _ in parts), Decimal(0)))
    working = " + ".join(s for _, s in parts) + f" = {format_yuan(raw)}"
    amount, capped = raw, False
    if formula.cap_yuan is not None and raw > formula.cap_yuan:
        amount, capped = formula.cap_yuan, True
        working += f"，超过上限，按最高{format_yuan(formula.cap_yuan)}"
    cap_text = format_yuan(formula.cap_yuan) if formula.cap_text and formula.cap_yuan is not None else None
    return Calculation(
        amount,
        working,
        capped,
        cap_text,
        formula.upto,
        None,
        formula.note,
        tuple(dict.fromkeys(used)),
        gives=formula.gives,
    )


def _in_unit(value: Decimal, unit: str | None) -> str:
    return format_yuan(value) if unit is None else format_quantity(value, unit)


def _terms_to_compute(formula: Formula, figures: UserFigures) -> list[FormulaTerm]:
    """Terms for kinds of people the owner did not mention are left out when the owner gave the
    count of another kind (4个高级工: the 中级工 term is 0, not a question)."""

    def qualified(term: FormulaTerm) -> list[FormulaFactor]:
        return [f for f in term.per if f.basis and f.qualifier]

    given = {
        (f.basis, f.qualifier)
        for term in formula.terms
        for f in qualified(term)
        if figures.of(f.basis or "", f.qualifier)
    }
    kept = []
    for term in formula.terms:
        q = qualified(term)
        if (
            q
            and not any((f.basis, f.qualifier) in given for f in q)
            and any(basis == f.basis for f in q for basis, _ in given)
        ):
            continue
        kept.append(term)
    return kept


def _money_figure(
    basis: str,
    figures: UserFigures,
    sole_money_basis: bool,
) -> tuple[UserFigure | None, list[RefusedFigure]]:
    named = figures.of(basis)
    if named:
        return named[0], []
    refused = [
        r for r in figures.refused if r.kind == "money" and (r.basis == basis or (r.basis is None and sole_money_basis))
    ]
    if refused:
        return None, refused
    unlabelled = figures.unlabelled("money")
    if sole_money_basis and unlabelled:
        return unlabelled[0], []
    return None, []


def _factor_figure(factor: FormulaFactor, figures: UserFigures) -> tuple[UserFigure | None, list[RefusedFigure]]:
    found = figures.of(factor.basis or "", factor.qualifier)
    if not found and factor.qualifier is None:
        found = figures.of(factor.basis or "")
    if found:
        return found[0], []
    return None, [r for r in figures.refused if r.basis == factor.basis and r.kind != "money"]


def _factor_shown(factor: FormulaFactor, figure: UserFigure, vocab: FigureVocabulary) -> str:
    base = vocab.get(factor.basis or "")
    if base is not None and base.kind == "rate":
        return f"{factor.basis} {_percent(figure.value)}"
    unit = factor.unit or (base.unit if base else "")
    return f"{factor.qualifier or ''}{_plain(figure.value)}{unit}"


def _ratio_shown(term: FormulaTerm) -> str:
    if term.ratio_text and term.ratio_text.endswith(("%", "‰", "％")):
        return term.ratio_text.replace("％", "%")
    return _percent(term.ratio) if term.ratio is not None else ""


def _asked(basis: str, vocab: FigureVocabulary) -> str:
    base = vocab.get(basis)
    return base.asked_as if base else basis


def _asked_factor(factor: FormulaFactor, vocab: FigureVocabulary) -> str:
    if factor.qualifier:
        return f"{factor.qualifier}{factor.basis}"
    return _asked(factor.basis or factor.text, vocab)


# -- tiers ------------------------------------------------------------------------------------


def _calculate_tier(tier: TierRecord, figures: UserFigures, vocab: FigureVocabulary) -> Calculation | MissingFigures:
    base = vocab.base_for(tier.basis)
    figure, refused = _money_figure(base.name if base else tier.basis, figures, True)
    if figure is None:
        return MissingFigures((tier.basis,), tuple(refused))
    result = compute_tier(tier, figure.value)
    step = _step_of(tier, figure.value)
    if result is None:
        return Calculation(
            Decimal(0),
            f"{tier.basis}{format_yuan(figure.value)}，不在条款所列的任何一档内，没有对应金额",
            used=(figure,),
        )
    capped, cap_text = False, None
    if tier.mode == "proportional":
        first = tier.steps[0]
        if first.cap_yuan is not None:
            cap_text = format_yuan(first.cap_yuan)
            capped = first.ratio is not None and figure.value * first.ratio > first.cap_yuan
    return Calculation(
        _fen(result.amount_yuan),
        result.explanation.translate(_FULL_WIDTH),
        capped,
        cap_text,
        False,
        step and describe_step(step, tier.unit).translate(_FULL_WIDTH),
        None,
        (figure,),
    )


def _step_of(tier: TierRecord, figure_yuan: Decimal):
    if tier.mode != "bracket":
        return None
    x = figure_yuan / UNIT_FACTORS[tier.unit]
    for step in tier.steps:
        if (step.min_value is None or x >= step.min_value) and (step.max_value is None or x < step.max_value):
            return step
    return None


# -- numbers ----------------------------------------------------------------------------------


def _fen(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(ratio: Decimal) -> str:
    return f"{_plain(Decimal(ratio) * 100)}%"


@dataclass(frozen=True)
class Total:
    """A computed amount plus the fixed amounts of the benefits it is paid on top of (in_addition_to)."""

    amount_yuan: Decimal
    parts: tuple[tuple[str, str], ...]  # (benefit name, amount text), the computed one first

    @property
    def amount_text(self) -> str:
        return format_yuan(self.amount_yuan)

    @property
    def working(self) -> str:
        return " + ".join(f"{name}{amount}" for name, amount in self.parts)


def total_with(
    main: BenefitRecord, calculation: Calculation, others: list[BenefitRecord], given: UserFigures
) -> Total | None:
    """The whole sum when `main` is paid on top of `others`: each other one computed from the owner's
    figures, or its single fixed amount. None when any of them has no single amount to add."""
    total, parts = calculation.amount_yuan, [(main.name, calculation.amount_text)]
    for other in others:
        computed = calculate(other, given)
        if isinstance(computed, Calculation):
            amount = computed.amount_yuan
        else:
            fixed = [
                f.value * UNIT_FACTORS[f.unit]
                for f in other.figures
                if f.kind == "amount" and f.value is not None and f.unit in UNIT_FACTORS
            ]
            if len(fixed) != 1:
                return None
            amount = fixed[0]
        total += amount
        parts.append((other.name, format_yuan(amount)))
    return Total(total, tuple(parts)) if len(parts) > 1 else None


@dataclass(frozen=True)
class StillToPay:
    """What the owner still pays over the relief period: the full cost less the relief (Decimal, to the fen)."""

    amount_yuan: Decimal
    working: str  # 月租4600元 × 9个月 − 2.76万元 = 1.38万元

    @property
    def amount_text(self) -> str:
        return format_yuan(self.amount_yuan)


PERIOD_UNITS = ("个月",)


def still_to_pay(benefit: BenefitRecord, figures: UserFigures) -> StillToPay | None:
    """For relief given as months of one monthly cost (免3个月、减半6个月), the cost over all those months
    less the relief: what the owner still pays. None when the clause is not of that shape or the owner's
    monthly figure is missing."""
    formula = benefit.formula
    if formula is None or not formula.terms:
        return None
    bases = {term.base for term in formula.terms}
    periods = [f for term in formula.terms for f in term.per if f.value is not None and f.unit in PERIOD_UNITS]
    if len(bases) != 1 or None in bases or len(periods) != len(formula.terms):
        return None
    relief = calculate(benefit, figures)
    base = next(iter(bases)) or ""
    monthly = _money_figure_of(base, figures)
    if not isinstance(relief, Calculation) or monthly is None:
        return None
    months = sum((f.value for f in periods if f.value is not None), Decimal(0))
    full = monthly * months
    rest = _fen(full - relief.amount_yuan)
    working = f"{base}{format_yuan(monthly)} × {_plain(months)}个月 − {relief.amount_text} = {format_yuan(rest)}"
    return StillToPay(rest, working.translate(_FULL_WIDTH))


def _money_figure_of(base: str, figures: UserFigures) -> Decimal | None:
    named = figures.of(base)
    if named:
        return named[0].value
    unnamed = figures.unlabelled("money")
    return unnamed[0].value if len(unnamed) == 1 else None
