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
from .hotline import HOTLINE_NAME

HEADLINE_KINDS = ("amount", "cap", "ratio", "rate", "months", "working_days", "days", "years", "deadline")
MAX_HEADLINE_FIGURES = 4
MAX_CLAUSE_CHARS = 90
MAX_SEVERAL_FIGURE_CHARS = 70
MAX_SOURCE_CHARS = 300  # the verbatim clause 「原文」 shows: every clause of the five documents fits
MAX_BUTTON_CHARS = 30
MAX_SUCCESSOR_UNITS = 3  # units named for a successor policy: the lead unit and the next two
DEFAULT_UNIT = "当地工业和信息化部门"


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
        lines.append(f"{'最高可得' if calculation.upto else '可得'}:{calculation.amount_text}")
        lines.append(f"计算:{calculation.working}")
        if calculation.total:
            lines.append(f"合计可得:{calculation.total.amount_text}({calculation.total.working})")
        if calculation.note:
            lines.append(f"说明:{calculation.note}")
        return lines
    shown = sorted((f for f in b.figures if f.kind in HEADLINE_KINDS), key=lambda f: not _in_focus(f, focus))
    figures = [_figure(f) for f in shown][:MAX_HEADLINE_FIGURES]
    if figures:
        lines.append(";".join(figures))
    if b.tier is not None:
        lines += [f"· {line}" for line in tiers.describe(b.tier)]
    if isinstance(calculation, MissingFigures):
        lines.append(calculation.message)
    elif b.tier is not None or b.formula is not None:
        needed = "、".join(bases_needed(b))
        lines.append(f"(告诉我{needed},我帮您算出具体金额)")
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
    validity = validity_of(b, today)
    until = validity.until
    if validity.period:
        ended = wording.ENDED_PERIOD.format(period=validity.period, until=format_date(until))
    else:
        ended = wording.ENDED_ON.format(until=format_date(until)) if until else wording.ENDED
    return ended + wording.ENDED_SUCCESSOR.format(units=successor_units(b))


def lead_unit(b: BenefitRecord) -> str:
    return b.departments[0] if b.departments else DEFAULT_UNIT


def successor_units(b: BenefitRecord) -> str:
    units = b.departments[:MAX_SUCCESSOR_UNITS]
    if not units:
        return DEFAULT_UNIT
    if len(units) == 1:
        return units[0]
    return f"牵头单位{units[0]},或{'、'.join(units[1:])}"


def source_line(b: BenefitRecord) -> str:
    return f"出处:{citation(b.document, b.clause_ref)}"


def departments_line(b: BenefitRecord) -> str:
    return f"责任单位:{'、'.join(b.departments)}" if b.departments else f"责任单位:文件未列明,可咨询{DEFAULT_UNIT}"


def eligibility_line(b: BenefitRecord) -> str:
    return f"对象:{b.eligibility}"


def status_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    """Whether the policy still applies, and how old its document is: 已于2022年12月31日到期，2022年文件."""
    validity = validity_of(b, today)
    year = f"{validity.published_year}年文件" if validity.published_year else "文件未载明年份"
    if validity.ended:
        return f"已于{format_date(validity.until)}到期，{year}"
    if validity.state == VALID:
        return f"有效至{format_date(validity.until)}，{year}"
    if validity.state == STALE:
        return f"文件未规定期限，发布于{year.removesuffix('文件')}，请确认是否仍执行"
    return f"文件未规定期限，{year}"


def state_tag(b: BenefitRecord, today: dt.date | None = None) -> str:
    """One word for a list entry: 有效, 已过期, or 期限未定 for an undated measure of an older document."""
    return {ENDED: "已过期", VALID: "有效", STALE: "期限未定"}.get(validity_of(b, today).state, "有效")


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
        lines.append("条件:" + ";".join(b.conditions[:2]))
    if not expired:
        lines.append(validity_line(b, today))
    lines += [departments_line(b), source_line(b)]
    return "\n".join(lines)


