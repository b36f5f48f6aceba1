"""Drafts are checked the way a policy officer would use them: written as YAML into a data folder of
their own (the real cities, vocabularies and shared topics) and loaded with the strict loader."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from officer.drafting.yaml_out import to_yaml
from policy_db.loader import DATA_DIR, PolicyData, load_policy_data, read_cities
from policy_db.records import CityRecord


@pytest.fixture
def city() -> Callable[[str], CityRecord]:
    cities = {c.name: c for c in read_cities(DATA_DIR / "cities.yml")}
    return cities.__getitem__


@pytest.fixture
def load_draft(tmp_path: Path) -> Callable[[dict[str, Any], str], tuple[PolicyData, dict[str, Any]]]:
    """Write a draft and its source text into a fresh data folder, load it; (data, the YAML read back)."""

    def load(draft: dict[str, Any], text: str) -> tuple[PolicyData, dict[str, Any]]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))  # a fresh one per draft (property tests load many)
        data, sources = folder / "data", folder / "sources"
        (data / "documents").mkdir(parents=True)
        sources.mkdir()
        for name in ("cities.yml", "vocabulary.yml", "categories.yml", "topics.yml"):
            shutil.copy(DATA_DIR / name, data)
        source_file = draft["document"]["source_file"]
        (sources / source_file).write_text(text, encoding="utf-8")
        written = to_yaml(draft, source_file)
        (data / "documents" / "draft.yml").write_text(written, encoding="utf-8")
        return load_policy_data(data, sources), yaml.safe_load(written)

    return load
