#!/usr/bin/env python3
"""Tiny static file server for the 政策通 web chat page (standard library only).

Serves this directory (bot/web/) and prints the page URL:

    python bot/web/serve.py                  # http://127.0.0.1:8080/
    python bot/web/serve.py --port 8000 --host 0.0.0.0

Only the page's own files are served: the top-level .html/.css/.js files and
the rasa-webchat bundle under node_modules/rasa-webchat/lib/ (install it with
``npm ci --prefix bot/web``). Everything else answers 404, so the rest of
node_modules, serve.py and package*.json are not exposed.

The widget bundle's CSS ``@import``s a web font from a third-party host; the
bundle is served with those ``@import url(http...)`` rules removed, so the page
never refers to an outside address (the page's Content-Security-Policy would
block them anyway). Any other server that serves the bundle should do the same
or keep the CSP.
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import re
import socketserver
import sys
import urllib.parse
from functools import partial

WEB_ROOT = os.path.dirname(os.path.abspath(__file__))
WIDGET_DIR = "node_modules/rasa-webchat/lib/"
# `@import url(https://...);` inside the bundle's CSS strings.
EXTERNAL_IMPORT_RE = re.compile(rb"@import url\((?:'|\\?\")?https?://[^)]*\);?")

TOP_LEVEL_SUFFIXES = (".html", ".css", ".js", ".svg", ".png", ".ico")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data: blob:; media-src 'self'; "
    "connect-src 'self' http: https: ws: wss:; frame-src 'none'; object-src 'none'; "
    "base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
)


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


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".svg": "image/svg+xml",
    }

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

    def _check(self) -> bool:
        rel = self._rel_path()
        if rel is None or not is_allowed(rel):
            self.send_error(404, "Not Found")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self._check():
            if self._rel_path().startswith(WIDGET_DIR):
                self._send_widget(head_only=False)
            else:
                super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._check():
            if self._rel_path().startswith(WIDGET_DIR):
                self._send_widget(head_only=True)
            else:
                super().do_HEAD()

    def _send_widget(self, head_only: bool) -> None:
        """The widget bundle, without its third-party font @import."""
        path = os.path.join(WEB_ROOT, *self._rel_path().split("/"))
        try:
            body = load_widget(path)
        except OSError:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def list_directory(self, path):  # never list directories
        self.send_error(404, "Not Found")
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # quieter, to stderr
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the 政策通 web chat page.")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to bind (default 127.0.0.1; use 0.0.0.0 to reach it from a phone on the LAN)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)

    widget = os.path.join(WEB_ROOT, WIDGET_DIR, "index.js")
    if not os.path.isfile(widget):
        print(
            f"warning: {widget} is missing; run `npm ci --prefix bot/web` first",
            file=sys.stderr,
            flush=True,
        )

    handler = partial(Handler, directory=WEB_ROOT)
    httpd = Server((args.host, args.port), handler)
    httpd.quiet = args.quiet
    host, port = httpd.server_address[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    print(f"政策通 web chat: http://{shown}:{port}/", flush=True)
    print("Rasa socketio server: page host, port 5005 (override with ?rasa=http://host:port)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
