#!/usr/bin/env python3
"""Tiny server for the 政策通 web chat page and its source pages (standard library only).

Serves this directory (bot/web/) and prints the page URL:

    python bot/web/serve.py                  # http://127.0.0.1:8080/
    python bot/web/serve.py --port 8000 --host 0.0.0.0

Only the page's own files are served: the top-level .html/.css/.js files and
the rasa-webchat bundle under node_modules/rasa-webchat/lib/ (install it with
``npm ci --prefix bot/web``), besides the generated /config.js, /catalogue.js and
/sources/ pages. Everything else answers 404, so the rest of node_modules (the
tests' axe-core too), serve.py and package*.json are not exposed.

Where the page finds Rasa is this server's configuration, never the page's
address: ``RASA_PUBLIC_URL`` (or ``--rasa-url``; default
:data:`DEFAULT_RASA_URL`) is served as ``/config.js``, which the page reads, and
the Content-Security-Policy header lets the page connect to that origin only.
A link such as ``?rasa=http://elsewhere`` changes nothing.

What the page shows of the catalogue (the cities covered and example questions,
each answered by a record of the policy database, and how many documents of which
years the answers rest on) is served as ``/catalogue.js``, composed from the
database of ``DATABASE_URL`` by ``actions.answering.introduction`` and
``bot.web.sources``: the page lists no city or count by hand.

The source documents are pages of their own: ``/sources/`` lists them and
``/sources/<document key>`` shows one (``bot.web.source_pages``), every numbered
clause with an anchor (``/sources/<key>#c-a2-4-3`` is 附件2 四(三)), which is where
an answer's citation links to. An unknown key is a 404.

The page's own files are served under content-hashed names (``assets/<name>.<hash>.<ext>``, written
into index.html as it is served), gzip-compressed and cached as immutable (``bot.web.assets``). The page
posts ratings of answers and messages for a person to ``api/…`` (``bot.web.feedback``), which are stored
in the policy database, so they work while Rasa is down and never need Rasa's HTTP API.

Slow clients cannot hold the server: each connection has its own thread, must
deliver its whole request within ``--timeout`` seconds (default
:data:`DEFAULT_TIMEOUT_S`; one byte at a time does not extend it), and is
dropped when it reads nothing of the answer for as long.

The widget bundle's CSS ``@import``s a web font from a third-party host; the
bundle is served with those ``@import url(http...)`` rules removed, so the page
never refers to an outside address (the page's Content-Security-Policy would
block them anyway). Any other server that serves the bundle should do the same
or keep the CSP.
"""

from __future__ import annotations

import argparse
import http.server
import io
import json
import logging
import os
import posixpath
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from functools import partial

WEB_ROOT = os.path.dirname(os.path.abspath(__file__))
# Run as a script (python bot/web/serve.py): the project's own modules are two levels up.
sys.path.insert(0, os.path.dirname(os.path.dirname(WEB_ROOT)))
from bot.origins import origin_of  # noqa: E402
from bot.web.assets import ASSET_PREFIX, IMMUTABLE, AssetTable, accepts_gzip  # noqa: E402
from bot.web.feedback import MAX_BODY_BYTES, BadRequest, Feedback, RateLimit, parse_body  # noqa: E402

WIDGET_DIR = "node_modules/rasa-webchat/lib/"
# `@import url(https://...);` inside the bundle's CSS strings.
EXTERNAL_IMPORT_RE = re.compile(rb"@import url\((?:'|\\?\")?https?://[^)]*\);?")

TOP_LEVEL_SUFFIXES = (".html", ".css", ".js", ".svg", ".png", ".ico")

RASA_URL_ENV = "RASA_PUBLIC_URL"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
CONFIG_PATH = "config.js"  # generated, not a file on disk
CATALOGUE_PATH = "catalogue.js"  # generated from the policy database, not a file on disk
SOURCES_PATH = "sources"  # /sources/ and /sources/<document key>: pages generated from the policy database

DEFAULT_TIMEOUT_S = 10.0
WRITE_CHUNK_BYTES = 64 * 1024  # each chunk must be taken by the client within the timeout


