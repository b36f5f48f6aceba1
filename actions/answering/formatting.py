"""Write replies that fit a phone screen: the figure first, then who, until when, whom to ask, source.

Replies are Markdown, as the web page renders it: the figure line of an answer is bold
(``**…**``, :func:`bold`) and a citation may link to its clause (``[查看原文](…)``, citations.py).
REST clients get this text as it is; the WeChat channel turns it into plain text
(bot/channels/wechat/plain_text.py). Nothing else of Markdown is written on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from policy_db import clock, tiers
from policy_db.calculator import Calculation, MissingFigures, bases_needed
from policy_db.records import BenefitRecord, FigureRecord
from policy_db.validity import ENDED, STALE, VALID, validity_of
from policy_db.vocabulary import CAP_FOCUS

from . import wording
from .citations import citation, clause_citation, document_citation, format_date

HEADLINE_KINDS = ("amount", "cap", "ratio", "rate", "months", "working_days", "days", "years", "deadline")
MAX_HEADLINE_FIGURES = 4
MAX_CLAUSE_CHARS = 90
MAX_SEVERAL_FIGURE_CHARS = 70
MAX_SOURCE_CHARS = 300  # the verbatim clause 「原文」 shows: every clause of the five documents fits
MAX_BUTTON_CHARS = 30
MAX_SUCCESSOR_UNITS = 3  # units named for a successor policy: the lead unit and the next two


def bold(text: str) -> str:
    """Markdown bold, on a line of its own: the figure an owner looks for first."""
    return f"**{text}**"


# A label's bracketed qualifier reads before the figure (期限(最长不超过) 1年 -> 期限最长不超过1年) or after it
# (收入(以上) 5000万元 -> 收入:5000万元以上).
_QUALIFIER_BEFORE = re.compile(r"^(.*?)[（(](最长不超过|不超过|未超过|超过|不低于|最高|最长|至少)[)）]$")
_QUALIFIER_AFTER = re.compile(r"^(.*?)[（(](以上|以内|以下|达到及以上)[)）]$")


def _figure(f: FigureRecord) -> str:
    text = format_date(f.date_value) if f.date_value and f.unit == "date" else f.text
    label = f.label.strip()
    if not label or label in text:
        return text
    before, after = _QUALIFIER_BEFORE.match(label), _QUALIFIER_AFTER.match(label)
    if before:
        return f"{before[1]}{before[2]}{text}"
    if after:
        return f"{after[1]}:{text}{after[2].removeprefix('达到')}"
    return f"{label}{'' if label.endswith(('为', '至')) else ':'}{text}"


def headline(
    b: BenefitRecord, calculation: Calculation | MissingFigures | None = None, focus: tuple[str, ...] = ()
) -> list[str]:
    """The figure lines: the amount computed from the owner's figures when they allow it, else the figures,
    those the owner asked about (`focus`: 「高级工呢」, 上限) first."""
    lines = []
    if isinstance(calculation, Calculation):
        # 「上限多少」 asked after a computed amount: the clause's ceiling first, then the owner's amount
        asked = [_figure(f) for f in b.figures if f.kind in HEADLINE_KINDS and focus and _in_focus(f, focus)]
        if asked:
            lines.append("；".join(asked[:MAX_HEADLINE_FIGURES]))
        lines.append(
            (wording.CALC_UPTO if calculation.upto else wording.CALC_AMOUNT).format(
                amount=calculation.amount_text, gives=calculation.gives
            )
        )
        lines.append(wording.CALC_WORKING.format(working=calculation.working))
        if calculation.total:
            total = calculation.total
            lines.append(wording.CALC_TOTAL.format(amount=total.amount_text, working=total.working))
        if calculation.note:
            lines.append(wording.LABEL_NOTE + calculation.note)
        return lines
    shown = sorted((f for f in b.figures if f.kind in HEADLINE_KINDS), key=lambda f: not _in_focus(f, focus))
    figures = [_figure(f) for f in shown][:MAX_HEADLINE_FIGURES]
    if figures:
        lines.append("；".join(figures))
    if b.tier is not None:
        lines += [f"· {line}" for line in tiers.describe(b.tier)]
    if isinstance(calculation, MissingFigures):
        lines.append(calculation.message)
    elif b.tier is not None or b.formula is not None:
        needed = "、".join(bases_needed(b))
        lines.append(wording.FIGURES_HINT.format(needed=needed))
    if not lines:
        lines.append(b.summary)
    return lines


def _in_focus(f: FigureRecord, focus: tuple[str, ...]) -> bool:
    return any(word in f.label or (word == CAP_FOCUS and f.kind == "cap") for word in focus)


def validity_line(b: BenefitRecord, today: dt.date | None = None) -> str:
    """Whether the measure applies today: its end date, the period it was bound to, or the caveat for an
    undated measure of an older document (policy_db.validity)."""
    validity = validity_of(b, today)
    if validity.ended:
        return ended_line(b, today)
    if validity.state == VALID:
        return wording.VALID_UNTIL.format(until=format_date(validity.until))
    if validity.state == STALE:
        return wording.STALE_CAVEAT.format(year=validity.published_year, lead=lead_unit(b))
    return wording.UNDATED


def ended_line(b: BenefitRecord, today: dt.date | None = None) -> str:
    """An expired policy said plainly, and whom to ask about a successor: its units, the lead unit first."""
    return ended_phrase(b, today) + wording.ENDED_SUCCESSOR.format(units=successor_units(b))


def ended_phrase(b: BenefitRecord, today: dt.date | None = None) -> str:
    """「已结束：这项措施针对2022年第一季度，已于2022年3月31日到期」 or 「已于…到期」."""
    validity = validity_of(b, today)
    until = validity.until
    if validity.period:
        return wording.ENDED_PERIOD.format(period=validity.period, until=format_date(until))
    return wording.ENDED_ON.format(until=format_date(until)) if until else wording.ENDED


def lead_unit(b: BenefitRecord) -> str:
    return b.departments[0] if b.departments else wording.DEFAULT_UNIT


def successor_units(b: BenefitRecord) -> str:
    units = b.departments[:MAX_SUCCESSOR_UNITS]
    if not units:
        return wording.DEFAULT_UNIT
    if len(units) == 1:
        return units[0]
    return wording.SUCCESSOR_UNITS.format(lead=units[0], others="、".join(units[1:]))


def sources_text(records: list[BenefitRecord]) -> str:
    """The sources of several records: each document cited once, with the clauses of it used."""
    lines = []
    by_document: dict[str, list[BenefitRecord]] = {}
    for b in records:
        by_document.setdefault(b.document.key, []).append(b)
    for group in by_document.values():
        if len(group) == 1:
            lines.append(source_line(group[0]))
            continue
        clauses = "；".join(dict.fromkeys(clause_citation(b.document, b.clause_ref) for b in group))
        lines.append(wording.SOURCES_OF_DOCUMENT.format(document=document_citation(group[0].document), clauses=clauses))
    return "\n".join(lines)


def source_line(b: BenefitRecord) -> str:
    return wording.LABEL_SOURCE + citation(b.document, b.clause_ref)


def departments_line(b: BenefitRecord) -> str:
    if b.departments:
        return wording.LABEL_DEPARTMENTS + "、".join(b.departments)
    return wording.LABEL_DEPARTMENTS + wording.DEPARTMENTS_NOT_LISTED.format(unit=wording.DEFAULT_UNIT)


def eligibility_line(b: BenefitRecord) -> str:
    return wording.LABEL_ELIGIBILITY + b.eligibility


def status_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    """Whether the policy still applies, and how old its document is: 已于2022年12月31日到期，2022年文件."""
    validity = validity_of(b, today)
    year = (
        wording.STATUS_YEAR.format(year=validity.published_year) if validity.published_year else wording.STATUS_NO_YEAR
    )
    if validity.ended:
        return wording.STATUS_ENDED.format(until=format_date(validity.until), year=year)
    if validity.state == VALID:
        return wording.STATUS_VALID.format(until=format_date(validity.until), year=year)
    if validity.state == STALE:  # a stale document always has its year (policy_db.validity)
        return wording.STATUS_STALE.format(year=validity.published_year)
    return wording.STATUS_UNDATED.format(year=year)


def state_tag(b: BenefitRecord, today: dt.date | None = None) -> str:
    """One word for a list entry: 有效, 已过期, or 期限未定 for an undated measure of an older document."""
    tags = {ENDED: wording.TAG_ENDED, VALID: wording.TAG_VALID, STALE: wording.TAG_STALE}
    return tags.get(validity_of(b, today).state, wording.TAG_VALID)


def answer_card(
    b: BenefitRecord,
    calculation: Calculation | MissingFigures | None = None,
    today: dt.date | None = None,
    focus: tuple[str, ...] = (),
) -> str:
    """The answer to 「…能拿多少」: status, the figure in bold, then who, conditions, whom to ask, source.

    An expired policy says so right under the figure, with whom to ask about a successor."""
    figure, *details = headline(b, calculation, focus)
    lines = [f"【{b.city}】{b.name}（{status_text(b, today)}）", bold(figure)]
    expired = b.is_expired(today)
    if expired:
        lines.append(ended_line(b, today))
    lines += [*details, eligibility_line(b)]
    if b.conditions:
        lines.append(wording.LABEL_CONDITIONS + "；".join(b.conditions[:2]))
    if not expired:
        lines.append(validity_line(b, today))
    lines += [departments_line(b), source_line(b)]
    return "\n".join(lines)


# What several_text leaves out of an entry's figure: the offer to compute, the working and the tier steps.
_NOT_IN_A_LIST = (wording.FIGURES_HINT.split("{")[0], wording.CALC_WORKING.split("{")[0], "· ")


def several_text(city: str, records: list[BenefitRecord], calculations: list, today: dt.date | None = None) -> str:
    """One short entry per subject the owner named (上市、技改、招聘 ...), each with its figure and source."""
    documents = list({b.document.key: b.document for b in records}.values())
    lines = [wording.SEVERAL_HEAD.format(city=city, count=len(records))]
    for i, (b, calculation) in enumerate(zip(records, calculations), 1):
        lines_ = [line for line in headline(b, calculation) if not line.startswith(_NOT_IN_A_LIST)]
        figure = "；".join(lines_).removeprefix(b.name + ":") or b.summary
        state = state_tag(b, today)
        lines.append(
            wording.SEVERAL_LINE.format(i=i, name=b.name, figure=shorten(figure, MAX_SEVERAL_FIGURE_CHARS), state=state)
        )
        # One document for all: each entry names its clause, the document is cited once below.
        source = (
            clause_citation(b.document, b.clause_ref) if len(documents) == 1 else citation(b.document, b.clause_ref)
        )
        units = "、".join(b.departments[:2]) or wording.SEVERAL_NO_UNITS
        lines.append(wording.SEVERAL_SOURCE.format(source=source, units=units))
    if len(documents) == 1:
        lines.append(wording.SEVERAL_ONE_DOCUMENT.format(document=document_citation(documents[0])))
    lines.append(wording.PICK_BY_NUMBER)
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: one line of a list on a phone."""
    return text if len(text) <= limit else text[:limit] + "…"


