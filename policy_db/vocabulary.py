"""The domain words questions are read with (vocabulary.yml) and the kinds of help (categories.yml).

One home for aspect words, recognition levels, generic words, list-choice words, places outside
the database and the NLU's entity words, so a policy officer can add 「搞到哪天」 as a validity word
without touching Python; and one home for each kind of help (key, label, intent, how owners ask).
Both files are read from the data folder of `policy_db.paths` (`POLICY_DATA_DIR`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import data_dir

VOCABULARY_NAME = "vocabulary.yml"
CATEGORIES_NAME = "categories.yml"


@dataclass(frozen=True)
class Aspect:
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    name: str
    words: tuple[str, ...]


CAP_FOCUS = "上限"  # what a question asking for the ceiling (cap_words) focuses on: the cap figure


@dataclass(frozen=True)
class Vocabulary:
    aspects: tuple[Aspect, ...]
    levels: tuple[Level, ...]
    generic_words: frozenset[str]
    ordinal_prefix: tuple[str, ...]
    ordinal_suffix: tuple[str, ...]
    first_words: tuple[str, ...]
    last_words: tuple[str, ...]
    other_places: tuple[str, ...]
    cap_words: tuple[str, ...] = ()
    document_nouns: tuple[str, ...] = ()
    contrast_starts: tuple[str, ...] = ()
    contrast_ends: tuple[str, ...] = ()
    category_words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (category, words)
    entity_words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (NLU entity, words): lookup tables
    phone_words: tuple[str, ...] = ()  # a question asking for a telephone number (the hotline is added)
    cancel_message_words: frozenset[str] = frozenset()  # 「算了」: forget the message being left
    no_phone_words: frozenset[str] = frozenset()  # 「不留」: leave the message without a phone number
    period_start_words: tuple[str, ...] = ()  # 2021年以来: a year that starts a measure (policy_db/periods.py)
    period_compare_words: tuple[str, ...] = ()  # 比2021年: a year compared with
    stale_after_years: int = 2  # an undated measure of an older document gets a caveat, not 有效
    # Cue words of each kind of turn (actions/answering/turn_kinds.py): judge, compare, total, now …
    cues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What a follow-up asks that a clause may not give: cue kind -> (figure kinds, at least, what it is).
    asked_measures: tuple[tuple[str, tuple[str, ...], int, str], ...] = ()
    small_types: tuple[str, ...] = ()  # 政策体检: these kinds of enterprise …
    small_leaves_out: str | None = None  # … do not get measures that need this recognition listed (规上)
    money_words: tuple[str, ...] = ()
    pointer_words: tuple[
        str, ...
    ] = ()  # 「那50万」: a sum pointed at names a benefit  # 「奖励补贴」: an overview asking for these lists measures that pay money
    stage_words: tuple[str, ...] = ()
    split_words: tuple[
        str, ...
    ] = ()  # 「各出一半」: the owner supposes a half-and-half split  # a figure label naming a stage: the stages of one measure add up
    rank_which: tuple[str, ...] = ()  # 哪个 … 最多: a rank turn
    rank_most: tuple[str, ...] = ()
    judge_modal: tuple[str, ...] = ()  # 能, 可以 … with a yes/no form (吗, 能不能 …) makes a judge turn
    judge_yes_no: tuple[str, ...] = ()
    judge_not_with: tuple[str, ...] = ()

    def cue_words(self, kind: str) -> tuple[str, ...]:
        return next((words for name, words in self.cues if name == kind), ())

    def contrasts(self, text: str) -> bool:
        """「那…呢」: the message sets its subject against the last one."""
        text = text.strip().rstrip("?？!！。.~")
        return text.startswith(self.contrast_starts) or text.endswith(self.contrast_ends)

    @property
    def aspect_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.aspects)


def _words(value) -> tuple[str, ...]:
    return tuple(str(w) for w in (value or ()))


def parse_vocabulary(raw: dict) -> Vocabulary:
    choices = raw.get("choices") or {}
    return Vocabulary(
        aspects=tuple(Aspect(str(a["name"]), _words(a.get("words"))) for a in raw.get("aspects") or ()),
        levels=tuple(Level(str(lv["name"]), _words(lv.get("words"))) for lv in raw.get("levels") or ()),
        generic_words=frozenset(_words(raw.get("generic_words"))),
        ordinal_prefix=_words(choices.get("ordinal_prefix")),
        ordinal_suffix=_words(choices.get("ordinal_suffix")),
        first_words=_words(choices.get("first_words")),
        last_words=_words(choices.get("last_words")),
        other_places=_words(raw.get("other_places")),
        cap_words=_words(raw.get("cap_words")),
        phone_words=_words((raw.get("contact") or {}).get("phone_words")),
        cancel_message_words=frozenset(_words((raw.get("contact") or {}).get("cancel_message_words"))),
        no_phone_words=frozenset(_words((raw.get("contact") or {}).get("no_phone_words"))),
        document_nouns=_words(raw.get("document_nouns")),
        contrast_starts=_words((raw.get("contrast_markers") or {}).get("starts")),
        contrast_ends=_words((raw.get("contrast_markers") or {}).get("ends")),
        category_words=tuple((str(c), _words(w)) for c, w in (raw.get("category_words") or {}).items()),
        entity_words=tuple((str(e), _words(w)) for e, w in (raw.get("entity_words") or {}).items()),
        period_start_words=_words((raw.get("periods") or {}).get("start_words")),
        period_compare_words=_words((raw.get("periods") or {}).get("compare_words")),
        stale_after_years=int((raw.get("periods") or {}).get("stale_after_years") or 2),
        cues=tuple((str(k), _words(w)) for k, w in (raw.get("turn_cues") or {}).items()),
        stage_words=_words(raw.get("stage_words")),
        split_words=_words(raw.get("split_words")),
        money_words=_words(raw.get("money_words")),
        pointer_words=_words(raw.get("pointer_words")),
        small_types=_words((raw.get("checkup_small") or {}).get("types")),
        small_leaves_out=(raw.get("checkup_small") or {}).get("leaves_out"),
        rank_which=_words((raw.get("rank_forms") or {}).get("which")),
        rank_most=_words((raw.get("rank_forms") or {}).get("most")),
        judge_modal=_words((raw.get("judge_forms") or {}).get("modal")),
        judge_yes_no=_words((raw.get("judge_forms") or {}).get("yes_no")),
        judge_not_with=_words((raw.get("judge_forms") or {}).get("not_with")),
        asked_measures=tuple(
            (str(k), _words(m.get("kinds")), int(m.get("min") or 1), str(m.get("what") or k))
            for k, m in (raw.get("asked_measures") or {}).items()
        ),
    )


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary of `path`, default vocabulary.yml of the data folder (read once per path)."""
    return _read_vocabulary(path or data_dir() / VOCABULARY_NAME)


