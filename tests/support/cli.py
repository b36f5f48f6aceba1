"""``python -m policy_db …`` as an officer runs it: a subprocess in the project, quiet, its output captured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devservers import PROJECT_DIR, quiet_env


def run_policy_db(*args: str | Path, timeout: float = 120, text: bool = True) -> subprocess.CompletedProcess:
    """The finished command; `text=False` keeps stdout as bytes (to see a CSV's byte-order mark)."""
    return subprocess.run(
        [sys.executable, "-m", "policy_db", *map(str, args)],
        cwd=PROJECT_DIR,
        env=quiet_env(),
        capture_output=True,
        text=text,
        timeout=timeout,
    )
