"""Questions about the owner's own case: a verdict (judge), one measure across cities (compare), a city's
measures by what one enterprise can get (rank), and several benefits summed (total).

Every figure comes from a record or is computed from the owner's figures by policy_db.calculator; a
verdict comes from policy_db.eligibility.assess over the record's typed `requires`. Facts about the
policy (fund sizes, targets) are never counted as money an enterprise gets.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from policy_db import outcomes
from policy_db.calculator import Calculation, calculate, still_to_pay
from policy_db.eligibility import UNKNOWN, Assessment, EnterpriseProfile, assess, describe
from policy_db.money import UNIT_FACTORS, format_yuan
from policy_db.records import BenefitRecord
from policy_db.requirements import load_eligibility_vocabulary
from policy_db.user_figures import UserFigures
from policy_db.validity import ENDED, validity_of
from policy_db.vocabulary import load_vocabulary

from . import formatting, lookup, subject_aspects, wording
from .amounts import Amount, amount_of, stacked
from .amounts import said as _said
from .checkup import candidates
from .reply import Reply, Table
from .selection import select_in_city

if TYPE_CHECKING:
    from .turn_kinds import TurnContext

MONEY_KINDS = ("amount", "cap")
MAX_RANKED = 5
PROFILE_MONEY = {"营业收入": "revenue_yuan", "设备投资": "investment_yuan"}  # figure base -> profile attribute


# -- judge --------------------------------------------------------------------------------------------
def owner_profile(ctx: TurnContext) -> EnterpriseProfile:
    """What the owner said of the enterprise, with their money figures where a requirement measures them."""
    profile = replace(ctx.turn.profile, city=ctx.frame.city)
    for figure in ctx.frame.figures:
        attribute = PROFILE_MONEY.get(figure.basis or "")
        if attribute and figure.kind == "money":
            changes: dict[str, Any] = {attribute: figure.value}
            profile = replace(profile, **changes)
    return profile


def judge(ctx: TurnContext) -> Reply:
    """「能拿吗」「个体户也行吗」: 符合 / 不符合 / 还需确认 in the first line, with the deciding condition."""
    main = ctx.subject[0]
    assessment = assess(main, owner_profile(ctx))
    name = f"“{main.name}”"
    ended = validity_of(main, ctx.today).state == ENDED
    if assessment.does_not_fit:
        first = wording.VERDICT_DOES_NOT_FIT.format(reason=assessment.reason, name=name)
    elif assessment.fits and ended:
        first = wording.VERDICT_FITS_ENDED.format(reason="；".join(c.text for c in assessment.checks))
    elif assessment.fits:
        first = wording.VERDICT_FITS.format(name=name, reason="；".join(c.text for c in assessment.checks))
    elif main.requires and assessment.missing:
        vocab = load_eligibility_vocabulary()
        facts = "、".join(dict.fromkeys(f.label for m in assessment.missing if (f := vocab.field(m))))
        first = wording.VERDICT_UNKNOWN.format(name=name, reason=assessment.reason) + wording.VERDICT_ASK.format(
            facts=facts or "企业情况"
        )
    elif assessment.unchecked:
        met = "；".join(c.text for c in assessment.checks)
        first = wording.VERDICT_UNCHECKED.format(name=name, met=met, conditions="；".join(assessment.unchecked))
    else:
        conditions = "；".join((main.eligibility, *main.conditions))
        first = wording.VERDICT_NO_TERMS.format(name=name, eligibility=conditions)
    required = "；".join(describe(r) for r in main.requires)
    # a measure that has ended is said first: meeting its conditions no longer gets it
    lines = [subject_aspects.now_line(ctx), first] if ended else [first]
    if required and not assessment.fits:
        lines.append(wording.VERDICT_REQUIRES.format(conditions=required))
    # The verdict first, then the card as a lookup shows it (with the related records it would list).
    reply = lookup.render(
        ctx.catalog, "amount", ctx.subject, ctx.frame, ctx.today, ctx.selection, ctx.frame.text, assessment.fits
    )
    reply.messages[0]["text"] = "\n".join(lines) + "\n" + reply.messages[0]["text"]
    reply.as_outcome(outcomes.VERDICT)
    return reply.remember(
        city=main.city,
        subject=ctx.subject,
        topics=main.topics,
        aspect="conditions",
        question=ctx.question,
        pending_question=None,
        level=ctx.frame.level,
        figures=ctx.frame.figures,
        profile=ctx.turn.profile,
    )


# -- who pays ------------------------------------------------------------------------------------------------
def cost_share_record(ctx: TurnContext) -> BenefitRecord | None:
    """The cost-sharing fact of the city asked about (the subject's own first)."""
    records = [*ctx.subject, *ctx.catalog.in_city(ctx.frame.city)]
    return next((r for r in records if r.cost_shares), None)


def who_pays(ctx: TurnContext) -> Reply:
    """「我们在郏县，奖金是市县各掏一半吗」: the share the clause gives the owner's place, first, with
    是 / 不是 when the owner supposed a split; then the rule for every place and its source."""
    record = cost_share_record(ctx)
    if record is None:  # the subject's document says nothing of who pays: said first, then who to ask
        main = ctx.subject[0]
        name = f"“{main.name}”"
        card = lookup.render(ctx.catalog, "contact", ctx.subject, ctx.frame, ctx.today)
        card.messages[0]["text"] = wording.WHO_PAYS_UNSAID.format(name=name) + "\n" + card.messages[0]["text"]
        return card
    text = ctx.message.text
    place, share = next(
        ((p, s.share) for s in record.cost_shares for p in s.places if p in text or p.rstrip("区县市") in text),
        (None, None),
    )
    lines = []
    if place and share:
        split = load_vocabulary().split_words
        supposed_split = any(w in text for w in split)
        if supposed_split:
            is_split = any(w in share for w in split)
            lines.append((wording.WHO_PAYS_YES if is_split else wording.WHO_PAYS_NO).format(place=place, share=share))
        else:
            lines.append(wording.WHO_PAYS_PLACE.format(place=place, share=share))
    else:
        lines.append(wording.WHO_PAYS_ASK_PLACE)
    lines += [wording.WHO_PAYS_RULE.format(places="、".join(s.places), share=s.share) for s in record.cost_shares]
    lines.append(formatting.source_line(record))
    reply = Reply().say("\n".join(lines))
    return reply.remember(city=record.city, subject=[record], topics=record.topics)


# -- what the owner still pays -------------------------------------------------------------------------
def still_pay(ctx: TurnContext) -> Reply:
    """「按政策这9个月我自己还要掏多少房租」: the cost over the relief period less the relief, then the card."""
    main = ctx.subject[0]
    given = ctx.frame.given
    rest = still_to_pay(main, given)
    calculation = calculate(main, given)
    card = formatting.answer_card(main, calculation if isinstance(calculation, Calculation) else None, ctx.today)
    text = (wording.STILL_PAY.format(amount=rest.amount_text, working=rest.working) + "\n" if rest else "") + card
    reply = Reply().say(text).as_outcome(outcomes.TOTAL if rest else outcomes.NEEDS_FIGURE)
    return reply.remember(city=main.city, subject=[main], topics=main.topics, figures=ctx.frame.figures)


# -- compare ------------------------------------------------------------------------------------------
def cities_to_compare(ctx: TurnContext) -> list[str]:
    """The cities the message compares: those it names, or the subject's city and the one city it names
    (「登封上市奖多少」 then 「跟三门峡比哪个多」)."""
    named = ctx.catalog.cities_in(ctx.message.text)
    subject = ctx.conversation.subject[:1]
    if len(named) == 1 and subject and subject[0].city != named[0]:
        return [subject[0].city, *named]
    return named


def remembered_cities(ctx: TurnContext) -> list[str]:
    """The cities of the records the conversation compared or switched between (「那平顶山呢」 then 「哪边多」)."""
    records = [*ctx.conversation.compared, *ctx.conversation.subject[:1]]
    return list(dict.fromkeys(r.city for r in records))


def compared_figures(ctx: TurnContext) -> list:
    """The owner's money figures of this message that measure the same thing (or name no measure)."""
    money = [f for f in ctx.message.figures if f.kind == "money"]
    bases = {f.basis for f in money if f.basis}
    return money if len(bases) <= 1 else []


def compare_figures(ctx: TurnContext) -> Reply:
    """「募资9亿和募资15亿相差几何」: the subject's amount at each figure and the difference."""
    main = ctx.subject[0]
    lines = [wording.COMPARE_FIGURES_HEAD.format(name=f"【{main.city}】{main.name}")]
    results: list[tuple[str, Decimal]] = []
    for figure in compared_figures(ctx):
        computed = calculate(main, UserFigures((figure,)))
        if isinstance(computed, Calculation) and computed.is_money:
            given = format_yuan(figure.value)
            lines.append(
                wording.COMPARE_FIGURE_LINE.format(given=given, amount=computed.amount_text, working=computed.working)
            )
            results.append((given, computed.amount_yuan))
    if len(results) < 2:
        return formatting_fallback(ctx)
    (low_given, low), (high_given, high) = min(results, key=lambda r: r[1]), max(results, key=lambda r: r[1])
    if high == low:
        lines.append(wording.COMPARE_EQUAL.format(amount=format_yuan(high)))
    else:
        lines.append(
            wording.COMPARE_DIFFERENCE.format(difference=format_yuan(high - low), larger=high_given, smaller=low_given)
        )
    lines.append(formatting.source_line(main))
    reply = Reply().say("\n".join(lines)).as_outcome(outcomes.COMPARED)
    return reply.remember(city=main.city, subject=[main], topics=main.topics, figures=ctx.frame.figures)


MAX_PER_KIND = 2


def compare_kinds(ctx: TurnContext, cities: list[str]) -> Reply:
    """「税费上，两座城市各有哪些优惠」: a kind of help named without a topic, compared as
    each city's main measures of that kind (valid ones first), with their own figures."""
    kind = ctx.frame.categories[0]
    label = next((b.category_label for b in ctx.catalog.benefits if b.category == kind), kind)
    lines = [wording.COMPARE_HEAD.format(topic=label)]
    shown: list[BenefitRecord] = []
    for city in cities:
        text = ctx.catalog.without_places(ctx.frame.text)
        hits = ctx.catalog.find_benefits(city=city, category=kind, text=text, limit=MAX_PER_KIND * 3)
        records = [h.benefit for h in hits if h.benefit.category == kind and not h.benefit.is_fact][:MAX_PER_KIND]
        if not records:
            lines.append(wording.COMPARE_NONE.format(city=city))
        for record in records:
            figure = formatting.headline(record)[0]
            lines.append(
                wording.COMPARE_KIND_LINE.format(
                    city=city, name=record.name, figure=figure, state=formatting.status_text(record, ctx.today)
                )
            )
        shown += records
    reply = Reply().say("\n".join(lines)).as_outcome(outcomes.COMPARED)
    return reply.remember(compared=shown, listed=shown, figures=ctx.frame.figures)


def compare(ctx: TurnContext) -> Reply:
    """The same measure in two or more cities: each city's figure, which is larger and by how much."""
    catalog, frame = ctx.catalog, ctx.frame
    named = cities_to_compare(ctx)
    if len(named) <= 1 and len(remembered_cities(ctx)) <= 1:
        return compare_figures(ctx)
    given = frame.given
    per_city: dict[str, BenefitRecord | None] = {}
    also: dict[str, list[BenefitRecord]] = {}
    if len(named) > 1 and not frame.topics and frame.categories:
        return compare_kinds(ctx, named)
    if len(named) > 1:
        text = catalog.without_places(frame.text)
        topics = list(frame.topics) or list(ctx.conversation.frame.topics)
        for city in named:
            selection = select_in_city(
                catalog, city, text, topics, frame.category, given, frame.level, frame.named_amounts
            )
            per_city[city] = selection.main
            # A close second of the same city (「担保费」: the fee rate and the fee subsidy) is shown beside it.
            also[city] = [r for r in selection.related if not r.is_fact][:1]
    else:
        for remembered in [*ctx.conversation.compared, *ctx.conversation.subject[:1]]:
            per_city[remembered.city] = remembered
    topic = formatting.topic_label(frame.topics or ctx.conversation.frame.topics, frame.text)
    lines = [wording.COMPARE_HEAD.format(topic=topic)]
    amounts: dict[str, Amount] = {}
    for city, record in per_city.items():
        if record is None:
            lines.append(wording.COMPARE_NONE.format(city=city))
            continue
        amount = amount_of(record, given)
        if amount is None:
            lines.append(wording.COMPARE_NO_AMOUNT.format(city=city, name=record.name, summary=record.summary))
            continue
        amounts[city] = amount
        # A computed amount with its working; else the clause's own figures (比例、上限), not one number alone.
        figure = f"{_said(amount)}（{amount.working}）" if amount.working else formatting.headline(record)[0]
        lines.append(wording.COMPARE_LINE.format(city=city, figure=figure, name=record.name))
    for city, others in also.items():
        for other in others:
            figure = formatting.headline(other)[0]
            lines.append(wording.COMPARE_ALSO.format(city=city, figure=figure, name=other.name))
    if len(amounts) >= 2:
        ranked = sorted(amounts.items(), key=lambda item: item[1].yuan, reverse=True)
        (top, best), (second, runner_up) = ranked[0], ranked[1]
        if best.yuan == runner_up.yuan:
            lines.append(wording.COMPARE_EQUAL.format(amount=best.text))
        else:
            difference = format_yuan(best.yuan - runner_up.yuan)
            lines.append(wording.COMPARE_MAX.format(city=top, amount=best.text, other=second, difference=difference))
    records = [r for r in per_city.values() if r is not None]
    lines.append(formatting.sources_text(records + [r for others in also.values() for r in others]))
    reply = Reply().say("\n".join(lines)).as_outcome(outcomes.COMPARED)
    return reply.remember(compared=records, subject=records[:1], topics=frame.topics, figures=frame.figures)


# -- rank ---------------------------------------------------------------------------------------------
LIST_ITEM = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8}?)(?P<n>\d+(?:\.\d+)?)(?P<unit>家|个|亿元|万元|%)")
MIN_LIST_ITEMS = 3


