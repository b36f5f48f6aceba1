"""Citations a reader can check: 《标题》（文号，发布日期）, the clause written out, and a link to it.

A citation names the document the way a government notice is cited (《标题》（平政办〔2022〕15号，
2022年6月7日发布）) and the clause as a reader says it (第十八条, 附件2 四（三）). When the chat page's
public address is known (``WEB_PUBLIC_URL``, e.g. http://localhost:8080), it also links to the clause
on the page server's copy of the document: ``<WEB_PUBLIC_URL>/sources/<document key>#<anchor>``, the
anchor being the id the source page gives that clause (:attr:`policy_db.clauses.Section.anchor`).
Without a valid address there is no link at all: never a relative or broken one.

The sections of a document are read from its full text once per text (cached), so answering a
message costs a dictionary look-up, not a pass over the document.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import urllib.parse
from functools import lru_cache

from policy_db.clauses import Section, best_section, walk, written_out
from policy_db.records import DocumentRecord

from . import wording

log = logging.getLogger(__name__)

PUBLIC_URL_ENV = "WEB_PUBLIC_URL"


def format_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def document_citation(document: DocumentRecord) -> str:
    """《标题》（文号，YYYY年M月D日发布）, saying plainly when the document gives no 文号 or date."""
    number = document.doc_number or wording.NO_NUMBER
    published = f"{format_date(document.published)}发布" if document.published else wording.NO_DATE
    return f"《{document.title}》（{number}，{published}）"


def citation(document: DocumentRecord, clause_ref: str) -> str:
    """The document, the clause written out, and the link to it when the page's address is set."""
    return f"{document_citation(document)}{clause_citation(document, clause_ref)}"


def clause_citation(document: DocumentRecord, clause_ref: str) -> str:
    """The clause written out (第十八条, 附件2 四（三）) and its link, for a document cited once elsewhere."""
    text = written_out(clause_ref)
    href = source_href(document, clause_ref)
    return f"{text} {markdown_link(wording.SOURCE_LINK_LABEL, href)}" if href else text


def markdown_link(label: str, href: str) -> str:
    return f"[{label}]({href})"


def public_url() -> str | None:
    """``WEB_PUBLIC_URL`` without its trailing slash, or None when unset or not an http(s) address."""
    return _checked_public_url(os.environ.get(PUBLIC_URL_ENV, "").strip())


@lru_cache(maxsize=4)
def _checked_public_url(raw: str) -> str | None:
    if not raw:
        return None
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        log.warning("%s=%r is not an http(s) address; answers carry no source links", PUBLIC_URL_ENV, raw)
        return None
    if any(char.isspace() or char in "()<>" for char in raw):
        log.warning("%s=%r cannot stand in a Markdown link; answers carry no source links", PUBLIC_URL_ENV, raw)
        return None
    return raw.rstrip("/")


def source_href(document: DocumentRecord, clause_ref: str) -> str | None:
    """The address of the clause on the source page, or None without ``WEB_PUBLIC_URL``.

    A clause_ref that names no numbered section (「正文末段」) links to the top of the document."""
    base = public_url()
    if base is None:
        return None
    page = f"{base}/sources/{urllib.parse.quote(document.key, safe='')}"
    anchor = clause_anchor(document.full_text, clause_ref)
    return f"{page}#{anchor}" if anchor else page


@lru_cache(maxsize=1024)
def clause_anchor(full_text: str, clause_ref: str) -> str | None:
    """The source page's anchor of the section `clause_ref` points to in `full_text`."""
    section = best_section(clause_ref, document_sections(full_text))
    return section.anchor if section else None


@lru_cache(maxsize=32)
def document_sections(full_text: str) -> tuple[Section, ...]:
    """The sections a document opens (the numbered lines the source page anchors), in order."""
    return tuple(dict.fromkeys(line.section for line in walk(full_text) if line.opens_section))
