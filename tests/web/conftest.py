"""Fixtures for the web chat tests.

* ``rasa_url``: a Rasa server speaking the socketio channel
  (bot.channels.socketio_channel.PolicySocketIOInput). With the environment
  variable ``RASA_URL`` set (e.g. ``RASA_URL=http://127.0.0.1:5005``) that running
  bot is used as is; otherwise a tiny stand-in Rasa project is written to a
  temporary directory, trained with ``rasa train --fixed-model-name`` and started
  with ``rasa run --credentials ... --cors "*"`` on a free port. All Rasa output
  goes to log files in that temporary directory (their paths are printed when
  something fails).
* ``web_url``: bot/web/serve.py on a free port.
* ``chrome``: Debian's headless Chromium through /usr/bin/chromedriver (skipped
  when either is missing). No browser or driver is ever downloaded.

Screenshots go to test-artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, Optional

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_DIR = REPO_ROOT / "bot" / "web"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "web"

if str(REPO_ROOT) not in sys.path:  # `import bot.channels...` from any working directory
    sys.path.insert(0, str(REPO_ROOT))

CHROMIUM_BIN = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER_BIN = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")

TRAIN_TIMEOUT_S = 600
RASA_START_TIMEOUT_S = 300

# ---------------------------------------------------------------------------
# The stand-in bot: 3 tiny intents (greet, ask_policy, inform_city), answers
# that lead with a figure, the five cities as quick-reply buttons, rules only.
# ---------------------------------------------------------------------------

CITIES = ["三门峡", "登封", "平顶山", "三明", "滨州"]

STANDIN_CONFIG = """\
recipe: default.v1
assistant_id: zhengcetong_webchat_standin
language: zh
pipeline:
  - name: JiebaTokenizer
  - name: RegexEntityExtractor
    use_lookup_tables: true
    use_word_boundaries: false
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 2
  - name: LogisticRegressionClassifier
policies:
  - name: RulePolicy
"""

_CITY_BUTTONS = "\n".join(
    f"""      - title: "{c}"
        payload: '/inform_city{{"city":"{c}"}}'"""
    for c in CITIES
)

STANDIN_DOMAIN = f"""\
version: "3.1"
intents:
  - greet
  - ask_policy
  - inform_city
entities:
  - city
slots:
  city:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: city
responses:
  utter_greet:
    - text: "您好，我是政策通（测试替身）。请先选择企业所在城市："
      buttons:
{_CITY_BUTTONS}
  utter_policy_answer:
    - text: "**最高 50 万元**：符合条件的企业可获一次性奖励（测试替身的示例回答）。\\n\\n来源：《示例惠企政策》第三条。想看哪个城市？"
      buttons:
{_CITY_BUTTONS}
  utter_city_selected:
    - condition:
        - type: slot
          name: city
          value: null
      text: "好的。请告诉我您想了解的惠企政策。"
    - text: "已切换到{{city}}：**3 项**惠企政策可供查询（测试替身）。"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""

STANDIN_NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - 你好
      - 您好
      - 在吗
      - 嗨
      - 早上好
      - hello
  - intent: ask_policy
    examples: |
      - 有什么补贴
      - 有哪些奖励政策
      - 小规模纳税人免征增值税的标准是多少
      - 高新技术企业有什么奖励
      - 技术改造能补多少钱
      - 贷款贴息怎么申请
      - 制造业企业有哪些扶持措施
      - 社保补贴标准是多少
  - intent: inform_city
    examples: |
      - [平顶山](city)
      - 我在[三明](city)
      - [滨州](city)的
      - 我们公司在[登封](city)
      - 看看[三门峡](city)
  - lookup: city
    examples: |
      - 三门峡
      - 登封
      - 平顶山
      - 三明
      - 滨州
"""

STANDIN_RULES = """\
version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: policy question
    steps:
      - intent: ask_policy
      - action: utter_policy_answer
  - rule: city chosen
    steps:
      - intent: inform_city
      - action: utter_city_selected
"""

STANDIN_CREDENTIALS = """\
bot.channels.socketio_channel.PolicySocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
            return 200 <= r.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _tail(path: Path, n: int = 40) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-n:])


def _rasa_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONUNBUFFERED": "1",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # bot.channels.socketio_channel must be importable by `rasa run`.
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env


def _stop(proc: Optional[subprocess.Popen]) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def write_standin_project(root: Path) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(STANDIN_CONFIG, encoding="utf-8")
    (root / "domain.yml").write_text(STANDIN_DOMAIN, encoding="utf-8")
    (root / "data" / "nlu.yml").write_text(STANDIN_NLU, encoding="utf-8")
    (root / "data" / "rules.yml").write_text(STANDIN_RULES, encoding="utf-8")
    (root / "credentials.yml").write_text(STANDIN_CREDENTIALS, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def using_real_bot() -> bool:
    return bool(os.environ.get("RASA_URL"))


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (scheme://host:port) of a Rasa server with the socketio channel."""
    external = os.environ.get("RASA_URL")
    if external:
        url = external.rstrip("/")
        if not _http_ok(url + "/"):
            pytest.fail(f"RASA_URL={url} is set but the Rasa server does not answer on {url}/")
        yield url
        return

    root = write_standin_project(tmp_path_factory.mktemp("standin_bot"))
    train_log = root / "rasa-train.log"
    run_log = root / "rasa-run.log"
    env = _rasa_env()

    with open(train_log, "wb") as log:
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable, "-m", "rasa", "train",
                "--config", "config.yml",
                "--domain", "domain.yml",
                "--data", "data",
                "--out", str(root / "models"),
                "--fixed-model-name", "standin",
                "--quiet",
            ],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, timeout=TRAIN_TIMEOUT_S,
        )
    model = root / "models" / "standin.tar.gz"
    if result.returncode != 0 or not model.is_file():
        pytest.fail(
            f"training the stand-in bot failed (exit {result.returncode}); "
            f"log {train_log}:\n{_tail(train_log)}"
        )
    print(f"\nstand-in bot trained in {time.monotonic() - started:.0f}s ({train_log})")

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(run_log, "wb")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "rasa", "run",
            "--model", str(model),
            "--credentials", "credentials.yml",
            "--port", str(port),
            "--interface", "127.0.0.1",
            "--cors", "*",
            "--log-file", str(root / "rasa-run-debug.log"),
        ],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + RASA_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"rasa run exited with {proc.returncode}; log {run_log}:\n{_tail(run_log)}")
            if _http_ok(url + "/") and _http_ok(url + "/socket.io/?EIO=4&transport=polling"):
                break
            time.sleep(1)
        else:
            pytest.fail(f"rasa run did not come up in {RASA_START_TIMEOUT_S}s; log {run_log}:\n{_tail(run_log)}")
        yield url
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def web_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bot/web/serve.py on a free port; yields the page URL (ending in '/')."""
    if not (WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js").is_file():
        pytest.skip("rasa-webchat is not installed: run `npm ci --prefix bot/web`")
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, str(WEB_DIR / "serve.py"), "--port", str(port), "--quiet"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while not _http_ok(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve.py did not start; log {log_path}:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


def _chromium_available() -> Optional[str]:
    """None when usable, else the reason to skip."""
    for path, what in ((CHROMIUM_BIN, "chromium"), (CHROMEDRIVER_BIN, "chromedriver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return (
                f"{what} not found at {path} "
                "(apt-get install -y chromium chromium-driver)"
            )
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
