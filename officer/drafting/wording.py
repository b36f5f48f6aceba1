"""A record's words taken from its clause: who it is for, the conditions, a short name, a summary.

「对2022年第一季度保持连续满负荷生产且实现主营业务收入同比增长10%以上的规模以上工业企业,给予20万元的财政
奖励」 is for 规模以上工业企业 (the noun after the last 的 of 「对…」), on the conditions 2022年第一季度保持
连续满负荷生产 and 实现主营业务收入同比增长10%以上 (what comes before it, cut at 且/并); its name joins
who and what: 规模以上工业企业给予20万元的财政奖励. 「经省级税务机关批准」「符合…条件」 are conditions
wherever they stand. When no 「对…」 names who, the eligibility is a placeholder and the review note
says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .words import drafting_words

MAX_NAME_CHARS = 30
MIN_NAME_CHARS = 4
MAX_SUMMARY_CHARS = 80
MAX_CONDITION_CHARS = 40
MAX_CONDITIONS = 4
PLACEHOLDER_ELIGIBILITY = "符合条件的企业"
FACT_ELIGIBILITY = "不适用(事实记录,不是企业可申请的支持)"
_CHUNK_BREAK = re.compile(r"[,，;；:：]")
_WHO_START = re.compile(r"(?:^|[,，;；:：])(?:并|且|要|均)?对(?:于)?")
_WHO_STOPS = (
    "给予",
    "免征",
    "免收",
    "减免",
    "减征",
    "减半",
    "缓缴",
    "可",
    "按照",
    "按其",
    "实行",
    "优先",
    "分别",
    "一次性",
    "再",
)
_WHO_BY = re.compile(r"按(?!时|期)")  # 「对新上市企业按融资额奖励」; but 「不能按时缴纳」 goes on
MAX_WHO_CHARS = 80
_SUBJECT = re.compile(
    r"(?:向|为|帮助|支持)(?P<who>[^,，;；。:：]{2,30}?(?:企业|个体工商户|纳税人|机构|平台|基地|人员|商户|主体))"
)
_CONDITION_WORDS = (re.compile(r"经[^,，;；。]{2,20}?批准"), re.compile(r"符合[^,，;；。]{0,16}?条件"))
_LEADING = re.compile(r"^(?:并|且|要|可|均|同时|其中|对于|对)+")


@dataclass
class Wording:
    name: str
    summary: str
    eligibility: str
    conditions: list[str] = field(default_factory=list)
    eligibility_found: bool = True


def _outside_brackets_split(text: str, separator: str) -> list[str]:
    parts, depth, begin = [], 0, 0
    for i, char in enumerate(text):
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            parts.append(text[begin:i])
            begin = i + 1
    parts.append(text[begin:])
    return parts


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def word_benefit(text: str) -> Wording:
    """The words of a benefit clause (its text without whitespace)."""
    eligibility, conditions, found = _who(text)
    for pattern in _CONDITION_WORDS:
        conditions += [m.group(0) for m in pattern.finditer(text) if m.group(0) not in conditions]
    return Wording(
        name=_name(text, eligibility if found else ""),
        summary=_clip(text, MAX_SUMMARY_CHARS),
        eligibility=eligibility,
        conditions=[_clip(c, MAX_CONDITION_CHARS) for c in conditions if c][:MAX_CONDITIONS],
        eligibility_found=found,
    )


def word_fact(text: str) -> Wording:
    """The words of a fact clause: a target, a fund, a cost share."""
    chunk = next((c for c in _CHUNK_BREAK.split(text) if re.search(r"\d", c)), text)
    return Wording(
        name=_clip(_LEADING.sub("", chunk), MAX_NAME_CHARS),
        summary=_clip(text, MAX_SUMMARY_CHARS),
        eligibility=FACT_ELIGIBILITY,
    )


def _who(text: str) -> tuple[str, list[str], bool]:
    """(eligibility, conditions, found): 「对…的 X」 -> X and the conditions before it."""
    who = _who_phrase(text)
    if who:
        parts = _outside_brackets_split(who, "的")
        if len(parts) >= 2 and len(parts[-1]) >= 2:
            subject = parts[-1]
            before = "的".join(parts[:-1])
            conditions = [c for c in re.split(r"并且|且|,|，", before) if len(c) >= 2]
            return subject, conditions, True
        if who.endswith("的"):
            return who + "企业", [], True
        return who, [], True
    match = _SUBJECT.search(text)
    if match:
        return _LEADING.sub("", match.group("who")), [], True
    return PLACEHOLDER_ELIGIBILITY, [], False


def _who_phrase(text: str) -> str:
    """The words after 「对」 up to the comma or verb that ends them (brackets are passed over)."""
    for start in _WHO_START.finditer(text):
        depth, i = 0, start.end()
        while i < len(text) and i - start.end() <= MAX_WHO_CHARS:
            char = text[i]
            if char in "(（":
                depth += 1
            elif char in ")）":
                depth = max(0, depth - 1)
            elif depth == 0 and (char in ",，;；。:：" or text.startswith(_WHO_STOPS, i) or _WHO_BY.match(text, i)):
                break
            i += 1
        who = text[start.end() : i]
        if 2 <= len(who) <= MAX_WHO_CHARS:
            return who
    return ""


def _name(text: str, eligibility: str) -> str:
    """The part granting something, with whom it is for when that fits in a name."""
    grants = drafting_words().grant_words
    chunks = _CHUNK_BREAK.split(text)
    for chunk in [c for c in chunks if any(w in c for w in grants)] + chunks:
        if chunk.startswith("对") and "的" in chunk:
            chunk = _outside_brackets_split(chunk, "的")[-1]
        chunk = _LEADING.sub("", chunk)
        if len(chunk) >= MIN_NAME_CHARS:
            break
    else:
        chunk = text
    if eligibility and not chunk.startswith(eligibility) and len(eligibility) + len(chunk) <= MAX_NAME_CHARS:
        chunk = eligibility + chunk
    return _clip(chunk, MAX_NAME_CHARS)
