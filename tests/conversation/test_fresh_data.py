"""Fresh data without restarts: a policy officer amends a figure, rebuilds the database, and the running
bot answers with the new figure within seconds, with no server restarted.

The servers run on a copy of the data and sources and a temporary SQLite database, so the real files
and var/policy.db are never touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devservers import PROJECT_DIR, ActionServer, RasaServer, quiet_env
from policy_db.loader import DATA_DIR, SOURCES_DIR

QUESTION = "鹰城评上国家级专精特新小巨人的企业，一次性奖励是多少"
CLAUSE = "对首次认定的国家级专精特新“小巨人”企业给予一次性财政资金奖励{}万元"
# The record of that clause in documents/pingdingshan.yml, as a policy officer would amend it.
RECORD_TEXTS = [
    "国家级专精特新“小巨人”一次性奖励{}万元",
    "“小巨人”的企业,一次性奖励{}万元",
    CLAUSE,
    "        value: {0}\n        unit: 万元\n        label: 一次性财政资金奖励\n        text: {0}万元\n",
]
REFRESH_SECONDS = 1


def amend(path: Path, texts: list[str], old: int, new: int) -> None:
    content = path.read_text(encoding="utf-8")
    for text in texts:
        assert content.count(text.format(old)) == 1, text
        content = content.replace(text.format(old), text.format(new))
    path.write_text(content, encoding="utf-8")


def build(data_dir: Path, sources_dir: Path, url: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_db",
            "--database-url",
            url,
            "--data-dir",
            str(data_dir),
            "--sources-dir",
            str(sources_dir),
            "build",
        ],
        cwd=PROJECT_DIR,
        env=quiet_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path, str]:
    data_dir, sources_dir = tmp_path / "data", tmp_path / "sources"
    shutil.copytree(DATA_DIR, data_dir)
    shutil.copytree(SOURCES_DIR, sources_dir)
    url = f"sqlite:///{tmp_path / 'policy.db'}"
    build(data_dir, sources_dir, url)
    return data_dir, sources_dir, url


def test_an_amended_figure_is_answered_after_a_rebuild_without_a_restart(copy, tmp_path):
    data_dir, sources_dir, url = copy
    actions = ActionServer(env={"DATABASE_URL": url, "POLICY_REFRESH_SECONDS": str(REFRESH_SECONDS)}).start()
    rasa = RasaServer(action_url=actions.url, workdir=tmp_path)
    try:
        rasa.start()
        before = rasa.text("fresh-data-0", QUESTION)
        assert "50万元" in before and "60万元" not in before, before

        amend(sources_dir / "pingdingshan.txt", [CLAUSE], 50, 60)
        amend(data_dir / "documents" / "pingdingshan.yml", RECORD_TEXTS, 50, 60)
        build(data_dir, sources_dir, url)
        pids = (actions.process.pid, rasa.process.pid)

        deadline, attempt, after = time.monotonic() + 10 * REFRESH_SECONDS, 0, ""
        while "60万元" not in after and time.monotonic() < deadline:
            time.sleep(REFRESH_SECONDS / 2)
            attempt += 1
            after = rasa.text(f"fresh-data-{attempt}", QUESTION)
        assert "60万元" in after and "50万元" not in after, after
        assert "平顶山" in after and "市财政局" in after
        assert actions.running and rasa.running and (actions.process.pid, rasa.process.pid) == pids
    finally:
        rasa.stop()
        actions.stop()
