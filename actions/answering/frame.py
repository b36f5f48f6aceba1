"""The question frame: what one message says, and how it combines with the conversation so far.

An owner rarely repeats the whole question. 「那省级的呢」 changes the level only, 「那三明呢」 the city,
「要是营收过了五千万呢」 a figure, 「最晚到什么时候」 the aspect, 「第二个」 picks from the last list. Each
message is read into a `Frame` of what it states; `merge` lays it over the conversation's frame
(kept in slots) so the answer uses everything said so far and only what was said last changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from policy_db.approximate import find_approximations
from policy_db.figure_bases import load_vocabulary as load_figure_vocabulary
from policy_db.fuzzy import FuzzyMatcher
from policy_db.query import Catalog
from policy_db.user_figures import UserFigure, UserFigures, read_figures
from policy_db.vocabulary import CAP_FOCUS, Categories, Vocabulary, load_categories, load_vocabulary

from . import wording
from .selection import asks_for_figure

MAX_QUESTION_CHARS = 500  # longer messages are cut before search: enough for any real question
MAX_CHOICE_CHARS = 8  # 「第二个」「2」「上面那个吧」: a choice is a short message
MIN_FUZZY_TOPIC_LENGTH = 3
_CHINESE_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FILLER = re.compile(r"[\s,，。.!！?？~、]|吧|呢|啊|呀|的|看看|说说|详细|讲讲|要|选|就|那|这")

QUESTION_MARKS = ("吗", "?", "？", "么")
# Cue kinds that say nothing of the policy domain by themselves (「我们」, 「平台」).
NOT_DOMAIN_CUES = frozenset({"self", "procedure"})
# Cues that qualify a question rather than ask one (「这个…」 points back, 「最划算」 asks for the best of all):
# they never stop a yes/no question from being a judge question.
MODIFIER_CUES = frozenset({"refers_to_subject", "best_overall"})
AMOUNT_OVER = ("validity", "conditions")  # aspects a figure question with the owner's figures overrides

# What the intent classifier says the message asks, when the words alone do not say it.
INTENT_ASPECT = {
    "ask_contact": "contact",
    "ask_condition": "conditions",
    "ask_validity": "validity",
    "ask_document": "document",
}


@dataclass(frozen=True)
class Frame:
    """What a message (or the conversation) states. Empty fields mean "not said"."""

    text: str = ""
    city: str | None = None
    other_place: str | None = None  # a place the database does not cover
    topics: tuple[str, ...] = ()
    level: str | None = None
    aspect: str | None = None
    category: str | None = None
    figures: tuple[UserFigure, ...] = ()  # the owner's figures, each with what it measures (its basis)
    refused_figures: tuple[str, ...] = ()  # figures that are not real amounts (negative, zero, absurd)
    choice: int | None = None  # 1-based; -1 means the last item
    content: tuple[str, ...] = ()  # content words beyond places, levels, aspects and generic words
    domain_words: tuple[str, ...] = ()  # those of the content words that occur in the policy texts
    # What the answer should put first: figure-basis words (「那高级工呢」) and CAP for 「上限是多少」.
    focus: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # kinds of help the words name (贷款 -> finance), in vocabulary order
    cues: tuple[str, ...] = ()  # the kinds of turn whose cue words the message uses (judge, compare, total …)
    named_amounts: tuple[Decimal, ...] = ()  # sums the owner names as a benefit (「那50万奖励」), not figures of theirs

    @property
    def figure_yuan(self) -> Decimal | None:
        money = [f.value for f in self.figures if f.kind == "money"]
        return money[-1] if money else None

    @property
    def given(self) -> UserFigures:
        """The owner's figures as the calculator takes them, newest first (it uses the first of each basis)."""
        return UserFigures(tuple(reversed(self.figures)))

    @property
    def has_subject(self) -> bool:
        """The message names something to look up (a topic or content words), not only a modifier."""
        return bool(self.topics or self.content)

    @property
    def asks_something(self) -> bool:
        """A question about something of the policy domain (「商场的大屏可以免费用吗」), not only a description."""
        question = any(mark in self.text for mark in QUESTION_MARKS) or bool(self.aspect or self.cues)
        return question and bool(self.domain_words)

    @property
    def has_domain_cue(self) -> bool:
        """Anything of the policy domain: out of scope is only for messages with none of these."""
        return bool(
            self.city
            or self.other_place
            or self.topics
            or self.level
            or self.aspect
            or self.figures
            or self.refused_figures
            or self.choice
            or self.domain_words
            or self.focus
            or set(self.cues) - NOT_DOMAIN_CUES
        )


