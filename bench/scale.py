"""``python -m bench.scale`` (part of ``make bench``): the cost as the catalogue grows.

The catalogue is grown to `--factor` times its size (default 20: the five documents plus 95 synthetic
copies, bench/synthetic.py) in a temporary copy of the project, never in policy_db/data. The real
catalogue (1x) and the grown one each get their own copy, handled as an operator would: build the
database, generate the NLU resources, train from scratch. Stock Rasa 3.6 is trained on the 1x copy
too (bench/stock_config.yml: DIET and TED) and served by ``rasa run`` with the stock SQL tracker store
and the same action server. Measured for each:

- training time (wall clock, empty cache) and model size;
- model load time (start to /status reporting the model; servers started one at a time);
- answers: the bench questions (bench/questions.yml) for the real cities and the same questions
  rewritten for every synthetic city (its name, its shifted figures), one fresh conversation each;
- p50/p99 of REST latency at a steady 10 messages/s (conversations of three turns, bench/load.py),
  CPU per message of the Rasa and action servers, and their resident memory. All bots run at once and
  are loaded in turns (`--rounds`), so a slower minute of the shared machine falls on each alike;
- what the NLU spends per message in each pipeline component (bench/components.py, under cProfile,
  the models taking turns).

Results: printed, with the growth 20x / 1x and the ratio stock / ours, and written to
var/bench-scale.json. Logs: var/log/scale-*.log.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from devservers import LOG_DIR, PROJECT_DIR, ActionServer, RasaServer, StockRasaServer, quiet_env
from devservers.project_copy import GENERATED, ProjectCopy

from .load import Conversations, StepResult, run_step
from .output import fmt, save_and_print, table
from .run import bot_answers, conversation_scripts, load_questions
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


def component_profiles(models: List[Path], questions: List[str]) -> Dict[str, Dict[str, Any]]:
    log = LOG_DIR / "scale-components.log"
    command = [sys.executable, "-m", "bench.components", *map(str, models), "--repeats", "10"]
    command += [arg for question in questions for arg in ("--question", question)]
    with log.open("w") as err:
        done = subprocess.run(command, cwd=PROJECT_DIR, env=quiet_env(), stdout=subprocess.PIPE, stderr=err, text=True)
    found = re.search(r"^COMPONENTS (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not found:
        raise SystemExit(f"bench.components failed: see {log}")
    return json.loads(found.group(1))


@dataclass
class Deployment:
    """One bot measured by the scale run: a copy of the project, the model trained on it, its servers."""

    label: str
    copy: ProjectCopy
    questions: List[Dict[str, Any]]
    server: Callable[..., RasaServer] = RasaServer
    config: Optional[Path] = None  # the training configuration (None: the copy's config.yml)
    result: Dict[str, Any] = field(default_factory=dict)
    actions: Optional[ActionServer] = None
    rasa: Optional[RasaServer] = None
    conversations: Optional[Conversations] = None  # of the steady load, carried on from round to round
    steps: List[StepResult] = field(default_factory=list)
    cpu_seconds: Dict[str, float] = field(default_factory=lambda: {"rasa": 0.0, "actions": 0.0})

    @property
    def model(self) -> Path:
        return self.copy.model(f"scale-{self.label}")

    def train(self) -> None:
        print(f"scale [{self.label}]: training from scratch ...", flush=True)
        seconds = self.copy.train(f"scale-{self.label}", self.config)
        self.result.update(training_s=round(seconds, 1), model_mb=round(self.model.stat().st_size / 1e6, 2))

    def start(self) -> None:
        self.actions = ActionServer(env=self.copy.server_env(), name=f"scale-{self.label}-actions").start()
        self.rasa = self.server(
            action_url=self.actions.url,
            env=self.copy.server_env(),
            workdir=self.copy.work,
            name=f"scale-{self.label}-rasa",
            model=self.model,
        )
        self.rasa.start(timeout=600, attempts=2)
        self.result["load_s"] = round(self.rasa.load_seconds or 0, 1)
        print(f"scale [{self.label}]: model loaded in {self.result['load_s']:g} s", flush=True)

    def ask(self, run_id: str) -> None:
        assert self.rasa is not None, "start() first"
        answers = bot_answers(self.rasa.url, self.questions, f"{self.label}-{run_id}")
        missed = [a["q"] for a in answers["answers"] if not a["ok"]]
        self.result.update(correct=answers["correct"], questions=answers["total"], missed=missed[:20])
        self.conversations = Conversations(conversation_scripts(self.questions), f"{self.label}-{run_id}")
        run_step(self.rasa.url, 10, 3, self.conversations)  # warm-up, not counted

    def steady_round(self, seconds: float) -> None:
        assert self.rasa is not None and self.actions is not None and self.conversations, "ask() first"
        before = {"rasa": self.rasa.cpu_seconds(), "actions": self.actions.cpu_seconds()}
        self.steps.append(run_step(self.rasa.url, 10, seconds, self.conversations))
        self.cpu_seconds["rasa"] += self.rasa.cpu_seconds() - before["rasa"]
        self.cpu_seconds["actions"] += self.actions.cpu_seconds() - before["actions"]

    def finish(self) -> Dict[str, Any]:
        """The measures, read while the servers still run (their memory)."""
        assert self.rasa is not None and self.actions is not None, "start() first"
        steady = StepResult.merged(self.steps)
        self.result.update(
            steady=steady.as_dict(),
            cpu_ms_per_message={k: round(v * 1000 / max(1, steady.sent), 1) for k, v in self.cpu_seconds.items()},
            rss_mb={
                "rasa": round(self.rasa.memory_kb().get("VmRSS", 0) / 1024),
                "actions": round(self.actions.memory_kb().get("VmRSS", 0) / 1024),
            },
        )
        return self.result

    def stop(self) -> None:
        for server in (self.rasa, self.actions):
            if server is not None:
                server.stop()


def measure(deployments: List[Deployment], steady_seconds: float, rounds: int) -> None:
    """Serve every deployment at once and load them in turns, `rounds` rounds of steady_seconds/rounds each,
    so that a slower minute of the shared machine falls on all of them alike."""
    run_id = uuid.uuid4().hex[:8]
    try:
        for deployment in deployments:  # one at a time: each load time is measured on an otherwise idle machine
            deployment.start()
        for deployment in deployments:
            print(f"scale [{deployment.label}]: {len(deployment.questions)} questions ...", flush=True)
            deployment.ask(run_id)
        print(f"scale: steady 10 msg/s, {rounds} rounds of {steady_seconds / rounds:g} s per bot, in turns ...")
        for _ in range(rounds):
            for deployment in deployments:
                deployment.steady_round(steady_seconds / rounds)
        for deployment in deployments:
            deployment.finish()
    finally:
        for deployment in deployments:
            deployment.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=int, default=20, help="catalogue size of the grown run, x the real one")
    parser.add_argument("--steady-seconds", type=float, default=30.0, help="per bot, split into --rounds turns")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-stock", action="store_true", help="do not train and measure stock Rasa")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (JSON)")
    args = parser.parse_args(argv)
    if not 2 <= args.factor <= 20 or not 5 <= args.steady_seconds <= 300 or not 1 <= args.rounds <= 10:
        parser.error("bounded runs only: 2 <= factor <= 20, 5 <= steady seconds <= 300, 1 <= rounds <= 10")
    questions = load_questions()
    results: Dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "factor": args.factor}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        deployments: List[Deployment] = []
        sizes: Dict[str, Dict[str, Any]] = {}
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
            deployments.append(Deployment(label, copy, asked))
            if factor == 1 and not args.skip_stock:
                deployments.append(Deployment("stock-1x", copy, asked, StockRasaServer, STOCK_CONFIG))
        for deployment in deployments:
            deployment.train()
        print("scale: profiling the NLU components of every model, in turns ...", flush=True)
        profiles = component_profiles([d.model for d in deployments], [q["q"] for q in questions[:PROFILED_QUESTIONS]])
        for deployment in deployments:
            deployment.result["nlu_profile"] = profiles[str(deployment.model)]
        measure(deployments, args.steady_seconds, args.rounds)
        results.update({"sizes": sizes, "runs": {d.label: d.result for d in deployments}, "targets": TARGETS})
    save_and_print(results, args.out, print_report)
    return 0


def _ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "—"


def print_report(r: Dict[str, Any]) -> None:
    big = f"{r['factor']}x"
    one, grown, stock = r["runs"]["1x"], r["runs"][big], r["runs"].get("stock-1x")
    s1, sn = r["sizes"]["1x"], r["sizes"][big]

    def row(name: str, get: Callable[[Dict[str, Any]], Optional[float]], unit: str, digits: int = 1) -> tuple:
        a, b = get(one), get(grown)
        cells = [name, fmt(a, unit, digits), fmt(b, unit, digits), _ratio(b, a)]
        if stock is not None:
            c = get(stock)
            cells += [fmt(c, unit, digits), _ratio(c, a)]
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
    table(
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
    print(f"\nNLU CPU per message by component (cProfile, ms; {one['nlu_profile']['messages']} parses per model):")
    p1, pn = one["nlu_profile"], grown["nlu_profile"]
    ps = stock["nlu_profile"] if stock is not None else None
    names = list(dict.fromkeys([*pn["component_ms_per_message"], *(ps["component_ms_per_message"] if ps else [])]))

    def component_row(name: str, get: Callable[[Dict[str, Any]], Optional[float]], share: str) -> tuple:
        cells = [name, fmt(get(p1), "", 3), fmt(get(pn), "", 3), _ratio(get(pn), get(p1)), share]
        return tuple(cells + ([fmt(get(ps), "", 3)] if ps else []))

    table(
        ["component", "1x", big, "growth", "share of the growth of the parse"] + (["stock Rasa 1x"] if ps else []),
        [
            component_row(name, lambda p, n=name: p["component_ms_per_message"].get(n), _share(name, p1, pn))
            for name in names
        ]
        + [component_row("whole parse", lambda p: p["parse_ms_per_message"], "")],
    )
    for name, run in r["runs"].items():
        if run["missed"]:
            print(f"{name} missed: " + "; ".join(run["missed"][:8]))


def _share(name: str, p1: Dict[str, Any], pn: Dict[str, Any]) -> str:
    growth = pn["parse_ms_per_message"] - p1["parse_ms_per_message"]
    if name not in p1["component_ms_per_message"] and name not in pn["component_ms_per_message"]:
        return "—"
    delta = pn["component_ms_per_message"].get(name, 0) - p1["component_ms_per_message"].get(name, 0)
    return f"{100 * delta / growth:.0f} %" if growth > 0 else "—"


if __name__ == "__main__":
    sys.exit(main())
