"""Small things people expect of the page (issue 23, item 7), in Chromium on a phone and a desktop: who runs
the service in the footer, the time under each message, a copy button on an answer, a cue for an answer that
arrives while the user reads above, the send button visible before typing, buttons at least 44 px tall, a
favicon, speaker labels for screen readers, a duplicated tab that shows no answers without their question, and
a page reloaded before its greeting arrived that is greeted all the same.

Screenshots (test-artifacts/web/): ``small-<screen>-*.png``.
"""

from __future__ import annotations

import datetime as dt
import urllib.request

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from test_web_accessibility import SCREENS, axe_violations, list_question  # noqa: E402
from test_web_browser import QUESTION, messages, open_page, send_text, shot, wait_for, wait_reply  # noqa: E402

JS_BUTTONS = """
return Array.from(document.querySelectorAll('button, .hotline, summary')).filter(e => e.offsetParent !== null)
  .map(e => ({text: e.innerText.trim(), height: e.getBoundingClientRect().height, width: e.getBoundingClientRect().width}));
"""
JS_CLIPBOARD = """
const done = arguments[arguments.length - 1];
navigator.clipboard.readText().then(done, e => done('error: ' + e));
"""


def ax_texts(driver) -> list[str]:
    """The names of the accessibility tree's text nodes, as a screen reader reads them."""
    tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    return [
        node["name"]["value"]
        for node in tree["nodes"]
        if node.get("role", {}).get("value") == "StaticText" and node.get("name", {}).get("value")
    ]


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_footer_times_copy_send_button_sizes_favicon_and_speakers(chrome, web_url, artifacts_dir, screen):
    driver = chrome
    SCREENS[screen](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")

    # who runs it: not an official government channel, on screen
    note = driver.find_element(By.ID, "note")
    assert note.is_displayed() and note.text.startswith("非政府官方渠道")
    assert note.rect["y"] + note.rect["height"] <= driver.execute_script("return window.innerHeight") + 1

    # the send button before anything is typed: shown, 44 px, filled
    send = driver.find_element(By.CSS_SELECTOR, "#chat .rw-send")
    assert driver.find_element(By.CSS_SELECTOR, "#chat .rw-new-message").get_attribute("value") == ""
    assert send.is_displayed() and send.rect["height"] >= 44 and send.rect["width"] >= 44
    assert send.value_of_css_property("background-color") == "rgba(179, 38, 30, 1)"  # the brand red, not grey

    # favicon: served by the page server
    icon = driver.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
    with urllib.request.urlopen(icon, timeout=10) as response:  # noqa: S310 (loopback)
        assert response.status == 200 and response.headers["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.read()

    i = send_text(driver, QUESTION)
    answer = wait_reply(driver, i, "the answer")[0]

    # the time under each message, as the browser's clock says
    now = dt.datetime.now()
    times = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#chat .rw-message-date")]
    allowed = {(now - dt.timedelta(minutes=m)).strftime("%H:%M") for m in range(0, 3)}
    assert len(times) >= 3 and set(times) <= allowed, (times, allowed)

    # speaker labels a screen reader reads before each message
    texts = ax_texts(driver)
    assert texts.count("您：") == 1 and texts.count("政策通：") >= 2, [t for t in texts if t.endswith("：")]

    # every button a finger taps is at least 44 px tall
    small = [b for b in driver.execute_script(JS_BUTTONS) if b["height"] < 44]
    assert small == [] or all(b["text"].startswith("可以这样问") for b in small), small

    # 复制 copies the answer's text
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": web_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    copy = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools .copy"), "the copy button")[-1]
    copy.click()
    status = driver.find_element(By.CSS_SELECTOR, "#chat .answer-tools .answer-status")
    wait_for(lambda: status.text == "已复制", "the copy confirmed")
    copied = driver.execute_async_script(JS_CLIPBOARD)
    assert copied.startswith(answer.splitlines()[0]) and "查看原文" in copied, copied
    shot(driver, artifacts_dir, f"small-{screen}-answer")
    assert axe_violations(driver) == []


