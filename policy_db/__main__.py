"""Command line for operators.

python -m policy_db build                      # validate the curated files, (re)build the database
python -m policy_db --data-dir /tmp/data --sources-dir /tmp/sources --database-url sqlite:////tmp/p.db build
python -m policy_db check                      # validate and run the completeness check only
python -m policy_db query --city 平顶山 --text 小巨人 --json
python -m policy_db amount --benefit bz-listing-financing-reward --figure 15亿
python -m policy_db amount --benefit pds-rent-state-owned-relief --figure 月租1.2万
python -m policy_db messages                   # the open messages users left; --all, --city 平顶山
python -m policy_db messages --csv messages.csv   # as CSV for Excel (- for stdout)
python -m policy_db messages --handled 3 4     # mark messages 3 and 4 handled
python -m policy_db messages --purge-older-than 180   # delete messages left more than 180 days ago (the default)
python -m policy_db report --since 7d          # what the bot could not answer, per city and topic (24h, 30d, 2026-11-01)
python -m policy_db report --since 30d --csv unanswered.csv --tracker-url postgresql://…/rasa
python -m policy_db draft 通知.docx --city 平顶山 --out /tmp/draft.yml   # a draft documents/<city>.yml
python -m policy_db draft --compare --verbose  # the drafter against the curated files
python -m policy_db review /tmp/draft.yml      # an HTML page to check a draft: records beside their clauses
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from officer import reporting
from officer.drafting.cli import add_draft_parser
from officer.drafting.review import add_review_parser
from officer.messages import DEFAULT_RETENTION_DAYS, Message, MessageStore, to_csv
from officer.reporting.ratings import ratings_section
from officer.spreadsheet import write_csv
from officer.terminal import printable

from .build import build_database
from .calculator import MissingFigures, calculate
from .completeness import main as completeness_main
from .db import database_url, make_engine
from .loader import DataError, load_policy_data, read_cities
from .paths import data_dir, sources_dir
from .query import PolicyDatabaseUnavailable, PolicyRepository
from .untyped import report as untyped_report
from .user_figures import read_figures
from .vocabulary import load_categories

_PLAIN_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
MAX_LISTED_ANSWER_CHARS = 60  # the bot's last answer, shortened in the text listing (the CSV has it whole)


def _build(args: argparse.Namespace) -> int:
    try:
        data = load_policy_data(args.data_dir, args.sources_dir)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    counts = build_database(make_engine(args.database_url), data)
    print(
        f"built {database_url(args.database_url).split('@')[-1]}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        data = load_policy_data(args.data_dir, args.sources_dir)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    code = completeness_main([str(p) for p in sorted((args.data_dir / "documents").glob("*.yml"))], args.sources_dir)
    untyped = untyped_report(b for d in data.documents for b in d.benefits)
    # Work for an officer, not an error: conditions a verdict cannot check until they are typed in requires.
    print(f"条件写在文字里、未写成 requires 的记录：{len(untyped)} 条" + ("（--verbose 列出）" if untyped else ""))
    if getattr(args, "verbose", False):
        print("\n".join(f"  {line}" for line in untyped))
    return code


def _query(args: argparse.Namespace) -> int:
    catalog = PolicyRepository(make_engine(args.database_url)).catalog()
    city = catalog.resolve_city(args.city) if args.city else None
    if args.city and city is None:
        print(f"未知的城市: {args.city}", file=sys.stderr)
        return 2
    topics = [catalog.canonical_topic(t) or t for t in args.topic]
    if args.text:
        topics += [t for t in catalog.topics_in(args.text) if t not in topics]
    hits = catalog.find_benefits(
        city=city, category=args.category, topics=topics, text=args.text, limit=args.limit, min_score=0.0
    )
    if args.json:
        print(
            json.dumps([h.benefit.to_dict() | {"score": round(h.score, 3)} for h in hits], ensure_ascii=False, indent=2)
        )
    else:
        for h in hits:
            b = h.benefit
            print(f"[{h.score:.2f}] {b.city} {b.key}: {b.summary}")
            print(f"       {b.document.title} {b.document.doc_number or ''} {b.clause_ref}")
            print(f"       责任单位: {'、'.join(b.departments) or '未列明'}  有效期至: {b.valid_until or '未规定'}")
    return 0 if hits else 1


def _amount(args: argparse.Namespace) -> int:
    """The amount for the figures given in free text (月租1.2万, 招了4个高级工学2年, 15亿)."""
    catalog = PolicyRepository(make_engine(args.database_url)).catalog()
    benefits = catalog.get([args.benefit])
    if not benefits:
        print(f"没有这个条目: {args.benefit}", file=sys.stderr)
        return 2
    figures = read_figures(args.figure)
    if not figures and _PLAIN_NUMBER.match(args.figure.strip()):
        figures = read_figures(f"{args.figure.strip()}元")  # a bare number is yuan
    result = calculate(benefits[0], figures)
    if result is None:
        print(f"没有计算规则(分档或公式)的条目: {args.benefit}", file=sys.stderr)
        return 2
    if isinstance(result, MissingFigures):
        print(result.message, file=sys.stderr)
        return 1
    prefix = "最高" if result.upto else ""
    print(f"{prefix}{result.amount_text}  （{result.working}）")
    return 0


def _messages(args: argparse.Namespace) -> int:
    """The messages users left for a person (officer/messages.py): list, export as CSV, mark handled."""
    city = None
    if args.city:
        places = {p: c.name for c in read_cities(args.data_dir / "cities.yml") for p in (c.name, *c.places)}
        city = places.get(args.city)
        if city is None:
            print(f"未知的城市: {args.city}", file=sys.stderr)
            return 2
    store = MessageStore(make_engine(args.database_url))
    try:
        if args.purge_older_than is not None:
            count = store.purge(args.purge_older_than)
            print(f"已删除 {args.purge_older_than} 天前的留言: {count} 条")
            return 0
        if args.handled:
            count = store.mark_handled(args.handled)
            others = len(set(args.handled)) - count
            print(f"已标记为已处理: {count} 条" + (f"(另有 {others} 条不存在或早已处理)" if others else ""))
            return 0
        items = store.list(include_handled=args.all, city=city)
    except SQLAlchemyError as exc:
        print(f"留言数据库不可用: {exc}", file=sys.stderr)
        return 3
    if args.csv:
        write_csv(to_csv(items), args.csv)
        if args.csv != "-":
            print(f"已导出 {len(items)} 条留言: {args.csv}")
    else:
        for message in items:
            print(_listed(message))
        kind = "" if args.all else "未处理的"
        print(f"共 {len(items)} 条{kind}留言" if items else f"没有{kind}留言")
    return 0


def _days(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"不是天数: {text!r}(应为 0 或正整数)")
    return int(text)


def _listed(m: Message) -> str:
    """One message as three lines; what users wrote is escaped (officer/terminal.py), so a newline
    or an ANSI code in it cannot forge an entry or drive the officer's terminal."""
    answer = " ".join((m.last_answer or "").split())
    if len(answer) > MAX_LISTED_ANSWER_CHARS:
        answer = answer[:MAX_LISTED_ANSWER_CHARS] + "…"
    state = "  已处理" if m.handled else ""
    city, phone, conversation = (
        printable(m.city or "城市未知"),
        printable(m.phone or "未留电话"),
        printable(m.conversation_id),
    )
    return "\n".join(
        [
            f"[{m.id}] {m.created_at:%Y-%m-%d %H:%M} UTC  {city}  {phone}  {conversation}{state}",
            f"     问题: {printable(m.question)}",
            f"     上一条回答: {printable(answer) or '无'}",
        ]
    )


