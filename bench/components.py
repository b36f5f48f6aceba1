"""Where a model's NLU time goes: ``python -m bench.components MODEL [--repeats N] QUESTION ...``.

Loads the model in this process (rasa.core.agent.load_agent, no server), parses the questions
`repeats` times under cProfile and prints, as JSON, the CPU milliseconds per message spent in each
pipeline component's ``process`` (JiebaTokenizer, RegexFeaturizer, ...) and in the whole parse. The
scale run (bench/scale.py) calls it at 1x and 20x to show which component grows with the catalogue;
cProfile slows everything by about the same factor, so shares and ratios are what to read, and the
absolute figures are for comparison between two runs of this script only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List


def component_times(model: Path, questions: List[str], repeats: int) -> Dict[str, object]:
    from rasa.core.agent import load_agent

    loop = asyncio.new_event_loop()
    agent = loop.run_until_complete(load_agent(model_path=str(model)))
    for question in questions:  # warm caches (jieba's dictionary, regexes) before measuring
        loop.run_until_complete(agent.parse_message(question))
    profile = cProfile.Profile()
    started = time.process_time()
    profile.enable()
    for _ in range(repeats):
        for question in questions:
            loop.run_until_complete(agent.parse_message(question))
    profile.disable()
    total = time.process_time() - started
    messages = repeats * len(questions)
    per_component: Dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in pstats.Stats(profile).stats.items():
        if function == "process" and ("/rasa/nlu/" in filename or "/bot/nlu/" in filename):
            per_component[Path(filename).stem] += cumulative
    return {
        "messages": messages,
        "parse_ms_per_message": round(total * 1000 / messages, 3),
        "component_ms_per_message": {
            name: round(seconds * 1000 / messages, 3)
            for name, seconds in sorted(per_component.items(), key=lambda item: -item[1])
        },
    }


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.components", description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("questions", nargs="+")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    result = component_times(args.model, args.questions, args.repeats)
    print("COMPONENTS " + json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