def several_text(city: str, records: list[BenefitRecord], calculations: list, today: dt.date | None = None) -> str:
    """One short entry per subject the owner named (上市、技改、招聘 ...), each with its figure and source."""
    documents = list({b.document.key: b.document for b in records}.values())
    lines = [f"【{city}】您问到的{len(records)}项政策:"]
    for i, (b, calculation) in enumerate(zip(records, calculations), 1):
        lines_ = [line for line in headline(b, calculation) if not line.startswith(("(", "计算", "· "))]
        figure = "；".join(lines_).removeprefix(b.name + ":") or b.summary
        state = state_tag(b, today)
        lines.append(f"{i}. {b.name}:{shorten(figure, MAX_SEVERAL_FIGURE_CHARS)}({state})")
        # One document for all: each entry names its clause, the document is cited once below.
        source = (
            clause_citation(b.document, b.clause_ref) if len(documents) == 1 else citation(b.document, b.clause_ref)
        )
        lines.append(f"   出处:{source};责任单位:{'、'.join(b.departments[:2]) or '见原文'}")
    if len(documents) == 1:
        lines.append(f"以上均出自{document_citation(documents[0])}。")
    lines.append("回复序号可看某一项的详细条件、责任单位和出处。")
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis: one line of a list on a phone."""
    return text if len(text) <= limit else text[:limit] + "…"


RELATED_HEADING = "相关政策:"


def related_lines(records: list[BenefitRecord], today: dt.date | None = None) -> str:
    """The related records' gist, numbered as their buttons (related_buttons), expired ones tagged."""
    lines = [RELATED_HEADING]
    for i, b in enumerate(records, 1):
        tag = "（已过期）" if b.is_expired(today) else ""
        lines.append(f"{i}. {b.name}{tag}:{b.summary}")
    return "\n".join(lines)


def related_buttons(records: list[BenefitRecord], today: dt.date | None = None) -> list[dict]:
    """Records related to an answer as buttons of the same reply, numbered like a list (「第2个」 picks one),
    expired ones tagged; the caller keeps them as the last list."""
    buttons = []
    for i, b in enumerate(records, 1):
        tag = "（已过期）" if b.is_expired(today) else ""
        name = shorten(b.name, MAX_BUTTON_CHARS - len(tag) - len(f"{i}. ") - 1)
        buttons.append({"title": f"{i}. {name}{tag}", "payload": f"第{i}个"})
    return buttons


def contact_text(records: list[BenefitRecord]) -> str:
    lines = []
    for b in records:
        lines += [f"【{b.city}】{b.name}", departments_line(b), source_line(b)]
    lines.append("建议先联系排在第一位的牵头单位。")
    return "\n".join(lines)


def conditions_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    figures = [_figure(f) for f in b.figures if f.kind in HEADLINE_KINDS][:MAX_HEADLINE_FIGURES]
    lines = [f"【{b.city}】{b.name}", *([";".join(figures)] if figures else []), eligibility_line(b)]
    lines += [f"· {c}" for c in b.conditions]
    thresholds = [_figure(f) for f in b.figures if f.kind == "threshold"]
    if thresholds:
        lines.append("门槛:" + ";".join(thresholds))
    lines += [f"原文:{shorten(b.clause_text, MAX_CLAUSE_CHARS)}", validity_line(b, today), source_line(b)]
    return "\n".join(lines)


def validity_text(records: list[BenefitRecord], today: dt.date | None = None) -> str:
    lines = []
    for b in records:
        lines += [f"【{b.city}】{b.name}", validity_line(b, today)]
        note = b.validity_note or b.document.validity_note
        if note:
            lines.append(f"说明:{note}")
        lines.append(source_line(b))
    return "\n".join(lines)


def per_city_text(per_city: dict[str, BenefitRecord], topic_label: str, today: dt.date | None = None) -> str:
    lines = [f"各地“{topic_label}”政策要点:"]
    for city, b in per_city.items():
        lines.append(f"· {city}:{b.summary}{'（已过期）' if b.is_expired(today) else ''}")
    lines.append("您是哪个城市的企业?选择城市后我给出条件、有效期、责任单位和出处。")
    return "\n".join(lines)


def overview_text(city: str, records: list[BenefitRecord], today: dt.date | None = None) -> str:
    label = records[0].category_label if len({r.category for r in records}) == 1 else "主要"
    lines = [f"{city}的{label}政策(共列{len(records)}条,问具体一条可得详细条件和出处):"]
    lines += [
        f"{i}. {b.name}{'（已过期）' if b.is_expired(today) else ''}:{b.summary}" for i, b in enumerate(records, 1)
    ]
    return "\n".join(lines)


