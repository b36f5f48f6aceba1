"""How close a draft comes to the curated file of the same document.

Three measures, each counted as reproduced / curated, with what the draft missed and what it has
that the curated file does not (invented):

* figures: the (kind, value, unit) of every figure of every record, as a multiset;
* clause references: the sections the records cite, each ref resolved to the document's own
  section (policy_db.clauses.best_section), so 「13」 and 「三13」 are the same clause; refs that
  name no section (「正文末段」) are compared as written;
* departments: a curated department is reproduced when a draft department is spelled as its name
  or one of its aliases; a draft department matching none is invented.

Recall is reproduced / curated, precision reproduced / drafted. The same measures compare a draft
with a hand-written truth file (truth.py), whose figures are listed once for the whole document.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policy_db.clauses import Section, best_section, walk
from policy_db.completeness import compact

FigureKey = tuple[str, str, str]


@dataclass(frozen=True)
class Score:
    reproduced: int
    curated: int
    drafted: int
    missed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Recall: the share of the curated items the draft has."""
        return self.reproduced / self.curated if self.curated else 1.0

    @property
    def precision(self) -> float:
        """The share of the draft's items that are curated ones."""
        return self.reproduced / self.drafted if self.drafted else 1.0


@dataclass
class Comparison:
    name: str
    figures: Score
    clauses: Score | None
    departments: Score
    metadata: Score | None = None  # title, 文号, issuer, dates (truth files only)
    loads: str | None = None  # the loader's first problem with the draft ("" when it loads)


def compare(name: str, curated: dict[str, Any], draft: dict[str, Any], full_text: str) -> Comparison:
    return Comparison(
        name,
        _multiset_score(_figures(curated), _figures(draft)),
        _set_score(_refs(curated, full_text), _refs(draft, full_text)),
        _department_score(curated.get("departments") or [], draft.get("departments") or []),
    )


def compare_figures_and_departments(name: str, truth: dict[str, Any], draft: dict[str, Any]) -> Comparison:
    """A draft against a truth file: its `figures:` (for the whole document) and `departments:`."""
    wanted: Counter[str] = Counter(_figure_key(f) for f in truth.get("figures") or [])
    departments = [d if isinstance(d, dict) else {"name": d} for d in truth.get("departments") or []]
    return Comparison(
        name,
        _multiset_score(wanted, _figures(draft)),
        None,
        _department_score(departments, draft.get("departments") or []),
    )


def _figure_key(figure: dict[str, Any]) -> str:
    return f"{figure.get('kind')} {_value(figure.get('value'))}{figure.get('unit')}"


def _value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


def _figures(doc: dict[str, Any]) -> Counter[str]:
    keys: Counter[str] = Counter()
    for record in doc.get("benefits") or []:
        for figure in record.get("figures") or []:
            keys[_figure_key(figure)] += 1
    return keys


def _refs(doc: dict[str, Any], full_text: str) -> set[str]:
    sections: list[Section] = [line.section for line in walk(full_text)]
    out = set()
    for record in doc.get("benefits") or []:
        ref = str(record.get("clause_ref") or "")
        section = best_section(ref, sections)
        out.add("".join(f"{level or '-'}." for level in section) if section else compact(ref))
    return out


def _multiset_score(curated: Counter[str], drafted: Counter[str]) -> Score:
    common = curated & drafted
    return Score(
        sum(common.values()),
        sum(curated.values()),
        sum(drafted.values()),
        sorted((curated - drafted).elements()),
        sorted((drafted - curated).elements()),
    )


def _set_score(curated: set[str], drafted: set[str]) -> Score:
    return Score(
        len(curated & drafted), len(curated), len(drafted), sorted(curated - drafted), sorted(drafted - curated)
    )


def _spellings(department: dict[str, Any]) -> set[str]:
    return {str(department.get("name"))} | {str(a) for a in department.get("aliases") or []}


def _department_score(curated: list[dict[str, Any]], drafted: list[dict[str, Any]]) -> Score:
    """A curated department is reproduced when a draft department's name is one of its spellings
    (or the curated name is one of the draft's); a draft department matching none is invented."""
    reproduced, missed = 0, []
    matched_drafts: set[str] = set()
    for department in curated:
        spellings = _spellings(department)
        hits = [
            str(d.get("name"))
            for d in drafted
            if str(d.get("name")) in spellings or department["name"] in _spellings(d)
        ]
        if hits:
            reproduced += 1
            matched_drafts.update(hits)
        else:
            missed.append(str(department["name"]))
    invented = [str(d.get("name")) for d in drafted if str(d.get("name")) not in matched_drafts]
    return Score(reproduced, len(curated), len(drafted), missed, invented)


NAME_WIDTH, CELL_WIDTH, SHORT_WIDTH = 26, 24, 12


def _pad(text: str, width: int) -> str:
    """Pad to a width on screen: a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def table(comparisons: list[Comparison], verbose: bool = False) -> str:
    """The comparison as a table, one row per document: recall (reproduced/curated) and precision of
    the figures and 责任单位, the clause references (curated files) or the document's fields (truth
    files), and whether the draft loads (and with `verbose`, what was missed or added)."""
    header = (
        _pad("文件", NAME_WIDTH)
        + _pad("数字 召回 / 精确", CELL_WIDTH)
        + _pad("责任单位 召回 / 精确", CELL_WIDTH)
        + _pad("条款", SHORT_WIDTH)
        + _pad("文件信息", SHORT_WIDTH)
        + "可加载"
    )
    lines = [header]
    for c in comparisons:
        lines.append(
            (
                _pad(c.name, NAME_WIDTH)
                + _pad(_cell(c.figures), CELL_WIDTH)
                + _pad(_cell(c.departments), CELL_WIDTH)
                + _pad(_ratio(c.clauses), SHORT_WIDTH)
                + _pad(_ratio(c.metadata), SHORT_WIDTH)
                + ("-" if c.loads is None else "是" if not c.loads else "否")
            ).rstrip()
        )
    if verbose:
        for c in comparisons:
            scores = (("数字", c.figures), ("条款", c.clauses), ("责任单位", c.departments), ("文件信息", c.metadata))
            for title, score in scores:
                if score is None:
                    continue
                lines.append(f"\n{c.name} {title}:")
                lines.append(f"  遗漏 ({len(score.missed)}): {', '.join(score.missed) or '无'}")
                lines.append(f"  多出 ({len(score.invented)}): {', '.join(score.invented) or '无'}")
            if c.loads:
                lines.append(f"\n{c.name} 无法加载: {c.loads}")
    return "\n".join(lines)


def _cell(score: Score) -> str:
    return f"{score.reproduced}/{score.curated} {score.share:4.0%} / {score.precision:4.0%}"


def _ratio(score: Score | None) -> str:
    return "-" if score is None else f"{score.reproduced}/{score.curated}"
