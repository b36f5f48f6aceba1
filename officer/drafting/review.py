"""`python -m policy_db review DRAFT.yml`: one HTML page on which an officer checks a draft.

Each drafted record stands beside its clause text. In the clause, the figures the record took are
highlighted (`mark.taken`); every number of the clause that no record and no exclusion took is
marked red (`mark.missed`): what the drafter missed. Numbers another record or an exclusion took
are underlined (`mark.elsewhere`); a date or calendar year (2022年, 3月31日) is grey (`mark.date`);
what only looks like a number is not marked: a plan's name (三年行动计划), an ordinal (第三年), an
item's own number (（1）) or a name (5G). The record's `review:` note, its figures and its 责任单位 are
listed beside it, and the exclusions follow with their reasons. The page needs nothing but a browser.

Positions are worked out in the source text without whitespace (the way the loader finds a clause
and the completeness check a figure), so a clause wrapped over several lines is marked alike.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policy_db.completeness import compact

from .words import drafting_words

# A number as an officer reads it: arabic (with decimals), or Chinese numerals with what they count.
NUMBER = re.compile(
    r"(?P<date>(?:\d{4}年)?\d{1,2}月\d{1,2}日)"
    r"|\d+(?:\.\d+)?(?:亿元|万元|元|亿|万|%|‰|个月|个工作日|天|日(?=内|以内|之内|后|起))?"
    r"|(?:百分之|千分之)[零〇一二两三四五六七八九十百点]+"
    r"|[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:亿元|万元|元|个月|个工作日|天|(?=年|日内|家|倍|场))"
)
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.3em} .doc{color:#555;font-size:.9em}
.record{display:grid;grid-template-columns:1fr 1fr;gap:1em;border-top:1px solid #ccc;padding:.8em 0}
.record h2{font-size:1em;margin:0 0 .4em} .clause{line-height:1.8}
mark.taken{background:#ffe58a;padding:0 .1em} mark.missed{background:#fff;color:#c00;font-weight:bold;
outline:2px solid #c00} mark.elsewhere{background:none;text-decoration:underline dotted}
mark.date{background:none;color:#666}
.review{background:#fff4e5;border-left:4px solid #f0a020;padding:.3em .6em}
table{border-collapse:collapse;font-size:.9em} td,th{border:1px solid #ddd;padding:.1em .4em}
.missed-note{color:#c00} .exclusion{border-top:1px dashed #ccc;padding:.4em 0}
"""


@dataclass(frozen=True)
class Span:
    start: int  # in the source without whitespace
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def _occurrences(haystack: str, needle: str, begin: int, end: int) -> list[Span]:
    found, at = [], haystack.find(needle, begin, end)
    while needle and at != -1:
        found.append(Span(at, at + len(needle)))
        at = haystack.find(needle, at + 1, end)
    return found


@dataclass
class _Taken:
    """The spans of the source each record's figures and each exclusion cover."""

    by_record: list[list[Span]]
    clause_of: list[Span | None]
    excluded: list[Span]

    def others(self, index: int) -> list[Span]:
        spans = [s for i, spans in enumerate(self.by_record) if i != index for s in spans]
        return spans + self.excluded


def _taken(draft: dict[str, Any], source: str) -> _Taken:
    by_record, clause_of = [], []
    for record in draft.get("benefits") or []:
        clause = compact(str(record.get("clause_text") or ""))
        at = source.find(clause) if clause else -1
        span = Span(at, at + len(clause)) if at != -1 else None
        clause_of.append(span)
        figures: list[Span] = []
        for figure in record.get("figures") or []:
            text = compact(str(figure.get("text") or ""))
            if span is not None and text:
                figures += _occurrences(source, text, span.start, span.end)
        by_record.append(figures)
    excluded = []
    for exclusion in draft.get("exclusions") or []:
        context = compact(str(exclusion.get("context") or ""))
        excluded += _occurrences(source, context, 0, len(source))
    return _Taken(by_record, clause_of, excluded)


