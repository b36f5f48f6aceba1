"""Conditions a clause states in words that its record does not type in `requires:` (so a verdict cannot
check them): a threshold figure with no numeric requirement, or a word of an eligibility field (首次, 规上,
国家级, 个体工商户 …) in the record's eligibility or conditions with no requirement on that field.

`python -m policy_db check` lists them as work for an officer; they are not errors (many conditions stay
words: 「受疫情影响不能正常经营」).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .records import BenefitRecord
from .requirements import EligibilityVocabulary, load_eligibility_vocabulary

THRESHOLD_KINDS = ("threshold",)


@dataclass(frozen=True)
class Untyped:
    benefit: str  # the record's id
    condition: str  # what is written, e.g. 门槛「年主营业务收入(达到及以上) 5000万元」


def untyped_conditions(benefit: BenefitRecord, vocab: EligibilityVocabulary | None = None) -> list[Untyped]:
    vocab = vocab or load_eligibility_vocabulary()
    if benefit.is_fact:
        return []
    typed_fields = {r.field for r in benefit.requires}
    found = [Untyped(benefit.key, f"门槛「{figure.label} {figure.text}」") for figure in _untyped_thresholds(benefit)]
    words = " ".join((benefit.eligibility, *benefit.conditions))
    for spec in vocab.fields:
        if spec.name in typed_fields or spec.type not in ("word", "bool"):
            continue
        said = [w for v in spec.values for w in (v.name, *v.words) if len(w) > 1 and w in words]
        said += [w for w in spec.true_words if w in words]
        if said:
            found.append(Untyped(benefit.key, f"{spec.label}「{said[0]}」"))
    return found


def _untyped_thresholds(benefit: BenefitRecord) -> list:
    """The clause's threshold figures with no numeric requirement (a tier's own basis is not a threshold)."""
    if any(not isinstance(r.value, (tuple, bool)) for r in benefit.requires):
        return []
    basis = benefit.tier.basis if benefit.tier else ""
    return [f for f in benefit.figures if f.kind in THRESHOLD_KINDS and not (basis and basis in f.label)]


def unchecked_thresholds(benefit: BenefitRecord) -> tuple[str, ...]:
    """The thresholds a verdict cannot check, each as the clause's condition that states it (「募集资金80%以上
    投资于平顶山市」): an enterprise meeting every typed condition still has these to confirm."""
    if benefit.is_fact:
        return ()
    sentences = []
    for figure in _untyped_thresholds(benefit):
        stated = [c for c in (*benefit.conditions, benefit.eligibility) if figure.text and figure.text in c]
        sentences.append(stated[0] if stated else f"{figure.label}{figure.text}")
    return tuple(dict.fromkeys(sentences))


def report(benefits: Iterable[BenefitRecord]) -> list[str]:
    """One line per record with conditions written but not typed."""
    lines = []
    for benefit in benefits:
        untyped = untyped_conditions(benefit)
        if untyped:
            lines.append(f"{benefit.key}: " + "；".join(u.condition for u in untyped))
    return lines