def related_lines(records: list[BenefitRecord], today: dt.date | None = None) -> str:
    """The related records' gist, numbered as their buttons (related_buttons), expired ones tagged."""
    lines = [wording.RELATED_HEADING]
    for i, b in enumerate(records, 1):
        tag = wording.EXPIRED_MARK if b.is_expired(today) else ""
        lines.append(f"{i}. {b.name}{tag}:{b.summary}")
    return "\n".join(lines)


def related_buttons(records: list[BenefitRecord], today: dt.date | None = None) -> list[dict]:
    """Records related to an answer as buttons of the same reply, numbered like a list (「第2个」 picks one),
    expired ones tagged; the caller keeps them as the last list."""
    buttons = []
    for i, b in enumerate(records, 1):
        tag = wording.EXPIRED_MARK if b.is_expired(today) else ""
        name = shorten(b.name, MAX_BUTTON_CHARS - len(tag) - len(f"{i}. ") - 1)
        buttons.append({"title": f"{i}. {name}{tag}", "payload": f"第{i}个"})
    return buttons


def contact_text(records: list[BenefitRecord]) -> str:
    lines = []
    for b in records:
        lines += [f"【{b.city}】{b.name}", departments_line(b), source_line(b)]
    lines.append(wording.CONTACT_LEAD_FIRST)
    return "\n".join(lines)


