"""A draft of documents/<city>.yml from an official text: the mapping the YAML is written from.

Every clause of the body (layout.py) that grants something (data/drafting.yml `grant_words`) becomes a
benefit; one that grants nothing but holds figures (a target, a fund, a cost share) a fact record;
figures before the first numbered clause (preamble, page header) and task-table rows that restate
the body become exclusions. Each record gets its clause's figures (figures.py), tiers (tiers.py),
who it is for and the conditions (wording.py), a category and topics from the existing vocabulary
(classify.py), the 责任单位 that cover it (departments.py), and a `review:` note on what was
guessed. A last pass runs policy_db.completeness.check_document on the draft and turns any figure
still uncovered into an exclusion, so the draft passes the completeness check by construction.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cn2an

from policy_db.completeness import check_document, compact, find_figures
from policy_db.records import CityRecord

from .classify import CategoryGuesser, TopicVocabulary
from .departments import DepartmentBook, split_names
from .duties import inline_lists
from .figures import DraftFigure, clause_figures, yaml_number
from .layout import Paragraph, clauses_of, read_layout
from .metadata import Metadata, read_metadata
from .tiers import tier_of
from .wording import word_benefit, word_fact
from .words import drafting_words

DUPLICATE_OVERLAP = 0.5  # share of a table row's character pairs found in a body paragraph: a restatement
NOTE_SEPARATOR = "；"
PREAMBLE_REASON = "序言、页眉或文件信息中的数字,不是给企业的支持"
UNPLACED_REASON = "未能归入任何条目的数字"


@dataclass
class _Unit:
    """A clause to draft a record from, with the paragraph it stands in."""

    text: str
    paragraph: Paragraph
    ref: str
    slug: str


@dataclass
class _Context:
    city: CityRecord
    meta: Metadata
    topics: TopicVocabulary
    categories: CategoryGuesser
    book: DepartmentBook = field(default_factory=DepartmentBook)
    departments_of: dict[int, list[str]] = field(default_factory=dict)  # id(paragraph) -> department names
    rejected_of: dict[int, list[str]] = field(default_factory=dict)
    used_ids: Counter[str] = field(default_factory=Counter)


def draft_document(
    text: str, source_file: str, city: CityRecord, data_dir: Path, *, leave_out: str | None = None
) -> dict[str, Any]:
    """The draft mapping (document, departments, topics, benefits, exclusions) of `text`.

    `source_file` is the name the text has in the sources folder; `leave_out` a documents/*.yml of
    `data_dir` whose topics are not to be used (a comparison with that curated file)."""
    meta = read_metadata(text, city)
    context = _Context(city, meta, TopicVocabulary.from_data(data_dir, leave_out), CategoryGuesser(data_dir))
    layout = read_layout(text)
    paragraphs = layout.paragraphs
    _read_departments(paragraphs, context)
    matches = _match_table_rows(paragraphs)
    for row, restated in matches.items():
        merged = context.departments_of.get(id(restated), []) + context.departments_of[row]
        context.departments_of[id(restated)] = list(dict.fromkeys(merged))
    refs = _Refs(paragraphs, layout.articles)
    benefits: list[dict[str, Any]] = []
    exclusions: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        if paragraph.is_heading:
            continue
        body = matches.get(id(paragraph))
        for unit in _units(paragraph, refs, body):
            record, exclusion = _draft_unit(unit, body, context)
            if record is not None:
                benefits.append(record)
            if exclusion is not None:
                exclusions.append(exclusion)
    used_topics = list(dict.fromkeys(t for b in benefits for t in b["topics"]))
    draft = {
        "document": _document(meta, city, source_file, layout.garbled),
        "departments": context.book.records(),
        "topics": context.topics.definitions(used_topics),
        "benefits": benefits,
        "exclusions": exclusions,
    }
    _cover_the_rest(draft, text, source_file)
    return draft


# -- departments ------------------------------------------------------------------------------------------
def _read_departments(paragraphs: list[Paragraph], context: _Context) -> None:
    cities = (context.city.name, context.city.full_name, *context.city.aliases)
    raw: dict[int, list[str]] = {}
    for paragraph in paragraphs:
        texts = paragraph.lead_texts + [names for _, _, names in inline_lists(paragraph.text)]
        texts += paragraph.department_texts
        names, rejected = [], []
        for text in texts:
            found = split_names(text, cities)
            names += found.names
            rejected += found.rejected
        for name in names:
            context.book.add(name)
        raw[id(paragraph)] = names
        context.rejected_of[id(paragraph)] = rejected
    canonical = context.book.canonical()
    for key, names in raw.items():
        context.departments_of[key] = list(dict.fromkeys(canonical[n] for n in names))


def _bigrams(text: str) -> set[str]:
    plain = re.sub(r"[^\u4e00-\u9fff0-9]", "", text)
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def _match_table_rows(paragraphs: list[Paragraph]) -> dict[int, Paragraph]:
    """id(row) -> the body paragraph a task-table row restates (most of its character pairs in it)."""
    body = [p for p in paragraphs if p.in_body and not p.is_table_row and not p.is_heading]
    grams = [(p, _bigrams(p.text)) for p in body]
    matches = {}
    for row in (p for p in paragraphs if p.is_table_row):
        mine = _bigrams(row.text)
        if not mine:
            continue
        best, share = max(((p, len(mine & g) / len(mine)) for p, g in grams), key=lambda x: x[1], default=(None, 0.0))
        if best is not None and share >= DUPLICATE_OVERLAP:
            matches[id(row)] = best
    return matches


# -- clause references --------------------------------------------------------------------------------------
class _Refs:
    """clause_ref and id slug of a section, written the way the documents cite themselves:
    「附件2 四(七)」「三(六)20」, and 「13」 for an item numbered through the whole document."""

    def __init__(self, paragraphs: list[Paragraph], articles: bool = False):
        self.articles = articles  # 第X条: Section.part is the article (numbering.py)
        numbered = [p.section for p in paragraphs if p.section.item and not p.is_table_row and p.section.item]
        items = [(s.annex, s.item) for s in dict.fromkeys(numbered)]
        parts = {(s.annex, s.part) for s in numbered}
        self.items_run_through = len(parts) >= 2 and len(set(items)) == len(items)

    def ref(self, paragraph: Paragraph) -> str:
        if paragraph.is_table_row:
            return f"{paragraph.annex}{paragraph.row}"
        annex, part, section, item = paragraph.section
        if self.articles and part:
            text = f"第{_chinese(part)}条" + (f"({_chinese(section)})" if section else "") + item
            return f"{annex} {text}".strip()
        if item and not section and self.items_run_through:
            return item if not annex else f"{annex} {item}"
        text = _chinese(part) + (f"({_chinese(section)})" if section else "") + item
        return f"{annex} {text}".strip() if annex else (text or "正文")

    def slug(self, paragraph: Paragraph) -> str:
        if paragraph.is_table_row:
            return f"t{paragraph.row}"
        anchor = paragraph.section.anchor.removeprefix("c-")
        return anchor.removeprefix("0-") or "0"


def _chinese(number: str) -> str:
    return cn2an.an2cn(number) if number else ""


def _units(paragraph: Paragraph, refs: _Refs, body: Paragraph | None) -> list[_Unit]:
    """The clauses of a paragraph; the parts of a sentence that lists bands stay one clause."""
    ref = refs.ref(paragraph)
    if body is not None:
        ref = f"{refs.ref(body)}, {ref}"
    units: list[_Unit] = []
    done: set[str] = set()
    for clause in clauses_of(paragraph):
        text = clause.text
        if clause.sentence != clause.text:
            if clause.sentence in done:
                continue
            whole = compact(clause.sentence)
            tier = tier_of(whole, clause_figures(whole, is_fact=False))
            if tier is not None and tier["mode"] == "bracket":
                text = clause.sentence
                done.add(clause.sentence)
        units.append(_Unit(text, paragraph, ref, refs.slug(body or paragraph)))
    return units


# -- records ------------------------------------------------------------------------------------------------
def _draft_unit(
    unit: _Unit, body: Paragraph | None, context: _Context
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    text = compact(unit.text)
    counted = find_figures(text)
    if not unit.paragraph.in_body:
        exclusion = {"context": unit.text, "reason": PREAMBLE_REASON, "review": "自动判定为序言或页眉,请确认"}
        return None, (exclusion if counted else None)
    grants = any(w in text + unit.paragraph.grant_context for w in drafting_words().grant_words)
    figures = clause_figures(text, is_fact=not grants and not unit.paragraph.is_condition)
    if body is not None and _restates(text, figures, body):
        reason = f"附件任务分工表第{unit.paragraph.row}项,重复正文 {unit.ref.split(',')[0]} 的内容"
        return None, ({"context": unit.text, "reason": reason, "review": "自动判定为重复,请确认"} if counted else None)
    if not grants and not figures:
        return None, None
    if not figures and text.rstrip().endswith(("：", ":")):
        return None, None  # 「…分档给予奖励，标准如下：」 introduces the items that follow, which grant
    if not figures and _only_duties(text):
        return None, None  # 「本项奖励由市工信局牵头，市财政局配合」: who does it, read as 责任单位
    if not grants and _about_the_document(text, figures, context.meta):
        return None, None  # 「本办法自2025年3月1日起施行，有效期至…」: the document's own dates
    return _record(unit, text, figures, grants, context), None


def _only_duties(text: str) -> bool:
    """「本项奖励由市工信局牵头，市财政局配合」 says who does it and grants nothing of its own."""
    words = drafting_words()
    leads = "|".join(map(re.escape, words.lead_words))
    helpers = "|".join(map(re.escape, words.helper_words + words.duty_endings))
    if not re.match(rf"^[^,，。；;]{{0,8}}由[^,，。；;]{{2,40}}?(?:{leads})", text):
        return False
    rest = re.sub(rf"^[^,，。；;]{{0,8}}由[^,，。；;]{{2,40}}?(?:{leads})", "", text)
    rest = re.sub(rf"[,，、]?[^,，。；;]{{2,60}}?(?:{helpers})", "", rest)
    return not any(w in rest for w in words.grant_words)


def _about_the_document(text: str, figures: list[DraftFigure], meta: Metadata) -> bool:
    """A sentence on the document itself (本办法…施行/有效期): its dates are the document's fields."""
    words = drafting_words()
    if not any(f"{own}{kind}" in text for own in words.self_reference for kind in words.document_types):
        return False
    own = {meta.valid_from, meta.valid_until, meta.published}
    return all(f.kind in ("deadline", "years") and (f.kind == "years" or f.value in own) for f in figures)


def _restates(text: str, figures: list[DraftFigure], body: Paragraph) -> bool:
    body_text = compact(body.text)
    mine = _bigrams(text)
    overlap = len(mine & _bigrams(body_text)) / len(mine) if mine else 0.0
    return overlap >= DUPLICATE_OVERLAP and all(f.text in body_text for f in figures)


def _record(unit: _Unit, text: str, figures: list[DraftFigure], grants: bool, context: _Context) -> dict[str, Any]:
    notes: list[str] = []
    wording = word_benefit(text) if grants else word_fact(text)
    if not grants:
        notes.append("kind: 未见给予类用词,作为事实记录(目标、基金、分担比例等),请确认")
    elif not wording.eligibility_found:
        notes.append(f"eligibility: 未见「对…」,暂写「{wording.eligibility}」")
    if wording.name.endswith("…"):
        notes.append("name: 自动截取,请改短")
    guess = context.categories.guess(text + unit.paragraph.heading)
    if not guess.sure:
        notes.append(f"category: 未见类别用词,暂定 {guess.key}")
    topics = context.topics.topics_in(unit.paragraph.heading + text)
    if not topics:
        notes.append("topics: 现有主题词中没有匹配的")
    unsure = [f.text for f in figures if not f.sure]
    if unsure:
        notes.append(f"figures: {'、'.join(unsure)} 的种类按默认推测")
    departments = context.departments_of.get(id(unit.paragraph), [])
    if not departments:
        notes.append("departments: 未见本条的责任单位")
    rejected = context.rejected_of.get(id(unit.paragraph), [])
    if rejected:
        notes.append(f"departments: 无法识别的责任单位文字「{'、'.join(rejected)}」")
    record: dict[str, Any] = {"id": _new_id(unit, grants, context)}
    if not grants:
        record["kind"] = "fact"
    record |= {
        "name": wording.name,
        "category": guess.key,
        "topics": topics,
        "summary": wording.summary,
        "eligibility": wording.eligibility,
    }
    if wording.conditions:
        record["conditions"] = wording.conditions
    record |= {"clause_ref": unit.ref, "clause_text": unit.text, "figures": [f.to_yaml() for f in figures]}
    tier = tier_of(text, figures) if grants else None
    if tier is not None:
        record["tiers"] = tier
        notes.append(f"tiers: 分档依据「{tier['basis']}」和档位为自动推测")
    deadline = _own_deadline(text, figures, context.meta)
    if deadline is not None:
        record["valid_until"] = yaml_number(deadline.value)
        record["validity_note"] = _chunk_around(text, deadline)
        notes.append(f"valid_until: 取自本条的「{deadline.text}」")
    record["departments"] = departments
    record["review"] = NOTE_SEPARATOR.join(notes) or "自动草稿,请核对"
    return record


def _new_id(unit: _Unit, grants: bool, context: _Context) -> str:
    stem = f"{context.city.code}-{'' if grants else 'fact-'}{unit.slug}"
    context.used_ids[stem] += 1
    return f"{stem}-{context.used_ids[stem]}"


def _own_deadline(text: str, figures: list[DraftFigure], meta: Metadata) -> DraftFigure | None:
    """The date a benefit runs to (「缓缴政策执行期到2022年年底」), when the clause names exactly one."""
    words = drafting_words()
    ends = [
        f
        for f in figures
        if f.kind == "deadline" and text[max(0, f.start - 6) : f.start].endswith(words.deadline_before)
    ]
    if len(ends) != 1:
        return None
    date = ends[0].value
    if meta.valid_from and not isinstance(date, type(meta.valid_from)):
        return None
    if meta.valid_from and date < meta.valid_from:  # type: ignore[operator]
        return None
    return ends[0]


def _chunk_around(text: str, figure: DraftFigure) -> str:
    begin = max((text.rfind(c, 0, figure.start) for c in ",，;；"), default=-1) + 1
    ends = [i for c in ",，;；" if (i := text.find(c, figure.end)) != -1]
    return text[begin : min(ends) if ends else len(text)]


# -- the document and the last pass --------------------------------------------------------------------------
def _document(meta: Metadata, city: CityRecord, source_file: str, garbled: list[str]) -> dict[str, Any]:
    notes = list(meta.notes)
    if garbled:
        notes.append(f"原文有无法归属的责任单位行: {'、'.join(garbled)}")
    notes.append("自动草稿: 每条记录核对后删除其 review")
    return {
        "key": meta.key(city.code),
        "city": city.name,
        "title": meta.title,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "published": meta.published,
        "valid_from": meta.valid_from,
        "valid_until": meta.valid_until,
        "validity_note": meta.validity_note,
        "source_file": source_file,
        "review": NOTE_SEPARATOR.join(notes),
    }


def _cover_the_rest(draft: dict[str, Any], text: str, source_file: str) -> None:
    """Run the completeness check on the draft; a figure still uncovered becomes an exclusion."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / source_file).write_text(text, encoding="utf-8")
        report = check_document(draft, Path(folder))
    for figure in report.uncovered:
        draft["exclusions"].append(
            {
                "context": figure.context(report.compact_text),
                "reason": UNPLACED_REASON,
                "review": "草稿未能把这个数字放进任何条目,请补成条目或写明排除理由",
            }
        )
