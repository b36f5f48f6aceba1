"""``python -m bench.scale`` (the second half of ``make bench``): the cost as the catalogue grows.

The catalogue is grown to `--factor` times its size (default 20: the five documents plus 95 synthetic
copies, bench/synthetic.py) in a temporary copy of the project, never in policy_db/data. For the real
catalogue (1x) and the grown one, each in its own copy, as an operator would: build the database,
generate the NLU resources, train from scratch; then start an action server and a Rasa server
(``python -m bot.server``, in-memory stores) on them and measure:

- training time (wall clock, empty cache) and model size;
- model load time (start to /status reporting the model);
- answers: the bench questions (bench/questions.yml) for the real cities and the same questions
  rewritten for every synthetic city (its name, its shifted figures), one fresh conversation each;
- p50/p99 of REST latency at a steady 10 messages/s (conversations of three turns, bench/load.py),
  CPU per message of both servers, and their resident memory;
- what the NLU spends per message in each pipeline component (bench/components.py, under cProfile).

Then stock Rasa 3.6 on the same bot at 1x (bench/stock_config.yml: DIET and TED; ``rasa run`` with
the stock SQL tracker store; the same action server) gets the same measures, and the ratio to ours.

Results: printed, and written to var/bench-scale.json. Logs: var/log/scale-*.log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from devservers import LOG_DIR, PROJECT_DIR, ActionServer, RasaServer, StockRasaServer, quiet_env
from devservers.project_copy import GENERATED, ProjectCopy

from .load import Conversations, run_step
from .run import _fmt, _table, bot_answers, conversation_scripts, load_questions
from .synthetic import SyntheticCity, grow_catalogue

RESULTS = PROJECT_DIR / "var" / "bench-scale.json"
STOCK_CONFIG = Path(__file__).resolve().parent / "stock_config.yml"
TARGETS = {"p50_growth": 2.0, "training_s": 300.0}
PROFILED_QUESTIONS = 12  # of the bench questions, parsed under cProfile per size


def rewritten_questions(questions: List[Dict[str, Any]], cities: List[SyntheticCity]) -> List[Dict[str, Any]]:
    """The bench questions of each synthetic city's original, as asked in the synthetic city."""
    rewritten = []
    for city in cities:
        for question in questions:
            if question["city"] == city.original:
                rewritten.append(
                    {
                        "city": city.name,
                        "q": city.rewrite(question["q"]),
                        "expect": [city.shift_money(str(e)) for e in question["expect"]],
                    }
                )
    return rewritten


def catalogue_size(copy: ProjectCopy) -> Dict[str, int]:
    """What the grown data feeds the model: documents, lookup entries, template examples, jieba words."""
    lookups = yaml.safe_load((copy.root / GENERATED[0]).read_text(encoding="utf-8"))["nlu"]
    templates = (copy.root / GENERATED[1]).read_text(encoding="utf-8")
    return {
        "documents": len(list((copy.root / "policy_db/data/documents").glob("*.yml"))),
        "lookup_entries": sum(len(_examples(item)) for item in lookups if "lookup" in item),
        "synonym_entries": sum(len(_examples(item)) for item in lookups if "synonym" in item),
        "template_examples": sum(1 for line in templates.splitlines() if line.lstrip().startswith("- ")),
        "jieba_words": len((copy.root / GENERATED[2]).read_text(encoding="utf-8").splitlines()),
    }


def _examples(item: Dict[str, Any]) -> List[str]:
    return [line for line in str(item.get("examples", "")).splitlines() if line.strip().startswith("- ")]