def conditions_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    figures = [_figure(f) for f in b.figures if f.kind in HEADLINE_KINDS][:MAX_HEADLINE_FIGURES]
    lines = [f"【{b.city}】{b.name}", *(["；".join(figures)] if figures else []), eligibility_line(b)]
    lines += [f"· {c}" for c in b.conditions]
    thresholds = [_figure(f) for f in b.figures if f.kind == "threshold"]
    if thresholds:
        lines.append(wording.LABEL_THRESHOLDS + "；".join(thresholds))
    lines += [wording.LABEL_CLAUSE + shorten(b.clause_text, MAX_CLAUSE_CHARS), validity_line(b, today), source_line(b)]
    return "\n".join(lines)


def validity_text(records: list[BenefitRecord], today: dt.date | None = None) -> str:
    lines = []
    for b in records:
        lines += [f"【{b.city}】{b.name}", validity_line(b, today)]
        note = b.validity_note or b.document.validity_note
        if note:
            lines.append(wording.LABEL_NOTE + note)
        lines.append(source_line(b))
    return "\n".join(lines)


def per_city_text(per_city: dict[str, BenefitRecord], topic_label: str, today: dt.date | None = None) -> str:
    lines = [wording.PER_CITY_HEAD.format(topic=topic_label)]
    for city, b in per_city.items():
        lines.append(f"· {city}:{b.summary}{wording.EXPIRED_MARK if b.is_expired(today) else ''}")
    lines.append(wording.PER_CITY_ASK)
    return "\n".join(lines)


