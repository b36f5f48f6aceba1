"""``python -m bench.run`` (``make bench``): speed, memory and answer quality of 政策通, in one run.

1. Training time: ``rasa train`` from scratch (an empty Rasa cache, a temporary output directory;
   models/ is not touched), wall clock, and the model's size. ``--skip-training`` leaves it out.
2. BM25 baseline over the raw documents (bench/bm25.py): the questions of bench/questions.yml.
3. One action server and one Rasa server started as in production (``python -m bot.server run``);
   the model load time is from starting it to /status reporting a model.
4. The same questions asked to the bot over REST (one fresh conversation each): correct share and
   latency. This also warms the server up.
5. A steady 10 messages/s for 30 s: p50/p99 of the end-to-end REST latency (every message runs a
   custom action). Messages come from conversations of three turns (a question of bench/questions.yml,
   then two follow-ups that need its context); a conversation's next turn is sent only after the reply
   to its last one, as a person would (bench/load.py), and new conversations start as needed.
6. A ramp 10, 20, ... 80 messages/s for 10 s each, stopping at the first step with an error
   (non-200, empty reply, timeout, action server too slow) or p99 > 1 s: the highest step passed is
   the sustained rate of one Rasa server. Latency counts from each message's scheduled time, so a
   server that falls behind the offered rate fails the p99 limit within the step.
7. Resident memory of both processes (/proc VmRSS now, VmHWM peak) and CPU time per message.

Stores: ``--stores production`` uses endpoints.production.yml (PostgreSQL tracker store in a fresh
schema, Redis lock store), ``memory`` uses the in-memory stores of endpoints.yml; ``auto`` (default)
takes production when PostgreSQL and Redis answer on 127.0.0.1. Load only ever targets 127.0.0.1.
Results: printed, and written to var/bench.json (``--out``). Client and servers share this machine's cores.
The servers are started by the project's harness (devservers); their logs are var/log/bench-*.log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

from devservers import (
    POSTGRES_URL,
    PROJECT_DIR,
    REDIS_URL,
    ActionServer,
    ProductionStores,
    RasaServer,
    machine_cpu,
    quiet_env,
    stores_unavailable,
)

from .bm25 import BM25Search
from .load import BUSY, Conversations, StepResult, percentile, run_step
from .output import fmt, save_and_print, table

QUESTIONS = Path(__file__).resolve().parent / "questions.yml"
RESULTS = PROJECT_DIR / "var" / "bench.json"
PRODUCTION_ENDPOINTS = PROJECT_DIR / "endpoints.production.yml"
BENCH_POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", REDIS_URL)
TRAIN_LOG = PROJECT_DIR / "var" / "log" / "bench-train.log"
FOLLOW_UPS = ["找哪个部门", "要什么条件", "截止到啥时候"]
TARGETS = {"p50_ms": 40.0, "p99_ms": 100.0, "sustained_msg_per_s": 30.0, "rasa_rss_mb": 1536.0}
RAMP_P99_LIMIT_MS = 1000.0


def load_questions() -> List[Dict[str, Any]]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]


def correct(answer: str, question: Dict[str, Any]) -> bool:
    return all(str(expected) in answer for expected in question["expect"])


def bm25_baseline(questions: List[Dict[str, Any]], repeats: int = 20) -> Dict[str, Any]:
    started = time.perf_counter()
    search = BM25Search()
    build = time.perf_counter() - started
    answers, latencies = [], []
    for question in questions:
        paragraph, seconds = search.search(question["q"])
        ok = paragraph.city == question["city"] and correct(paragraph.text, question)
        answers.append({"q": question["q"], "ok": ok, "source": paragraph.source, "answer": paragraph.text[:160]})
        latencies.append(seconds)
    for _ in range(repeats - 1):
        for question in questions:
            latencies.append(search.search(question["q"])[1])
    return {
        "paragraphs": len(search.paragraphs),
        "index_build_s": round(build, 2),
        "correct": sum(a["ok"] for a in answers),
        "total": len(answers),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "answers": answers,
    }


def bot_answers(url: str, questions: List[Dict[str, Any]], run_id: str) -> Dict[str, Any]:
    answers, latencies = [], []
    for index, question in enumerate(questions):
        started = time.perf_counter()
        response = requests.post(
            f"{url}/webhooks/rest/webhook",
            timeout=30,
            json={"sender": f"bench-q{index}-{run_id}", "message": question["q"]},
        )
        latencies.append(time.perf_counter() - started)
        text = "\n".join(m.get("text", "") for m in response.json()) if response.ok else ""
        ok = response.ok and question["city"] in text and correct(text, question)
        answers.append({"q": question["q"], "ok": ok, "answer": text[:160], "busy": BUSY in text})
    return {
        "correct": sum(a["ok"] for a in answers),
        "total": len(answers),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "answers": answers,
    }


def train_from_scratch() -> Dict[str, Any]:
    """Wall-clock time of a full ``rasa train`` with nothing cached, and the model's size."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        env = quiet_env(RASA_CACHE_DIRECTORY=str(Path(scratch) / "cache"))
        started = time.perf_counter()
        with TRAIN_LOG.open("w") as log:
            completed = subprocess.run(
                [str(Path(sys.executable).parent / "rasa"), "train", "--out", scratch, "--fixed-model-name", "bench"],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"training failed: see {TRAIN_LOG.relative_to(PROJECT_DIR)}")
        size = (Path(scratch) / "bench.tar.gz").stat().st_size
    return {"seconds": round(seconds, 1), "model_mb": round(size / 1e6, 1)}