@dataclass
class Reader:
    """Reads messages with the catalogue's places and topics and the vocabulary's domain words."""

    catalog: Catalog
    vocabulary: Vocabulary = field(default_factory=load_vocabulary)
    categories: Categories = field(default_factory=load_categories)  # which intent asks for which kind of help

    def read(self, text: str, intent: str | None = None, entities: list[dict] | None = None) -> Frame:
        text = (text or "").strip()[:MAX_QUESTION_CHARS]
        if text.startswith("/"):
            text = ""  # a button payload (/inform_city{...}): its entities say it all
        entities = entities or []
        catalog = self.catalog
        city = _entity_city(catalog, entities) or next(iter(catalog.cities_in(text)), None)
        if city is None:
            city = self._fuzzy_city(text)
        other = None if city else self.other_place(text)
        given = read_figures(text)
        subject_text = _without_figures(text, given)
        topics = (
            tuple(catalog.topics_in(subject_text))
            or _entity_topics(catalog, entities)
            or self._fuzzy_topics(subject_text, city)
        )
        named = tuple(f for f in given.figures if _names_a_benefit(text, f))
        figures = tuple(f for f in given.figures if f not in named)[:MAX_FIGURES_PER_MESSAGE]
        refused = tuple(wording.REFUSED_AMOUNT.format(text=f.text, reason=f.reason.rstrip("。")) for f in given.refused)
        choice = self.choice(text)
        content = () if choice is not None else self.content(subject_text)  # 「第三个」 names no subject
        if content and subject_text != text:
            # A question of its own: the words a figure was given with name subjects too (「上市融资15亿,
            # 另外技改…」); only a bare figure message (「那融资额8亿呢」) leaves them out.
            topics = tuple(dict.fromkeys(topics + tuple(catalog.topics_in(text))))
        # The kinds of help the words name (税 -> tax_fee): when they name one, it ranks the records rather
        # than the classifier's guess (「税款晚几个月交行不行」 is about tax, though 延期 sounds like a loan).
        categories = tuple(c for c, words in self.vocabulary.category_words if any(w in subject_text for w in words))
        return Frame(
            text=text,
            city=city,
            other_place=other,
            topics=topics,
            level=self.level(text),
            aspect=self._asked_aspect(text, given, intent),
            category=categories[0] if len(categories) == 1 else self.category(intent),
            figures=figures,
            refused_figures=refused,
            choice=choice,
            content=content,
            domain_words=tuple(w for w in content if w in _indexes_for(catalog).known_words),
            focus=self.focus(subject_text),
            categories=categories,
            cues=self.cues(text),
            named_amounts=tuple(f.value for f in named),
        )

    def cues(self, text: str) -> tuple[str, ...]:
        """The kinds of turn whose cue words (vocabulary.yml `turn_cues`) occur in the message; a yes/no
        question with a modal word (`judge_forms`) is a judge cue too, unless a cue of another kind says what it
        asks (「现在还有效吗」 asks about validity); a judge cue word in a how-much question with no yes/no form
        (「能占多少股」) asks for the figure, not a verdict."""
        v = self.vocabulary
        inside = self.catalog.tokenizer.inside_terms(text)
        found = [kind for kind, words in v.cues if any(_outside_terms(text, word, inside) for word in words)]
        yes_no = any(w in text for w in v.judge_yes_no) and any(w in text for w in v.judge_modal)
        which, most = [w for w in v.rank_which if w in text], [w for w in v.rank_most if w in text]
        if "rank" not in found and which and most and text.find(which[0]) < text.find(most[0]):
            found.append("rank")  # 「哪个县最多」
        if "total" not in found and asks_for_figure(text) and _joins_money_words(text, v.money_words):
            found.append("total")  # 「资助和补贴最多能拿多少」: two kinds of money asked together
        other_question = set(found) - NOT_DOMAIN_CUES - MODIFIER_CUES - {"amount"}
        asks_how_much = any(w in text for w in v.judge_not_with)
        if "judge" not in found and yes_no and not asks_how_much and not other_question:
            found.append("judge")
        elif "judge" in found and asks_how_much and not any(w in text for w in v.judge_yes_no):
            found.remove("judge")  # 「最多能占多少股」: a modal word in a how-much question asks for the figure
        return tuple(found)

    # -- the parts of a message ------------------------------------------------------------
    def category(self, intent: str | None) -> str | None:
        """The kind of help the classifier says the message asks for (ask_finance -> finance)."""
        category = self.categories.of_intent(intent)
        return category.key if category else None

    def _asked_aspect(self, text: str, given, intent: str | None) -> str | None:
        """The aspect asked; an owner who gives their own figure and asks how much wants the amount, even if
        the message also says 「在有效期内」 or 「符合条件」 about the enterprise."""
        aspect = self.aspect(text)
        if aspect in AMOUNT_OVER and given.figures and asks_for_figure(text):
            return None
        if aspect == "contact" and asks_for_figure(text):
            return None  # 「优惠多少，找谁」: the card gives the figure and the 责任单位
        return aspect or INTENT_ASPECT.get(intent or "")

    def aspect(self, text: str) -> str | None:
        for aspect in self.vocabulary.aspects:
            if aspect.name != "amount" and any(word in text for word in aspect.words):
                return aspect.name
        return None

    def level(self, text: str) -> str | None:
        for level in self.vocabulary.levels:
            if any(word in text for word in level.words):
                return level.name
        return None

    def choice(self, text: str) -> int | None:
        """「2」「第二个」「第三条」「上面那个」「最后一个」 -> 2, 2, 3, 1, -1."""
        short = _FILLER.sub("", text)
        if not short or len(short) > MAX_CHOICE_CHARS:
            return None
        v = self.vocabulary
        if any(word.replace("那", "").replace("这", "") == short or word == short for word in v.last_words):
            return -1
        if any(_FILLER.sub("", word) == short for word in v.first_words):
            return 1
        prefix = "|".join(map(re.escape, v.ordinal_prefix)) or "第"
        suffix = "|".join(map(re.escape, v.ordinal_suffix)) or "个"
        match = re.fullmatch(rf"(?:{prefix})?([0-9]{{1,2}}|[一二两三四五六七八九十])(?:{suffix})?", short)
        if not match:
            return None
        number = match.group(1)
        if number.isdigit():
            return int(number) or None
        # A bare Chinese numeral (「三」) is too ambiguous; 「第三」「三个」 are choices.
        if short == number:
            return None
        return _CHINESE_ORDINALS[number]

    def content(self, text: str) -> tuple[str, ...]:
        """Words that say what is asked about, beyond places, levels, aspects, figures and generic words.

        `text` comes without its figures (see `_without_figures`)."""
        plain = _blanked(self.catalog.without_places(text), _framing_words(self.vocabulary))
        tokens = self.catalog.tokenizer.tokens(plain)
        generic = self.vocabulary.generic_words
        return tuple(dict.fromkeys(t for t in tokens if len(t) > 1 and not _made_of(t, generic) and not t.isdigit()))

    def focus(self, text: str) -> tuple[str, ...]:
        """Figure-basis words named without a figure (「高级工呢」), and CAP when the ceiling is asked for."""
        bases = tuple(w for w, _ in load_figure_vocabulary().words if len(w) > 1 and w in text)
        return bases + ((CAP_FOCUS,) if any(word in text for word in self.vocabulary.cap_words) else ())

    def other_place(self, text: str) -> str | None:
        return next((place for place in self.vocabulary.other_places if place in text), None)

    # -- typo tolerance ----------------------------------------------------------------------
    def _fuzzy_city(self, text: str) -> str | None:
        for hit in _indexes_for(self.catalog).places.find(text):
            return self.catalog.resolve_city(hit.word)
        return None

    def _fuzzy_topics(self, text: str, city: str | None) -> tuple[str, ...]:
        """Topics typed with one wrong or homophone character; never a topic the city does not have."""
        indexes = _indexes_for(self.catalog)
        available = indexes.topics_by_city.get(city) if city else None
        found = []
        for hit in indexes.topics.find(text):
            topic = self.catalog.canonical_topic(hit.word)
            if topic and (available is None or topic in available) and topic not in found:
                found.append(topic)
        return tuple(found)