def overview_text(city: str, records: list[BenefitRecord], today: dt.date | None = None) -> str:
    label = records[0].category_label if len({r.category for r in records}) == 1 else wording.OVERVIEW_MAIN
    lines = [wording.OVERVIEW_HEAD.format(city=city, label=label, count=len(records))]
    lines += [
        f"{i}. {b.name}{wording.EXPIRED_MARK if b.is_expired(today) else ''}:{b.summary}"
        for i, b in enumerate(records, 1)
    ]
    return "\n".join(lines)


def passage_text(city: str, hit, departments: list[str]) -> str:
    ask = wording.PASSAGE_ASK.format(city=city, units="、".join(departments)) if departments else ""
    return "\n".join(
        [
            wording.PASSAGE_HEAD.format(city=city),
            f"“{hit.passage.text}”",
            wording.LABEL_SOURCE + citation(hit.document, hit.passage.section),
            wording.PASSAGE_NOTE.format(ask=ask),
        ]
    )


def not_found_text(city: str, question: str, departments: list[str], hotline: str | None = None) -> str:
    """Nothing matches: say so, and whom to ask (the units of this kind of help in the city, else its 12345)."""
    if departments:
        ask = wording.NOT_FOUND_ASK_UNITS.format(city=city, units="、".join(departments))
    elif hotline:
        ask = wording.NOT_FOUND_ASK_HOTLINE.format(city=city, hotline=wording.HOTLINE_NAME, number=hotline)
    else:
        ask = wording.NOT_FOUND_ASK_DEFAULT.format(city=city)
    return wording.NOT_FOUND.format(city=city, question=question[:30], ask=ask)


