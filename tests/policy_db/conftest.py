"""A temporary data folder with the real cities.yml, for tests that write their own documents."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policy_db.loader import DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "documents").mkdir()
    shutil.copy(DATA_DIR / "cities.yml", tmp_path)
    return tmp_path
