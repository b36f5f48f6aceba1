"""Brackets in official texts: which closer matches which opener, and where an unmatched closer ends a list.

Texts mix （）, (), 〔〕, 【】 and []; a bracket left open by a typo must not swallow the rest of a
paragraph, so an opener with no closer near enough is no bracket at all.
"""

from __future__ import annotations

OPENERS, CLOSERS = "(（〔【[", ")）〕】]"
MAX_BRACKET = 200  # an opening bracket with no closer this near is a typo, not a bracket


def closing_brackets(text: str) -> dict[int, int]:
    """Each opening bracket's matching closer (brackets without a partner near enough are ignored)."""
    pairs, stack = {}, []
    for i, char in enumerate(text):
        if char in OPENERS:
            stack.append(i)
        elif char in CLOSERS and stack:
            start = stack.pop()
            if i - start <= MAX_BRACKET:
                pairs[start] = i
    return pairs


def drop_unmatched_closer(text: str) -> str:
    """「…经开区管委会)」: a closing bracket with no opener ends the list."""
    depth = 0
    for i, char in enumerate(text):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            if depth == 0:
                return text[:i]
            depth -= 1
    return text
