"""Whether a measure still applies today, in words an owner can act on.

Four states: `valid` (an end date still ahead), `ended` (its end date, or the period its clause is
bound to, has passed), `undated` (no end date or period in a recent document) and `stale` (no end date
or period, in a document older than `stale_after_years` of vocabulary.yml: never called 有效, since a
newer policy may have replaced it). The page's count of ended measures and 政策体检 use the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import clock
from .records import BenefitRecord
from .vocabulary import load_vocabulary

VALID, ENDED, UNDATED, STALE = "valid", "ended", "undated", "stale"


@dataclass(frozen=True)
class Validity:
    state: str
    until: dt.date | None = None  # the end date, given or from the period
    period: str | None = None  # the period the clause is bound to, as written (2022年第一季度)
    published_year: int | None = None

    @property
    def ended(self) -> bool:
        return self.state == ENDED

    @property
    def current(self) -> bool:
        """Called 有效 without a caveat."""
        return self.state == VALID


def validity_of(benefit: BenefitRecord, today: dt.date | None = None) -> Validity:
    today = today or clock.today()
    published = benefit.document.published
    year = published.year if published else None
    until = benefit.valid_until
    period = benefit.period
    period_text = period.text if period and (until is None or period.end == until) else None
    if until is not None:
        return Validity(ENDED if until < today else VALID, until, period_text, year)
    stale_after = load_vocabulary().stale_after_years
    if published is not None and (today - published).days > 365 * stale_after:
        return Validity(STALE, None, None, year)
    return Validity(UNDATED, None, None, year)
