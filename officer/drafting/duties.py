"""Who is responsible, as the text names it: 责任单位 lists inside a paragraph, and units named in
running text.

A list stands in brackets with a label 「(责任单位:市税务局、市财政局,各县〔市、区〕政府〔管委会〕)」, after a
sentence 「。责任单位：市科技局。」, or in brackets that hold only units and their roles
「(市发展改革委、市工业和信息化局按职责分工负责)」「（市发改委牵头，市财政局、市工信局配合）」「（市工信局、
市财政局）」 at the end of a measure. In running text, units lead (由…牵头/会同), help (…配合), do something
(由…共同管理, 由…负责解释) or are the subject of a sentence (市财政局在…内拨付资金). The words are those of
data/drafting.yml; the names themselves are split and checked by departments.py.
"""

from __future__ import annotations

import re

from .brackets import closing_brackets, drop_unmatched_closer
from .departments import split_names
from .words import drafting_words


def inline_lists(text: str) -> list[tuple[int, int, str]]:
    """The 责任单位 lists inside a paragraph: (start, end, names), the span including its brackets.

    「(责任单位:市税务局、市财政局,各县〔市、区〕政府〔管委会〕)」「【责任单位：市金融局】」, a label without
    brackets after a sentence 「。责任单位：市科技局、市财政局。」, and brackets that hold only units and their
    roles 「(市发展改革委、市工业和信息化局按职责分工负责)」「（市发改委牵头，市财政局、市工信局配合）」, or
    units alone in brackets that close the paragraph 「…给予奖励。（市工信局、市财政局，各县〔市、区〕政府）」."""
    words = drafting_words()
    found = []
    closers = closing_brackets(text)
    label = "|".join(map(re.escape, words.responsible_label))
    for match in re.finditer(rf"[（(【\[]\s*(?:{label})\s*[:：]", text):
        end = closers.get(match.start(), len(text))
        found.append((match.start(), end + 1, text[match.end() : end].strip()))
    for match in re.finditer(rf"(?<=[。；;])\s*(?:{label})\s*[:：](?P<names>[^。；;]+)[。；;]?", text):
        if not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(), match.end(), match.group("names").strip()))
    roles = "|".join(map(re.escape, sorted(words.lead_words + words.helper_words + words.duty_endings, key=len)[::-1]))
    for start, end in closers.items():
        inner = text[start + 1 : end]
        closing = not text[end + 1 :].strip(" 。.；;")  # 「…给予奖励。（市工信局、市财政局）」 ends the paragraph
        if any(s <= start < e for s, e, _ in found) or not (closing or re.search(rf"(?:{roles})\s*$", inner)):
            continue
        names = re.sub(rf"(?:{roles})", "、", inner).strip("、，, ")
        listed = split_names(names)  # 各县〔市、区〕政府 is one name
        if listed.names and not listed.rejected and not re.search(r"[。；;:：]", names):
            found.append((start, end + 1, names))
    return sorted(found)


def list_text(text: str) -> str:
    """The names of a 责任单位 line, without its label and brackets."""
    words = drafting_words()
    label = "|".join(map(re.escape, words.responsible_label))
    text = re.sub(rf"^[（(]?\s*(?:{label})\s*[:：]\s*", "", text.strip())
    return drop_unmatched_closer(text)


def lead_texts(text: str) -> list[str]:
    """The texts naming units in running text: 「由市发改委牵头,市住建局、交通局配合」「由市工信局会同市自然资源局、
    金融监管局」「市财政局在…内拨付资金」「由市工信局、市财政局共同管理」."""
    words = drafting_words()
    leads = "|".join(map(re.escape, words.lead_words))
    helpers = "|".join(map(re.escape, words.helper_words + words.duty_endings))
    found = []
    for match in re.finditer(rf"由(?P<lead>[^,，。；;:：由]{{2,40}}?)(?:分别)?(?P<how>{leads})", text):
        found.append(match.group("lead"))
        after = re.split(r"[。；;]", text[match.end() : match.end() + 160])[0]
        if match.group("how") == "会同":
            if named := re.match(r"(?P<with>[^,，。；;]{2,60}?)(?:[,，。；;]|$)", after):
                found.append(re.sub(rf"(?:{helpers}).*$", "", named.group("with")))
            continue
        for chunk in re.split(r"[,，]", after.lstrip(",，、"))[:3]:  # 「…牵头，A、B配合，C负责具体实施」
            if named := re.match(rf"(?P<with>[^,，;；]{{2,60}}?)(?:{helpers})", chunk):
                found.append(named.group("with"))
    found += _subjects(text)
    found += _done_by(text)
    return found


def _done_by(text: str) -> list[str]:
    """「由市工业和信息化局、市财政局共同管理」「由市科学技术局负责解释」: units named after 由 that do
    something, when every name of the list is a unit's."""
    words = drafting_words()
    verbs = "|".join(map(re.escape, words.by_words))
    found = []
    for match in re.finditer(rf"由(?P<names>[^,，。；;:：由]{{2,60}}?)(?:{verbs})", text):
        roles = "|".join(map(re.escape, words.lead_words + words.helper_words))
        listed = re.sub(f"(?:{roles})", "、", match.group("names"))  # 由市科技局会同市财政局审核
        names = split_names(listed)
        if names.names and not names.rejected:
            found.append(listed)
    return found


def _subjects(text: str) -> list[str]:
    """Departments that are the subject of a sentence in running text: 「市财政局在审核通过后7个工作日内
    拨付资金」「市科学技术局会同市市场监督管理局认定」 (a local unit's name, then a verb of duty)."""
    words = drafting_words()
    prefixes = "".join(words.local_prefixes)
    verbs = "|".join(map(re.escape, words.subject_verbs))
    endings = "|".join(map(re.escape, sorted(words.department_endings, key=len, reverse=True)))
    unit = rf"(?P<name>[{prefixes}][^,，。；;：:、()（）]{{1,16}}?(?:{endings}))"
    found = [m.group("name") for m in re.finditer(rf"(?:^|(?<=[,，。；;：:由)）])){unit}(?={verbs})", text)]
    found += [m.group("name") for m in re.finditer(rf"会同{unit}", text)]  # 会同 names the unit it works with
    return found