def merge(previous: Frame, message: Frame) -> Frame:
    """The conversation's frame after `message`: what the message says replaces, the rest is kept.

    A message with a subject of its own starts a new subject (its level and aspect apply to it); a
    message with only a city, level, figure or aspect changes just that part of the previous frame.
    """
    if message.has_subject:
        return replace(
            message,
            city=message.city or (None if message.other_place else previous.city),
            figures=remember_figures(previous.figures, message.figures),
        )
    return replace(
        previous,
        text=message.text,
        city=message.city or (None if message.other_place else previous.city),
        other_place=message.other_place,
        level=message.level or previous.level,
        aspect=message.aspect or ("amount" if message.figures or message.level else previous.aspect),
        figures=remember_figures(previous.figures, message.figures),
        refused_figures=message.refused_figures,
        choice=message.choice,
        content=(),
        domain_words=(),
        focus=message.focus,
    )


BENEFIT_WORD_GAP = 2  # 「5万元的奖励」: characters between a sum and the word for the money received
MAX_REMEMBERED_FIGURES = 6
MAX_FIGURES_PER_MESSAGE = 6  # a message of 166 figures is read for its first few: the work per message is bounded


def remember_figures(old: tuple[UserFigure, ...], new: tuple[UserFigure, ...]) -> tuple[UserFigure, ...]:
    """A figure the owner gave stays until they give another of the same measure (the newer wins).

    「要是8亿呢」 names no measure: it is a new value of the money figure in play, so it replaces the money
    figures; a figure of a named measure replaces that measure's (and an unnamed one of its kind)."""
    if not new:
        return old
    named = {(f.basis, f.qualifier) for f in new if f.basis}
    unnamed_kinds = {f.kind for f in new if not f.basis}

    def replaced(figure: UserFigure) -> bool:
        if figure.basis and (figure.basis, figure.qualifier) in named:
            return True
        return figure.kind in unnamed_kinds or (not figure.basis and figure.kind in {f.kind for f in new})

    kept = tuple(f for f in old if not replaced(f))
    return (kept + new)[-MAX_REMEMBERED_FIGURES:]


