"""Every reply sentence lives in actions/answering/wording.py and is written with full-width punctuation."""

from __future__ import annotations

import re
import string

from actions.answering import wording

ASCII_PUNCTUATION = re.compile(r"[,;:?!()]")


def _sentences() -> dict[str, str]:
    return {name: value for name, value in vars(wording).items() if name.isupper() and isinstance(value, str)}


def test_there_are_sentences():
    assert len(_sentences()) > 30


def test_every_sentence_is_full_width():
    for name, text in _sentences().items():
        literal = re.sub(r"\{[a-z_]+\}", "", text)
        assert not ASCII_PUNCTUATION.search(literal), name


def test_every_placeholder_is_a_plain_field():
    for name, text in _sentences().items():
        for _, field, spec, _ in string.Formatter().parse(text):
            assert field is None or (field.isidentifier() and not spec), name