def _report(args: argparse.Namespace) -> int:
    """What the bot could not answer since --since, read from Rasa's tracker store (officer/reporting)."""
    try:
        since = reporting.parse_since(args.since)
        engine = reporting.tracker_engine(reporting.tracker_url(args.tracker_url))
    except (ValueError, reporting.TrackerStoreUnknown) as exc:
        print(exc, file=sys.stderr)
        return 2
    catalog = PolicyRepository(make_engine(args.database_url)).catalog()
    try:
        questions = reporting.unanswered_questions(
            reporting.conversations_since(engine, since), catalog, since, reporting.ReplyReader(catalog)
        )
    except SQLAlchemyError as exc:
        print(f"对话记录库不可用: {getattr(exc, 'orig', None) or exc}", file=sys.stderr)
        return 3
    if args.csv:
        write_csv(reporting.to_csv(questions), args.csv)
        if args.csv != "-":
            print(f"已导出 {len(questions)} 个没能回答的问题: {args.csv}")
    else:  # what users wrote, escaped for the terminal (officer/terminal.py)
        shown = [
            replace(q, question=printable(q.question), conversation_id=printable(q.conversation_id)) for q in questions
        ]
        print(reporting.listing(shown, since) + ratings_section(make_engine(args.database_url), since))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy_db", description="政策通 policy database")
    parser.add_argument("--database-url", help="default: $DATABASE_URL or var/policy.db")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data_dir(),
        help="the curated YAML files (default: $POLICY_DATA_DIR or policy_db/data)",
    )
    parser.add_argument(
        "--sources-dir",
        type=Path,
        default=sources_dir(),
        help="the official texts (default: $POLICY_SOURCES_DIR or policy_db/sources)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="validate the data files and (re)build the database").set_defaults(func=_build)
    check = sub.add_parser("check", help="validate the data files and run the completeness check")
    check.add_argument("--verbose", action="store_true", help="list the conditions written but not typed")
    check.set_defaults(func=_check)
    q = sub.add_parser("query", help="find benefits")
    q.add_argument("--city")
    q.add_argument("--category", choices=load_categories().keys)
    q.add_argument("--topic", action="append", default=[])
    q.add_argument("--text")
    q.add_argument("--limit", type=int, default=5)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_query)
    a = sub.add_parser("amount", help="compute an amount from the enterprise's figures (tiers or formula)")
    a.add_argument("--benefit", required=True)
    a.add_argument("--figure", required=True, help="free text, e.g. 15亿, 月租1.2万, 招了4个高级工学2年")
    a.set_defaults(func=_amount)
    m = sub.add_parser("messages", help="the messages users left for a person: list, export, mark handled")
    m.add_argument("--all", action="store_true", help="include handled messages")
    m.add_argument("--city", help="only this city's messages")
    out = m.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="export as CSV with a UTF-8 BOM for Excel (- for stdout)")
    out.add_argument("--handled", metavar="ID", type=int, nargs="+", help="mark these messages handled")
    out.add_argument(
        "--purge-older-than",
        metavar="DAYS",
        type=_days,
        nargs="?",
        const=DEFAULT_RETENTION_DAYS,
        help=f"delete messages (handled or not) left more than DAYS days ago (default {DEFAULT_RETENTION_DAYS})",
    )
    m.set_defaults(func=_messages)
    r = sub.add_parser("report", help="what the bot could not answer, from the tracker store: per city and topic")
    r.add_argument("--since", default="7d", help="7d, 24h, 30d, or a date or time (2026-11-01, UTC); default 7d")
    r.add_argument(
        "--tracker-url",
        help="Rasa's SQL tracker store (default: $TRACKER_DATABASE_URL, else DB_HOST, DB_PORT, DB_NAME, DB_USER, "
        "DB_PASSWORD as endpoints.production.yml)",
    )
    r.add_argument("--csv", metavar="FILE", help="one row per question, CSV with a UTF-8 BOM for Excel (- for stdout)")
    r.set_defaults(func=_report)
    add_draft_parser(sub)  # python -m policy_db draft: officer/drafting/cli.py
    add_review_parser(sub)  # python -m policy_db review: officer/drafting/review.py
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicyDatabaseUnavailable as exc:
        print(f"政策数据库不可用: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
