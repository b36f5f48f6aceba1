"""The unanswered questions for officers: per city and topic with counts and examples, or as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict

from .replies import Reason
from .unanswered import Unanswered

MAX_EXAMPLES = 3  # example questions shown per city and topic
MAX_EXAMPLE_CHARS = 40
UNKNOWN_CITY = "城市不明"
NO_TOPIC = "目录中没有的主题"


def listing(questions: list[Unanswered], since: dt.datetime) -> str:
    """Per city, per topic (most asked first): the count and up to three different questions, shortened."""
    header = f"{since:%Y-%m-%d %H:%M} UTC 以来机器人没能回答的问题"
    if not questions:
        return f"{header}：没有。"
    reasons = Counter(q.reason for q in questions)
    lines = [
        f"{header}：共 {len(questions)} 条（"
        + "，".join(f"{reason.value} {reasons[reason]} 条" for reason in Reason if reasons[reason])
        + "）"
    ]
    by_city: dict[str, list[Unanswered]] = defaultdict(list)
    for q in questions:
        by_city[q.city or UNKNOWN_CITY].append(q)
    for city, asked in _most_first(by_city, last=UNKNOWN_CITY):
        lines += ["", f"{city}：{len(asked)} 条"]
        by_topic: dict[str, list[Unanswered]] = defaultdict(list)
        for q in asked:
            by_topic[q.topic or NO_TOPIC].append(q)
        for topic, about in _most_first(by_topic, last=NO_TOPIC):
            lines.append(f"  {topic}：{len(about)} 条")
            examples = list({q.question: q for q in reversed(about)}.values())[:MAX_EXAMPLES]  # the latest first
            lines += [f"    · {_shortened(q.question)}（{q.reason.value}）" for q in examples]
    return "\n".join(lines)


def _most_first(groups: dict[str, list[Unanswered]], last: str) -> list[tuple[str, list[Unanswered]]]:
    return sorted(groups.items(), key=lambda item: (item[0] == last, -len(item[1]), item[0]))


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EXAMPLE_CHARS else text[:MAX_EXAMPLE_CHARS] + "…"


def to_csv(questions: list[Unanswered]) -> str:
    """One row per question, with a header row, for a spreadsheet (UTF-8; Excel needs the BOM of spreadsheet.write_csv)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["时间(UTC)", "会话", "城市", "主题", "原因", "问题"])
    for q in questions:
        writer.writerow(
            [
                q.time.replace(tzinfo=None).isoformat(timespec="seconds"),
                q.conversation_id,
                q.city or "",
                "、".join(q.topics),
                q.reason.value,
                q.question,
            ]
        )
    return out.getvalue()
