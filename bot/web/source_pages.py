"""Each official source document as a readable page, with an anchor on every numbered clause.

The page server serves ``/sources/<document key>`` from the policy database's documents (title,
文号, dates and the verbatim text kept from ``policy_db/sources/``), and ``/sources/`` lists them
all. Every numbered clause (附件N, 一、, (一), 1.) is a ``<section>`` with the id
:attr:`policy_db.clauses.Section.anchor`, holding its heading, its text and its sub-clauses, which is
also what a citation links to: a link in an answer (``/sources/<key>#c-a2-4-3``) lands on the clause the
figure came from and highlights the whole of it, not only its heading.

The source texts keep the line breaks of the pages they were copied from, some in the middle of a
sentence (三门峡's 「…着力促进工业经济平稳增长,」 / 「结合我市实际,…」). Such a line is joined to the next one
(:func:`paragraphs`), so a sentence is never cut in two on a phone; every character is kept.

Links between the pages are relative (``./<key>``, ``../``), so they also work when a proxy serves
the page under a path of its own.
"""

from __future__ import annotations

import datetime as dt
import html
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from policy_db.clauses import Line, walk
from policy_db.records import DocumentRecord

PAGE_STYLE = """
body{font:16px/1.75 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;
max-width:46rem;margin:0 auto;padding:1rem 1.25rem 4rem;background:#fff}
header{border-bottom:1px solid #c8c8c8;margin-bottom:1rem}
nav a{margin-right:1.25rem}
h1{font-size:1.3rem;line-height:1.5;margin:.5rem 0}
.meta{color:#404040;margin:.25rem 0 .75rem}
p{margin:.4rem 0}
section.clause{scroll-margin-top:.75rem;border-radius:4px}
.clause-head{margin-top:1rem}
.clause-head strong{font-weight:700}
section.clause:target{background:#fff3b0;outline:2px solid #8a6d00;outline-offset:2px;padding:0 .25rem}
.official{margin:.25rem 0 .75rem}
a{color:#0b57d0}
a:focus-visible,section:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
ul.documents{list-style:none;padding:0;margin:0}
ul.documents li{border-bottom:1px solid #e0e0e0;padding:.75rem 0}
ul.documents a{font-weight:600}
"""


@dataclass(frozen=True)
class SourceDocument:
    key: str
    city: str
    title: str
    doc_number: str | None
    published: dt.date | None
    full_text: str
    valid_until: dt.date | None = None
    validity_note: str | None = None
    url: str | None = None  # the official original, when its address is known

    @classmethod
    def of(cls, record: DocumentRecord) -> SourceDocument:
        return cls(
            key=record.key,
            city=record.city,
            title=record.title,
            doc_number=record.doc_number,
            published=record.published,
            full_text=record.full_text,
            valid_until=record.valid_until,
            validity_note=record.validity_note,
            url=getattr(record, "url", None),
        )


def date_text(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "发布日期未载明"


def validity_text(document: SourceDocument, today: dt.date) -> str:
    """The document's period of validity as it states it, and whether that date has passed."""
    if document.valid_until is None:
        return "文件未载明统一的截止日期，各条款以所列期限为准"
    passed = "已过期" if document.valid_until < today else "尚在有效期内"
    return f"有效期至{date_text(document.valid_until)}（截至{date_text(today)}{passed}）"


def _page(title: str, header: str, main: str) -> str:
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n"
        f"<header>\n{header}\n</header>\n<main>\n{main}\n</main>\n</body>\n</html>\n"
    )


SENTENCE_ENDS = tuple("。！？；：!?;:")
CONTINUED_ENDS = tuple("，,、")
WRAPPED_MIN_CHARS = 30  # a line cut by the width of the page it was copied from is at least this long


def _continues(line: str, following: Line) -> bool:
    """Whether `following` carries on the sentence `line` breaks off (and is not a clause or table row)."""
    if following.opens_section or "|" in line or "|" in following.text or line.endswith(SENTENCE_ENDS):
        return False
    if line.endswith(CONTINUED_ENDS):
        return True
    return len(line) >= WRAPPED_MIN_CHARS and (line[-1].isalnum() or "\u4e00" <= line[-1] <= "\u9fff")


