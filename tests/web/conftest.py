"""Fixtures for the web chat tests.

* ``rasa_url``: a Rasa server speaking the socketio channel
  (bot.channels.socketio_channel.PolicySocketIOInput): the real trained bot that
  tests/conftest.py starts (fixture ``bot``), or a running one given by ``RASA_URL``.
* ``page_server``: starts bot/web/serve.py (devservers.PageServer) on a free
  port with the given environment and arguments (stopped at the end of the
  session; its log in var/log/test-page-<port>.log).
* ``web_url`` / ``page_rasa_url``: the page (serve.py, reading the test policy
  database of ``policy_db_url`` for its catalogue and source pages) and the Rasa
  server it is configured for, which accepts sockets from the page's origin only:
  a second Rasa with its own action server (whose answers link their sources to
  the page: ``WEB_PUBLIC_URL``), started with ``WEB_ORIGIN`` set to the page's
  origin. With ``RASA_URL`` that server is used instead, and the page
  listens on ``WEB_TEST_PORT`` (its origin must be in that server's WEB_ORIGIN).
* ``chrome``: Debian's headless Chromium through /usr/bin/chromedriver (skipped
  when either is missing). No browser or driver is ever downloaded.

Screenshots go to test-artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, Optional

import pytest

from devservers import ActionServer, PageServer, RasaServer, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_DIR = REPO_ROOT / "bot" / "web"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "web"

if str(REPO_ROOT) not in sys.path:  # `import bot.channels...` from any working directory
    sys.path.insert(0, str(REPO_ROOT))

CHROMIUM_BIN = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER_BIN = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
            return 200 <= r.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def using_real_bot() -> bool:
    """The page is always tested against the real, trained bot (kept for the tests' wording)."""
    return True


@pytest.fixture(scope="session")
def rasa_url(bot) -> Iterator[str]:
    """Base URL of a Rasa server with the socketio channel: `RASA_URL` if set, else the test bot."""
    external = os.environ.get("RASA_URL")
    if external:
        url = external.rstrip("/")
        if not _http_ok(url + "/"):
            pytest.fail(f"RASA_URL={url} is set but the Rasa server does not answer on {url}/")
        yield url
        return
    yield bot.url


@pytest.fixture(scope="session")
def page_server():
    """start(env=None, args=(), port=None) -> base URL (no trailing slash) of a new serve.py."""
    servers: list[PageServer] = []

    def start(env: Optional[dict] = None, args: tuple = (), port: Optional[int] = None) -> str:
        server = PageServer(port=port or free_port(), env=dict(env or {}), args=tuple(args))
        servers.append(server)
        return server.start().url

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


PAGE_CREDENTIALS = """bot.channels.socketio_channel.PolicySocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


@pytest.fixture(scope="session")
def page_and_rasa(page_server, request, tmp_path_factory) -> Iterator[tuple]:
    """(page URL ending in '/', the Rasa URL the page is configured for)."""
    if not (WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js").is_file():
        pytest.skip("rasa-webchat is not installed: run `npm ci --prefix bot/web`")
    external = os.environ.get("RASA_URL")
    if external:
        url = external.rstrip("/")
        if not _http_ok(url + "/"):
            pytest.fail(f"RASA_URL={url} is set but the Rasa server does not answer on {url}/")
        port = int(os.environ.get("WEB_TEST_PORT") or free_port())
        database = request.getfixturevalue("policy_db_url")
        yield page_server(env={"RASA_PUBLIC_URL": url, "DATABASE_URL": database}, port=port) + "/", url
        return

    database = request.getfixturevalue("policy_db_url")
    rasa = RasaServer(
        action_url="",  # set below, once the action server knows the page's address
        credentials=PAGE_CREDENTIALS,
        workdir=tmp_path_factory.mktemp("page-rasa"),
        name="page-rasa",
    )
    # binds its port now; the catalogue and source pages from the database the bot answers from
    page = page_server(env={"RASA_PUBLIC_URL": rasa.url, "DATABASE_URL": database})
    # answers link their sources to this page's /sources/<key>#<clause>
    actions = ActionServer(env={"DATABASE_URL": database, "WEB_PUBLIC_URL": page}, name="page-actions").start()
    rasa.action_url = actions.url
    rasa.env = {"WEB_ORIGIN": page}  # Socket.IO: this page's origin only
    rasa.cors = page  # CORS (`--cors`, for the polling transport): this page's origin only
    try:
        rasa.start()
        yield page + "/", rasa.url
    finally:
        rasa.stop()
        actions.stop()


@pytest.fixture(scope="session")
def web_url(page_and_rasa) -> str:
    """The page, served by bot/web/serve.py (ends in '/')."""
    return page_and_rasa[0]


@pytest.fixture(scope="session")
def page_rasa_url(page_and_rasa) -> str:
    """The Rasa server the page at `web_url` is configured for."""
    return page_and_rasa[1]


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


def _chromium_available() -> Optional[str]:
    """None when usable, else the reason to skip."""
    for path, what in ((CHROMIUM_BIN, "chromium"), (CHROMEDRIVER_BIN, "chromedriver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{what} not found at {path} (apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip browser tests before any session fixture (e.g. training the
    stand-in bot) is set up for them."""
    if "chrome" in getattr(item, "fixturenames", ()):
        reason = _chromium_available()
        if reason:
            pytest.skip(reason)


@pytest.fixture
def chrome(tmp_path: Path):
    """A fresh headless Chromium (own --user-data-dir), closed after the test."""
    reason = _chromium_available()
    if reason:
        pytest.skip(reason)

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM_BIN
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-default-browser-check",
        "--lang=zh-CN",
        "--window-size=1280,800",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})

    service = Service(
        executable_path=CHROMEDRIVER_BIN,
        log_output=str(tmp_path / "chromedriver.log"),
    )
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chrome-profile", ignore_errors=True)