class BenchBot:
    """The action server and one Rasa server (``python -m bot.server``, the project's credentials.yml) with
    the in-memory stores of a generated endpoints file (``memory``) or endpoints.production.yml on a fresh
    PostgreSQL schema and Redis key prefix (``production``)."""

    def __init__(self, stores: str):
        self.stores = stores
        self.actions = ActionServer(name="bench-actions")
        self.rasa: Optional[RasaServer] = None
        self.production: Optional[ProductionStores] = None

    def start(self) -> None:
        self.actions.start()
        endpoints, env = None, {}
        if self.stores == "production":
            self.production = ProductionStores(
                tag="bench", postgres_url=BENCH_POSTGRES_URL, redis_url=BENCH_REDIS_URL
            ).create()
            endpoints, env = PRODUCTION_ENDPOINTS, self.production.env()
        self.rasa = RasaServer(
            action_url=self.actions.url, name="bench-rasa", endpoints=endpoints, credentials=None, cors=None, env=env
        )
        self.rasa.start(timeout=300, attempts=3)

    @property
    def url(self) -> str:
        assert self.rasa is not None, "start() first"
        return self.rasa.url

    @property
    def model_load_seconds(self) -> Optional[float]:
        return self.rasa.load_seconds if self.rasa else None

    @property
    def notes(self) -> List[str]:
        restarts = self.rasa.restarts if self.rasa else 0
        return [f"the Rasa server exited while loading {restarts} time(s) and was started again"] if restarts else []

    def cpu(self) -> Dict[str, float]:
        return {"rasa": self.rasa.cpu_seconds() if self.rasa else 0.0, "actions": self.actions.cpu_seconds()}

    def memory(self) -> Dict[str, Dict[str, int]]:
        return {"rasa": self.rasa.memory_kb() if self.rasa else {}, "actions": self.actions.memory_kb()}

    def stop(self) -> None:
        if self.rasa is not None:
            self.rasa.stop()
        self.actions.stop()
        if self.production is not None:
            self.production.drop()


