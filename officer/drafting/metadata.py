"""The document's own data: title, 文号, issuer, dates, and what of it the text did not say.

* title: the first line before the first numbered clause that ends like a document's name (通知,
  方案, 措施 … data/drafting.yml), with a 「(2020-2022年)」 line after it joined on;
* 文号: a line holding only 「平政办〔2022〕15号」 (a 文号 in brackets or 《》 cites another document);
* issuer: 「来源:」, else the words before 关于 in the title when they name a unit, else the units
  signing at the end;
* published: 「发布日期:2022-06-07」, else the date standing alone on a line (落款);
* valid_from: 「自2022年6月1日起施行」; valid_until: 「适用期截至2020年12月31日」, or the last year of
  a plan's 「(2020-2022年)」.

Whatever had to be guessed or was not found is listed in `notes` for the review note.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from policy_db.money import chinese_number
from policy_db.records import CityRecord

from .numbering import walk_any
from .words import DraftingWords, drafting_words

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d+\s*号")
_ISO_DATE = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")
_CN_DATE_LINE = re.compile(r"^[（(]?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日[)）]?$")
_YEAR_RANGE = re.compile(r"^[（(]\s*\d{4}\s*[-—–~至]\s*(?P<end>\d{4})\s*年?\s*[)）]$")
_CN_DIGITS = "〇一二三四五六七八九零"
_CN_DATE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
DOC_NUMBER_KEY = "文号(单独)"
_NUMBERED_LINE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇]+[条章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
)
_BULLET = re.compile(r"^[•·\-*\s]+")
MAX_TITLE_CHARS = 90
MIN_TITLE_CHARS = 6


@dataclass
class Metadata:
    title: str
    doc_number: str | None
    issuer: str
    published: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    validity_note: str | None
    notes: list[str] = field(default_factory=list)

    def key(self, city_code: str) -> str:
        """The document key: pds-2022-15 from 平政办〔2022〕15号, else the city and the year."""
        if self.doc_number and (match := re.search(r"(\d{4})\D+(\d+)\s*号", self.doc_number)):
            return f"{city_code}-{match.group(1)}-{match.group(2)}"
        year = self.published.year if self.published else None
        return f"{city_code}-{year}-draft" if year else f"{city_code}-draft"


def _cn_dates(text: str) -> str:
    """二〇二五年一月一日 -> 2025年1月1日, so dates in Chinese numerals are read like the others."""

    def arabic(match: re.Match[str]) -> str:
        year = "".join(str(_CN_DIGITS.index(c) % 10) for c in match["y"])
        return f"{year}年{chinese_number(match['m'])}月{chinese_number(match['d'])}日"

    return _CN_DATE.sub(arabic, text)


def _portal_table(lines: list[str], labels: tuple[str, ...]) -> dict[str, str]:
    """A portal's metadata table 「标　　题： | … | 发布日期： | …」, read by label (spaces dropped): a
    cell ending in a colon, or one of the known labels, names the cell after it."""
    found: dict[str, str] = {}
    for line in lines:
        cells = [c.strip() for c in line.split("|")]
        for label, value in zip(cells, cells[1:]):
            key = re.sub(r"\s+", "", label)
            named = key.endswith((":", "：")) or key in labels
            if named and value and not value.endswith((":", "：")) and value not in labels:
                found.setdefault(key.rstrip(":："), value)
        for cell in cells:  # 「文 号：某商〔2025〕2号」: label and value in one cell
            if (match := re.match(r"^(?P<label>[^:：]{1,8})[:：]\s*(?P<value>\S.*)$", cell)) and len(cells) > 1:
                key = re.sub(r"\s+", "", match["label"])
                if key in labels:
                    found.setdefault(key, match["value"].strip())
    return found


def _info_lines(lines: list[str], labels: tuple[str, ...]) -> dict[str, str]:
    """A page's info line 「汝人社〔2025〕8号　发布时间：2025-03-20　来源：汝阳市人社局」, or labels run
    together out of <span>s 「发文机关：怀玉市人民政府办公室发文字号：怀政办〔2025〕7号成文日期：…」: each known
    label's value runs to the next label or space (a 文号 standing alone in a piece is read too)."""
    found: dict[str, str] = {}
    spaced = {r"\s*".join(map(re.escape, label)): label for label in sorted(labels, key=len, reverse=True)}
    label = "|".join(f"(?:{pattern})" for pattern in spaced)  # 「标 题」「文　　号」 spaced out
    for line in lines:
        if "|" in line:
            continue
        marks = list(re.finditer(rf"(?P<label>{label})\s*[:：]\s*", line))
        if marks and (marks[0].start() == 0 or len(marks) >= 2):
            for mark, following in zip(marks, [*marks[1:], None]):
                value = line[mark.end() : following.start() if following else len(line)]
                value = re.split(r"[\s\u3000]{1,}", value.strip(), maxsplit=1)[0] if value.strip() else ""
                if value:
                    found.setdefault(re.sub(r"\s+", "", mark["label"]), value)
        pieces = [p for p in re.split(r"[\s\u3000]+", line) if p]
        if len(pieces) >= 2:
            for piece in pieces:
                if _DOC_NUMBER.fullmatch(piece):
                    found.setdefault(DOC_NUMBER_KEY, piece)
    return found