def rasa_origin(url: str) -> str:
    """The origin (scheme://host[:port]) of the public Rasa URL, or ValueError (bot/origins.py)."""
    return origin_of(url)


def websocket_origin(origin: str) -> str:
    """ws:// for http://, wss:// for https:// (CSP lists them separately)."""
    return "ws" + origin[len("http") :]


def content_security_policy(rasa: str) -> str:
    """The page's CSP: own files only, and connections to the configured Rasa and to this server (the
    ratings and messages the page posts) only."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self' data:; img-src 'self' data: blob:; media-src 'self'; "
        f"connect-src 'self' {rasa} {websocket_origin(rasa)}; frame-src 'none'; object-src 'none'; "
        "base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
    )


def config_script(rasa: str) -> bytes:
    """/config.js: the page's settings, as a frozen global read by webchat.js."""
    from bot.web.privacy import message_retention_days

    settings = json.dumps({"rasaUrl": rasa, "messageRetentionDays": message_retention_days()}, ensure_ascii=True)
    return (
        "/* 政策通 page settings, written by serve.py from its configuration. */\n"
        f"window.POLICY_WEBCHAT_CONFIG = Object.freeze({settings});\n"
    ).encode()


def catalogue_script(catalogue: dict | None) -> bytes:
    """/catalogue.js: the cities and example questions the page shows (null while the database is unreadable)."""
    data = json.dumps(catalogue, ensure_ascii=True)  # ASCII only: nothing can close the script early
    return (
        "/* 政策通 catalogue, composed by serve.py from the policy database. */\n"
        f"window.POLICY_CATALOGUE = Object.freeze({data});\n"
    ).encode()


def current_catalog():
    """The policy catalogue (policy_db.query.Catalog), or None when the policy database cannot be read.

    The policy modules are imported on first use, so the server starts at once and serves the page
    even without a database."""
    try:
        from actions.answering.catalog import current_catalog as read_catalog
        from policy_db.query import PolicyDatabaseUnavailable
    except ImportError as exc:  # the page alone, without the project's Python packages
        logging.getLogger(__name__).warning("catalogue unavailable: %s", exc)
        return None
    try:
        return read_catalog()
    except PolicyDatabaseUnavailable as exc:
        logging.getLogger(__name__).warning("policy database unreadable, page shows no catalogue: %s", exc)
        return None


def page_catalogue() -> dict | None:
    """The catalogue's cities, example questions and source documents, or None without a database."""
    catalog = current_catalog()
    if catalog is None:
        return None
    from actions.answering.hotline import hotlines
    from actions.answering.introduction import page_catalogue as compose
    from bot.web.sources import sources_summary

    return {
        **compose(catalog),
        "sources": sources_summary(catalog),
        "hotlines": [{"city": city, "number": number} for city, number in hotlines(catalog).items()],
    }


def sources_page(key: str | None) -> tuple[int, bytes]:
    """(status, HTML) of /sources/ (key None) or of one source document's page."""
    from bot.web.source_pages import render, render_index, render_not_found
    from bot.web.sources import find_document, source_documents

    catalog = current_catalog()
    if catalog is None:
        return 503, render_not_found("政策数据库暂时无法读取，请稍后再试。").encode()
    if key is None:
        return 200, render_index(source_documents(catalog)).encode()
    document = find_document(catalog, key)
    if document is None:
        return 404, render_not_found("没有找到这份政策文件。").encode()
    return 200, render(document).encode()


def is_allowed(rel_path: str) -> bool:
    """Whether a normalised path relative to the web root may be served."""
    if rel_path in ("", "index.html"):
        return True
    if rel_path.startswith(WIDGET_DIR):
        return rel_path.endswith(".js") and ".." not in rel_path.split("/")
    return "/" not in rel_path and rel_path.endswith(TOP_LEVEL_SUFFIXES) and rel_path != "serve.py"


_widget_cache: dict = {}


