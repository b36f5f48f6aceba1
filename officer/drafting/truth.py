"""The drafter measured on documents of any house style: each official text beside a hand-written
truth file (what a careful officer would record), `<source>.truth.yml` next to the source:

    city: {name: 云溪, full_name: 云溪市, province: 江南省, code: yx}   # the city, if not in cities.yml
    document: {title: …, doc_number: …, issuer: …, published: 2025-02-18, valid_until: …}
    figures:                        # every figure of every record, as a multiset
      - {kind: amount, value: 60, unit: 万元}
    departments:                    # the 责任单位, with the other spellings a draft may use
      - {name: 市工业和信息化局, aliases: [市工信局]}

Figures are compared as (kind, value, unit), departments by name or alias, and the document's
fields one by one (only those the truth file gives). Each draft is also loaded with the strict
loader, in a data folder of its own holding the truth file's city.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policy_db.loader import DataError, load_policy_data, read_cities
from policy_db.records import CityRecord

from .compare import Comparison, Score, compare_figures_and_departments
from .draft import draft_document
from .sources import read_source
from .yaml_out import to_yaml

TRUTH_SUFFIX = ".truth.yml"
SOURCE_SUFFIXES = {".txt", ".docx", ".html", ".htm", ".shtml", ".xhtml"}
_SHARED_DATA = ("cities.yml", "vocabulary.yml", "categories.yml", "topics.yml")
METADATA_FIELDS = ("title", "doc_number", "issuer", "published", "valid_from", "valid_until")


@dataclass(frozen=True)
class Truth:
    source: Path
    city: CityRecord
    new_city: bool  # not in cities.yml: added to the data folder the draft is loaded from
    raw: dict[str, Any]


def truths_in(folder: Path, data_dir: Path) -> list[Truth]:
    """The truth files of a folder (sorted), each with its source and city."""
    known = {c.name: c for c in read_cities(data_dir / "cities.yml")}
    out = []
    for path in sorted(folder.glob(f"*{TRUTH_SUFFIX}")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        stem = path.name.removesuffix(TRUTH_SUFFIX)
        sources = [p for p in folder.iterdir() if p.stem == stem and p.suffix.lower() in SOURCE_SUFFIXES]
        if len(sources) != 1:
            raise ValueError(f"{path}: 需要恰好一个同名的原文文件({stem}.txt/.docx/.html),找到 {len(sources)} 个")
        (source,) = sources
        entry = raw["city"]
        city = known.get(entry["name"]) or CityRecord(**entry)
        out.append(Truth(source, city, entry["name"] not in known, raw))
    return out


def evaluate(truth: Truth, data_dir: Path) -> tuple[Comparison, dict[str, Any], str]:
    """Draft the truth's source and compare; (comparison, the draft, the text it cites)."""
    source = read_source(truth.source)
    source_file = truth.source.name if source.is_plain_text else truth.source.stem + ".txt"
    draft = draft_document(source.text, source_file, truth.city, data_dir)
    comparison = compare_figures_and_departments(truth.source.name, truth.raw, draft)
    comparison.metadata = metadata_score(truth.raw.get("document") or {}, draft["document"])
    comparison.loads = load_problems(draft, source.text, truth, data_dir)
    return comparison, draft, source.text


def metadata_score(truth: dict[str, Any], drafted: dict[str, Any]) -> Score:
    wanted = [f for f in METADATA_FIELDS if f in truth]
    wrong = [f"{f}: {drafted.get(f)!s} ≠ {truth[f]!s}" for f in wanted if _same(drafted.get(f), truth[f])]
    return Score(len(wanted) - len(wrong), len(wanted), len(wanted), missed=wrong)


def _same(drafted: Any, wanted: Any) -> bool:
    """True when they differ (dates compared as dates, texts as written)."""
    if isinstance(wanted, dt.date) or isinstance(drafted, dt.date):
        return str(drafted) != str(wanted)
    return (drafted or None) != (wanted or None)


def load_problems(draft: dict[str, Any], text: str, truth: Truth, data_dir: Path) -> str:
    """'' when the draft loads with the strict loader; else the loader's first problem."""
    with tempfile.TemporaryDirectory() as folder:
        data, sources = Path(folder) / "data", Path(folder) / "sources"
        (data / "documents").mkdir(parents=True)
        sources.mkdir()
        for name in _SHARED_DATA:
            shutil.copy(data_dir / name, data)
        if truth.new_city:
            cities = yaml.safe_load((data / "cities.yml").read_text(encoding="utf-8"))
            cities["cities"].append(truth.raw["city"])
            (data / "cities.yml").write_text(yaml.safe_dump(cities, allow_unicode=True), encoding="utf-8")
        (sources / draft["document"]["source_file"]).write_text(text, encoding="utf-8")
        (data / "documents" / "draft.yml").write_text(to_yaml(draft, truth.source.name), encoding="utf-8")
        loader_log = logging.getLogger("policy_db.loader")
        level, loader_log.level = loader_log.level, logging.ERROR  # the review notes are expected
        try:
            load_policy_data(data, sources)
        except DataError as exc:
            return str(exc).splitlines()[0] if str(exc) else "DataError"
        finally:
            loader_log.setLevel(level)
    return ""