def ranked_items(record: BenefitRecord) -> list[tuple[str, Decimal, str]]:
    """The items of a list a fact gives (「汝州市19家、舞钢市10家…」) as (name, number, unit), largest first."""
    listed = re.split(r"[:：]", record.summary)[-1]  # the list after its heading (「各县目标：汝州市19家、…」)
    items = [(m["name"], Decimal(m["n"]), m["unit"]) for m in LIST_ITEM.finditer(listed)]
    units = {unit for _, _, unit in items}
    return sorted(items, key=lambda item: item[1], reverse=True) if len(units) == 1 else []


def rank(ctx: TurnContext) -> Reply:
    """「哪项钱最多」: the city's measures ranked by what one enterprise can receive (facts left out); 「哪个县
    目标最多」 about a fact that lists items (targets per county): its items ranked."""
    listing = next((r for r in ctx.subject if r.is_fact and len(ranked_items(r)) >= MIN_LIST_ITEMS), None)
    if listing is not None and ctx.frame.topics:
        return rank_items(ctx, listing)
    if len(ctx.frame.topics) > 1:
        return rank_topics(ctx)
    if not any(word in ctx.frame.text for word in load_vocabulary().money_words + ("钱",)):
        return formatting_fallback(ctx)  # 「哪个目标最高」 asks about a target, not about money to receive
    city = ctx.frame.city or ""
    given = ctx.frame.given
    category = ctx.frame.category if ctx.frame.category != "other" else None
    candidates = [b for b in ctx.catalog.in_city(city) if category in (None, b.category)]
    scored = [(amount, b) for b in candidates if (amount := amount_of(b, given)) is not None]
    scored.sort(key=lambda pair: pair[0].yuan, reverse=True)
    top = scored[:MAX_RANKED]
    lines = [wording.RANK_HEAD.format(scope=city)]
    for i, (amount, b) in enumerate(top, 1):
        tag = wording.EXPIRED_MARK if b.is_expired(ctx.today) else ""
        lines.append(wording.RANK_LINE.format(i=i, name=b.name + tag, amount=_said(amount)))
    if not top:
        return formatting_fallback(ctx)
    lines.append(formatting.source_line(top[0][1]))
    reply = Reply().say("\n".join(lines), formatting.item_buttons([b for _, b in top])).as_outcome(outcomes.COMPARED)
    return reply.remember(city=city, listed=[b for _, b in top], subject=[b for _, b in top][:1])


