"""A temporary data folder with the real cities.yml and shared vocabularies, for tests that write their own
documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policy_db.loader import DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "documents").mkdir()
    for name in ("cities.yml", "vocabulary.yml", "categories.yml"):
        shutil.copy(DATA_DIR / name, tmp_path)
    return tmp_path
