"""Where a model's NLU time goes: ``python -m bench.components MODEL [MODEL ...] --question Q [--question Q ...]``.

Loads the models in this process (rasa.core.agent.load_agent, no server) and parses the questions
`--repeats` times with each, the models taking turns (so a slower moment of a shared machine falls on
all of them alike), each under its own cProfile. Prints, as JSON keyed by model path, the CPU
milliseconds per message spent in each pipeline component's ``process`` (JiebaTokenizer,
RegexFeaturizer, ...) and in the whole parse. The scale run (bench/scale.py) compares 1x and 20x with
it; cProfile slows everything by about the same factor, so read shares and ratios, not absolute figures.
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
from typing import Any, Dict, List


def component_times(models: List[Path], questions: List[str], repeats: int) -> Dict[str, Dict[str, Any]]:
    from rasa.core.agent import load_agent

    loop = asyncio.new_event_loop()
    agents = {str(model): loop.run_until_complete(load_agent(model_path=str(model))) for model in models}
    for agent in agents.values():  # warm caches (jieba's dictionary, regexes) before measuring
        for question in questions:
            loop.run_until_complete(agent.parse_message(question))
    profiles = {name: cProfile.Profile() for name in agents}
    cpu = dict.fromkeys(agents, 0.0)
    for _ in range(repeats):
        for name, agent in agents.items():
            started = time.process_time()
            profiles[name].enable()
            for question in questions:
                loop.run_until_complete(agent.parse_message(question))
            profiles[name].disable()
            cpu[name] += time.process_time() - started
    messages = repeats * len(questions)
    return {name: _summary(profiles[name], cpu[name], messages) for name in agents}


def _summary(profile: cProfile.Profile, cpu_seconds: float, messages: int) -> Dict[str, Any]:
    per_component: Dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in pstats.Stats(profile).stats.items():
        if function == "process" and ("/rasa/nlu/" in filename or "/bot/nlu/" in filename):
            per_component[Path(filename).stem] += cumulative
    return {
        "messages": messages,
        "parse_ms_per_message": round(cpu_seconds * 1000 / messages, 3),
        "component_ms_per_message": {
            name: round(seconds * 1000 / messages, 3)
            for name, seconds in sorted(per_component.items(), key=lambda item: -item[1])
        },
    }


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.components", description=__doc__.split("\n")[0])
    parser.add_argument("models", type=Path, nargs="+")
    parser.add_argument("--question", action="append", required=True)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    result = component_times(args.models, args.question, args.repeats)
    print("COMPONENTS " + json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
