"""Where the curated policy data and the official source texts are read from.

`POLICY_DATA_DIR` (cities.yml, topics.yml, categories.yml, vocabulary.yml, documents/) and
`POLICY_SOURCES_DIR` (the source texts) point every reader at another copy of the data, e.g. a
copy with one more city; unset, the package's own policy_db/data and policy_db/sources are used.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR_ENV = "POLICY_DATA_DIR"
SOURCES_DIR_ENV = "POLICY_SOURCES_DIR"


def data_dir() -> Path:
    """The curated data folder: `POLICY_DATA_DIR`, else policy_db/data."""
    return Path(os.environ.get(DATA_DIR_ENV) or PACKAGE_DIR / "data")


def sources_dir() -> Path:
    """The folder of the official source texts: `POLICY_SOURCES_DIR`, else policy_db/sources."""
    return Path(os.environ.get(SOURCES_DIR_ENV) or PACKAGE_DIR / "sources")
