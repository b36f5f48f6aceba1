"""政策体检: from what an owner says about the enterprise, every benefit of its city it may get.

The profile (place, qualifications, plans, figures) can come in one message or several; it is kept in
the conversation state (state.py). Each benefit is assessed against its typed conditions
(policy_db.eligibility): those that fit or may fit are listed by category with their figure, the
condition that decides them and their validity; then the bot asks for what would decide the rest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from policy_db.eligibility import EnterpriseProfile, assess, places_of, profile_from_text
from policy_db.query import Catalog
from policy_db.records import BenefitRecord
from policy_db.requirements import load_eligibility_vocabulary
from policy_db.vocabulary import load_vocabulary

from . import formatting, wording

MAX_ENTRIES = 12
MAX_PER_CATEGORY = 4
MAX_FIGURE_CHARS = 40


def read_profile(catalog: Catalog, text: str, earlier: EnterpriseProfile | None = None) -> EnterpriseProfile:
    """What the message says of the enterprise; with `earlier`, a bare sum restates its one money measure."""
    return profile_from_text(text, places_of(catalog.cities), earlier=earlier)


def describes_enterprise(profile: EnterpriseProfile) -> bool:
    """Enough to look for benefits: a qualification, a plan, a board or an enterprise type."""
    return bool(profile.recognitions or profile.plans or profile.boards or profile.enterprise_types)


def _profile_words(profile: EnterpriseProfile) -> str:
    return " ".join(
        sorted(profile.recognitions | profile.plans | profile.boards | profile.enterprise_types | profile.industries)
    )


def candidates(catalog: Catalog, profile: EnterpriseProfile) -> list[tuple[BenefitRecord, Any]]:
    """The city's benefits that concern this enterprise and are not ruled out, with their assessment."""
    topics = set(catalog.topics_in(_profile_words(profile)))
    wanted = {v for v in profile.recognitions | profile.plans | profile.boards | profile.enterprise_types}
    out = []
    for benefit in catalog.in_city(profile.city):
        if benefit.is_fact:
            continue
        mentioned = {v for r in benefit.requires if isinstance(r.value, tuple) for v in r.value}
        if not (topics & set(benefit.topics) or wanted & mentioned):
            continue
        assessment = assess(benefit, profile)
        if not assessment.does_not_fit:
            out.append((benefit, assessment))
    out.sort(key=lambda pair: (pair[0].is_expired(), not pair[1].fits, not pair[0].figures, pair[0].key))
    return out[:MAX_ENTRIES]


def checkup_text(catalog: Catalog, profile: EnterpriseProfile, today: dt.date | None = None) -> tuple[str, list]:
    """The report and the records it lists (for 「第二个」 afterwards)."""
    found, left_out = _without_scale_measures(candidates(catalog, profile), profile)
    said = "、".join(sorted(profile.recognitions | profile.plans | profile.boards | profile.enterprise_types))
    if not found:
        return wording.CHECKUP_NONE.format(city=profile.city, said=said), []
    lines = [wording.CHECKUP_HEAD.format(city=profile.city, said=said, count=len(found))]
    listed: list[BenefitRecord] = []
    by_category: dict[str, list] = {}
    for benefit, assessment in found:
        by_category.setdefault(benefit.category_label, []).append((benefit, assessment))
    for label, entries in by_category.items():
        lines.append(f"〔{label}〕")
        for benefit, assessment in entries[:MAX_PER_CATEGORY]:
            listed.append(benefit)
            figure = formatting.headline(benefit, None)[0] if benefit.figures or benefit.tier else benefit.summary
            figure = formatting.shorten(figure, MAX_FIGURE_CHARS)
            state = formatting.state_tag(benefit, today)
            mark = wording.CHECKUP_FITS if assessment.fits else wording.CHECKUP_TO_CONFIRM
            lines.append(
                wording.CHECKUP_LINE.format(i=len(listed), name=benefit.name, figure=figure, mark=mark, state=state)
            )
            if assessment.missing:
                lines.append(wording.CHECKUP_CONDITION.format(reason=assessment.reason[:60]))
    if left_out:
        lines.append(wording.SMALL_ENTERPRISE_LEFT_OUT.format(count=left_out))
    missing = _missing_labels(found)
    if missing:
        lines.append(wording.CHECKUP_ASK.format(labels="、".join(missing)))
    lines.append(wording.PICK_BY_NUMBER)
    return "\n".join(lines), listed


def _without_scale_measures(found: list, profile: EnterpriseProfile) -> tuple[list, int]:
    """For a small enterprise that did not say it is 规上: the measures that need it, left out and counted."""
    vocabulary = load_vocabulary()
    scale = vocabulary.small_leaves_out
    small = set(vocabulary.small_types) & profile.enterprise_types
    if not scale or not small or scale in profile.recognitions:
        return found, 0

    def needs_scale(benefit: BenefitRecord) -> bool:
        return any(
            isinstance(r.value, tuple) and scale in r.value and r.field == "recognition" for r in benefit.requires
        )

    kept = [(b, a) for b, a in found if not needs_scale(b)]
    return kept, len(found) - len(kept)


def _missing_labels(found: list) -> list[str]:
    vocab = load_eligibility_vocabulary()
    labels = []
    for _, assessment in found:
        for name in assessment.missing:
            spec = vocab.field(name)
            label = spec.label if spec else name
            if label not in labels:
                labels.append(label)
    return labels[:3]