def load_widget(path: str) -> bytes:
    """Read a widget bundle file and strip external CSS @imports (cached by mtime)."""
    mtime = os.stat(path).st_mtime_ns
    cached = _widget_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(path, "rb") as f:
        body = EXTERNAL_IMPORT_RE.sub(b"", f.read())
    _widget_cache[path] = (mtime, body)
    return body


class DeadlineReader(io.RawIOBase):
    """A socket's input that ends in a timeout once `deadline` (time.monotonic) has passed.

    A per-read socket timeout alone lets a client keep a connection by sending
    one byte just before each timeout; this bounds the whole request instead.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request not received in time")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


CONTENT_TYPES = {
    **http.server.SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(path)[1], "application/octet-stream")


def read_served(rel_path: str) -> bytes:
    """A file of the page as it is served: the widget bundle without its external @import."""
    path = os.path.join(WEB_ROOT, *rel_path.split("/"))
    if rel_path.startswith(WIDGET_DIR):
        return load_widget(path)
    with open(path, "rb") as f:
        return f.read()


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = CONTENT_TYPES
    cache_control = "no-cache"

    def setup(self) -> None:
        """Bound the time a client has to send its request, and every later write."""
        self.timeout = self.server.request_timeout
        super().setup()
        self.rfile.close()  # replaced: reads stop at the connection's deadline
        self.rfile = io.BufferedReader(DeadlineReader(self.connection, time.monotonic() + self.timeout))

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.connection.settimeout(self.timeout)  # the answer: each write within the timeout
        return ok

    def _rel_path(self) -> str | None:
        path = urllib.parse.urlsplit(self.path).path
        path = urllib.parse.unquote(path)
        norm = posixpath.normpath(path)
        if norm in (".", "/"):
            return ""
        rel = norm.lstrip("/")
        if rel.startswith("..") or "\x00" in rel:
            return None
        return rel

    def _route(self, head_only: bool) -> None:
        self.cache_control = "no-cache"
        rel = self._rel_path()
        if rel in ("", "index.html"):
            self._send_body(self.server.assets.index_html(), "text/html; charset=utf-8", head_only)
        elif rel is not None and rel.startswith(ASSET_PREFIX):
            self._send_asset(rel, head_only)
        elif rel == CONFIG_PATH:
            self._send_body(self.server.config_js, "text/javascript; charset=utf-8", head_only)
        elif rel == CATALOGUE_PATH:
            self._send_body(catalogue_script(page_catalogue()), "text/javascript; charset=utf-8", head_only)
        elif rel is not None and (rel == SOURCES_PATH or rel.startswith(SOURCES_PATH + "/")):
            self._send_sources(rel, head_only)
        elif rel is None or not is_allowed(rel):
            self.send_error(404, "Not Found")
        elif rel.startswith(WIDGET_DIR):
            self._send_widget(rel, head_only)
        elif head_only:
            super().do_HEAD()
        else:
            super().do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._route(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        """The page's ratings and messages (bot/web/feedback.py), JSON in and out."""
        self.cache_control = "no-store"
        rel = self._rel_path() or ""
        try:
            raw_length = self.headers.get("Content-Length") or "0"
            length = int(raw_length) if raw_length.isdigit() else 0
            if not rel.startswith("api/"):
                raise BadRequest("没有这个接口。", status=404)
            if not 0 < length <= MAX_BODY_BYTES:
                raise BadRequest("请求太大或为空。", status=413 if length else 400)
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                raise BadRequest("请求格式不对。", status=415)
            if not self.server.rate_limit.allow(self.client_address[0]):
                raise BadRequest("提交太频繁，请稍后再试。", status=429)
            payload = parse_body(self.rfile.read(length))
            response = self.server.feedback.handle(rel, payload, client=self.client_address[0])
            status, body = response.status, response.body
        except BadRequest as exc:
            status, body = exc.status, {"error": exc.message}
        except Exception:  # the database: the page shows its own apology
            logging.getLogger(__name__).exception("feedback not stored")
            status, body = 503, {"error": "暂时无法保存，请稍后再试或拨打12345热线。"}
        self._send_body(json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8", False, status)

    def _send_asset(self, rel: str, head_only: bool) -> None:
        """A hashed file: compressed when the browser takes gzip, cached as immutable."""
        asset = self.server.assets.get(rel)
        if asset is None:
            self.send_error(404, "Not Found")
            return
        gzipped = asset.gzipped is not None and accepts_gzip(self.headers.get("Accept-Encoding"))
        body = asset.gzipped if gzipped and asset.gzipped is not None else asset.body
        self.cache_control = IMMUTABLE
        extra = {"Vary": "Accept-Encoding"}
        if gzipped:
            extra["Content-Encoding"] = "gzip"
        self._send_body(body, asset.content_type, head_only, extra_headers=extra)

    def _send_sources(self, rel: str, head_only: bool) -> None:
        """/sources/ (the list), /sources/<key> (a document); /sources is sent on to /sources/."""
        slash = urllib.parse.urlsplit(self.path).path.endswith("/")
        if rel == SOURCES_PATH and not slash:
            self.send_response(301)
            self.send_header("Location", SOURCES_PATH + "/")  # relative: also behind a proxy's path
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        key = rel[len(SOURCES_PATH) + 1 :] or None
        if key is not None and ("/" in key or slash):
            self.send_error(404, "Not Found")
            return
        status, body = sources_page(key)
        self._send_body(body, "text/html; charset=utf-8", head_only, status)

    def _send_widget(self, rel: str, head_only: bool) -> None:
        """The widget bundle, without its third-party font @import."""
        path = os.path.join(WEB_ROOT, *rel.split("/"))
        try:
            body = load_widget(path)
        except OSError:
            self.send_error(404, "Not Found")
            return
        self._send_body(body, "text/javascript; charset=utf-8", head_only)

    def _send_body(
        self, body: bytes, content_type: str, head_only: bool, status: int = 200, extra_headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            for start in range(0, len(body), WRITE_CHUNK_BYTES):
                self.wfile.write(body[start : start + WRITE_CHUNK_BYTES])

    def list_directory(self, path):  # never list directories
        self.send_error(404, "Not Found")
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", self.server.csp)
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # quieter, to stderr
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """One thread per connection, so a slow client holds only its own thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, rasa: str, request_timeout: float, quiet: bool = False) -> None:
        self.rasa_origin = rasa
        self.csp = content_security_policy(rasa)
        self.config_js = config_script(rasa)
        self.request_timeout = request_timeout
        self.quiet = quiet
        self.assets = AssetTable(WEB_ROOT, read_served, content_type, is_allowed)
        self.feedback = Feedback(current_catalog)
        self.rate_limit = RateLimit()
        super().__init__(address, handler)


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError("between 0 and 3600 seconds")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the 政策通 web chat page.")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; use 0.0.0.0 to reach it from a phone on the LAN)",
    )
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get(RASA_URL_ENV) or DEFAULT_RASA_URL,
        help=f"Rasa's address as the browser reaches it (default ${RASA_URL_ENV}, else {DEFAULT_RASA_URL})",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds a client has to send its request (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    try:
        rasa = rasa_origin(args.rasa_url)
    except ValueError as e:
        parser.error(f"--rasa-url / {RASA_URL_ENV}: {e}")

    widget = os.path.join(WEB_ROOT, WIDGET_DIR, "index.js")
    if not os.path.isfile(widget):
        print(
            f"warning: {widget} is missing; run `npm ci --prefix bot/web` first",
            file=sys.stderr,
            flush=True,
        )

    handler = partial(Handler, directory=WEB_ROOT)
    httpd = Server((args.host, args.port), handler, rasa=rasa, request_timeout=args.timeout, quiet=args.quiet)
    host, port = httpd.server_address[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    print(f"政策通 web chat: http://{shown}:{port}/", flush=True)
    print(f"Rasa socketio server: {rasa} (set {RASA_URL_ENV} or --rasa-url to change it)", flush=True)
    # Read the catalogue now (a few seconds), after the URL is printed, not on the first visitor's time.
    threading.Thread(target=page_catalogue, name="catalogue-warm-up", daemon=True).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
