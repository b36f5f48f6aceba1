"""Loading on a slow network (issue 23, item 5): the page's scripts and style sheet are served under
content-hashed names, gzip-compressed and cached as immutable, and a question tapped before the socket is
connected is sent once, after the greeting, and answered once.

The serving checks talk HTTP to serve.py; the slow-network check emulates 50 kB/s with 1.5 s latency in
Chromium. Screenshot: ``loading-phone-slow-network.png``.
"""

from __future__ import annotations

import gzip
import re
import time
import urllib.request

import pytest

from bot.web.assets import IMMUTABLE, AssetTable, hashed_name

WIDGET_BYTES = 700_000  # the bundle, uncompressed (714 KB)


def get(url: str, gzip_ok: bool = True) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate" if gzip_ok else "identity"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def page(page_server, policy_db_url) -> str:
    return page_server(env={"DATABASE_URL": policy_db_url})


def test_the_page_names_its_files_by_content_and_serves_them_compressed_and_immutable(page):
    status, headers, body = get(page + "/")
    assert status == 200 and headers["Cache-Control"] == "no-cache"  # the page itself: always fresh
    sources = re.findall(r'(?:src|href)="(assets/[^"]+)"', body.decode("utf-8"))
    assert len(sources) == 9 and all(re.fullmatch(r"assets/[\w.-]+\.[0-9a-f]{12}\.(js|css|svg)", s) for s in sources)
    widget = next(s for s in sources if s.startswith("assets/index."))
    assert 'src="config.js"' in body.decode() and 'src="catalogue.js"' in body.decode()  # written per request

    status, headers, compressed = get(f"{page}/{widget}")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert headers["Vary"] == "Accept-Encoding"
    assert len(compressed) < WIDGET_BYTES * 0.35, len(compressed)  # about 200 KB instead of 714 KB
    plain = gzip.decompress(compressed)
    assert len(plain) > WIDGET_BYTES and b"WebChat" in plain and b"@import url(http" not in plain
    assert widget == hashed_name("node_modules/rasa-webchat/lib/index.js", plain)  # the name is the content's

    status, headers, identity = get(f"{page}/{widget}", gzip_ok=False)  # a client without gzip gets it plain
    assert status == 200 and "Content-Encoding" not in headers and identity == plain
    assert get(f"{page}/{widget.replace(widget[-15:-3], '0' * 12)}")[0] == 404  # an old or made-up name


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "index.html").write_text('<script src="a.js"></script><link href="b.css">', encoding="utf-8")
    (tmp_path / "a.js").write_text("var a = 1;", encoding="utf-8")
    (tmp_path / "b.css").write_text("p{}", encoding="utf-8")
    table = AssetTable(
        str(tmp_path),
        read=lambda path: (tmp_path / path).read_bytes(),
        content_type=lambda path: "text/plain",
        allowed=lambda path: "/" not in path,
    )
    first = table.index_html().decode()
    name = re.search(r'src="(assets/a\.[0-9a-f]{12}\.js)"', first).group(1)
    assert table.get(name).body == b"var a = 1;" and 'href="assets/b.' in first
    time.sleep(0.01)
    (tmp_path / "a.js").write_text("var a = 2;", encoding="utf-8")
    second = table.index_html().decode()
    renamed = re.search(r'src="(assets/a\.[0-9a-f]{12}\.js)"', second).group(1)
    assert renamed != name and table.get(renamed).body == b"var a = 2;" and table.get(name) is None


def test_a_question_tapped_before_the_socket_connects_is_sent_once(chrome, web_url, artifacts_dir):
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By
    from test_web_browser import messages, phone, shot, wait_for

    driver = chrome
    phone(driver)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024},
    )
    driver.set_page_load_timeout(120)
    started = time.monotonic()
    driver.get(web_url)
    loaded = time.monotonic() - started
    example = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "button.example"), "the example questions", 60)[0]
    question = example.text.strip()
    state = driver.find_element(By.ID, "status").get_attribute("data-state")
    example.click()
    assert state != "online", "the socket connected before the tap: nothing was queued"
    queued = driver.find_element(By.ID, "queued")
    assert queued.is_displayed() and question in queued.text  # the user sees it will be sent

    def answered():
        ms = messages(driver)
        asked = [k for k, m in enumerate(ms) if m["client"] and m["text"] == question]
        return ms if asked and any(not m["client"] for m in ms[asked[0] + 1 :]) else None

    wait_for(answered, "the queued question answered", 90)
    time.sleep(6)  # a second copy of the question or of its answer would have arrived by now
    ms = messages(driver)
    assert not ms[0]["client"], ms  # the greeting first
    assert [m["text"] for m in ms if m["client"]] == [question]
    groups = driver.execute_script(
        "return Array.from(document.querySelectorAll('#chat .rw-group-message')).map(g => g.classList.contains('rw-from-client'))"
    )
    assert groups == [False, True, False], groups  # greeting, the question, one answer
    assert not queued.is_displayed()
    shot(driver, artifacts_dir, "loading-phone-slow-network")

    transferred = driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => /assets\\/index\\./.test(e.name))"
        ".map(e => [e.transferSize, e.decodedBodySize])"
    )
    assert transferred and transferred[0][0] < WIDGET_BYTES * 0.4 < transferred[0][1], transferred
    assert loaded < 30, loaded  # 23 s for the widget alone before

    # a second visit takes the hashed files from the browser's cache
    driver.refresh()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "button.example"), "the page again", 60)
    again = driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => /assets\\//.test(e.name)).map(e => e.transferSize)"
    )
    assert again and all(size == 0 for size in again), again