def rank_topics(ctx: TurnContext) -> Reply:
    """「甲乙两个产业谁的目标数大」: the best record of each named topic (a fact's figure too),
    ranked by its largest sum; a topic with no sum is said plainly."""
    frame, catalog = ctx.frame, ctx.catalog
    text = catalog.without_places(frame.text)
    entries: list[tuple[Decimal, str, BenefitRecord]] = []
    lines = [wording.RANK_TOPICS_HEAD]
    for topic in frame.topics:
        hits = catalog.find_benefits(city=frame.city, topics=[topic], text=text, limit=3)
        record = next((h.benefit for h in hits if topic in h.benefit.topics), None)
        sums = [
            (f.value * UNIT_FACTORS[f.unit], f.text)
            for f in (record.figures if record else ())
            if f.value is not None and f.unit in UNIT_FACTORS
        ]
        if record is None or not sums:
            lines.append(wording.RANK_TOPIC_NONE.format(topic=topic.replace('"', "")))
            continue
        value, written = max(sums)
        entries.append((value, written, record))
    if not entries:
        return formatting_fallback(ctx)
    entries.sort(key=lambda entry: entry[0], reverse=True)
    ranked = [
        wording.RANK_LINE.format(i=i, name=r.name, amount=written) for i, (_, written, r) in enumerate(entries, 1)
    ]
    text_out = "\n".join([lines[0], *ranked, *lines[1:], formatting.sources_text([r for _, _, r in entries])])
    reply = Reply().say(text_out).as_outcome(outcomes.COMPARED)
    records = [r for _, _, r in entries]
    return reply.remember(city=frame.city, listed=records, subject=records[:1], topics=frame.topics)


