"""What the benchmark prints and writes: numbers with their unit, tables aligned for Chinese text, results as JSON."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from devservers import PROJECT_DIR


def fmt(value: Optional[float], unit: str = "", digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def table(header: List[str], rows: List[tuple]) -> None:
    """Print `rows` under `header`, each column as wide as its widest cell (a CJK character counts two)."""
    rows = [tuple(str(c) for c in row) for row in rows]
    widths = [
        max(_width(str(h)), *(_width(row[i]) for row in rows)) if rows else _width(str(h)) for i, h in enumerate(header)
    ]
    line = "  ".join(_pad(str(h), w) for h, w in zip(header, widths))
    print(line.rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def save_and_print(results: Dict[str, Any], out: Path, print_report: Callable[[Dict[str, Any]], None]) -> None:
    """Write `results` to `out` (JSON), print the report, then where the results are."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(results)
    print(f"\nwritten: {out.relative_to(PROJECT_DIR) if out.is_relative_to(PROJECT_DIR) else out}")
