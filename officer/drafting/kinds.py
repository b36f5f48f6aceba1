"""What a figure is, from the words right before and after it (data/drafting.yml).

Money: a fund or pool the government sets up (资金池规模5亿元, 安排…专项资金3亿元) is `fund`; 最高/不超过 before it
make a `cap`, unless the ceiling is on the enterprise's own figure (营业收入不超过4亿元的企业) or describes who
qualifies (单户500万元及以下的), which are conditions (`threshold`); 以上/未超过/达到 make a threshold, or in a
fact record (a sentence that grants nothing) a `target`. Ratios: 承担/分担 a `share`, 费率 a `rate`, 按…的 a
`ratio`, the government's own performance (满意度不低于95%) a target. A kind no word decided is returned
with sure=False, and the record's review note says so.
"""

from __future__ import annotations

import re

from .words import drafting_words

CONTEXT_CHARS = 8
CAP_WINDOW = 12  # 「最高给予担保总额0.5%」: a cap word this near before a ratio
CAP_OR_RATIO = "cap_or_ratio"  # a ratio with a cap word: a cap unless the clause caps it in money
_DELIMITERS = ',，、;；:：(（)）。“”"《》'


def money_kind(text: str, start: int, end: int, is_fact: bool) -> tuple[str, bool]:
    words = drafting_words()
    before, after = text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]
    if _is_fund(text, start, end):
        return "fund", True
    if before.endswith(("未超过", "未达到")):
        return "threshold", True
    if _ends_with_near(before, words.cap_before):
        return ("threshold", True) if _is_condition(text, start, end) else ("cap", True)
    if not is_fact and re.sub(r"(?:在|为|处于)$", "", chunk_before(text, start)).endswith(words.measure_words):
        return "threshold", True  # 营业收入在2000万元至1亿元之间的: the enterprise's own figure
    if after.startswith(words.below_after) and not after.startswith(words.threshold_after):
        return "cap", True
    if re.search(r"\d(?:亿元|万元|元|亿|万)(?:\(含\)|（含）)?至$", before):
        return "threshold", True  # the upper bound of a band: 10亿元(含)至20亿元
    compared = _compared(before, after, is_fact)
    if compared:
        return compared, True
    if is_fact:
        return "target", False
    near = text[max(0, start - 10) : end + 10]
    return "amount", any(w in near for w in words.grant_words)


def chunk_before(text: str, start: int) -> str:
    """The words of the figure's own phrase before it (back to the last comma or full stop)."""
    return re.split(r"[,，;；。:：]", text[:start])[-1]


def _is_fund(text: str, start: int, end: int) -> bool:
    """A fund or pool the government sets up, not what one enterprise gets: 「资金池规模5亿元」
    「设立规模20亿元的…基金」「安排…专项资金3亿元」「补贴总额度不超过1000万元」."""
    words = drafting_words()
    before = chunk_before(text, start)
    compared = words.cap_before + words.reach_before + words.threshold_before
    bare = re.sub(f"(?:{'|'.join(map(re.escape, compared))}|为|共)+$", "", before)
    if bare.endswith(words.fund_before) or text[end : end + CONTEXT_CHARS].startswith(words.fund_after):
        return True
    if any(w in text[end : end + 12] for w in words.fund_words) and not text[end:].startswith("的"):
        return True
    if any(w in text[end : end + 12] for w in words.fund_words) and re.match(
        r"的[^,，;；。]{0,12}?(?:基金|资金池)", text[end:]
    ):
        return True
    if bare.endswith(words.fund_nouns) and any(w in before for w in words.fund_setup_words):
        return True
    # 「专项资金由市财政预算安排，每年不少于2亿元」: the sentence is about the fund, the figure's own
    # phrase only says how much (每年, 不少于 …)
    sentence = re.split(r"[。；;]", text[:start])[-1]
    qualifiers = "|".join(
        map(re.escape, words.cap_before + words.reach_before + words.threshold_before + words.period_words)
    )
    only_amount = not re.sub(f"(?:{qualifiers}|为|共|共计|合计)+", "", before)
    subject = re.match(f"^[^,，]{{0,20}}?(?:{'|'.join(map(re.escape, words.fund_nouns))})", sentence)
    return only_amount and subject is not None and any(w in sentence for w in words.fund_setup_words)