def _by_label(table: dict[str, str], labels: tuple[str, ...]) -> str:
    return next((table[label] for label in labels if table.get(label)), "")


def read_metadata(text: str, city: CityRecord) -> Metadata:
    words = drafting_words()
    text = _cn_dates(text)
    walked = list(walk_any(text))
    lines = [_BULLET.sub("", line.text).strip() for line in walked]
    first_clause = next((i for i, line in enumerate(walked) if line.opens_section), len(lines))
    head, tail = lines[:first_clause], lines[first_clause:]
    notes: list[str] = []
    labels = words.title_labels + words.doc_number_labels + words.source_labels + words.published_labels
    labels += words.signed_labels
    table = _portal_table(lines, labels)
    lines = [line for line in lines if "|" not in line or not table]
    for key, value in _info_lines(head, labels).items():
        table.setdefault(key, value)

    title = _by_label(table, words.title_labels) or _title(head, words.document_types)
    if not title:
        title = next((line for line in lines if len(line) >= MIN_TITLE_CHARS), city.full_name)[:MAX_TITLE_CHARS]
        notes.append("title: 未找到像标题的行,取了第一行")
    doc_number = _by_label(table, (*words.doc_number_labels, DOC_NUMBER_KEY)) or next(
        (m.group(0) for line in lines if (m := _DOC_NUMBER.fullmatch(line))), None
    )
    if doc_number is None:
        notes.append("doc_number: 原文未见单独成行的文号,写作 null")

    issuer = _by_label(table, words.source_labels) or _labelled(lines, words.source_labels)
    if not issuer:
        issuer = _issuer_of_title(title, words.issuer_endings)
    if not issuer:
        issuer = "、".join(dict.fromkeys(_signers(tail, words.issuer_endings)))
        if issuer:
            notes.append("issuer: 取自文末署名")
    if not issuer:
        issuer = f"{city.full_name}人民政府"
        notes.append(f"issuer: 原文未见发文机关,暂写 {issuer}")

    published = _table_date(table, words.published_labels) or _labelled_date(lines, words.published_labels)
    signed = _table_date(table, words.signed_labels) or next(
        (_date(m) for line in lines if (m := _CN_DATE_LINE.match(line.replace(" ", "")))), None
    )
    if published is None:
        published = signed
        if published:
            notes.append("published: 取自落款日期")
        else:
            notes.append("published: 原文未见发布日期,写作 null")

    valid_from = None
    compact = re.sub(r"\s+", "", text)
    if match := re.search(r"自(?P<date>\d{4}年\d{1,2}月\d{1,2}日)起(?:施行|执行|实施)", compact):
        valid_from = _date(_ISO_DATE.match(match.group("date")))
    elif re.search(r"自发布之日起(?:施行|执行|实施)", compact):
        valid_from = published or signed  # 发布 is the day it was published, 印发 the day it was signed
    elif re.search(r"自印发之日起(?:施行|执行|实施)", compact):
        valid_from = signed or published

    valid_until, validity_note = _valid_until(text, title, words.validity_labels)
    if valid_until and validity_note is None:
        notes.append("valid_until: 按标题中的计划年度推算")
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        notes.append(f"valid_until: 读到的 {valid_until} 早于 valid_from,未采用")
        valid_until, validity_note = None, None
    if valid_until is None:
        notes.append("valid_until: 原文未见统一有效期,写作 null")
    return Metadata(title, doc_number, issuer, published, valid_from, valid_until, validity_note, notes)


