"""The layout of an official text: its paragraphs, the section each stands in, its 责任单位 lists and
the rows of a task table (分工表); and the clauses a paragraph is made of.

The section of every line comes from numbering.walk_any (附件N, 一、, (一), 1., 第X章/第X条). Web copies wrap
a paragraph over several lines (三门峡's text breaks mid-word, with blank lines between): a line that
opens no section continues the paragraph before it unless that one ended a sentence or was a short
heading, or it was cut by the width of a PDF page (wrap_width); a bulleted line goes on the paragraph
that introduces the list. A 责任单位 list stands inside a paragraph (duties.py), on a line of its own after the
paragraphs it covers (wrapped, too) or in a table column; each is kept with the paragraphs it covers.

A paragraph's clauses are its sentences (。！？), each cut at ；/; into parts: the unit a benefit is
drafted from. Everything kept is a verbatim slice of the line text, so a clause_text found here
stands in the source as the loader requires.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from policy_db.clauses import Section

from .brackets import closing_brackets
from .duties import inline_lists, lead_texts, list_text
from .numbering import has_articles, walk_any
from .words import drafting_words

_NUMBERING = re.compile(
    r"^[\s✅☑✔📌👉▲△★☆◆◇■□▶►※\U0001F300-\U0001FAFF]*(?:附件\s*\d+\s*[:：]?|第\s*[一二三四五六七八九十百零〇两\s]+[条章节]|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十]+[)）]|\d+\s*[.．、](?!\d))\s*"
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元|%|‰|％)|[一二两三四五六七八九十百千]+(?:亿元|万元|元)")
BULLETS = "●•·▪◆■□○◇◦‧"  # a bulleted line goes on the paragraph that introduces the list
WRAP_SHARE = 0.3  # this share of the long lines of one length: the text was hard-wrapped (a PDF copy)
WRAP_MIN_CHARS = 15
_ANNEX_MARK = re.compile(r"^附\s*件\s*(\d*)\s*[:：]?\s*$")
_SENTENCE_END = "。！？!?"
_PART_END = "；;"
_ENDED = tuple("。；;！？!?：:)）")
HEADING_MAX_CHARS = 30  # a numbered line this short, without a full stop, is a heading
# ... unless it stops mid-phrase: 「(一)对新认定的高新技术企业,给予」 is wrapped, not a heading
_OPEN_ENDINGS = ("的", "和", "及", "与", "或", "对", "给予", "在", "为", "按", "并", "、", ",", "，")
LIST_LINE_CHARS = 40  # a 责任单位 list goes on on a line this short (no full stop, no digits)
TABLE_SEPARATOR = "|"


@dataclass
class Paragraph:
    """Consecutive lines of one section that belong together; `text` joins them without breaks."""

    section: Section
    text: str
    heading: str = ""  # the heading of its section (「加大“小升规”奖励考核」)
    in_body: bool = True  # False: before the first numbered clause (title, addressees, preamble)
    row: str = ""  # the row number, when it is a row of a task table
    annex: str = ""  # the annex a table row is in (「附件」 for an unnumbered 附 件, 「表」 in the body)
    department_texts: list[str] = field(default_factory=list)  # the 责任单位 lists that cover it
    lead_texts: list[str] = field(default_factory=list)  # 「由市工信局牵头,市住建局配合」: the units named in it
    is_heading: bool = False
    is_condition: bool = False  # an item under 「应当同时具备下列条件：」: its figures are conditions
    grant_context: str = ""  # a table row: its header's labels (「奖励标准」 grants what the row says)

    @property
    def is_table_row(self) -> bool:
        return bool(self.row)


@dataclass
class Layout:
    paragraphs: list[Paragraph]
    garbled: list[str]  # text the reader could not place (a broken 责任单位 line)
    articles: bool = False  # numbered in 第X条 articles: Section.part is the article


def wrap_width(text: str) -> int | None:
    """The width a hard-wrapped text (copied from a PDF) was cut at, or None: the most common length
    of the long lines, when enough of them have it."""
    lengths = [len(line.strip()) for line in text.splitlines() if len(line.strip()) >= WRAP_MIN_CHARS]
    if not lengths:
        return None
    width, count = Counter(lengths).most_common(1)[0]
    near = sum(1 for n in lengths if width - 1 <= n <= width + 1)
    return width if count >= 3 and near >= WRAP_SHARE * len(lengths) else None


def read_layout(text: str) -> Layout:
    """The paragraphs of `text` in order, with the 责任单位 lists that cover each."""
    reader = _LayoutReader(wrap_width(text))
    for line in walk_any(text):
        reader.add(line.text, line.section, line.opens_section)
    reader.finish()
    if not any(p.in_body for p in reader.paragraphs):
        for paragraph in reader.paragraphs[1:]:  # no numbered clause at all: all but the title is body
            paragraph.in_body = True
    return Layout(reader.paragraphs, reader.garbled, has_articles(text))


class _LayoutReader:
    def __init__(self, wrap: int | None = None) -> None:
        self.wrap = wrap  # a line this long was cut by the PDF's line width, not by the author
        self.unit_columns: list[int] = []  # the 牵头/配合/责任单位 columns of the current table
        self.number_column = 0  # the header's 序号 column
        self.header: list[str] = []  # the labels of the current table's header row
        self.condition_intro: Section | None = None  # the section of a 「具备下列条件：」 paragraph
        self.words = drafting_words()
        self.paragraphs: list[Paragraph] = []
        self.garbled: list[str] = []
        self.in_body = False
        self.annex = ""
        self.headings: dict[Section, str] = {}
        self.covered_up_to = 0  # paragraphs before this index already have their standalone list
        self.open_list: Paragraph | None = None  # a standalone 责任单位 line that may go on on the next line
        self.open_list_scope: list[Paragraph] = []
        self.follows_paragraph = False  # the line before was a paragraph's (not a list, a row, an annex mark)

    # -- lines ---------------------------------------------------------------------------------------
    def add(self, text: str, section: Section, opens: bool) -> None:
        follows_paragraph, self.follows_paragraph = self.follows_paragraph, False
        if mark := _ANNEX_MARK.match(text):
            self.annex = f"附件{mark.group(1)}"
            self._close_list()
            return
        if section.annex:
            self.annex = section.annex
        if self._continues_bullets(text, follows_paragraph):
            self._close_list()
            self.paragraphs[-1].text += text
            self.follows_paragraph = True
            return
        if text.count(TABLE_SEPARATOR) >= 2:
            self._close_list()
            self._table_row(text, section)
            return
        if self._starts_list(text):
            self._standalone_list(text, section)
            return
        if self.open_list is not None and self._continues_list(text, opens):
            self._extend_list(text)
            return
        self._close_list()
        if opens:
            self.in_body = True
        self._paragraph_line(text, section, opens, follows_paragraph)
        self.follows_paragraph = True

    def _continues_bullets(self, text: str, follows_paragraph: bool) -> bool:
        """「…按档给予奖励：」 then 「●营业收入…的，奖励30万元；」: one clause with its bands."""
        if not text.startswith(tuple(BULLETS)) or not self.paragraphs or not follows_paragraph:
            return False
        last = self.paragraphs[-1]
        ended = last.text.rstrip().endswith(("：", ":", "；", ";"))
        return not last.is_table_row and not last.is_heading and ended

    def _wrapped(self, text: str) -> bool:
        return self.wrap is not None and len(text) >= self.wrap - 1 and not text.endswith(_ENDED)

    def _paragraph_line(self, text: str, section: Section, opens: bool, follows_paragraph: bool) -> None:
        last = self.paragraphs[-1] if self.paragraphs else None
        continues = (
            follows_paragraph  # a 责任单位 line or a table row between two lines ends the paragraph
            and not opens
            and last is not None
            and not last.is_table_row
            and not last.is_heading
            and (last.section == section or self._wrapped(last.text))
            and not last.text.rstrip().endswith(_ENDED)
        )
        if continues and last is not None:
            last.text += text
            last.lead_texts = lead_texts(last.text)
            self._conditions_follow(last)
            return
        paragraph = Paragraph(section=section, text=text, in_body=self.in_body)
        intro = self.condition_intro
        if intro is not None and section != intro and all(not a or a == b for a, b in zip(intro, section)):
            paragraph.is_condition = True
        else:
            self.condition_intro = None
        if opens:
            heading = heading_of(text)
            if heading:
                self.headings[section] = heading
            paragraph.is_heading = (
                bool(heading) and heading == strip_numbering(text).strip().rstrip("。") and not self._wrapped(text)
            )
        paragraph.heading = self._heading_for(section)
        paragraph.lead_texts = lead_texts(paragraph.text)
        self._conditions_follow(paragraph)
        self.paragraphs.append(paragraph)

    def _conditions_follow(self, paragraph: Paragraph) -> None:
        """「申领的企业应当同时具备下列条件：」 introduces items that are conditions, not facts."""
        text = paragraph.text.rstrip()
        if text.endswith(("：", ":")) and any(w in text for w in self.words.condition_intro_words):
            self.condition_intro = paragraph.section

    def _heading_for(self, section: Section) -> str:
        """The heading of the innermost numbered unit the section is in that has one."""
        levels = list(section)
        while any(levels):
            heading = self.headings.get(Section(*levels))
            if heading:
                return heading
            deepest = max(i for i, level in enumerate(levels) if level)
            levels[deepest] = ""
        return ""

    # -- 责任单位 lists ------------------------------------------------------------------------------------
    def _starts_list(self, text: str) -> bool:
        label = "|".join(map(re.escape, self.words.responsible_label))
        return bool(re.match(rf"^[（(]?\s*(?:{label})\s*[:：]", text))

    def _standalone_list(self, text: str, section: Section) -> None:
        """A 责任单位 line of its own covers the paragraphs since the last one, within its section."""
        self._close_list()
        scope_of = section[:3] if section.section else section[:2]
        scope = []
        for index in range(len(self.paragraphs) - 1, self.covered_up_to - 1, -1):
            paragraph = self.paragraphs[index]
            if paragraph.is_table_row or tuple(paragraph.section[: len(scope_of)]) != tuple(scope_of):
                break
            scope.append(paragraph)
        self.covered_up_to = len(self.paragraphs)
        self.open_list = Paragraph(section=section, text=text)
        self.open_list_scope = scope

    def _continues_list(self, text: str, opens: bool) -> bool:
        """A wrapped 责任单位 line goes on with a short line that is no sentence and no heading."""
        assert self.open_list is not None
        ended = self.open_list.text.rstrip().endswith(("。", ")", "）"))
        return not opens and not ended and len(text) <= LIST_LINE_CHARS and not re.search(r"[。\d]", text)

    def _extend_list(self, text: str) -> None:
        assert self.open_list is not None
        self.open_list.text += text  # a name may be cut at the line end: 「人行」+「滨州中心支行」

    def _close_list(self) -> None:
        if self.open_list is None:
            return
        names = list_text(self.open_list.text)
        for paragraph in self.open_list_scope:
            paragraph.department_texts.append(names)
        if not self.open_list_scope:
            self.garbled.append(self.open_list.text)
        self.open_list, self.open_list_scope = None, []

    def finish(self) -> None:
        self._close_list()

    # -- task tables -----------------------------------------------------------------------------------
    def _table_row(self, text: str, section: Section) -> None:
        """A row 「(十七) 支持企业提质增效 | 37 | 实施…。 | 市市场监管局、工信局,… |」: number, task, units.

        The header row (「序号 | 政策名称 | 支持标准 | 经办部门」) says which columns hold departments
        (a label ending in 单位/部门 …, data/drafting.yml); rows may have a heading cell before the
        number, so columns are counted from the number. The task is the longest other cell; a short
        one beside it (政策名称) is the row's heading."""
        cells = [cell.strip() for cell in text.split(TABLE_SEPARATOR)]
        number_at = next((i for i, cell in enumerate(cells) if cell.isdigit()), None)
        if number_at is None or number_at + 1 >= len(cells):
            self._table_header(cells)
            return  # a header or a heading row
        shift = number_at - self.number_column
        unit_at = {i + shift for i in self.unit_columns}
        if self.header:  # a header row named the columns: 「牵头单位 | 配合单位」 are every unit column
            units = "、".join(cells[i] for i in sorted(unit_at) if i < len(cells) and cells[i])
            others = [i for i, c in enumerate(cells) if i > number_at and i not in unit_at and c]
            content = max((cells[i] for i in others), key=len, default="")
            heading = next((cells[i] for i in others if cells[i] != content and len(cells[i]) <= HEADING_MAX_CHARS), "")
            if any(_FIGURE.search(cells[i]) for i in others if cells[i] != content):
                # 「1 | 重点实验室 | 国家级 | 500万元」: the standard stands in a cell of its own, so the
                # clause is the row itself, verbatim from its first cell after the number to its last
                raw = text.split(TABLE_SEPARATOR)
                content, heading = TABLE_SEPARATOR.join(raw[number_at + 1 : max(others) + 1]).strip(), ""
        else:
            content, heading = cells[number_at + 1], ""
            units = next((cell for cell in cells[number_at + 2 :] if cell), "")
        if not content:
            return
        self.in_body = True  # a table of measures is the body: what follows it is not preamble
        paragraph = Paragraph(
            section=section,
            text=content,
            in_body=True,
            row=cells[number_at],
            annex=self.annex or "表",  # a table in the body: 「表3」 (in an annex: 「附件3」, as curated)
            heading=heading,
            grant_context=" ".join(self.header),
        )
        if units:
            paragraph.department_texts.append(units)
        self.paragraphs.append(paragraph)

    def _table_header(self, cells: list[str]) -> None:
        """「序号 | 工作任务 | 牵头单位 | 配合单位」: the labels of the columns of the rows that follow."""
        labels = [re.sub(r"\s+", "", cell) for cell in cells]
        units = [
            i
            for i, label in enumerate(labels)
            if label in self.words.unit_columns or (label.endswith(self.words.unit_column_endings) and len(label) <= 8)
        ]
        numbered = [i for i, label in enumerate(labels) if label in self.words.number_columns]
        if not numbered and not units:
            return  # a heading row of the table (「(十七) 支持企业提质增效 | | |」), not its header
        self.header, self.unit_columns = labels, units
        # a header without 序号 over numbered rows: its first column is the one after the number
        self.number_column = numbered[0] if numbered else -1


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1)