def rank_items(ctx: TurnContext, record: BenefitRecord) -> Reply:
    items = ranked_items(record)[:MAX_RANKED]
    lines = [wording.RANK_ITEMS_HEAD.format(name=record.name)]
    lines += [
        wording.RANK_LINE.format(i=i, name=name, amount=f"{n.normalize():f}{unit}")
        for i, (name, n, unit) in enumerate(items, 1)
    ]
    lines += [formatting.validity_line(record, ctx.today), formatting.source_line(record)]
    reply = Reply().say("\n".join(lines)).as_outcome(outcomes.COMPARED)
    return reply.remember(city=record.city, subject=[record], topics=record.topics)


# -- total --------------------------------------------------------------------------------------------
def _parts(ctx: TurnContext) -> list[BenefitRecord]:
    """The benefits to add up: those the message names, else the ones in play (subject, compared, listed)."""
    frame = ctx.frame
    parts: list[BenefitRecord] = []
    if frame.topics and frame.city:
        text = ctx.catalog.without_places(frame.text)
        selection = select_in_city(
            ctx.catalog, frame.city, text, list(frame.topics), None, frame.given, frame.level, frame.named_amounts
        )
        several = lookup.several_subjects(ctx.catalog, replace(frame, text=frame.text + "有哪些"), text, selection)
        # 「奖金连同补助合起来多少」 of one subject: its paying records of the same topic (the main one and related).
        main = selection.records[:1]
        same_topic = [
            r
            for r in selection.records[1:]
            if main and set(r.topics) & set(main[0].topics) and amount_of(r, UserFigures())
        ]
        parts = several or main + same_topic
    in_play = [*ctx.conversation.subject, *ctx.conversation.compared]
    for record in in_play:
        if record.city == frame.city and record not in parts:
            parts.append(record)
    for record in list(parts):
        for key in record.in_addition_to:
            for other in ctx.catalog.get([key]):
                if other not in parts:
                    parts.append(other)
    return [p for p in parts if not p.is_fact]