def _date_text(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if hasattr(value, "year") else ""


def _not_a_figure(before: str, number: str, after: str) -> bool:
    """三年行动计划, 第三年, （1）首次认定的, 5G: numbers that are no figure of the clause."""
    if after.startswith("年") and after[1:].startswith(drafting_words().plan_words):
        return True
    if before == "第" or re.match(r"[A-Za-z]", after):
        return True
    return before in "（(" and bool(before) and after.startswith((")", "）"))


def _marked_clause(
    clause_text: str,
    span: Span | None,
    mine: list[Span],
    others: list[Span],
    document_dates: frozenset[str] = frozenset(),
) -> tuple[str, int]:
    """The clause as HTML with its numbers marked; and how many are marked missed (a date the
    document's own fields took, 自2025年3月1日起施行, counts as taken elsewhere)."""
    if span is None:
        return html.escape(clause_text), 0
    # where each character of the clause stands in the source without whitespace
    position, offsets = span.start, []
    for char in clause_text:
        offsets.append(position)
        if not char.isspace():
            position += 1
    marks: list[tuple[int, int, str]] = []
    taken_here = [s for s in mine if span.start <= s.start < span.end]
    for figure in taken_here:
        begin = next((i for i, o in enumerate(offsets) if o >= figure.start and not clause_text[i].isspace()), None)
        end = next((i for i, o in enumerate(offsets) if o >= figure.end), len(clause_text))
        if begin is not None:
            marks.append((begin, end, "taken"))
    missed = 0
    for number in NUMBER.finditer(clause_text):
        where = Span(offsets[number.start()], offsets[number.start()] + len(compact(number.group(0))))
        if any(where.overlaps(s) for s in taken_here):
            continue
        after = clause_text[number.end() : number.end() + 6]
        before = clause_text[max(0, number.start() - 1) : number.start()]
        if _not_a_figure(before, number.group(0), after):
            continue
        elsewhere = any(where.overlaps(s) for s in others) or number.group("date") in document_dates
        kind = "elsewhere" if elsewhere else "missed"
        calendar_year = re.fullmatch(r"\d{4}", number.group(0)) and after.startswith("年")
        if kind == "missed" and (calendar_year or number.group("date")):
            kind = "date"  # 2022年新增…, 每年3月1日至3月31日: a date, no figure to take
        missed += kind == "missed"
        marks.append((number.start(), number.end(), kind))
    out, at = [], 0
    for begin, end, kind in sorted(marks):
        if begin < at:
            continue
        title = {
            "taken": "本条记录取了这个数字",
            "missed": "没有任何记录或排除取这个数字",
            "elsewhere": "别的记录或排除取了",
            "date": "日期或年份",
        }[kind]
        out.append(html.escape(clause_text[at:begin]))
        out.append(f'<mark class="{kind}" title="{title}">{html.escape(clause_text[begin:end])}</mark>')
        at = end
    out.append(html.escape(clause_text[at:]))
    return "".join(out), missed


def _figures_table(figures: list[dict[str, Any]]) -> str:
    if not figures:
        return "<p>（无数字）</p>"
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(f.get(k, '')))}</td>" for k in ("kind", "value", "unit", "text", "label"))
        + "</tr>"
        for f in figures
    )
    return f"<table class='figures'><tr><th>种类</th><th>数值</th><th>单位</th><th>原文</th><th>说明</th></tr>{rows}</table>"


