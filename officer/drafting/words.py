"""The drafter's word lists (policy_db/data/drafting.yml, with the rest of the curated words), read once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import yaml

from policy_db.paths import data_dir

WORDS_FILE = data_dir() / "drafting.yml"  # the drafter's words live with the other curated words


@dataclass(frozen=True)
class DraftingWords:
    grant_words: tuple[str, ...]
    reward_words: tuple[str, ...]
    cap_before: tuple[str, ...]
    cap_verbs: tuple[str, ...]
    foreign_currencies: tuple[str, ...]
    threshold_before: tuple[str, ...]
    reach_before: tuple[str, ...]
    threshold_after: tuple[str, ...]
    above_after: tuple[str, ...]
    below_after: tuple[str, ...]
    rate_before: tuple[str, ...]
    share_words: tuple[str, ...]
    fund_words: tuple[str, ...]
    fund_before: tuple[str, ...]
    fund_after: tuple[str, ...]
    fund_nouns: tuple[str, ...]
    fund_setup_words: tuple[str, ...]
    period_words: tuple[str, ...]
    measure_words: tuple[str, ...]
    series_joins: tuple[str, ...]
    plan_words: tuple[str, ...]
    performance_words: tuple[str, ...]
    ratio_set_words: tuple[str, ...]
    condition_intro_words: tuple[str, ...]
    clause_openers: tuple[str, ...]
    deadline_before: tuple[str, ...]
    deadline_after: tuple[str, ...]
    increment_words: tuple[str, ...]
    proportional_before: tuple[str, ...]
    responsible_label: tuple[str, ...]
    lead_words: tuple[str, ...]
    helper_words: tuple[str, ...]
    by_words: tuple[str, ...]
    duty_endings: tuple[str, ...]
    department_endings: tuple[str, ...]
    unit_columns: tuple[str, ...]
    unit_column_endings: tuple[str, ...]
    number_columns: tuple[str, ...]
    who_nouns: tuple[str, ...]
    local_prefixes: tuple[str, ...]
    subject_verbs: tuple[str, ...]
    department_trailers: tuple[str, ...]
    department_own_prefixes: tuple[str, ...]
    self_reference: tuple[str, ...]
    document_types: tuple[str, ...]
    issuer_endings: tuple[str, ...]
    source_labels: tuple[str, ...]
    published_labels: tuple[str, ...]
    validity_labels: tuple[str, ...]
    signed_labels: tuple[str, ...]
    title_labels: tuple[str, ...]
    doc_number_labels: tuple[str, ...]
    clause_scope_words: tuple[str, ...]


@cache
def drafting_words(path: Path = WORDS_FILE) -> DraftingWords:
    """The word lists; a list missing from the file is a KeyError naming it (a broken install)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return DraftingWords(**{f.name: tuple(str(w) for w in raw[f.name]) for f in fields(DraftingWords)})
