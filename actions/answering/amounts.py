"""What one enterprise can receive from a record, as one amount: computed from the owner's figures when the
record's formula or tiers allow it, else the clause's own largest sum (a staged or cumulative reward in full).
Used where amounts are compared, ranked or added up; facts about the policy have none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from policy_db.calculator import Calculation, calculate
from policy_db.money import UNIT_FACTORS, format_yuan
from policy_db.records import BenefitRecord
from policy_db.user_figures import UserFigures
from policy_db.vocabulary import load_vocabulary

MONEY_KINDS = ("amount", "cap")


@dataclass(frozen=True)
class Amount:
    """What one enterprise can receive from a record: computed from its figures, or the clause's figure."""

    yuan: Decimal
    text: str
    working: str | None = None
    upto: bool = False


def amount_of(benefit: BenefitRecord, given: UserFigures) -> Amount | None:
    """The amount from the owner's figures when the record computes one (money: a stake in shares is never
    added or compared with money), else its largest money figure."""
    if benefit.is_fact:
        return None
    if given:
        computed = calculate(benefit, given)
        if isinstance(computed, Calculation) and computed.is_money:
            return Amount(computed.amount_yuan, computed.amount_text, computed.working, computed.upto)
    money = [
        (f.value * UNIT_FACTORS[f.unit], f)
        for f in benefit.figures
        if f.kind in MONEY_KINDS and f.value is not None and f.unit in UNIT_FACTORS
    ]
    if benefit.tier is not None:
        steps = [y for s in benefit.tier.steps if (y := s.amount_yuan or s.cap_yuan) is not None]
        if steps and benefit.tier.mode == "cumulative":
            total = sum(steps, Decimal(0))
            return Amount(total, format_yuan(total), None, True)
        if steps:
            return Amount(max(steps), format_yuan(max(steps)), None, True)
    stage_words = load_vocabulary().stage_words
    stages = [(y, f) for y, f in money if f.kind == "amount" and any(w in f.label for w in stage_words)]
    if len(stages) > 1:  # 300万 + 300万 + 400万 at successive stages: the whole reward
        total = sum((y for y, _ in stages), Decimal(0))
        working = " + ".join(format_yuan(y) for y, _ in stages) + f" = {format_yuan(total)}"
        return Amount(total, format_yuan(total), working)
    if not money:
        return None
    yuan, figure = max(money, key=lambda pair: pair[0])
    return Amount(yuan, format_yuan(yuan), None, figure.kind == "cap")


def said(amount: Amount) -> str:
    """「最高500万元」 or 「300万元」."""
    return ("最高" if amount.upto else "") + amount.text


@dataclass(frozen=True)
class Stacked:
    """Amounts that add up for one enterprise, and those a document's stacking rule leaves out."""

    counted: list[tuple[BenefitRecord, Amount]]
    left_out: list[tuple[BenefitRecord, Amount, BenefitRecord, str]]  # (record, amount, the higher one, rule)

    @property
    def total(self) -> Decimal:
        return sum((a.yuan for _, a in self.counted), Decimal(0))


def stacked(parts: list[tuple[BenefitRecord, Amount]]) -> Stacked:
    """Apply each document's stacking rule (documents/<city>.yml `stacking`): under 就高不重复 only the highest
    of that document's amounts counts; other documents' amounts add up."""
    counted: list[tuple[BenefitRecord, Amount]] = []
    left_out: list[tuple[BenefitRecord, Amount, BenefitRecord, str]] = []
    by_document: dict[str, list[tuple[BenefitRecord, Amount]]] = {}
    for record, amount in parts:
        if record.document.stacking:
            by_document.setdefault(record.document.key, []).append((record, amount))
        else:
            counted.append((record, amount))
    for entries in by_document.values():
        best = max(entries, key=lambda entry: entry[1].yuan)
        counted.append(best)
        left_out += [(r, a, best[0], r.document.stacking or "") for r, a in entries if r is not best[0]]
    order = {id(record): i for i, (record, _) in enumerate(parts)}
    counted.sort(key=lambda entry: order[id(entry[0])])
    return Stacked(counted, left_out)