def render(draft: dict[str, Any], source_text: str) -> str:
    """The review page of a draft, given the text its clauses are cited from."""
    source = compact(source_text)
    taken = _taken(draft, source)
    document = draft.get("document") or {}
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>核对草稿：{html.escape(str(document.get('title', '')))}</title><style>{_CSS}</style></head><body>",
        f"<h1>核对草稿：{html.escape(str(document.get('title', '')))}</h1>",
        "<p class='doc'>"
        + "；".join(
            f"{label} {html.escape(str(document.get(key)))}"
            for key, label in (
                ("doc_number", "文号"),
                ("issuer", "发文机关"),
                ("published", "发布"),
                ("valid_from", "施行"),
                ("valid_until", "有效期至"),
            )
            if document.get(key)
        )  # fmt: skip
        + "</p>",
    ]
    if document.get("review"):
        parts.append(f"<p class='review'>{html.escape(str(document['review']))}</p>")
    parts.append(
        "<p class='doc'>图例：<mark class='taken'>本条记录取的数字</mark> "
        "<mark class='missed'>没有任何记录或排除取的数字</mark> <mark class='elsewhere'>别的记录或排除取的数字</mark></p>"
    )
    total_missed = 0
    dates = frozenset(_date_text(document.get(k)) for k in ("published", "valid_from", "valid_until")) - {""}
    for index, record in enumerate(draft.get("benefits") or []):
        clause, missed = _marked_clause(
            str(record.get("clause_text") or ""),
            taken.clause_of[index],
            taken.by_record[index],
            taken.others(index),
            dates,
        )
        total_missed += missed
        departments = "、".join(map(str, record.get("departments") or [])) or "（未见）"
        note = f"<p class='review'>{html.escape(str(record['review']))}</p>" if record.get("review") else ""
        missed_note = f"<p class='missed-note'>{missed} 个数字没有被取</p>" if missed else ""
        kind = "事实记录" if record.get("kind") == "fact" else "支持"
        parts.append(
            f"<section class='record' id='{html.escape(str(record.get('id', index)))}' data-missed='{missed}'>"
            f"<div class='fields'><h2>{html.escape(str(record.get('id', '')))} · {kind} · "
            f"{html.escape(str(record.get('name', '')))}</h2>"
            f"<p>条款 {html.escape(str(record.get('clause_ref', '')))}；类别 {html.escape(str(record.get('category', '')))}</p>"
            f"{_figures_table(record.get('figures') or [])}"
            f"<p class='departments'>责任单位：{html.escape(departments)}</p>{note}</div>"
            f"<div class='clause'>{clause}{missed_note}</div></section>"
        )
    exclusions = draft.get("exclusions") or []
    if exclusions:
        parts.append(f"<h2>排除（{len(exclusions)}）</h2>")
        for exclusion in exclusions:
            context = html.escape(str(exclusion.get("context", "")))
            context = NUMBER.sub(lambda m: f"<mark class='elsewhere'>{m.group(0)}</mark>", context)
            review = (
                f"<span class='review'>{html.escape(str(exclusion['review']))}</span>"
                if exclusion.get("review")
                else ""
            )
            parts.append(
                f"<div class='exclusion'>{context}<br>理由：{html.escape(str(exclusion.get('reason', '')))} {review}</div>"
            )
    parts.append(f"<p class='doc' id='summary' data-missed='{total_missed}'>共 {len(draft.get('benefits') or [])} 条记录，"
                 f"{len(exclusions)} 条排除，{total_missed} 个数字没有被任何记录或排除取走。</p></body></html>")  # fmt: skip
    return "".join(parts)


# -- the command ----------------------------------------------------------------------------------------------
def add_review_parser(sub: Any) -> None:
    """The `review` subcommand of python -m policy_db."""
    r = sub.add_parser("review", help="write an HTML page to check a draft (each record beside its clause)")
    r.add_argument("draft", type=Path, help="the draft YAML (python -m policy_db draft --out …)")
    r.add_argument("--source", type=Path, help="the text the draft cites (default: its source_file next to it)")
    r.add_argument("--out", type=Path, help="the HTML file (default: the draft's name with .html)")
    r.set_defaults(func=run_review)


def run_review(args: argparse.Namespace) -> int:
    try:
        draft = yaml.safe_load(args.draft.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        print(f"无法读取草稿 {args.draft}: {exc}", file=sys.stderr)
        return 2
    source_file = str((draft.get("document") or {}).get("source_file") or "")
    candidates = [args.source] if args.source else [args.draft.parent / source_file, args.sources_dir / source_file]
    source = next((p for p in candidates if p is not None and p.is_file()), None)
    if source is None:
        print(f"找不到草稿引用的原文 {source_file}（用 --source 指定）", file=sys.stderr)
        return 2
    out = args.out or args.draft.with_suffix(".html")
    try:
        out.write_text(render(draft, source.read_text(encoding="utf-8")), encoding="utf-8")
    except OSError as exc:
        print(f"无法写入 {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"核对页: {out}", file=sys.stderr)
    return 0
