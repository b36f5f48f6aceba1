"""The figure bases of vocabulary.yml: what an owner's figure measures (融资额, 月租, 人数 …).

One home for the words, read once. The owner's-figure reader (user_figures.py), the calculator
and the loader (which checks that a formula names known bases) all use the same `FigureVocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import data_dir

KINDS = ("money", "count", "rate")
# Measure words that say nothing about what is counted (5个高级工, 12台车): the noun decides.
GENERIC_MEASURES = ("个", "台", "部", "家", "项")
# A count larger than this is refused as unreal (人数, 车辆数 …) unless its base says `most:`.
DEFAULT_MOST_COUNT = Decimal(10**7)


@dataclass(frozen=True)
class FigureBase:
    name: str
    kind: str  # money | count | rate
    words: tuple[str, ...]
    units: tuple[str, ...] = ()  # counts: 人/名/辆/年/个月
    qualifiers: tuple[str, ...] = ()  # counts: 高级工, 中级工 …
    ask: str = ""
    bare_yuan: bool = False  # a number with no unit after its word is yuan (月租7000): vocabulary.yml `bare_yuan`
    most: Decimal = DEFAULT_MOST_COUNT  # counts: larger is refused as unreal (a share capital may be 1.2亿股)

    @property
    def asked_as(self) -> str:
        return self.ask or self.name

    @property
    def unit(self) -> str:
        """The unit a count is shown with (人, 辆, 年, 个月)."""
        return self.units[0] if self.units else ""


class FigureVocabulary:
    """Lookups over the figure bases."""

    def __init__(self, bases: list[FigureBase]):
        self.bases = {b.name: b for b in bases}
        # (word, base) longest first, so 担保费 wins over 担保 and 技术合同成交额 over 合同.
        self.words = sorted(((w, b) for b in bases for w in (b.name, *b.words)), key=lambda wb: -len(wb[0]))
        self.units = sorted(((u, b) for b in bases if b.kind == "count" for u in b.units), key=lambda ub: -len(ub[0]))

    def get(self, name: str) -> FigureBase | None:
        return self.bases.get(name)

    def base_for(self, basis: str) -> FigureBase | None:
        """The base a curated basis means: '上年度技术合同成交额' -> 技术合同成交额, '购置费用' -> 设备投资.

        A base whose name is in the text wins over one whose word is (普惠小微贷款余额增量 is
        贷款余额增量, not 贷款额); longer matches win."""
        if basis in self.bases:
            return self.bases[basis]
        named = [b for b in self.bases.values() if b.name in basis]
        if named:
            return max(named, key=lambda b: len(b.name))
        for word, base in self.words:
            if word in basis:
                return base
        return None


def parse_bases(raw: list[dict]) -> tuple[list[FigureBase], list[str]]:
    """Bases from the YAML list, and the problems found (empty when valid)."""
    bases, problems, seen = [], [], set()
    for i, rec in enumerate(raw or []):
        where = f"vocabulary.yml figure_bases[{i}]"
        name, kind = str(rec.get("name") or "").strip(), rec.get("kind")
        if not name:
            problems.append(f"{where}: 缺少 name")
            continue
        if kind not in KINDS:
            problems.append(f"{where} {name}: 未知的 kind {kind!r},可选: {', '.join(KINDS)}")
            continue
        if name in seen:
            problems.append(f"{where}: 重复的 name {name}")
        seen.add(name)
        units = tuple(str(u) for u in rec.get("units") or ())
        if kind == "count" and not units and not rec.get("words"):
            problems.append(f"{where} {name}: 计数类需要 units 或 words")
        bases.append(
            FigureBase(
                name,
                kind,
                tuple(str(w) for w in rec.get("words") or ()),
                units,
                tuple(str(q) for q in rec.get("qualifiers") or ()),
                str(rec.get("ask") or ""),
                bool(rec.get("bare_yuan", False)),
                Decimal(str(rec["most"])) if rec.get("most") else DEFAULT_MOST_COUNT,
            )
        )
    return bases, problems


def load_vocabulary(path: Path | None = None) -> FigureVocabulary:
    """The figure bases of vocabulary.yml (default: the data folder's; read once per path)."""
    return _read_vocabulary(Path(path or data_dir() / "vocabulary.yml"))


@lru_cache(maxsize=4)
def _read_vocabulary(path: Path) -> FigureVocabulary:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    bases, problems = parse_bases(raw.get("figure_bases") or [])
    if problems:
        raise ValueError("; ".join(problems))
    return FigureVocabulary(bases)
