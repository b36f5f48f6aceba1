"""`python -m policy_db draft`: draft documents/<city>.yml from an official text, or measure the
drafter against the curated files.

    python -m policy_db draft 通知.docx --city 平顶山 --out /tmp/pingdingshan.yml
    python -m policy_db draft --compare [--verbose]      # the five sources against their curated files

A .txt source is cited as it is (its file name is the draft's source_file); the text of a .docx or
.html source is written next to the draft (--text-out to choose where) and cited from there: copy
both into policy_db/data/documents/ and policy_db/sources/ once every review note is dealt with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from policy_db.loader import DataError, read_cities
from policy_db.records import CityRecord

from .compare import Comparison, compare, table
from .draft import draft_document
from .sources import UnreadableSource, read_source
from .truth import Truth, evaluate, load_problems, truths_in
from .yaml_out import to_yaml


def add_draft_parser(sub: Any) -> None:
    """The `draft` subcommand of python -m policy_db."""
    d = sub.add_parser("draft", help="draft documents/<city>.yml from an official text (.txt, .docx, .html)")
    d.add_argument("source", nargs="?", type=Path, help="the official text")
    d.add_argument("--city", help="the city the document is of (a name or alias from cities.yml)")
    d.add_argument("--out", type=Path, help="where to write the draft YAML (default: stdout)")
    d.add_argument("--text-out", type=Path, help="where to write the text of a .docx/.html source")
    d.add_argument("--compare", action="store_true", help="draft the curated documents' sources and compare")
    d.add_argument("--verbose", action="store_true", help="with --compare: list what was missed or added")
    d.add_argument(
        "--truth",
        type=Path,
        action="append",
        default=[],
        help="with --compare: also a folder of texts with hand-written <name>.truth.yml files",
    )
    d.set_defaults(func=run_draft)


def run_draft(args: argparse.Namespace) -> int:
    if args.compare:
        return _compare(args.data_dir, args.sources_dir, args.truth, args.verbose)
    if args.source is None or not args.city:
        print("需要原文文件和 --city（或者用 --compare）", file=sys.stderr)
        return 2
    try:
        city = find_city(args.data_dir, args.city)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    if city is None:
        print(f"未知的城市: {args.city}（cities.yml 中没有；新城市先在 cities.yml 中添加）", file=sys.stderr)
        return 2
    try:
        source = read_source(args.source)
    except UnreadableSource as exc:
        print(f"无法读取原文: {exc}", file=sys.stderr)
        return 2
    source_file = args.source.name
    if not source.is_plain_text:
        text_out = args.text_out or (_text_next_to(args.out) if args.out else None)
        if text_out is None:
            print(
                "从 .docx/.html 或带页码的 PDF 复制文本起草时需要 --out 或 --text-out（原文的文本要另存为 .txt 供引用）",
                file=sys.stderr,
            )
            return 2
        if text_out.resolve() == args.source.resolve():
            text_out = text_out.with_suffix(".source.txt")  # never overwrite the officer's own file
        if not _write(text_out, source.text):
            return 2
        source_file = text_out.name
        print(f"原文文本: {text_out}（放进 policy_db/sources/）", file=sys.stderr)
    draft = draft_document(source.text, source_file, city, args.data_dir)
    written = to_yaml(draft, args.source.name)
    if args.out:
        if not _write(args.out, written):
            return 2
        print(_summary(draft, args.out), file=sys.stderr)
    else:
        sys.stdout.write(written)
    return 0


def _text_next_to(out: Path) -> Path:
    """draft.yml -> draft.txt (draft.source.txt when the draft itself is written to a .txt)."""
    return out.with_suffix(".source.txt") if out.suffix == ".txt" else out.with_suffix(".txt")


def _write(path: Path, text: str) -> bool:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"无法写入 {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def find_city(data_dir: Path, name: str) -> CityRecord | None:
    """The city named `name` (its name, full name or an alias) in the data folder's cities.yml."""
    for city in read_cities(data_dir / "cities.yml"):
        if name in (city.name, city.full_name, *city.aliases):
            return city
    return None


def _summary(draft: dict[str, Any], out: Path) -> str:
    benefits = draft["benefits"]
    facts = sum(1 for b in benefits if b.get("kind") == "fact")
    return (
        f"草稿: {out}: {len(benefits) - facts} 条支持、{facts} 条事实记录、{len(draft['exclusions'])} 条排除、"
        f"{len(draft['departments'])} 个责任单位;每条都带 review,核对后删除"
    )


def compare_all(data_dir: Path, sources_dir: Path) -> list[Comparison]:
    """Draft the source of every curated document (learning nothing from that document) and compare."""
    cities = {c.name: c for c in read_cities(data_dir / "cities.yml")}
    comparisons = []
    for path in sorted((data_dir / "documents").glob("*.yml")):
        curated = yaml.safe_load(path.read_text(encoding="utf-8"))
        source_file = curated["document"]["source_file"]
        text = (sources_dir / source_file).read_text(encoding="utf-8")
        city = cities[curated["document"]["city"]]
        draft = draft_document(text, source_file, city, data_dir, leave_out=path.name)
        comparison = compare(path.name, curated, draft, text)
        comparison.loads = load_problems(draft, text, Truth(sources_dir / source_file, city, False, {}), data_dir)
        comparisons.append(comparison)
    return comparisons


def _compare(data_dir: Path, sources_dir: Path, truth_dirs: list[Path], verbose: bool) -> int:
    comparisons = compare_all(data_dir, sources_dir)
    for folder in truth_dirs:
        try:
            truths = truths_in(folder, data_dir)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"无法读取 {folder} 的对照文件: {exc}", file=sys.stderr)
            return 2
        comparisons += [evaluate(truth, data_dir)[0] for truth in truths]
    print(table(comparisons, verbose))
    return 0