def total(ctx: TurnContext) -> Reply:
    """「加起来一共多少」: each part's amount (computed from the owner's figures where it can be), the sum
    with the working shown, parts a stacking rule leaves out named with the rule, and parts that cannot be
    added said plainly."""
    given = ctx.frame.given
    unknown: list[str] = []
    parts: list[tuple[BenefitRecord, Amount]] = []
    for record in _parts(ctx):
        amount = amount_of(record, given)
        if amount is None:
            unknown.append(wording.TOTAL_UNKNOWN_PART.format(name=record.name, missing=wording.TOTAL_NO_AMOUNT))
        else:
            parts.append((record, amount))
    if not parts:
        return formatting_fallback(ctx)
    stack = stacked(parts)
    if len(stack.counted) == 1:  # one amount is no sum: its card, computed from the owner's figures
        return lookup.render(ctx.catalog, "amount", [stack.counted[0][0]], ctx.frame, ctx.today, None, ctx.frame.text)
    lines = [
        wording.TOTAL_PART.format(
            name=record.name, amount=_said(amount) + (f"（{amount.working}）" if amount.working else "")
        )
        for record, amount in stack.counted
    ]
    lines += [
        wording.TOTAL_NOT_STACKED.format(name=record.name, other=higher.name, rule=rule)
        for record, _, higher, rule in stack.left_out
    ]
    working = " + ".join(a.text for _, a in stack.counted) + f" = {format_yuan(stack.total)}"
    upto = any(a.upto for _, a in stack.counted)
    head = wording.TOTAL_HEAD.format(amount=("最高" if upto else "") + format_yuan(stack.total))
    text = "\n".join([head, wording.TOTAL_WORKING.format(working=working), *lines, *unknown])
    text += "\n" + formatting.sources_text([r for r, _ in stack.counted])
    reply = Reply().say(text).as_outcome(outcomes.TOTAL)
    counted = [r for r, _ in stack.counted]
    return reply.remember(city=ctx.frame.city, compared=counted, subject=counted[:1], figures=ctx.frame.figures)


