"""Design checks: what it takes to change the data (a topic, a city), and that everything else follows."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: trains a Rasa model (a few minutes); deselect with -m 'not slow'")
