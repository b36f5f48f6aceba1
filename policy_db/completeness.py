"""Prove that every figure in the source texts is either a benefit figure or an explained exclusion.

A figure is a money amount, a ratio, a month count or a working-day count, found by the patterns
below. It is *covered* when it lies inside the clause text of a record that lists a figure with
the same written form, or inside the context of an exclusion. Records are benefits and fact records
(`kind: fact`: a fund the city sets up, how city and county share a cost, a target), which are
checked alike: a figure someone could ask about is a record, an exclusion only what nobody would ask.

This module depends only on PyYAML so a policy officer can run it on a file being edited:

    python -m policy_db.completeness policy_db/data/documents/pingdingshan.yml
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import paths

_CN_DIGITS = "一二两三四五六七八九十"
# 万/亿 followed by these are quantities of things, not money (万吨, 万亩, 万人 ...).
_NOT_MONEY_AFTER = "吨亩人户家个辆千平方套件台只头张次册"
# A number: 1,000 (digits grouped by thousands) is one number, never the 000 after a comma.
_NUMBER = r"(?<![\d.])(?<!\d[,，])(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
FIGURE_PATTERN = re.compile(
    r"(?P<money>" + _NUMBER + r"(?:亿元|万元|元|亿(?![" + _NOT_MONEY_AFTER + r"])|万(?![" + _NOT_MONEY_AFTER + r"])))"
    r"|(?P<ratio>\d+(?:\.\d+)?(?:%|‰|％))"
    r"|(?P<months>(?:\d+|[" + _CN_DIGITS + r"]+)个月)"
    r"|(?P<workdays>(?:\d+|[" + _CN_DIGITS + r"]+)个?工作日)"
)


@dataclass(frozen=True)
class Figure:
    """One figure found in a source text, with its position in the whitespace-free text."""

    text: str
    start: int
    end: int

    def context(self, compact: str, width: int = 25) -> str:
        return compact[max(0, self.start - width) : self.end + width]


def compact(text: str) -> str:
    """Source texts wrap lines mid-sentence; all matching is done with whitespace removed."""
    return re.sub(r"\s+", "", text)


def normalise_figure(text: str) -> str:
    return compact(str(text)).replace("％", "%")


def find_figures(compact_text: str) -> list[Figure]:
    return [Figure(m.group(0), m.start(), m.end()) for m in FIGURE_PATTERN.finditer(compact_text)]


def _spans(compact_text: str, snippet: str) -> list[tuple[int, int]]:
    needle = compact(snippet)
    spans, start = [], compact_text.find(needle)
    while needle and start != -1:
        spans.append((start, start + len(needle)))
        start = compact_text.find(needle, start + 1)
    return spans


@dataclass
class Report:
    source_file: str
    uncovered: list[Figure]
    missing_clauses: list[str]
    compact_text: str

    @property
    def ok(self) -> bool:
        return not self.uncovered and not self.missing_clauses

    def describe(self) -> str:
        lines = []
        for ref in self.missing_clauses:
            lines.append(f"{self.source_file}: clause text not found verbatim: {ref}")
        for fig in self.uncovered:
            lines.append(f"{self.source_file}: uncovered figure {fig.text!r} in …{fig.context(self.compact_text)}…")
        return "\n".join(lines)


def check_document(doc: dict, sources_dir: Path | None = None) -> Report:
    """Check one parsed documents/<city>.yml mapping against its source text."""
    sources_dir = sources_dir or paths.sources_dir()
    source_file = doc["document"]["source_file"]
    text = compact((sources_dir / source_file).read_text(encoding="utf-8"))
    covered: list[tuple[int, int, set[str] | None]] = []
    missing = []
    for benefit in doc.get("benefits") or []:
        spans = _spans(text, benefit.get("clause_text", ""))
        if not spans:
            missing.append(f"{benefit.get('id')}: {compact(benefit.get('clause_text', ''))[:40]}")
        written = {normalise_figure(f.get("text", "")) for f in benefit.get("figures") or []}
        covered += [(s, e, written) for s, e in spans]
    for exclusion in doc.get("exclusions") or []:
        spans = _spans(text, exclusion.get("context", ""))
        if not spans:
            missing.append(f"exclusion: {compact(exclusion.get('context', ''))[:40]}")
        covered += [(s, e, None) for s, e in spans]

    def is_covered(fig: Figure) -> bool:
        for start, end, written in covered:
            if start <= fig.start and fig.end <= end and (written is None or normalise_figure(fig.text) in written):
                return True
        return False

    uncovered = [f for f in find_figures(text) if not is_covered(f)]
    return Report(source_file, uncovered, missing, text)


def main(argv: list[str], sources_dir: Path | None = None) -> int:
    sources_dir = sources_dir or paths.sources_dir()
    files = [Path(p) for p in argv] or sorted((paths.data_dir() / "documents").glob("*.yml"))
    failed = 0
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        report = check_document(doc, sources_dir)
        total = len(find_figures(report.compact_text))
        records = doc.get("benefits") or []
        facts = sum(1 for b in records if b.get("kind") == "fact")
        print(
            f"{path.name}: {total - len(report.uncovered)}/{total} figures covered "
            f"({len(records) - facts} benefits, {facts} facts, {len(doc.get('exclusions') or [])} exclusions), "
            f"{len(report.missing_clauses)} clause texts not found"
        )
        if not report.ok:
            failed += 1
            print(report.describe())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