def formatting_fallback(ctx: TurnContext) -> Reply:
    """Nothing to add up: the subject's own card (what the document gives)."""
    return lookup.answer(ctx.catalog, ctx.frame, ctx.today)


# -- where would we get the most ----------------------------------------------------------------------------
MAX_CONDITION_CHARS = 30


def where_most(ctx: TurnContext) -> Reply:
    """「我们在平顶山和滨州之间选址，专精特新，准备上市融资8亿，在哪能拿得最多」: for each city, everything the
    described enterprise may receive that pays an amount, its estimated total, and what each depends on.

    Three messages: the question as understood; the cities with their items (as lines, and as a table the web
    page draws in their place); the city where it gets the most."""
    catalog = ctx.catalog
    named = catalog.cities_in(ctx.message.text)
    cities = named if len(named) > 1 else [c.name for c in catalog.cities]
    profile = owner_profile(ctx)
    given = ctx.frame.given
    per_city: list[tuple[str, Decimal, list[tuple[BenefitRecord, Amount, Assessment]]]] = []
    for city in cities:
        entries = []
        for benefit, assessment in candidates(catalog, replace(profile, city=city)):
            amount = amount_of(benefit, given)
            if amount is not None and not benefit.is_expired(ctx.today):
                entries.append((benefit, amount, assessment))
        entries = _one_per_exclusive_value(entries)
        stack = stacked([(b, a) for b, a, _ in entries])
        kept = [entry for entry in entries if any(entry[0] is c for c, _ in stack.counted)]
        per_city.append((city, stack.total, kept))
    per_city.sort(key=lambda item: item[1], reverse=True)
    said = "、".join(sorted(profile.recognitions | profile.plans | profile.boards | profile.enterprise_types))
    lines: list[str] = []
    rows: list[tuple[str, ...]] = []
    for city, total, kept in per_city:
        if not kept:
            lines.append(wording.WHERE_CITY_NONE.format(city=city))
            rows.append((city, "", "", wording.WHERE_TABLE_NONE))
            continue
        lines.append(wording.WHERE_CITY.format(city=city, total=format_yuan(total), count=len(kept)))
        for benefit, amount, assessment in kept:
            depends = depends_on(benefit, assessment)
            mark = "" if assessment.fits else wording.WHERE_TO_CONFIRM.format(depends=depends)
            lines.append(wording.WHERE_LINE.format(name=benefit.name, amount=_said(amount), mark=mark))
            rows.append((city, benefit.name, _said(amount), depends))
        rows.append(
            (city, wording.WHERE_TABLE_TOTAL, format_yuan(total), wording.WHERE_TABLE_COUNT.format(count=len(kept)))
        )
    table = Table(wording.WHERE_TABLE_COLUMNS, tuple(rows))
    best = per_city[0] if per_city and per_city[0][1] > 0 else None
    closing = [wording.WHERE_BEST.format(city=best[0], total=format_yuan(best[1]))] if best else []
    reply = (
        Reply()
        .say(wording.WHERE_HEAD.format(said=said or "企业"))
        .say("\n".join(lines), table=table)
        .say("\n".join([*closing, wording.WHERE_NOTE]))
        .as_outcome(outcomes.COMPARED)
    )
    records = [b for _, _, kept in per_city for b, _, _ in kept]
    return reply.remember(listed=records[:8], profile=ctx.turn.profile, figures=ctx.frame.figures)


