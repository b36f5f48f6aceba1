"""The lookup handlers of the turn table (turn_kinds.py): a record's card, a follow-up about it, lists,
documents, places and the questions the bot asks back.

Rules the product promises:
- a figure is only ever taken from a record of the city being asked about;
- a message that only changes the city, the level, a figure or the aspect applies to the current subject;
- with no city, the bot lists the figure per city (when a topic matches) and asks for the city;
- a numbered list offers its items as buttons, and 「第二个」 picks from it;
- when nothing matches, it says so and names the departments to ask.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from policy_db import outcomes
from policy_db.calculator import Calculation, bases_needed, calculate, total_with
from policy_db.money import format_yuan
from policy_db.query import Catalog
from policy_db.records import BenefitRecord
from policy_db.user_figures import UserFigures
from policy_db.vocabulary import load_vocabulary

from . import formatting, wording
from .amounts import Amount, amount_of, stacked
from .aspects import AspectRequest, format_aspect
from .checkup import checkup_text
from .context import Turn
from .frame import Frame, Reader
from .hotline import hotlines
from .introduction import topic_buttons, topic_word
from .reply import Reply
from .selection import (
    GENERIC_WORDS,
    VALIDITY_WORDS,
    Selection,
    asked_categories,
    asks_for_figure,
    bases_named,
    best_passage,
    broader_topics,
    cities_with_topics,
    computed_from,
    is_broad,
    is_generic,
    lead_departments,
    select_in_city,
    select_per_city,
    topic_departments,
)

OVERVIEW_SIZE = 8
MAX_SIBLINGS = 8  # records of one topic compared for the owner's distinctive words
# A kind of help named along (税、社保) is answered by a record whose words match at least this share of the
# best match's: a record of that kind that only shares a common word is no answer.
CATEGORY_TEXT_SHARE = 0.1
MAX_SEVERAL = 5  # entries in a several-subject answer
PAYING_SHARE = 0.8  # a record that pays an amount is preferred within this share of the best score
MAX_POINT_CHARS = 80
KEY_POINT_ASPECTS = ("amount", "conditions")  # answers that add the sentence the card does not show
CLAUSE_ANCHOR_CHARS = 16  # the start of a clause, found in the paragraph it stands in
MAX_SOURCE_PASSAGES = 3  # source passages of the record's document searched for the key sentence
MIN_NOVEL_SOURCE_WORDS = 2  # words a source sentence must add to the card to be shown as the key point


# -- the subject changes only in part -------------------------------------------------------------
def follow_up(reader: Reader, turn: Turn, frame: Frame, today: dt.date | None) -> Reply:
    """「那省级的呢」「要是8亿呢」「找谁办」「要交滞纳金吗」: the same subject, one part changed."""
    message, conversation = turn.message, turn.conversation
    subject = conversation.subject[0]
    covers_level = message.level and message.level in subject.name + subject.eligibility + subject.summary
    if message.level and not covers_level and conversation.question:
        # 「那省级的呢」 after 小巨人 (a national title): the same subject at that level is its broader topic.
        again = reader.read(relevel(reader, conversation.question))
        broader = broader_topics(reader.catalog, again.topics)
        text = again.text
        for narrow, broad in broader.items():
            for word in sorted([narrow, *reader.catalog.topics.get(narrow, [])], key=len, reverse=True):
                text = text.replace(word.replace('"', ""), topic_word(broad))
        topics = tuple(dict.fromkeys(broader.get(t, t) for t in again.topics))
        return answer(
            reader.catalog,
            replace(
                frame,
                text=text,
                topics=topics or frame.topics,
                content=again.content,
                aspect=message.aspect or "amount",
            ),
            today,
        )
    aspect = message.aspect or ("amount" if message.figures else frame.aspect) or "amount"
    return render(reader.catalog, aspect, conversation.subject[:1], frame, today, question=message.text)


def relevel(reader: Reader, question: str) -> str:
    """The last question without its level words, so the new level decides."""
    for level in reader.vocabulary.levels:
        for word in level.words:
            question = question.replace(word, "")
    return question


def switch_city(reader: Reader, turn: Turn, today: dt.date | None) -> Reply:
    """「那三明呢」「平顶山」: the remembered (or pending) question, asked of the city just named."""
    conversation = turn.conversation
    question = conversation.pending_question or conversation.question or ""
    again = reader.read(reader.catalog.without_places(question))
    frame = replace(
        again,
        city=turn.message.city,
        level=turn.message.level or conversation.frame.level,
        aspect=turn.message.aspect or conversation.frame.aspect or "amount",
        figures=again.figures or conversation.frame.figures,
    )
    return answer(reader.catalog, frame, today)


def covers(catalog: Catalog, benefit: BenefitRecord, message: Frame) -> bool:
    """The current subject's clause speaks of the message's words (「要交滞纳金吗」 after 社保缓缴)."""
    bases = "".join(bases_needed(benefit)) + (benefit.tier.basis if benefit.tier else "")
    own = set(catalog.tokenizer.tokens(benefit.clause_text + benefit.name + benefit.summary + bases))
    return set(message.content) <= own or (bool(message.figures) and bool(own & set(message.content)))


# -- a subject of its own --------------------------------------------------------------------------
def answer(catalog: Catalog, frame: Frame, today: dt.date | None) -> Reply:
    # 「能享受什么」 of a record found by its words is its card (the 政策体检 of a described enterprise is a turn
    # kind of its own, turn_kinds.py)
    aspect = frame.aspect if frame.aspect and frame.aspect != "checkup" else "amount"
    city = frame.city
    if city is None:
        return ask_city(catalog, frame)
    search_text = catalog.without_places(frame.text)
    if aspect == "validity" and not frame.topics and is_generic(catalog, search_text, VALIDITY_WORDS):
        return documents(catalog, city, today)  # 「三明的政策还能用吗」
    selection = select_in_city(
        catalog, city, search_text, list(frame.topics), frame.category, frame.given, frame.level, frame.named_amounts
    )
    if not selection.found and frame.category and not frame.topics and is_generic(catalog, search_text):
        return overview(catalog, city, frame)
    if not selection.found and not frame.topics and is_generic(catalog, search_text) and asks_list(frame.text):
        return overview(catalog, city, frame)
    if not selection.found:
        return _broader(catalog, frame, city, search_text, today) or not_found(catalog, city, frame)
    several = several_subjects(catalog, frame, search_text, selection)
    if several:
        return _render_several(catalog, several, frame, city, today)
    return render(catalog, aspect, selection.records, frame, today, selection, question=frame.text)


def _broader(catalog: Catalog, frame: Frame, city: str, search_text: str, today: dt.date | None) -> Reply | None:
    """「滨州专精特新小巨人有什么政策」 where the city has nothing for 小巨人 but has for 专精特新: the broader
    topic's answer, saying first that the narrower one has no clause of its own. Only for a broad question:
    「小巨人奖多少」 asks for a figure the broader records do not give, and stays "not found"."""
    broader = broader_topics(catalog, frame.topics) if asks_list(frame.text) else {}
    if not broader:
        return None
    text = search_text
    for narrow, broad in broader.items():
        for word in sorted([narrow, *catalog.topics.get(narrow, [])], key=len, reverse=True):
            text = text.replace(word, broad)
    topics = list(dict.fromkeys(broader.get(t, t) for t in frame.topics))
    selection = select_in_city(
        catalog, city, text, topics, frame.category, frame.given, frame.level, frame.named_amounts
    )
    if not selection.found:
        return None
    narrow_words = "、".join(f"“{topic_word(t)}”" for t in broader)
    broad_words = "、".join(f"“{topic_word(t)}”" for t in dict.fromkeys(broader.values()))
    reply = render(
        catalog,
        frame.aspect or "amount",
        selection.records,
        replace(frame, topics=tuple(topics)),
        today,
        selection,
        question=frame.text,
    )
    note = wording.BROADER_NOTE.format(city=city, narrow=narrow_words, broad=broad_words)
    reply.messages[0]["text"] = note + "\n" + reply.messages[0]["text"]
    return reply


def several_subjects(catalog: Catalog, frame: Frame, search_text: str, selection: Selection) -> list[BenefitRecord]:
    """「先挂新三板再冲主板,还买了省外技术,有哪些奖励」: a broad question naming several subjects (topics, kinds
    of help, facets of one topic the owner names: 设机构、入驻产业园、办论坛) gets the best record of each, the
    overall best first; a question about one subject gets [] (one card)."""
    main = selection.main
    if main is None or not asks_list(frame.text):
        return []
    records = [main]
    several = len(frame.topics) + len(frame.categories) >= 2
    for topic in frame.topics if several else ():
        if any(topic in r.topics for r in records[1:]):
            continue
        hits = catalog.find_benefits(
            city=frame.city, category=frame.category, topics=[topic], text=search_text, limit=5
        )
        candidates = [
            h for h in hits if h.benefit not in records and topic in h.benefit.topics and not h.benefit.is_fact
        ]
        # 「能拿什么」 asks for money: of the close candidates, one that pays an amount.
        paying = [h for h in candidates if _pays(h.benefit) and h.score >= PAYING_SHARE * candidates[0].score]
        chosen = (paying or candidates)[:1]
        records += [hit.benefit for hit in chosen]
    # Facets of one subject (设机构、入驻产业园、办论坛): a record of the topic whose own words, found in none
    # of its siblings, the owner used.
    for topic in frame.topics:
        siblings = [
            h.benefit
            for h in catalog.find_benefits(city=frame.city, topics=[topic], text=search_text, limit=MAX_SIBLINGS)
            if topic in h.benefit.topics and not h.benefit.is_fact
        ]  # facts are not facets
        for benefit in siblings:
            others = {t for s in siblings if s is not benefit for t in s.search_tokens}
            if benefit not in records and set(frame.content) & (set(benefit.search_tokens) - others):
                records.append(benefit)
    # What the owner spends on (设备、贷款、担保): the record computed from it, within the subjects.
    for base in bases_named(frame.focus) if several else ():
        hits = catalog.find_benefits(city=frame.city, topics=list(frame.topics), text=search_text, limit=10)
        best = next((h.benefit for h in hits if h.benefit not in records and base in computed_from(h.benefit)), None)
        if best is not None:
            records.append(best)
    # Kinds of help (税、贷款、社保) named outside the figures' words (「上市融资15亿」 names 上市, not financing).
    for category in frame.categories if several else ():
        if any(r.category == category for r in records):
            continue
        hits = catalog.find_benefits(city=frame.city, category=category, text=search_text, limit=20)
        floor = CATEGORY_TEXT_SHARE * max((h.text_raw for h in hits), default=0)
        usable = [
            h.benefit
            for h in hits
            if h.text_raw > max(floor, 0)
            and h.benefit.category == category
            and not h.benefit.is_fact
            and h.benefit not in records
        ]
        # a measure still in force first; an ended one when the kind has nothing else (it says so)
        best = next((b for b in usable if not b.is_expired()), usable[0] if usable else None)
        if best is not None:
            records.append(best)
    return records[:MAX_SEVERAL] if len(records) >= 2 else []


def _pays(benefit: BenefitRecord) -> bool:
    return any(f.kind in ("amount", "cap") for f in benefit.figures) or benefit.tier is not None


def _render_several(
    catalog: Catalog, records: list[BenefitRecord], frame: Frame, city: str, today: dt.date | None
) -> Reply:
    records = sorted(records, key=lambda b: b.is_expired(today))  # valid ones first, the best of each first
    given = frame.given if frame.figures else None
    calculations = [_named_basis_calculation(r, given) if given else None for r in records]
    text = formatting.several_text(city, records, calculations, today)
    if asks_for_figure(frame.text):  # 「奖金和补贴合计多少」: the sum of what the entries pay, worked out
        text = _with_sum(records, calculations, today) + text
    reply = Reply().say(text, formatting.item_buttons(records))
    reply.remember(
        city=frame.city,
        subject=[r.key for r in records],
        listed=[r.key for r in records],
        topics=list(frame.topics),
        question=frame.text or None,
        aspect="amount",
        pending_question=None,
        level=frame.level,
        figures=frame.figures,
    )
    return reply


def _with_sum(records: list[BenefitRecord], calculations: list, today: dt.date | None) -> str:
    """「合计可得：最高90万元」 over the entries that pay an amount (expired ones left out, a document's stacking
    rule applied), or nothing."""
    parts = []
    for record, calculation in zip(records, calculations):
        if record.is_expired(today):
            continue
        amount = (
            Amount(calculation.amount_yuan, calculation.amount_text, calculation.working, calculation.upto)
            if isinstance(calculation, Calculation) and calculation.is_money
            else amount_of(record, UserFigures())
        )
        if amount is not None:
            parts.append((record, amount))
    stack = stacked(parts)
    if len(stack.counted) < 2:
        return ""
    amounts = [a for _, a in stack.counted]
    working = " + ".join(a.text for a in amounts) + f" = {format_yuan(stack.total)}"
    head = wording.TOTAL_HEAD.format(amount=("最高" if any(a.upto for a in amounts) else "") + format_yuan(stack.total))
    return f"{head}\n{wording.TOTAL_WORKING.format(working=working)}\n"


def _named_basis_calculation(benefit: BenefitRecord, given) -> Calculation | None:
    """In a list of several subjects, an amount is computed only from figures the owner named the basis of
    (「融资15亿」), never from a bare or unrelated figure of the description (「每月卖十万左右」)."""
    calculation = calculate(benefit, given)
    if isinstance(calculation, Calculation) and calculation.used and all(f.basis for f in calculation.used):
        return calculation
    return None


def asks_list(text: str) -> bool:
    """「有哪些支持」「能享受什么」: a broad question, answered with a list when nothing specific matches."""
    return is_broad(text) or "能享受" in text


def not_found(catalog: Catalog, city: str, frame: Frame) -> Reply:
    search_text = catalog.without_places(frame.text)
    departments = topic_departments(catalog, city, frame.topics, search_text) or lead_departments(
        catalog, city, asked_categories(catalog, frame)
    )
    passage = best_passage(catalog, city, search_text)
    text = (
        formatting.passage_text(city, passage, departments)
        if passage
        else formatting.not_found_text(city, _quote(catalog, frame.text), departments, hotlines(catalog).get(city))
    )
    reply = Reply().say(text).as_outcome(outcomes.PASSAGE_ONLY if passage else outcomes.NOT_FOUND)
    reply.remember(
        city=city,
        pending_question=None,
        subject=[],
        question=frame.text,
        aspect=frame.aspect or "amount",
        level=frame.level,
    )
    return reply


def key_sentence(catalog: Catalog, benefit: BenefitRecord, question: str, shown: str) -> str | None:
    """The sentence that answers what the card does not (「会影响待遇吗」 -> 不影响…享受待遇): from the clause,
    else a whole sentence of the paragraph the clause stands in that shares more of the question's words
    (「新增可再生能源算不算总量」 -> 新增可再生能源不纳入…总量控制)."""
    wanted = set(catalog.tokenizer.tokens(question)) - GENERIC_WORDS
    best, best_overlap = None, 0
    for sentence in re.split(r"(?<=[。;;,,])", benefit.clause_text):
        words = set(catalog.tokenizer.tokens(sentence)) & wanted
        novel = [w for w in words if w not in shown]
        if novel and len(words) > best_overlap:
            best, best_overlap = sentence.strip(" ,,;;。"), len(words)
    paragraph = _paragraph_of(benefit)
    for hit in catalog.search_passages(question, benefit.city, limit=MAX_SOURCE_PASSAGES):
        if hit.document.key != benefit.document.key or re.sub(r"\s", "", hit.passage.text) not in paragraph:
            continue  # only the paragraph that holds the record's own clause
        for sentence in re.split(r"(?<=[。;;])", hit.passage.text):
            words = set(catalog.tokenizer.tokens(sentence)) & wanted
            novel = [w for w in words if w not in shown]
            if len(novel) >= MIN_NOVEL_SOURCE_WORDS and len(words) > best_overlap:
                best, best_overlap = sentence.strip(" ,,;;。"), len(words)
    if best and len(best) > MAX_POINT_CHARS:
        best = best[:MAX_POINT_CHARS] + "…"
    return best


def _paragraph_of(benefit: BenefitRecord) -> str:
    """The source paragraph (line) the record's clause stands in, without white space; "" when not found."""
    anchor = re.sub(r"\s", "", benefit.clause_text)[:CLAUSE_ANCHOR_CHARS]
    for line in benefit.document.full_text.splitlines():
        plain = re.sub(r"\s", "", line)
        if anchor and anchor in plain:
            return plain
    return ""


