"""The action server of ``make run``: rasa_sdk's server, on a chosen interface, with bounded logs.

    python -m bot.action_server --actions actions -p 5055 [-i 127.0.0.1] [--log-file var/log/actions.log]

It is ``rasa run actions`` (rasa_sdk 3.6: same app, same ``/webhook``, ``/health`` and ``/actions``)
with these differences:

* it listens on ``-i/--interface`` (default ``ACTIONS_INTERFACE`` or 127.0.0.1); ``rasa run
  actions`` has no such option and listens on 0.0.0.0 (``SANIC_HOST``);
* every call but ``/health`` must carry the shared secret ``ACTION_SERVER_SECRET`` in the
  ``X-Action-Secret`` header, and a ``/webhook`` call must be for a conversation of one of our
  channels (:mod:`bot.action_server_auth`); the server refuses to start without the secret;
* actions run in worker threads, so one costly message does not hold the event loop that serves
  everyone else (:mod:`bot.action_server_executor`);
* when an action raises, the 500 answer names the action and the exception type only; rasa_sdk
  echoes the whole request (tracker and domain, hundreds of KB), which the Rasa server then logs;
  an unknown URL or method is a plain 404/405, not a 500 with a traceback in the log;
* records are bounded and, with ``--log-file``, written to a rotating file (:mod:`bot.log_setup`).
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import List, Optional

DEFAULT_INTERFACE = "127.0.0.1"

logger = logging.getLogger("bot.action_server")


def argument_parser() -> argparse.ArgumentParser:
    from rasa_sdk.constants import DEFAULT_SERVER_PORT

    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions", help="package of the actions (default: actions)")
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument(
        "-i", "--interface", default=None, help="address to listen on (default: ACTIONS_INTERFACE or 127.0.0.1)"
    )
    parser.add_argument(
        "--cors",
        nargs="*",
        default=None,
        help="origins allowed by CORS (default: none; the action server is called by Rasa)",
    )
    parser.add_argument("--log-file", default=None, help="rotating log file (default: the console)")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    return parser


def interface_of(args: argparse.Namespace) -> str:
    return args.interface or os.environ.get("ACTIONS_INTERFACE", "").strip() or DEFAULT_INTERFACE


def create_app(actions: str, cors: Optional[List[str]] = None, secret: Optional[str] = None):  # type: ignore[no-untyped-def]
    """rasa_sdk's app with actions off the event loop, an error answer that does not echo the request,
    and, given `secret`, the caller checks of bot.action_server_auth."""
    from sanic import response
    from sanic.exceptions import SanicException

    from bot import action_server_auth
    from bot.action_server_executor import create_sdk_app

    app = create_sdk_app(actions, cors or "")
    if secret is not None:
        action_server_auth.install(app, secret)

    @app.exception(Exception)
    async def bounded_error(request, exception: Exception):  # type: ignore[no-untyped-def]
        if isinstance(exception, SanicException) and exception.status_code < 500:
            # 404 for an unknown URL, 405, 413, a body that is not JSON: the caller's mistake, no traceback.
            return response.json({"error": str(exception)[:200]}, status=exception.status_code)
        try:
            body = request.json
        except Exception:  # noqa: BLE001 - a body that is not JSON names no action
            body = None
        body = body if isinstance(body, dict) else {}
        action = body.get("next_action") if isinstance(body.get("next_action"), str) else None
        sender = body.get("sender_id") if isinstance(body.get("sender_id"), str) else None
        logger.error(
            "action %r for %r failed: %s: %s", action, sender, type(exception).__name__, exception, exc_info=exception
        )
        return response.json({"error": f"action failed: {type(exception).__name__}", "action_name": action}, status=500)

    return app


def main(argv: Optional[List[str]] = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.plugin import plugin_manager

    from bot import log_setup
    from bot.action_server_auth import SecretMissing, secret_from

    args = argument_parser().parse_args(argv)
    try:
        secret = secret_from(os.environ)
    except SecretMissing as exc:
        raise SystemExit(f"python -m bot.action_server: {exc}") from None
    log_setup.install_bounded_records()
    utils.configure_colored_logging(args.log_level)
    utils.update_sanic_log_level()
    log_setup.install(args.log_file)
    app = create_app(args.actions, args.cors, secret)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    host = interface_of(args)
    logger.info("Action endpoint is up and running on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