def _title(head: list[str], document_types: tuple[str, ...]) -> str:
    for i, line in enumerate(head):
        if not (MIN_TITLE_CHARS <= len(line) <= MAX_TITLE_CHARS) or line.startswith(("《", "附件")):
            continue
        if re.search(r"[:：。,，]", line) or not line.endswith(document_types):
            continue
        following = head[i + 1] if i + 1 < len(head) else ""
        title = line + following if _YEAR_RANGE.match(following) else line
        before = head[i - 1] if i > 0 else ""
        if title.startswith("关于") and _is_unit(before, drafting_words().issuer_endings):
            title = before + title  # 「金禾市人民政府办公室」 on the line above 「关于印发…的通知」
        elif "关于" in before and "关于" not in title and not re.search(r"[:：。,，；;]", before):
            title = before + title  # 「…人民政府关于进一步支持」 over 「中小企业发展的若干措施」
        return title
    return ""


def _signers(tail: list[str], endings: tuple[str, ...]) -> list[str]:
    """The units signing above the closing date (落款): 「中共松溪县委办公室　松溪县人民政府办公室」."""
    dated = [i for i, line in enumerate(tail) if _CN_DATE_LINE.match(line.replace(" ", ""))]
    block = tail[max(0, dated[-1] - 3) : dated[-1]] if dated else tail[-3:]
    names = []
    for line in block:
        parts = [p for p in re.split(r"[\s\u3000]{1,}", line) if p]
        if parts and all(_is_unit(p, endings) and len(p) <= 30 for p in parts):
            names += parts
    return names


def _table_date(table: dict[str, str], labels: tuple[str, ...]) -> dt.date | None:
    value = _by_label(table, labels)
    return _date(_ISO_DATE.search(value)) if value else None


def _labelled(lines: list[str], labels: tuple[str, ...]) -> str:
    label = "|".join(map(re.escape, labels))
    for line in lines:
        if match := re.match(rf"^(?:{label})\s*[:：]\s*(?P<value>\S.*)$", line):
            return match.group("value").strip()
    return ""


def _labelled_date(lines: list[str], labels: tuple[str, ...]) -> dt.date | None:
    """「发布日期:2022-06-07」, also when the date is on the next line (a page's info table)."""
    label = "|".join(map(re.escape, labels))
    for i, line in enumerate(lines):
        if re.match(rf"^(?:{label})", line):
            window = " ".join(lines[i : i + 3])
            if match := _ISO_DATE.search(window):
                return _date(match)
    return None


def _issuer_of_title(title: str, endings: tuple[str, ...]) -> str:
    if "关于" not in title:
        return ""
    before = title.split("关于", 1)[0]
    return before if _is_unit(before, endings) else ""


def _is_unit(text: str, endings: tuple[str, ...]) -> bool:
    text = re.sub(r"等\d*[个]?部门$", "部门", text)
    return len(text) >= 4 and text.endswith(endings) and not re.search(r"[\d:：,，。]", text)


def _date(match: re.Match[str] | None) -> dt.date | None:
    if match is None:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _sentence_before(text: str, at: int) -> str:
    """The words of the sentence before position `at` (back to the last 。；)."""
    return re.split(r"[。；;]", text[:at])[-1]


def _clause_scope(before: str, words: DraftingWords) -> bool:
    """「本条执行期至…」「其中第（四）项执行期至…」「本细则第三条第（三）项政策执行期至…」: one clause's
    period, not the document's (`before`: the sentence up to the label)."""
    cited = re.search(r"(?<=\S)第[一二三四五六七八九十百零〇\d（）()]+[条项款]", before)
    return bool(cited) or any(w in before for w in words.clause_scope_words)


def _valid_until(text: str, title: str, labels: tuple[str, ...]) -> tuple[dt.date | None, str | None]:
    label = "|".join(map(re.escape, labels))
    # each numbered line starts a sentence of its own, so 「第七条」 is never read as a citation
    compact = "".join(
        ("。" if _NUMBERED_LINE.match(line.strip()) else "") + re.sub(r"\s+", "", line) for line in text.splitlines()
    )
    matches = list(
        re.finditer(rf"(?:{label})(?:为|至|截至|截止|到|截止到)+(?P<date>\d{{4}}年\d{{1,2}}月\d{{1,2}}日)", compact)
    )
    words = drafting_words()
    scoped = [m for m in matches if not _clause_scope(_sentence_before(compact, m.start()), words)]
    document = [
        m for m in scoped if any(f"本{t}" in compact[max(0, m.start() - 40) : m.start()] for t in words.document_types)
    ]
    if chosen := (document or scoped):
        return _date(_ISO_DATE.match(chosen[0].group("date"))), chosen[0].group(0)
    if match := re.search(r"[（(]\s*\d{4}\s*[-—–~至]\s*(?P<end>\d{4})\s*年?\s*[)）]", title):
        year = int(match.group("end"))
        return dt.date(year, 12, calendar.monthrange(year, 12)[1]), None
    return None, None
