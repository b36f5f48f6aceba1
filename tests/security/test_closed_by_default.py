"""Class 1 (open Rasa HTTP API), unit level: the commands `make run` builds (bot/launch.py) and the
rules `python -m bot.server run` enforces (bot/server.py). The live counterpart is
test_run_bot_live.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.launch import plan, read_or_create_secret
from bot.server import UnsafeServerArguments, safe_run_args

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _value(argv, *names):
    for index, arg in enumerate(argv):
        for name in names:
            if arg == name:
                return argv[index + 1]
            if arg.startswith(name + "="):
                return arg[len(name) + 1 :]
    return None


def test_make_run_listens_on_loopback_with_the_api_off_and_cors_for_the_page_only(tmp_path):
    p = plan({"VAR_DIR": str(tmp_path), "WEB_PORT": "8123"}, PROJECT_DIR)
    rasa, actions, web = p.rasa.argv, p.actions.argv, p.web.argv
    assert "--enable-api" not in rasa and "--auth-token" not in rasa
    assert _value(rasa, "-i", "--interface") == "127.0.0.1"
    assert _value(rasa, "--cors") == "http://localhost:8123" and "*" not in rasa
    assert _value(actions, "-i", "--interface") == "127.0.0.1"
    assert _value(web, "--host") == "127.0.0.1"
    assert p.rasa.env["WEB_ORIGIN"] == p.web.env["WEB_ORIGIN"] == "http://localhost:8123"
    assert p.web.env["RASA_PUBLIC_URL"] == "http://localhost:5005"
    assert "RASA_API_TOKEN" not in p.rasa.env
    assert p.web_url == "http://localhost:8123"  # the page is shown under the one origin CORS accepts


def test_the_api_is_on_only_with_a_token_kept_out_of_the_command_line(tmp_path):
    p = plan({"VAR_DIR": str(tmp_path), "RASA_ENABLE_API": "1"}, PROJECT_DIR)
    token_file = tmp_path / "rasa_api_token"
    token = token_file.read_text().strip()
    assert len(token) >= 32 and stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert "--enable-api" in p.rasa.argv and p.rasa.env["RASA_API_TOKEN"] == token
    assert not any(token in arg for arg in p.rasa.argv)  # /proc/<pid>/cmdline is readable by everyone
    again = plan({"VAR_DIR": str(tmp_path), "RASA_ENABLE_API": "1"}, PROJECT_DIR)
    assert again.rasa.env["RASA_API_TOKEN"] == token  # generated once, kept
    given = plan({"VAR_DIR": str(tmp_path), "RASA_API_TOKEN": "t" * 40}, PROJECT_DIR)
    assert given.rasa.env["RASA_API_TOKEN"] == "t" * 40 and "--enable-api" in given.rasa.argv


def test_the_socketio_secret_is_generated_once_with_mode_600(tmp_path):
    first = plan({"VAR_DIR": str(tmp_path)}, PROJECT_DIR).rasa.env["SOCKETIO_SESSION_SECRET"]
    second = plan({"VAR_DIR": str(tmp_path)}, PROJECT_DIR).rasa.env["SOCKETIO_SESSION_SECRET"]
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "socketio_secret").stat().st_mode) == 0o600
    assert (
        plan({"VAR_DIR": str(tmp_path), "SOCKETIO_SESSION_SECRET": "s" * 40}, PROJECT_DIR).rasa.env[
            "SOCKETIO_SESSION_SECRET"
        ]
        == "s" * 40
    )


def test_a_secret_file_left_readable_is_made_private(tmp_path):
    path = tmp_path / "secret"
    path.write_text("kept-secret-value\n")
    os.chmod(path, 0o644)
    assert read_or_create_secret(path) == "kept-secret-value"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_rasa_server_calls_the_action_server_make_run_starts(tmp_path):
    p = plan({"VAR_DIR": str(tmp_path), "ACTIONS_PORT": "6055"}, PROJECT_DIR)
    endpoints = Path(_value(p.rasa.argv, "--endpoints")).read_text()
    assert "http://127.0.0.1:6055/webhook" in endpoints


def test_logs_are_written_by_python_into_rotating_files(tmp_path):
    p = plan({"VAR_DIR": str(tmp_path)}, PROJECT_DIR)
    assert _value(p.rasa.argv, "--log-file") == str(tmp_path / "log" / "rasa.log")
    assert _value(p.actions.argv, "--log-file") == str(tmp_path / "log" / "actions.log")


# -- python -m bot.server run: the same rules for every deployment --------------------------------
def test_the_api_without_a_token_does_not_start():
    with pytest.raises(UnsafeServerArguments, match="RASA_API_TOKEN"):
        safe_run_args(["--enable-api", "-p", "5005"], {})
    with pytest.raises(UnsafeServerArguments, match="at least"):
        safe_run_args(["--enable-api"], {"RASA_API_TOKEN": "short"})


def test_the_api_token_comes_from_the_environment():
    args, _ = safe_run_args(["--enable-api", "-p", "5005"], {"RASA_API_TOKEN": "k" * 32})
    assert _value(args, "--auth-token") == "k" * 32
    args, _ = safe_run_args(["--enable-api", "--auth-token", "a" * 20], {})
    assert _value(args, "--auth-token") == "a" * 20


def test_cors_for_any_origin_is_refused():
    for cors in (["--cors", "*"], ["--cors=*"], ["--cors", "https://a.example", "*"]):
        with pytest.raises(UnsafeServerArguments, match="origin"):
            safe_run_args(["-p", "5005", *cors], {})


def test_loopback_unless_an_interface_is_given_and_the_page_origin_by_default():
    args, log_file = safe_run_args(
        ["-p", "5005", "--log-file", "var/log/rasa.log"], {"WEB_ORIGIN": "https://a.example"}
    )
    assert _value(args, "-i", "--interface") == "127.0.0.1"
    assert _value(args, "--cors") == "https://a.example"
    assert log_file == "var/log/rasa.log" and "--log-file" not in args
    args, _ = safe_run_args(["-i", "0.0.0.0"], {})
    assert _value(args, "-i", "--interface") == "0.0.0.0"


def test_a_positional_model_path_stays_last():
    args, _ = safe_run_args(["models/policy-bot.tar.gz"], {"WEB_ORIGIN": "https://a.example"})
    assert args[-1] == "models/policy-bot.tar.gz"