def render(
    catalog: Catalog,
    aspect: str,
    records: list[BenefitRecord],
    frame: Frame,
    today: dt.date | None,
    selection: Selection | None = None,
    question: str = "",
    eligible: bool = True,
) -> Reply:
    """The card of `records[0]` for the aspect asked (with the related records a selection found). Under a
    verdict that the owner does not (or may not) qualify, `eligible=False`: an amount computed from the owner's
    figures is said as what the measure would give (若符合条件…), not as what the owner gets."""
    reply = Reply()
    main = records[0]
    calculation = _with_total(catalog, main, frame.given) if frame.figures else None
    if isinstance(calculation, Calculation) and not eligible:
        gives = ("最高" if calculation.upto else "") + calculation.gives
        calculation = replace(calculation, gives=wording.GIVES_IF_ELIGIBLE.format(gives=gives), upto=False)
    text = format_aspect(
        aspect, AspectRequest(records if aspect in ("contact", "validity") else [main], today, calculation, frame.focus)
    )
    if aspect in KEY_POINT_ASPECTS:
        point = key_sentence(catalog, main, question, text)
        if point:  # what the owner asked that the card does not show comes right under its title
            title, _, rest = text.partition("\n")
            text = f"{title}\n{wording.KEY_POINT.format(point=point)}\n{rest}"
    # Related records come in the same reply (the view does not jump to a later bubble), numbered lines with
    # their gist and a button each, valid ones first; they become the last list, so 「第2个」 or a button picks one.
    related = sorted(selection.related, key=lambda b: b.is_expired(today)) if aspect == "amount" and selection else []
    if related:
        text += "\n" + formatting.related_lines(related, today)
        reply.remember(listed=related)
    reply.say(text, formatting.related_buttons(related, today))
    reply.remember(
        city=main.city,
        subject=[r.key for r in records],
        topics=list(main.topics),
        question=frame.text or None,
        aspect=aspect,
        pending_question=None,
        level=frame.level,
        figures=frame.figures,
    )
    return reply


