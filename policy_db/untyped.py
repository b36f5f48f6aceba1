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
    numeric_typed = any(not isinstance(r.value, (tuple, bool)) for r in benefit.requires)
    found = []
    tiers_basis = benefit.tier.basis if benefit.tier else ""
    for figure in benefit.figures:
        if figure.kind in THRESHOLD_KINDS and not numeric_typed and not (tiers_basis and tiers_basis in figure.label):
            found.append(Untyped(benefit.key, f"门槛「{figure.label} {figure.text}」"))
    words = " ".join((benefit.eligibility, *benefit.conditions))
    for spec in vocab.fields:
        if spec.name in typed_fields or spec.type not in ("word", "bool"):
            continue
        said = [w for v in spec.values for w in (v.name, *v.words) if len(w) > 1 and w in words]
        said += [w for w in spec.true_words if w in words]
        if said:
            found.append(Untyped(benefit.key, f"{spec.label}「{said[0]}」"))
    return found


def report(benefits: Iterable[BenefitRecord]) -> list[str]:
    """One line per record with conditions written but not typed."""
    lines = []
    for benefit in benefits:
        untyped = untyped_conditions(benefit)
        if untyped:
            lines.append(f"{benefit.key}: " + "；".join(u.condition for u in untyped))
    return lines