def conversation_scripts(questions: List[Dict[str, Any]]) -> List[List[str]]:
    """One conversation per question: the question, then two follow-ups about it (context turns)."""
    return [
        [question["q"], FOLLOW_UPS[index % len(FOLLOW_UPS)], FOLLOW_UPS[(index + 1) % len(FOLLOW_UPS)]]
        for index, question in enumerate(questions)
    ]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--stores", choices=["auto", "memory", "production"], default="auto")
    parser.add_argument("--steady-rate", type=float, default=10.0)
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument("--ramp", default="10,20,30,40,50,60,70,80", help="messages/s per step")
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--skip-training", action="store_true", help="do not measure training time")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (JSON)")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.ramp.split(",") if r.strip()]
    if args.steady_seconds > 600 or args.step_seconds > 120 or any(r <= 0 or r > 200 for r in rates):
        parser.error("bounded runs only: steady <= 600 s, steps <= 120 s, 0 < rate <= 200")

    questions = load_questions()
    run_id = uuid.uuid4().hex[:8]
    stores = args.stores
    store_note = ""
    if stores == "auto":
        reason = stores_unavailable(BENCH_POSTGRES_URL, BENCH_REDIS_URL)
        stores = "memory" if reason else "production"
        store_note = f" ({reason}; in-memory stores instead)" if reason else ""
    elif stores == "production":
        reason = stores_unavailable(BENCH_POSTGRES_URL, BENCH_REDIS_URL)
        if reason:
            raise SystemExit(f"--stores production: {reason}")

    training = None
    if not args.skip_training:
        print("bench: training from scratch (empty Rasa cache, temporary output) ...", flush=True)
        training = train_from_scratch()
    print("bench: BM25 baseline over policy_db/sources ...", flush=True)
    bm25 = bm25_baseline(questions)

    print(
        f"bench: starting the action server and a Rasa server (python -m bot.server, {stores} stores{store_note}) ...",
        flush=True,
    )
    servers = BenchBot(stores)
    results: Dict[str, Any] = {}
    try:
        try:
            servers.start()
        except RuntimeError as exc:
            raise SystemExit(f"bench: a server did not start (logs: var/log/bench-*.log)\n{exc}") from exc
        print(
            f"bench: model loaded in {servers.model_load_seconds:.1f} s; asking the {len(questions)} questions ...",
            flush=True,
        )
        bot = bot_answers(servers.url, questions, run_id)
        scripts = conversation_scripts(questions)
        run_step(servers.url, 10, 3, Conversations(scripts, f"warm-{run_id}"))  # warm-up, not reported
        print(f"bench: steady {args.steady_rate:g} msg/s for {args.steady_seconds:g} s ...", flush=True)
        cpu_before, machine_before = servers.cpu(), machine_cpu()
        steady = run_step(
            servers.url, args.steady_rate, args.steady_seconds, Conversations(scripts, f"steady-{run_id}")
        )
        cpu_after, machine_after = servers.cpu(), machine_cpu()
        memory_after_steady = servers.memory()
        ramp: List[StepResult] = []
        sustained = 0.0
        for rate in rates:
            print(f"bench: ramp step {rate:g} msg/s for {args.step_seconds:g} s ...", flush=True)
            step = run_step(
                servers.url,
                rate,
                args.step_seconds,
                Conversations(scripts, f"ramp{rate:g}-{run_id}", first_script=int(rate)),
            )
            ramp.append(step)
            passed = step.error_count == 0 and step.p99_ms is not None and step.p99_ms <= RAMP_P99_LIMIT_MS
            if not passed:
                break
            sustained = rate
        memory = servers.memory()
        results = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": {"cpus": _cpus(), "python": platform.python_version()},
            "stores": stores,
            "steady": steady.as_dict(),
            "ramp": [s.as_dict() for s in ramp],
            "ramp_rule": f"stop at the first step with any error or p99 > {RAMP_P99_LIMIT_MS:g} ms",
            "sustained_msg_per_s": sustained,
            "model_load_s": round(servers.model_load_seconds or 0, 1),
            "training": training,
            "memory_kb": {"after_steady": memory_after_steady, "end": memory},
            "cpu_ms_per_message_steady": {
                name: round((cpu_after[name] - cpu_before[name]) * 1000 / max(1, steady.sent), 1) for name in cpu_after
            },
            "machine_during_steady": _machine_share(machine_before, machine_after),
            "loadavg_end": _loadavg(),
            "bot": bot,
            "bm25": bm25,
            "targets": TARGETS,
            "notes": servers.notes,
        }
    finally:
        servers.stop()
    save_and_print(results, args.out, print_report)
    return 0


def _machine_share(before: Dict[str, float], after: Dict[str, float]) -> Dict[str, float]:
    """Share of the machine's CPU time by kind during an interval, in % (steal: taken by the host)."""
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    total = sum(delta.values()) or 1
    return {k: round(100.0 * v / total, 1) for k, v in delta.items() if k in ("user", "system", "idle", "steal")}


def _loadavg() -> Optional[str]:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return None


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


def _bound(r: Dict[str, Any]) -> Optional[float]:
    """Messages/s one Rasa process could take with a whole core to itself (1000 / its CPU ms/msg)."""
    ms = (r.get("cpu_ms_per_message_steady") or {}).get("rasa")
    return 1000.0 / ms if ms else None


