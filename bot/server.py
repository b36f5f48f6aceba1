"""Production entry point of the Rasa server: Rasa's own CLI with our guards installed.

    RASA_API_TOKEN=… python -m bot.server run -i 0.0.0.0 -p 5005 -m models/policy-bot.tar.gz \\
        --endpoints endpoints.production.yml --credentials credentials.yml \\
        --cors https://your.site --log-file var/log/rasa.log [--enable-api]

takes the arguments of ``rasa`` (``run ...``, ``shell``, ``--help`` ...). It calls
:func:`bot.resilience.install` (fault guards) and :func:`bot.speedups.install` (CPU savings with the
same results), then ``rasa.__main__.main`` in the same process, so the patches are applied
explicitly here, never as a side effect of importing a module. They are written for Rasa 3.6: on
another Rasa version, or when a function they replace takes other parameters, nothing is patched
and the server exits with status 2 and a message naming the function (:mod:`bot.patching`).

``run`` is checked first (:func:`safe_run_args`), because Rasa's HTTP API reads and rewrites every
conversation and fetches any URL on ``PUT /model``:

* ``--enable-api`` needs a token: ``--auth-token``/``--jwt-secret``, or ``RASA_API_TOKEN`` in the
  environment (kept off the command line, which every local user can read); without one the
  server does not start. Without ``--enable-api`` only ``/``, ``/webhooks/…`` and ``/socket.io``
  are served.
* ``--cors "*"`` is refused: name the chat page's origin. Without ``--cors``, ``WEB_ORIGIN`` (if
  set) is the one allowed origin.
* Without ``-i/--interface`` the server listens on ``RASA_INTERFACE`` or 127.0.0.1 (Rasa's own
  default is 0.0.0.0): pass ``-i 0.0.0.0`` behind a load balancer.
* ``--log-file`` writes a rotating, bounded log (:mod:`bot.log_setup`) instead of Rasa's
  never-rotated file; console logging is then off.

``run actions`` is passed through unpatched; the action server of ``make run`` is
:mod:`bot.action_server`. See docs/production.md.
"""

from __future__ import annotations

import os
import sys
from typing import List, Mapping, Optional, Tuple

MIN_TOKEN_CHARS = 16
DEFAULT_INTERFACE = "127.0.0.1"

API_WITHOUT_TOKEN = (
    "--enable-api needs a token: set RASA_API_TOKEN (at least {n} characters) or pass "
    "--auth-token/--jwt-secret. Without a token anyone who reaches the port can read and "
    "rewrite every conversation."
)
WEAK_TOKEN = "the API token must be at least {n} characters long"
ANY_ORIGIN = (
    '--cors "*" lets every web page use this server from its visitors\' browsers: name the '
    "chat page's origin instead (e.g. --cors https://your.site, or WEB_ORIGIN)"
)


class UnsafeServerArguments(ValueError):
    """`run` arguments that would expose the server; the text says what to do instead."""


def _option(args: List[str], *names: str) -> Tuple[bool, Optional[str]]:
    """(present, value) of an option given as `--name value` or `--name=value`."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name:
                return True, args[index + 1] if index + 1 < len(args) else None
            if arg.startswith(name + "=") and name.startswith("--"):
                return True, arg[len(name) + 1 :]
    return False, None


def _without_option(args: List[str], name: str) -> List[str]:
    out: List[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == name:
            skip = True
            continue
        if arg.startswith(name + "="):
            continue
        out.append(arg)
    return out


def _cors_values(args: List[str]) -> List[str]:
    values: List[str] = []
    for index, arg in enumerate(args):
        if arg.startswith("--cors="):
            values.append(arg[len("--cors=") :])
        elif arg == "--cors":
            for value in args[index + 1 :]:
                if value.startswith("-"):
                    break
                values.append(value)
    return values


def safe_run_args(args: List[str], env: Mapping[str, str]) -> Tuple[List[str], Optional[str]]:
    """`rasa run` arguments (after "run") made safe, and the log file taken out of them.

    Raises :class:`UnsafeServerArguments` for an API without a token or CORS for any origin."""
    args = list(args)
    added: List[str] = []  # `--name=value` in front: never read as a value of --cors or a positional
    if "--enable-api" in args:
        has_token, token = _option(args, "--auth-token", "-t")
        has_jwt, _ = _option(args, "--jwt-secret")
        if not has_token and not has_jwt:
            token = (env.get("RASA_API_TOKEN") or "").strip()
            if not token:
                raise UnsafeServerArguments(API_WITHOUT_TOKEN.format(n=MIN_TOKEN_CHARS))
            added.append(f"--auth-token={token}")
        if not has_jwt and len(token or "") < MIN_TOKEN_CHARS:
            raise UnsafeServerArguments(WEAK_TOKEN.format(n=MIN_TOKEN_CHARS))
    if any(origin.strip() == "*" for origin in _cors_values(args)):
        raise UnsafeServerArguments(ANY_ORIGIN)
    web_origin = env.get("WEB_ORIGIN", "").strip()
    if not _option(args, "--cors")[0] and web_origin:
        if web_origin == "*":
            raise UnsafeServerArguments(ANY_ORIGIN)
        added.append(f"--cors={web_origin}")
    if not _option(args, "-i", "--interface")[0]:
        added.append(f"--interface={env.get('RASA_INTERFACE', '').strip() or DEFAULT_INTERFACE}")
    _, log_file = _option(args, "--log-file")
    if log_file is not None:
        args = _without_option(args, "--log-file")
    return added + args, log_file


def _install_logging(log_file: Optional[str]) -> None:
    """Bounded records now; with a log file, route every logger to it once Rasa and Sanic have
    installed their console handlers (both calls below are made by Rasa before it serves)."""
    from bot import log_setup

    log_setup.install(log_file)
    if not log_file:
        return
    import rasa.utils.common
    import rasa.utils.io

    def after(module: object, name: str) -> None:
        original = getattr(module, name)

        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            result = original(*args, **kwargs)
            log_setup.route_to_file()
            return result

        setattr(module, name, wrapped)

    after(rasa.utils.io, "configure_colored_logging")
    after(rasa.utils.common, "update_sanic_log_level")


def _install_guards(log_file: Optional[str]) -> None:
    """Logging, bot.resilience and bot.speedups; exits with the reason on an incompatible Rasa."""
    from bot.patching import IncompatibleRasa, check_rasa_version

    try:
        check_rasa_version(patcher="bot.server")
        _install_logging(log_file)
        from bot import resilience, speedups

        resilience.install()
        speedups.install()
    except IncompatibleRasa as incompatible:
        sys.stderr.write(f"bot.server: refusing to start: {incompatible}\n")
        raise SystemExit(2)


def main(argv: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] != ["run", "actions"]:
        log_file = None
        if args[:1] == ["run"]:
            try:
                rest, log_file = safe_run_args(args[1:], os.environ)
            except UnsafeServerArguments as unsafe:
                sys.stderr.write(f"bot.server: {unsafe}\n")
                raise SystemExit(2)
            args = ["run", *rest]
        _install_guards(log_file)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