def _with_total(catalog: Catalog, main: BenefitRecord, given):
    """The amount from the owner's figures, with the total when the clause pays it on top of others."""
    calculation = calculate(main, given)
    if isinstance(calculation, Calculation) and main.in_addition_to:
        total = total_with(main, calculation, catalog.get(list(main.in_addition_to)), given)
        calculation = replace(calculation, total=total)
    return calculation


def checkup(catalog: Catalog, profile, frame: Frame, today: dt.date | None) -> Reply:
    """政策体检: every benefit of the enterprise's city it may get, then what is missing to decide the rest."""
    city = frame.city or profile.city
    reply = Reply()
    if city is None:
        reply.remember(profile=profile, aspect="checkup")
        cities = [c.name for c in catalog.cities]
        reply.as_outcome(outcomes.ASKED_CITY)
        return reply.say(wording.PROFILE_ASK_CITY.format(cities="、".join(cities)), formatting.city_buttons(cities))
    profile = replace(profile, city=city)
    text, listed = checkup_text(catalog, profile, today)
    reply.say(text, formatting.item_buttons(listed) if listed else None)
    reply.remember(
        city=city,
        profile=profile,
        aspect="checkup",
        listed=[b.key for b in listed],
        subject=[],
        pending_question=None,
        figures=frame.figures,
    )
    return reply