@lru_cache(maxsize=4)
def _read_vocabulary(path: Path) -> Vocabulary:
    return parse_vocabulary(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


# -- kinds of help (categories.yml) ---------------------------------------------------------------
class CategoryError(ValueError):
    """categories.yml is malformed: the message names the entry and what is wrong."""


@dataclass(frozen=True)
class Category:
    """A kind of help: 奖励补助 (reward), 贷款融资 (finance) …"""

    key: str
    label: str
    intent: str
    question: str  # an owner's question about one topic of this kind: "{topic}能拿多少奖励"
    templates: tuple[str, ...]  # generated NLU examples: {w} a topic word, {c} a city
    catch_all: bool = False  # the kind for everything else (not named in lists of kinds)

    def ask(self, topic: str, city: str = "") -> str:
        """「滨州技术改造能拿多少奖励」: the question about `topic`, of `city` when given."""
        return city + self.question.format(topic=topic)


@dataclass(frozen=True)
class Categories:
    """The kinds of help in the order of categories.yml."""

    items: tuple[Category, ...]

    def __iter__(self):
        return iter(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.items)

    def get(self, key: str) -> Category | None:
        return next((c for c in self.items if c.key == key), None)

    def of_intent(self, intent: str | None) -> Category | None:
        return next((c for c in self.items if c.intent == intent), None) if intent else None

    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.items}


def parse_categories(raw: dict) -> Categories:
    items = []
    for i, rec in enumerate(raw.get("categories") or ()):
        where = f"categories.yml categories[{i}]"
        missing = [name for name in ("key", "label", "intent", "question") if not rec.get(name)]
        if missing:
            raise CategoryError(f"{where}: 缺少 {', '.join(missing)}")
        category = Category(
            key=str(rec["key"]),
            label=str(rec["label"]),
            intent=str(rec["intent"]),
            question=str(rec["question"]),
            templates=_words(rec.get("templates")),
            catch_all=bool(rec.get("catch_all")),
        )
        if "{topic}" not in category.question:
            raise CategoryError(f"{where}: question 必须含 {{topic}}")
        if any("{w}" not in template for template in category.templates):
            raise CategoryError(f"{where}: 每个 template 都必须含 {{w}}")
        items.append(category)
    for name in ("key", "intent"):
        values = [getattr(c, name) for c in items]
        if len(set(values)) != len(values):
            raise CategoryError(f"categories.yml: {name} 重复")
    if not items:
        raise CategoryError("categories.yml: 没有任何类别")
    return Categories(tuple(items))


def load_categories(path: Path | None = None) -> Categories:
    """The kinds of help of `path`, default categories.yml of the data folder (read once per path)."""
    return _read_categories(path or data_dir() / CATEGORIES_NAME)


@lru_cache(maxsize=4)
def _read_categories(path: Path) -> Categories:
    return parse_categories(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
