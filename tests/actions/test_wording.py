"""Every reply sentence lives in actions/answering/wording.py and is written with full-width punctuation."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import actions
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


# -- no reply sentence outside wording.py ------------------------------------------------------------
ACTIONS = Path(actions.__file__).parent
NOT_SCANNED = {
    "answering/wording.py",  # the sentences themselves
    "answering/punctuation.py",  # the marks it converts
}
# Literals with Chinese and punctuation that are no reply wording. Keep this short: a sentence the bot
# says belongs in wording.py.
NOT_WORDING = {
    # the filler stripped from a short answer to the message form (「不留了吧」): characters, not a sentence
    ("leave_message.py", r"[\s,，。.!！?？~…、]|吧|啊|呀|哈|嗯|呢"),
    # the filler stripped before reading a choice (「第二个吧」) and the ordinal pattern: characters, not sentences
    ("answering/frame.py", r"[\s,，。.!！?？~、]|吧|呢|啊|呀|的|看看|说说|详细|讲讲|要|选|就|那|这"),
    ("answering/frame.py", "(?:{})?([0-9]{1,2}|[一二两三四五六七八九十])(?:{})?"),
}
HAN = r"[\u4e00-\u9fff]"
SENTENCE = re.compile(
    rf"[，。：；？！]"  # Chinese sentence punctuation
    rf"|{HAN}[,.:;?!]|[,:;?!]{HAN}"  # ASCII punctuation written into Chinese text
    rf"|{HAN}{{8,}}"  # a phrase long enough to be a sentence of its own
)
LOGGERS = {"log", "logger", "logging"}


def _docstrings(tree: ast.AST) -> set[int]:
    bodies = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, bodies)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _log_arguments(tree: ast.AST) -> set[int]:
    """Literals inside a log call (log.warning(...)): messages for the operator, not for the user."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in LOGGERS
        for argument in node.args
        for inner in ast.walk(argument)
    }


def _row_documentation(tree: ast.AST) -> set[int]:
    """The `doc=` of a table row (turn_kinds.TurnKind): an example of what owners say, not a reply."""
    return {
        id(keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "doc"
    }


def string_literals(source: str) -> list[tuple[int, str]]:
    """Every string literal of a module but docstrings and log messages; an f-string is read with its
    placeholders as {} (the parts that are only placeholders say nothing)."""
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _log_arguments(tree) | _row_documentation(tree)
    in_f_strings = {id(value) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for value in node.values}
    literals = []
    for node in ast.walk(tree):
        if id(node) in skipped or id(node) in in_f_strings:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        literals.append((node.lineno, text))
    return sorted(literals)


def is_wording(text: str) -> bool:
    return len(re.findall(HAN, text)) >= 2 and bool(SENTENCE.search(text))


def test_the_check_tells_a_sentence_from_a_word():
    literals = string_literals(
        '"""一个文档字符串，不算。"""\n'
        'A = "好的，记下了"\n'
        'B = f"出处:{x}"\n'
        'C = f"{a}:{b}"\n'
        'D = "有效"\n'
        'E = "告诉我城市和想问的事"\n'
        'log.warning("数据库连不上，%s", e)\n'
    )
    assert [(line, text) for line, text in literals if is_wording(text)] == [
        (2, "好的，记下了"),
        (3, "出处:{}"),
        (6, "告诉我城市和想问的事"),
    ]


def test_no_reply_sentence_is_written_outside_wording():
    found, allowed = [], set()
    for path in sorted(ACTIONS.rglob("*.py")):
        name = path.relative_to(ACTIONS).as_posix()
        if name in NOT_SCANNED:
            continue
        for line, text in string_literals(path.read_text(encoding="utf-8")):
            if (name, text) in NOT_WORDING:
                allowed.add((name, text))
            elif is_wording(text):
                found.append(f"actions/{name}:{line}: {text}")
    assert not found, "reply wording belongs in actions/answering/wording.py:\n" + "\n".join(found)
    assert allowed == NOT_WORDING, "an entry of NOT_WORDING is no longer needed"