# -- lists, documents, places -----------------------------------------------------------------------
def pick(
    catalog: Catalog, listed: list[BenefitRecord], choice: int, message: Frame, frame: Frame, today: dt.date | None
) -> Reply:
    index = len(listed) - 1 if choice == -1 else choice - 1
    if not 0 <= index < len(listed):
        return Reply().say(wording.CHOICE_OUT_OF_RANGE.format(count=len(listed)), formatting.item_buttons(listed))
    chosen = listed[index]
    reply = render(
        catalog, message.aspect or "amount", [chosen], replace(frame, text=chosen.name), today, question=chosen.name
    )
    reply.remember(listed=listed)
    return reply


def documents(catalog: Catalog, city: str | None, today: dt.date | None) -> Reply:
    documents = {b.document.key: b.document for b in catalog.benefits if city is None or b.city == city}
    reply = Reply().say(formatting.documents_text(city, list(documents.values()), today))
    reply.remember(city=city, aspect="document", pending_question=None)
    return reply


def other_place(catalog: Catalog, place: str, message: Frame, frame: Frame) -> Reply:
    """「郑州有什么补贴」: 登封 is a county-level city of 郑州, so say what is here; others get the list."""
    cities = [c.name for c in catalog.cities]
    under = [c for c in catalog.cities if c.parent and c.parent.startswith(place)]
    reply = Reply().as_outcome(outcomes.OTHER_PLACE)
    reply.remember(pending_question=message.text, aspect=frame.aspect or "amount")
    if under:
        names = "、".join(c.name for c in under)
        reply.say(
            wording.OTHER_PLACE_UNDER.format(place=place, names=names, cities="、".join(cities)),
            formatting.city_buttons([c.name for c in under] + [c for c in cities if c not in names]),
        )
    else:
        reply.say(wording.OTHER_PLACE.format(place=place, cities="、".join(cities)), formatting.city_buttons(cities))
    return reply


