"""The section of every line of an official text, in any of the numbering styles officers receive.

policy_db.clauses.walk reads the notices of the curated documents (附件N, 一、, (一), 1.); a 办法 or
细则 is numbered in articles instead: 「第一章 总则」 heads a chapter and 「第三条 …」 opens an article
numbered through the whole document, with (一) and 1. inside it. Here an article takes the place of
the part (Section.part is the article's number, `articles` says so), a chapter is a heading of its own,
and (一) and 1. start again in every article. A document without articles is read exactly as
clauses.walk reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policy_db.clauses import Line, Section, walk
from policy_db.money import FigureError, chinese_number

_NUMERAL = "一二三四五六七八九十百零〇两"
ARTICLE = re.compile(rf"^第([{_NUMERAL}]+)条")
CHAPTER = re.compile(rf"^第([{_NUMERAL}]+)[章节]")
_SECTION = re.compile(r"^[（(]([一二三四五六七八九十]+)[)）]|^([一二三四五六七八九十]+)、")
_ITEM = re.compile(r"^(\d+)[.．、](?!\d)")


def _number(numeral: str) -> str | None:
    """「十二」 -> "12"; None for a garbled numeral (「三三」)."""
    try:
        return str(int(chinese_number(numeral)))
    except (FigureError, ValueError):
        return None


def has_articles(text: str) -> bool:
    """Whether the text is numbered in 第X条 articles (two at least: one could be a citation)."""
    return sum(1 for line in text.splitlines() if ARTICLE.match(_tight(line))) >= 2


def _tight(line: str) -> str:
    """「第 一 条」 as a PDF copy spaces it out reads 「第一条」."""
    return re.sub(r"\s+", "", line)


DECORATIONS = re.compile(r"^[\s✅☑✔📌👉▲△★☆◆◇■□▶►※\U0001F300-\U0001FAFF]+(?=\S)")


def undecorated(line: str) -> str:
    """「📌一、首次升规奖励」 copied from an article online reads 「一、首次升规奖励」 for its numbering."""
    return DECORATIONS.sub("", line)


def walk_any(text: str) -> Iterator[Line]:
    """Every non-empty line with its section: clauses.walk (numbers read past a leading 📌 or ✅), or
    articles when the text has them."""
    if not has_articles(text):
        plain = "\n".join(undecorated(line) for line in text.splitlines())
        originals = (line.strip() for line in text.splitlines() if line.strip())
        for line in walk(plain):
            yield Line(next(originals), line.section, line.opens_section)
        return
    annex = article = section = item = ""
    for line in walk(text):  # for its 附件 lines
        stripped = line.text
        tight = _tight(stripped)
        opens = True
        if line.section.annex != annex and not line.section.part:
            annex, article, section, item = line.section.annex, "", "", ""
        if (match := ARTICLE.match(tight)) and (number := _number(match.group(1))):
            article, section, item = number, "", ""
        elif CHAPTER.match(tight):
            article, section, item = "", "", ""
        elif (match := _SECTION.match(stripped)) and (number := _number(match.group(1) or match.group(2))):
            section, item = number, ""
        elif match := _ITEM.match(stripped):
            item = match.group(1)
        else:
            opens = line.opens_section and bool(line.section.annex) and not line.section.part
        yield Line(stripped, Section(annex, article, section, item), opens)
