"""The plain text of an official document: a text file, a Word .docx or a web page (.html).

The drafter and the loader read plain text (policy_db/sources/*.txt): a clause_text must stand in it
verbatim. A .docx or .html source is therefore turned into that text first, one line per paragraph,
and a table row as one line with its cells separated by 「 | 」 (the way dengfeng.txt holds its
分工表), so the same reader handles all three. The text is what the draft cites; the drafter saves it
next to the draft for policy_db/sources/.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from .departments import is_department
from .word_numbering import WordNumbering

CELL_SEPARATOR = " | "
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # Chinese government sites still serve GBK files
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
_HTML_BLOCKS = [
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote",
    "title", "table", "ul", "ol", "dd", "dt", "pre", "header", "footer", "tr", "td", "th",
]  # fmt: skip
_LAYOUT_BLOCKS = ["p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"]
_HTML_HIDDEN = ["script", "style", "noscript", "template", "head"]
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_PAGE_MARK = re.compile(
    r"^(?:[-—－–]+\s*\d{1,3}\s*[-—－–]+|第\s*\d{1,3}\s*页(?:\s*[/,，、]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$"
)
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
RUNNING_HEADER_CHARS = 30


class UnreadableSource(Exception):
    """The file cannot be read as a document; the message says why, in Chinese."""


@dataclass(frozen=True)
class SourceText:
    path: Path
    kind: str  # text | pdf-text (a text with page numbers, dropped here) | docx | html
    text: str

    @property
    def is_plain_text(self) -> bool:
        """A text file is cited as it is; other kinds are cited through the text extracted here."""
        return self.kind == "text"


def without_page_numbers(text: str) -> tuple[str, int]:
    """Text copied out of a PDF keeps the page numbers (「— 3 —」「第 3 页 共 8 页」「3/8」) between its
    lines, often in the middle of a sentence. They are dropped, so a clause broken by a page ends up
    whole in the text the draft cites; (text, how many lines were dropped). A bare number on a line
    of its own counts only when the text has two of them at least."""
    lines = text.splitlines()
    marked = [i for i, line in enumerate(lines) if _PAGE_MARK.match(line.strip())]
    bare = [i for i, line in enumerate(lines) if _BARE_NUMBER.match(line.strip())]
    drop = set(marked) | (set(bare) if len(bare) >= 2 else set())
    if not drop:
        return text, 0
    drop |= _running_headers(lines, drop)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop) + "\n", len(drop)


def _running_headers(lines: list[str], pages: set[int]) -> set[int]:
    """The line a PDF repeats beside every page number (「临海市人民政府行政规范性文件」): the same short
    text next to two page numbers at least (the first line of the document too, where it stands)."""
    beside: dict[str, list[int]] = {}
    for page in pages:
        for step in (-1, 1):
            i = page + step
            while 0 <= i < len(lines) and not lines[i].strip():
                i += step
            if 0 <= i < len(lines) and i not in pages and len(lines[i].strip()) <= RUNNING_HEADER_CHARS:
                beside.setdefault(lines[i].strip(), []).append(i)
    repeated = {text for text, where in beside.items() if len(set(where)) >= 2}
    return {i for i, line in enumerate(lines) if line.strip() in repeated}


def read_source(path: Path) -> SourceText:
    """The document's text; raise UnreadableSource when it is missing, empty or not a document."""
    if not path.exists():
        raise UnreadableSource(f"找不到文件: {path}")
    if not path.is_file():
        raise UnreadableSource(f"不是文件: {path}")
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"无法读取 {path}: {exc.strerror or exc}") from exc
    if suffix == ".docx":
        kind, text = "docx", _docx_text(path)
    elif suffix in _HTML_SUFFIXES:
        kind, text = "html", _html_text(raw)
    else:
        text, dropped = without_page_numbers(_plain_text(raw, path))
        kind = "pdf-text" if dropped else "text"
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise UnreadableSource(f"{path} 中没有可读的中文文字")
    return SourceText(path, kind, text)


def _plain_text(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:4096]:
        raise UnreadableSource(f"{path} 不是文本文件(含二进制内容);支持 .txt、.docx、.html")
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableSource(f"{path} 的编码无法识别(应为 UTF-8 或 GBK/GB18030)")


def _docx_text(path: Path) -> str:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableSource(f"{path} 不是有效的 Word .docx 文件: {exc}") from exc
    return _tidy(_docx_blocks(document.iter_inner_content(), WordNumbering.of(document)))