def ask_what(catalog: Catalog, city: str) -> Reply:
    reply = Reply().say(wording.ASK_WHAT.format(city=city), topic_buttons(catalog, city))
    reply.as_outcome(outcomes.ASKED_TOPIC)
    reply.remember(city=city)
    return reply


def overview(catalog: Catalog, city: str, frame: Frame) -> Reply:
    """「平顶山有哪些奖励补贴」: a numbered list of the city's records of that kind, with buttons."""
    # What an enterprise can get: facts about the policy (fund sizes, targets) are not listed.
    records = sorted(
        (b for b in catalog.in_city(city) if not b.is_fact), key=lambda b: (b.is_expired(), not b.figures, b.key)
    )  # valid ones first
    if frame.category and frame.category != "other":
        records = [b for b in records if b.category == frame.category]
    elif any(word in frame.text for word in load_vocabulary().money_words):
        # 「有哪些奖励补贴」 asks for money: measures that pay an amount, not approval deadlines or loan rates.
        records = [b for b in records if _pays(b)] or records
    records = records[:OVERVIEW_SIZE]
    reply = Reply()
    if not records:
        departments = lead_departments(catalog, city, asked_categories(catalog, frame))
        text = formatting.not_found_text(city, _quote(catalog, frame.text), departments, hotlines(catalog).get(city))
        return reply.say(text).as_outcome(outcomes.NOT_FOUND)
    reply.say(formatting.overview_text(city, records), formatting.item_buttons(records))
    reply.remember(
        city=city,
        subject=[],
        listed=[b.key for b in records],
        question=None,
        aspect=frame.aspect or "amount",
        pending_question=None,
    )
    return reply


def ask_city(catalog: Catalog, frame: Frame) -> Reply:
    cities = [c.name for c in catalog.cities]
    reply = Reply().as_outcome(outcomes.ASKED_CITY)
    reply.remember(pending_question=frame.text, aspect=frame.aspect or "amount", level=frame.level)
    per_city = select_per_city(
        catalog, catalog.without_places(frame.text), list(frame.topics), frame.category, frame.level
    )
    if per_city:
        topic = frame.topics[0].replace('"', "") if frame.topics else _quote(catalog, frame.text)
        reply.say(formatting.per_city_text(per_city, topic), formatting.city_buttons(list(per_city)))
        return reply
    # A topic no record answers the words of: offer only the cities that have it.
    cities = cities_with_topics(catalog, frame.topics) or cities
    reply.say(wording.ASK_CITY.format(cities="、".join(cities)), formatting.city_buttons(cities))
    return reply


def _quote(catalog: Catalog, text: str) -> str:
    return formatting.quoted(catalog.without_places(text).strip(" ,,。??!!"))[:30] or formatting.quoted(text)[:30]