def _open_conditions(assessment: Assessment) -> str:
    """The conditions the owner has not told about (为国家级认定；为首次认定), or '' when the clause has none typed."""
    return "；".join(describe(c.requirement) for c in assessment.checks if c.outcome == UNKNOWN)


def depends_on(benefit: BenefitRecord, assessment: Assessment) -> str:
    """What an item of the estimate depends on: the conditions met, those still to confirm, or the clause's words."""
    if assessment.fits:
        return assessment.reason
    conditions = _open_conditions(assessment) or "；".join(assessment.unchecked)
    if conditions:
        return wording.WHERE_DEPENDS_OPEN.format(conditions=conditions)
    return wording.WHERE_DEPENDS_TEXT.format(condition=formatting.shorten(benefit.eligibility, MAX_CONDITION_CHARS))


def _one_per_exclusive_value(entries: list) -> list:
    """Measures for different values of a field an enterprise holds one of (国家级 or 省级) that the owner has
    not stated cannot all apply: of those, only the one paying most is counted."""
    vocab = load_eligibility_vocabulary()
    open_exclusive: dict[str, list] = {}
    kept = []
    for entry in entries:
        benefit, _, assessment = entry
        fields = [r.field for r in benefit.requires if (spec := vocab.field(r.field)) is not None and spec.exclusive]
        if assessment.fits or not fields:
            kept.append(entry)
        else:
            open_exclusive.setdefault(fields[0], []).append(entry)
    kept += [max(group, key=lambda entry: entry[1].yuan) for group in open_exclusive.values()]
    order = {id(entry[0]): i for i, entry in enumerate(entries)}
    return sorted(kept, key=lambda entry: order[id(entry[0])])