def test_an_answer_arriving_while_reading_above_shows_a_cue(chrome, web_url, artifacts_dir, policy_data):
    driver = chrome
    SCREENS["phone"](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    i = send_text(driver, list_question(policy_data))  # a long answer: something to scroll up to
    wait_reply(driver, i, "the long answer")
    cue = driver.find_element(By.ID, "new-message")
    assert not cue.is_displayed()

    # the user sends a question and scrolls up (a wheel) before the answer arrives
    send_text(driver, "平顶山技术改造有什么补贴")
    driver.execute_script(
        "const l = document.querySelector('#chat .rw-messages-container');"
        "l.dispatchEvent(new WheelEvent('wheel', {deltaY: -600, bubbles: true})); l.scrollTop = 0;"
    )
    wait_for(cue.is_displayed, "the new-message cue")
    assert cue.text == "有新消息，点此查看"
    assert driver.execute_script("return document.querySelector('#chat .rw-messages-container').scrollTop") < 50
    shot(driver, artifacts_dir, "small-phone-new-message-cue")
    cue.click()
    wait_for(lambda: not cue.is_displayed(), "the cue gone")
    last = driver.find_elements(By.CSS_SELECTOR, "#chat .rw-response")[-1]
    rect = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", last)
    assert 0 <= rect["top"] < driver.execute_script("return window.innerHeight"), rect  # the new answer on screen


def test_a_duplicated_tab_shows_no_answers_without_their_question(chrome, web_url, artifacts_dir):
    driver = chrome
    SCREENS["desktop"](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    first = driver.current_window_handle
    stored = driver.execute_script(
        "return Object.fromEntries(Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]))"
    )
    assert "chat_session" in stored and "policy_tab" in stored

    # the browser's "duplicate tab": a second tab of the page with a copy of the first one's session storage
    driver.switch_to.new_window("tab")
    driver.get(web_url + "?duplicate")
    driver.execute_script("for (const [k, v] of Object.entries(arguments[0])) sessionStorage.setItem(k, v);", stored)
    driver.refresh()
    open_page(driver, web_url + "?duplicate")
    try:
        wait_reply(driver, -1, "the duplicate's own greeting")
    except AssertionError:
        shot(driver, artifacts_dir, "small-desktop-duplicated-tab-failed")
        logs = [entry["message"] for entry in driver.get_log("browser")]
        raise AssertionError(f"no greeting; messages {messages(driver)}; console {logs}") from None
    assert [m["text"] for m in messages(driver) if m["client"]] == []
    own = driver.execute_script("return window.POLICY_SESSION_ID()")
    assert own.split(".")[0] != stored["chat_session"].split('"session_id":"')[1][:32]

    # a question in the first tab is answered there only
    driver.switch_to.window(first)
    j = send_text(driver, "平顶山技术改造有什么补贴")
    wait_reply(driver, j, "the answer in the first tab")
    driver.switch_to.window(driver.window_handles[-1])
    ms = messages(driver)
    assert all(not m["client"] for m in ms) and len(ms) == 1, ms  # its greeting, nothing of the other tab
    shot(driver, artifacts_dir, "small-desktop-duplicated-tab")

    # and a reload of a tab keeps its own conversation
    driver.switch_to.window(first)
    driver.refresh()
    open_page(driver, web_url)
    wait_for(lambda: QUESTION in [m["text"] for m in messages(driver) if m["client"]], "the conversation kept")
    ms = messages(driver)
    greetings = [m for m in ms if not m["client"] and m["text"] == ms[0]["text"]]
    assert not ms[0]["client"] and len(greetings) == 1, ms  # greeted once: a restored conversation is not greeted again


def test_a_page_left_before_its_greeting_arrived_greets_when_it_comes_back(chrome, web_url):
    """The greeting was sent and the page reloaded before it arrived: the restored session is greeted again."""
    driver = chrome
    SCREENS["desktop"](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    session = driver.execute_script("return JSON.parse(sessionStorage.getItem('chat_session'))")
    assert session["params"]["initialized"] is True and session["conversation"]
    # the state a reload leaves when the greeting's answer went to the page that was gone
    driver.execute_script(
        "const s = JSON.parse(sessionStorage.getItem('chat_session')); s.conversation = [];"
        "sessionStorage.setItem('chat_session', JSON.stringify(s));"
    )
    driver.refresh()
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting again")
    ms = messages(driver)
    assert len(ms) == 1 and not ms[0]["client"], ms
    assert driver.execute_script("return window.POLICY_SESSION_ID()") == session["session_id"]  # the same session
