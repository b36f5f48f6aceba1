"""The page on a phone (issue 23, item 1): after the first question the header is one line and the answers
get the screen, on a phone (375x812, and with the on-screen keyboard open), on a desktop at 200 % zoom, and
at 320x256 CSS pixels (1280x1024 at 400 % zoom, WCAG 1.4.10 reflow) the input box is reached with the
keyboard and an answer is read without scrolling sideways. axe-core stays at 0 serious or critical.

Screenshots (test-artifacts/web/): ``phone-layout-<screen>-<state>.png``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from test_web_accessibility import axe_violations, focused  # noqa: E402
from test_web_browser import QUESTION, open_page, send_text, shot, wait_for, wait_reply  # noqa: E402

MAX_TABS = 40
ONE_LINE_PX = 64  # the folded header: one row of 44 px buttons and its padding

JS_BOX = "return arguments[0].getBoundingClientRect().toJSON()"
JS_LAYOUT = """
const box = e => e.getBoundingClientRect().toJSON();
const list = document.querySelector('#chat .rw-messages-container');
const input = document.querySelector('#chat .rw-new-message');
return {
  header: box(document.getElementById('intro')),
  list: box(list), listHeight: list.clientHeight,
  input: box(input),
  viewport: {width: window.innerWidth, height: window.innerHeight},
  scrollWidth: document.documentElement.scrollWidth,
  topLine: Array.from(document.querySelectorAll('#intro .intro-top > *, #intro .tools > button'))
    .filter(e => e.offsetParent !== null && !e.classList.contains('tools')).map(e => ({text: e.innerText, ...box(e)})),
};
"""


def screen(driver, width: int, height: int, scale: float = 1, mobile: bool = False) -> None:
    """The CSS viewport: a phone, or a desktop window zoomed (1366x768 at 200 % is 683x384 CSS pixels)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
    )


def layout(driver) -> dict:
    return driver.execute_script(JS_LAYOUT)


def assert_one_line(now: dict) -> None:
    tops = [item["top"] for item in now["topLine"]]
    bottoms = [item["bottom"] for item in now["topLine"]]
    assert {item["text"] for item in now["topLine"]} >= {"人工·12345", "重新开始", "说明"}, now["topLine"]
    assert max(tops) - min(tops) < 12 and max(bottoms) - min(bottoms) < 12, now["topLine"]  # one row
    assert now["header"]["height"] <= ONE_LINE_PX, now["header"]


def test_on_a_phone_the_header_folds_to_one_line_and_opens_with_one_tap(chrome, web_url, artifacts_dir):
    driver = chrome
    screen(driver, 375, 812, 3, mobile=True)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    before = layout(driver)
    assert driver.find_element(By.ID, "sources-link").is_displayed()  # the data's age, before the first question
    assert not driver.find_element(By.ID, "intro-toggle").is_displayed()
    shot(driver, artifacts_dir, "phone-layout-375-start")

    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    now = wait_for(
        lambda: layout(driver) if layout(driver)["header"]["height"] < before["header"]["height"] else None,
        "the header to fold",
    )
    assert_one_line(now)
    assert now["listHeight"] >= 560, now  # was 488 with the whole header
    assert now["scrollWidth"] <= 375
    assert now["input"]["top"] >= 0 and now["input"]["bottom"] <= 812
    assert not driver.find_element(By.ID, "sources-link").is_displayed()
    shot(driver, artifacts_dir, "phone-layout-375-answer")

    # the on-screen keyboard takes about 336 px: the list keeps most of what is left (was 152 px)
    screen(driver, 375, 476, 3, mobile=True)
    now = layout(driver)
    assert now["listHeight"] >= 260, now
    assert now["input"]["bottom"] <= 476
    shot(driver, artifacts_dir, "phone-layout-375-keyboard")
    screen(driver, 375, 812, 3, mobile=True)

    # 说明 shows the data's age and the examples again, from the keyboard, and folds them again
    toggle = driver.find_element(By.ID, "intro-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-expanded") == "true"
    link = driver.find_element(By.ID, "sources-link")
    assert link.is_displayed() and link.text.startswith("答复依据")
    shot(driver, artifacts_dir, "phone-layout-375-explained")
    assert axe_violations(driver) == []
    toggle.send_keys(Keys.ENTER)
    assert not link.is_displayed()
    assert axe_violations(driver) == []


def test_a_desktop_at_200_percent_zoom_keeps_the_answers_on_screen(chrome, web_url, artifacts_dir):
    driver = chrome
    screen(driver, 683, 384, 2)  # 1366x768 at 200 %
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    now = wait_for(lambda: layout(driver) if layout(driver)["listHeight"] >= 200 else None, "room for the answers")
    assert now["scrollWidth"] <= 683
    assert now["input"]["bottom"] <= 384 and now["input"]["top"] >= 0, now  # was a 120 px list
    shot(driver, artifacts_dir, "phone-layout-desktop-200-answer")
    screen(driver, 1366, 768)
    assert_one_line(layout(driver))
    shot(driver, artifacts_dir, "phone-layout-desktop-100-answer")
    assert axe_violations(driver) == []


def test_at_320_by_256_the_input_is_reached_by_keyboard_and_nothing_scrolls_sideways(chrome, web_url, artifacts_dir):
    driver = chrome
    screen(driver, 320, 256, 4)  # 1280x1024 at 400 %
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    assert layout(driver)["scrollWidth"] <= 320
    shot(driver, artifacts_dir, "phone-layout-320-start")

    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(MAX_TABS):
        if "rw-new-message" in focused(driver)["cls"]:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    else:
        raise AssertionError("the input box was not reached with Tab")
    box = driver.switch_to.active_element
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)
    wait_for(lambda: QUESTION in driver.find_element(By.ID, "chat").text, "the question sent")
    texts = driver.find_element(By.ID, "chat").text
    assert QUESTION in texts
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools"), "the answer")
    now = layout(driver)
    assert now["scrollWidth"] <= 320, now
    assert now["listHeight"] >= 120, now  # was 14 px
    assert now["input"]["top"] >= 0 and now["input"]["bottom"] <= 256, now
    shot(driver, artifacts_dir, "phone-layout-320-answer")
    # every control of the header fits the width
    for item in now["topLine"]:
        assert item["right"] <= 320 and item["left"] >= 0, item
