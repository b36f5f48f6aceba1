"""``python -m bench.new_document`` (the last part of ``make bench``): from a new official text to answers.

A policy officer receives a new city's document. In a temporary copy of the project, with an action
server and a Rasa server already answering on it (the project's trained model), the run does what the
README tells the officer to do and times each step:

1. the city's entry in cities.yml and the text in policy_db/sources/ (tests/fixtures/sixth_city: the
   invented city 鹭洲, written for the tests);
2. ``python -m policy_db draft`` on the text (the draft is used as it is: the officer's reading time
   is not counted, and the draft's ``review:`` notes are left in);
3. ``python -m policy_db build`` (running action servers load the new catalogue by themselves);
4. ``python -m bot.nlu_resources`` and ``rasa train`` (the servers keep answering meanwhile);
5. the new model loaded into the running Rasa server through its authenticated ``PUT /model``;
6. a question about the new city answered over REST with a figure from the draft.

Printed as a table, and written to var/bench-new-document.json. Logs: var/log/new-document-*.log.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

from devservers import MODEL, PROJECT_DIR, ActionServer, RasaServer
from devservers.project_copy import DATA_DIR, ProjectCopy

from .output import save_and_print, table

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "sixth_city"
RESULTS = PROJECT_DIR / "var" / "bench-new-document.json"
TARGET_S = 600.0
QUESTION = "{city}首次升规能奖多少"


def drafted_amount(draft_file: Path) -> str:
    """The figure the question should get: the amount of the drafted record about 升规."""
    document = yaml.safe_load(draft_file.read_text(encoding="utf-8"))
    for benefit in document["benefits"]:
        if "升规" in benefit["clause_text"] or "规模以上" in benefit["clause_text"]:
            amounts = [f["text"] for f in benefit.get("figures") or [] if f["kind"] == "amount"]
            if amounts:
                return amounts[0]
    raise SystemExit(f"the draft {draft_file} has no amount for 升规: see the drafter's rules")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.new_document", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not MODEL.exists():
        raise SystemExit(f"{MODEL} is missing: run `make model` first")
    steps: List[tuple] = []
    with tempfile.TemporaryDirectory(prefix="bench-new-document-") as scratch:
        copy = ProjectCopy.create(Path(scratch) / "project", Path(scratch) / "work", "new-document")
        copy.build()  # the database as it is before the new document: not timed
        actions = ActionServer(env=copy.server_env(), name="new-document-actions").start()
        rasa = None
        try:
            rasa = RasaServer(
                action_url=actions.url, env=copy.server_env(), workdir=copy.work, name="new-document-rasa"
            ).start(timeout=600, attempts=2)
            print("new document: servers answering on the current catalogue; the officer starts ...", flush=True)
            started = time.perf_counter()

            def step(name: str, seconds: float) -> None:
                steps.append((name, seconds, time.perf_counter() - started))
                print(f"new document: {name} {seconds:.1f} s", flush=True)

            mark = time.perf_counter()
            entry = (FIXTURE_DIR / "cities_entry.yml").read_text(encoding="utf-8")
            copy.add_city(entry, FIXTURE_DIR / "sources" / "luzhou.txt")
            city = yaml.safe_load(entry)[0]["name"]
            draft_file = copy.root / DATA_DIR / "documents" / "luzhou.yml"
            copy.draft("luzhou.txt", city, draft_file)
            step("draft (python -m policy_db draft)", time.perf_counter() - mark)
            step("build (python -m policy_db build)", copy.build())
            step("NLU resources (python -m bot.nlu_resources)", copy.generate())
            step("train (rasa train)", copy.train("new-document"))
            mark = time.perf_counter()
            reloaded = requests.put(
                f"{rasa.url}/model",
                params={"token": rasa.api_token},
                json={"model_file": str(copy.model("new-document"))},
                timeout=600,
            )
            if reloaded.status_code != 204:
                raise SystemExit(f"PUT /model answered {reloaded.status_code}: {reloaded.text[:300]}")
            status = requests.get(f"{rasa.url}/status", params={"token": rasa.api_token}, timeout=30).json()
            if not status.get("model_file", "").endswith("new-document.tar.gz"):
                raise SystemExit(f"the server still runs {status.get('model_file')} after PUT /model")
            step("model reload (PUT /model, with the token)", time.perf_counter() - mark)
            mark = time.perf_counter()
            question = QUESTION.format(city=city)
            answer = rasa.text("new-document-officer", question)
            step("first answer (REST)", time.perf_counter() - mark)
            expected = drafted_amount(draft_file)
            answered = f"【{city}】" in answer and expected in answer
        finally:
            if rasa is not None:
                rasa.stop()
            actions.stop()
    total = time.perf_counter() - started
    results = {
        "steps": [{"step": n, "seconds": round(s, 1), "elapsed_s": round(e, 1)} for n, s, e in steps],
        "total_s": round(total, 1),
        "question": question,
        "expected": expected,
        "answered": answered,
        "answer": answer[:300],
        "target_s": TARGET_S,
    }
    save_and_print({**results, "city": city}, args.out, print_report)
    return 0 if answered else 1


def print_report(r: Dict[str, Any]) -> None:
    print(f"\n政策通: a new document ({r['city']}) to answered questions, on this machine\n")
    table(
        ["step", "seconds", "elapsed"],
        [(s["step"], f"{s['seconds']:.1f}", f"{s['elapsed_s']:.1f}") for s in r["steps"]],
    )
    verdict = "ok" if r["answered"] and r["total_s"] < r["target_s"] else "MISSED"
    outcome = ("answered with " if r["answered"] else "NOT answered with ") + r["expected"]
    print(
        f"\ntotal {r['total_s']:.0f} s (target < {r['target_s']:g} s: {verdict}); "
        f"「{r['question']}」 -> {outcome}: {r['answer'][:80]}"
    )


if __name__ == "__main__":
    sys.exit(main())
