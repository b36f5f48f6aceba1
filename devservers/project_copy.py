"""A temporary copy of the project's data and configuration, built and trained as an operator would.

Only what a data change touches is copied (the curated data, the source texts, the Rasa configuration,
domain and training data, the jieba dictionary); the code is the repository's, pointed at the copy through
`POLICY_DATA_DIR` / `POLICY_SOURCES_DIR` and the generator's `--project-dir`. Used by the sixth-city test
(tests/design) and by the scale run of the benchmark (bench/scale.py), which grows the copy's catalogue.

    copy = ProjectCopy.create(tmp / "project", tmp / "work")
    copy.build(); copy.generate(); seconds = copy.train("policy-bot")
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from devservers.processes import LOG_DIR, PROJECT_DIR, VENV_BIN, quiet_env

COPIED = ("policy_db/data", "policy_db/sources", "config.yml", "domain.yml", "data", "bot/jieba_dict")
GENERATED = ("data/nlu/generated/lookups.yml", "data/nlu/generated/templates.yml", "bot/jieba_dict/policy_terms.txt")
DATA_DIR = Path("policy_db/data")
SOURCES_DIR = Path("policy_db/sources")


def copy_project(root: Path) -> Path:
    for name in COPIED:
        source, target = PROJECT_DIR / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return root


def changed_files(root: Path) -> set[str]:
    """Files of the copy that differ from (or are not in) the repository, relative to the copy."""
    changed = set()
    for name in COPIED:
        paths = [root / name] if (root / name).is_file() else sorted((root / name).rglob("*"))
        for path in paths:
            if path.is_file():
                relative = path.relative_to(root)
                original = PROJECT_DIR / relative
                if not original.is_file() or original.read_bytes() != path.read_bytes():
                    changed.add(relative.as_posix())
    return changed


class StepFailed(RuntimeError):
    """A build, generation or training step of a copy exited non-zero (the message ends with its log)."""


@dataclass
class ProjectCopy:
    """A copy of the project under `root`, with its database and models under `work`.

    `name` prefixes the log files (var/log/<name>-build.log, ...-nlu.log, ...-train.log)."""

    root: Path
    work: Path
    name: str = "copy"

    @classmethod
    def create(cls, root: Path, work: Path, name: str = "copy") -> ProjectCopy:
        work.mkdir(parents=True, exist_ok=True)
        return cls(copy_project(root), work, name)

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.work / 'policy.db'}"

    def server_env(self) -> dict[str, str]:
        """What the action server, Rasa server and page server need to read this copy's data."""
        return {
            "DATABASE_URL": self.database_url,
            "POLICY_DATA_DIR": str(self.root / DATA_DIR),
            "POLICY_SOURCES_DIR": str(self.root / SOURCES_DIR),
        }

    def model(self, model_name: str) -> Path:
        return self.work / "models" / f"{model_name}.tar.gz"

    def add_city(self, entry_yaml: str, source: Path) -> None:
        """What an officer types for a new city: its cities.yml entry (a YAML list item) and its official
        text, saved into sources/."""
        cities = self.root / DATA_DIR / "cities.yml"
        text = cities.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry_yaml
        cities.write_text(text, encoding="utf-8")
        shutil.copy2(source, self.root / SOURCES_DIR / source.name)

    def draft(self, source_name: str, city: str, out: Path, timeout: float = 300) -> float:
        """``python -m policy_db draft`` on a text of the copy's sources/, written to `out`."""
        command = [sys.executable, "-m", "policy_db", "draft", str(self.root / SOURCES_DIR / source_name)]
        return self._run([*command, "--city", city, "--out", str(out)], PROJECT_DIR, "draft", timeout)

    def build(self, timeout: float = 600) -> float:
        """``python -m policy_db build`` into the copy's own SQLite file; returns the seconds it took."""
        return self._run([sys.executable, "-m", "policy_db", "build"], PROJECT_DIR, "build", timeout)

    def generate(self, timeout: float = 600) -> float:
        """``python -m bot.nlu_resources`` writing the copy's lookups, templates and jieba dictionary."""
        command = [sys.executable, "-m", "bot.nlu_resources", "--project-dir", str(self.root)]
        return self._run(command, PROJECT_DIR, "nlu", timeout)

    def train(self, model_name: str, config: Path | None = None, timeout: float = 1800) -> float:
        """``rasa train`` from scratch (an empty cache of its own) on the copy's configuration (or `config`);
        Rasa runs in the copy, so it reads the copy's domain, data and bot/jieba_dict."""
        command = [
            str(VENV_BIN / "rasa"),
            "train",
            "--config",
            str(config or "config.yml"),
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(self.work / "models"),
            "--fixed-model-name",
            model_name,
        ]
        cache = self.work / f"rasa-cache-{model_name}"
        return self._run(command, self.root, f"train-{model_name}", timeout, RASA_CACHE_DIRECTORY=str(cache))

    def _run(self, command: list[str], cwd: Path, step: str, timeout: float, **extra: str) -> float:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = LOG_DIR / f"{self.name}-{step}.log"
        env = quiet_env(**self.server_env(), PYTHONPATH=str(PROJECT_DIR), **extra)
        started = time.perf_counter()
        with log.open("w") as out:
            done = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-3000:]
            raise StepFailed(f"{' '.join(map(str, command[:4]))} failed (log: {log})\n{tail}")
        return time.perf_counter() - started
