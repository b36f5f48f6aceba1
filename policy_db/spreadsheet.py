"""CSV for the officers' spreadsheets: UTF-8 with the byte-order mark Excel needs to read Chinese."""

from __future__ import annotations

import sys
from pathlib import Path


def write_csv(text: str, target: str) -> None:
    """CSV text to the file `target`, or to stdout for `-`, with the BOM that tells Excel it is UTF-8."""
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(("\ufeff" + text).encode("utf-8"))
    else:
        Path(target).write_text(text, encoding="utf-8-sig", newline="")