def passage_text(city: str, hit, departments: list[str]) -> str:
    ask = f"具体适用请咨询{city}{'、'.join(departments)}。" if departments else ""
    return "\n".join(
        [
            f"【{city}】政策库中没有与此直接对应的惠企条目,原文中最相关的是:",
            f"“{hit.passage.text}”",
            f"出处:{citation(hit.document, hit.passage.section)}",
            f"该句不是给企业的具体奖补标准,仅供参考。{ask}",
        ]
    )


def not_found_text(city: str, question: str, departments: list[str], hotline: str | None = None) -> str:
    """Nothing matches: say so, and whom to ask (the units of this kind of help in the city, else its 12345)."""
    if departments:
        ask = f"可咨询{city}{'、'.join(departments)}"
    elif hotline:
        ask = f"可拨打{city}{HOTLINE_NAME}({hotline})咨询"
    else:
        ask = f"可咨询{city}相关主管部门"
    return (
        f"政策库里没有找到{city}与“{question[:30]}”对应的条款。{ask}。"
        "您也可以换个说法,或问问奖励补贴、贷款融资、社保、税费、房租水电等方面。"
    )


def city_buttons(cities: list[str]) -> list[dict]:
    return [{"title": c, "payload": "/inform_city" + json.dumps({"city": c}, ensure_ascii=False)} for c in cities]


def document_lines(doc, today: dt.date | None = None) -> list[str]:
    """One document's metadata: title, 文号 (or plainly none), issuer, date and overall validity."""
    today = today or clock.today()
    number = f"文号:{doc.doc_number}" if doc.doc_number else "文号:该文件原文未载明文号"
    published = f"发布日期:{format_date(doc.published)}" if doc.published else "发布日期:原文未载明"
    if doc.valid_until is None:
        state = "有效期:文件未规定统一有效期,各条款以所列期限为准"
    elif doc.valid_until < today:
        state = f"有效期:至{format_date(doc.valid_until)},已过期"
    else:
        state = f"有效期:至{format_date(doc.valid_until)},仍有效"
    return [f"《{doc.title}》", number, f"发文单位:{doc.issuer}", published, state]


def documents_text(city: str | None, documents: list, today: dt.date | None = None) -> str:
    head = f"{city}收录的政策文件:" if city else f"政策库收录{len(documents)}份文件:"
    lines = [head]
    for doc in documents:
        if not city:
            lines.append(f"【{doc.city}】")
        lines += document_lines(doc, today)
    return "\n".join(lines)


def source_text(b: BenefitRecord) -> str:
    """「原文」: the clause verbatim (a long one up to a sentence end, marked 节选), then its citation."""
    return "\n".join([f"【{b.city}】{b.name}", f"原文:{excerpt(b.clause_text, MAX_SOURCE_CHARS)}", source_line(b)])


SENTENCE_ENDS = "。；;！？"


def excerpt(text: str, limit: int) -> str:
    """`text` whole when it fits, else cut after the last sentence end within `limit` (or at `limit` when
    that would keep less than half), marked as an excerpt."""
    if len(text) <= limit:
        return text
    end = max(text.rfind(mark, 0, limit) for mark in SENTENCE_ENDS) + 1
    return (text[:end] if end > limit // 2 else text[:limit]) + "……（节选）"


def apply_text(b: BenefitRecord, today: dt.date | None = None) -> str:
    """How to apply: the file names no procedure, so say whom to ask and what to have ready."""
    lines = [f"【{b.city}】{b.name}", eligibility_line(b)]
    if b.conditions:
        lines.append("需满足:" + ";".join(b.conditions[:3]))
    lead = b.departments[0] if b.departments else DEFAULT_UNIT
    lines += [
        f"办理:文件未规定申报流程和材料,请向{lead}咨询申报时间和所需材料。",
        departments_line(b),
        validity_line(b, today),
        source_line(b),
    ]
    return "\n".join(lines)


def topic_label(topics: tuple[str, ...], text: str) -> str:
    """How a comparison names its measure: the first topic, else the question's words."""
    return topics[0].replace('"', "") if topics else text.strip(" ，,。？?！!")[:20]


def item_buttons(records: list[BenefitRecord]) -> list[dict]:
    """A numbered list's items as buttons; the payload is the item's number, read like 「第2个」."""
    return [{"title": f"{i}. {b.name}"[:30], "payload": f"第{i}个"} for i, b in enumerate(records, 1)]
