"""Checks of the page's files and of serve.py that need neither a browser nor Rasa."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devservers import free_port
from policy_db.loader import read_cities

WEB_DIR = Path(__file__).resolve().parents[2] / "bot" / "web"

INDEX = WEB_DIR / "index.html"
BOOTSTRAP = WEB_DIR / "webchat.js"
CSS = WEB_DIR / "webchat.css"
WIDGET = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"

URL_RE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}""")


def test_page_is_chinese_with_title_header_and_examples():
    html = INDEX.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<title>政策通 · 惠企政策咨询</title>" in html
    assert 'name="viewport"' in html and "width=device-width" in html
    # The cities and example questions come from the database (catalogue.js, tests/web/test_web_catalogue.py).
    for city in read_cities():
        assert city.name not in html, f"{city.name} is written into index.html by hand"
    assert 'id="cities"' in html and 'id="example-list"' in html


def test_page_refers_to_no_external_url():
    for path in (INDEX, CSS, *WEB_DIR.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        # comments may not mention hosts either
        assert not URL_RE.search(text), f"external URL in {path.name}: {URL_RE.search(text).group(0)}"
    html = INDEX.read_text(encoding="utf-8")
    srcs = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert srcs == [
        "config.js",
        "catalogue.js",
        "wording.js",
        "page-tabs.js",
        "node_modules/rasa-webchat/lib/index.js",
        "webchat.js",
        "page-header.js",
        "page-help.js",
        "page-answers.js",
    ]
    hrefs = re.findall(r'<link[^>]*\bhref="([^"]+)"', html)
    assert all(not h.startswith(("http:", "https:", "//")) for h in hrefs)
    assert "Content-Security-Policy" in html


def test_bootstrap_configuration():
    js = BOOTSTRAP.read_text(encoding="utf-8")
    assert 'storage: "session"' in js
    assert 'customData: { language: "zh" }' in js
    assert "DEFAULT_RASA_PORT = 5005" in js
    assert "window.POLICY_WEBCHAT_CONFIG" in js
    assert "embedded: true" in js
    assert 'DEFAULT_INIT_PAYLOAD = "/greet"' in js
    assert "initPayload:" in js


def test_widget_version_is_pinned_exactly():
    pkg = json.loads((WEB_DIR / "package.json").read_text(encoding="utf-8"))
    version = pkg["dependencies"]["rasa-webchat"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"not an exact pin: {version}"
    lock = json.loads((WEB_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"]["rasa-webchat"] == version
    assert lock["packages"]["node_modules/rasa-webchat"]["version"] == version
    if WIDGET.is_file():
        installed = json.loads((WIDGET.parent.parent / "package.json").read_text(encoding="utf-8"))
        assert installed["version"] == version


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(WEB_DIR / "serve.py"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "RASA_PUBLIC_URL"},
    )
    first_line = proc.stdout.readline()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("serve.py did not start")
            time.sleep(0.2)
    yield base, first_line
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, b""


def test_serve_prints_the_page_url(served):
    base, first_line = served
    assert first_line.strip().endswith(base + "/")


def test_serve_serves_the_page(served):
    base, _ = served
    status, headers, body = _get(base + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "政策通 · 惠企政策咨询" in body.decode("utf-8")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    for name, ctype in (
        ("webchat.js", "text/javascript"),
        ("webchat.css", "text/css"),
        ("config.js", "text/javascript"),
    ):
        status, headers, _ = _get(f"{base}/{name}")
        assert status == 200 and headers["Content-Type"].startswith(ctype)


@pytest.mark.skipif(not WIDGET.is_file(), reason="run `npm ci --prefix bot/web` first")
def test_serve_serves_the_widget_without_external_imports(served):
    base, _ = served
    status, headers, body = _get(base + "/node_modules/rasa-webchat/lib/index.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert len(body) > 100_000
    assert b"WebChat" in body
    assert b"@import url(http" not in body
    assert b"fonts.googleapis" not in body
    assert b"@import url(http" in WIDGET.read_bytes()  # the original does have it


@pytest.mark.parametrize(
    "path",
    [
        "/serve.py",
        "/package.json",
        "/package-lock.json",
        "/node_modules/",
        "/node_modules/rasa-webchat/package.json",
        "/node_modules/react/index.js",
        "/../serve.py",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/node_modules/rasa-webchat/lib/../../react/index.js",
        "/nothing-here.html",
    ],
)
def test_serve_refuses_everything_else(served, path):
    base, _ = served
    status, _, body = _get(base + path)
    assert status == 404
    assert b"root:" not in body
