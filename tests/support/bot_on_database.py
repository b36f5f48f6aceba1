"""The real bot on a policy database of its own: `python -m policy_db` run on a temporary database, and
the action and Rasa servers reading it, so var/policy.db is never touched."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devservers import PROJECT_DIR, ActionServer, RasaServer, quiet_env


def policy_db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m policy_db --database-url <url> <args>`, which must succeed; its output as text (a
    CSV's byte order mark left out)."""
    result = subprocess.run(
        [sys.executable, "-m", "policy_db", "--database-url", url, *args],
        cwd=PROJECT_DIR,
        env=quiet_env(DATABASE_URL=url),
        capture_output=True,
        encoding="utf-8-sig",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def built_database(folder: Path) -> str:
    """The URL of a SQLite database in `folder` built from the data with `python -m policy_db build`."""
    url = f"sqlite:///{folder / 'policy.db'}"
    policy_db(url, "build")
    return url


@contextmanager
def bot_on(database: str, workdir: Path, **rasa_options: Any) -> Iterator[RasaServer]:
    """The action server on `database` and a Rasa server calling it (`rasa_options`: e.g. endpoints_extra)."""
    actions = ActionServer(env={"DATABASE_URL": database}).start()
    rasa = RasaServer(action_url=actions.url, workdir=workdir, **rasa_options)
    try:
        rasa.start()
        yield rasa
    finally:
        rasa.stop()
        actions.stop()