# -- helpers --------------------------------------------------------------------------------
def _entity_city(catalog: Catalog, entities: list[dict]) -> str | None:
    for entity in entities:
        if entity.get("entity") == "city" and isinstance(entity.get("value"), str):
            city = catalog.resolve_city(entity["value"])
            if city:
                return city
    return None


def _entity_topics(catalog: Catalog, entities: list[dict]) -> tuple[str, ...]:
    topics = []
    for entity in entities:
        if entity.get("entity") == "topic" and isinstance(entity.get("value"), str):
            topic = catalog.canonical_topic(entity["value"])
            if topic and topic not in topics:
                topics.append(topic)
    return tuple(topics)


def _blanked(text: str, words: tuple[str, ...]) -> str:
    """`text` with every occurrence of every word blanked out, overlapping ones included (准备什么材料 loses both
    准备什么 and 什么材料), so what is left does not depend on the order the words are tried in."""
    covered = bytearray(len(text))
    for word in words:
        at = text.find(word)
        while at >= 0:
            covered[at : at + len(word)] = b"\x01" * len(word)
            at = text.find(word, at + 1)
    return "".join(" " if hit else char for char, hit in zip(text, covered))


def _outside_terms(text: str, phrase: str, inside: frozenset[int]) -> bool:
    """`phrase` occurs in `text` not beginning inside a policy term (稳岗返|还有吗 is no 还有吗)."""
    at = text.find(phrase)
    while at >= 0:
        if at not in inside:
            return True
        at = text.find(phrase, at + 1)
    return False


