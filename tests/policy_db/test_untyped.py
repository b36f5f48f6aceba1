"""`python -m policy_db check` names conditions written in words that no `requires:` types."""

from __future__ import annotations

from policy_db.untyped import untyped_conditions


def test_an_untyped_threshold_is_reported(catalog):
    [full_load] = catalog.get(["pds-full-load-q1-reward"])
    assert any("10%" in u.condition for u in untyped_conditions(full_load))


def test_a_typed_threshold_and_a_tier_boundary_are_not(catalog):
    [vat] = catalog.get(["pds-vat-small-scale-exempt"])  # 45万/15万 typed as alternatives
    assert not any("45万" in u.condition for u in untyped_conditions(vat))
    [upscale] = catalog.get(["pds-upscale-reward"])  # 5000万 is the tier's boundary
    assert not any("5000万" in u.condition for u in untyped_conditions(upscale))


def test_a_word_of_an_untyped_field_is_reported(catalog):
    flagged = {b.key for b in catalog.benefits if any("认定级别" in u.condition for u in untyped_conditions(b))}
    assert flagged and all(not any(r.field == "level" for r in b.requires) for b in catalog.get(flagged))
