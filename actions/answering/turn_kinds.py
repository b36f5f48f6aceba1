"""The kinds of turn, as a table: each row a detector over the message in its conversation and a handler.

The first row whose detector accepts the turn answers it; the order is part of the design (tested in
tests/actions/test_turn_kinds.py): a refused figure before anything else, a choice from the last list
before a lookup, comparisons, ranks and totals before documents (「这份通知里给钱最多的是哪条」), a verdict before the
aspects of a subject (validity now, how to apply, a duration), those before a plain follow-up, and a
lookup last. A new conversational behaviour is a row here with its cue words in vocabulary.yml
(`turn_cues`) and its test, not another `if` in a handler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from policy_db import clock, outcomes
from policy_db.eligibility import EnterpriseProfile
from policy_db.query import Catalog
from policy_db.records import BenefitRecord
from policy_db.requirements import load_eligibility_vocabulary
from policy_db.vocabulary import load_vocabulary

from . import lookup, reasoning, subject_aspects, wording
from .checkup import describes_enterprise, read_profile
from .context import Conversation, Turn
from .frame import MODIFIER_CUES, NOT_DOMAIN_CUES, Frame, Reader
from .introduction import topic_buttons
from .reply import Reply
from .selection import Selection, asks_for_figure, computed_from, select_in_city


@dataclass
class TurnContext:
    """A turn with what every detector and handler reads: the merged frame, today, the subject."""

    reader: Reader
    turn: Turn
    frame: Frame  # the conversation's frame after this message
    today: dt.date

    @property
    def catalog(self) -> Catalog:
        return self.reader.catalog

    @property
    def message(self) -> Frame:
        return self.turn.message

    @property
    def conversation(self) -> Conversation:
        return self.turn.conversation

    def cue(self, kind: str) -> bool:
        return kind in self.message.cues

    @cached_property
    def same_city(self) -> bool:
        subject = self.conversation.subject
        return bool(subject) and (self.message.city is None or self.message.city == subject[0].city)

    @cached_property
    def follows_subject(self) -> bool:
        """The message is about the subject already in play: it names no other topic (or only the subject's own),
        or only facts about the enterprise (「个体户也行吗」 names 个体户 as what the owner is, not a new subject)."""
        message = self.message
        if not self.same_city or self.broad_question:
            return False
        if message.topics:
            # 「能缓多久」 names 缓缴 again: topics the subject already has are no new subject.
            # 「这个我们能享受吗」 points back at the subject: its own words are facts, not a new subject.
            subject = self.conversation.subject[0]
            own_words = (
                not message.content or self.cue("refers_to_subject") or lookup.covers(self.catalog, subject, message)
            )
            same_topics = set(message.topics) <= set(subject.topics) and own_words
            return same_topics or (self.cue("judge") and facts_only(self.reader, message))
        if message.figures and {f.basis for f in message.figures} & computed_from(self.conversation.subject[0]):
            return True  # 「明年准备办两场」: a figure the subject's amount is computed from
        if self.cue("judge") and message.content and all(_is_measure_word(c) for c in message.content):
            return True  # 「我们一个月流水十二万，能免吗」: the owner's own figures, asked about the subject
        if self.cue("refers_to_subject"):
            return True  # 「我们小店这个能免吗」: no topic of its own, and it points back at the subject
        return not message.content or lookup.covers(self.catalog, self.conversation.subject[0], message)

    @property
    def question(self) -> str | None:
        """The question to remember for 「那三明呢」: this message's when it has a subject of its own, else the
        one the follow-up is about (「找谁办」 is no question to ask of another city)."""
        return (self.conversation.question if self.follows_subject else self.frame.text) or None

    @property
    def broad_question(self) -> bool:
        """「有哪些奖励补贴」: a broad question of its own (no subject, no aspect of one) starts a new list."""
        message = self.message
        return lookup.asks_list(message.text) and not message.has_subject and not message.aspect

    @cached_property
    def subject(self) -> list[BenefitRecord]:
        """The records the message is about: the remembered subject, or what its own words select."""
        if self.follows_subject:
            return list(self.conversation.subject)
        if self.selection is None:
            return list(self.conversation.subject) if self.same_city else []
        return self.selection.records

    @cached_property
    def selection(self) -> Selection | None:
        """What the message's own words select in its city (the best record and related ones), if it names any."""
        frame = self.frame
        if self.follows_subject or frame.city is None or not (frame.topics or frame.content):
            return None
        if not (self.message.topics or self.message.content or self.conversation.subject):
            return None  # 「要准备哪些材料」 with nothing in play names no subject: none is guessed from 材料
        text = self.catalog.without_places(frame.text)
        return select_in_city(
            self.catalog,
            frame.city,
            text,
            list(frame.topics),
            frame.category,
            frame.given,
            frame.level,
            frame.named_amounts,
        )

    @cached_property
    def told(self) -> EnterpriseProfile:
        """What this message alone says of the enterprise (read once; several detectors ask)."""
        return read_profile(self.catalog, self.message.text)

    @property
    def describes_itself(self) -> bool:
        """The owner says something of the enterprise or gives a figure (facts a verdict can use). A title or
        named alone (「小巨人能拿吗」) is the subject, not a fact about the owner; a board is where it lists."""
        if self.message.figures or self.cue("self"):
            return True
        told = self.told
        return bool(told.enterprise_types or told.measures or told.boards or told.first_time is not None)


def facts_only(reader: Reader, message: Frame) -> bool:
    """The message's topics and content words are all words of what an enterprise is (eligibility values:
    个体户, 小微企业, 规上 …), so it states facts rather than a new subject."""
    words = profile_words()
    topic_words = [w for t in message.topics for w in (t, *reader.catalog.topics.get(t, ()))]
    named = [w.replace('"', "") for w in topic_words if w.replace('"', "") in message.text]
    return all(any(n in p or p in n for p in words) for n in named) and all(
        any(c in p or p in c for p in words) for c in message.content
    )


@lru_cache(maxsize=1)
def measure_words() -> frozenset[str]:
    """What owners call the measures a condition is on (营收, 流水, 月销售额, 员工 …: eligibility fields' words)."""
    vocab = load_eligibility_vocabulary()
    return frozenset(w for f in vocab.fields if f.type in ("money", "number") for w in f.words if len(w) > 1)


def _is_measure_word(word: str) -> bool:
    return any(word in m or m in word for m in measure_words())


@lru_cache(maxsize=1)
def profile_words() -> frozenset[str]:
    vocab = load_eligibility_vocabulary()
    return frozenset(w for f in vocab.fields for v in f.values for w in (v.name, *v.words) if len(w) > 1)


Detector = Callable[[TurnContext], bool]
Handler = Callable[[TurnContext], Reply]


@dataclass(frozen=True)
class TurnKind:
    name: str
    detects: Detector
    handle: Handler
    doc: str  # what the owner says, for the architecture table and the tests


# -- detectors --------------------------------------------------------------------------------------
def _refused(ctx: TurnContext) -> bool:
    return bool(ctx.message.refused_figures and not ctx.message.figures)


def _choice(ctx: TurnContext) -> bool:
    message = ctx.message
    if message.choice is None or message.has_subject:
        return False
    return bool(ctx.conversation.listed) or not (message.city or message.figures)


def _checkup(ctx: TurnContext) -> bool:
    message, conversation = ctx.message, ctx.conversation
    may_describe = (
        ctx.turn.intent == "inform_profile"
        or message.aspect == "checkup"
        or (conversation.frame.aspect == "checkup" and not message.topics)
    )
    if not may_describe:
        return False
    told = ctx.told
    asks_one_thing = (
        bool(message.topics) or asks_for_figure(message.text) or message.asks_something
    ) and not lookup.asks_list(message.text)
    return describes_enterprise(told) and not asks_one_thing


def _about_documents(ctx: TurnContext) -> bool:
    """「文号是多少」「哪天发的」「那个方案是哪些部门联合发的」."""
    message = ctx.message
    about_a_document = ctx.reader.aspect(message.text) == "document" and any(
        noun in message.text for noun in ctx.reader.vocabulary.document_nouns
    )
    return message.aspect == "document" and (not message.topics or about_a_document)


def _other_place(ctx: TurnContext) -> bool:
    return bool(ctx.message.other_place and not ctx.message.city)


def _compare(ctx: TurnContext) -> bool:
    if not ctx.cue("compare") and not (ctx.cue("rank") and len(ctx.catalog.cities_in(ctx.message.text)) > 1):
        return False
    if len(reasoning.cities_to_compare(ctx)) > 1 or len(reasoning.remembered_cities(ctx)) > 1:
        return True
    # 「募资9亿和募资15亿相差几何」: one measure at two of the owner's figures.
    return len(reasoning.compared_figures(ctx)) > 1 and bool(ctx.subject)


def _rank(ctx: TurnContext) -> bool:
    return ctx.cue("rank") and ctx.frame.city is not None


def _total(ctx: TurnContext) -> bool:
    asks = ctx.cue("total") and asks_for_figure(ctx.message.text)
    return asks and ctx.frame.city is not None and bool(ctx.subject or ctx.message.topics)


def _where_most(ctx: TurnContext) -> bool:
    """A described enterprise choosing among cities, asking what it would get overall (not one measure)."""
    if not ctx.cue("where_most") or len(ctx.catalog.cities_in(ctx.message.text)) == 1:
        return False
    told = ctx.told
    described = told.plans or told.recognitions or told.boards or told.enterprise_types
    best_of_all = ctx.cue("best_overall") and not any(w in ctx.message.text for w in load_vocabulary().money_words)
    overall = lookup.asks_list(ctx.message.text) or ctx.cue("total") or ctx.message.aspect == "checkup" or best_of_all
    return bool(described) and (overall or not ctx.message.topics)


def _asks_of_nothing(ctx: TurnContext) -> bool:
    """A question of a kind (材料, 多久, 找谁) with no subject in play that names no topic, no words of a subject
    and no kind of help: what it asks about is unknown, so the bot asks (never a record matched by 材料)."""
    message = ctx.message
    asks = set(message.cues) - NOT_DOMAIN_CUES - MODIFIER_CUES - {"amount"}
    named = message.topics or message.content or message.categories or message.figures  # words, not the classifier
    # 「三明的政策现在还有效吗」 names nothing either, but is answered for all of the city's documents (lookup)
    about_validity = ctx.cue("now") or message.aspect == "validity"
    return bool(asks) and not named and not about_validity and not ctx.subject and ctx.frame.city is not None


def _who_pays(ctx: TurnContext) -> bool:
    """「这钱谁出」: the cost-sharing rule of the city, or, about a subject whose document has none, that it says
    nothing of it."""
    if not ctx.cue("who_pays") or ctx.frame.city is None:
        return False
    return reasoning.cost_share_record(ctx) is not None or bool(ctx.subject)


def _still_pay(ctx: TurnContext) -> bool:
    return ctx.cue("still_pay") and bool(ctx.subject) and ctx.subject[0].formula is not None


def _judge(ctx: TurnContext) -> bool:
    if not ctx.cue("judge") or ctx.frame.city is None:
        return False
    if ctx.cue("now") and not ctx.describes_itself:
        return False  # 「现在还能申请吗」 asks whether the measure is still on, not whether the owner qualifies
    # A fact about the policy (a fund, a target, how a quota is counted) is not something to qualify for:
    # 「算不算县里的总量」 is answered from its clause.
    return bool(ctx.subject) and not ctx.subject[0].is_fact and (ctx.describes_itself or ctx.follows_subject)


def _now(ctx: TurnContext) -> bool:
    """「现在还能申请吗」, or a validity question about the subject in play (a new question that only uses a
    validity word, 「贷款到期想过桥」, is a lookup)."""
    asks = ctx.cue("now") or (ctx.message.aspect == "validity" and ctx.follows_subject)
    return asks and bool(ctx.subject)


def _how_to(ctx: TurnContext) -> bool:
    return (ctx.cue("how_to") or ctx.message.aspect == "apply") and bool(ctx.subject)


def _measure(ctx: TurnContext) -> bool:
    return subject_aspects.asked_measure(ctx) is not None and ctx.follows_subject and not ctx.message.figures


def _follow_up(ctx: TurnContext) -> bool:
    return ctx.follows_subject


def _switch_city(ctx: TurnContext) -> bool:
    """「那三明呢」; not 「平顶山有哪些奖励补贴」, a broad question of its own."""
    message, conversation = ctx.message, ctx.conversation
    remembered = conversation.pending_question or conversation.question
    return bool(message.city and not message.has_subject and remembered) and not lookup.asks_list(message.text)


def _city_alone(ctx: TurnContext) -> bool:
    message = ctx.message
    return bool(
        message.city and not message.has_subject and not (message.aspect or message.category or message.cues)
    ) and not lookup.asks_list(message.text)


# -- handlers ---------------------------------------------------------------------------------------
def _say_refused(ctx: TurnContext) -> Reply:
    reason = ctx.message.refused_figures[0]
    return Reply().say(wording.REFUSED_FIGURE.format(reason=reason)).as_outcome(outcomes.NEEDS_FIGURE)


def _pick(ctx: TurnContext) -> Reply:
    listed = ctx.conversation.listed
    if not listed:
        return Reply().say(wording.CHOICE_WITHOUT_LIST).as_outcome(outcomes.ASKED_TOPIC)
    return lookup.pick(ctx.catalog, listed, ctx.message.choice or 1, ctx.message, ctx.frame, ctx.today)


def _run_checkup(ctx: TurnContext) -> Reply:
    told = ctx.told
    return lookup.checkup(ctx.catalog, ctx.conversation.profile.merged(told), ctx.frame, ctx.today)


def _documents(ctx: TurnContext) -> Reply:
    message = ctx.message
    return lookup.documents(ctx.catalog, message.city or (None if message.other_place else ctx.frame.city), ctx.today)


def _place_not_covered(ctx: TurnContext) -> Reply:
    return lookup.other_place(ctx.catalog, ctx.message.other_place or "", ctx.message, ctx.frame)


def _follow(ctx: TurnContext) -> Reply:
    reply = lookup.follow_up(ctx.reader, ctx.turn, ctx.frame, ctx.today)
    if "subject" in reply.changes and reply.changes.get("subject"):
        # the same subject: the question 「那三明呢」 asks again stays the one that named it
        reply.remember(question=ctx.question)
    return reply


def _reask(ctx: TurnContext) -> Reply:
    reply = lookup.switch_city(ctx.reader, ctx.turn, ctx.today)
    # The subject before and after are remembered for 「哪边多」.
    before = ctx.conversation.subject[:1]
    after = reply.changes.get("subject") or ()
    if before and after:
        reply.remember(compared=[*ctx.conversation.compared, before[0], after[0]])
    return reply


def _ask_what(ctx: TurnContext) -> Reply:
    return lookup.ask_what(ctx.catalog, ctx.message.city or "")


def _ask_which_measure(ctx: TurnContext) -> Reply:
    city = ctx.frame.city or ""
    reply = Reply().say(wording.ASK_WHICH_MEASURE.format(city=city), topic_buttons(ctx.catalog, city))
    return reply.as_outcome(outcomes.ASKED_TOPIC).remember(city=city)


def _look_up(ctx: TurnContext) -> Reply:
    return lookup.answer(ctx.catalog, ctx.frame, ctx.today)


TURN_KINDS: tuple[TurnKind, ...] = (
    TurnKind("refused_figure", _refused, _say_refused, doc="「融资-5亿」: a figure that is no real amount"),
    TurnKind("choose", _choice, _pick, doc="「第二个」: an item of the last list"),
    TurnKind("checkup", _checkup, _run_checkup, doc="「我们是邹平一家专精特新企业，能享受哪些」: 政策体检"),
    TurnKind(
        "where_most", _where_most, reasoning.where_most, doc="「在滨州和平顶山之间选址，哪里拿得最多」: totals per city"
    ),
    TurnKind("compare", _compare, reasoning.compare, doc="「平顶山和滨州哪个多」: one measure across cities"),
    TurnKind("rank", _rank, reasoning.rank, doc="「哪项钱最多」: a city's measures by what one enterprise gets"),
    TurnKind("who_pays", _who_pays, reasoning.who_pays, doc="「我们在郏县，奖金是市县各掏一半吗」: who pays"),
    TurnKind(
        "still_pay", _still_pay, reasoning.still_pay, doc="「这几个月我自己还要掏多少」: the cost less the relief"
    ),
    TurnKind("total", _total, reasoning.total, doc="「加起来一共多少」: several benefits summed"),
    TurnKind("documents", _about_documents, _documents, doc="「文号是多少」: the documents"),
    TurnKind("other_place", _other_place, _place_not_covered, doc="「郑州有什么补贴」: a place not covered"),
    TurnKind("judge", _judge, reasoning.judge, doc="「个体户也行吗」「4800万能拿吗」: a verdict on the owner's case"),
    TurnKind("now", _now, subject_aspects.now, doc="「现在还能申请吗」: validity in today's terms"),
    TurnKind("how_to", _how_to, subject_aspects.how_to, doc="「怎么申请，找哪个部门」: how to apply, honestly"),
    TurnKind(
        "measure", _measure, subject_aspects.measure, doc="「能缓多久」「分几次给」: what the clause may not give"
    ),
    TurnKind("follow_up", _follow_up, _follow, doc="「那省级的呢」「找谁办」「要是8亿呢」: one part of the subject"),
    TurnKind("switch_city", _switch_city, _reask, doc="「那三明呢」: the last question in another city"),
    TurnKind("city_alone", _city_alone, _ask_what, doc="「三明」: which kind of help"),
    TurnKind(
        "which_measure",
        _asks_of_nothing,
        _ask_which_measure,
        doc="「要准备哪些材料」 with no subject in play: of which measure",
    ),
    TurnKind("lookup", lambda ctx: True, _look_up, doc="「平顶山小巨人能奖多少」: a subject of its own"),
)


def context_of(reader: Reader, turn: Turn, today: dt.date | None = None) -> TurnContext:
    frame = turn.merged
    message = turn.message
    if message.aspect == "document" and reader.aspect(message.text) != "document" and message.topics:
        # 「文件提到的那只基金有多大」: only the classifier said "document"; the words ask about a topic.
        frame = replace(frame, aspect="amount")
    if lookup.asks_list(message.text) and not message.has_subject and not message.aspect:
        # 「有哪些奖励补贴」 after a question about 上市: a broad question of its own, not narrowed by the last topic.
        frame = replace(frame, topics=(), content=(), text=message.text, figures=message.figures)
    subject = turn.conversation.subject
    same_city = bool(subject) and (message.city is None or message.city == subject[0].city)
    if same_city and message.has_subject and reader.vocabulary.contrasts(message.text):
        # 「那承诺制备案的呢」: a sibling of the last subject; its topics rank the candidates too.
        frame = replace(frame, topics=tuple(dict.fromkeys(message.topics + subject[0].topics)))
    return TurnContext(reader, turn, frame, today or clock.today())


def kind_of(ctx: TurnContext) -> TurnKind:
    return next(kind for kind in TURN_KINDS if kind.detects(ctx))


def respond(reader: Reader, turn: Turn, today: dt.date | None = None) -> Reply:
    """The reply to one message in its conversation: the first kind of turn that accepts it answers."""
    ctx = context_of(reader, turn, today)
    return kind_of(ctx).handle(ctx)
