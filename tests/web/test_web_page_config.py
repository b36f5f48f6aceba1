"""Where the page finds Rasa, and what a link can make it do (no browser, no Rasa).

The page's Rasa address is serve.py's configuration (RASA_PUBLIC_URL), served
as /config.js and enforced by the Content-Security-Policy header; a crafted
link (``?rasa=``, ``?greet=``) changes neither the server nor the first
payload. The page's own scripts are run in Node with a stand-in widget
(webchat_harness.js) to see what the genuine page would do with such a link.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List
from urllib.parse import quote

import pytest

WEB_DIR = Path(__file__).resolve().parents[2] / "bot" / "web"
HARNESS = Path(__file__).resolve().parent / "webchat_harness.js"
NODE = shutil.which("node")

CONFIGURED_RASA = "http://127.0.0.1:5999"
EVIL = "http://evil.example:5005"

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (it comes with npm, for `make web`)")


@pytest.fixture(scope="module")
def configured_page(page_server) -> str:
    return page_server(env={"RASA_PUBLIC_URL": CONFIGURED_RASA})


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, ""


def csp_directives(header: str) -> Dict[str, List[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def run_page(base: str, tmp_path: Path, query: str = "", with_config: bool = True) -> dict:
    """The widget options that the page at base/ + query gives rasa-webchat."""
    scripts = []
    if with_config:
        status, _, body = _get(base + "/config.js")
        if status == 200:
            config = tmp_path / "config.js"
            config.write_text(body, encoding="utf-8")
            scripts.append(str(config))
    scripts.append(str(WEB_DIR / "webchat.js"))
    result = subprocess.run(
        [NODE, str(HARNESS), f"{base}/{query}", *scripts], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_config_js_names_the_configured_rasa(configured_page):
    status, headers, body = _get(configured_page + "/config.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert f'"rasaUrl": "{CONFIGURED_RASA}"' in body
    assert "window.POLICY_WEBCHAT_CONFIG" in body


@pytest.mark.parametrize("path", ["/", "/index.html", "/webchat.js", "/config.js", "/?rasa=" + quote(EVIL)])
def test_csp_lets_the_page_connect_to_the_configured_rasa_only(configured_page, path):
    status, headers, _ = _get(configured_page + path)
    assert status == 200
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["connect-src"] == ["'self'", CONFIGURED_RASA, "ws://127.0.0.1:5999"]
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]


def test_without_configuration_the_page_uses_local_rasa(page_server):
    base = page_server()
    _, headers, body = _get(base + "/config.js")
    assert '"rasaUrl": "http://127.0.0.1:5005"' in body
    assert csp_directives(headers["Content-Security-Policy"])["connect-src"] == [
        "'self'",
        "http://127.0.0.1:5005",
        "ws://127.0.0.1:5005",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "http://evil.example/x",
        "http://user@evil.example",
        "evil.example:5005",
        "http://a b",
        "http://x;connect-src *",
        "ftp://x",
    ],
)
def test_a_rasa_public_url_that_is_not_an_origin_is_refused(value):
    result = subprocess.run(
        [sys.executable, str(WEB_DIR / "serve.py"), "--port", "0"],
        env={"RASA_PUBLIC_URL": value, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "RASA_PUBLIC_URL" in result.stderr


@needs_node
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?rasa=" + quote(EVIL, safe=""),
        "?rasa=" + EVIL,
        "?rasa=//evil.example:5005",
        "?rasa=" + quote("http://127.0.0.1:6666", safe="") + "&greet=/greet",
        "?greet=/greet&rasa=" + quote("https://evil.example", safe=""),
    ],
)
def test_a_link_cannot_point_the_page_at_another_server(configured_page, tmp_path, query):
    page = run_page(configured_page, tmp_path, query)
    assert page["socketUrl"] == CONFIGURED_RASA
    assert page["dataRasaUrl"] == CONFIGURED_RASA
    assert page["socketPath"] == "/socket.io/"


@needs_node
def test_without_config_js_the_page_uses_its_own_host(configured_page, tmp_path):
    """A server that does not write config.js: the page's host, port 5005, still never the link's."""
    page = run_page(configured_page, tmp_path, "?rasa=" + quote(EVIL, safe=""), with_config=False)
    assert page["socketUrl"] == "http://127.0.0.1:5005"


@needs_node
@pytest.mark.parametrize(
    "greet, sent",
    [
        (None, "/greet"),
        ("/greet", "/greet"),
        ("/bot_capability", "/bot_capability"),
        ('/inform_city{"city":12345}', "/greet"),
        ('/inform_city{"city":{"x":1}}', "/greet"),
        ('/greet{"city":"平顶山"}', "/greet"),
        ('/inform_figure{"money":"1e308"}', "/greet"),
        ("/restart", "/greet"),
        ("/session_start", "/greet"),
        ("/ask_reward", "/greet"),
        ("平顶山有什么补贴", "/greet"),
        ("/greet ", "/greet"),
    ],
)
def test_a_greet_link_can_only_pick_a_known_greeting(configured_page, tmp_path, greet, sent):
    query = "" if greet is None else "?greet=" + quote(greet, safe="")
    assert run_page(configured_page, tmp_path, query)["initPayload"] == sent