def heading_of(line: str) -> str:
    """The heading of a numbered line: 「(三)加大“小升规”奖励考核。对首次…」 -> 「加大“小升规”奖励考核」."""
    rest = strip_numbering(line).strip()
    first = re.split(r"[。！？!?]", rest, maxsplit=1)[0].strip()
    if not first or len(first) > HEADING_MAX_CHARS or re.search(r"\d", first) or first.endswith(_OPEN_ENDINGS):
        return ""
    if re.search(r"[,，]", first) and first.startswith(drafting_words().clause_openers):
        return ""  # 「对新认定的…平台，给予一次性」 cut by a line end: a clause, not a heading
    return first


@dataclass(frozen=True)
class Clause:
    """A sentence's part (cut at ；): verbatim text, and the whole sentence it is part of."""

    text: str
    sentence: str


def clauses_of(paragraph: Paragraph) -> list[Clause]:
    """The sentence parts of a paragraph, without its numbering, heading and 责任单位 lists."""
    text = paragraph.text
    pieces, position = [], 0
    for start, end, _ in inline_lists(text):
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    out: list[Clause] = []
    for index, piece in enumerate(pieces):
        if index == 0 and not paragraph.is_table_row:
            piece = strip_numbering(piece)
            if paragraph.heading and piece.startswith(paragraph.heading) and heading_of(paragraph.text):
                rest = piece[len(paragraph.heading) :].lstrip("。 ")
                if re.search(r"[\u4e00-\u9fff]", rest):  # 「1.对企业开展培训。」 alone is a clause
                    piece = rest
        out += _split(piece)
    return [c for c in out if re.search(r"[\u4e00-\u9fff]", c.text)]


def _split(text: str) -> list[Clause]:
    """Sentences at 。！？, each cut into parts at ；; (not inside brackets)."""
    out = []
    for sentence in _cut(text, _SENTENCE_END):
        out += [Clause(part, sentence) for part in _cut(sentence, _PART_END)]
    return out


def _cut(text: str, marks: str) -> list[str]:
    inside = [False] * len(text)
    for start, end in closing_brackets(text).items():
        for i in range(start, end + 1):
            inside[i] = True
    pieces, begin = [], 0
    for i, char in enumerate(text):
        if char in marks and not inside[i]:
            pieces.append(text[begin:i])
            begin = i + 1
    pieces.append(text[begin:])
    return [p.strip() for p in pieces if p.strip()]
