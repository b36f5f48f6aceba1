"""Synthetic cities for the scale run: the five curated documents, renamed and with their money figures shifted.

    grow_catalogue(copy_root, factor=20)   # 5 real + 95 synthetic documents, in a copy of the project only

Copy `k` of a city (k = 1 .. factor-1) gets an invented two-character name, its own code, hotline and
counties (the name plus 东/西/南/北 ..., the real county's last character kept), and every money figure
(a number before 万元, 亿元 or a bare 万) raised by `k`: 50万元 becomes 53万元 in copy 3, in the source
text, in every string of the records (clause texts, figure texts, tiers, formulas, summaries) and in the
numeric values of money figures and money tier bounds alike. One function does the rewriting of both,
so a synthetic document passes the same checks as a curated one (verbatim clauses, completeness) and
the bot must find the right city's figure, not a neighbour's.

The generator only ever writes under the copy it is given; tests/bench/test_synthetic.py checks that it
builds and that it never touches policy_db/data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List

import yaml

from devservers.project_copy import DATA_DIR, SOURCES_DIR

# Two characters each, none a real prefecture of the curated data; 10 x 10 = 100 names, enough for 20x.
FIRST_CHARACTERS = "鹭鸥栖澜霁筠沅芷蘅萝"
SECOND_CHARACTERS = "洲川陵浦屿湾汀坞渚塘"
COUNTY_MARKS = "东西南北中新上下前后左右"
MONEY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:万元|亿元|万(?=[、，,。；;和奖的）)]|$)))")
MONEY_UNITS = ("万元", "亿元")


@dataclass(frozen=True)
class SyntheticCity:
    """Copy `shift` of the curated city `original`."""

    name: str
    original: str
    shift: int
    code: str
    replacements: Dict[str, str]  # place names of the original -> this city's

    @cached_property
    def _places(self) -> re.Pattern[str] | None:
        names = sorted(self.replacements, key=len, reverse=True)  # 平顶山高新区 before 平顶山
        return re.compile("|".join(map(re.escape, names))) if names else None

    def rename(self, text: str) -> str:
        if self._places is None:
            return text
        return self._places.sub(lambda m: self.replacements[m.group(0)], text)

    def shift_money(self, text: str) -> str:
        return MONEY.sub(lambda m: _plus(m.group(1), self.shift), text)

    def rewrite(self, text: str) -> str:
        """A text of the original city as it reads in this one: its places, then its money figures."""
        return self.shift_money(self.rename(text))


def _plus(number: str, shift: int) -> str:
    value = Decimal(number) + shift
    return format(value.normalize(), "f") if "." in number else str(int(value))


def synthetic_names(count: int, taken: str) -> List[str]:
    """`count` invented names, none of which occurs in `taken` (the curated texts)."""
    names = [a + b for a in FIRST_CHARACTERS for b in SECOND_CHARACTERS if a + b not in taken]
    if len(names) < count:
        raise ValueError(f"only {len(names)} synthetic names available, {count} needed")
    return names[:count]


def grow_catalogue(root: Path, factor: int) -> List[SyntheticCity]:
    """Add (factor - 1) synthetic copies of every city of the copy at `root`; returns them in order."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    data_dir, sources_dir = root / DATA_DIR, root / SOURCES_DIR
    cities_file = data_dir / "cities.yml"
    cities = yaml.safe_load(cities_file.read_text(encoding="utf-8"))["cities"]
    documents = {
        path: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((data_dir / "documents").glob("*.yml"))
    }
    taken = "".join(p.read_text(encoding="utf-8") for p in [*documents, *sources_dir.glob("*.txt"), cities_file])
    names = iter(synthetic_names(len(cities) * (factor - 1), taken))
    made: List[SyntheticCity] = []
    new_entries: List[Dict[str, Any]] = []
    for shift in range(1, factor):
        for entry in cities:
            name = next(names)
            city = _city(entry, name, shift)
            new_entries.append(_city_entry(entry, city, len(made)))
            for path, document in documents.items():
                if document["document"]["city"] == entry["name"]:
                    _write_document(path, document, city, data_dir, sources_dir)
            made.append(city)
    listed = yaml.safe_dump(new_entries, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
    indented = "".join(f"  {line}" for line in listed.splitlines(keepends=True))  # under `cities:`
    cities_file.write_text(cities_file.read_text(encoding="utf-8").rstrip("\n") + "\n" + indented, encoding="utf-8")
    return made


def _city(entry: Dict[str, Any], name: str, shift: int) -> SyntheticCity:
    original = entry["name"]
    replacements = {original: name}
    for index, alias in enumerate(entry.get("aliases") or []):
        if original not in alias:
            replacements[alias] = f"{name}{'城' if index == 0 else '都'}"
    for mark, county in zip(COUNTY_MARKS, entry.get("counties") or []):
        suffix = "街道" if county.endswith("街道") else county[-1]
        replacements[county] = f"{name}{mark}{suffix}"
    return SyntheticCity(name, original, shift, f"{entry['code']}{shift}", replacements)


def _city_entry(entry: Dict[str, Any], city: SyntheticCity, index: int) -> Dict[str, Any]:
    new = {key: city.rename(value) if isinstance(value, str) else value for key, value in entry.items()}
    new["code"] = city.code
    new["aliases"] = [city.rename(alias) for alias in entry.get("aliases") or []]
    new["counties"] = [city.rename(county) for county in entry.get("counties") or []]
    if entry.get("hotline"):
        new["hotline"] = f"0{700 + index}-12345"
    return new


def _write_document(
    path: Path, document: Dict[str, Any], city: SyntheticCity, data_dir: Path, sources_dir: Path
) -> None:
    original_code = _code_of(document)
    source = document["document"]["source_file"]
    source_file = f"{Path(source).stem}-{city.code}{Path(source).suffix}"
    text = (sources_dir / source).read_text(encoding="utf-8")
    (sources_dir / source_file).write_text(city.rewrite(text), encoding="utf-8")
    new = _rewritten(document, city, original_code)
    new["document"]["source_file"] = source_file
    target = data_dir / "documents" / f"{path.stem}-{city.code}.yml"
    target.write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def _code_of(document: Dict[str, Any]) -> str:
    return document["document"]["key"].split("-", 1)[0]


def _rewritten(value: Any, city: SyntheticCity, original_code: str, key: str = "") -> Any:
    """The records of the original city as the synthetic one's: strings rewritten, ids re-prefixed,
    money values shifted (a figure's value in 万元/亿元, a money tier's non-zero bounds)."""
    if isinstance(value, dict):
        new = {k: _rewritten(v, city, original_code, k) for k, v in value.items()}
        if new.get("unit") in MONEY_UNITS and isinstance(new.get("value"), (int, float)):
            new["value"] = _shifted_number(new["value"], city.shift)
        if key == "tiers" and new.get("unit") in MONEY_UNITS:
            for step in new.get("steps") or []:
                for bound in ("min", "max"):
                    if isinstance(step.get(bound), (int, float)) and step[bound]:
                        step[bound] = _shifted_number(step[bound], city.shift)
        return new
    if isinstance(value, list):
        return [_rewritten(v, city, original_code, key) for v in value]
    if isinstance(value, str):
        if key in ("id", "key", "in_addition_to") and value.startswith(f"{original_code}-"):
            return f"{city.code}-{value[len(original_code) + 1 :]}"
        return city.rewrite(value)
    return value


def _shifted_number(value: float, shift: int) -> float:
    return int(value) + shift if float(value).is_integer() else float(Decimal(str(value)) + shift)
