"""Each official source document as a readable page, with an anchor on every numbered clause.

The page server serves ``/sources/<document key>`` from the policy database's documents (title,
文号, date and the verbatim text kept from ``policy_db/sources/``). Every line that opens a section
(附件N, 一、, (一), 1.) carries the id :attr:`policy_db.clauses.Section.anchor`, which is also what a
citation links to, so a link in an answer lands on the clause the figure came from.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from policy_db.clauses import walk

PAGE_STYLE = """
body{font:16px/1.75 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;
max-width:46rem;margin:0 auto;padding:1rem 1.25rem 4rem;background:#fff}
header{border-bottom:1px solid #c8c8c8;margin-bottom:1rem}
h1{font-size:1.3rem;line-height:1.5;margin:.5rem 0}
.meta{color:#404040;margin:.25rem 0 .75rem}
p{margin:.4rem 0}
p.clause{font-weight:600;margin-top:1rem}
p:target{background:#fff3b0;outline:2px solid #8a6d00;outline-offset:2px}
a{color:#0b57d0}
a:focus-visible,p:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
"""


@dataclass(frozen=True)
class SourceDocument:
    key: str
    city: str
    title: str
    doc_number: str | None
    published: dt.date | None
    full_text: str


def date_text(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "发布日期未载明"


def render(document: SourceDocument, back_href: str = "/") -> str:
    """The whole page, as HTML: the document's header, then every line, numbered lines anchored."""
    lines = []
    seen: set[str] = set()
    for line in walk(document.full_text):
        text = html.escape(line.text)
        anchor = line.section.anchor if line.opens_section else ""
        if anchor and anchor not in seen:
            seen.add(anchor)
            lines.append(f'<p class="clause" id="{anchor}" tabindex="-1">{text}</p>')
        else:
            lines.append(f"<p>{text}</p>")
    number = html.escape(document.doc_number or "文号未载明")
    title = html.escape(document.title)
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n"
        f'<header>\n<p><a href="{html.escape(back_href)}">返回政策通</a></p>\n<h1>{title}</h1>\n'
        f'<p class="meta">{html.escape(document.city)} · {number} · {date_text(document.published)}</p>\n'
        "</header>\n<main>\n" + "\n".join(lines) + "\n</main>\n</body>\n</html>\n"
    )