def _check(ok: Optional[bool]) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def print_report(r: Dict[str, Any]) -> None:
    steady, bot, bm25 = r["steady"], r["bot"], r["bm25"]
    rasa_mem = r["memory_kb"]["end"].get("rasa", {})
    act_mem = r["memory_kb"]["end"].get("actions", {})
    rss = rasa_mem.get("VmRSS", 0) / 1024
    hwm = rasa_mem.get("VmHWM", 0) / 1024
    t = r["targets"]
    rows = [
        (
            "REST latency p50 @ %g msg/s (%gs)" % (steady["offered_msg_per_s"], steady["seconds"]),
            fmt(steady["p50_ms"], " ms"),
            f"< {t['p50_ms']:g} ms",
            _check(steady["p50_ms"] is not None and steady["p50_ms"] < t["p50_ms"]),
        ),
        (
            "REST latency p99 @ %g msg/s" % steady["offered_msg_per_s"],
            fmt(steady["p99_ms"], " ms"),
            f"< {t['p99_ms']:g} ms",
            _check(steady["p99_ms"] is not None and steady["p99_ms"] < t["p99_ms"]),
        ),
        (
            "errors @ %g msg/s" % steady["offered_msg_per_s"],
            f"{sum(steady['errors'].values())} / {steady['sent']}",
            "0",
            _check(not steady["errors"]),
        ),
        (
            "highest sustained rate, one Rasa server",
            f"{r['sustained_msg_per_s']:g} msg/s"
            if r["sustained_msg_per_s"]
            else f"< {r['ramp'][0]['offered_msg_per_s']:g} msg/s"
            if r["ramp"]
            else "—",
            f">= {t['sustained_msg_per_s']:g} msg/s",
            _check(r["sustained_msg_per_s"] >= t["sustained_msg_per_s"]),
        ),
        (
            "training time, from scratch (model size)",
            f"{r['training']['seconds']:g} s ({r['training']['model_mb']:g} MB)" if r["training"] else "not measured",
            "",
            "",
        ),
        ("model load (start -> /status)", fmt(r["model_load_s"], " s"), "", ""),
        (
            "Rasa server memory (RSS / peak)",
            f"{rss:.0f} / {hwm:.0f} MB",
            f"< {t['rasa_rss_mb']:g} MB",
            _check(hwm < t["rasa_rss_mb"] if hwm else None),
        ),
        (
            "action server memory (RSS / peak)",
            f"{act_mem.get('VmRSS', 0) / 1024:.0f} / {act_mem.get('VmHWM', 0) / 1024:.0f} MB",
            "",
            "",
        ),
        (
            "CPU per message @ %g msg/s: Rasa / actions" % steady["offered_msg_per_s"],
            "%s / %s ms"
            % (fmt(r["cpu_ms_per_message_steady"].get("rasa")), fmt(r["cpu_ms_per_message_steady"].get("actions"))),
            "",
            "",
        ),
        ("=> CPU bound of one Rasa process (1 core)", fmt(_bound(r), " msg/s", 0), "", ""),
    ]
    machine = r.get("machine_during_steady") or {}
    print(
        f"\n政策通 bench — {r['machine']['cpus']} CPUs, stores: {r['stores']} (client on the same machine); "
        f"during the steady run the machine was {machine.get('idle', 0):.0f}% idle, "
        f"{machine.get('steal', 0):.0f}% stolen by the host; load average at the end {r.get('loadavg_end')}\n"
    )
    table(["measure", "measured", "target", ""], rows)
    print(f"\nramp ({r['ramp_rule']}):")
    table(
        ["offered msg/s", "achieved msg/s", "ok / sent", "errors", "p50 ms", "p99 ms", "max ms"],
        [
            (
                f"{s['offered_msg_per_s']:g}",
                f"{s['achieved_msg_per_s']:g}",
                f"{s['ok']} / {s['sent']}",
                ", ".join(f"{k} {v}" for k, v in s["errors"].items()) or "0",
                fmt(s["p50_ms"]),
                fmt(s["p99_ms"]),
                fmt(s["max_ms"]),
            )
            for s in r["ramp"]
        ],
    )
    print(f"\nthe same {bot['total']} questions (bench/questions.yml), bot vs BM25 over the raw documents:")
    table(
        ["", "bot (REST, end to end)", "BM25 (jieba + rank_bm25)"],
        [
            (
                "correct",
                f"{bot['correct']}/{bot['total']} ({100 * bot['correct'] / bot['total']:.0f}%)",
                f"{bm25['correct']}/{bm25['total']} ({100 * bm25['correct'] / bm25['total']:.0f}%)",
            ),
            ("latency p50", fmt(bot["p50_ms"], " ms"), fmt(bm25["p50_ms"], " ms", 2)),
            ("latency p99", fmt(bot["p99_ms"], " ms"), fmt(bm25["p99_ms"], " ms", 2)),
            ("answer", "the figure, conditions, validity, units, source", f"one of {bm25['paragraphs']} paragraphs"),
            (
                "correct means",
                "every expected figure + the city in the reply",
                "every expected figure in the top paragraph of the city's document",
            ),
        ],
    )
    missed = [a["q"] for a in bot["answers"] if not a["ok"]]
    if missed:
        print("bot missed: " + "; ".join(missed))
    for note in r.get("notes") or []:
        print("note: " + note)


if __name__ == "__main__":
    sys.exit(main())