def paragraphs(full_text: str) -> list[Line]:
    """The document's lines with every sentence broken across lines joined into one (section of its start)."""
    joined: list[Line] = []
    for line in walk(full_text):
        if joined and _continues(joined[-1].text, line):
            last = joined.pop()
            line = Line(last.text + line.text, last.section, last.opens_section)
        joined.append(line)
    return joined


HEADING_MAX_CHARS = 40  # a clause's own title (「(一)深化“万人助万企活动”。」) is short; the rest is its text


def _heading(text: str) -> str:
    """A clause's first paragraph as HTML: its number and title in bold, the text that follows plain."""
    end = text.find("。") + 1
    if 0 < end <= HEADING_MAX_CHARS:
        return f"<strong>{html.escape(text[:end])}</strong>{html.escape(text[end:])}"
    if len(text) <= HEADING_MAX_CHARS:
        return f"<strong>{html.escape(text)}</strong>"
    return html.escape(text)


def _body(full_text: str) -> str:
    """The text as nested <section>s, one per numbered clause (anchored once), each holding its paragraphs."""
    out: list[str] = []
    open_anchors: list[str] = []
    seen: set[str] = set()
    for line in paragraphs(full_text):
        text = html.escape(line.text)
        anchor = line.section.anchor if line.opens_section else ""
        if not anchor or anchor in seen:
            out.append(f"<p>{text}</p>")
            continue
        seen.add(anchor)
        while open_anchors and not anchor.startswith(open_anchors[-1] + "-"):
            open_anchors.pop()
            out.append("</section>")
        open_anchors.append(anchor)
        out.append(
            f'<section class="clause" id="{anchor}" tabindex="-1">\n<p class="clause-head">{_heading(line.text)}</p>'
        )
    out += ["</section>"] * len(open_anchors)
    return "\n".join(out)


def render(
    document: SourceDocument, back_href: str = "../", index_href: str = "./", today: dt.date | None = None
) -> str:
    """The whole page, as HTML: the document's header, then its text, every numbered clause a section."""
    number = html.escape(document.doc_number or "文号未载明")
    title = html.escape(document.title)
    validity = html.escape(validity_text(document, today or dt.date.today()))
    note = f'<p class="meta">{html.escape(document.validity_note)}</p>\n' if document.validity_note else ""
    if document.url:
        note += (
            f'<p class="official"><a href="{html.escape(document.url)}" rel="noreferrer">'
            "政府网站上的原文</a>（以原文为准）</p>\n"
        )
    header = (
        f'<nav aria-label="页面导航"><a href="{html.escape(back_href)}">返回政策通</a>'
        f'<a href="{html.escape(index_href)}">全部政策文件</a></nav>\n<h1>{title}</h1>\n'
        f'<p class="meta">{html.escape(document.city)} · {number} · {date_text(document.published)}</p>\n'
        f'<p class="meta">{validity}</p>\n{note}'
    )
    return _page(document.title, header, _body(document.full_text))


def render_index(documents: Iterable[SourceDocument], back_href: str = "../") -> str:
    """/sources/: every document with its city, title, 文号 and year, each linking to its page."""
    items = []
    for document in documents:
        year = f"{document.published.year}年" if document.published else "发布日期未载明"
        number = document.doc_number or "文号未载明"
        items.append(
            f'<li><a href="./{html.escape(urllib.parse.quote(document.key))}">{html.escape(document.title)}</a><br>\n'
            f'<span class="meta">{html.escape(document.city)} · {html.escape(number)} · {year}</span></li>'
        )
    header = (
        f'<nav aria-label="页面导航"><a href="{html.escape(back_href)}">返回政策通</a></nav>\n'
        f"<h1>政策通答复依据的政策文件（{len(items)}份）</h1>\n"
        '<p class="meta">点开文件可阅读全文；答复中的出处链接直接指向所引条款。</p>'
    )
    return _page("政策通 · 政策文件", header, '<ul class="documents">\n' + "\n".join(items) + "\n</ul>")


def render_not_found(message: str, index_href: str = "./") -> str:
    """A short page for a document key the catalogue does not have (or an unreadable database)."""
    header = (
        f'<nav aria-label="页面导航"><a href="../">返回政策通</a><a href="{html.escape(index_href)}">全部政策文件</a></nav>\n'
        "<h1>未找到政策文件</h1>"
    )
    return _page("政策通 · 未找到政策文件", header, f"<p>{html.escape(message)}</p>")