def _docx_blocks(blocks: Iterable[Paragraph | Table], numbering: WordNumbering) -> Iterable[str]:
    """Paragraphs with the numbers Word draws before them (word_numbering.py), table rows as lines."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield numbering.label(block) + block.text
        else:
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell is returned once per grid column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(join_cell_lines(p.text for p in cell.paragraphs))
                yield CELL_SEPARATOR.join(cells)


def _row_texts(rows: list[Tag]) -> list[list[str]]:
    """The cells of each data row as texts; a cell spanning rows (rowspan, 「牵头单位」 written once for
    three tasks) is repeated in the rows below it, as the Word reader sees a merged cell."""
    texts: list[list[str]] = []
    carried: dict[int, dict[int, tuple[str, int]]] = {}  # id(table) -> column -> (text, rows left)
    for row in rows:
        table = row.find_parent("table")
        pending = carried.setdefault(id(table), {})
        cells: list[str] = []
        for cell in row.find_all(["td", "th"], recursive=False):
            while len(cells) in pending:
                cells.append(_take(pending, len(cells)))
            for br in cell.find_all("br"):
                br.replace_with(NavigableString("\n"))
            text = join_cell_lines(cell.get_text("").splitlines())
            span = str(cell.get("rowspan") or "1")
            if span.isdigit() and int(span) > 1:
                pending[len(cells)] = (text, int(span) - 1)
            cells.append(text)
        while len(cells) in pending:
            cells.append(_take(pending, len(cells)))
        texts.append(cells)
    return texts


def _take(pending: dict[int, tuple[str, int]], column: int) -> str:
    text, left = pending.pop(column)
    if left > 1:
        pending[column] = (text, left - 1)
    return text


def _is_layout_row(row: Tag) -> bool:
    """Old portals lay whole pages out in tables: a row of one cell, or one whose cells hold paragraphs
    or tables of their own, is layout, not a row of data."""
    cells = row.find_all(["td", "th"], recursive=False)
    return len(cells) <= 1 or any(cell.find(_LAYOUT_BLOCKS) for cell in cells)


def join_cell_lines(lines: Iterable[str]) -> str:
    """The lines of one table cell as one text: 「市大数据」+「管理局」 is one name cut by a line break, but
    「市财政局」 over 「市税务局」 are two names, one a line, and get a 「、」 between them."""
    kept = ["".join(line.split()) for line in lines]
    kept = [line for line in kept if line]
    out = kept[0] if kept else ""
    for previous, line in zip(kept, kept[1:]):
        both_names = is_department(previous) and is_department(line) and not previous.endswith(("、", "，", ","))
        out += ("、" if both_names else "") + line
    return out


def _html_text(raw: bytes) -> str:
    soup = BeautifulSoup(raw, "html.parser")  # finds the charset from the bytes and <meta charset>
    for hidden in soup(_HTML_HIDDEN):
        hidden.decompose()
    rows = [row for row in soup.find_all("tr") if not _is_layout_row(row)]
    for row, cells in zip(rows, _row_texts(rows)):  # a layout row's cells hold paragraphs, read as blocks below
        row.replace_with(NavigableString("\n" + CELL_SEPARATOR.join(cells) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    _number_ordered_lists(soup)
    for block in soup.find_all(_HTML_BLOCKS):
        if isinstance(block, Tag):
            block.insert_before(NavigableString("\n"))
            block.append(NavigableString("\n"))
    return _tidy(soup.get_text("").splitlines())


def _number_ordered_lists(soup: BeautifulSoup) -> None:
    """An <ol>'s items are numbered by the browser, not in the text: write 「1.」 before each (from its
    `start`), so clause references and record splits follow the numbers a reader sees."""
    for ordered in soup.find_all("ol"):
        if not isinstance(ordered, Tag):
            continue
        start = str(ordered.get("start") or "1")
        number = int(start) if start.isdigit() else 1
        for item in ordered.find_all("li", recursive=False):
            value = str(item.get("value") or "")
            number = int(value) if value.isdigit() else number
            item.insert(0, NavigableString(f"{number}."))
            number += 1


def _tidy(lines: Iterable[str]) -> str:
    """One line per paragraph: runs of spaces made one, blank lines dropped."""
    kept = [_SPACES.sub(" ", line).strip() for line in lines]
    return "\n".join(line for line in kept if line) + "\n"