def component_profile(model: Path, questions: List[str], log_name: str) -> Dict[str, Any]:
    log = LOG_DIR / f"{log_name}.log"
    command = [sys.executable, "-m", "bench.components", str(model), *questions, "--repeats", "10"]
    with log.open("w") as err:
        done = subprocess.run(command, cwd=PROJECT_DIR, env=quiet_env(), stdout=subprocess.PIPE, stderr=err, text=True)
    found = re.search(r"^COMPONENTS (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not found:
        raise SystemExit(f"bench.components failed: see {log}")
    return json.loads(found.group(1))


def measure(
    label: str,
    copy: ProjectCopy,
    questions: List[Dict[str, Any]],
    steady_seconds: float,
    server: Callable[..., RasaServer] = RasaServer,
    config: Optional[Path] = None,
) -> Dict[str, Any]:
    """Train `copy` (with `config`, else its own), serve it with `server`, and measure it."""
    print(f"scale [{label}]: training from scratch ...", flush=True)
    model_name = f"scale-{label}"
    training_s = copy.train(model_name, config)
    model = copy.model(model_name)
    print(f"scale [{label}]: trained in {training_s:.0f} s; profiling the NLU components ...", flush=True)
    profile = component_profile(model, [q["q"] for q in questions[:PROFILED_QUESTIONS]], f"scale-{label}-components")
    actions = ActionServer(env=copy.server_env(), name=f"scale-{label}-actions").start()
    rasa: Optional[RasaServer] = None
    try:
        rasa = server(
            action_url=actions.url, env=copy.server_env(), workdir=copy.work, name=f"scale-{label}-rasa", model=model
        )
        rasa.start(timeout=600, attempts=2)
        print(f"scale [{label}]: model loaded in {rasa.load_seconds:.1f} s; {len(questions)} questions ...", flush=True)
        run_id = uuid.uuid4().hex[:8]
        answers = bot_answers(rasa.url, questions, run_id)
        scripts = conversation_scripts(questions)
        run_step(rasa.url, 10, 3, Conversations(scripts, f"warm-{run_id}"))
        print(f"scale [{label}]: steady 10 msg/s for {steady_seconds:g} s ...", flush=True)
        cpu_before = {"rasa": rasa.cpu_seconds(), "actions": actions.cpu_seconds()}
        steady = run_step(rasa.url, 10, steady_seconds, Conversations(scripts, f"steady-{run_id}"))
        cpu_after = {"rasa": rasa.cpu_seconds(), "actions": actions.cpu_seconds()}
        return {
            "training_s": round(training_s, 1),
            "model_mb": round(model.stat().st_size / 1e6, 2),
            "load_s": round(rasa.load_seconds or 0, 1),
            "correct": answers["correct"],
            "questions": answers["total"],
            "missed": [a["q"] for a in answers["answers"] if not a["ok"]][:20],
            "steady": steady.as_dict(),
            "cpu_ms_per_message": {
                name: round((cpu_after[name] - cpu_before[name]) * 1000 / max(1, steady.sent), 1) for name in cpu_after
            },
            "rss_mb": {
                "rasa": round(rasa.memory_kb().get("VmRSS", 0) / 1024),
                "actions": round(actions.memory_kb().get("VmRSS", 0) / 1024),
            },
            "nlu_profile": profile,
        }
    finally:
        if rasa is not None:
            rasa.stop()
        actions.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=20, help="catalogue size of the grown run, x the real one")
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument("--skip-stock", action="store_true", help="do not train and measure stock Rasa")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (JSON)")
    args = parser.parse_args(argv)
    if not 2 <= args.factor <= 20 or not 5 <= args.steady_seconds <= 300:
        parser.error("bounded runs only: 2 <= factor <= 20, 5 <= steady seconds <= 300")
    questions = load_questions()
    results: Dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "factor": args.factor}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        runs: Dict[str, Dict[str, Any]] = {}
        sizes: Dict[str, Dict[str, int]] = {}
        for factor in (1, args.factor):
            label = f"{factor}x"
            copy = ProjectCopy.create(
                Path(scratch) / label / "project", Path(scratch) / label / "work", f"scale-{label}"
            )
            cities = grow_catalogue(copy.root, factor) if factor > 1 else []
            print(f"scale [{label}]: building the database and the NLU resources ...", flush=True)
            build_s = copy.build()
            copy.generate()
            sizes[label] = {**catalogue_size(copy), "build_s": round(build_s, 1)}
            asked = questions + rewritten_questions(questions, cities)
            runs[label] = measure(label, copy, asked, args.steady_seconds)
            if factor == 1 and not args.skip_stock:
                runs["stock-1x"] = measure(
                    "stock-1x", copy, asked, args.steady_seconds, server=StockRasaServer, config=STOCK_CONFIG
                )
        results.update({"sizes": sizes, "runs": runs, "targets": TARGETS})
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(results)
    print(f"\nwritten: {out.relative_to(PROJECT_DIR) if out.is_relative_to(PROJECT_DIR) else out}")
    return 0


def _ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "—"