def _is_condition(text: str, start: int, end: int) -> bool:
    """「上年度营业收入不超过4亿元的中小企业」: a ceiling on the enterprise's own figure (营业收入 …
    data/drafting.yml `measure_words`), or a figure that describes who (…的企业), is a condition."""
    words = drafting_words()
    before = chunk_before(text, start)
    bare = re.sub(f"(?:{'|'.join(map(re.escape, words.cap_before))})+$", "", before)
    if bare.endswith(words.measure_words):
        return True
    after = text[end : end + 8]
    return after.startswith("的") and any(w in after for w in words.who_nouns)


def ratio_kind(text: str, start: int, end: int, is_fact: bool) -> tuple[str, bool]:
    words = drafting_words()
    before, after = text[max(0, start - CONTEXT_CHARS) : start], text[end : end + 4]
    if any(w in before[-6:] or w in after for w in words.share_words):
        return "share", True
    if any(w in chunk_before(text, start) for w in words.performance_words):
        return "target", True  # 培训满意度不低于95%: a level the government commits to
    if re.search(f"比例(?:{'|'.join(map(re.escape, words.ratio_set_words))})$", before):
        return "ratio", True  # 加计扣除比例提高到100%: the ratio the enterprise gets
    if after.startswith(words.threshold_after):
        return "threshold", True  # 担保费率降至1%以下的业务: which business qualifies
    if not before.endswith("的") and any(w in before for w in words.rate_before):
        return "rate", True  # 担保费率降至1%; but 利率(LPR)的35% is a ratio of a rate
    if before.endswith(words.cap_before) and _is_condition(text, start, end):
        return "threshold", True  # 裁员率不高于5.5%的企业: the enterprise's own rate
    if before.endswith(words.cap_before):
        return CAP_OR_RATIO, True  # 按照不超过10%的比例: not a condition 「超过10%」
    if is_fact and before.endswith(("不低于", "不少于")):
        return "target", True  # 问题解决率不低于96%: a level the government commits to
    compared = _compared(before, after, is_fact)
    if compared:
        return compared, True
    if any(w in text[max(0, start - CAP_WINDOW) : start] for w in words.cap_before):
        return CAP_OR_RATIO, True
    if re.search(r"按[^,，;；。]{1,40}的$", chunk_before(text, start)):
        return "ratio", True  # 按市场价的50%收取: a share of a base, also in a sentence that grants nothing
    if is_fact:
        return "target", False
    near = text[max(0, start - 12) : end + 12]
    return "ratio", any(w in near for w in words.grant_words) or "按" in before or "比例" in after


def _compared(before: str, after: str, is_fact: bool) -> str | None:
    """A figure compared with the enterprise's: a threshold (condition) or, in a fact, a target."""
    words = drafting_words()
    for above in sorted(words.above_after, key=len, reverse=True):
        if after.startswith(above):
            rest = after[len(above) :]
            return "target" if not rest or rest[0] in _DELIMITERS else "threshold"
    for below in words.below_after:
        if after.startswith(below) and (len(after) == len(below) or after[len(below)] in _DELIMITERS):
            return "target"  # 传统产业比重降低到75%以下;
    if after.startswith(words.threshold_after) or before.endswith(words.threshold_before):
        return "threshold"
    if before.endswith(words.reach_before):
        return "target" if is_fact else "threshold"
    return None


def _ends_with_near(before: str, words: tuple[str, ...]) -> bool:
    """「最高补贴5.04万元」「每场最高20万元」「给予最高不超过200万元」: the word ends right before the
    figure or one verb before it."""
    trimmed = re.sub(r"(给予|补贴|补助|奖励|资助)$", "", before)
    if before.endswith(words) or trimmed.endswith(words):
        return True
    # 「最高可获得50万元」「最高可达50万元」: a verb of getting between the word and the figure
    verbs = "|".join(map(re.escape, drafting_words().cap_verbs))
    return bool(re.search(f"(?:{'|'.join(map(re.escape, words))})(?:{verbs})$", before))
