"""The page's scripts and style sheet under content-hashed names, compressed, cached for a year.

On a slow phone network the widget bundle (about 700 KB) was the page's cost: sent uncompressed and
asked for again on every visit. Here every file ``index.html`` refers to (the widget bundle, the page's
own scripts and style sheet, the favicon) gets the name ``assets/<name>.<hash>.<ext>``, the hash being
the first :data:`HASH_CHARS` hex digits of the SHA-256 of the body as served. Those names are served with
``Cache-Control: public, max-age=31536000, immutable`` (the body behind a name never changes) and, when
the browser accepts it, ``Content-Encoding: gzip``. ``index.html`` itself is served ``no-cache`` with the
hashed names written in, so a changed file reaches the next visitor at once.

Brotli would save a little more but needs a package outside the standard library; gzip at level 9 takes
the widget bundle from about 700 KB to about 200 KB.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

HASH_CHARS = 12
ASSET_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = (".js", ".css", ".svg", ".html")
# src="…" and href="…" in index.html
REFERENCE_RE = re.compile(r'(?P<attr>\b(?:src|href))="(?P<path>[^"#?:]+)"')


@dataclass(frozen=True)
class Asset:
    name: str  # the hashed name, under ASSET_PREFIX
    body: bytes
    gzipped: bytes | None
    content_type: str


def hashed_name(path: str, body: bytes) -> str:
    """'node_modules/rasa-webchat/lib/index.js' + body -> 'assets/index.3f2a9c0d1e4b.js'."""
    stem, ext = os.path.splitext(os.path.basename(path))
    digest = hashlib.sha256(body).hexdigest()[:HASH_CHARS]
    return f"{ASSET_PREFIX}{stem}.{digest}{ext}"


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header accepts gzip (not with q=0)."""
    for part in (accept_encoding or "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            quality = params.strip()
            return not re.fullmatch(r"q=0(?:\.0*)?", quality.replace(" ", ""))
    return False


class AssetTable:
    """The page's referenced files by hashed name, rebuilt when one of them changes on disk.

    `read(path)` returns a file's body as served (the widget bundle without its font @import) and
    `content_type(path)` its type; both come from serve.py.
    """

    def __init__(
        self,
        root: str,
        read: Callable[[str], bytes],
        content_type: Callable[[str], str],
        allowed: Callable[[str], bool],
    ):
        self.root = root
        self._read = read
        self._content_type = content_type
        self._allowed = allowed
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self._index: bytes = b""
        self._assets: dict[str, Asset] = {}

    def _referenced(self, html: str) -> list[str]:
        return [m.group("path") for m in REFERENCE_RE.finditer(html) if self._is_file(m.group("path"))]

    def _is_file(self, path: str) -> bool:
        return self._allowed(path) and os.path.isfile(os.path.join(self.root, *path.split("/")))

    def _disk_stamp(self) -> tuple:
        index = os.path.join(self.root, "index.html")
        with open(index, encoding="utf-8") as f:
            html = f.read()
        paths = [index] + [os.path.join(self.root, *p.split("/")) for p in self._referenced(html)]
        return tuple((p, os.stat(p).st_mtime_ns) for p in paths)

    def _rebuild(self) -> None:
        with open(os.path.join(self.root, "index.html"), encoding="utf-8") as f:
            html = f.read()
        assets: dict[str, Asset] = {}
        names: dict[str, str] = {}
        for path in dict.fromkeys(self._referenced(html)):
            body = self._read(path)
            name = hashed_name(path, body)
            compressed = gzip.compress(body, 9, mtime=0) if path.endswith(COMPRESSIBLE) else None
            assets[name] = Asset(name, body, compressed, self._content_type(path))
            names[path] = name

        def hashed(match: re.Match) -> str:
            path = match.group("path")
            return f'{match.group("attr")}="{names[path]}"' if path in names else match.group(0)

        self._index = REFERENCE_RE.sub(hashed, html).encode("utf-8")
        self._assets = assets

    def _current(self) -> None:
        stamp = self._disk_stamp()
        with self._lock:
            if stamp != self._stamp:
                self._rebuild()
                self._stamp = stamp

    def index_html(self) -> bytes:
        """index.html with every referenced file's hashed name."""
        self._current()
        return self._index

    def get(self, rel_path: str) -> Asset | None:
        """The asset served under `rel_path` (``assets/<name>.<hash>.<ext>``), or None."""
        self._current()
        return self._assets.get(rel_path)