def print_report(r: Dict[str, Any]) -> None:
    big = f"{r['factor']}x"
    one, grown, stock = r["runs"]["1x"], r["runs"][big], r["runs"].get("stock-1x")
    s1, sn = r["sizes"]["1x"], r["sizes"][big]

    def row(name: str, get: Callable[[Dict[str, Any]], Optional[float]], unit: str, digits: int = 1) -> tuple:
        a, b = get(one), get(grown)
        cells = [name, _fmt(a, unit, digits), _fmt(b, unit, digits), _ratio(b, a)]
        if stock is not None:
            c = get(stock)
            cells += [_fmt(c, unit, digits), _ratio(c, a)]
        return tuple(cells)

    def cpu(run: Dict[str, Any]) -> float:
        return run["cpu_ms_per_message"]["rasa"] + run["cpu_ms_per_message"]["actions"]

    def accuracy(run: Dict[str, Any]) -> float:
        return 100.0 * run["correct"] / run["questions"]

    header = ["measure", "ours 1x", f"ours {big}", f"{big} / 1x"]
    if stock is not None:
        header += ["stock Rasa 1x", "stock / ours 1x"]
    print(f"\n政策通 scale run: the real catalogue (1x) and {big} (synthetic cities), in-memory stores\n")
    print("catalogue: " + "; ".join(f"{k} {s1[k]} -> {sn[k]}" for k in s1))
    print()
    _table(
        header,
        [
            row("training, from scratch", lambda x: x["training_s"], " s"),
            row("model size", lambda x: x["model_mb"], " MB", 2),
            row("model load", lambda x: x["load_s"], " s"),
            row("REST p50 @ 10 msg/s", lambda x: x["steady"]["p50_ms"], " ms"),
            row("REST p99 @ 10 msg/s", lambda x: x["steady"]["p99_ms"], " ms"),
            row("errors @ 10 msg/s", lambda x: float(sum(x["steady"]["errors"].values())), "", 0),
            row("CPU per message, Rasa", lambda x: x["cpu_ms_per_message"]["rasa"], " ms"),
            row("CPU per message, Rasa + actions", cpu, " ms"),
            row("resident memory, Rasa", lambda x: x["rss_mb"]["rasa"], " MB", 0),
            row("resident memory, actions", lambda x: x["rss_mb"]["actions"], " MB", 0),
            row("bench questions answered", accuracy, " %", 0),
        ],
    )
    print("\nquestions: " + "; ".join(f"{name} {run['correct']}/{run['questions']}" for name, run in r["runs"].items()))
    p50_growth = (grown["steady"]["p50_ms"] or 0) / (one["steady"]["p50_ms"] or 1)
    print(
        f"targets at {big}: p50 {p50_growth:.2f}x the 1x figure (<= {TARGETS['p50_growth']:g}x: "
        f"{'ok' if p50_growth <= TARGETS['p50_growth'] else 'MISSED'}); training {grown['training_s']:g} s "
        f"(< {TARGETS['training_s']:g} s: {'ok' if grown['training_s'] < TARGETS['training_s'] else 'MISSED'})"
    )
    print(f"\nNLU CPU per message by component (cProfile, ms; {one['nlu_profile']['messages']} parses per size):")
    p1, pn = one["nlu_profile"], grown["nlu_profile"]
    names = list(pn["component_ms_per_message"])
    _table(
        ["component", "1x", big, "growth", "share of the growth of the parse"],
        [
            (
                name,
                _fmt(p1["component_ms_per_message"].get(name), "", 3),
                _fmt(pn["component_ms_per_message"].get(name), "", 3),
                _ratio(pn["component_ms_per_message"].get(name), p1["component_ms_per_message"].get(name)),
                _share(name, p1, pn),
            )
            for name in names
        ]
        + [
            (
                "whole parse",
                _fmt(p1["parse_ms_per_message"], "", 3),
                _fmt(pn["parse_ms_per_message"], "", 3),
                _ratio(pn["parse_ms_per_message"], p1["parse_ms_per_message"]),
                "",
            )
        ],
    )
    for name, run in r["runs"].items():
        if run["missed"]:
            print(f"{name} missed: " + "; ".join(run["missed"][:8]))


def _share(name: str, p1: Dict[str, Any], pn: Dict[str, Any]) -> str:
    growth = pn["parse_ms_per_message"] - p1["parse_ms_per_message"]
    delta = pn["component_ms_per_message"].get(name, 0) - p1["component_ms_per_message"].get(name, 0)
    return f"{100 * delta / growth:.0f} %" if growth > 0 else "—"


if __name__ == "__main__":
    sys.exit(main())
