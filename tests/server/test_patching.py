"""The Rasa functions that bot.resilience and bot.speedups replace are checked before anything is
replaced: another Rasa version, or a function with other parameters, stops `python -m bot.server`
with a message naming the function, and nothing is patched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import rasa
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent

from bot import resilience, server, speedups
from bot.patching import IncompatibleRasa, bare_signature, check_patch

PROJECT_DIR = Path(__file__).resolve().parents[2]
GUARDS = (resilience, speedups)


@pytest.fixture(autouse=True)
def nothing_left_installed():
    yield
    for guard in GUARDS:
        guard.uninstall()


def test_every_patch_fits_the_installed_rasa():
    assert rasa.__version__.startswith("3.6.")
    for guard in GUARDS:
        for patch in guard.patches():
            check_patch(patch, guard.__name__)
            # The replacement takes what it expects Rasa's function to take (or passes everything on).
            assert bare_signature(patch.replacement) in (patch.signature, "(*args, **kwargs)"), patch.qualified_name


def test_install_and_uninstall_put_rasas_functions_back():
    rasas = (
        Agent.__dict__["handle_message"],
        RemoteAction.__dict__["run"],
        RemoteAction.__dict__["_validate_action_result"],
        rasa.core.run.load_agent_on_start,
    )
    resilience.install()
    speedups.install()
    assert Agent.handle_message is not rasas[0] and rasa.core.run.load_agent_on_start is not rasas[3]
    assert resilience.installed()
    resilience.uninstall()
    speedups.uninstall()
    assert (
        Agent.__dict__["handle_message"],
        RemoteAction.__dict__["run"],
        RemoteAction.__dict__["_validate_action_result"],
        rasa.core.run.load_agent_on_start,
    ) == rasas


@pytest.mark.parametrize("guard", GUARDS, ids=lambda g: g.__name__)
def test_another_rasa_version_is_refused(guard, monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.2")
    with pytest.raises(IncompatibleRasa) as refused:
        guard.install()
    assert "Rasa 3.7.2 is installed" in str(refused.value) and "3.6.x" in str(refused.value)
    assert not guard._patches.installed()


def test_a_function_with_other_parameters_is_refused_by_name(monkeypatch):
    async def handle_message(self, message, context=None):  # what a later Rasa might have
        return None

    monkeypatch.setattr(Agent, "handle_message", handle_message)
    rasas_run = RemoteAction.__dict__["run"]
    with pytest.raises(IncompatibleRasa) as refused:
        resilience.install()
    message = str(refused.value)
    assert "rasa.core.agent.Agent.handle_message" in message
    assert "(self, message, context=None)" in message and "(self, message)" in message
    assert RemoteAction.__dict__["run"] is rasas_run  # nothing was replaced, not even the functions that fit
    assert Agent.handle_message is handle_message


def test_a_missing_function_is_refused_by_name(monkeypatch):
    monkeypatch.delattr(rasa.core.run, "load_agent_on_start")
    with pytest.raises(IncompatibleRasa, match=r"Rasa has no rasa\.core\.run\.load_agent_on_start"):
        speedups.install()


def test_a_static_method_turned_into_another_signature_is_refused(monkeypatch):
    from rasa.shared.core.events import Event

    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(lambda type_name: None))
    with pytest.raises(IncompatibleRasa, match=r"Event\.resolve_by_type takes \(type_name\)"):
        speedups.install()


def test_bot_server_exits_with_the_message(monkeypatch, capsys):
    monkeypatch.setattr(rasa, "__version__", "4.0.0")
    monkeypatch.setattr(server, "_install_logging", lambda log_file: pytest.fail("nothing may be set up"))
    with pytest.raises(SystemExit) as exited:
        server.main(["run", "-m", "models/policy-bot.tar.gz"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("bot.server: refusing to start:") and "Rasa 4.0.0 is installed" in err


def test_bot_server_exits_naming_a_changed_function(monkeypatch, capsys):
    async def run(self, output_channel, nlg, tracker, domain, metadata):
        return []

    monkeypatch.setattr(RemoteAction, "run", run)
    monkeypatch.setattr(server, "_install_logging", lambda log_file: None)
    with pytest.raises(SystemExit) as exited:
        server.main(["run", "-m", "models/policy-bot.tar.gz"])
    assert exited.value.code == 2
    assert (
        "rasa.core.actions.action.RemoteAction.run takes (self, output_channel, nlg, tracker, domain, metadata)"
        in capsys.readouterr().err
    )


REFUSED_IN_A_NEW_PROCESS = """
import rasa
rasa.__version__ = "3.7.0"
from bot.server import main
main(["run", "-m", "models/policy-bot.tar.gz"])
"""


def test_the_process_exits_with_status_2_and_says_why():
    result = subprocess.run(
        [sys.executable, "-c", REFUSED_IN_A_NEW_PROCESS],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "bot.server: refusing to start: bot.server replaces functions of Rasa 3.6.x, but Rasa 3.7.0" in result.stderr