def city_buttons(cities: list[str]) -> list[dict]:
    return [{"title": c, "payload": "/inform_city" + json.dumps({"city": c}, ensure_ascii=False)} for c in cities]


def document_lines(doc, today: dt.date | None = None) -> list[str]:
    """One document's metadata: title, 文号 (or plainly none), issuer, date and overall validity."""
    today = today or clock.today()
    number = wording.LABEL_DOC_NUMBER + (doc.doc_number or wording.NO_DOC_NUMBER)
    published = wording.LABEL_PUBLISHED + (format_date(doc.published) if doc.published else wording.NO_PUBLISHED)
    if doc.valid_until is None:
        state = wording.DOC_VALIDITY_NONE
    elif doc.valid_until < today:
        state = wording.DOC_VALIDITY_ENDED.format(until=format_date(doc.valid_until))
    else:
        state = wording.DOC_VALIDITY_VALID.format(until=format_date(doc.valid_until))
    return [f"《{doc.title}》", number, wording.LABEL_ISSUER + doc.issuer, published, state]


def documents_text(city: str | None, documents: list, today: dt.date | None = None) -> str:
    head = wording.DOCUMENTS_OF_CITY.format(city=city) if city else wording.DOCUMENTS_ALL.format(count=len(documents))
    lines = [head]
    for doc in documents:
        if not city:
            lines.append(f"【{doc.city}】")
        lines += document_lines(doc, today)
    return "\n".join(lines)


def source_text(b: BenefitRecord) -> str:
    """「原文」: the clause verbatim (a long one up to a sentence end, marked 节选), then its citation."""
    return "\n".join(
        [f"【{b.city}】{b.name}", wording.LABEL_CLAUSE + excerpt(b.clause_text, MAX_SOURCE_CHARS), source_line(b)]
    )


SENTENCE_ENDS = "。；;！？"


def excerpt(text: str, limit: int) -> str:
    """`text` whole when it fits, else cut after the last sentence end within `limit` (or at `limit` when
    that would keep less than half), marked as an excerpt."""
    if len(text) <= limit:
        return text
    end = max(text.rfind(mark, 0, limit) for mark in SENTENCE_ENDS) + 1
    return (text[:end] if end > limit // 2 else text[:limit]) + wording.EXCERPT_MARK


def apply_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    """How to apply: the file names no procedure, so say whom to ask and what to have ready."""
    lines = [f"【{b.city}】{b.name}", eligibility_line(b)]
    if b.conditions:
        lines.append(wording.LABEL_REQUIREMENTS + "；".join(b.conditions[:3]))
    lead = b.departments[0] if b.departments else wording.DEFAULT_UNIT
    lines += [
        wording.APPLY_ASK.format(lead=lead),
        departments_line(b),
        validity_line(b, today),
        source_line(b),
    ]
    return "\n".join(lines)


MARKDOWN_ACTIVE = re.compile(r"[\[\]()*_`<>#!|~\\]")


def quoted(text: str) -> str:
    """The owner's own words quoted in a reply, without the characters Markdown would act on, so a message
    (or a payload) cannot make the bot say a link or a format in its own words."""
    return MARKDOWN_ACTIVE.sub("", text)


def topic_label(topics: tuple[str, ...], text: str) -> str:
    """How a comparison names its measure: the first topic, else the question's words."""
    return topics[0].replace('"', "") if topics else quoted(text.strip(" ，,。？?！!"))[:20]


def item_buttons(records: list[BenefitRecord]) -> list[dict]:
    """A numbered list's items as buttons; the payload is the item's number, read like 「第2个」."""
    return [{"title": f"{i}. {b.name}"[:30], "payload": f"第{i}个"} for i, b in enumerate(records, 1)]