def _without_figures(text: str, given) -> str:
    """The text without its figures and the words that name them: 「那融资额8亿呢」 is a figure, not a
    question about 融资."""
    for figure in (*given.figures, *given.refused):
        text = text.replace(figure.text, " ", 1)
    for figure in given.figures:
        if figure.word and len(figure.word) > 1:
            text = text.replace(figure.word, " ", 1)
    for approximation in find_approximations(text):  # 「八九万」: the owner's figure, in words
        text = text.replace(approximation.said, " ", 1)
    return text


def _joins_money_words(text: str, words: tuple[str, ...]) -> bool:
    """Two words for money received joined by 和/与/跟/及/加 (「资助和补贴」「奖励加补助」)."""
    pattern = "|".join(map(re.escape, words))
    return bool(words) and re.search(rf"(?:{pattern})[和与跟及加、](?:{pattern})", text) is not None


def _names_a_benefit(text: str, figure: UserFigure) -> bool:
    """「拿到5万奖励」「那50万的补贴」「还能再拿那50万吗」: a sum followed by a word for money received, or pointed
    at (那、这个), names a benefit; it is not the owner's own figure (no revenue of 5万)."""
    if figure.kind != "money" or figure.basis:
        return False
    vocabulary = load_vocabulary()
    after = text[figure.end : figure.end + BENEFIT_WORD_GAP + 2]
    before = text[max(0, figure.start - 2) : figure.start]
    return any(after.lstrip("的元").startswith(word) for word in vocabulary.money_words) or before.endswith(
        vocabulary.pointer_words
    )


def _made_of(token: str, words: frozenset[str]) -> bool:
    """The token is generic words run together (「那能」 = 那 + 能, jieba's join of two of them)."""
    if token in words:
        return True
    return any(token[:i] in words and _made_of(token[i:], words) for i in range(1, len(token)))


@lru_cache(maxsize=4)
def _framing_words(vocabulary: Vocabulary) -> tuple[str, ...]:
    """Level, aspect, figure-basis and turn-cue phrases, longest first: they frame a question, not its subject."""
    words = [w for lv in vocabulary.levels for w in lv.words]
    words += [w for a in vocabulary.aspects if a.name != "amount" for w in a.words]
    words += [w for w, _ in load_figure_vocabulary().words if len(w) > 1]
    # The cue words of the kinds of turn (能缓多久, 也行吗, 一共多少) ask about a subject, they do not name one.
    words += [w for kind, cue_words in vocabulary.cues if kind not in NOT_DOMAIN_CUES for w in cue_words if len(w) > 1]
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Indexes:
    """What the reader derives from one catalogue snapshot, built once per build stamp."""

    known_words: frozenset[str]  # every word of the searchable text: others are no domain cue
    places: FuzzyMatcher
    topics: FuzzyMatcher
    topics_by_city: dict[str, frozenset[str]]


@lru_cache(maxsize=2)
def _indexes_for(catalog: Catalog) -> _Indexes:
    words: set[str] = set()
    by_city: dict[str, set[str]] = {}
    for benefit in catalog.benefits:
        words.update(benefit.search_tokens)
        by_city.setdefault(benefit.city, set()).update(benefit.topics)
    places = [c.name for c in catalog.cities] + [p for c in catalog.cities for p in c.places]
    topic_words = [w.replace('"', "") for name, synonyms in catalog.topics.items() for w in (name, *synonyms)]
    return _Indexes(
        frozenset(words),
        FuzzyMatcher(places),
        FuzzyMatcher(w for w in topic_words if len(w) >= MIN_FUZZY_TOPIC_LENGTH),
        {city: frozenset(t) for city, t in by_city.items()},
    )
